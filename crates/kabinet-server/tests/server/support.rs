//! A world for the scenarios: a service on a fresh database with a hand-moved clock and the
//! simulators, reached either in-process or over HTTP through `kabinet-client` against a
//! server on a random loopback port. `scenario!` runs a body all four ways.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use kabinet_api::*;
use kabinet_client::{Client, ClientOptions};
use kabinet_core::secret::HashParams;
use kabinet_server::HttpSettings;
use kabinet_service::ports::bank::BankSimulator;
use kabinet_service::ports::clock::ManualClock;
use kabinet_service::ports::post::PostSimulator;
use kabinet_service::ports::registry::{RegistrySimulator, population};
use kabinet_service::{Ports, Service, ServiceConfig};
use kabinet_store::testing::TestDb;
use tokio::sync::oneshot;

pub const PASSWORD: &str = "Zelenyj-Sad7!";

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap()
}

/// The test bank's authorisation page (nothing listens there: tests sign as the bank).
pub const BANK_PAGE: &str = "https://bank.test/authorize";

/// The simulated bank the test configuration trusts.
pub fn bank() -> BankSimulator {
    BankSimulator::new("test-bank", "Тест-Банк", [5; 32])
}

/// Cheap argon2id (the real cost is the benchmarks' business) and no request limit (every
/// request comes from 127.0.0.1).
pub fn test_config() -> ServiceConfig {
    let mut config = ServiceConfig::new([7; 32], [9; 32]);
    config.trusted_banks = vec![bank().trusted_at(BANK_PAGE)];
    // Answers as soon as done (the floor that hides timing has a test of its own).
    config.answer_floor = std::time::Duration::ZERO;
    // Hashes at the normal priority: other tests keep this machine's cores busy.
    config.lower_hashing_priority = false;
    config.hash_params = HashParams {
        memory_kib: 1024,
        iterations: 1,
        parallelism: 1,
    };
    config.requests_per_minute = 0;
    config
}

/// A running server, stopped on drop of its handle.
pub struct Running {
    pub url: String,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// Serves `service` with `settings` on a random loopback port.
    pub async fn start(service: Service, settings: HttpSettings) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let app = kabinet_server::app(service, settings);
        let task = tokio::spawn(kabinet_server::serve(listener, app, async move {
            let _ = stopped.await;
        }));
        Self {
            url,
            stop: Some(stop),
            task,
        }
    }

    /// Asks for a graceful shutdown and waits for it.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.task).await.unwrap().unwrap();
    }
}

/// Everything a scenario reaches: the API (`Service` or `Client`) and, for what only staff or
/// the outside world do, the service and the simulators themselves.
pub struct World<A> {
    pub api: A,
    pub service: Service,
    pub clock: ManualClock,
    pub registries: RegistrySimulator,
    server: Option<Running>,
    db: Option<TestDb>,
}

async fn service_on(
    db: &TestDb,
    config: ServiceConfig,
) -> (Service, ManualClock, RegistrySimulator) {
    let clock = ManualClock::at(t0());
    let mut ports = Ports::simulated(Arc::new(clock.clone()));
    let registries = RegistrySimulator::new(population(7, 50), std::time::Duration::ZERO);
    ports.registries = Arc::new(registries.clone());
    let post = PostSimulator::new(Arc::new(clock.clone()));
    ports.post = Arc::new(post);
    let service = Service::new(db.store.clone(), config, ports).expect("start the service");
    (service, clock, registries)
}

impl World<Service> {
    /// The service called in-process.
    pub async fn in_process(db: TestDb) -> Self {
        let (service, clock, registries) = service_on(&db, test_config()).await;
        Self {
            api: service.clone(),
            service,
            clock,
            registries,
            server: None,
            db: Some(db),
        }
    }
}

impl World<Client> {
    /// The service behind a server on loopback, called through `kabinet-client`.
    pub async fn over_http(db: TestDb) -> Self {
        let (service, clock, registries) = service_on(&db, test_config()).await;
        let server = Running::start(service.clone(), HttpSettings::default()).await;
        let api = Client::new(&server.url, ClientOptions::default()).unwrap();
        Self {
            api,
            service,
            clock,
            registries,
            server: Some(server),
            db: Some(db),
        }
    }
}

impl<A: Api> World<A> {
    pub async fn finish(mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await;
        }
        if let Some(db) = self.db.take() {
            db.finish().await;
        }
    }

    pub fn advance(&self, seconds: i64) {
        self.clock.advance(Duration::seconds(seconds));
    }

    pub fn now(&self) -> DateTime<Utc> {
        use kabinet_service::ports::clock::Clock;
        self.clock.now()
    }

    /// The newest 6-digit code sent to `to`, read through the API's dev inbox. Messages are
    /// sent in the background, so a notice of an earlier step may be recorded after the code:
    /// the newest message that holds a code is the one.
    pub async fn last_code(&self, to: &str) -> String {
        self.service.settle().await;
        let inbox = self
            .api
            .dev_inbox(&device("inbox"), Empty {})
            .await
            .unwrap();
        let messages: Vec<_> = inbox.messages.into_iter().filter(|m| m.to == to).collect();
        assert!(!messages.is_empty(), "nothing sent to {to}");
        messages
            .iter()
            .find_map(|m| six_digits(&m.body))
            .unwrap_or_else(|| panic!("no code in {messages:?}"))
    }

    /// Registers `phone` from `context`'s device and returns the session.
    pub async fn register(&self, context: &Context, phone: &str) -> SignedIn {
        let started = self
            .api
            .registration_start(context, registration(phone))
            .await
            .expect("start");
        let e164 = kabinet_core::phone::Phone::parse(phone).unwrap();
        let code = self.last_code(e164.as_str()).await;
        self.api
            .registration_confirm(
                context,
                CodeEntry {
                    ticket: started.ticket.clone(),
                    code,
                },
            )
            .await
            .expect("confirm");
        self.api
            .registration_set_password(
                context,
                NewPassword {
                    ticket: started.ticket,
                    password: PASSWORD.into(),
                    password_repeat: PASSWORD.into(),
                },
            )
            .await
            .expect("set the password")
    }

    pub async fn sign_in(
        &self,
        context: &Context,
        login: &str,
        password: &str,
    ) -> Result<SignInOutcome, ApiError> {
        self.api
            .sign_in(
                context,
                SignInRequest {
                    login: login.into(),
                    password: password.into(),
                },
            )
            .await
    }
}

pub fn registration(phone: &str) -> RegistrationStart {
    RegistrationStart {
        surname: "Иванова".into(),
        first_name: "Анна".into(),
        contact_kind: ContactKind::Phone,
        contact: phone.into(),
        consent: true,
        consent_version: "2026-01".into(),
    }
}

/// A request from a device.
pub fn device(id: &str) -> Context {
    Context {
        session: None,
        address: "203.0.113.7".into(),
        device_id: id.into(),
        device_name: format!("Test browser {id}"),
        workstation: None,
    }
}

/// The same device with a session.
pub fn with_session(context: &Context, token: &str) -> Context {
    Context {
        session: Some(token.to_owned()),
        ..context.clone()
    }
}

/// The last run of exactly six digits: a letter's link (whose random token can hold six
/// digits in a row) comes before its code.
pub fn six_digits(text: &str) -> Option<String> {
    text.split(|c: char| !c.is_ascii_digit())
        .rfind(|w| w.len() == 6)
        .map(str::to_owned)
}

pub fn expect_error<T: std::fmt::Debug>(result: Result<T, ApiError>, code: ErrorCode) -> ApiError {
    match result {
        Err(error) if error.code == code => error,
        other => panic!("expected {code:?}, got {other:?}"),
    }
}

/// The rules `field` broke, by name.
pub fn field_rules(error: &ApiError, field: &str) -> Vec<String> {
    error
        .fields
        .iter()
        .filter(|f| f.field == field)
        .flat_map(|f| f.rules.iter().map(|r| r.rule.clone()))
        .collect()
}

pub fn signed_in(outcome: SignInOutcome) -> SignedIn {
    match outcome {
        SignInOutcome::SignedIn(s) => s,
        other => panic!("expected a session, got {other:?}"),
    }
}

/// `scenario!(name, |w| body)`: the body in-process and over HTTP, each on SQLite and on
/// PostgreSQL (which CI requires).
macro_rules! scenario {
    ($name:ident, |$w:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn in_process_sqlite() {
                let world = $crate::support::World::in_process(
                    kabinet_store::testing::TestDb::sqlite().await,
                )
                .await;
                {
                    let $w = &world;
                    $body
                }
                world.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn in_process_postgres() {
                let Some(db) = kabinet_store::testing::TestDb::postgres().await else {
                    return;
                };
                let world = $crate::support::World::in_process(db).await;
                {
                    let $w = &world;
                    $body
                }
                world.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn http_sqlite() {
                let world = $crate::support::World::over_http(
                    kabinet_store::testing::TestDb::sqlite().await,
                )
                .await;
                {
                    let $w = &world;
                    $body
                }
                world.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn http_postgres() {
                let Some(db) = kabinet_store::testing::TestDb::postgres().await else {
                    return;
                };
                let world = $crate::support::World::over_http(db).await;
                {
                    let $w = &world;
                    $body
                }
                world.finish().await;
            }
        }
    };
}
