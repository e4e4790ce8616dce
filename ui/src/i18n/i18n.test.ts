import { describe, expect, it } from "vitest";
import { get } from "svelte/store";
import { pickLanguage, setLanguage, t } from "./index";
import ru from "./locales/ru.json";
import en from "./locales/en.json";

function keys(value: unknown, prefix = ""): string[] {
  if (typeof value !== "object" || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe("i18n", () => {
  it("defaults to Russian for unknown or missing choices", () => {
    expect(pickLanguage(null)).toBe("ru");
    expect(pickLanguage("de")).toBe("ru");
    expect(pickLanguage("en")).toBe("en");
  });

  it("has the same keys in every locale", () => {
    expect(keys(en).sort()).toEqual(keys(ru).sort());
  });

  it("switches the strings with the language", async () => {
    await setLanguage("ru");
    expect(get(t)("home.signIn")).toBe("Войти");
    await setLanguage("en");
    expect(get(t)("home.signIn")).toBe("Sign in");
    await setLanguage("ru");
  });
});

// The help page quotes the messages a citizen sees; a quote that no screen ever shows (a
// message reworded, a made-up one) sends them looking for the wrong thing.
describe("help quotes", async () => {
  const { default: ruLocale } = await import("./locales/ru.json");
  const { default: enLocale } = await import("./locales/en.json");
  const messages = (locale: Record<string, unknown>): string[] => {
    const out: string[] = [];
    const walk = (node: unknown) => {
      if (typeof node === "string") out.push(node);
      else if (node && typeof node === "object") for (const value of Object.values(node)) walk(value);
    };
    walk({ rules: locale.rules, errors: locale.errors });
    return out;
  };
  for (const [lng, locale] of [["ru", ruLocale], ["en", enLocale]] as const) {
    it(`quote only messages the UI shows, in ${lng}`, () => {
      const shown = messages(locale as Record<string, unknown>);
      const questions = Object.values((locale as { help: { q: Record<string, string> } }).help.q);
      const quotes = questions.flatMap((q) => [...q.matchAll(/«([^»]+)»/g)].map((m) => m[1]));
      expect(quotes.length).toBeGreaterThan(3);
      for (const quote of quotes) {
        // A quote may stop with «…» where the message goes on (a time, a detail).
        const start = quote.replace(/…$/, "");
        const found = shown.some((m) => (quote.endsWith("…") ? m.startsWith(start) : m === quote));
        expect(found, `${lng}: «${quote}»`).toBe(true);
      }
    });
  }
});
