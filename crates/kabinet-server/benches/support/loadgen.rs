//! What the load benchmarks share: the accounts they register, the sign-in they repeat, the
//! closed and open loops that drive the server, and the figures they read.
// Each benchmark uses its own part of this.
#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use kabinet_api::*;
use kabinet_client::{Client, ClientOptions};
use kabinet_core::secret::{HashParams, Verifier, hash_password, verify_password};
use kabinet_server::HttpSettings;
use kabinet_service::ports::clock::SystemClock;
use kabinet_service::{Ports, Service, ServiceConfig};
use kabinet_store::testing::TestDb;

/// The benchmarks' server: a service on the database with production settings except the
/// per-client request limit (the whole load comes from one address), its accounts
/// registered, served on loopback, and a client that never retries.
pub struct Served {
    pub service: Service,
    pub client: Client,
    /// A client as citizens' apps have it: it waits out `Retry-After` and tries again.
    pub patient: Client,
    pub url: String,
    /// The configuration it runs with.
    pub config: ServiceConfig,
    stop: Arc<tokio::sync::Notify>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Served {
    /// The server with [`ACCOUNTS`] accounts registered through the registration flow.
    pub async fn start(db: &TestDb) -> Self {
        let served = Self::start_empty(db).await;
        for i in 0..ACCOUNTS {
            register(&served.service, i).await;
        }
        served
    }

    /// The server on the database as it is.
    pub async fn start_empty(db: &TestDb) -> Self {
        let mut config = ServiceConfig::new([1; 32], [2; 32]);
        config.requests_per_minute = 0;
        let service = Service::new(
            db.store.clone(),
            config.clone(),
            Ports::simulated(Arc::new(SystemClock)),
        )
        .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let stop = Arc::new(tokio::sync::Notify::new());
        let stopped = stop.clone();
        let server = tokio::spawn(kabinet_server::serve(
            listener,
            kabinet_server::app(service.clone(), HttpSettings::default()),
            async move { stopped.notified().await },
        ));
        // Neither retries nor waits out a busy server: the bench measures the server's own
        // answers, refusals included.
        let options = ClientOptions {
            retries: 0,
            busy_waits: 0,
            ..ClientOptions::default()
        };
        let client = Client::new(&url, options).unwrap();
        let patient = Client::new(&url, ClientOptions::default()).unwrap();
        Self {
            service,
            client,
            patient,
            url,
            config,
            stop,
            server,
        }
    }

    /// Shuts the server down once the requests in flight are answered.
    pub async fn stop(self) {
        self.stop.notify_one();
        self.server.await.unwrap().unwrap();
    }
}

/// PostgreSQL when `KABINET_TEST_POSTGRES_URL` is set, SQLite otherwise, and its name.
pub async fn database() -> (TestDb, &'static str) {
    match TestDb::postgres().await {
        Some(db) => (db, "PostgreSQL 15 on loopback"),
        None => (TestDb::sqlite().await, "SQLite (WAL, synchronous=FULL)"),
    }
}

pub const ACCOUNTS: usize = 32;
pub const PASSWORD: &str = "Zelenyj-Sad7!";

pub fn device(i: usize) -> Context {
    Context {
        session: None,
        address: "bench".into(),
        device_id: format!("bench-{i}"),
        device_name: "load generator".into(),
        workstation: None,
    }
}

pub fn phone(i: usize) -> String {
    format!("+7912100{i:04}")
}

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

pub fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|kb| kb.parse::<f64>().ok())
            })
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

pub async fn register(service: &Service, i: usize) {
    let context = device(i);
    let started = service
        .registration_start(
            &context,
            RegistrationStart {
                surname: "Нагрузкина".into(),
                first_name: "Анна".into(),
                contact_kind: ContactKind::Phone,
                contact: phone(i),
                consent: true,
                consent_version: "2026-01".into(),
            },
        )
        .await
        .expect("start");
    service.settle().await;
    let message = service.inbox().unwrap().to(&phone(i)).remove(0);
    let code: String = message
        .body
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap()
        .to_owned();
    service
        .registration_confirm(
            &context,
            CodeEntry {
                ticket: started.ticket.clone(),
                code,
            },
        )
        .await
        .expect("confirm");
    service
        .registration_set_password(
            &context,
            NewPassword {
                ticket: started.ticket,
                password: PASSWORD.into(),
                password_repeat: PASSWORD.into(),
            },
        )
        .await
        .expect("password");
}

/// Raw argon2id verifications per second on `threads` threads for `span`, by the library's own
/// `verify_password` (which allocates its memory for each).
pub fn raw_verify_rate(threads: usize, span: Duration) -> f64 {
    verifications_per_second(threads, span, || verify_password)
}

/// The same with each thread's argon2 memory kept between verifications, as the server's
/// hashing threads keep theirs.
pub fn raw_kept_memory_rate(threads: usize, span: Duration) -> f64 {
    verifications_per_second(threads, span, || {
        let mut verifier = Verifier::new(HashParams::default());
        move |phc: &str, password: &str| verifier.verify(phc, password)
    })
}

/// Verifications of one hash per second, each of `threads` threads verifying with its own
/// `verifier()` until `span` has passed.
fn verifications_per_second<V>(
    threads: usize,
    span: Duration,
    verifier: impl Fn() -> V + Sync,
) -> f64
where
    V: FnMut(&str, &str) -> bool,
{
    let mut rng =
        kabinet_service::ports::entropy::Random(&kabinet_service::ports::entropy::OsEntropy);
    let phc = hash_password(PASSWORD, HashParams::default(), &mut rng).unwrap();
    let count = AtomicU64::new(0);
    let start = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let (count, phc, verifier) = (&count, &phc, &verifier);
            scope.spawn(move || {
                let mut verify = verifier();
                while start.elapsed() < span {
                    assert!(verify(phc, PASSWORD));
                    count.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    count.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

/// The machine's CPU model, for the reports.
pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

pub async fn sign_in(client: &Client, i: usize) -> Result<SignInOutcome, ApiError> {
    client
        .sign_in(
            &device(i),
            SignInRequest {
                login: phone(i),
                password: PASSWORD.into(),
            },
        )
        .await
}

/// Closed loop: `workers` callers, each calling again as soon as it has an answer.
pub async fn closed_loop<F, Fut>(workers: usize, span: Duration, call: F) -> (f64, u64)
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let call = Arc::new(call);
    let ok = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let handles: Vec<_> = (0..workers)
        .map(|w| {
            let (call, ok, failed) = (call.clone(), ok.clone(), failed.clone());
            tokio::spawn(async move {
                let mut n = w;
                while start.elapsed() < span {
                    if call(n).await {
                        ok.fetch_add(1, Ordering::Relaxed);
                    } else {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                    n += workers;
                }
            })
        })
        .collect();
    for h in handles {
        h.await.unwrap();
    }
    (
        ok.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64(),
        failed.load(Ordering::Relaxed),
    )
}

/// Closed loop of sign-ins through `client`: `workers` callers, each signing in again as soon
/// as it has an answer. Returns (time the caller waited, signed in?) per sign-in — with a
/// client that waits out `Retry-After`, the wait includes its pauses.
pub async fn closed_loop_timed(
    client: &Client,
    workers: usize,
    span: Duration,
) -> Vec<(Duration, bool)> {
    let start = Instant::now();
    let handles: Vec<_> = (0..workers)
        .map(|w| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut n = w;
                let mut results = Vec::new();
                while start.elapsed() < span {
                    let began = Instant::now();
                    let signed = matches!(
                        sign_in(&client, n % ACCOUNTS).await,
                        Ok(SignInOutcome::SignedIn(_))
                    );
                    results.push((began.elapsed(), signed));
                    n += workers;
                }
                results
            })
        })
        .collect();
    let mut results = Vec::new();
    for h in handles {
        results.extend(h.await.unwrap());
    }
    results
}

/// Open loop: sign-ins started at `rate` per second for `span`, whatever the answers do.
/// Returns (latency from the scheduled start, answered 200?) per request.
pub async fn open_loop(
    client: &Client,
    rate: f64,
    span: Duration,
) -> Vec<(Duration, Result<(), ErrorCode>)> {
    let interval = Duration::from_secs_f64(1.0 / rate);
    let start = tokio::time::Instant::now();
    let total = (span.as_secs_f64() * rate) as usize;
    let mut handles = Vec::with_capacity(total);
    for n in 0..total {
        let due = start + interval * n as u32;
        tokio::time::sleep_until(due).await;
        let client = client.clone();
        handles.push(tokio::spawn(async move {
            let outcome = sign_in(&client, n % ACCOUNTS).await;
            (due.elapsed(), outcome.map(|_| ()).map_err(|e| e.code))
        }));
    }
    let mut results = Vec::with_capacity(total);
    for h in handles {
        results.push(h.await.unwrap());
    }
    results
}
