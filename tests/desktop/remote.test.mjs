// The desktop switched to a Kabinet server in the real window: the settings screen saves the
// server's address and restarts the app, which then works against the server — a citizen
// registered only on the server signs in through the window.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchApp, screenshotDisplay } from "../support/tauri-driver.mjs";
import { artifactDir } from "../support/paths.mjs";
import { registerViaApi, startServer } from "../support/kabinet-server.mjs";

const PASSWORD = "Kabinet-2026!";
const home = mkdtempSync(join(tmpdir(), "kabinet-desktop-remote-"));
const phone = `+7926${String(Date.now() % 10_000_000).padStart(7, "0")}`;
let server;

before(async () => {
  server = await startServer();
  await registerViaApi(server, { surname: "Серверова", firstName: "Нина", phone, password: PASSWORD, device: "setup" });
});
after(() => server?.close());

/** Stops the instance the app started by restarting itself (outside tauri-driver's control). */
function stopRestarted() {
  const marker = `XDG_CONFIG_HOME=${join(home, "config")}`;
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(marker)) process.kill(Number(pid), "SIGTERM");
    } catch {
      // gone, or not ours to read
    }
  }
}

test("the settings switch the app to a server, where a citizen signs in", async () => {
  let app = await launchApp({ dataHome: home });
  try {
    const { browser } = app;
    await browser.$("a=Настройки").waitForDisplayed({ timeout: 20_000 });
    await browser.$("a=Настройки").click();
    await browser.$('input[value="remote"]').click();
    await browser.$("#server_url").setValue(server.apiUrl);
    // Saving restarts the app on the server backend: the window may go while the click returns.
    await browser.$("button[type=submit]").click().catch(() => {});
    const file = join(home, "config", "ru.kabinet.desktop", "settings.json");
    const until = Date.now() + 15_000;
    let saved;
    while (!saved) {
      try {
        saved = JSON.parse(readFileSync(file, "utf8"));
      } catch {
        assert.ok(Date.now() < until, "the settings were not saved");
        await new Promise((ok) => setTimeout(ok, 200));
      }
    }
    assert.equal(saved.backend, "remote");
    assert.equal(saved.server_url, server.apiUrl);
  } finally {
    await app.close();
    await new Promise((ok) => setTimeout(ok, 1000));
    stopRestarted();
  }

  app = await launchApp({ dataHome: home });
  try {
    const { browser } = app;
    await browser.$('[data-testid="sign-in"]').waitForDisplayed({ timeout: 20_000 });
    await browser.$('[data-testid="sign-in"]').click();
    await browser.$("#login").waitForDisplayed({ timeout: 10_000 });
    await browser.$("#login").setValue(phone);
    await browser.$("#password").setValue(PASSWORD);
    await browser.$("button[type=submit]").click();
    // A first sign-in from this device is confirmed by a code (DOMAIN: new device), here sent by
    // the server's SMS simulator and shown in its dev inbox beside the window.
    await browser.$("h1=Подтверждение входа").waitForDisplayed({ timeout: 15_000 });
    let code;
    for (const until = Date.now() + 10_000; !code; ) {
      for (const sms of await browser.$$(`[data-testid="inbox-message"][data-to="${phone}"]`)) {
        const text = await sms.getText();
        if (!code && /Код для входа/.test(text)) code = /\b(\d{6})\b/.exec(text)[1];
      }
      assert.ok(code || Date.now() < until, "no sign-in code in the dev inbox");
      await new Promise((ok) => setTimeout(ok, 250));
    }
    await browser.$("#code").setValue(code);
    await browser.$("button[type=submit]").click();
    const name = await browser.$('[data-testid="account-name"]');
    await name.waitForDisplayed({ timeout: 15_000 }).catch(async (error) => {
      await screenshotDisplay(join(artifactDir("desktop"), "failure-remote.png"));
      throw error;
    });
    // This account exists only in the server's database.
    assert.equal(await name.getText(), "Нина Серверова");
    await screenshotDisplay(join(artifactDir("desktop"), "remote-account-ru.png"));
    await browser.$("a=Настройки").click();
    assert.equal(await browser.$('input[value="remote"]').isSelected(), true);
  } finally {
    await app.close();
  }
  assert.ok(server.log.join("").includes("sign_in"), "the sign-in reached the server");
});
