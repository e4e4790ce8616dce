//! The service's settings, with the defaults of DOMAIN §3–§4.

use chrono::Duration;
use kabinet_core::codes::CodePolicy;
use kabinet_core::password::PasswordPolicy;
use kabinet_core::secret::HashParams;

pub use kabinet_core::lockout::{ClientPolicy, LockoutPolicy};

/// Everything the service is configured with.
#[derive(Clone)]
pub struct ServiceConfig {
    /// The version of the user agreement shown on the registration form.
    pub consent_version: String,
    /// This installation's name, stamped on every event it writes.
    pub origin: String,
    /// Where links in e-mails point (`https://kabinet.example`).
    pub public_url: String,
    /// The portal's page of a service, `{code}` standing for the catalogue's code
    /// (`https://portal.example/services/{code}`); `None` shows the services without links.
    pub portal_services_url: Option<String>,
    /// Where citizens download the desktop app (signing with a token needs it).
    pub desktop_app_url: Option<String>,
    /// argon2id parameters for new password hashes.
    pub hash_params: HashParams,
    /// The password policy.
    pub password_policy: PasswordPolicy,
    /// SMS codes.
    pub sms_codes: CodePolicy,
    /// E-mail codes and links.
    pub email_codes: CodePolicy,
    /// Session idle timeout.
    pub session_idle: Duration,
    /// Session absolute lifetime.
    pub session_absolute: Duration,
    /// Sign-in lockout.
    pub lockout: LockoutPolicy,
    /// Per-client throttling.
    pub client: ClientPolicy,
    /// Wrong answers to the secret question before the recovery must start again.
    pub secret_answer_attempts: u32,
    /// Online banks whose assertions confirm an identity.
    pub trusted_banks: Vec<crate::ports::bank::TrustedBank>,
    /// The accredited certification authorities whose qualified certificates sign in and
    /// confirm identities, with their revocation lists (empty: no certificate is trusted).
    pub signature_trust: std::sync::Arc<kabinet_signature::TrustList>,
    /// How long a bank assertion may live at most (from `iat` to `exp`).
    pub bank_assertion_max_age: Duration,
    /// Where banks send the citizen back, registered with each bank for Kabinet's client id;
    /// empty: the web UI's `#/bank-return` under `public_url`. The answer travels in the
    /// address's fragment, which browsers never send to a server.
    pub bank_return_url: String,
    /// Password hashes computed at once (argon2id is CPU- and memory-bound: one per core).
    pub hashing_slots: usize,
    /// Whether the hashing threads run at a lower CPU priority than the threads that answer
    /// requests (Linux, nice 10; see `hashing`): on by default, so a server hashing flat out
    /// still answers everything else at once and its slots never wait for a request being
    /// read. The test suites turn it off: on a CI machine busy with other tests, hashes at a
    /// lower priority would crawl.
    pub lower_hashing_priority: bool,
    /// The earliest a sign-in's refusal (wrong password, locked), a recovery start or a
    /// registration start is answered, counted from its arrival: whatever work is left over
    /// from doing the same for a login that exists and one that does not (a row found or not)
    /// is hidden under it. Zero: answered as soon as done.
    pub answer_floor: std::time::Duration,
    /// The longest expected wait for a hashing slot at which a request is still admitted;
    /// beyond it, it is refused at once as overload. 400 ms by default: sixteen sign-ins at
    /// once on two cores (a queue of about 220 ms at 29 ms a hash) are all served, and no
    /// admitted sign-in waits longer than a citizen notices much (about half a second with its
    /// own hash).
    pub hashing_budget: std::time::Duration,
    /// How long a session check is answered from memory (the session, its account and
    /// contacts as last read) — only while the store hears every change of them, which drops
    /// the account's entries at once (see `session_cache`); zero: every check reads the
    /// database. 10 s by default: a bound on staleness should a change notice be lost.
    pub session_cache_ttl: std::time::Duration,
    /// Requests one client address may make per minute at this replica, in bursts of as many
    /// (0: no limit).
    pub requests_per_minute: u32,
    /// The key of code, ticket and token hashes (the deployment's pepper).
    pub pepper: [u8; 32],
    /// The key that seals TOTP secrets.
    pub seal_key: [u8; 32],
}

impl ServiceConfig {
    /// Where banks send the citizen back.
    pub fn bank_return_url(&self) -> String {
        if self.bank_return_url.is_empty() {
            format!("{}/#/bank-return", self.public_url.trim_end_matches('/'))
        } else {
            self.bank_return_url.clone()
        }
    }
}

impl std::fmt::Debug for ServiceConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceConfig")
            .field("consent_version", &self.consent_version)
            .field("origin", &self.origin)
            .field("public_url", &self.public_url)
            .field("portal_services_url", &self.portal_services_url)
            .field("desktop_app_url", &self.desktop_app_url)
            .field("hash_params", &self.hash_params)
            .field("session_cache_ttl", &self.session_cache_ttl)
            .field("session_idle", &self.session_idle)
            .field("session_absolute", &self.session_absolute)
            .field("lockout", &self.lockout)
            .field("client", &self.client)
            .field("hashing_slots", &self.hashing_slots)
            .field("lower_hashing_priority", &self.lower_hashing_priority)
            .field("requests_per_minute", &self.requests_per_minute)
            .field("pepper", &"[redacted]")
            .field("seal_key", &"[redacted]")
            .finish_non_exhaustive()
    }
}

impl ServiceConfig {
    /// The defaults, with the two keys the deployment supplies.
    pub fn new(pepper: [u8; 32], seal_key: [u8; 32]) -> Self {
        Self {
            consent_version: "2026-01".to_owned(),
            origin: "kabinet".to_owned(),
            public_url: "http://localhost".to_owned(),
            portal_services_url: None,
            desktop_app_url: None,
            hash_params: HashParams::default(),
            password_policy: PasswordPolicy::default(),
            sms_codes: CodePolicy::sms(),
            email_codes: CodePolicy::email(),
            session_idle: Duration::minutes(30),
            session_absolute: Duration::hours(12),
            lockout: LockoutPolicy::default(),
            client: ClientPolicy::default(),
            secret_answer_attempts: 3,
            trusted_banks: Vec::new(),
            signature_trust: std::sync::Arc::new(
                kabinet_signature::TrustList::new(&[], &[]).expect("an empty list"),
            ),
            bank_assertion_max_age: Duration::minutes(10),
            bank_return_url: String::new(),
            hashing_slots: std::thread::available_parallelism().map_or(2, usize::from),
            hashing_budget: std::time::Duration::from_millis(400),
            lower_hashing_priority: true,
            answer_floor: std::time::Duration::from_millis(50),
            session_cache_ttl: std::time::Duration::from_secs(10),
            requests_per_minute: 600,
            pepper,
            seal_key,
        }
    }
}
