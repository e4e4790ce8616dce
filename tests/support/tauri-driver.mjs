// Starts tauri-driver (which starts WebKitWebDriver, which starts the app) and opens a WebDriver
// session on the real Kabinet window. The caller runs inside Xvfb and a D-Bus session.
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { remote } from "webdriverio";
import { appBinary } from "./paths.mjs";

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

async function waitForStatus(port, deadlineMs) {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/status`);
      const body = await res.json();
      if (res.ok && body?.value?.ready !== false) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`tauri-driver did not answer /status on ${port}`);
    await new Promise((ok) => setTimeout(ok, 200));
  }
}

/** An app folder (for `launchApp({ dataHome })`) whose settings use the server at `apiUrl` and
 * whose device id is `device`, so a test can make the device known to the server first. */
export function remoteAppHome(apiUrl, device, name = "remote") {
  const home = mkdtempSync(join(tmpdir(), `kabinet-desktop-${name}-`));
  mkdirSync(join(home, "config", "ru.kabinet.desktop"), { recursive: true });
  writeFileSync(join(home, "config", "ru.kabinet.desktop", "settings.json"), JSON.stringify({ backend: "remote", server_url: apiUrl }));
  mkdirSync(join(home, "data", "ru.kabinet.desktop"), { recursive: true });
  writeFileSync(join(home, "data", "ru.kabinet.desktop", "device-id"), device);
  return home;
}

/**
 * Launches the app under tauri-driver with its own data and config folders; `env` adds
 * variables for the app, `application` runs another copy of the binary.
 */
export async function launchApp({ dataHome, keyringService, env = {}, application } = {}) {
  const port = await freePort();
  const nativePort = await freePort();
  const home = dataHome ?? mkdtempSync(join(tmpdir(), "kabinet-desktop-"));
  const driver = spawn(
    process.env.TAURI_DRIVER ?? "tauri-driver",
    ["--port", String(port), "--native-port", String(nativePort)],
    {
      stdio: ["ignore", "inherit", "inherit"],
      env: {
        ...process.env,
        XDG_DATA_HOME: join(home, "data"),
        XDG_CONFIG_HOME: join(home, "config"),
        XDG_CACHE_HOME: join(home, "cache"),
        NO_AT_BRIDGE: "1",
        KABINET_KEYRING_SERVICE: keyringService ?? `kabinet-e2e-${process.pid}`,
        WEBKIT_DISABLE_COMPOSITING_MODE: "1",
        ...env,
      },
    },
  );
  const exited = new Promise((ok) => driver.once("exit", ok));
  try {
    await waitForStatus(port, 20_000);
    const browser = await remote({
      hostname: "127.0.0.1",
      port,
      logLevel: "warn",
      connectionRetryCount: 0,
      capabilities: {
        "tauri:options": { application: application ?? appBinary() },
        "wdio:enforceWebDriverClassic": true,
      },
    });
    const binary = application ?? appBinary();
    return {
      browser,
      home,
      async close() {
        await browser.deleteSession().catch(() => {});
        driver.kill("SIGTERM");
        await exited;
        await appGone(binary);
      },
    };
  } catch (error) {
    driver.kill("SIGKILL");
    throw error;
  }
}

/**
 * Makes sure no process runs `binary` once its driver has gone: the app may still be shutting
 * down, or — seen in CI — may have been left running without its window's session, and a launch
 * meanwhile meets the single-instance lock, focuses the old window and exits, leaving the new
 * WebDriver session waiting for a window that never comes. Waits up to 5 s, then asks the
 * leftover to stop (SIGTERM), and after 5 s more ends it (SIGKILL).
 */
async function appGone(binary) {
  // The command line is the binary's path alone or with arguments (not kabinet-server's).
  const pattern = `^${binary.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}( |$)`;
  const running = async () => {
    try {
      await promisify(execFile)("pgrep", ["-f", pattern]);
      return true;
    } catch {
      return false; // pgrep found none (exit status 1)
    }
  };
  for (const signal of [null, "TERM", "KILL"]) {
    if (signal) await promisify(execFile)("pkill", [`-${signal}`, "-f", pattern]).catch(() => {});
    const until = Date.now() + 5_000;
    while (Date.now() < until) {
      if (!(await running())) return;
      await new Promise((ok) => setTimeout(ok, 100));
    }
  }
}

/**
 * Saves what the X display shows (the whole Xvfb screen with the window) as a PNG.
 * WebKitWebDriver's own screenshot command hangs under Xvfb without GL, so the picture is taken
 * from the X server with ImageMagick's `import`.
 */
export async function screenshotDisplay(path) {
  await promisify(execFile)("import", ["-window", "root", path], { timeout: 30_000 });
}
