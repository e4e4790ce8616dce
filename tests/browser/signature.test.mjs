// «Войти с электронной подписью» in a browser, which cannot reach a token without a plugin: the
// page says the desktop app is needed and why, links to where the portal offers it (or to the
// help page when it offers none), moves focus to its heading, and fits 375 px; the way back
// to the password keeps working.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launchChromium } from "../support/browser.mjs";
import { startServer } from "../support/kabinet-server.mjs";

const DOWNLOAD = "https://kabinet.example/download";
let servers = [];
let browser;

before(async () => {
  servers = [await startServer({ KABINET_DESKTOP_APP_URL: DOWNLOAD }), await startServer()];
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  for (const server of servers) await server.close();
});

async function signatureStep(server, width) {
  const context = await browser.newContext({ locale: "ru-RU", viewport: { width, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${server.url}#/sign-in`);
  await page.getByTestId("sign-in-signature").click();
  await page.getByTestId("signature-needs-app").waitFor();
  return page;
}

test("a browser is sent to the desktop app, with the portal's download link", async () => {
  for (const width of [375, 1280]) {
    const page = await signatureStep(servers[0], width);
    assert.equal(await page.evaluate(() => document.activeElement?.id), "sign-in-title");
    assert.equal(await page.locator("h1").textContent(), "Вход с электронной подписью");
    const text = await page.getByTestId("signature-needs-app").textContent();
    assert.match(text, /приложении «Кабинет» для компьютера/);
    assert.match(text, /без плагина/);
    const link = page.getByTestId("download-app");
    assert.equal(await link.getAttribute("href"), DOWNLOAD);
    assert.equal(await link.textContent(), "Скачать приложение «Кабинет»");
    // No PIN field and no certificate list in a browser.
    assert.equal(await page.locator("#pin").count(), 0);
    const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(sideways <= 0, `scrolls sideways by ${sideways}px at ${width}px`);
    await page.getByTestId("back-to-password").click();
    await page.locator("#login").waitFor();
    await page.context().close();
  }
});

test("without a download address the page points to the help page", async () => {
  const page = await signatureStep(servers[1], 1280);
  const link = page.getByTestId("download-app");
  assert.equal(await link.getAttribute("href"), "#/help");
  await link.click();
  await page.waitForURL(/#\/help/);
  await page.context().close();
});
