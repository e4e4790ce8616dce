// Kabinet as a proper desktop citizen, in the real window: logs in the OS log folder, a second
// launch hands over to the running one and exits, and the window's size is remembered.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchApp } from "../support/tauri-driver.mjs";
import { appBinary } from "../support/paths.mjs";

const home = mkdtempSync(join(tmpdir(), "kabinet-desktop-citizen-"));
const keyringService = `kabinet-e2e-citizen-${process.pid}`;
const logFile = join(home, "data", "ru.kabinet.desktop", "logs", "kabinet.log");

/** Starts the binary directly, as a citizen's second click on the icon would. */
function secondLaunch() {
  return new Promise((ok, fail) => {
    const child = spawn(appBinary(), [], {
      stdio: "ignore",
      env: {
        ...process.env,
        XDG_DATA_HOME: join(home, "data"),
        XDG_CONFIG_HOME: join(home, "config"),
        XDG_CACHE_HOME: join(home, "cache"),
        KABINET_KEYRING_SERVICE: keyringService,
        NO_AT_BRIDGE: "1",
      },
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error("the second launch kept running instead of handing over"));
    }, 20_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      ok(code);
    });
  });
}

test("logs, a single instance and a remembered window size", async () => {
  let app = await launchApp({ dataHome: home, keyringService });
  try {
    const { browser } = app;
    await browser.$("h1").waitForDisplayed({ timeout: 20_000 });
    // The log file is in the OS log folder and says what started, nothing secret.
    assert.ok(existsSync(logFile), `no log at ${logFile}`);
    const log = readFileSync(logFile, "utf8");
    assert.match(log, /Kabinet \S+ started: Embedded backend, keyring (keyutils|secret-service)/);
    assert.doesNotMatch(log, /pepper=|seal-key=|token=/i);
    // A second launch exits at once and the first keeps its window.
    assert.equal(await secondLaunch(), 0);
    assert.equal(await browser.getTitle(), "Кабинет");
    assert.match(readFileSync(logFile, "utf8"), /a second launch: focusing the running window/);
    await browser.setWindowSize(900, 700);
    assert.deepEqual(await browser.getWindowSize(), { width: 900, height: 700 });
    // The state is saved a moment after the last resize.
    await new Promise((ok) => setTimeout(ok, 1000));
    // Closing the window ends the app normally, which saves the window's state.
    await browser.closeWindow().catch(() => {});
  } finally {
    await app.close();
  }
  const saved = JSON.parse(readFileSync(join(home, "config", "ru.kabinet.desktop", ".window-state.json"), "utf8"));
  assert.equal(saved.main?.width, 900, JSON.stringify(saved));
  app = await launchApp({ dataHome: home, keyringService });
  try {
    const { browser } = app;
    await browser.$("h1").waitForDisplayed({ timeout: 20_000 });
    const { width, height } = await browser.getWindowSize();
    assert.deepEqual([width, height], [900, 700]);
  } finally {
    await app.close();
  }
});
