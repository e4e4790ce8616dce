// A centre's week in a few lines: consecutive days with the same hours are joined
// («Пн–Пт 09:00–18:00», «Сб, Вс выходной»).
import type { DayHours } from "../api/generated";

export function weekLines(week: (DayHours | null | undefined)[], days: string[], dayOff: string): string[] {
  const text = (d: DayHours | null | undefined) => (d ? `${d.opens}–${d.closes}` : dayOff);
  const lines: string[] = [];
  let start = 0;
  for (let i = 1; i <= week.length; i++) {
    if (i < week.length && text(week[i]) === text(week[start])) continue;
    const span = i - 1 === start ? days[start] : i - 1 === start + 1 ? `${days[start]}, ${days[i - 1]}` : `${days[start]}–${days[i - 1]}`;
    lines.push(`${span} ${text(week[start])}`);
    start = i;
  }
  return lines;
}
