import { describe, expect, it } from "vitest";
import { get } from "svelte/store";
import { setLanguage, t } from "../i18n";
import { deviceLabel } from "./device";

describe("devices in words", () => {
  it("reads browsers and systems out of user agents", async () => {
    await setLanguage("ru");
    const label = (ua: string) => deviceLabel(get(t), ua);
    expect(label("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36")).toBe("Chrome 156, Linux");
    expect(label("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0")).toBe("Edge 120, Windows");
    expect(label("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")).toBe("Safari 17, iOS");
    expect(label("Кабинет для linux")).toBe("Приложение «Кабинет», Linux");
    expect(label("kabinet-client/0.1.0")).toBe("Приложение «Кабинет»");
    expect(label("curl/8.0")).toBe("Неизвестное устройство");
  });
});
