// Identity confirmation through an online bank by redirect, in headless Chromium against the
// real kabinet-server --dev and its simulated bank on another loopback port: a Standard citizen
// chooses the bank, «Перейти в банк» sends the browser to the bank's page, the citizen signs in
// there and consents, the bank sends them back to `#/bank-return` and the account is Confirmed.
// Also: «Отказаться» at the bank (a sentence, a way to try again), a wrong bank password (said
// on the bank's page), an answer that is not Kabinet's (a clear error, nothing changed). The
// bank's pages are checked by axe-core and at 375 px wide too.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { axeViolations } from "../support/axe.mjs";
import { bankCustomer, standardCitizen } from "../support/bank.mjs";
import { launchChromium } from "../support/browser.mjs";
import { startServer } from "../support/kabinet-server.mjs";
import { artifactDir } from "../support/paths.mjs";

const PASSWORD = "Kabinet-2026!";
const BANK_PASSWORD = "Bank-Secret-7";
const shots = artifactDir("browser");
let server;
let browser;
let people;
let bank;
let seq = 0;

function newPhone() {
  seq += 1;
  return `+7917${String(Date.now() % 10_000).padStart(4, "0")}${String(seq).padStart(3, "0")}`;
}

before(async () => {
  server = await startServer();
  browser = await launchChromium();
  people = (await server.admin("demo-people", "--count", "4")).split("\n").map((l) => JSON.parse(l));
  bank = await server.bank();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

function journey(name, body) {
  test(name, async () => {
    const context = await browser.newContext({ locale: "ru-RU", viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    try {
      await body(page);
    } catch (error) {
      await page.screenshot({ path: join(shots, `failure-bank-${name.slice(0, 30).replace(/[^\p{L}\d]+/gu, "-")}.png`), fullPage: true }).catch(() => {});
      throw error;
    } finally {
      await context.close();
    }
  });
}

async function screen(page, name) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  assert.deepEqual(await axeViolations(page), [], `axe on ${name}`);
}

/** A Standard citizen of person `index`, a customer of the bank, signed in at the confirmation
 * screen with the bank method chosen. */
async function atConfirmation(page, index) {
  const person = people[index];
  const phone = newPhone();
  await page.goto(server.url);
  await page.locator("h1").first().waitFor();
  const device = (await page.context().cookies()).find((c) => c.name === "kabinet_device")?.value;
  await standardCitizen(server, person, { phone, password: PASSWORD, device });
  const login = await bankCustomer(server, person, { login: `client-${index}`, password: BANK_PASSWORD });
  await page.goto(`${server.url}#/sign-in`);
  await page.getByLabel("Телефон, почта, СНИЛС или ИНН").fill(phone);
  await page.getByLabel("Пароль", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Войти", exact: true }).click();
  await page.getByTestId("account-name").waitFor();
  await page.goto(`${server.url}#/confirm`);
  await page.getByRole("radio", { name: /Онлайн-банк/ }).check();
  return { person, phone, login };
}

/** «Перейти в банк»: busy while Kabinet prepares the redirect, then the bank's sign-in page. */
async function toBank(page) {
  await page.route("**/api/v1/identity_bank_start", async (route) => {
    await new Promise((ok) => setTimeout(ok, 400));
    await route.continue();
  });
  const go = page.getByRole("button", { name: "Перейти в банк" });
  await go.click();
  await page.locator('button[data-testid="go-to-bank"][aria-busy="true"]').waitFor();
  await page.waitForURL((url) => url.href.startsWith(`${bank.url}/authorize?`));
  await page.getByRole("heading", { level: 1, name: "Вход в интернет-банк" }).waitFor();
}

async function signInAtBank(page, login, password) {
  await page.getByLabel("Логин").fill(login);
  await page.getByLabel("Пароль").fill(password);
  await page.getByRole("button", { name: "Войти", exact: true }).click();
}

async function level(page) {
  return page.evaluate(async () => {
    const csrf = document.cookie.split("; ").find((c) => c.startsWith("kabinet_csrf="))?.split("=")[1];
    const res = await fetch("/api/v1/me", { method: "POST", headers: { "content-type": "application/json", "x-csrf-token": csrf }, body: "{}" });
    return (await res.json()).level;
  });
}

journey("a Standard citizen confirms the identity at the bank and comes back Confirmed", async (page) => {
  const { person, login } = await atConfirmation(page, 0);
  assert.equal(await page.getByRole("radio", { name: "Демо-Банк" }).isChecked(), true, "the one bank is chosen");
  assert.equal(await page.locator("textarea").count(), 0, "nothing to paste");
  await screen(page, "bank-1-choose-ru");
  await toBank(page);
  await screen(page, "bank-2-sign-in-ru");
  // The bank's page at 375 px: no sideways scrolling.
  await page.setViewportSize({ width: 375, height: 800 });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 375), "no sideways scroll at 375 px");
  await page.screenshot({ path: join(shots, "bank-2-sign-in-375.png"), fullPage: true });
  await signInAtBank(page, login, BANK_PASSWORD);
  await page.getByRole("heading", { level: 1, name: "Передача данных порталу" }).waitFor();
  const shared = await page.getByTestId("consent-data").innerText();
  for (const shown of ["Фамилия, имя, отчество", "Дата рождения", "СНИЛС", person.surname, person.birth_date.split("-").reverse().join(".")]) {
    assert.ok(shared.includes(shown), `the consent names ${shown}`);
  }
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 375), "no sideways scroll at 375 px");
  await screen(page, "bank-3-consent-375");
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByRole("button", { name: "Разрешить" }).click();
  await page.getByTestId("bank-confirmed").waitFor();
  assert.ok(page.url().startsWith(server.url), "back at Kabinet");
  assert.equal(new URL(page.url()).hash, "#/bank-return", "the assertion left the address bar");
  assert.equal(await level(page), "confirmed");
  await screen(page, "bank-4-confirmed-ru");
});

journey("«Отказаться» at the bank brings the citizen back with a sentence and a way to try again", async (page) => {
  const { login } = await atConfirmation(page, 1);
  await toBank(page);
  await signInAtBank(page, login, BANK_PASSWORD);
  await page.getByRole("button", { name: "Отказаться" }).click();
  const error = page.getByTestId("bank-return-error");
  await error.waitFor();
  assert.equal(await error.getAttribute("data-outcome"), "refused");
  assert.match(await error.innerText(), /Вы отказались передать данные в банке/);
  assert.doesNotMatch(await error.innerText(), /access_denied/);
  await screen(page, "bank-5-refused-ru");
  assert.equal(await level(page), "standard");
  await page.getByTestId("bank-again").click();
  await page.getByRole("button", { name: "Перейти в банк" }).waitFor();
});

journey("a wrong bank password is said on the bank's page; an answer that is not Kabinet's is refused", async (page) => {
  const { login } = await atConfirmation(page, 2);
  await toBank(page);
  const signInPage = page.url();
  await signInAtBank(page, login, "not-my-password");
  await page.getByRole("alert").filter({ hasText: "Неверный логин или пароль" }).waitFor();
  assert.ok(page.url().startsWith(bank.url), "still at the bank");
  assert.equal(await page.getByLabel("Логин").getAttribute("aria-invalid"), "true");
  await screen(page, "bank-6-wrong-password-ru");
  // A made-up or tampered answer brought to the return address: a clear error, nothing changed.
  await page.goto(`${server.url}#/bank-return?state=not-a-state-of-kabinet&assertion=eyJhbGciOiJFZERTQSJ9.e30.c2ln`);
  const error = page.getByTestId("bank-return-error");
  await error.waitFor();
  assert.match(await error.innerText(), /Портал не начинал такого подтверждения через банк/);
  assert.equal(await level(page), "standard");
  // Back at the bank page, the right password and consent still work.
  await page.goto(signInPage);
  await signInAtBank(page, login, BANK_PASSWORD);
  await page.getByRole("button", { name: "Разрешить" }).click();
  await page.getByTestId("bank-confirmed").waitFor();
  assert.equal(await level(page), "confirmed");
});
