// Desktop start-up benchmark: time from launching the process to its first screen being
// interactive (the page's `desktop_ready` call, logged as "window interactive"), and the peak
// resident memory of the app plus every process it starts (WebKit's web and network processes),
// for Kabinet's release build next to a bare Tauri window built in the same run. Runs alternate
// between the two so a busy moment of the machine hits both. Called by `cargo xtask bench`
// inside Xvfb and a D-Bus session:
//   node benches/desktop-startup.mjs <kabinet> <bare-window> [runs]
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [kabinet, bare, runsArg] = process.argv.slice(2);
if (!kabinet || !bare) {
  console.error("usage: node benches/desktop-startup.mjs <kabinet> <bare-window> [runs]");
  process.exit(2);
}
const RUNS = Number(runsArg ?? 11);
const SETTLE_MS = 2000;
const TIMEOUT_MS = 60_000;

/** Every process's parent, from /proc. */
function parents() {
  const map = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // The command name may hold spaces; the fields after its closing parenthesis do not.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      map.set(Number(name), ppid);
    } catch {
      // gone meanwhile
    }
  }
  return map;
}

/** Resident memory in bytes of `root` and all its descendants. */
function treeRss(root) {
  const map = parents();
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of map) {
      if (!tree.has(pid) && tree.has(ppid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  let total = 0;
  for (const pid of tree) {
    try {
      const match = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+) kB/m);
      if (match) total += Number(match[1]) * 1024;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** The keyring store Kabinet's log named, for the report. */
let keyringKind = "?";

/** One start of `binary` with the data folders under `home`: {ms, peak} */
function start(binary, home) {
  return new Promise((ok, fail) => {
    const began = performance.now();
    const child = spawn(binary, [], {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        XDG_DATA_HOME: join(home, "data"),
        XDG_CONFIG_HOME: join(home, "config"),
        XDG_CACHE_HOME: join(home, "cache"),
        KABINET_KEYRING_SERVICE: `kabinet-bench-${process.pid}`,
      },
    });
    let ready;
    let peak = 0;
    let output = "";
    const sampler = setInterval(() => {
      peak = Math.max(peak, treeRss(child.pid));
    }, 25);
    let exited = false;
    let finished = false;
    const settle = (error) => (error ? fail(error) : ok({ ms: ready, peak, output }));
    const finish = (error) => {
      if (finished) return;
      finished = true;
      clearInterval(sampler);
      clearTimeout(timer);
      if (exited) return settle(error);
      child.once("exit", () => settle(error));
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => finish(new Error(`${binary} was not interactive in time:\n${output}`)), TIMEOUT_MS);
    const watch = (chunk) => {
      output += chunk;
      keyringKind = /keyring (\S+),/.exec(output)?.[1] ?? keyringKind;
      if (ready === undefined && /window interactive/.test(output)) {
        ready = performance.now() - began;
        setTimeout(() => finish(), SETTLE_MS);
      }
    };
    child.stdout.on("data", watch);
    child.stderr.on("data", watch);
    child.once("exit", (code) => {
      exited = true;
      if (ready === undefined) finish(new Error(`${binary} exited (${code}) before it was interactive:\n${output}`));
      else finish(new Error(`${binary} exited (${code}) while it was measured:\n${output}`));
    });
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const MiB = 1024 * 1024;
const kabinetHome = mkdtempSync(join(tmpdir(), "kabinet-bench-"));
// The embedded backend (SQLite in the app-data folder): a release build otherwise starts on the
// portal's server named at build time, which this machine cannot reach, and the bench would time
// the failing requests instead of the app.
mkdirSync(join(kabinetHome, "config", "ru.kabinet.desktop"), { recursive: true });
writeFileSync(join(kabinetHome, "config", "ru.kabinet.desktop", "settings.json"), JSON.stringify({ backend: "embedded" }));
const bareHome = mkdtempSync(join(tmpdir(), "kabinet-bench-bare-"));

// The first start of Kabinet makes its database and keys: reported apart, not in the ratio.
const first = await start(kabinet, kabinetHome);
await start(bare, bareHome); // warms the same shared libraries for the baseline
const results = { kabinet: [], bare: [] };
for (let i = 0; i < RUNS; i++) {
  results.bare.push(await start(bare, bareHome));
  results.kabinet.push(await start(kabinet, kabinetHome));
  // BENCH_LOG=1: each start's own account of where its time went.
  if (process.env.BENCH_LOG) {
    for (const r of [results.bare.at(-1), results.kabinet.at(-1)]) {
      console.log(r.output.split("\n").filter((l) => / after start/.test(l)).join("\n"));
    }
  }
}

const row = (name, list) => {
  const ms = median(list.map((r) => r.ms));
  const peak = median(list.map((r) => r.peak));
  return { name, ms, peak };
};
const base = row("bare Tauri window (baseline)", results.bare);
const app = row("Kabinet", results.kabinet);
console.log(`\ndesktop start-up: median of ${RUNS} starts each, release builds, alternating`);
console.log(`  ${"app".padEnd(30)} ${"to interactive".padStart(15)} ${"peak RSS".padStart(12)} ${"× time".padStart(8)} ${"× memory".padStart(9)}`);
for (const r of [base, app]) {
  console.log(
    `  ${r.name.padEnd(30)} ${r.ms.toFixed(0).padStart(12)} ms ${(r.peak / MiB).toFixed(1).padStart(8)} MiB ${(r.ms / base.ms).toFixed(2).padStart(8)} ${(r.peak / base.peak).toFixed(2).padStart(9)}`,
  );
}
console.log(`  Kabinet's keyring: ${keyringKind}`);
console.log(`  Kabinet's first start (new database and keys): ${first.ms.toFixed(0)} ms, peak ${(first.peak / MiB).toFixed(1)} MiB`);
console.log(`  every start, ms: bare ${results.bare.map((r) => r.ms.toFixed(0)).join(" ")}; Kabinet ${results.kabinet.map((r) => r.ms.toFixed(0)).join(" ")}`);
