// The service-centre workstation in the real window (tauri-driver, Xvfb) against a real
// kabinet-server: an administrator's codes enrol the workstation from Settings, an operator sets
// up their authenticator and signs in with it, registers a citizen in person to Confirmed in one
// visit, prints an activation-code slip (the print view checked, the code gone from the screen
// afterwards), and restores access for another citizen. That citizen then signs in in Chromium,
// must replace the printed password, and reads the operator's actions in words.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchChromium } from "../support/browser.mjs";
import { DESK_SCOPES, openCentre, setUpAndSignIn } from "../support/desk.mjs";
import { call, codeFor, registerViaApi, startServer } from "../support/kabinet-server.mjs";
import { artifactDir } from "../support/paths.mjs";
import { launchApp, screenshotDisplay } from "../support/tauri-driver.mjs";
import { type, typeProfile } from "../support/profile-form.mjs";
import { enrolFromSettings, setUpAndSignInOperator } from "../support/workstation-window.mjs";

const PASSWORD = "Kabinet-2026!";
const STAFF_PASSWORD = "Okno-Priema42!";
const shots = artifactDir("desktop");
const home = mkdtempSync(join(tmpdir(), "kabinet-workstation-"));
const stamp = String(Date.now() % 10_000_000).padStart(7, "0");
const phones = { inPerson: `+7915${stamp}`, standard: `+7925${stamp}`, restored: `+7935${stamp}`, blocked: `+7945${stamp}` };
const REJECTION = "Учётная запись заблокирована до проверки документов";
let server;
let centre;
let people;
let workstationCode;
let setupCode;

before(async () => {
  server = await startServer();
  people = (await server.admin("demo-people", "--count", "12")).split("\n").map((l) => JSON.parse(l));
  // The administrator's part, done at the back office over the same API: an enrolment code for
  // the new desk and an operator with a set-up code.
  centre = await openCentre(server);
  workstationCode = (await centre.admin("workstation_code", { centre_id: centre.centreId })).code;
  const created = await centre.admin("staff_create", {
    personnel_number: "4512",
    full_name: "Смирнова Ольга Петровна",
    centre_id: centre.centreId,
    scopes: [...DESK_SCOPES, "conflict:resolve"],
  });
  setupCode = created.setup.code;
  // Two citizens who registered at home: one at the Standard level, one who forgot the password.
  const standard = people[9];
  const signed = await registerViaApi(server, { surname: standard.surname, firstName: standard.first_name, phone: phones.standard, password: PASSWORD, device: "home" });
  await call(server, "profile_submit", { profile: profileOf(standard), confirm_reverification: false }, { token: signed.token, device: "home" });
  for (let i = 0; i < 100; i++) {
    const me = await call(server, "me", {}, { token: signed.token, device: "home" });
    if (me.level === "standard") break;
    await new Promise((ok) => setTimeout(ok, 200));
  }
  await registerViaApi(server, { surname: "Зайцева", firstName: "Вера", phone: phones.restored, password: PASSWORD, device: "home" });
  // A sync conflict waiting in the centre's queue: a field office, offline, confirmed a citizen
  // whom the centre blocked meanwhile.
  await registerViaApi(server, { surname: "Орлова", firstName: "Нина", phone: phones.blocked, password: PASSWORD, device: "home" });
  const checker = await centre.admin("staff_create", {
    personnel_number: "4513", full_name: "Кузнецов Игорь Олегович", centre_id: centre.centreId, scopes: ["citizen:search", "account:block", "identity:confirm"],
  });
  const checkerToken = await setUpAndSignIn(server, centre.workstation, checker.setup.code);
  const asChecker = { workstation: centre.workstation, token: checkerToken, device: "desk" };
  const blocked = (await call(server, "citizen_search", { by: "phone", value: phones.blocked }, asChecker)).citizen.account_id;
  await call(server, "account_block", { account_id: blocked, reason: "Проверка документов" }, asChecker);
  const fieldOffice = await call(server, "workstation_enrol", { code: (await centre.admin("workstation_code", { centre_id: centre.centreId })).code, name: "Выездной офис" }, { device: "field" });
  const pushed = await call(server, "sync_push", {
    changes: [{ id: crypto.randomUUID(), seq: 1, account_id: blocked, at: new Date().toISOString(), personnel_number: "4513", change: { kind: "confirmed_in_person", documents: ["passport"] } }],
  }, { workstation: fieldOffice.key, device: "field" });
  assert.equal(pushed.conflicts_open, 1);
  // The desktop talks to this server.
  const config = join(home, "config", "ru.kabinet.desktop");
  mkdirSync(config, { recursive: true });
  writeFileSync(join(config, "settings.json"), JSON.stringify({ backend: "remote", server_url: server.apiUrl }));
});
after(() => server?.close());

function profileOf(p) {
  const dotted = (iso) => iso.split("-").reverse().join(".");
  return {
    surname: p.surname, first_name: p.first_name, patronymic: p.patronymic, sex: p.sex,
    birth_date: dotted(p.birth_date), birth_place: "г. Москва", citizenship: "RU",
    passport: { series: p.passport.slice(0, 4), number: p.passport.slice(4), issued_on: dotted(p.passport_issued_on), issuer: "ОВД района Хамовники г. Москвы", department_code: "772-001" },
    foreign_passport: { country: "", number: "", issued_on: "", expires_on: "" },
    snils: p.snils, inn: "",
    address: { postcode: "119021", region: "Москва", city: "Москва", street: "Льва Толстого", house: "16", building: "", flat: "5" },
  };
}


/** Closes a slip without printing and checks its secret left the page. */
async function closeSlip(browser, secret) {
  await browser.$('[data-testid="slip-done"]').click();
  await browser.$('[data-testid="slip"]').waitForDisplayed({ reverse: true, timeout: 10_000 });
  assert.ok(!(await browser.$("body").getText()).includes(secret), "the secret left the screen");
}

async function findByPhone(browser, phone) {
  await browser.$("a=Поиск гражданина").click();
  await browser.$('input[name="by"][value="phone"]').waitForDisplayed({ timeout: 10_000 });
  await browser.$('input[name="by"][value="phone"]').click();
  await type(browser, "#value", phone);
  await browser.$("button=Найти").click();
  await browser.$('[data-testid="open-card"]').waitForDisplayed({ timeout: 10_000 });
  await browser.$('[data-testid="open-card"]').click();
  await browser.$('[data-testid="card-name"]').waitForDisplayed({ timeout: 10_000 });
}

test("a workstation enrolled, an operator at work, and the citizen sees it in words", async () => {
  let temporary;
  const app = await launchApp({ dataHome: home });
  try {
    const { browser } = app;
    // Enrolment from Settings: the workstation screens replace the citizen's.
    await enrolFromSettings(browser, workstationCode, "Окно 3");
    assert.match(await browser.$('[data-testid="ws-centre"]').getText(), /МФЦ района Тверской · Окно 3/);

    // The operator's set-up: the authenticator's secret from the screen, then password and code.
    await setUpAndSignInOperator(browser, { setupCode, number: "4512", password: STAFF_PASSWORD, shot: join(shots, "workstation-setup-ru.png") });
    assert.match(await browser.$('[data-testid="ws-staff"]').getText(), /№ 4512/);

    // Registration in person: the phone's code read out, the passport typed in, the checks, the
    // identity confirmed — Confirmed in one visit.
    const person = people[10];
    await browser.$("a=Регистрация").click();
    await type(browser, "#phone", phones.inPerson);
    await browser.$('[data-testid="send-phone-code"]').click();
    await type(browser, "#phone_code", await codeFor(server, phones.inPerson));
    await type(browser, "#surname", person.surname);
    await type(browser, "#first_name", person.first_name);
    await typeProfile(browser, person);
    await browser.$('[data-testid="register-in-person"]').click();
    const slip = await browser.$('[data-testid="slip"][data-kind="temporary_password"]');
    await slip.waitForDisplayed({ timeout: 15_000 });
    const firstPassword = await browser.$('[data-testid="slip-secret"]').getText();
    assert.equal(firstPassword.length, 12);
    await closeSlip(browser, firstPassword);
    for (const check of ["snils", "passport"]) {
      await browser.$(`[data-testid="check-${check}"][data-state="passed"]`).waitForDisplayed({ timeout: 30_000 });
    }
    await browser.$('[data-testid="registered-card"]').click();
    await browser.$('[data-testid="confirm-in-person"]').waitForDisplayed({ timeout: 10_000 });
    await browser.$('input[type="checkbox"][value="passport"]').click();
    await browser.$('input[type="checkbox"][value="snils"]').click();
    await browser.$('[data-testid="confirm-in-person"]').click();
    await browser.$('[data-testid="slip"][data-kind="receipt"]').waitForDisplayed({ timeout: 10_000 });
    await browser.$('[data-testid="slip-done"]').click();
    await browser.$('[data-testid="level"][data-level="confirmed"]').waitForDisplayed({ timeout: 10_000 });
    await screenshotDisplay(join(shots, "workstation-confirmed-in-one-visit-ru.png"));

    // An activation code for a Standard citizen, on a printed slip.
    await findByPhone(browser, phones.standard);
    await browser.$('[data-testid="issue-code"]').click();
    const codeSlip = await browser.$('[data-testid="slip"][data-kind="activation_code"]');
    await codeSlip.waitForDisplayed({ timeout: 10_000 });
    const code = await browser.$('[data-testid="slip-secret"]').getText();
    assert.match(code, /^\d{16}$/);
    await screenshotDisplay(join(shots, "workstation-activation-slip-ru.png"));
    // The print view: an A5 page where only the slip is on paper.
    const printView = await browser.execute(() => {
      const rules = [];
      for (const sheet of Array.from(document.styleSheets)) {
        try {
          for (const rule of Array.from(sheet.cssRules)) if (rule.cssText.startsWith("@media print")) rules.push(rule.cssText);
        } catch {
          // a sheet of another origin
        }
      }
      return rules.join("\n");
    });
    assert.match(printView, /size: A5/i);
    assert.match(printView, /visibility: hidden/);
    // Printing (the system dialog stood in for) takes the code off the screen.
    await browser.execute(() => {
      window.print = () => window.dispatchEvent(new Event("afterprint"));
    });
    await browser.$('[data-testid="print"]').click();
    await browser.$('[data-testid="slip"]').waitForDisplayed({ reverse: true, timeout: 10_000 });
    assert.ok(!(await browser.$("body").getText()).includes(code), "the code left the screen after printing");

    // Restoring access for a citizen who forgot the password — on a narrow window: the card
    // fits 375 px without sideways scrolling.
    await browser.setWindowSize(375, 800);
    await findByPhone(browser, phones.restored);
    const overflow = await browser.execute(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    await screenshotDisplay(join(shots, "workstation-card-375-ru.png"));
    assert.ok(overflow <= 0, `the card scrolls sideways by ${overflow} px at 375 px`);
    await browser.$('input[type="checkbox"][value="passport"]').click();
    await browser.$('[data-testid="restore-access"]').click();
    await browser.$('[data-testid="slip"][data-kind="temporary_password"]').waitForDisplayed({ timeout: 10_000 });
    temporary = await browser.$('[data-testid="slip-secret"]').getText();
    await closeSlip(browser, temporary);

    // The sync conflict, still at 375 px: both sides shown, a reason too short is named at its
    // field, a real one rejects the change.
    await browser.$("a=Конфликты синхронизации").click();
    const conflict = await browser.$('[data-testid="conflict"]');
    await conflict.waitForDisplayed({ timeout: 10_000 });
    assert.match(await conflict.getText(), /Центр не принял действие: учётная запись заблокирована/);
    assert.match(await conflict.getText(), /подтверждение личности/);
    const narrow = await browser.execute(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    await screenshotDisplay(join(shots, "workstation-conflicts-375-ru.png"));
    assert.ok(narrow <= 0, `the conflicts scroll sideways by ${narrow} px at 375 px`);
    const reason = await conflict.$('input[id^="reason-"]');
    await reason.setValue("Нт");
    await conflict.$("button=Отклонить").click();
    await browser.waitUntil(async () => (await reason.getAttribute("aria-invalid")) === "true", { timeout: 10_000 });
    assert.equal(await browser.execute(() => document.activeElement?.id), await reason.getAttribute("id"), "focus on the wrong field");
    await reason.setValue(REJECTION);
    await conflict.$("button=Отклонить").click();
    await browser.$('[data-testid="conflicts-none"]').waitForDisplayed({ timeout: 10_000 });
    assert.match(await browser.$("body").getText(), /гражданину сообщена причина/);
    assert.match(await browser.$("body").getText(), new RegExp(REJECTION));
    await browser.$('[data-testid="ws-sign-out"]').click();
    await browser.$("#personnel_number").waitForDisplayed({ timeout: 10_000 });
  } finally {
    await app.close();
  }

  // At home, in a browser: the printed password must be replaced, then the operator's actions
  // read in words.
  const chromium = await launchChromium();
  try {
    const page = await (await chromium.newContext({ locale: "ru-RU", viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${server.url}#/sign-in`);
    await page.getByLabel("Телефон, почта, СНИЛС или ИНН").fill(phones.restored);
    await page.getByLabel("Пароль", { exact: true }).fill(temporary);
    await page.getByRole("button", { name: "Войти", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Смена временного пароля" }).waitFor();
    const fresh = "Svoi-Parol-7?";
    await page.getByLabel("Новый пароль").fill(fresh);
    await page.getByLabel("Пароль ещё раз").fill(fresh);
    await page.getByRole("button", { name: "Сохранить и войти" }).click();
    await page.getByTestId("account-name").waitFor();
    await page.getByRole("link", { name: "Безопасность" }).click();
    await page.getByTestId("section-events").click();
    const events = page.getByTestId("events");
    await events.getByText("Пароль задан в центре обслуживания «МФЦ района Тверской», сотрудник № 4512").first().waitFor();
    // No device is shown as a user-agent string.
    assert.ok(!(await page.getByTestId("events").innerText()).includes("Mozilla/"));
    await page.screenshot({ path: join(shots, "citizen-sees-operator-actions-ru.png"), fullPage: true });
    await page.goto(page.url().replace(/#.*$/, "#/security?section=sessions"));
    assert.ok(!(await page.getByTestId("sessions").innerText()).includes("Mozilla/"));
  } finally {
    await chromium.close();
  }
});
