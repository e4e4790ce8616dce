// A service-centre workstation with a replica, in the real window (tauri-driver, Xvfb), against
// a real kabinet-server whose link the test cuts: the operator signs in while the centre answers,
// the server stops, the desk registers a citizen in person anyway and says what waits to be sent;
// the server comes back, the sync completes on its own, and the citizen signs in at home in
// Chromium with the printed password.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchChromium } from "../support/browser.mjs";
import { DESK_SCOPES, openCentre } from "../support/desk.mjs";
import { startServer } from "../support/kabinet-server.mjs";
import { artifactDir } from "../support/paths.mjs";
import { launchApp, screenshotDisplay } from "../support/tauri-driver.mjs";
import { type, typeProfile } from "../support/profile-form.mjs";
import { enrolFromSettings, setUpAndSignInOperator } from "../support/workstation-window.mjs";

const STAFF_PASSWORD = "Okno-Priema42!";
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
    await browser.$("label*=нет мобильного телефона").click();
    await type(browser, "#surname", person.surname);
    await type(browser, "#first_name", person.first_name);
    await typeProfile(browser, person);
    await browser.$('[data-testid="register-in-person"]').click();
    await browser.$('[data-testid="slip"][data-kind="temporary_password"]').waitForDisplayed({ timeout: 15_000 });
    temporary = await browser.$('[data-testid="slip-secret"]').getText();
    assert.equal(temporary.length, 12);
    await browser.$('[data-testid="slip-done"]').click();
    const waiting = await syncLine(browser, (online, count) => online === "false" && count === 1);
    assert.match(waiting, /Нет связи с центром/);
    assert.match(waiting, /Ждут отправки в центр: 1/);
    await screenshotDisplay(join(shots, "workstation-offline-waiting-ru.png"));

    // The link comes back: the sync delivers the registration by itself.
    await server.restart();
    const synced = await syncLine(browser, (online, count) => online === "true" && count === 0, 40_000);
    assert.match(synced, /Синхронизировано/);
    await screenshotDisplay(join(shots, "workstation-synced-ru.png"));
  } finally {
    await app.close();
  }

  // At home: the citizen signs in with the SNILS and the printed password, which must be replaced.
  const chromium = await launchChromium();
  try {
    const page = await (await chromium.newContext({ locale: "ru-RU", viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${server.url}#/sign-in`);
    await page.getByLabel("Телефон, почта, СНИЛС или ИНН").fill(person.snils);
    await page.getByLabel("Пароль", { exact: true }).fill(temporary);
    await page.getByRole("button", { name: "Войти" }).click();
    try {
      await page.getByRole("heading", { level: 1, name: "Смена временного пароля" }).waitFor();
    } finally {
      await page.screenshot({ path: join(shots, "citizen-registered-offline-ru.png"), fullPage: true });
    }
  } finally {
    await chromium.close();
  }
});
