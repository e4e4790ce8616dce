import { describe, expect, it } from "vitest";
import type { NotificationRecord } from "../api/generated";
import { groupHistory } from "./history";

const record = (id: string, channel: NotificationRecord["channel"], recipient: string, at = "2026-11-30T09:00:00.123Z"): NotificationRecord => ({
  id, category: "events", channel, recipient, subject: "", body: "Личность подтверждена", status: "sent", created_at: at,
});

describe("the notification history", () => {
  it("shows one notice sent on several channels once, naming its channels", () => {
    const entries = groupHistory([record("1", "sms", "+7 912 ***-**-89"), record("2", "email", "a***@mail.ru"), record("3", "push", "app")]);
    expect(entries).toHaveLength(1);
    expect(entries[0].channels).toEqual(["sms", "email", "push"]);
    expect(entries[0].recipients).toEqual(["+7 912 ***-**-89", "a***@mail.ru"]);
  });

  it("keeps notices of different moments apart", () => {
    expect(groupHistory([record("1", "sms", "x", "2026-11-30T09:00:00Z"), record("2", "sms", "x", "2026-11-30T09:05:00Z")])).toHaveLength(2);
  });
});
