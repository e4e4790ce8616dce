// The UI's languages: Russian by default, English on request; the choice is remembered.
// Strings live in locales/*.json only; components read them through the `t` store.
import i18next from "i18next";
import { derived, writable } from "svelte/store";
import ru from "./locales/ru.json";
import en from "./locales/en.json";

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
  lng: pickLanguage(storedLanguage()),
  fallbackLng: "ru",
  resources: { ru: { translation: ru }, en: { translation: en } },
  interpolation: { escapeValue: false }, // Svelte escapes text itself
  initAsync: false,
});

export const language = writable<Language>(pickLanguage(i18n.language));

/** Switches the UI language and remembers the choice. */
export function setLanguage(next: Language): void {
  void i18n.changeLanguage(next);
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
