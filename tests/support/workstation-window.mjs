// The first minutes of a service-centre workstation in the real window: enrolment from
// Settings, an operator's set-up with the authenticator's secret read off the screen, and their
// sign-in with password and code. Shared by the desktop tests.
import { type } from "./profile-form.mjs";
import { screenshotDisplay } from "./tauri-driver.mjs";
import { totp } from "./totp.mjs";

/** Enrols this installation with an administrator's code, from Settings. */
export async function enrolFromSettings(browser, code, name) {
  await browser.$("a=Настройки").waitForDisplayed({ timeout: 20_000 });
  await browser.$("a=Настройки").click();
  await browser.$('[data-testid="enrol-workstation"]').waitForDisplayed({ timeout: 10_000 });
  await browser.$('[data-testid="enrol-workstation"]').click();
  await type(browser, "#code", code);
  await type(browser, "#name", name);
  await browser.$("button=Зарегистрировать").click();
  await browser.$('[data-testid="ws-centre"]').waitForDisplayed({ timeout: 15_000 });
}

/**
 * Sets an operator up with their one-time code (a screenshot of the authenticator step to
 * `shot`, if given) and signs them in with the password and the next authenticator code.
 */
export async function setUpAndSignInOperator(browser, { setupCode, number, password, shot }) {
  await browser.$("a=У меня код настройки").click();
  await type(browser, "#code", setupCode);
  await browser.$("button=Продолжить").click();
  const secretEl = await browser.$('[data-testid="totp-secret"]');
  await secretEl.waitForDisplayed({ timeout: 10_000 });
  const secret = await secretEl.getText();
  if (shot) await screenshotDisplay(shot);
  await type(browser, "#password", password);
  await type(browser, "#totp_code", totp(secret));
  await browser.$("button=Сохранить").click();
  await browser.$('[data-testid="setup-done"]').waitForDisplayed({ timeout: 10_000 });
  await browser.$("button=Ко входу").click();
  await type(browser, "#personnel_number", number);
  await type(browser, "#password", password);
  await type(browser, "#totp_code", totp(secret, Date.now() + 30_000));
  await browser.$("button=Войти").click();
  await browser.$('[data-testid="ws-staff"]').waitForDisplayed({ timeout: 15_000 });
  return secret;
}
