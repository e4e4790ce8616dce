// The citizen's journey in the real Kabinet window (tauri-driver + WebKitWebDriver under Xvfb)
// on the embedded backend: register with the code from the dev inbox, reach the account, fill
// in the profile (first with mistakes named by their fields), pass the simulated registries'
// checks to the Standard level, see the security events, sign out; then "remember me": a restart
// lands signed in, and after sign-out a restart lands on the sign-in screen with the keyring
// entry gone.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { launchApp, screenshotDisplay } from "../support/tauri-driver.mjs";
import { artifactDir, ROOT } from "../support/paths.mjs";
import { type, typeProfile } from "../support/profile-form.mjs";

const PASSWORD = "Kabinet-2026!";
const shots = artifactDir("desktop");
const home = mkdtempSync(join(tmpdir(), "kabinet-desktop-journey-"));
const keyringService = `kabinet-e2e-journey-${process.pid}`;
const phone = `+7916${String(Date.now() % 10_000_000).padStart(7, "0")}`;
// Someone the simulated registries know (the embedded service uses the same population).
const server = join(process.env.CARGO_TARGET_DIR ?? join(ROOT, "target"), "debug", "kabinet-server");
const person = JSON.parse(execFileSync(server, ["demo-people", "--count", "3"], { encoding: "utf8" }).split("\n")[2]);

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


test("registration to the account in the real window, then remember me across restarts", async () => {
  let app = await launchApp({ dataHome: home, keyringService });
  try {
    const { browser } = app;
    await browser.$('[data-testid="register"]').waitForDisplayed({ timeout: 20_000 });
    await browser.$('[data-testid="register"]').click();
    await type(browser, "#surname", person.surname);
    await type(browser, "#first_name", person.first_name);
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
    assert.equal(await name.getText(), `${person.first_name} ${person.surname}`);
    await screenshotDisplay(join(shots, "account-ru.png"));

    // The profile: mistakes are named by their fields, then the right data passes the registries.
    await browser.$("a=Профиль").click();
    await browser.$("h1=Профиль").waitForDisplayed({ timeout: 10_000 });
    await type(browser, "#birth_date", "31021990");
    assert.equal(await browser.$("#birth_date").getValue(), "31.02.1990");
    await type(browser, "#snils", "11223344596");
    await type(browser, "#passport-department_code", "77");
    await browser.$('[data-testid="submit-profile"]').click();
    await browser.$('[data-testid="snils-error"]').waitForDisplayed({ timeout: 10_000 });
    assert.match(await browser.$('[data-testid="snils-error"]').getText(), /контрольная сумма/);
    assert.match(await browser.$('[data-testid="birth_date-error"]').getText(), /Такой даты нет/);
    assert.equal(await browser.$("#snils").getAttribute("aria-invalid"), "true");
    await screenshotDisplay(join(shots, "profile-errors-ru.png"));
    await typeProfile(browser, person);
    await browser.$('[data-testid="submit-profile"]').click();
    await browser.$('[data-testid="profile-submitted"]').waitForDisplayed({ timeout: 15_000 });
    for (const check of ["snils", "passport"]) {
      await browser.$(`[data-testid="check-${check}"][data-state="passed"]`).waitForDisplayed({ timeout: 30_000 });
    }
    await browser.$("a=Главная").click();
    await browser.$('[data-testid="level"][data-level="standard"]').waitForDisplayed({ timeout: 15_000 });
    await screenshotDisplay(join(shots, "account-standard-ru.png"));

    // The security screen lists what happened to the account, this device's session among them.
    await browser.$("a=Безопасность").click();
    await browser.$('[data-testid="section-events"]').click();
    const events = await browser.$('[data-testid="events"]');
    await events.waitForDisplayed({ timeout: 10_000 });
    for (const what of [/Учётная запись создана/, /Профиль отправлен/, /Изменён уровень/]) {
      assert.match(await events.getText(), what);
    }
    // The device in words, not as the app names itself to the server.
    await browser.$("a=← Безопасность").click();
    await browser.$('[data-testid="section-sessions"]').click();
    assert.match(await browser.$('[data-testid="sessions"]').getText(), /Приложение «Кабинет», Linux/);
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
