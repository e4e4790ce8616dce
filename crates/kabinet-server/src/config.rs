//! The server's configuration: defaults, then a TOML file (`--config` or `KABINET_CONFIG`),
//! then `KABINET_*` environment variables (nested keys with `__`, e.g. `KABINET_SMS__URL`).
//! Secrets (the pepper, the seal key, API keys, the SMTP password) are best given by
//! environment; they never appear in `Debug` output or logs.
//!
//! With `dev = true` every outside party that is not configured is simulated in the process
//! and missing keys fall back to fixed demo keys (logged as a warning); without it, a missing
//! key or party stops the start with a list of what is missing.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use kabinet_core::lockout::{ClientPolicy, LockoutPolicy};
use kabinet_core::secret::HashParams;
use kabinet_service::ports::bank::BankSimulator;
use kabinet_service::ports::clock::SystemClock;
use kabinet_service::ports::mail::{SmtpConfig, SmtpMailer, SmtpSecurity};
use kabinet_service::ports::post::HttpPostOffice;
use kabinet_service::ports::registry::HttpRegistries;
use kabinet_service::ports::sms::HttpSmsGateway;
use kabinet_service::{Ports, ServiceConfig};
use serde::{Deserialize, Serialize};

use crate::{BodyLimits, HttpSettings};

/// A secret value: hidden from `Debug`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// An HTTP party (SMS gateway, registries, post).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpParty {
    /// Its base URL.
    pub url: String,
    /// The key Kabinet presents.
    pub api_key: Secret,
}

/// The SMTP relay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmtpSettings {
    /// Host name.
    pub host: String,
    /// Port.
    pub port: u16,
    /// `none` (loopback only), `starttls` or `tls`.
    pub security: String,
    /// Login, if any.
    pub username: Option<String>,
    /// Password, if any.
    pub password: Option<Secret>,
    /// The sender.
    pub from: String,
}

/// A bank whose assertions confirm identities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankSettings {
    /// Its id (the assertion's issuer).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its Ed25519 public key, 64 hex digits.
    pub public_key: String,
    /// Its authorisation page, where citizens are sent to confirm their identity; without it
    /// the bank is trusted but not offered.
    #[serde(default)]
    pub authorize_url: Option<String>,
    /// Kabinet's client id at the bank (registered there with `bank_return_url`).
    #[serde(default = "default_client_id")]
    pub client_id: String,
}

fn default_client_id() -> String {
    kabinet_service::ports::bank::CLIENT_ID.to_owned()
}

/// Everything the server reads at start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServerConfig {
    /// Where to listen.
    pub listen: SocketAddr,
    /// `sqlite://…` or `postgres://…`; empty: `kabinet.db` in the OS data folder.
    pub database_url: String,
    /// Where links in e-mails point.
    pub public_url: String,
    /// The portal's page of a service, `{code}` standing for the catalogue's code
    /// (`https://portal.example/services/{code}`); empty: the account home lists services
    /// without links.
    pub portal_services_url: String,
    /// Where citizens download the desktop app (signing with a token needs it); empty: the
    /// web's e-signature page points to the help page instead.
    pub desktop_app_url: String,
    /// This installation's name on the events it writes.
    pub origin: String,
    /// The built web UI (`ui/dist` from the working folder by default), served when it holds an
    /// `index.html`.
    pub ui_dir: Option<PathBuf>,
    /// Take client addresses from `X-Forwarded-For` (behind a proxy only).
    pub trust_forwarded_for: bool,
    /// Largest request body, bytes.
    pub max_body_bytes: usize,
    /// Largest scan upload body, bytes.
    pub max_upload_bytes: usize,
    /// Requests per client address per minute at each replica (0: no limit).
    pub requests_per_minute: u32,
    /// Failed sign-ins in a row before the first lock of an account.
    pub lockout_free_failures: u32,
    /// The first lock, seconds; each later one doubles it.
    pub lockout_first_delay_seconds: i64,
    /// The longest lock, seconds.
    pub lockout_max_delay_seconds: i64,
    /// Hours without a failure after which the count starts again.
    pub lockout_reset_hours: i64,
    /// Failures in a row after which only a recovery unlocks.
    pub lockout_hard_limit: u32,
    /// Failures (sign-ins, codes, re-authentication) allowed per client address and window.
    pub client_max_failures: u32,
    /// That window, minutes.
    pub client_window_minutes: i64,
    /// Wrong secret answers a recovery allows.
    pub secret_answer_attempts: u32,
    /// How long a session check may be answered from memory, seconds (0: never; see the
    /// service's `session_cache_ttl`).
    pub session_cache_seconds: u64,
    /// The longest expected wait for a hashing slot at which a sign-in is still admitted,
    /// milliseconds; beyond it, 503 at once.
    pub hashing_budget_ms: u64,
    /// The earliest a sign-in refusal, a recovery start or a registration start is answered,
    /// milliseconds (hides what little work differs between a login that exists and one that
    /// does not; 0: none).
    pub answer_floor_ms: u64,
    /// argon2id memory, KiB (19 MiB by default).
    pub argon2_memory_kib: u32,
    /// argon2id passes.
    pub argon2_iterations: u32,
    /// Password hashes at once; empty: the core count.
    pub hashing_slots: Option<usize>,
    /// Session idle timeout, minutes.
    pub session_idle_minutes: i64,
    /// Session absolute lifetime, hours.
    pub session_absolute_hours: i64,
    /// How often this replica looks for due jobs, milliseconds.
    pub job_period_ms: u64,
    /// `json` (default) or `text`.
    pub log_format: String,
    /// Where the admin listener serves `/metrics` (Prometheus); none by default. Keep it off
    /// the public network: it is not behind the public port's protections.
    pub metrics_listen: Option<SocketAddr>,
    /// An OTLP/HTTP collector's base URL (e.g. `http://127.0.0.1:4318`); traces of requests are
    /// exported there when set.
    pub otlp_endpoint: Option<String>,
    /// Simulate unconfigured parties and allow demo keys.
    pub dev: bool,
    /// The pepper of code and token hashes: 64 hex digits.
    pub pepper: Option<Secret>,
    /// The key sealing TOTP secrets: 64 hex digits.
    pub seal_key: Option<Secret>,
    /// The SMS gateway.
    pub sms: Option<HttpParty>,
    /// The registries.
    pub registries: Option<HttpParty>,
    /// The postal service.
    pub post: Option<HttpParty>,
    /// The SMTP relay.
    pub smtp: Option<SmtpSettings>,
    /// Trusted banks.
    pub banks: Vec<BankSettings>,
    /// Where banks send citizens back (registered with each bank); empty: the web UI's
    /// `#/bank-return` under `public_url`.
    pub bank_return_url: Option<String>,
    /// Where the simulated bank listens in dev mode (a free loopback port by default).
    pub dev_bank_listen: Option<SocketAddr>,
    /// Qualified e-signatures: PEM files of the accredited certification authorities whose
    /// certificates sign in and confirm identities (the trust list; none: no certificate is
    /// trusted). `KABINET_SIGNATURE_AUTHORITIES='["/etc/kabinet/uc1.pem", …]'`.
    pub signature_authorities: Vec<PathBuf>,
    /// Their certificate revocation lists, PEM or DER, re-read at each start.
    pub signature_crls: Vec<PathBuf>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: String::new(),
            public_url: "http://localhost:8080".to_owned(),
            portal_services_url: String::new(),
            desktop_app_url: String::new(),
            origin: "kabinet-server".to_owned(),
            ui_dir: Some(PathBuf::from("ui/dist")),
            trust_forwarded_for: false,
            max_body_bytes: 64 * 1024,
            max_upload_bytes: 8 * 1024 * 1024,
            requests_per_minute: 600,
            lockout_free_failures: LockoutPolicy::default().free_failures,
            lockout_first_delay_seconds: LockoutPolicy::default().first_delay.num_seconds(),
            lockout_max_delay_seconds: LockoutPolicy::default().max_delay.num_seconds(),
            lockout_reset_hours: LockoutPolicy::default().reset_after.num_hours(),
            lockout_hard_limit: LockoutPolicy::default().hard_limit,
            client_max_failures: ClientPolicy::default().max_failures,
            client_window_minutes: ClientPolicy::default().window.num_minutes(),
            secret_answer_attempts: 3,
            hashing_budget_ms: 400,
            session_cache_seconds: 10,
            answer_floor_ms: 50,
            argon2_memory_kib: HashParams::default().memory_kib,
            argon2_iterations: HashParams::default().iterations,
            hashing_slots: None,
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            job_period_ms: 1000,
            log_format: "json".to_owned(),
            metrics_listen: None,
            otlp_endpoint: None,
            dev: false,
            pepper: None,
            seal_key: None,
            sms: None,
            registries: None,
            post: None,
            smtp: None,
            banks: Vec::new(),
            bank_return_url: None,
            dev_bank_listen: None,
            signature_authorities: Vec::new(),
            signature_crls: Vec::new(),
        }
    }
}

/// The simulated bank trusted in dev mode, so a demo can confirm an identity.
pub fn demo_bank() -> BankSimulator {
    BankSimulator::demo()
}

impl ServerConfig {
    /// Defaults ← `file` ← `KABINET_*` variables.
    pub fn load(file: Option<&std::path::Path>) -> Result<Self, String> {
        let mut figment = Figment::from(Serialized::defaults(Self::default()));
        if let Some(file) = file {
            if !file.exists() {
                return Err(format!(
                    "the configuration file {} does not exist",
                    file.display()
                ));
            }
            figment = figment.merge(Toml::file(file));
        }
        figment
            .merge(Env::prefixed("KABINET_").ignore(&["config"]).split("__"))
            .extract()
            .map_err(|e| format!("the configuration is wrong: {e}"))
    }

    /// The HTTP settings.
    pub fn http(&self) -> HttpSettings {
        HttpSettings {
            limits: BodyLimits {
                default_bytes: self.max_body_bytes,
                upload_bytes: self.max_upload_bytes,
            },
            trust_forwarded_for: self.trust_forwarded_for,
            ui_dir: self
                .ui_dir
                .clone()
                .filter(|d| d.join("index.html").exists()),
        }
    }

    /// The service's settings; every problem is listed.
    pub fn service(&self) -> Result<ServiceConfig, String> {
        let mut problems = Vec::new();
        let pepper = self.key(&self.pepper, "pepper", 1, &mut problems);
        let seal_key = self.key(&self.seal_key, "seal_key", 2, &mut problems);
        let mut config = ServiceConfig::new(pepper, seal_key);
        config.origin = self.origin.clone();
        config.public_url = self.public_url.clone();
        config.portal_services_url = match self.portal_services_url.trim() {
            "" => None,
            url if url.starts_with("https://") || (self.dev && url.starts_with("http://")) => {
                Some(url.to_owned())
            }
            _ => {
                problems.push("portal_services_url must be an https:// address".to_owned());
                None
            }
        };
        config.desktop_app_url = match self.desktop_app_url.trim() {
            "" => None,
            url if url.starts_with("https://") || (self.dev && url.starts_with("http://")) => {
                Some(url.to_owned())
            }
            _ => {
                problems.push("desktop_app_url must be an https:// address".to_owned());
                None
            }
        };
        config.requests_per_minute = self.requests_per_minute;
        config.lockout = LockoutPolicy {
            free_failures: self.lockout_free_failures,
            first_delay: chrono::Duration::seconds(self.lockout_first_delay_seconds.max(1)),
            max_delay: chrono::Duration::seconds(self.lockout_max_delay_seconds.max(1)),
            reset_after: chrono::Duration::hours(self.lockout_reset_hours.max(1)),
            hard_limit: self.lockout_hard_limit.max(self.lockout_free_failures + 1),
        };
        config.client = ClientPolicy {
            max_failures: self.client_max_failures.max(1),
            window: chrono::Duration::minutes(self.client_window_minutes.max(1)),
        };
        config.secret_answer_attempts = self.secret_answer_attempts.max(1);
        config.hashing_budget = std::time::Duration::from_millis(self.hashing_budget_ms);
        config.session_cache_ttl = std::time::Duration::from_secs(self.session_cache_seconds);
        config.answer_floor = std::time::Duration::from_millis(self.answer_floor_ms);
        config.hash_params = HashParams {
            memory_kib: self.argon2_memory_kib.max(8),
            iterations: self.argon2_iterations.max(1),
            parallelism: 1,
        };
        if let Some(slots) = self.hashing_slots {
            config.hashing_slots = slots.max(1);
        }
        config.session_idle = chrono::Duration::minutes(self.session_idle_minutes.max(1));
        config.session_absolute = chrono::Duration::hours(self.session_absolute_hours.max(1));
        for bank in &self.banks {
            match hex32(&bank.public_key) {
                Some(public_key) => {
                    config
                        .trusted_banks
                        .push(kabinet_service::ports::bank::TrustedBank {
                            id: bank.id.clone(),
                            name: bank.name.clone(),
                            public_key,
                            authorize_url: bank.authorize_url.clone(),
                            client_id: bank.client_id.clone(),
                        })
                }
                None => problems.push(format!(
                    "banks.{}.public_key must be 64 hex digits",
                    bank.id
                )),
            }
        }
        if let Some(url) = &self.bank_return_url {
            config.bank_return_url = url.clone();
        }
        match kabinet_signature::TrustList::from_files(
            &self.signature_authorities,
            &self.signature_crls,
        ) {
            Ok(trust) => config.signature_trust = std::sync::Arc::new(trust),
            Err(e) => problems.push(format!("signature trust list: {e}")),
        }
        if self.dev
            && !config
                .trusted_banks
                .iter()
                .any(|b| b.id == demo_bank().id())
        {
            // Its pages come with `start_dev_bank`.
            config.trusted_banks.push(demo_bank().trusted());
        }
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(problems.join("; "))
        }
    }

    fn key(
        &self,
        value: &Option<Secret>,
        name: &str,
        demo: u8,
        problems: &mut Vec<String>,
    ) -> [u8; 32] {
        match value {
            Some(secret) => hex32(&secret.0).unwrap_or_else(|| {
                problems.push(format!("{name} must be 64 hex digits"));
                [0; 32]
            }),
            None if self.dev => {
                tracing::warn!(
                    key = name,
                    "dev mode: using a fixed demo key; never do this in production"
                );
                [demo; 32]
            }
            None => {
                problems.push(format!(
                    "{name} is required (KABINET_{})",
                    name.to_uppercase()
                ));
                [0; 32]
            }
        }
    }

    /// In dev mode with the default `public_url`, the public address is the one the server
    /// listens on (`http://localhost:<port>`), so links and the banks' return address lead back
    /// to it when it was started on another port.
    pub fn settle_dev_address(&mut self, listening: SocketAddr) {
        if self.dev && self.public_url == Self::default().public_url {
            self.public_url = format!("http://localhost:{}", listening.port());
        }
    }

    /// In dev mode, the simulated bank's pages on loopback (`dev_bank_listen`): Kabinet is its
    /// client with `service`'s return address, the demo people are its customers (login: the
    /// SNILS digits, password `demo-bank`), and the demo bank in `service` is sent there. The
    /// bank's control API takes the key `dev-key`. `None` outside dev mode.
    pub async fn start_dev_bank(
        &self,
        service: &mut ServiceConfig,
    ) -> Result<Option<kabinet_sim::bank::BankServer>, String> {
        use kabinet_sim::bank::{BankClient, BankServer, demo_customers};
        if !self.dev {
            return Ok(None);
        }
        let return_url = service.bank_return_url();
        let Some(bank) = service
            .trusted_banks
            .iter_mut()
            .find(|b| b.id == demo_bank().id() && b.authorize_url.is_none())
        else {
            return Ok(None);
        };
        let at = self
            .dev_bank_listen
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
        let listener = tokio::net::TcpListener::bind(at)
            .await
            .map_err(|e| format!("cannot listen for the simulated bank on {at}: {e}"))?;
        let server = BankServer::start(listener, demo_bank(), Arc::new(SystemClock), "dev-key")
            .await
            .map_err(|e| format!("cannot start the simulated bank: {e}"))?;
        server.register_client(BankClient {
            client_id: bank.client_id.clone(),
            redirect_uri: return_url,
        });
        for customer in demo_customers(20) {
            server.add_customer(customer);
        }
        bank.authorize_url = Some(server.authorize_url());
        Ok(Some(server))
    }

    /// The adapters: real ones for configured parties, simulators for the rest in dev mode.
    pub fn ports(&self) -> Result<Ports, String> {
        let mut ports = Ports::simulated(Arc::new(SystemClock));
        let timeout = Duration::from_secs(10);
        let mut missing = Vec::new();
        match &self.sms {
            Some(p) => {
                ports.sms = Arc::new(
                    HttpSmsGateway::new(&p.url, &p.api_key.0, timeout)
                        .map_err(|e| e.to_string())?,
                )
            }
            None => missing.push("sms"),
        }
        match &self.registries {
            Some(p) => {
                ports.registries = Arc::new(
                    HttpRegistries::new(&p.url, &p.api_key.0, timeout)
                        .map_err(|e| e.to_string())?,
                )
            }
            None => missing.push("registries"),
        }
        match &self.post {
            Some(p) => {
                ports.post = Arc::new(
                    HttpPostOffice::new(&p.url, &p.api_key.0, timeout)
                        .map_err(|e| e.to_string())?,
                )
            }
            None => missing.push("post"),
        }
        match &self.smtp {
            Some(s) => {
                ports.mail = Arc::new(SmtpMailer::new(&smtp(s)?).map_err(|e| e.to_string())?)
            }
            None => missing.push("smtp"),
        }
        if !self.dev && !missing.is_empty() {
            return Err(format!(
                "not configured: {} (or set dev = true to simulate them)",
                missing.join(", ")
            ));
        }
        if self.sms.is_some() && self.smtp.is_some() {
            // Every message leaves the process: there is no dev inbox to read them from.
            ports.inbox = None;
        }
        Ok(ports)
    }

    /// The database URL, defaulting to the OS data folder.
    pub fn database_url(&self) -> Result<String, String> {
        if !self.database_url.is_empty() {
            return Ok(self.database_url.clone());
        }
        kabinet_store::connect::default_sqlite_url("kabinet-server")
            .ok_or_else(|| "database_url is required: this OS has no data folder".to_owned())
    }
}

fn smtp(s: &SmtpSettings) -> Result<SmtpConfig, String> {
    let security = match s.security.as_str() {
        "none" => SmtpSecurity::None,
        "starttls" => SmtpSecurity::StartTls,
        "tls" => SmtpSecurity::Tls,
        other => {
            return Err(format!(
                "smtp.security must be none, starttls or tls, not {other}"
            ));
        }
    };
    Ok(SmtpConfig {
        host: s.host.clone(),
        port: s.port,
        security,
        credentials: s.username.clone().zip(s.password.clone().map(|p| p.0)),
        from: s.from.clone(),
        timeout_seconds: 10,
    })
}

fn hex32(text: &str) -> Option<[u8; 32]> {
    let bytes = hex::decode(text.trim()).ok()?;
    bytes.try_into().ok()
}
