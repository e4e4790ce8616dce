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

  it("switches the strings with the language", () => {
    setLanguage("ru");
    expect(get(t)("home.signIn")).toBe("Войти");
    setLanguage("en");
    expect(get(t)("home.signIn")).toBe("Sign in");
    setLanguage("ru");
  });
});
