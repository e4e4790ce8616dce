import { describe, expect, it } from "vitest";
import { weekLines } from "./hours";

const days = ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"];
const day = { opens: "09:00", closes: "18:00" };

describe("a centre's week", () => {
  it("joins consecutive days with the same hours", () => {
    expect(weekLines([day, day, day, day, day, null, null], days, "выходной")).toEqual(["Пн–Пт 09:00–18:00", "Сб, Вс выходной"]);
  });

  it("keeps a day that differs on its own", () => {
    const short = { opens: "10:00", closes: "15:00" };
    expect(weekLines([day, day, short, day, day, day, null], days, "выходной")).toEqual([
      "Пн, Вт 09:00–18:00",
      "Ср 10:00–15:00",
      "Чт–Сб 09:00–18:00",
      "Вс выходной",
    ]);
  });
});
