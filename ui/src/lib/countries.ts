// Country names for the citizenship and passport-country fields, from i18n-iso-countries (ISO
// 3166-1 alpha-2 codes, names in Russian and English). The server keeps the code; people see
// and type the name.
import countries from "i18n-iso-countries";
import en from "i18n-iso-countries/langs/en.json";
import ru from "i18n-iso-countries/langs/ru.json";

countries.registerLocale(ru);
countries.registerLocale(en);

export interface Country {
  code: string;
  name: string;
}

/** Every country in `language`, Russia first, then by name. */
export function countryList(language: string): Country[] {
  const names = countries.getNames(language, { select: "official" });
  const list = Object.entries(names).map(([code, name]) => ({ code, name }));
  const collator = new Intl.Collator(language);
  return list.sort((a, b) => (a.code === "RU" ? -1 : b.code === "RU" ? 1 : collator.compare(a.name, b.name)));
}

/** The name of a code, or the text itself when it is not a known code. */
export function countryName(code: string, language: string): string {
  return (code.length === 2 && countries.getName(code.toUpperCase(), language, { select: "official" })) || code;
}

/** The code a typed name or code stands for (any of the names the library knows, either
 * language, any case); `undefined` when it names no country. */
export function countryCode(text: string, language: string): string | undefined {
  const typed = text.trim();
  if (typed === "") return undefined;
  if (/^[A-Za-z]{2}$/.test(typed) && countries.isValid(typed.toUpperCase())) return typed.toUpperCase();
  return countries.getAlpha2Code(typed, language) ?? countries.getAlpha2Code(typed, language === "ru" ? "en" : "ru");
}
