// The UI's languages: Russian by default, English on request; the choice is remembered.
// Strings live in locales/*.json only; components read them through the `t` store.
// Russian is in the script that loads at start (it is also the fallback); English is fetched when
// chosen, and before the first screen for someone who chose it earlier (`startLanguage`).
import i18next from "i18next";
import { derived, writable } from "svelte/store";
import ru from "./locales/ru.json";

export const LANGUAGES = ["ru", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

const STORAGE_KEY = "kabinet.language";

/** Reads a remembered language, falling back to Russian for anything unknown. */
export function pickLanguage(stored: string | null | undefined): Language {
  return LANGUAGES.find((l) => l === stored) ?? "ru";
}

function storedLanguage(): string | null {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null; // storage disabled: the default language still works
  }
}

const i18n = i18next.createInstance();
void i18n.init({
  lng: "ru",
  fallbackLng: "ru",
  resources: { ru: { translation: ru } },
  interpolation: { escapeValue: false }, // Svelte escapes text itself
  initAsync: false,
});

export const language = writable<Language>(pickLanguage(i18n.language));

const STRINGS: Record<Exclude<Language, "ru">, () => Promise<{ default: object }>> = {
  en: () => import("./locales/en.json"),
};

/** Makes a language's strings available (fetched once). */
async function loadStrings(lng: Language): Promise<void> {
  if (lng === "ru" || i18n.hasResourceBundle(lng, "translation")) return;
  const strings = await STRINGS[lng]();
  i18n.addResourceBundle(lng, "translation", strings.default);
}

/** Applies the remembered language, its strings fetched first: the app mounts after this. */
export async function startLanguage(): Promise<void> {
  const lng = pickLanguage(storedLanguage());
  try {
    await loadStrings(lng);
  } catch {
    return; // its strings could not be fetched: Russian, the default, stays
  }
  await i18n.changeLanguage(lng);
  if (typeof document !== "undefined") document.documentElement.lang = lng;
  language.set(lng);
}

/** Switches the UI language (once its strings are here) and remembers the choice. */
export async function setLanguage(next: Language): Promise<void> {
  try {
    await loadStrings(next);
  } catch {
    return; // its strings could not be fetched (offline): the language stays as it was
  }
  await i18n.changeLanguage(next);
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, next);
  } catch {
    // storage disabled: the switch still applies to this page
  }
  if (typeof document !== "undefined") document.documentElement.lang = next;
  language.set(next);
}

/** The UI language now, for code outside components (a component reads `$language`). */
export function currentLanguage(): Language {
  return pickLanguage(i18n.language);
}

/** `$t("home.signIn")` — the string for a key in the current language. */
export const t = derived(language, (lng) => (key: string, params?: Record<string, unknown>) =>
  i18n.getFixedT(lng)(key, params),
);

/** Whether the locale files hold `key` (both hold the same keys; a test checks it). */
export function hasKey(key: string): boolean {
  return i18n.exists(key);
}
