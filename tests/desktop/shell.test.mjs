// The real Kabinet window (tauri-driver + WebKitWebDriver under Xvfb): it opens on the Russian
// shell with «Войти» and «Зарегистрироваться», switches to English, and exits when closed.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { launchApp, screenshotDisplay } from "../support/tauri-driver.mjs";
import { appBinary, artifactDir } from "../support/paths.mjs";
import { execFileSync } from "node:child_process";

let app;

/** Pids of processes running this test's app binary. */
function appProcesses() {
  try {
    const pattern = `^${appBinary().replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}( |$)`;
    return execFileSync("pgrep", ["-f", pattern], { encoding: "utf8" }).split("\n").filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}
const shots = artifactDir("desktop");

before(async () => {
  app = await launchApp();
});

after(async () => {
  await app?.close();
});

test("the window opens on the Russian home screen", async () => {
  const { browser } = app;
  const heading = await browser.$("h1");
  await heading.waitForDisplayed({ timeout: 20_000 });
  assert.equal(await heading.getText(), "Вход в личный кабинет");
  assert.equal(await browser.$('[data-testid="sign-in"]').getText(), "Войти");
  assert.equal(await browser.$('[data-testid="register"]').getText(), "Зарегистрироваться");
  assert.equal(await browser.getTitle(), "Кабинет");
  await screenshotDisplay(join(shots, "home-ru.png"));
});

test("the language switch shows the English shell", async () => {
  const { browser } = app;
  await browser.$('[data-testid="language"]').selectByAttribute("value", "en");
  await browser.$("h1=Sign in to your account").waitForDisplayed({ timeout: 10_000 });
  assert.equal(await browser.$('[data-testid="register"]').getText(), "Create an account");
  await screenshotDisplay(join(shots, "home-en.png"));
  await browser.$('[data-testid="language"]').selectByAttribute("value", "ru");
});

test("closing the window ends the app", async () => {
  const { browser } = app;
  const running = () => appProcesses().length > 0;
  assert.ok(running(), "the app process is running before the window closes");
  // Closing the last window ends the WebDriver session too; that rejection is expected.
  await browser.closeWindow().catch(() => {});
  const until = Date.now() + 15_000;
  while (running() && Date.now() < until) await new Promise((ok) => setTimeout(ok, 200));
  assert.ok(!running(), "the app process is still running after its last window closed");
});
