import { describe, expect, it } from "vitest";
import { get } from "svelte/store";
import { hasKey, setLanguage, t } from "../i18n";
import { eventText } from "./events";
import type { SecurityEvent } from "../api/generated";

const base: SecurityEvent = { id: "1", kind: "identity_confirmed", at: "2026-11-30T09:00:00Z", device: "d", address: "a", actor: "operator" };

describe("security events in words", () => {
  it("names a service centre's action with the centre and the staff number", async () => {
    await setLanguage("ru");
    const text = eventText(get(t), hasKey, { ...base, by_staff: { centre: "МФЦ района Тверской", staff_number: "4512", workstation: "w" } });
    expect(text).toBe("Личность подтверждена в центре обслуживания «МФЦ района Тверской», сотрудник № 4512");
  });

  it("never shows an event's code", async () => {
    await setLanguage("ru");
    expect(eventText(get(t), hasKey, { ...base, kind: "something_new", actor: "citizen" })).toBe("Изменение учётной записи");
  });
});
