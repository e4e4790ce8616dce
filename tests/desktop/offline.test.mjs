// A service-centre workstation with a replica, in the real window (tauri-driver, Xvfb), against
// a real kabinet-server whose link the test cuts: the operator signs in while the centre answers,
// the server stops, the desk registers a citizen in person anyway (the phone noted, to be proved
// by a link) and says what waits to be sent; the server comes back, the sync completes on its
// own, the centre sends the phone its link and runs the registry checks; offline again, the desk
// hands the citizen an activation code from the workstation's block; at home in Chromium the
// citizen opens the phone's link, signs in with the printed password and confirms the identity
// with the code.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchChromium } from "../support/browser.mjs";
import { DESK_SCOPES, openCentre } from "../support/desk.mjs";
import { call, startServer } from "../support/kabinet-server.mjs";
import { artifactDir } from "../support/paths.mjs";
import { launchApp, screenshotDisplay } from "../support/tauri-driver.mjs";
import { type, typeProfile } from "../support/profile-form.mjs";
import { enrolFromSettings, setUpAndSignInOperator } from "../support/workstation-window.mjs";

const STAFF_PASSWORD = "Okno-Priema42!";
const NOTED_PHONE = "+7 916 123-00-77";
const NOTED_PHONE_E164 = "+79161230077";
let phoneLink;
let activation;

/** The token of the link the centre sent the noted phone (the job worker sends it shortly). */
async function waitForPhoneLink(timeout = 20_000) {
  const until = Date.now() + timeout;
  for (;;) {
    const { messages } = await call(server, "dev_inbox", {});
    for (const m of messages.filter((m) => m.to === NOTED_PHONE_E164)) {
      const found = /#\/phone\/confirm\/(\S+)/.exec(m.body);
      if (found) return found[1];
    }
    if (Date.now() > until) throw new Error("the centre sent no link to the noted phone");
    await new Promise((r) => setTimeout(r, 250));
  }
}
const shots = artifactDir("desktop");
const home = mkdtempSync(join(tmpdir(), "kabinet-offline-"));
let server;
let person;
let workstationCode;
let setupCode;

before(async () => {
  server = await startServer();
  person = JSON.parse((await server.admin("demo-people", "--count", "14")).split("\n")[13]);
  const centre = await openCentre(server);
  workstationCode = (await centre.admin("workstation_code", { centre_id: centre.centreId })).code;
  const created = await centre.admin("staff_create", {
    personnel_number: "4520",
    full_name: "Лебедева Анна Сергеевна",
    centre_id: centre.centreId,
    scopes: DESK_SCOPES,
  });
  setupCode = created.setup.code;
  // A workstation with a replica of the centre's citizens.
  const config = join(home, "config", "ru.kabinet.desktop");
  mkdirSync(config, { recursive: true });
  writeFileSync(join(config, "settings.json"), JSON.stringify({ backend: "workstation", server_url: server.apiUrl }));
});
after(() => server?.close());


/** Opens the citizen's card (from the centre, while it answers) until the registries have passed
 * them; returns when the card first said Standard. */
async function waitForStandard(browser, timeout = 60_000) {
  const until = Date.now() + timeout;
  for (;;) {
    await browser.$("a=Поиск гражданина").click();
    await browser.$('input[name="by"][value="snils"]').waitForDisplayed({ timeout: 10_000 });
    await browser.$('input[name="by"][value="snils"]').click();
    await type(browser, "#value", person.snils);
    await browser.$("button=Найти").click();
    await browser.$('[data-testid="open-card"]').waitForDisplayed({ timeout: 10_000 });
    await browser.$('[data-testid="open-card"]').click();
    await browser.$('[data-testid="card-name"]').waitForDisplayed({ timeout: 10_000 });
    if (await browser.$('[data-testid="level"][data-level="standard"]').isExisting()) return new Date().toISOString();
    if (Date.now() > until) throw new Error("the registries never passed the citizen");
    await browser.pause(2_000);
  }
}

/** Waits until the sync line says what `check` wants (the window polls every 5 s). */
async function syncLine(browser, check, timeout = 30_000) {
  const line = await browser.$('[data-testid="sync-status"]');
  await line.waitForExist({ timeout });
  await browser.waitUntil(async () => check(await line.getAttribute("data-online"), Number(await line.getAttribute("data-waiting"))), { timeout, interval: 500 });
  return line.getText();
}

test("a workstation registers a citizen without the centre and the sync delivers it", async () => {
  let temporary;
  const app = await launchApp({ dataHome: home });
  try {
    const { browser } = app;
    await enrolFromSettings(browser, workstationCode, "Выездной офис");
    await setUpAndSignInOperator(browser, { setupCode, number: "4520", password: STAFF_PASSWORD });
    assert.match(await syncLine(browser, (online) => online === "true"), /Связь с центром есть/);

    // The link goes down.
    await server.stop();
    await browser.$("a=Регистрация").click();
    await browser.$('input[type="checkbox"]').waitForDisplayed({ timeout: 10_000 });
    // No SMS code can be read out without the centre: the number is noted, proved by a link later.
    await browser.$('[data-testid="phone-offline"]').waitForDisplayed({ timeout: 15_000 });
    await type(browser, "#phone_later", NOTED_PHONE);
    await type(browser, "#surname", person.surname);
    await type(browser, "#first_name", person.first_name);
    await typeProfile(browser, person);
    await browser.$('[data-testid="register-in-person"]').click();
    await browser.$('[data-testid="slip"][data-kind="temporary_password"]').waitForDisplayed({ timeout: 15_000 });
    temporary = await browser.$('[data-testid="slip-secret"]').getText();
    assert.equal(temporary.length, 12);
    await browser.$('[data-testid="slip-done"]').click();
    assert.match(await browser.$('[data-testid="registered-offline"]').getText(), /как только появится связь/);
    const waiting = await syncLine(browser, (online, count) => online === "false" && count === 1);
    assert.match(waiting, /Нет связи с центром/);
    assert.match(waiting, /Ждут отправки в центр: 1/);
    await screenshotDisplay(join(shots, "workstation-offline-waiting-ru.png"));

    // The link comes back: the sync delivers the registration by itself.
    await server.restart();
    const synced = await syncLine(browser, (online, count) => online === "true" && count === 0, 40_000);
    assert.match(synced, /Синхронизировано/);
    // The registration reached the centre, which sent the noted phone its link.
    phoneLink = await waitForPhoneLink();

    // The centre's registry checks pass; two syncs later the replica holds the Standard account.
    const standardSince = await waitForStandard(browser);
    const line = await browser.$('[data-testid="sync-status"]');
    let syncs = 0;
    let last = await line.getAttribute("data-last");
    await browser.waitUntil(async () => {
      const now = await line.getAttribute("data-last");
      if (now !== last && now > standardSince) syncs += 1;
      last = now;
      return syncs >= 2;
    }, { timeout: 30_000, interval: 500 });
    // Offline again: the desk hands the citizen an activation code from the workstation's block.
    await server.stop();
    await syncLine(browser, (online) => online === "false");
    assert.match(await line.getText(), /Кодов активации для выдачи без связи: \d+/);
    await browser.$('[data-testid="issue-code"]').click();
    await browser.$('[data-testid="slip"][data-kind="activation_code"]').waitForDisplayed({ timeout: 15_000 });
    activation = await browser.$('[data-testid="slip-secret"]').getText();
    assert.match(activation, /^\d{16}$/);
    assert.match(await browser.$('[data-testid="slip"]').getText(), /начнёт действовать, как только рабочее место передаст его в центр/);
    await screenshotDisplay(join(shots, "workstation-offline-activation-slip-ru.png"));
    await browser.$('[data-testid="slip-done"]').click();
    await syncLine(browser, (online, count) => online === "false" && count === 1);
    await server.restart();
    await syncLine(browser, (online, count) => online === "true" && count === 0, 40_000);
    await screenshotDisplay(join(shots, "workstation-synced-ru.png"));
  } finally {
    await app.close();
  }

  // At home: the citizen opens the SMS link (the phone becomes a login), then signs in with the
  // SNILS and the printed password, which must be replaced.
  const chromium = await launchChromium();
  try {
    const page = await (await chromium.newContext({ locale: "ru-RU", viewport: { width: 375, height: 800 } })).newPage();
    await page.goto(`${server.url}#/phone/confirm/${phoneLink}`);
    await page.getByTestId("phone-confirmed").waitFor();
    assert.match(await page.getByTestId("phone-confirmed").innerText(), /подтверждён/);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), "no sideways scrolling at 375 px");
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${server.url}#/sign-in`);
    await page.getByLabel("Телефон, почта, СНИЛС или ИНН").fill(person.snils);
    await page.getByLabel("Пароль", { exact: true }).fill(temporary);
    await page.getByRole("button", { name: "Войти", exact: true }).click();
    try {
      await page.getByRole("heading", { level: 1, name: "Смена временного пароля" }).waitFor();
    } finally {
      await page.screenshot({ path: join(shots, "citizen-registered-offline-ru.png"), fullPage: true });
    }
    const fresh = "Svoi-Parol-8?";
    await page.getByLabel("Новый пароль").fill(fresh);
    await page.getByLabel("Пароль ещё раз").fill(fresh);
    await page.getByRole("button", { name: "Сохранить и войти" }).click();
    await page.getByTestId("account-name").waitFor();
    // The code handed out without the link works now that the sync delivered it.
    await page.goto(`${server.url}#/confirm`);
    await page.getByRole("heading", { level: 1, name: "Подтверждение личности" }).waitFor();
    await page.getByRole("radio", { name: /Код активации/ }).check();
    await page.getByLabel("СНИЛС", { exact: true }).fill(person.snils);
    await page.getByLabel("Код активации", { exact: true }).fill(activation);
    await page.getByRole("button", { name: "Подтвердить" }).click();
    await page.getByTestId("confirmed").waitFor();
    await page.screenshot({ path: join(shots, "citizen-confirmed-by-offline-code-ru.png"), fullPage: true });
  } finally {
    await chromium.close();
  }
});
