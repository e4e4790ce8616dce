// Starts the real kabinet-server (the workspace's debug build) on a random loopback port in dev
// mode — simulated SMS, mail, registries and post — with a fresh SQLite database, serving ui/dist.
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { ROOT, UI_DIST } from "./paths.mjs";

export function serverBinary() {
  const target = process.env.CARGO_TARGET_DIR ?? join(ROOT, "target");
  return process.env.KABINET_SERVER ?? join(target, "debug", "kabinet-server");
}

/** `extra`: more `KABINET_*` settings for this server. */
export async function startServer(extra = {}) {
  const dir = mkdtempSync(join(tmpdir(), "kabinet-browser-"));
  const env = {
    ...process.env,
    KABINET_DATABASE_URL: `sqlite://${dir}/kabinet.db?mode=rwc`,
    KABINET_LISTEN: "127.0.0.1:0",
    KABINET_UI_DIR: UI_DIST,
    KABINET_PEPPER: "31".repeat(32),
    KABINET_SEAL_KEY: "42".repeat(32),
    // Cheap hashing and a fast job worker keep the suite quick; the rules are the same.
    KABINET_ARGON2_MEMORY_KIB: "1024",
    KABINET_ARGON2_ITERATIONS: "1",
    KABINET_JOB_PERIOD_MS: "200",
    // Every request of the suite comes from 127.0.0.1: the per-client limit would count them all.
    KABINET_REQUESTS_PER_MINUTE: "0",
    ...extra,
  };
  const log = [];
  let child;
  let exited;
  /** The simulated bank's authorisation page, from the line the server prints after listening. */
  let bankPage;
  async function spawnServer() {
    child = spawn(serverBinary(), ["--dev"], { env, stdio: ["ignore", "pipe", "pipe"] });
    child.stderr.on("data", (chunk) => log.push(chunk.toString()));
    exited = new Promise((ok) => child.once("exit", ok));
    return new Promise((ok, fail) => {
      const lines = createInterface({ input: child.stdout });
      lines.on("line", (line) => {
        const bank = /^bank simulator at (http:\/\/\S+)/.exec(line.trim());
        if (bank) bankPage = bank[1];
      });
      lines.once("line", (line) => {
        const m = /^listening on (http:\/\/\S+)$/.exec(line.trim());
        if (m) ok(m[1]);
        else fail(new Error(`unexpected first line: ${line}`));
      });
      child.once("exit", (code) => fail(new Error(`kabinet-server exited with ${code}: ${log.join("")}`)));
    });
  }
  const url = await spawnServer();
  // A restart comes back on the same address, as a centre's server whose link returns.
  env.KABINET_LISTEN = url.replace("http://", "");
  // Browsers keep `Secure` cookies for http://localhost only, not for http://127.0.0.1.
  const browserUrl = url.replace("127.0.0.1", "localhost");
  return {
    url: browserUrl,
    apiUrl: url,
    log,
    /** The dev mode's simulated bank: its authorisation page and base address. */
    async bank() {
      for (let i = 0; i < 100 && !bankPage; i++) await new Promise((ok) => setTimeout(ok, 50));
      if (!bankPage) throw new Error("the server named no simulated bank");
      return { page: bankPage, url: bankPage.replace(/\/authorize$/, "") };
    },
    /** Runs an administration subcommand against the same database. */
    async admin(...args) {
      const { stdout } = await promisify(execFile)(serverBinary(), ["--dev", ...args], { env, timeout: 60_000 });
      return stdout.trim();
    },
    /** Stops the server, keeping its database (the link to the centre goes down). */
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
    /** Starts it again on the same address and database. */
    async restart() {
      await spawnServer();
    },
    async close() {
      child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A program's call to the API (bearer transport), for setting the scene quickly. */
export async function call(server, operation, request, { token, device = "test-setup", workstation } = {}) {
  const headers = { "content-type": "application/json", "x-kabinet-client": "browser-tests", "x-kabinet-device": device };
  if (token) headers.authorization = `Bearer ${token}`;
  if (workstation) headers["x-kabinet-workstation"] = workstation;
  const res = await fetch(`${server.apiUrl}/api/v1/${operation}`, { method: "POST", headers, body: JSON.stringify(request) });
  const body = await res.json();
  if (!res.ok) throw new Error(`${operation}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** The newest code the simulators delivered to `to`. */
export async function codeFor(server, to, { after = 0 } = {}) {
  for (let i = 0; i < 50; i++) {
    const { messages } = await call(server, "dev_inbox", {});
    // Newest first: with more than `after` messages, the first one is new.
    const mine = messages.filter((m) => m.to === to);
    const code = mine.length > after ? /\b(\d{6})\b/.exec(mine[0].body)?.[1] : undefined;
    if (code) return code;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error(`no code reached ${to}`);
}

/** How many messages reached `to` so far. */
export async function messagesTo(server, to) {
  const { messages } = await call(server, "dev_inbox", {});
  return messages.filter((m) => m.to === to).length;
}

/** Registers a citizen through the API: phone confirmed, password set. */
export async function registerViaApi(server, { surname, firstName, phone, password, device }) {
  const info = await call(server, "app_info", {});
  const as = { device };
  const reg = await call(server, "registration_start", {
    surname,
    first_name: firstName,
    contact_kind: "phone",
    contact: phone,
    consent: true,
    consent_version: info.consent_version,
  }, as);
  const code = await codeFor(server, phone);
  await call(server, "registration_confirm", { ticket: reg.ticket, code }, as);
  return call(server, "registration_set_password", { ticket: reg.ticket, password, password_repeat: password }, as);
}
