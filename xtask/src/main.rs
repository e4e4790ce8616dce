//! `cargo xtask <task>`: the project's tasks as plain Rust, so they run the same on every OS.
//!
//! - `run`   — build the web UI and start the desktop app (embedded SQLite, simulators);
//! - `test`  — the whole suite: UI checks and unit tests, every crate's tests (PostgreSQL too when
//!   `KABINET_TEST_POSTGRES_URL` is set; with `CI=true` it must be), the browser end-to-end tests
//!   in headless Chromium and the desktop end-to-end tests in the real window under Xvfb;
//! - `ci`    — `cargo fmt --check`, `test`, then clippy with warnings denied;
//! - `codegen` — rewrite the generated TypeScript API bindings (`ui/src/api/generated.ts`) and
//!   the OpenAPI document (`docs/openapi.json`);
//! - `seed --accounts N [--first K]` — fill the server's database with seeded accounts (finished
//!   phone registrations) to measure Kabinet at a portal's size;
//! - `bench [NAME…]` — every benchmark (release build), or those whose crate or name contains one
//!   of the NAMEs, printed as ratios against the baseline of its group measured in the same run;
//! - `dist` — the installers of this OS and, with a signing key, the updater's `latest.json`;
//! - `release-manifest --dir D --base-url U [--version V] [--notes N]` — signs the installers in
//!   a folder and writes its `latest.json` (what `dist` does after building).
//!
//! Installing system packages is the job of the `./x` script that calls this; xtask only checks
//! that what it needs is there and says what is missing.

mod release;

use std::env;
use std::process::{Command, ExitCode};
use std::time::Instant;

type Result<T = ()> = std::result::Result<T, String>;

/// The project's tasks.
#[derive(clap::Parser)]
#[command(name = "cargo xtask")]
enum Task {
    /// Build the web UI and start the desktop app (arguments after `--` go to the app).
    Run {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        app_args: Vec<String>,
    },
    /// The whole test suite.
    Test,
    /// rustfmt check, the whole test suite, then clippy with warnings denied.
    Ci,
    /// Every benchmark, or those whose package or target contains one of ONLY
    /// (`cargo xtask bench load scale peer desktop`).
    Bench { only: Vec<String> },
    /// Fill the server's database (its configuration: `KABINET_CONFIG`, `KABINET_*`) with
    /// seeded accounts for load tests, through `kabinet-server --dev admin seed`.
    Seed {
        /// How many accounts.
        #[arg(long)]
        accounts: u64,
        /// The number of the first (to add to an earlier seeding).
        #[arg(long, default_value_t = 0)]
        first: u64,
    },
    /// Rewrite the generated TypeScript bindings and the OpenAPI document.
    Codegen,
    /// The installers of this OS and, with a signing key, the updater's `latest.json`.
    Dist,
    /// Sign the installers in a folder and write its `latest.json`.
    ReleaseManifest {
        /// The folder of installers.
        #[arg(long)]
        dir: String,
        /// Where the folder will be published.
        #[arg(long)]
        base_url: String,
        /// The version (the app's, from tauri.conf.json, when not given).
        #[arg(long)]
        version: Option<String>,
        /// The release notes.
        #[arg(long, default_value = "")]
        notes: String,
    },
}

fn main() -> ExitCode {
    let outcome = match <Task as clap::Parser>::parse() {
        Task::Run { app_args } => run(&app_args),
        Task::Test => test(),
        Task::Ci => ci(),
        Task::Bench { only } => bench(&only),
        Task::Seed { accounts, first } => step(
            "seeding",
            cargo_with(&[
                "run",
                "--release",
                "--locked",
                "-p",
                "kabinet-server",
                "--",
                "--dev",
                "admin",
                "seed",
                "--accounts",
                &accounts.to_string(),
                "--first",
                &first.to_string(),
            ]),
        ),
        Task::Codegen => codegen(),
        Task::Dist => dist(),
        Task::ReleaseManifest {
            dir,
            base_url,
            version,
            notes,
        } => release_manifest(dir, base_url, version, notes),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Writes the TypeScript bindings of the API boundary where the UI imports them.
fn codegen() -> Result {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let path = root.join(kabinet_api::typescript::GENERATED_PATH);
    std::fs::create_dir_all(path.parent().unwrap_or(&root)).map_err(|e| e.to_string())?;
    std::fs::write(&path, kabinet_api::typescript::generate()).map_err(|e| e.to_string())?;
    println!("wrote {}", path.display());
    let path = root.join(kabinet_api::openapi::COMMITTED_PATH);
    std::fs::write(&path, kabinet_api::openapi::generate()).map_err(|e| e.to_string())?;
    println!("wrote {}", path.display());
    Ok(())
}

fn run(app_args: &[String]) -> Result {
    build_ui()?;
    let mut cmd = cargo();
    cmd.args(["run", "-p", "kabinet", "--"]).args(app_args);
    exec("start the app", &mut cmd)
}

fn test() -> Result {
    require_postgres_in_ci()?;
    build_ui()?;
    step("UI type check", npm(&["run", "check:ui"]))?;
    step("UI unit tests (Vitest)", npm(&["run", "test:unit"]))?;
    // In a session keyring of the run's own, like the desktop tests: the kernel-keyring tests
    // link their entries to the persistent keyring, which another session's keyring (a CI
    // runner's, say) may not be allowed to.
    let mut rust_tests = Command::new("keyctl");
    rust_tests
        .args(["session", "-"])
        .arg(env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(["test", "--workspace", "--locked"]);
    step("Rust tests", rust_tests)?;
    step(
        "browser end-to-end (Chromium)",
        npm(&["run", "test:browser"]),
    )?;
    step("API fuzzing (schemathesis)", npm(&["run", "test:api"]))?;
    // `cargo test` above built target/debug/kabinet for the app package's integration tests,
    // with the test run's features; `cargo build -p kabinet` would compile the app again.
    step("desktop end-to-end (tauri-driver, Xvfb)", desktop_e2e())
}

fn ci() -> Result {
    step("rustfmt", cargo_with(&["fmt", "--all", "--check"]))?;
    test()?;
    step(
        "clippy",
        cargo_with(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ]),
    )
}

/// Criterion benchmarks: (package, bench target, groups). Each group has a `baseline` member.
const BENCHES: &[(&str, &str, &[&str])] = &[("kabinet-core", "core", &["parsers", "argon2id"])];

/// Benchmarks that measure their own baseline and print their own ratios: (package, target).
const SELF_REPORTING: &[(&str, &str)] = &[
    ("kabinet-store", "store"),
    ("kabinet-service", "enumeration"),
    ("kabinet-server", "load"),
    ("kabinet-server", "soak"),
    ("kabinet-server", "sync"),
    ("kabinet-server", "scale"),
    ("kabinet-server", "peer"),
];

/// Every benchmark, or only those whose package or target contains one of `only`
/// (`cargo xtask bench desktop`, `cargo xtask bench load scale peer desktop`).
fn bench(only: &[String]) -> Result {
    let wanted = |package: &str, target: &str| {
        only.is_empty()
            || only
                .iter()
                .any(|only| package.contains(only.as_str()) || target.contains(only.as_str()))
    };
    for (package, target) in SELF_REPORTING {
        if !wanted(package, target) {
            continue;
        }
        step(
            &format!("benchmarks of {package}"),
            cargo_with(&["bench", "-p", package, "--bench", target, "--locked"]),
        )?;
    }
    for (package, target, groups) in BENCHES {
        if !wanted(package, target) {
            continue;
        }
        step(
            &format!("benchmarks of {package}"),
            cargo_with(&[
                "bench", "-p", package, "--bench", target, "--locked", "--", "--noplot",
            ]),
        )?;
        for group in *groups {
            print_ratios(group)?;
        }
    }
    if wanted("kabinet-fuzz", "fuzz") {
        bench_fuzz()?;
    }
    if wanted("kabinet-store", "crash") {
        bench_crash()?;
    }
    if wanted("kabinet", "desktop") {
        bench_desktop_startup()?;
    }
    Ok(())
}

/// The fuzz targets of `fuzz/` (cargo-fuzz, libFuzzer with AddressSanitizer), each for
/// `KABINET_FUZZ_SECONDS` (60), written into docs/benchmarks.md. cargo-fuzz is installed when
/// missing; the sanitizer flags are nightly-only, so the build sets `RUSTC_BOOTSTRAP=1` on the
/// machine's one stable toolchain.
fn bench_fuzz() -> Result {
    const TARGETS: [&str; 4] = ["parsers", "profile", "scan", "api_requests"];
    const CARGO_FUZZ: &str = "0.13.1";
    let seconds = std::env::var("KABINET_FUZZ_SECONDS").unwrap_or_else(|_| "60".into());
    let installed = Command::new("cargo")
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        step(
            "install cargo-fuzz",
            cargo_with(&["install", "cargo-fuzz", "--version", CARGO_FUZZ, "--locked"]),
        )?;
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut rows = String::new();
    for target in TARGETS {
        let corpus = root.join("target/fuzz-corpus").join(target);
        std::fs::create_dir_all(&corpus).map_err(|e| e.to_string())?;
        eprintln!("fuzzing {target} for {seconds} s…");
        let output = Command::new("cargo")
            .current_dir(root.join("fuzz"))
            .env("RUSTC_BOOTSTRAP", "1")
            .args(["fuzz", "run", target])
            .arg(&corpus)
            .arg("--")
            .arg(format!("-max_total_time={seconds}"))
            .args(["-rss_limit_mb=2048", "-print_final_stats=1"])
            .output()
            .map_err(|e| format!("cargo fuzz: {e}"))?;
        let log = String::from_utf8_lossy(&output.stderr);
        let stat = |name: &str| {
            log.lines()
                .find_map(|l| l.strip_prefix(&format!("stat::{name}:")))
                .map_or("?".to_owned(), |v| v.trim().to_owned())
        };
        if log.contains("failed to build fuzz script") {
            eprintln!("{log}");
            return Err(format!(
                "the fuzz target {target} does not build (see above)"
            ));
        }
        let crashed = !output.status.success();
        if crashed {
            eprintln!("{log}");
        }
        rows.push_str(&format!(
            "| `{target}` | {seconds} s | {runs} | {per_second}/s | {edges} | {verdict} |\n",
            runs = stat("number_of_executed_units"),
            per_second = stat("average_exec_per_sec"),
            edges = log
                .lines()
                .rev()
                .find_map(|l| l.split("cov: ").nth(1)?.split_whitespace().next())
                .unwrap_or("?"),
            verdict = if crashed { "**crashed**" } else { "0 crashes" },
        ));
        if crashed {
            write_fuzz_section(&root, &rows)?;
            return Err(format!("the fuzz target {target} crashed (see above)"));
        }
    }
    write_fuzz_section(&root, &rows)
}

fn write_fuzz_section(root: &std::path::Path, rows: &str) -> Result {
    let section = format!(
        "## Fuzzing ({date})\n\n`cargo xtask bench fuzz`: each target of `fuzz/` run by libFuzzer \
with AddressSanitizer for a fixed time, starting from the corpus the earlier runs kept \
(`target/fuzz-corpus/`).\n\n| target | time | inputs run | rate | coverage (edges) | result |\n\
|---|---|---|---|---|---|\n{rows}",
        date = std::process::Command::new("date")
            .arg("+%Y-%m-%d")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default(),
    );
    let path = root.join("docs/benchmarks.md");
    let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
    let (begin, end) = ("<!-- fuzz:begin -->", "<!-- fuzz:end -->");
    let block = format!("{begin}\n{section}{end}");
    let updated = match (text.find(begin), text.find(end)) {
        (Some(b), Some(e)) if e > b => format!("{}{block}{}", &text[..b], &text[e + end.len()..]),
        _ => format!("{}\n\n{block}\n", text.trim_end()),
    };
    std::fs::write(&path, updated).map_err(|e| e.to_string())
}

/// 500 SIGKILLs of a writer on each database (the store suite's crash tests, release build),
/// written into docs/benchmarks.md; `KABINET_CRASH_KILLS` changes the number.
fn bench_crash() -> Result {
    let mut cmd = cargo_with(&[
        "test",
        "--release",
        "-p",
        "kabinet-store",
        "--test",
        "store",
        "--locked",
        "--",
        "crash::",
        "--test-threads=1",
    ]);
    if std::env::var_os("KABINET_CRASH_KILLS").is_none() {
        cmd.env("KABINET_CRASH_KILLS", "500");
    }
    cmd.env("KABINET_CRASH_REPORT", "1");
    step("crash safety: writers killed on SQLite and PostgreSQL", cmd)
}

/// Start-up time and peak memory of the release app next to a bare Tauri window, both built
/// here and now (`benches/desktop-startup.mjs` measures; `benches/bare-window` is the baseline).
fn bench_desktop_startup() -> Result {
    build_ui()?;
    step(
        "release builds of Kabinet and the bare window",
        cargo_with(&[
            "build",
            "--release",
            "--locked",
            "-p",
            "kabinet",
            "-p",
            "bare-window",
        ]),
    )?;
    let release = target_dir().join("release");
    // As on a citizen's Linux desktop: an unlocked GNOME Keyring answers as the Secret Service
    // (its files in a throwaway HOME, so the bench never touches the user's keyring).
    let home = std::env::temp_dir().join(format!("kabinet-bench-keyring-{}", std::process::id()));
    std::fs::create_dir_all(&home).map_err(|e| e.to_string())?;
    let mut cmd = under_display(&[
        "sh",
        "-c",
        "echo -n kabinet-bench | HOME=\"$BENCH_KEYRING_HOME\" gnome-keyring-daemon --unlock \
         --components=secrets >/dev/null && exec node benches/desktop-startup.mjs \"$@\"",
        "desktop-startup",
    ]);
    cmd.arg(release.join("kabinet"))
        .arg(release.join("bare-window"))
        .env("BENCH_KEYRING_HOME", &home);
    let outcome = step("desktop start-up", cmd);
    std::fs::remove_dir_all(&home).ok();
    outcome
}

/// Prints each member of a criterion group next to the group's `baseline`, from criterion's
/// `estimates.json` files of this run.
fn print_ratios(group: &str) -> Result {
    let dir = target_dir().join("criterion").join(group);
    let mean = |name: &str| -> Result<f64> {
        let path = dir.join(name).join("new").join("estimates.json");
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let json: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        json["mean"]["point_estimate"]
            .as_f64()
            .ok_or_else(|| format!("{}: no mean", path.display()))
    };
    let baseline = mean("baseline")?;
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name != "report" && name != "baseline")
        .collect();
    names.sort();
    println!(
        "\n{group}: mean time per operation, operations per second on one core, ratio to baseline"
    );
    println!(
        "  {:<18} {:>14} {:>14} {:>10}",
        "benchmark", "mean", "ops/s", "× baseline"
    );
    for name in std::iter::once("baseline".to_owned()).chain(names) {
        let ns = mean(&name)?;
        println!(
            "  {:<18} {:>11.1} ns {:>14.0} {:>10.2}",
            name,
            ns,
            1e9 / ns,
            ns / baseline
        );
    }
    Ok(())
}

fn target_dir() -> std::path::PathBuf {
    env::var_os("CARGO_TARGET_DIR").map_or_else(|| std::path::PathBuf::from("target"), Into::into)
}

/// With `CI=true` the PostgreSQL half of the suite must run: a missing URL is a failure.
fn require_postgres_in_ci() -> Result {
    let in_ci = env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    let has_url = env::var("KABINET_TEST_POSTGRES_URL").is_ok_and(|v| !v.is_empty());
    match (in_ci, has_url) {
        (true, false) => Err("CI=true but KABINET_TEST_POSTGRES_URL is not set".to_owned()),
        (false, false) => {
            eprintln!("xtask: KABINET_TEST_POSTGRES_URL is not set: PostgreSQL tests will skip");
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Release installers for this OS through the Tauri CLI (`tauri build`, which builds the UI and
/// the release binary): `.deb` and `.rpm` on Linux (AppImage's bundler downloads tools, so it is
/// configured but not built here), `.app` and `.dmg` on macOS, `.msi` and NSIS `.exe` on Windows.
fn dist() -> Result {
    let bundles = if cfg!(target_os = "linux") {
        "deb,rpm"
    } else if cfg!(target_os = "macos") {
        "app,dmg"
    } else {
        "msi,nsis"
    };
    step(
        &format!("installers ({bundles})"),
        npm(&["run", "tauri", "--", "build", "--bundles", bundles]),
    )?;
    let bundle_dir = target_dir().join("release").join("bundle");
    eprintln!("\ninstallers are in {}", bundle_dir.display());
    if !release::has_signing_key() {
        eprintln!(
            "latest.json not written: the release key is not set (TAURI_SIGNING_PRIVATE_KEY or \
             TAURI_SIGNING_PRIVATE_KEY_PATH, and TAURI_SIGNING_PRIVATE_KEY_PASSWORD)"
        );
        return Ok(());
    }
    // One folder to publish: this version's installers, their signatures and latest.json. Tauri
    // leaves older builds' installers beside the new ones, so only files named with this
    // version are taken, into a folder emptied first.
    let version = app_version()?;
    let out = bundle_dir.join("updates");
    if out.exists() {
        std::fs::remove_dir_all(&out).map_err(|e| e.to_string())?;
    }
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    for kind in ["deb", "rpm", "msi", "nsis"] {
        let Ok(entries) = std::fs::read_dir(bundle_dir.join(kind)) else {
            continue;
        };
        for path in entries.filter_map(|entry| Some(entry.ok()?.path())) {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if path.is_file() && name.contains(&version) {
                std::fs::copy(&path, out.join(name)).map_err(|e| e.to_string())?;
            }
        }
    }
    // The macOS updater takes the .app as a gzipped tar.
    let app = bundle_dir.join("macos").join("Kabinet.app");
    if app.is_dir() {
        let archive = out.join(format!("Kabinet_{version}.app.tar.gz"));
        let mut tar = Command::new("tar");
        tar.arg("-czf")
            .arg(&archive)
            .arg("-C")
            .arg(bundle_dir.join("macos"))
            .arg("Kabinet.app");
        exec("archive Kabinet.app", &mut tar)?;
    }
    let manifest = release::write_manifest(&release::Release {
        dir: out,
        version,
        base_url: env::var("KABINET_RELEASE_BASE_URL")
            .unwrap_or_else(|_| "https://updates.kabinet.example/stable".into()),
        notes: env::var("KABINET_RELEASE_NOTES").unwrap_or_default(),
    })?;
    eprintln!("updater manifest: {}", manifest.display());
    Ok(())
}

/// `release-manifest --dir D --base-url U [--version V] [--notes N]`.
fn release_manifest(
    dir: String,
    base_url: String,
    version: Option<String>,
    notes: String,
) -> Result {
    let version = match version {
        Some(version) => version,
        None => app_version()?,
    };
    let path = release::write_manifest(&release::Release {
        dir: dir.into(),
        version,
        base_url,
        notes,
    })?;
    println!("{}", path.display());
    Ok(())
}

/// The app's version, from `tauri.conf.json`.
fn app_version() -> Result<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tauri.conf.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    json["version"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("{}: no version", path.display()))
}

fn build_ui() -> Result {
    step("web UI build (Vite)", npm(&["run", "build:ui"]))
}

/// The real window needs a display and a session bus: Xvfb inside `dbus-run-session`; and a
/// session keyring of its own (`keyctl session -`), so the app's kernel-keyring entries can be
/// linked to the persistent keyring and never mix with the user's.
fn desktop_e2e() -> Command {
    under_display(&["npm", "run", "test:desktop"])
}

/// `program` in its own session keyring, D-Bus session and Xvfb display.
fn under_display(program: &[&str]) -> Command {
    let mut cmd = Command::new("keyctl");
    cmd.args([
        "session",
        "-",
        "dbus-run-session",
        "--",
        "xvfb-run",
        "-a",
        "-s",
        "-screen 0 1280x1024x24",
    ])
    .args(program);
    cmd.env("NO_AT_BRIDGE", "1")
        .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    cmd
}

fn cargo() -> Command {
    Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
}

fn cargo_with(args: &[&str]) -> Command {
    let mut cmd = cargo();
    cmd.args(args);
    cmd
}

fn npm(args: &[&str]) -> Command {
    let mut cmd = Command::new("npm");
    cmd.args(["--silent"]).args(args);
    cmd
}

/// Runs one named step, printing its duration, and fails on a non-zero exit.
fn step(name: &str, mut cmd: Command) -> Result {
    eprintln!("\n==> {name}");
    let started = Instant::now();
    let outcome = exec(name, &mut cmd);
    eprintln!("<== {name}: {:.1} s", started.elapsed().as_secs_f64());
    outcome
}

fn exec(name: &str, cmd: &mut Command) -> Result {
    let status = cmd
        .status()
        .map_err(|e| format!("{name}: could not start {:?}: {e}", cmd.get_program()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{name} failed ({status})"))
    }
}
