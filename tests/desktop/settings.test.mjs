// The desktop's settings screen in the real window: a wrong server address, and a database
// address with a password in it, are named by their fields and nothing is saved (the app keeps
// running on the embedded backend).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchApp, screenshotDisplay } from "../support/tauri-driver.mjs";
import { artifactDir } from "../support/paths.mjs";

test("wrong addresses are refused on their fields and nothing is saved", async () => {
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
    // A database address with its password in it: the password belongs in the keyring.
    await browser.$('input[value="embedded"]').click();
    await browser.$('input[name="database"][value="true"]').click();
    const database = await browser.$("#database_url");
    await database.waitForDisplayed({ timeout: 10_000 });
    await database.setValue("postgres://kabinet:secret@db.centre.example/kabinet");
    await browser.$("button[type=submit]").click();
    const refused = await browser.$('[data-testid="database_url-error"]');
    await refused.waitForDisplayed({ timeout: 10_000 });
    assert.match(await refused.getText(), /Уберите пароль из адреса/);
    assert.equal(await browser.$("#database_password").getAttribute("type"), "password");
    await screenshotDisplay(join(artifactDir("desktop"), "settings-database-ru.png"));
    assert.equal(existsSync(join(home, "config", "ru.kabinet.desktop", "settings.json")), false);
  } finally {
    await app.close();
  }
});
