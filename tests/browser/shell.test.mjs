// The UI shell in headless Chromium (Debian's, driven by playwright-core): Russian by default,
// English on request and remembered, navigation to sign-in and registration.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { serveStatic } from "../support/static-server.mjs";
import { axeViolations } from "../support/axe.mjs";
import { artifactDir, CHROMIUM, UI_DIST } from "../support/paths.mjs";

let server;
let browser;
const shots = artifactDir("browser");

before(async () => {
  server = await serveStatic(UI_DIST);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test("the home screen is in Russian and offers sign-in and registration", async () => {
  const page = await browser.newPage({ locale: "ru-RU" });
  await page.goto(server.url);
  await page.getByRole("heading", { level: 1, name: "Вход в личный кабинет" }).waitFor();
  assert.equal(await page.getByRole("link", { name: "Войти", exact: true }).count(), 1);
  assert.equal(await page.getByRole("link", { name: "Зарегистрироваться" }).count(), 1);
  assert.equal(await page.locator("html").getAttribute("lang"), "ru");
  await page.screenshot({ path: join(shots, "home-ru.png"), fullPage: true });
  await page.close();
});

test("English is chosen, shown and remembered across a reload", async () => {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.getByTestId("language").selectOption("en");
  await page.getByRole("heading", { level: 1, name: "Sign in to your account" }).waitFor();
  await page.reload();
  await page.getByRole("link", { name: "Create an account" }).waitFor();
  assert.equal(await page.locator("html").getAttribute("lang"), "en");
  await page.screenshot({ path: join(shots, "home-en.png"), fullPage: true });
  await page.close();
});

test("the two actions lead to their screens and back", async () => {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.getByRole("link", { name: "Зарегистрироваться" }).click();
  await page.getByRole("heading", { level: 1, name: "Регистрация" }).waitFor();
  await page.getByRole("link", { name: "Назад на главную" }).click();
  await page.getByRole("link", { name: "Войти", exact: true }).click();
  await page.getByRole("heading", { level: 1, name: "Вход" }).waitFor();
  await page.close();
});

test("every screen of the shell has no axe-core violations, in both languages", async () => {
  const page = await browser.newPage();
  for (const language of ["ru", "en"]) {
    for (const route of ["#/", "#/sign-in", "#/register"]) {
      await page.goto(server.url + route);
      await page.getByTestId("language").selectOption(language);
      await page.locator("h1").waitFor();
      assert.deepEqual(await axeViolations(page), [], `${language} ${route}`);
    }
  }
  await page.close();
});
