//! A service on a fresh database with a manual clock and simulators, and helpers that drive it
//! the way a client would.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use kabinet_api::*;
use kabinet_core::secret::HashParams;
use kabinet_service::ports::clock::ManualClock;
use kabinet_service::ports::registry::{RegistrySimulator, population};
use kabinet_service::{Ports, Service, ServiceConfig};
use kabinet_store::testing::TestDb;

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap()
}

pub const PHONE: &str = "+7 (912) 345-67-89";
pub const PHONE_E164: &str = "+79123456789";
pub const PASSWORD: &str = "Zelenyj-Sad7!";

pub struct Harness {
    pub service: Service,
    pub clock: ManualClock,
    pub registries: RegistrySimulator,
    pub post: kabinet_service::ports::post::PostSimulator,
    db: Option<TestDb>,
}

/// The test bank's authorisation page (nothing listens there: tests sign as the bank).
pub const BANK_PAGE: &str = "https://bank.test/authorize";

/// The simulated bank the test configuration trusts.
pub fn bank() -> kabinet_service::ports::bank::BankSimulator {
    kabinet_service::ports::bank::BankSimulator::new("test-bank", "Тест-Банк", [5; 32])
}

/// Cheap argon2id for tests (the real cost is measured by the benchmarks).
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
    config
}

impl Harness {
    pub async fn on(db: TestDb, config: ServiceConfig) -> Self {
        let clock = ManualClock::at(t0());
        let mut ports = Ports::simulated(Arc::new(clock.clone()));
        let registries = RegistrySimulator::new(population(7, 50), std::time::Duration::ZERO);
        ports.registries = Arc::new(registries.clone());
        let post = kabinet_service::ports::post::PostSimulator::new(Arc::new(clock.clone()));
        ports.post = Arc::new(post.clone());
        let service = Service::new(db.store.clone(), config, ports).expect("start the service");
        Self {
            service,
            clock,
            registries,
            post,
            db: Some(db),
        }
    }

    /// The test database.
    pub fn db(&self) -> &TestDb {
        self.db.as_ref().expect("the harness's database")
    }

    pub async fn finish(mut self) {
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

    /// Every message to `to`, newest first.
    pub async fn inbox(&self, to: &str) -> Vec<InboxMessage> {
        let inbox = self
            .service
            .dev_inbox(&device("any"), Empty {})
            .await
            .unwrap();
        inbox.messages.into_iter().filter(|m| m.to == to).collect()
    }

    /// A recovery of `PHONE`'s account by the code sent to it, ending with `new_password`.
    pub async fn recover(&self, context: &Context, new_password: &str) {
        let started = self
            .service
            .recovery_start(
                context,
                RecoveryStart {
                    login: PHONE.into(),
                },
            )
            .await
            .unwrap();
        let code = self.last_code(PHONE_E164).await;
        self.service
            .recovery_confirm(
                context,
                CodeEntry {
                    ticket: started.ticket.clone(),
                    code,
                },
            )
            .await
            .unwrap();
        self.service
            .recovery_set_password(
                context,
                NewPassword {
                    ticket: started.ticket,
                    password: new_password.into(),
                    password_repeat: new_password.into(),
                },
            )
            .await
            .unwrap();
    }

    /// The newest 6-digit code sent to `to`. Messages are sent in the background, so a
    /// notice of an earlier step (a new device's sign-in) may be recorded after the code: the
    /// newest message that holds a code is the one.
    pub async fn last_code(&self, to: &str) -> String {
        self.service.settle().await;
        let messages = self.inbox(to).await;
        assert!(!messages.is_empty(), "nothing sent to {to}");
        messages
            .iter()
            .find_map(|m| six_digits(&m.body))
            .unwrap_or_else(|| panic!("no code in {messages:?}"))
    }

    /// Starts a phone registration.
    pub async fn start(&self, context: &Context, phone: &str) -> Result<Registration, ApiError> {
        self.service
            .registration_start(
                context,
                RegistrationStart {
                    surname: "Иванова".into(),
                    first_name: "Анна".into(),
                    contact_kind: ContactKind::Phone,
                    contact: phone.into(),
                    consent: true,
                    consent_version: "2026-01".into(),
                },
            )
            .await
    }

    /// A whole registration by phone from `context`'s device; returns the session.
    pub async fn register(&self, context: &Context, phone: &str) -> SignedIn {
        let registration = self.start(context, phone).await.expect("start");
        let to = kabinet_core::phone::Phone::parse(phone).unwrap();
        let code = self.last_code(to.as_str()).await;
        self.service
            .registration_confirm(
                context,
                CodeEntry {
                    ticket: registration.ticket.clone(),
                    code,
                },
            )
            .await
            .expect("confirm");
        self.service
            .registration_set_password(
                context,
                NewPassword {
                    ticket: registration.ticket,
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
        self.service
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

/// A request from a device (its id and name) at an address.
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

pub fn six_digits(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    // The last one: a letter's link comes before its code, and a random link token can hold
    // six digits in a row.
    chars.windows(6).enumerate().rev().find_map(|(i, w)| {
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 6);
        (w.iter().all(char::is_ascii_digit)
            && !before.is_some_and(|c| c.is_ascii_digit())
            && !after.is_some_and(|c| c.is_ascii_digit()))
        .then(|| w.iter().collect())
    })
}

/// Decodes RFC 4648 base32 (authenticator secrets).
pub fn base32(text: &str) -> Vec<u8> {
    const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut bits = 0u64;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.trim_end_matches('=').chars() {
        let value = ALPHABET.find(c.to_ascii_uppercase()).expect("base32") as u64;
        bits = (bits << 5) | value;
        count += 5;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    out
}

pub fn expect_error<T: std::fmt::Debug>(result: Result<T, ApiError>, code: ErrorCode) -> ApiError {
    match result {
        Err(error) if error.code == code => error,
        other => panic!("expected {code:?}, got {other:?}"),
    }
}

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

/// `service_test!(name, |h| async move { … })`: the body on SQLite and on PostgreSQL.
macro_rules! service_test {
    ($name:ident, |$h:ident| $body:expr) => {
        service_test!($name, $crate::support::test_config(), |$h| $body);
    };
    ($name:ident, $config:expr, |$h:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($h: &$crate::support::Harness) {
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let db = kabinet_store::testing::TestDb::sqlite().await;
                let h = $crate::support::Harness::on(db, $config).await;
                body(&h).await;
                h.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(db) = kabinet_store::testing::TestDb::postgres().await else {
                    return;
                };
                let h = $crate::support::Harness::on(db, $config).await;
                body(&h).await;
                h.finish().await;
            }
        }
    };
}
pub(crate) use service_test;

/// What an operator at the desk may do (everything but deciding approvals and administering).
pub const DESK_SCOPES: [Scope; 6] = [
    Scope::CitizenSearch,
    Scope::CitizenRegister,
    Scope::IdentityConfirm,
    Scope::AccessRestore,
    Scope::ActivationCodeIssue,
    Scope::AccountBlock,
];

impl Harness {
    /// A centre (bootstrapped once per harness) and an operator there with [`DESK_SCOPES`].
    pub async fn desk(&self) -> kabinet_service::testing::Desk {
        let centre = self.centre().await;
        centre
            .staff(&self.service, &self.service, "4512", &DESK_SCOPES)
            .await
            .expect("an operator at the desk")
    }

    /// The centre «МФЦ района Тверской», bootstrapped with its administrator signed in.
    pub async fn centre(&self) -> kabinet_service::testing::Centre {
        kabinet_service::testing::open_centre(&self.service, &self.service, "МФЦ района Тверской")
            .await
            .expect("bootstrap a centre")
    }
}

/// Starts a bank confirmation as `me` and reads the state and nonce from the bank page's
/// address.
pub async fn bank_start(api: &impl Api, me: &Context) -> (String, String) {
    let redirect = api
        .identity_bank_start(
            me,
            BankStart {
                bank: "test-bank".into(),
            },
        )
        .await
        .unwrap();
    bank_flow_of(&redirect)
}

/// The state and nonce in a bank page's address.
pub fn bank_flow_of(redirect: &BankRedirect) -> (String, String) {
    let url = url::Url::parse(&redirect.url).unwrap();
    let query: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(query["client_id"], "kabinet");
    assert_eq!(query["redirect_uri"], redirect.return_url);
    (query["state"].clone(), query["nonce"].clone())
}
