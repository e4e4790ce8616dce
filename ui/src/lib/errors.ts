// Turns the API's errors into sentences in the UI's language: the code picks the message, the
// rule codes of each field pick that field's messages, parameters fill them in. The server's own
// sentence is only a last resort for a code the locale files do not know.
import type { ApiError, FieldError, RuleViolation } from "../api/generated";

export type Translate = (key: string, params?: Record<string, unknown>) => string;
export type Exists = (key: string) => boolean;

/** A time the user can read: `14:05` today, `27.11.2026 14:05` otherwise. */
export function formatWhen(iso: string, now: Date = new Date()): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, "0");
  const time = `${pad(at.getHours())}:${pad(at.getMinutes())}`;
  const sameDay = at.toDateString() === now.toDateString();
  return sameDay ? time : `${pad(at.getDate())}.${pad(at.getMonth() + 1)}.${at.getFullYear()} ${time}`;
}

/** The sentence for a whole error (the banner above a form). */
export function errorMessage(t: Translate, exists: Exists, error: ApiError): string {
  const key = `errors.${error.code}`;
  const params: Record<string, unknown> = { remaining: error.remaining ?? "" };
  if (error.retry_at) params.when = formatWhen(error.retry_at);
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
