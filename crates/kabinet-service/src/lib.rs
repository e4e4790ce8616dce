//! Kabinet's use cases — registration, sign-in, sessions, recovery, second factors, security
//! events and notifications — as one async API ([`kabinet_api::Api`]) over the domain core and
//! the store. The Tauri commands, the HTTP server and the tests all call this and nothing else.
//!
//! Every account change goes through the core's state machine and commits with its projections
//! in one transaction. The outside world (clock, randomness, SMS, mail) comes in through
//! [`ports`], each with a real adapter and a simulator.

pub mod config;
pub mod error;
pub mod metrics;
pub mod ports;

mod access;
mod admission;
mod api;
mod flow;
mod hashing;
mod input;
mod login;
mod messages;
mod notify;
pub(crate) mod ops;
mod otp;
mod page;
mod repo;
mod session_cache;
mod sessions;
pub mod staff;
pub mod sync;
pub mod testing;
mod throttle;
pub mod tls;
mod verify;

use std::sync::Arc;

use kabinet_core::codes::CodeHasher;
use kabinet_core::secret::hash_password;
use kabinet_store::Store;
use kabinet_store::seal::Sealer;

pub use config::{ClientPolicy, LockoutPolicy, ServiceConfig};
pub use ops::seed::{seeded_device, seeded_phone};
use ports::clock::Clock;
use ports::entropy::Entropy;
use ports::inbox::DevInbox;
use ports::mail::Mailer;
use ports::sms::SmsGateway;
pub use staff::{Bootstrap, Bootstrapped};

/// The seed of the simulated registries' population, so a demo knows who exists.
pub const SIMULATED_POPULATION_SEED: u64 = 2026;

/// The adapters the service talks to the world through.
#[derive(Clone)]
pub struct Ports {
    /// Time.
    pub clock: Arc<dyn Clock>,
    /// Randomness.
    pub entropy: Arc<dyn Entropy>,
    /// SMS.
    pub sms: Arc<dyn SmsGateway>,
    /// E-mail.
    pub mail: Arc<dyn Mailer>,
    /// The pension fund, interior ministry and tax registries.
    pub registries: Arc<dyn ports::registry::Registries>,
    /// The postal service (registered letters).
    pub post: Arc<dyn ports::post::PostOffice>,
    /// Certification authorities' OCSP responders (at the addresses their certificates name).
    pub ocsp: Arc<dyn ports::ocsp::CertificateStatus>,
    /// The dev inbox, when the messages go to simulators.
    pub inbox: Option<DevInbox>,
}

impl Ports {
    /// Simulated SMS and mail into one dev inbox, the OS random generator, and `clock`.
    pub fn simulated(clock: Arc<dyn Clock>) -> Self {
        let inbox = DevInbox::new();
        Self {
            sms: Arc::new(ports::sms::SmsSimulator::new(inbox.clone(), clock.clone())),
            mail: Arc::new(ports::mail::MailSimulator::new(
                inbox.clone(),
                clock.clone(),
            )),
            entropy: Arc::new(ports::entropy::OsEntropy),
            registries: Arc::new(ports::registry::RegistrySimulator::new(
                ports::registry::population(SIMULATED_POPULATION_SEED, 1_000),
                std::time::Duration::ZERO,
            )),
            post: Arc::new(ports::post::PostSimulator::new(clock.clone())),
            // Real even here: a certificate names its authority's responder, and one that
            // names none is not asked.
            ocsp: Arc::new(
                ports::ocsp::HttpOcsp::new(std::time::Duration::from_secs(3))
                    .expect("an HTTP client (the TLS provider is built in)"),
            ),
            inbox: Some(inbox),
            clock,
        }
    }
}

/// The account service. Cheap to clone; share one per process.
#[derive(Clone)]
pub struct Service {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    config: ServiceConfig,
    ports: Ports,
    hasher: CodeHasher,
    sealer: Sealer,
    /// A hash of nothing, verified for unknown logins so they take as long as known ones; made
    /// on a thread of its own at start.
    decoy_phc: Arc<std::sync::OnceLock<String>>,
    deliveries: notify::Deliveries,
    /// At most `hashing_slots` argon2 computations at once.
    hashing: Arc<tokio::sync::Semaphore>,
    /// How many run now and the most that ever ran at once.
    hashing_gauge: Arc<HashingGauge>,
    /// The threads the hashes run on, one per slot.
    hashing_pool: hashing::HashingPool,
    /// The per-client request limit (none when it is 0).
    admission: Option<admission::Admission>,
    /// Whether the database is a workstation's replica, once known (0: not read yet, 1: no,
    /// 2: yes). A database becomes a replica only through this service, before it serves.
    replica: std::sync::atomic::AtomicU8,
    /// Session checks kept in memory while the store hears every change (see the module).
    sessions: Arc<session_cache::SessionCache>,
}

/// The hashing slots' state: how many hash now, the most that ever did, how many wait for a
/// slot, and the mean time of one hash (microseconds, a moving average; 0 until measured).
#[derive(Default)]
pub(crate) struct HashingGauge {
    now: std::sync::atomic::AtomicUsize,
    peak: std::sync::atomic::AtomicUsize,
    waiting: std::sync::atomic::AtomicUsize,
    mean_micros: std::sync::atomic::AtomicU64,
}

impl HashingGauge {
    /// Counts one hash's time into the moving average (a fifth of each new sample).
    pub(crate) fn record(&self, took: std::time::Duration) {
        use std::sync::atomic::Ordering::Relaxed;
        let sample = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        let _ = self.mean_micros.fetch_update(Relaxed, Relaxed, |mean| {
            Some(if mean == 0 {
                sample
            } else {
                mean - mean / 5 + sample / 5
            })
        });
        metrics::argon2(took);
    }

    /// How long a request arriving now would wait for a slot of `slots`: nothing while one is
    /// free; otherwise the hashes ahead of it, `slots` at a time, plus half a hash for the ones
    /// running (on average half done).
    pub(crate) fn expected_wait(&self, slots: usize) -> std::time::Duration {
        use std::sync::atomic::Ordering::Relaxed;
        let (running, waiting) = (self.now.load(Relaxed), self.waiting.load(Relaxed));
        if running < slots && waiting == 0 {
            return std::time::Duration::ZERO;
        }
        let mean = self.mean_micros.load(Relaxed) as f64;
        let rounds = waiting as f64 / slots.max(1) as f64 + 0.5;
        std::time::Duration::from_micros((mean * rounds) as u64)
    }
}

/// How an operation ended, for the metrics: `ok` or its error code.
pub(crate) fn metrics_outcome<T>(result: &Result<T, kabinet_api::ApiError>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(e) => e.code.as_str(),
    }
}

/// A held hashing slot, counted in the gauge until dropped. It moves into the blocking task
/// with the hash, so a request abandoned half-way cannot free its slot while its hash still runs.
pub(crate) struct HashingSlot {
    _permit: tokio::sync::OwnedSemaphorePermit,
    gauge: Arc<HashingGauge>,
}

impl HashingSlot {
    fn taken(permit: tokio::sync::OwnedSemaphorePermit, gauge: Arc<HashingGauge>) -> Self {
        use std::sync::atomic::Ordering::SeqCst;
        let now = gauge.now.fetch_add(1, SeqCst) + 1;
        metrics::hashing_in_use(1);
        gauge.peak.fetch_max(now, SeqCst);
        Self {
            _permit: permit,
            gauge,
        }
    }
}

impl Drop for HashingSlot {
    fn drop(&mut self) {
        self.gauge
            .now
            .fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
        metrics::hashing_in_use(-1);
    }
}

/// The decoy hash: the one made at start, or (should that have failed) one made now with the
/// same parameters, so an unknown login always costs a full argon2 verification.
pub(crate) fn decoy_phc(
    cell: &std::sync::OnceLock<String>,
    params: kabinet_core::secret::HashParams,
    entropy: &dyn Entropy,
) -> String {
    cell.get_or_init(|| {
        let mut salt = [0u8; 16];
        entropy.fill(&mut salt);
        hash_password(DECOY_PASSWORD, params, &mut FixedSalt(salt)).unwrap_or_else(|e| {
            tracing::error!(error = %e, "no decoy hash");
            // Still an argon2id hash with these parameters' cost class, never matching.
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into()
        })
    })
    .clone()
}

/// What the decoy hash is a hash of (never anyone's password: it is only ever verified).
const DECOY_PASSWORD: &str = "decoy password for unknown logins";

/// A random source that gives the salt drawn at start, so the decoy can be hashed on a thread
/// that does not hold the service's entropy port.
struct FixedSalt([u8; 16]);

impl kabinet_core::random::RandomSource for FixedSalt {
    fn fill(&mut self, buf: &mut [u8]) {
        for (out, byte) in buf.iter_mut().zip(self.0.iter().cycle()) {
            *out = *byte;
        }
    }
}

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
#[error("the service could not start: {0}")]
pub struct StartError(String);

impl Service {
    /// A service over `store` with `config` and `ports`.
    pub fn new(store: Store, config: ServiceConfig, ports: Ports) -> Result<Self, StartError> {
        // The decoy is hashed on a thread of its own so a start (the desktop's above all) does
        // not wait for one argon2 computation; the first unknown login waits for it if need be.
        // Wrong parameters stop the start here rather than at the first sign-in.
        config
            .hash_params
            .check()
            .map_err(|e| StartError(e.to_string()))?;
        let decoy_phc = Arc::new(std::sync::OnceLock::new());
        let mut salt = [0u8; 16];
        ports.entropy.fill(&mut salt);
        let (params, decoy) = (config.hash_params, decoy_phc.clone());
        let hashing_gauge = Arc::new(HashingGauge::default());
        let gauge = hashing_gauge.clone();
        std::thread::spawn(move || {
            // Hashed outside the cell: should this fail, the first unknown login makes it. Its
            // time is the first estimate of a hash's, for admission.
            let started = std::time::Instant::now();
            let made = hash_password(DECOY_PASSWORD, params, &mut FixedSalt(salt));
            gauge.record(started.elapsed());
            match made {
                Ok(phc) => {
                    decoy.get_or_init(|| phc);
                }
                Err(e) => tracing::error!(error = %e, "the decoy hash could not be made at start"),
            }
        });
        let sessions = Arc::new(session_cache::SessionCache::new(config.session_cache_ttl));
        // The store's listener runs on the Tokio runtime; without one, nothing is cached.
        if !config.session_cache_ttl.is_zero() && tokio::runtime::Handle::try_current().is_ok() {
            // Weak: the store outlives no service, and must not keep one's cache alive.
            let cache = Arc::downgrade(&sessions);
            let watchers = store.watch_accounts(move |account| {
                if let Some(cache) = cache.upgrade() {
                    cache.drop_account(account);
                }
            });
            sessions.watch(watchers);
        }
        Ok(Self {
            inner: Arc::new(Inner {
                sessions,
                hasher: CodeHasher::new(config.pepper),
                hashing: Arc::new(tokio::sync::Semaphore::new(config.hashing_slots.max(1))),
                hashing_gauge,
                hashing_pool: hashing::HashingPool::new(
                    config.hashing_slots,
                    config.hash_params,
                    config.lower_hashing_priority,
                ),
                admission: admission::Admission::new(config.requests_per_minute),
                sealer: Sealer::new(&config.seal_key),
                store,
                config,
                ports,
                decoy_phc,
                deliveries: notify::Deliveries::default(),
                replica: std::sync::atomic::AtomicU8::new(0),
            }),
        })
    }

    /// The store (for the job runner and tests).
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The dev inbox, if simulators are on.
    pub fn inbox(&self) -> Option<&DevInbox> {
        self.inner.ports.inbox.as_ref()
    }

    /// Counts a request of the client at `address` against this replica's per-minute limit
    /// (`too_many_requests` with the time it may come back, past it). Transports call it before
    /// decoding a request; it touches no database.
    pub async fn admit(&self, address: &str) -> Result<(), kabinet_api::ApiError> {
        let Some(admission) = &self.inner.admission else {
            return Ok(());
        };
        admission.admit(address).map_err(|wait| {
            let wait = chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::minutes(1));
            kabinet_api::ApiError::new(kabinet_api::ErrorCode::TooManyRequests)
                .retry_at(self.now() + wait.max(chrono::Duration::seconds(1)))
        })
    }

    /// The most password hashes that ever ran at once in this process (never above
    /// `hashing_slots`, so hashing memory stays below slots × argon2 memory).
    pub fn hashing_peak(&self) -> usize {
        self.inner
            .hashing_gauge
            .peak
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Whether the database answers (the server's readiness).
    pub async fn ready(&self) -> bool {
        self.inner.store.ping().await
    }

    /// Waits until every message handed to a gateway so far has been sent or has failed.
    pub async fn settle(&self) {
        self.inner.deliveries.settle().await
    }

    /// The service clock's time.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.inner.ports.clock.now()
    }
}
