// The desktop's settings screen in the real window: a wrong server address is named by its
// field and nothing is saved (the app keeps running on the embedded backend).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchApp, screenshotDisplay } from "../support/tauri-driver.mjs";
import { artifactDir } from "../support/paths.mjs";

test("a wrong server address is refused on its field and nothing is saved", async () => {
  const home = mkdtempSync(join(tmpdir(), "kabinet-desktop-settings-"));
  const app = await launchApp({ dataHome: home });
  try {
    const { browser } = app;
    const link = await browser.$("a=Настройки");
    await link.waitForDisplayed({ timeout: 20_000 });
    await link.click();
    await browser.$("h1=Настройки").waitForDisplayed({ timeout: 10_000 });
    await browser.$('input[value="remote"]').click();
    const url = await browser.$("#server_url");
    await url.waitForDisplayed({ timeout: 10_000 });
    await url.setValue("kabinet.example");
    await browser.$("button[type=submit]").click();
    const error = await browser.$('[data-testid="server_url-error"]');
    await error.waitForDisplayed({ timeout: 10_000 });
    assert.match(await error.getText(), /https:\/\/kabinet\.example/);
    assert.equal(await url.getAttribute("aria-invalid"), "true");
    await screenshotDisplay(join(artifactDir("desktop"), "settings-error-ru.png"));
    assert.equal(existsSync(join(home, "config", "ru.kabinet.desktop", "settings.json")), false);
  } finally {
    await app.close();
  }
});
