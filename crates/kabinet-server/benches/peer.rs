//! Kabinet against a peer: django-allauth's headless JSON login (benches/peer), set up from PyPI
//! in a throwaway virtual environment, served by gunicorn on SQLite, its passwords hashed with
//! the same argon2id parameters (m = 19 MiB, t = 2, p = 1). Both are driven by the same load
//! generator over loopback in one run, alternating, so a slow moment of the machine hits both:
//!
//! 1. password sign-ins per second with 2 × cores callers (closed loop), Kabinet on SQLite as
//!    the peer is, as a ratio to the peer's (target ≥ 1.4);
//! 2. each against its own hashing bound: RustCrypto's argon2id for Kabinet, argon2-cffi (the C
//!    reference implementation) for the peer, both verifying on every core;
//! 3. sixteen callers at once: how many sign-ins each serves, refuses and how long they wait.
//!
//! Needs `python3` with `venv` and access to PyPI. The results replace the peer section of
//! docs/benchmarks.md.

#[path = "support/loadgen.rs"]
mod loadgen;
#[path = "support/report.rs"]
mod report;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kabinet_api::*;
use kabinet_store::testing::TestDb;
use loadgen::*;

/// How long each measured loop runs.
const SPAN: Duration = Duration::from_secs(10);

#[tokio::main]
async fn main() {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    eprintln!("setting up django-allauth in a throwaway virtual environment…");
    let peer_setup = PeerSetup::new(&root.join("benches/peer"), ACCOUNTS);
    let versions = peer_setup.versions();

    let db = TestDb::sqlite().await;
    let kabinet = Served::start(&db).await;
    let kabinet_client = kabinet.client.clone();
    let kabinet_call = move |n: usize| {
        let c = kabinet_client.clone();
        async move {
            matches!(
                sign_in(&c, n % ACCOUNTS).await,
                Ok(SignInOutcome::SignedIn(_))
            )
        }
    };

    // The peer's best number of gunicorn workers on these cores, each measured once.
    let mut worker_rows = Vec::new();
    let mut best = (0.0, cores);
    for workers in [cores, 2 * cores] {
        let peer = peer_setup.serve(workers);
        let call = peer.call();
        let (rate, _) = closed_loop(2 * cores, Duration::from_secs(6), call).await;
        eprintln!("peer with {workers} workers: {rate:.1} sign-ins/s");
        worker_rows.push(format!("{workers} workers: {rate:.1}/s"));
        if rate > best.0 {
            best = (rate, workers);
        }
        peer.stop();
    }
    let peer = peer_setup.serve(best.1);

    eprintln!("raw argon2id rates…");
    let raw_rust = tokio::task::spawn_blocking(move || raw_verify_rate(cores, SPAN / 2))
        .await
        .unwrap();
    let raw_c = peer_setup.raw_verify_rate(cores, SPAN / 2);

    eprintln!("sign-ins, alternating…");
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..2 {
        ours.push(closed_loop(2 * cores, SPAN, kabinet_call.clone()).await.0);
        theirs.push(closed_loop(2 * cores, SPAN, peer.call()).await.0);
    }
    let ours_rate = ours.iter().sum::<f64>() / ours.len() as f64;
    let theirs_rate = theirs.iter().sum::<f64>() / theirs.len() as f64;

    eprintln!("sixteen callers at once…");
    let ours16 = timed_loop(16, SPAN, kabinet_call.clone()).await;
    let theirs16 = timed_loop(16, SPAN, peer.call()).await;

    peer.stop();
    kabinet.stop().await;
    db.finish().await;
    peer_setup.remove();

    let cpu = cpu_model();
    let list = |v: &[f64]| {
        v.iter()
            .map(|r| format!("{r:.1}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let report = format!(
        "## Kabinet against django-allauth ({date})\n\n\
`cargo xtask bench peer`: release build; both servers, the load generator (one closed loop over loopback \
HTTP, each caller asking again as soon as it has an answer) and their SQLite databases on one machine: \
{cores} cores ({cpu}). The peer is {versions}: headless JSON login (`POST /_allauth/app/v1/auth/login`, \
by e-mail), gunicorn with sync workers ({workers} workers, the faster of {worker_rows}), Django's database \
sessions. Both hash with argon2id m = 19 MiB, t = 2, p = 1; {ACCOUNTS} accounts each. Kabinet runs with its \
production settings on SQLite (WAL, synchronous=FULL) except the per-client request limit (all load comes \
from one address). Two rounds of {span} s each, alternating.\n\n\
| measure | Kabinet | django-allauth | ratio |\n|---|---|---|---|\n\
| password sign-ins/s, {callers} callers (rounds) | **{ours_rate:.1}** ({ours_list}) | **{theirs_rate:.1}** ({theirs_list}) | **{ratio:.2} ×** (target ≥ 1.4) |\n\
| its own hashing bound: argon2id verify/s on {cores} cores | {raw_rust:.1} (RustCrypto `argon2`) | {raw_c:.1} (argon2-cffi, C) | {bound_ratio:.2} × |\n\
| sign-ins as a share of its own bound | {our_share:.2} | {their_share:.2} | |\n\
| 16 callers: sign-ins/s served | {o16_rate:.1} | {t16_rate:.1} | {r16:.2} × |\n\
| 16 callers: not signed in (refused or failed) | {o16_failed} of {o16_n} | {t16_failed} of {t16_n} | |\n\
| 16 callers: wait per sign-in p50 / p99 | {o16_p50} / {o16_p99} | {t16_p50} / {t16_p99} | |\n\n\
Kabinet's sign-in also does what the peer's does not: the device is checked against the account's \
known devices, the failure counters of the account and the device are read and cleared, the sign-in is \
appended to the account's event log and change feed, and the session is kept as a hash.\n",
        date = chrono::Utc::now().format("%Y-%m-%d"),
        workers = best.1,
        worker_rows = worker_rows.join(", "),
        span = SPAN.as_secs(),
        callers = 2 * cores,
        ours_list = list(&ours),
        theirs_list = list(&theirs),
        ratio = ours_rate / theirs_rate,
        bound_ratio = raw_rust / raw_c,
        our_share = ours_rate / raw_rust,
        their_share = theirs_rate / raw_c,
        o16_rate = ours16.rate,
        t16_rate = theirs16.rate,
        r16 = ours16.rate / theirs16.rate.max(f64::MIN_POSITIVE),
        o16_failed = ours16.failed,
        o16_n = ours16.waits.len(),
        t16_failed = theirs16.failed,
        t16_n = theirs16.waits.len(),
        o16_p50 = ms(percentile(&ours16.waits, 0.5)),
        o16_p99 = ms(percentile(&ours16.waits, 0.99)),
        t16_p50 = ms(percentile(&theirs16.waits, 0.5)),
        t16_p99 = ms(percentile(&theirs16.waits, 0.99)),
    );
    println!("{report}");
    report::write_section("peer", &report);
}

/// What a timed closed loop saw: sign-ins per second, how many failed, every wait (sorted).
struct Timed {
    rate: f64,
    failed: usize,
    waits: Vec<Duration>,
}

/// A closed loop that also times each call.
async fn timed_loop<F, Fut>(workers: usize, span: Duration, call: F) -> Timed
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let call = Arc::new(call);
    let (rate, failed) = closed_loop(workers, span, move |n| {
        let (call, seen) = (call.clone(), s.clone());
        async move {
            let began = Instant::now();
            let ok = call(n).await;
            seen.lock().unwrap().push(began.elapsed());
            ok
        }
    })
    .await;
    let mut waits = std::mem::take(&mut *seen.lock().unwrap());
    waits.sort();
    Timed {
        rate,
        failed: failed as usize,
        waits,
    }
}

/// The peer's virtual environment and database in a throwaway folder.
struct PeerSetup {
    dir: PathBuf,
    project: PathBuf,
}

impl PeerSetup {
    /// Makes the virtual environment, installs the pinned packages, migrates and seeds.
    fn new(project: &Path, accounts: usize) -> Self {
        let dir = std::env::temp_dir().join(format!("kabinet-peer-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let setup = Self {
            dir,
            project: project.canonicalize().unwrap(),
        };
        run(Command::new("python3")
            .args(["-m", "venv"])
            .arg(setup.dir.join("venv")));
        run(Command::new(setup.bin("pip"))
            .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(setup.project.join("requirements.txt")));
        run(setup.manage().args(["migrate", "--noinput"]));
        run(setup
            .manage()
            .args(["seed_users", "--count", &accounts.to_string()]));
        setup
    }

    fn bin(&self, name: &str) -> PathBuf {
        self.dir.join("venv/bin").join(name)
    }

    fn env(&self, cmd: &mut Command) {
        cmd.current_dir(&self.project)
            .env("PEER_DB", self.dir.join("peer.sqlite3"));
    }

    fn manage(&self) -> Command {
        let mut cmd = Command::new(self.bin("python"));
        self.env(&mut cmd);
        cmd.arg("manage.py");
        cmd
    }

    /// The installed versions of the peer's packages, for the report.
    fn versions(&self) -> String {
        let out = Command::new(self.bin("pip"))
            .args(["freeze", "--disable-pip-version-check"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_lowercase();
        ["django-allauth", "django", "argon2-cffi", "gunicorn"]
            .iter()
            .filter_map(|name| {
                text.lines()
                    .find(|l| l.starts_with(&format!("{name}==")))
                    .map(|l| l.replace("==", " "))
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// argon2-cffi's verifications per second on `processes` processes.
    fn raw_verify_rate(&self, processes: usize, span: Duration) -> f64 {
        let script = format!(
            "import multiprocessing, time\n\
from argon2 import PasswordHasher, Type\n\
ph = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, type=Type.ID)\n\
h = ph.hash('{PASSWORD}')\n\
def work(span):\n    n = 0\n    end = time.monotonic() + span\n    while time.monotonic() < end:\n        ph.verify(h, '{PASSWORD}')\n        n += 1\n    return n\n\
if __name__ == '__main__':\n    start = time.monotonic()\n    with multiprocessing.Pool({processes}) as pool:\n        counts = pool.map(work, [{span}] * {processes})\n    print(sum(counts) / (time.monotonic() - start))\n",
            span = span.as_secs_f64(),
        );
        let out = Command::new(self.bin("python"))
            .args(["-c", &script])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
    }

    /// gunicorn serving the peer with `workers` sync workers on a free loopback port, once it
    /// answers a sign-in.
    fn serve(&self, workers: usize) -> Peer {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut cmd = Command::new(self.bin("gunicorn"));
        self.env(&mut cmd);
        let child = cmd
            .args(["peer_site.wsgi:application", "--bind"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["--workers", &workers.to_string(), "--log-level", "warning"])
            // gunicorn 27 opens a control socket in ~/.gunicorn by default, shared by every run.
            .arg("--no-control-socket")
            .stdout(Stdio::null())
            .spawn()
            .expect("start gunicorn");
        let peer = Peer {
            child: Mutex::new(child),
            url: format!("http://127.0.0.1:{port}/_allauth/app/v1/auth/login"),
            http: reqwest::Client::new(),
        };
        let started = Instant::now();
        while !peer.sign_in_blocking(0) {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the peer did not sign anyone in within a minute"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        peer
    }

    fn remove(self) {
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

/// The peer, served.
struct Peer {
    child: Mutex<Child>,
    url: String,
    http: reqwest::Client,
}

impl Peer {
    fn body(i: usize) -> serde_json::Value {
        serde_json::json!({"email": format!("peer{i}@example.test"), "password": PASSWORD})
    }

    /// One sign-in of the load: signed in when the peer answers 200.
    fn call(
        &self,
    ) -> impl Fn(usize) -> std::pin::Pin<Box<dyn Future<Output = bool> + Send>> + Send + Sync + 'static
    {
        let (http, url) = (self.http.clone(), self.url.clone());
        move |n| {
            let (http, url) = (http.clone(), url.clone());
            Box::pin(async move {
                http.post(url)
                    .json(&Self::body(n % ACCOUNTS))
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success())
            })
        }
    }

    /// A sign-in outside the runtime, while waiting for the peer to start.
    fn sign_in_blocking(&self, i: usize) -> bool {
        let (http, url) = (self.http.clone(), self.url.clone());
        std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(async move {
                    http.post(url)
                        .json(&Self::body(i))
                        .send()
                        .await
                        .is_ok_and(|r| r.status().is_success())
                })
        })
        .join()
        .unwrap()
    }

    fn stop(self) {
        let mut child = self.child.into_inner().unwrap();
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status();
        let _ = child.wait();
    }
}

/// Runs a set-up step; its failure ends the bench with the step's own output.
fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
