// A device as a person reads it: «Chrome, Linux», «Приложение «Кабинет», Windows» — never a raw
// user-agent string. What cannot be read is named generically.
type Translate = (key: string, params?: Record<string, unknown>) => string;

const BROWSERS: [RegExp, string][] = [
  [/YaBrowser\//, "Яндекс Браузер"],
  [/Edg\//, "Edge"],
  [/OPR\//, "Opera"],
  [/Firefox\//, "Firefox"],
  [/Chrom(e|ium)\//, "Chrome"],
  [/Version\/[\d.]+.*Safari\//, "Safari"],
];
const SYSTEMS: [RegExp, string][] = [
  [/Android/, "Android"],
  [/iPhone|iPad|iOS/, "iOS"],
  [/Windows/i, "Windows"],
  [/Mac OS X|Macintosh|macos/i, "macOS"],
  [/Linux|X11/i, "Linux"],
];

export function deviceLabel(t: Translate, device: string): string {
  const system = SYSTEMS.find(([re]) => re.test(device))?.[1];
  // The desktop app names itself («Кабинет для linux»); its remote client says kabinet-client.
  if (/Кабинет|kabinet/i.test(device) && !/Mozilla\//.test(device)) {
    return system ? t("devices.appOn", { system }) : t("devices.app");
  }
  const browser = BROWSERS.find(([re]) => re.test(device))?.[1];
  if (browser && system) return t("devices.browserOn", { browser, system });
  if (browser) return browser;
  return t("devices.unknown");
}
