// Signed updates in the real window. The test makes its own signing keys with the Tauri CLI,
// signs a "version 0.2.0" with `cargo xtask release-manifest` (what `cargo xtask dist` does for a
// release) and serves latest.json and the artifacts from a loopback HTTP server. The app (a
// debug build, which alone accepts a test key through KABINET_UPDATE_PUBKEY) is pointed at it by
// a workstation policy file (KABINET_POLICY_FILE), the way a service centre points at a mirror.
//
// - a correctly signed update is offered at start, installed on confirmation and replaces the
//   app (a copy of the binary, so the build stays intact);
// - a tampered artifact and one signed by another key are refused with a clear message and
//   nothing changes;
// - a policy that disables updates makes no request; a pinned version ignores other offers.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchApp, screenshotDisplay } from "../support/tauri-driver.mjs";
import { appBinary, artifactDir, ROOT } from "../support/paths.mjs";

const work = mkdtempSync(join(tmpdir(), "kabinet-desktop-updates-"));
const shots = artifactDir("desktop");
const ARTIFACT = "Kabinet_0.2.0_amd64.AppImage";
/** What every request to the update server asked for, in order. */
const requests = [];
let server;
let base;
let trustedKey;

/** A fresh key pair from the Tauri CLI (no password); returns the public key text. */
function generateKey(path) {
  execFileSync("npx", ["--no-install", "tauri", "signer", "generate", "--ci", "-f", "-p", "", "-w", path], {
    cwd: ROOT,
    stdio: "pipe",
  });
  return readFileSync(`${path}.pub`, "utf8").trim();
}

/** A release folder `name` holding an "AppImage" (any ELF program) and its signed latest.json. */
function release(name, keyPath) {
  const dir = join(work, "site", name);
  mkdirSync(dir, { recursive: true });
  copyFileSync("/usr/bin/true", join(dir, ARTIFACT));
  const target = process.env.CARGO_TARGET_DIR ?? join(ROOT, "target");
  execFileSync(
    join(target, "debug", "xtask"),
    ["release-manifest", "--dir", dir, "--base-url", `${base}/${name}`, "--version", "0.2.0", "--notes", "Быстрее вход по SMS-коду"],
    {
      cwd: ROOT,
      stdio: "pipe",
      env: { ...process.env, TAURI_SIGNING_PRIVATE_KEY: readFileSync(keyPath, "utf8"), TAURI_SIGNING_PRIVATE_KEY_PASSWORD: "" },
    },
  );
  return dir;
}

/** A workstation policy file; returns its path. */
function policy(name, content) {
  const path = join(work, `policy-${name}.json`);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

/** The app on a policy, trusting the test's key. */
function launch(policyPath, extra = {}) {
  return launchApp({
    dataHome: mkdtempSync(join(work, "home-")),
    env: { KABINET_POLICY_FILE: policyPath, KABINET_UPDATE_PUBKEY: trustedKey },
    ...extra,
  });
}

before(async () => {
  server = createServer((req, res) => {
    requests.push(req.url);
    try {
      const body = readFileSync(join(work, "site", decodeURIComponent(new URL(req.url, "http://x").pathname)));
      res.writeHead(200, { "content-type": req.url.endsWith(".json") ? "application/json" : "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${server.address().port}`;
  trustedKey = generateKey(join(work, "trusted.key"));
  generateKey(join(work, "foreign.key"));
  release("signed", join(work, "trusted.key"));
  release("foreign", join(work, "foreign.key"));
  // Signed correctly, then one byte of the artifact changed on the way.
  const tampered = release("tampered", join(work, "trusted.key"));
  const bytes = readFileSync(join(tampered, ARTIFACT));
  bytes[bytes.length - 100] ^= 0x01;
  writeFileSync(join(tampered, ARTIFACT), bytes);
});

after(() => new Promise((ok) => server.close(ok)));

/** Waits for the offer made at start and asks to install it; returns the prompt. */
async function acceptOffer(browser) {
  const prompt = await browser.$('[data-testid="update-prompt"]');
  await prompt.waitForDisplayed({ timeout: 20_000 });
  assert.match(await prompt.getText(), /Доступна версия 0\.2\.0/);
  assert.match(await prompt.getText(), /Быстрее вход по SMS-коду/);
  await browser.$('[data-testid="update-install"]').click();
  return prompt;
}

for (const [name, why] of [
  ["tampered", "a changed byte"],
  ["foreign", "another key's signature"],
]) {
  test(`an update with ${why} is refused and nothing is installed`, async () => {
    const endpoint = `${base}/${name}/latest.json`;
    const app = await launch(policy(name, { update_endpoint: endpoint }));
    try {
      const { browser } = app;
      await acceptOffer(browser);
      const error = await browser.$('[data-testid="update-prompt"] [data-testid="form-error"]');
      await error.waitForDisplayed({ timeout: 30_000 });
      assert.equal(await error.getAttribute("data-code"), "update_refused");
      assert.match(await error.getText(), /не прошло проверку подписи и не установлено/);
      if (name === "tampered") await screenshotDisplay(join(shots, "update-refused-ru.png"));
      // The app keeps running in its own version.
      assert.equal(await browser.getTitle(), "Кабинет");
      assert.ok(requests.includes(`/${name}/${ARTIFACT}`), "the artifact was downloaded and checked");
    } finally {
      await app.close();
    }
  });
}

test("a correctly signed update is installed on confirmation and the app restarts into it", async () => {
  // A copy of the app, which the update replaces.
  const copy = join(work, "app", "kabinet");
  mkdirSync(join(work, "app"), { recursive: true });
  copyFileSync(appBinary(), copy);
  const app = await launch(policy("signed", { update_endpoint: `${base}/signed/latest.json` }), { application: copy });
  try {
    const { browser } = app;
    await screenshotDisplay(join(shots, "update-offered-ru.png")).catch(() => {});
    await acceptOffer(browser);
    const wanted = readFileSync(join(work, "site", "signed", ARTIFACT));
    const until = Date.now() + 30_000;
    while (!readFileSync(copy).equals(wanted)) {
      assert.ok(Date.now() < until, "the app was not replaced by the update");
      await new Promise((ok) => setTimeout(ok, 250));
    }
  } finally {
    await app.close();
  }
});

test("a workstation policy can turn updates off or pin a version", async () => {
  const before = requests.length;
  let app = await launch(policy("off", { updates: "disabled", update_endpoint: `${base}/signed/latest.json` }));
  try {
    const { browser } = app;
    await browser.$("a=Настройки").click();
    const disabled = await browser.$('[data-testid="updates-disabled"]');
    await disabled.waitForDisplayed({ timeout: 20_000 });
    assert.match(await disabled.getText(), /отключены администратором/);
    assert.equal(await browser.$('[data-testid="updates-check"]').isExisting(), false);
    assert.equal(requests.length, before, "a disabled updater made a request");
  } finally {
    await app.close();
  }
  // Pinned to 0.3.0: the 0.2.0 on offer is not for this workstation.
  app = await launch(policy("pinned", { pinned_version: "0.3.0", update_endpoint: `${base}/signed/latest.json` }));
  try {
    const { browser } = app;
    await browser.$("a=Настройки").click();
    await browser.$('[data-testid="updates-pinned"]').waitForDisplayed({ timeout: 20_000 });
    await browser.$('[data-testid="updates-check"]').click();
    const current = await browser.$('[data-testid="updates-current"]');
    await current.waitForDisplayed({ timeout: 20_000 });
    assert.match(await current.getText(), /последняя версия \(0\.1\.0\)/);
    assert.equal(await browser.$('[data-testid="update-prompt"]').isExisting(), false);
    await screenshotDisplay(join(shots, "settings-updates-pinned-ru.png"));
  } finally {
    await app.close();
  }
});
