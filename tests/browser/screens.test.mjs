// Every citizen screen against the real server, checked for the classes of defect a citizen
// stumbles on rather than for one example each:
// - text: no `{{placeholder}}`, no snake_case code and no raw user-agent string on any screen,
//   in Russian and English;
// - reflow: no sideways scrolling at 375 px and at 640 px (a 1280 px window at 200 % zoom);
// - focus: after every move the new heading has it; after every refused submit the first wrong
//   field (or the error) has it, never the page body;
// - busy: every button whose request is slow says so (aria-busy, a spinner and words) and
//   keeps focus.
// Each screen is photographed at 375 px and at desktop width into tests/artifacts/screens.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { launchChromium } from "../support/browser.mjs";
import { registerViaApi, startServer } from "../support/kabinet-server.mjs";
import { artifactDir } from "../support/paths.mjs";

const PASSWORD = "Kabinet-2026!";
const shots = artifactDir("screens");
const WIDTHS = [
  { name: "375", width: 375, height: 740 },
  { name: "zoom200", width: 640, height: 450 },
  { name: "desktop", width: 1280, height: 900 },
];
const PUBLIC = [
  ["home", "#/"],
  ["sign-in", "#/sign-in"],
  ["register", "#/register"],
  ["recovery", "#/recovery"],
  ["help", "#/help"],
];
const PRIVATE = [
  ["account", "#/account"],
  ["profile", "#/profile"],
  ["confirm", "#/confirm"],
  ["security", "#/security"],
  ...["events", "sessions", "password", "factors", "contacts", "question"].map((s) => [`security-${s}`, `#/security?section=${s}`]),
  ["notifications", "#/notifications"],
];

let server;
let browser;
let seq = 0;

before(async () => {
  server = await startServer({ KABINET_PORTAL_SERVICES_URL: "https://portal.example/services/{code}" });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function newPage(viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ locale: "ru-RU", viewport });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.locator("h1").first().waitFor();
  return page;
}

/** A citizen registered through the API from this browser's device, then signed in here. */
async function signedIn(page) {
  seq += 1;
  const phone = `+7915${String(Date.now() % 10_000).padStart(4, "0")}${String(seq).padStart(3, "0")}`;
  const device = (await page.context().cookies()).find((c) => c.name === "kabinet_device")?.value;
  await registerViaApi(server, { surname: "Смирнова", firstName: "Ольга", phone, password: PASSWORD, device });
  await page.goto(`${server.url}#/sign-in`);
  await page.locator("#login").fill(phone);
  await page.locator("#password").fill(PASSWORD);
  await page.locator("button[type=submit]").click();
  await page.getByTestId("account-name").waitFor();
  return phone;
}

async function show(page, hash) {
  await page.goto(`${server.url}${hash}`);
  await page.locator("h1").first().waitFor();
  // Screens that load show «Загрузка…» first; wait until nothing on the page is busy.
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'), null, { timeout: 10_000 });
}

async function setLanguage(page, language) {
  await page.getByTestId("language").selectOption(language);
  await page.waitForFunction((l) => document.documentElement.lang === l, language);
}

/** What a person would read on the screen that should never be there. */
async function leaks(page) {
  const text = await page.evaluate(() => document.body.innerText);
  const readable = text.replace(/https?:\/\/\S+/g, " ").replace(/\S+@\S+\.\w+/g, " ");
  const found = [];
  for (const m of readable.matchAll(/\{\{[^}]*\}\}/g)) found.push(`placeholder ${m[0]}`);
  for (const m of readable.matchAll(/\b[a-z]+(?:_[a-z0-9]+)+\b/g)) found.push(`code ${m[0]}`);
  for (const m of readable.matchAll(/Mozilla\/|AppleWebKit|HeadlessChrome|Gecko\/|\bKHTML\b/g)) found.push(`user agent ${m[0]}`);
  return found;
}

async function overflow(page) {
  return page.evaluate(() => {
    const wide = document.documentElement.scrollWidth - window.innerWidth;
    if (wide <= 0) return null;
    // Name the widest element, to say what to fix.
    let worst = "";
    let max = window.innerWidth;
    for (const el of document.querySelectorAll("body *")) {
      const right = el.getBoundingClientRect().right;
      if (right > max + 0.5) {
        max = right;
        worst = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}.${[...el.classList].join(".")}`;
      }
    }
    return `${wide}px too wide (${worst})`;
  });
}

async function checkScreens(page, screens, label) {
  const problems = [];
  for (const size of WIDTHS) {
    await page.setViewportSize({ width: size.width, height: size.height });
    for (const language of ["ru", "en"]) {
      await setLanguage(page, language);
      for (const [name, hash] of screens) {
        await show(page, hash);
        for (const leak of await leaks(page)) problems.push(`${name} ${language}: ${leak}`);
        const wide = await overflow(page);
        if (wide) problems.push(`${name} ${language} at ${size.name}: ${wide}`);
        if (size.name !== "zoom200") await page.screenshot({ path: join(shots, `${name}-${language}-${size.name}.png`), fullPage: true });
      }
    }
  }
  await setLanguage(page, "ru");
  assert.deepEqual([...new Set(problems)], [], label);
}

test("public screens: no raw codes or placeholders, no sideways scrolling, in both languages", async () => {
  const page = await newPage();
  await checkScreens(page, PUBLIC, "public screens");
  await page.context().close();
});

test("signed-in screens: no raw codes, placeholders or user agents, no sideways scrolling, in both languages", async () => {
  const page = await newPage();
  await signedIn(page);
  await checkScreens(page, PRIVATE, "signed-in screens");
  await page.context().close();
});

test("the account home links each open service to its page and each locked one to the step that opens it", async () => {
  const page = await newPage();
  await signedIn(page);
  await page.getByTestId("services").waitFor();
  const open = page.getByTestId("service-link");
  assert.ok((await open.count()) > 0);
  assert.match(await open.first().getAttribute("href"), /^https:\/\/portal\.example\/services\/[a-z_]+$/);
  const unlock = page.getByTestId("service-unlock");
  assert.ok((await unlock.count()) > 0);
  assert.equal(await unlock.first().getAttribute("href"), "#/profile");
  await page.context().close();
});

test("the password meter never reads strong or good while a rule of the policy fails", async () => {
  const page = await newPage();
  await signedIn(page);
  await show(page, "#/security?section=password");
  let refused = 0;
  // Long and hard to guess, but each breaks a rule (no capital, no digit, a forbidden character).
  for (const candidate of ["zebra quantum lighthouse marmalade", "ZEBRA-QUANTUM-LIGHTHOUSE-marmalade", "Zebra*Quantum*Lighthouse*7"]) {
    await page.locator("#password").fill(candidate);
    await page.waitForFunction(() => document.querySelector('#change-rules [data-met="false"], #change-rules .checklist'), null, { timeout: 5_000 });
    await page.waitForTimeout(400); // the check runs 150 ms after typing stops
    const failing = await page.locator('#change-rules [data-met="false"]').count();
    const said = await page.getByTestId("strength").innerText();
    if (failing > 0) {
      refused += 1;
      assert.ok(!["надёжный", "хороший"].includes(said), `${candidate}: «${said}» with ${failing} rule(s) failing`);
    }
  }
  assert.ok(refused >= 2, "the candidates break a rule");
  await page.context().close();
});

test("at 375 px the sections fold into a menu that opens, moves and closes", async () => {
  const page = await newPage({ width: 375, height: 740 });
  await signedIn(page);
  const toggle = page.getByTestId("menu-toggle");
  assert.equal(await toggle.getAttribute("aria-expanded"), "false");
  assert.equal(await page.getByRole("link", { name: "Безопасность" }).isVisible(), false);
  await toggle.click();
  assert.equal(await toggle.getAttribute("aria-expanded"), "true");
  await page.getByRole("link", { name: "Безопасность" }).click();
  await page.getByRole("heading", { level: 1, name: "Безопасность" }).waitFor();
  assert.equal(await toggle.getAttribute("aria-expanded"), "false");
  await page.context().close();
});

/** Whether focus is on the screen's heading. */
const focusOnHeading = (page) => page.evaluate(() => document.activeElement?.tagName === "H1");

test("every move puts focus on the new screen's heading", async () => {
  const page = await newPage();
  await page.getByRole("link", { name: "Войти", exact: true }).click();
  await page.getByRole("heading", { level: 1, name: "Вход" }).waitFor();
  assert.ok(await focusOnHeading(page), "sign-in");
  await signedIn(page);
  assert.ok(await focusOnHeading(page), "the account home after sign-in");
  for (const [link, heading] of [["Профиль", "Профиль"], ["Безопасность", "Безопасность"], ["Уведомления", "Уведомления"], ["Помощь", "Помощь"], ["Главная", /Ольга/]]) {
    await page.getByRole("navigation").getByRole("link", { name: link, exact: true }).click();
    await page.getByRole("heading", { level: 1, name: heading }).waitFor();
    assert.ok(await focusOnHeading(page), link);
  }
  // The security screen's sections are moves too.
  await page.getByRole("navigation").getByRole("link", { name: "Безопасность" }).click();
  await page.getByTestId("section-sessions").click();
  await page.getByRole("heading", { level: 1, name: "Активные сеансы" }).waitFor();
  await page.waitForFunction(() => document.activeElement?.tagName === "H1");
  await page.context().close();
});

/** Submits with `button`, then requires focus on the first wrong field of the form, or on the
 * error when no field is wrong, and never on the page body. */
async function refusedSubmitFocus(page, button, what) {
  await button.click();
  await page.waitForFunction(() => document.querySelector('[aria-invalid="true"], [data-invalid="true"], [data-testid="form-error"]'), null, { timeout: 10_000 });
  const focus = await page.waitForFunction(
    () => {
      const active = document.activeElement;
      if (!active || active === document.body) return null;
      const form = active.closest("form, section");
      const first = form?.querySelector('[aria-invalid="true"], [data-invalid="true"]');
      if (first) return first === active ? `field ${active.id}` : null;
      return active.matches('[data-testid="form-error"]') ? "error" : null;
    },
    null,
    { timeout: 5_000 },
  ).catch(() => null);
  const where = focus ? await focus.jsonValue() : await page.evaluate(() => `${document.activeElement?.tagName}#${document.activeElement?.id}`);
  assert.ok(focus, `${what}: focus is on ${where}`);
  return where;
}

test("a refused submit puts focus on the first wrong field or the error, on every form", async () => {
  const page = await newPage();
  await page.goto(`${server.url}#/sign-in`);
  assert.equal(await refusedSubmitFocus(page, page.locator("button[type=submit]"), "sign-in"), "field login");
  await page.goto(`${server.url}#/register`);
  assert.equal(await refusedSubmitFocus(page, page.getByRole("button", { name: "Продолжить" }), "registration"), "field surname");
  await page.goto(`${server.url}#/recovery`);
  await refusedSubmitFocus(page, page.getByRole("button", { name: "Получить код" }), "recovery");

  await signedIn(page);
  await show(page, "#/profile");
  await page.locator("#surname").fill("");
  await page.locator("#birth_date").fill("31.02.1990");
  assert.equal(await refusedSubmitFocus(page, page.getByTestId("submit-profile"), "profile"), "field surname");
  for (const [section, button] of [["password", "Сменить пароль"], ["contacts", "Получить код"], ["question", "Сохранить вопрос"], ["factors", "Включить коды по SMS"]]) {
    await show(page, `#/security?section=${section}`);
    await refusedSubmitFocus(page, page.getByRole("button", { name: button }), `security ${section}`);
  }
  await page.context().close();
});

test("a slow request shows a busy button that keeps focus, on every form", async () => {
  const page = await newPage();
  // Every call of the API waits a second and a half, as over a slow mobile link.
  await page.route("**/api/v1/**", async (route) => {
    await new Promise((ok) => setTimeout(ok, 1500));
    await route.continue().catch(() => {}); // the page may have closed meanwhile
  });
  async function busy(button, what) {
    await button.focus();
    await page.keyboard.press("Enter");
    const state = await page.waitForFunction(
      () => {
        const b = document.querySelector('button[aria-busy="true"]');
        return b && { text: b.innerText, spinner: Boolean(b.querySelector(".spinner")), focused: document.activeElement === b };
      },
      null,
      { timeout: 1_000 },
    );
    const { text, spinner, focused } = await state.jsonValue();
    assert.match(text, /Подождите/, what);
    assert.ok(spinner, `${what}: a spinner`);
    assert.ok(focused, `${what}: focus stays on the button`);
    await page.waitForFunction(() => !document.querySelector('button[aria-busy="true"]'), null, { timeout: 15_000 });
  }
  await page.goto(`${server.url}#/sign-in`);
  await page.locator("#login").fill("+79150000000");
  await page.locator("#password").fill("wrong-password-1");
  await busy(page.locator("button[type=submit]"), "sign-in");
  await page.goto(`${server.url}#/register`);
  await busy(page.getByRole("button", { name: "Продолжить" }), "registration");
  await page.goto(`${server.url}#/recovery`);
  await busy(page.getByRole("button", { name: "Получить код" }), "recovery");
  await page.unroute("**/api/v1/**");

  await signedIn(page);
  await page.route("**/api/v1/**", async (route) => {
    await new Promise((ok) => setTimeout(ok, 1500));
    await route.continue().catch(() => {}); // the page may have closed meanwhile
  });
  await show(page, "#/profile");
  await busy(page.getByTestId("save-draft"), "profile draft");
  await busy(page.getByTestId("submit-profile"), "profile");
  await show(page, "#/security?section=password");
  await busy(page.getByRole("button", { name: "Сменить пароль" }), "password change");
  await show(page, "#/notifications");
  await busy(page.getByRole("button", { name: "Сохранить настройки" }), "notification settings");
  await page.context().close();
});

test("the profile form waits for the saved profile: nothing typed is overwritten by a slow load", async () => {
  const page = await newPage();
  await signedIn(page);
  await page.route("**/api/v1/profile_get", async (route) => {
    await new Promise((ok) => setTimeout(ok, 1500));
    await route.continue().catch(() => {}); // the page may have closed meanwhile
  });
  await page.goto(`${server.url}#/profile`);
  await page.getByTestId("profile-loading").waitFor();
  assert.equal(await page.locator("#surname").count(), 0, "no form to type into while loading");
  await page.locator("#surname").waitFor();
  assert.equal(await page.locator("#surname").inputValue(), "Смирнова");
  await page.context().close();
});
