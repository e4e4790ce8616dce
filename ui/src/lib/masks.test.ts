import { describe, expect, it } from "vitest";
import { formatCountdown, formatPhone, maskActivationCode, maskDate, maskDepartmentCode, maskDigits, maskPhone, maskSnils, secondsUntil } from "./masks";

describe("masks", () => {
  it("writes a Russian mobile number however it was typed", () => {
    for (const typed of ["89123456789", "+7 (912) 345-67-89", "7 912 345 67 89", "+79123456789"]) {
      expect(maskPhone(typed)).toBe("+7 (912) 345-67-89");
    }
    expect(maskPhone("8912")).toBe("+7 (912");
    expect(maskPhone("")).toBe("");
  });
  it("shows a stored number as people write it and groups the activation code by four", () => {
    expect(formatPhone("+79161234567")).toBe("+7 (916) 123-45-67");
    expect(formatPhone("+442079460958")).toBe("+442079460958");
    expect(maskActivationCode("1234567890123456")).toBe("1234 5678 9012 3456");
    expect(maskActivationCode("1234 5678-9012 3456 7")).toBe("1234 5678 9012 3456");
    expect(maskActivationCode("12345")).toBe("1234 5");
  });
  it("leaves what is not a Russian number to the server's judgement", () => {
    expect(maskPhone("+44 20 7946 0958")).toBe("+44 20 7946 0958");
    expect(maskPhone("ivan@example.org")).toBe("ivan@example.org");
  });
  it("shapes SNILS, department codes and dates, dropping anything but digits", () => {
    expect(maskSnils("11223344595")).toBe("112-233-445 95");
    expect(maskSnils("112-233-445 95 77")).toBe("112-233-445 95");
    expect(maskSnils("112a")).toBe("112");
    expect(maskDepartmentCode("770001")).toBe("770-001");
    expect(maskDepartmentCode("770")).toBe("770");
    expect(maskDate("01021990")).toBe("01.02.1990");
    expect(maskDate("0102")).toBe("01.02");
    expect(maskDigits("12 34-5678", 6)).toBe("123456");
  });
  it("counts down to a moment and never below zero", () => {
    const now = Date.parse("2026-11-27T10:00:00Z");
    expect(secondsUntil("2026-11-27T10:05:00Z", now)).toBe(300);
    expect(secondsUntil("2026-11-27T09:00:00Z", now)).toBe(0);
    expect(secondsUntil(undefined, now)).toBe(0);
    expect(formatCountdown(300)).toBe("5:00");
    expect(formatCountdown(65)).toBe("1:05");
    // A day-long e-mail code counts down in hours, not in 1439 minutes.
    expect(formatCountdown(24 * 3600 - 1)).toBe("23:59:59");
    expect(formatCountdown(3600)).toBe("1:00:00");
    expect(formatCountdown(-3)).toBe("0:00");
  });
});
