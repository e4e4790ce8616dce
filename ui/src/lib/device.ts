// A device as a person reads it: «Chrome 156, Linux», «Приложение «Кабинет», Linux» — never a
// raw user-agent string. Browsers and systems are read by ua-parser-js; what cannot be read is
// named generically.
import { UAParser } from "ua-parser-js";

type Translate = (key: string, params?: Record<string, unknown>) => string;

export function deviceLabel(t: Translate, device: string): string {
  const parsed = new UAParser(device);
  const os = parsed.getOS().name;
  const system = os === "Mac OS" ? "macOS" : os;
  // The desktop app names itself («Кабинет для linux»); its remote client says kabinet-client.
  if (/Кабинет|kabinet/i.test(device) && !/Mozilla\//.test(device)) {
    const app = /linux/i.test(device) ? "Linux" : /windows/i.test(device) ? "Windows" : /macos|darwin/i.test(device) ? "macOS" : system;
    return app ? t("devices.appOn", { system: app }) : t("devices.app");
  }
  const { name, major } = parsed.getBrowser();
  if (!name) return t("devices.unknown");
  const browser = `${name.replace(/^Chrome Headless$/, "Chrome").replace(/^Mobile Safari$/, "Safari")}${major ? ` ${major}` : ""}`;
  return system ? t("devices.browserOn", { browser, system }) : browser;
}
