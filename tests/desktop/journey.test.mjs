// The citizen's journey in the real Kabinet window (tauri-driver + WebKitWebDriver under Xvfb)
// on the embedded backend: register with the code from the dev inbox, reach the account, sign
// out; then "remember me": a restart lands signed in, and after sign-out a restart lands on the
// sign-in screen with the keyring entry gone.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { launchApp, screenshotDisplay } from "../support/tauri-driver.mjs";
import { artifactDir } from "../support/paths.mjs";

const PASSWORD = "Kabinet-2026!";
const shots = artifactDir("desktop");
const home = mkdtempSync(join(tmpdir(), "kabinet-desktop-journey-"));
const keyringService = `kabinet-e2e-journey-${process.pid}`;
const phone = `+7916${String(Date.now() % 10_000_000).padStart(7, "0")}`;

/** The kernel keyring's description of one of this run's entries (the keyutils store's format). */
const entry = (name) => `keyring:${name}@${keyringService}`;

/** Whether the session keyring holds this run's entry `name`. */
function inKeyring(name) {
  try {
    execFileSync("keyctl", ["search", "@s", "user", entry(name)], { stdio: "pipe" });
    return true;
  } catch {
    return false; // keyctl exits 1 when nothing matches
  }
}

after(() => {
  // The embedded service's keys outlive a sign-out by design; a test run removes its own.
  for (const name of ["pepper", "seal-key", "session"]) {
    try {
      execFileSync("keyctl", ["purge", "user", entry(name)], { stdio: "pipe" });
    } catch {
      // already gone
    }
  }
});

async function type(browser, selector, text) {
  const el = await browser.$(selector);
  await el.waitForDisplayed({ timeout: 10_000 });
  await el.setValue(text);
}

test("registration to the account in the real window, then remember me across restarts", async () => {
  let app = await launchApp({ dataHome: home, keyringService });
  try {
    const { browser } = app;
    await browser.$('[data-testid="register"]').waitForDisplayed({ timeout: 20_000 });
    await browser.$('[data-testid="register"]').click();
    await type(browser, "#surname", "Окнова");
    await type(browser, "#first_name", "Вера");
    await type(browser, "#contact", phone);
    await browser.$("#consent").click();
    await browser.$("button[type=submit]").click();
    const message = await browser.$(`[data-testid="inbox-message"][data-to="${phone}"]`);
    await message.waitForDisplayed({ timeout: 10_000 });
    const code = /\b(\d{6})\b/.exec(await message.getText())[1];
    await type(browser, "#code", code);
    await browser.$("button[type=submit]").click();
    await type(browser, "#password", PASSWORD);
    await type(browser, "#password_repeat", PASSWORD);
    await screenshotDisplay(join(shots, "register-password-ru.png"));
    await browser.$("button[type=submit]").click();
    const name = await browser.$('[data-testid="account-name"]');
    await name.waitForDisplayed({ timeout: 15_000 });
    assert.equal(await name.getText(), "Вера Окнова");
    await screenshotDisplay(join(shots, "account-ru.png"));
    await browser.$('[data-testid="sign-out"]').click();
    await browser.$('[data-testid="sign-in"]').waitForDisplayed({ timeout: 10_000 });

    // Sign in with "remember me".
    await browser.$('[data-testid="sign-in"]').click();
    await type(browser, "#login", phone);
    await type(browser, "#password", PASSWORD);
    await browser.$("#remember").click();
    await browser.$("button[type=submit]").click();
    await browser.$('[data-testid="account-name"]').waitForDisplayed({ timeout: 15_000 });
    assert.ok(inKeyring("session"), "the remembered session is in the kernel keyring");
    assert.ok(inKeyring("pepper") && inKeyring("seal-key"), "the embedded service's keys are in the keyring");
  } finally {
    await app.close();
  }

  // A restart lands signed in.
  app = await launchApp({ dataHome: home, keyringService });
  try {
    const { browser } = app;
    await browser.$('[data-testid="account-name"]').waitForDisplayed({ timeout: 20_000 });
    await browser.$('[data-testid="sign-out"]').click();
    await browser.$('[data-testid="sign-in"]').waitForDisplayed({ timeout: 10_000 });
    assert.ok(!inKeyring("session"), "sign-out removed the keyring entry");
  } finally {
    await app.close();
  }

  // After sign-out a restart lands on the public screens.
  app = await launchApp({ dataHome: home, keyringService });
  try {
    const { browser } = app;
    await browser.$('[data-testid="sign-in"]').waitForDisplayed({ timeout: 20_000 });
    assert.equal(await browser.$('[data-testid="account-name"]').isExisting(), false);
  } finally {
    await app.close();
  }
});
