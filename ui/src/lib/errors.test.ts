import { describe, expect, it } from "vitest";
import i18next from "i18next";
import ru from "../i18n/locales/ru.json";
import en from "../i18n/locales/en.json";
import { readFileSync } from "node:fs";
import type { ApiError } from "../api/generated";
import { errorMessage, fieldMessages, formatWhen } from "./errors";

const i18n = i18next.createInstance();
await i18n.init({ lng: "ru", resources: { ru: { translation: ru }, en: { translation: en } }, interpolation: { escapeValue: false } });
const exists = (key: string) => i18n.exists(key);

describe("error messages", () => {
  it("say a lock's end time in the user's language", () => {
    const at = new Date(2030, 0, 2, 14, 5).toISOString();
    const error = { code: "account_locked" as const, message: "server text", retry_at: at };
    expect(errorMessage(i18n.getFixedT("ru"), exists, error, "ru")).toBe("Слишком много неверных попыток. Вход заблокирован до 2 января 2030 г. в 14:05.");
    expect(errorMessage(i18n.getFixedT("en"), exists, error, "en")).toBe("Too many wrong attempts. Sign-in is locked until 2 January 2030 at 14:05.");
  });

  it("count the attempts left on a wrong code", () => {
    const error = { code: "code_wrong" as const, message: "", remaining: 2 };
    expect(errorMessage(i18n.getFixedT("ru"), exists, error)).toBe("Неверный код. Осталось попыток: 2.");
  });

  it("name every rule of every field with its parameters", () => {
    const error: ApiError = {
      code: "invalid_input" as const,
      message: "",
      fields: [
        { field: "password", rules: [{ rule: "password_too_short", params: { min: "8" } }, { rule: "password_needs_digit", params: {} }] },
        { field: "passport.department_code", rules: [{ rule: "department_code_format", params: {} }] },
        { field: "snils", rules: [{ rule: "rule_nobody_knows", params: {} }] },
      ],
    };
    const en = fieldMessages(i18n.getFixedT("en"), exists, error);
    expect(en.password).toEqual(["At least 8 characters", "A digit"]);
    expect(en["passport.department_code"]).toEqual(["The department code is 6 digits: 770-001"]);
    expect(en.snils).toEqual(["Invalid value"]);
  });

  it("exist for every error code in both languages", () => {
    // Read from the generated bindings, so a code added in Rust without a message fails here.
    const generated = readFileSync(new URL("../api/generated.ts", import.meta.url), "utf8");
    const union = /export type ErrorCode = ([^;]+);/.exec(generated)?.[1] ?? "";
    const codes = [...union.matchAll(/"([a-z_]+)"/g)].map((m) => m[1]);
    expect(codes).toContain("forbidden");
    for (const lng of ["ru", "en"]) for (const code of codes) expect(i18n.exists(`errors.${code}`, { lng }), `${lng} ${code}`).toBe(true);
  });

  it("write today's times short and other days in full, in the chosen language", () => {
    const now = new Date(2026, 10, 27, 12, 0);
    expect(formatWhen(new Date(2026, 10, 27, 9, 7).toISOString(), now)).toBe("09:07");
    expect(formatWhen(new Date(2026, 10, 28, 9, 7).toISOString(), now, "ru")).toBe("28 ноября 2026 г. в 09:07");
    expect(formatWhen(new Date(2026, 10, 28, 9, 7).toISOString(), now, "en")).toBe("28 November 2026 at 09:07");
    expect(formatWhen("not a date", now)).toBe("not a date");
  });
});
