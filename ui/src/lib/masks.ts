// Input masks: they reformat what the citizen types into the usual written form while keeping
// every digit they typed. They never judge validity: the core does, through the server's field
// errors, so no rule is written twice.

const digits = (text: string) => text.replace(/\D/g, "");

function shape(d: string, pattern: string): string {
  let out = "";
  let i = 0;
  for (const ch of pattern) {
    if (i >= d.length) break;
    if (ch === "#") out += d[i++];
    else out += ch;
  }
  return out + d.slice(i);
}

/** `89123456789` → `+7 (912) 345-67-89`, as Russian numbers are written; anything not starting
 * like a Russian number is kept. */
export function maskPhone(text: string): string {
  const trimmed = text.trim();
  if (trimmed === "") return "";
  let d = digits(trimmed);
  if (!/^[+\d\s()-]*$/.test(trimmed)) return text;
  if (d.startsWith("8") || d.startsWith("7")) d = d.slice(1);
  else if (trimmed.startsWith("+")) return text; // a foreign number: leave it alone
  return shape(d.slice(0, 10), "+7 (###) ###-##-##") || "+7 ";
}

/** A stored number (`+79123456789`) as people write it: `+7 (912) 345-67-89`; others as given. */
export function formatPhone(e164: string): string {
  return /^\+7\d{10}$/.test(e164) ? maskPhone(e164) : e164;
}

/** The 16-digit activation code in groups of four, as printed on the slip: `1234 5678 9012 3456`. */
export function maskActivationCode(text: string): string {
  return shape(digits(text).slice(0, 16), "#### #### #### ####");
}

/** `11223344595` → `112-233-445 95`. */
export function maskSnils(text: string): string {
  return shape(digits(text).slice(0, 11), "###-###-### ##");
}

/** `770001` → `770-001`. */
export function maskDepartmentCode(text: string): string {
  return shape(digits(text).slice(0, 6), "###-###");
}

/** `01021990` → `01.02.1990`. */
export function maskDate(text: string): string {
  return shape(digits(text).slice(0, 8), "##.##.####");
}

/** Digits only, up to `length` (codes, series, numbers, postcodes). */
export function maskDigits(text: string, length: number): string {
  return digits(text).slice(0, length);
}

/** Seconds left until `iso`, never negative. */
export function secondsUntil(iso: string | undefined, now: number = Date.now()): number {
  if (!iso) return 0;
  const at = Date.parse(iso);
  return Number.isNaN(at) ? 0 : Math.max(0, Math.ceil((at - now) / 1000));
}

/** `125` → `2:05`. */
export function formatCountdown(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const two = (n: number) => String(n).padStart(2, "0");
  // An hour or more reads as hours, minutes and seconds (23:59:59), never as 1439:59.
  if (s >= 3600) return `${Math.floor(s / 3600)}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
  return `${Math.floor(s / 60)}:${two(s % 60)}`;
}
