// Turns the API's errors into sentences in the UI's language: the code picks the message, the
// rule codes of each field pick that field's messages, parameters fill them in. The server's own
// sentence is only a last resort for a code the locale files do not know.
import type { ApiError, FieldError, RuleViolation } from "../api/generated";
import { derived } from "svelte/store";
import { currentLanguage, language } from "../i18n";

export type Translate = (key: string, params?: Record<string, unknown>) => string;
export type Exists = (key: string) => boolean;

/** The `Intl` locale for a UI language: British English keeps the day before the month and a
 * 24-hour clock, as Russian does. */
export function intlLocale(language: string): string {
  return language === "en" ? "en-GB" : "ru-RU";
}

/** A moment the user can read in their language, by `Intl.DateTimeFormat`: `14:05` today,
 * `27 ноября 2026 г. в 14:05` / `27 November 2026 at 14:05` otherwise. */
export function formatWhen(iso: string, now: Date = new Date(), language: string = currentLanguage()): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const sameDay = at.toDateString() === now.toDateString();
  const options: Intl.DateTimeFormatOptions = sameDay
    ? { hour: "2-digit", minute: "2-digit" }
    : { day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" };
  return new Intl.DateTimeFormat(intlLocale(language), options).format(at);
}

/** `$when(iso)` in a component: `formatWhen` in the chosen language, written again when the
 * language changes. */
export const when = derived(language, (lng) => (iso: string) => formatWhen(iso, new Date(), lng));

/** The sentence for a whole error (the banner above a form). */
export function errorMessage(t: Translate, exists: Exists, error: ApiError, language: string = currentLanguage()): string {
  const key = `errors.${error.code}`;
  const params: Record<string, unknown> = { remaining: error.remaining ?? "" };
  if (error.retry_at) params.when = formatWhen(error.retry_at, new Date(), language);
  if (!exists(key)) return error.message || t("errors.internal");
  if (error.retry_at && exists(`${key}_until`)) return t(`${key}_until`, params);
  if (error.remaining !== undefined && exists(`${key}_remaining`)) return t(`${key}_remaining`, params);
  return t(key, params);
}

/** One rule's sentence, e.g. "At least 8 characters". */
export function ruleMessage(t: Translate, exists: Exists, rule: RuleViolation | { rule: string; params: Record<string, string> }): string {
  const key = `rules.${rule.rule}`;
  return exists(key) ? t(key, rule.params) : t("rules.invalid");
}

/** Every wrong field of an error, keyed by the field's name as the request named it. */
export function fieldMessages(t: Translate, exists: Exists, error: ApiError | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const field of (error?.fields ?? []) as FieldError[]) {
    out[field.field] = field.rules.map((r) => ruleMessage(t, exists, r));
  }
  return out;
}
