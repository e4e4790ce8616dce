// A security event in words: what happened, and for a service centre's action where and by
// whom («Личность подтверждена в центре обслуживания «МФЦ района Тверской», сотрудник № 4512»).
// An event this version has no words for is named generically, never by its code.
import type { SecurityEvent } from "../api/generated";

type Translate = (key: string, params?: Record<string, unknown>) => string;

export function eventText(t: Translate, hasKey: (key: string) => boolean, event: SecurityEvent): string {
  const what = hasKey(`events.${event.kind}`) ? t(`events.${event.kind}`) : t("events.other");
  const staff = event.by_staff;
  if (!staff || !staff.centre) return what;
  return t("events.atCentre", { what, centre: staff.centre, number: staff.staff_number });
}
