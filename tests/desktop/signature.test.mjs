// The qualified e-signature in the real desktop window, against a real kabinet-server --dev that
// trusts a test certification authority; each citizen's key and certificate sit on a SoftHSM2
// token the app reaches through PKCS#11 (the same library calls as a Rutoken's or a JaCarta's).
// One citizen signs in with the token: chooses the certificate, types a wrong PIN (told in
// words), then the right one, and is signed in. Another confirms the identity with the token
// and sees Confirmed.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { standardCitizen } from "../support/bank.mjs";
import { call, startServer } from "../support/kabinet-server.mjs";
import { artifactDir } from "../support/paths.mjs";
import { launchApp, remoteAppHome, screenshotDisplay } from "../support/tauri-driver.mjs";
import { TOKEN_PIN, tokenFor, trusting, withToken } from "../support/token.mjs";

const PASSWORD = "Kabinet-2026!";
const shots = artifactDir("desktop");
let server;
let people;
let tokens;

before(async () => {
  // The demo people first (their SNILS go into the certificates), then the server that trusts
  // the authorities.
  const scout = await startServer();
  people = (await scout.admin("demo-people", "--count", "3")).split("\n").map((l) => JSON.parse(l));
  await scout.close();
  tokens = [await tokenFor(people[0]), await tokenFor(people[1])];
  server = await startServer(trusting(tokens));
});
after(() => server?.close());

/** An app folder set to this test's server, with `device` as its device id. */
function appHome(device) {
  return remoteAppHome(server.apiUrl, device, "signature");
}

/** Chooses the token's only certificate (shown with its holder), types `pin` and submits. */
async function signWith(browser, person, pin, statement) {
  const certificate = await browser.$('[data-testid="certificate"]');
  await certificate.waitForDisplayed({ timeout: 20_000 });
  const label = await certificate.parentElement();
  assert.match(await label.getText(), new RegExp(person.surname));
  assert.match(await label.getText(), /Тестовый удостоверяющий центр/);
  assert.equal(await certificate.isSelected(), true, "the only certificate is chosen");
  await browser.$('[data-testid="statement"]').waitForDisplayed({ timeout: 10_000 });
  assert.match(await browser.$('[data-testid="statement"]').getText(), statement);
  await browser.$("#pin").setValue(pin);
  await browser.$('[data-testid="signature-form"] button[type=submit]').click();
}

test("a citizen signs in with the token: a wrong PIN is told, the right one signs in", async () => {
  const person = people[0];
  const device = "5d1f0c2a9b8e4f7a6c3b2a1908f7e6d5";
  const phone = `+7929${String(Date.now() % 10_000_000).padStart(7, "0")}`;
  await standardCitizen(server, person, { phone, password: PASSWORD, device });
  const app = await launchApp({ dataHome: appHome(device), env: withToken(tokens[0]) });
  const { browser } = app;
  try {
    await browser.$('[data-testid="sign-in"]').waitForDisplayed({ timeout: 20_000 });
    await browser.$('[data-testid="sign-in"]').click();
    await browser.$('[data-testid="sign-in-signature"]').waitForDisplayed({ timeout: 10_000 });
    await browser.$('[data-testid="sign-in-signature"]').click();
    assert.equal(await browser.execute(() => document.activeElement?.id), "sign-in-title");
    await signWith(browser, person, "0000", /^Вход в Кабинет гражданина с электронной подписью/);
    const pinError = await browser.$("#pin-error");
    await pinError.waitForDisplayed({ timeout: 15_000 });
    assert.match(await pinError.getText(), /Неверный PIN-код/);
    assert.equal(await browser.$("#pin").getValue(), "", "the PIN is not kept");
    await screenshotDisplay(join(shots, "signature-1-wrong-pin-ru.png"));
    await browser.$("#pin").setValue(TOKEN_PIN);
    await browser.$('[data-testid="signature-form"] button[type=submit]').click();
    await browser.$('[data-testid="account-name"]').waitForDisplayed({ timeout: 20_000 }).catch(async (error) => {
      await screenshotDisplay(join(shots, "failure-signature-sign-in.png"));
      throw error;
    });
    assert.match(await browser.$('[data-testid="account-name"]').getText(), new RegExp(person.first_name));
    await screenshotDisplay(join(shots, "signature-2-signed-in-ru.png"));
  } finally {
    await app.close();
  }
});

test("another citizen confirms the identity with the token and sees Confirmed", async () => {
  const person = people[1];
  const device = "0a9b8c7d6e5f40312a2b3c4d5e6f7081";
  const phone = `+7930${String(Date.now() % 10_000_000).padStart(7, "0")}`;
  const session = await standardCitizen(server, person, { phone, password: PASSWORD, device });
  const app = await launchApp({ dataHome: appHome(device), env: withToken(tokens[1]) });
  const { browser } = app;
  try {
    await browser.$('[data-testid="sign-in"]').waitForDisplayed({ timeout: 20_000 });
    await browser.$('[data-testid="sign-in"]').click();
    await browser.$("#login").waitForDisplayed({ timeout: 10_000 });
    await browser.$("#login").setValue(phone);
    await browser.$("#password").setValue(PASSWORD);
    await browser.$("button[type=submit]").click();
    await browser.$('[data-testid="account-name"]').waitForDisplayed({ timeout: 15_000 });
    await browser.$("a=Подтверждение личности").click();
    await browser.$('input[name="method"][value="signature"]').waitForDisplayed({ timeout: 10_000 });
    await browser.$('input[name="method"][value="signature"]').click();
    await signWith(browser, person, TOKEN_PIN, /^Подтверждаю свою личность/);
    await browser.$('[data-testid="confirmed"]').waitForDisplayed({ timeout: 20_000 }).catch(async (error) => {
      await screenshotDisplay(join(shots, "failure-signature-confirm.png"));
      throw error;
    });
    await screenshotDisplay(join(shots, "signature-3-confirmed-ru.png"));
  } finally {
    await app.close();
  }
  assert.equal((await call(server, "me", {}, session)).level, "confirmed");
});
