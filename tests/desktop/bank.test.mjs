// Identity confirmation through an online bank in the real desktop window, against a real
// kabinet-server --dev and its simulated bank: the app on the server backend, a Standard citizen
// signs in, chooses the bank, «Перейти в банк» opens the bank's page in a window of its own;
// the citizen signs in there (a wrong password first) and consents; the app catches the bank's
// redirect to the return address, the bank window closes, and the main window says Confirmed.
// Then a second citizen refuses at the bank and is told so in a sentence.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { bankCustomer, standardCitizen } from "../support/bank.mjs";
import { call, startServer } from "../support/kabinet-server.mjs";
import { artifactDir } from "../support/paths.mjs";
import { launchApp, remoteAppHome, screenshotDisplay } from "../support/tauri-driver.mjs";

const PASSWORD = "Kabinet-2026!";
const BANK_PASSWORD = "Bank-Secret-7";
const shots = artifactDir("desktop");
let server;
let people;

before(async () => {
  server = await startServer();
  people = (await server.admin("demo-people", "--count", "3")).split("\n").map((l) => JSON.parse(l));
});
after(() => server?.close());

/** An app folder set to this test's server, with `device` as its device id. */
function appHome(device) {
  return remoteAppHome(server.apiUrl, device, "bank");
}

async function until(what, check, ms = 15_000) {
  for (const end = Date.now() + ms; ; ) {
    const value = await check();
    if (value) return value;
    assert.ok(Date.now() < end, what);
    await new Promise((ok) => setTimeout(ok, 200));
  }
}

/** The element once it shows; a page being replaced (the bank's form posts) is looked at again. */
async function shown(browser, selector, ms = 15_000) {
  return until(`${selector} shows`, async () => {
    try {
      const el = await browser.$(selector);
      return (await el.isDisplayed()) ? el : undefined;
    } catch {
      return undefined; // the page unloaded under the look-up
    }
  }, ms);
}

/** Presses a consent button of the bank's page without waiting for the page to go: its
 * navigation is caught and the window destroyed, so a WebDriver click could wait forever. */
async function decide(browser, decision) {
  await shown(browser, `button[value="${decision}"]`);
  await browser.execute((d) => setTimeout(() => document.querySelector(`button[value="${d}"]`).click(), 50), decision);
}

/** Signs the citizen in and opens the bank's window; answers the main and the bank window. */
async function toBank(browser, phone) {
  await browser.$('[data-testid="sign-in"]').waitForDisplayed({ timeout: 20_000 });
  await browser.$('[data-testid="sign-in"]').click();
  await browser.$("#login").waitForDisplayed({ timeout: 10_000 });
  await browser.$("#login").setValue(phone);
  await browser.$("#password").setValue(PASSWORD);
  await browser.$("button[type=submit]").click();
  await browser.$('[data-testid="account-name"]').waitForDisplayed({ timeout: 15_000 });
  await browser.$("a=Подтверждение личности").click();
  await browser.$('input[name="method"][value="bank"]').waitForDisplayed({ timeout: 10_000 });
  await browser.$('input[name="method"][value="bank"]').click();
  const main = await browser.getWindowHandle();
  await browser.$('[data-testid="go-to-bank"]').click();
  // While the bank's window is open the button is busy and says why.
  await until("the button is busy", async () => (await browser.$('[data-testid="go-to-bank"]').getAttribute("aria-busy")) === "true");
  assert.match(await browser.$('[data-testid="go-to-bank"]').getText(), /Ждём ответа банка/);
  const bank = await until("the bank's window opened", async () => (await browser.getWindowHandles()).find((h) => h !== main));
  await browser.switchToWindow(bank);
  await shown(browser, "#login");
  assert.equal(await browser.$("h1").getText(), "Вход в интернет-банк");
  return { main, bank };
}

test("a citizen confirms the identity at the bank from the desktop window", async () => {
  const person = people[0];
  const device = "d35c0a1e5b7f4e2a9c1b0d8e7f6a5b4c";
  const phone = `+7927${String(Date.now() % 10_000_000).padStart(7, "0")}`;
  const session = await standardCitizen(server, person, { phone, password: PASSWORD, device });
  const login = await bankCustomer(server, person, { login: "desktop-client", password: BANK_PASSWORD });
  const app = await launchApp({ dataHome: appHome(device) });
  const { browser } = app;
  try {
    const { main } = await toBank(browser, phone);
    await screenshotDisplay(join(shots, "bank-1-window-ru.png"));
    // A wrong password: said on the bank's page, nothing comes back.
    await browser.$("#login").setValue(login);
    await browser.$("#password").setValue("not-my-password");
    await browser.$("button=Войти").click();
    assert.match(await (await shown(browser, '[role="alert"]')).getText(), /Неверный логин или пароль/);
    await browser.$("#password").setValue(BANK_PASSWORD);
    await browser.$("button=Войти").click();
    await shown(browser, "button=Разрешить");
    assert.match(await browser.$('[data-testid="consent-data"]').getText(), new RegExp(person.surname));
    await screenshotDisplay(join(shots, "bank-2-consent-ru.png"));
    await decide(browser, "allow");
    // The redirect back is caught: the bank's window goes, the main window confirms.
    await until("the bank's window closed", async () => (await browser.getWindowHandles()).length === 1);
    await browser.switchToWindow(main);
    const done = await browser.$('[data-testid="bank-confirmed"]');
    await done.waitForDisplayed({ timeout: 15_000 }).catch(async (error) => {
      await screenshotDisplay(join(shots, "failure-bank.png"));
      throw error;
    });
    assert.equal(await browser.execute(() => location.hash), "#/bank-return");
    await screenshotDisplay(join(shots, "bank-3-confirmed-ru.png"));
  } finally {
    await app.close();
  }
  assert.equal((await call(server, "me", {}, session)).level, "confirmed");
});

test("«Отказаться» at the bank's window is told in a sentence", async () => {
  const person = people[1];
  const device = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
  const phone = `+7928${String(Date.now() % 10_000_000).padStart(7, "0")}`;
  await standardCitizen(server, person, { phone, password: PASSWORD, device });
  const login = await bankCustomer(server, person, { login: "desktop-refuser", password: BANK_PASSWORD });
  const app = await launchApp({ dataHome: appHome(device) });
  const { browser } = app;
  try {
    const { main } = await toBank(browser, phone);
    await browser.$("#login").setValue(login);
    await browser.$("#password").setValue(BANK_PASSWORD);
    await browser.$("button=Войти").click();
    await decide(browser, "deny");
    await until("the bank's window closed", async () => (await browser.getWindowHandles()).length === 1);
    await browser.switchToWindow(main);
    const error = await browser.$('[data-testid="bank-return-error"]');
    await error.waitForDisplayed({ timeout: 15_000 });
    assert.match(await error.getText(), /Вы отказались передать данные в банке/);
    await screenshotDisplay(join(shots, "bank-4-refused-ru.png"));
  } finally {
    await app.close();
  }
});
