//! E-mail: SMTP through lettre, and the simulator that keeps letters in the dev inbox.

use async_trait::async_trait;
use kabinet_api::Channel;
use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::DeliveryError;
use super::clock::Clock;
use super::inbox::DevInbox;

/// Sends plain-text letters.
#[async_trait]
pub trait Mailer: Send + Sync {
    /// Sends one letter.
    async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), DeliveryError>;
}

/// How to reach the SMTP server.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    /// Host name.
    pub host: String,
    /// Port (587 with STARTTLS, 465 with TLS, 25 or any on loopback without).
    pub port: u16,
    /// `none` (loopback only), `starttls` or `tls`.
    pub security: SmtpSecurity,
    /// Login and password, if the server wants them.
    pub credentials: Option<(String, String)>,
    /// The sender, e.g. `Kabinet <no-reply@kabinet.example>`.
    pub from: String,
    /// Seconds per command before giving up.
    pub timeout_seconds: u64,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field(
                "credentials",
                &self.credentials.as_ref().map(|_| "[redacted]"),
            )
            .field("from", &self.from)
            .finish()
    }
}

/// Transport security of the SMTP connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain text: for a relay on loopback or in tests.
    None,
    /// STARTTLS, required.
    StartTls,
    /// TLS from the first byte.
    Tls,
}

/// The SMTP adapter.
#[derive(Clone)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// Builds the transport (connections are opened per letter, pooled by lettre).
    pub fn new(config: &SmtpConfig) -> Result<Self, DeliveryError> {
        crate::tls::install_crypto_provider();
        let refused = |e: &dyn std::fmt::Display| DeliveryError::Refused(e.to_string());
        let mut builder = match config.security {
            SmtpSecurity::None => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
            }
            SmtpSecurity::StartTls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&config.host)
                    .map_err(|e| refused(&e))?
            }
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&config.host)
                .map_err(|e| refused(&e))?,
        }
        .port(config.port)
        .timeout(Some(std::time::Duration::from_secs(config.timeout_seconds)));
        if let Some((user, password)) = &config.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Self {
            transport: builder.build(),
            from: config.from.parse().map_err(|e| refused(&e))?,
        })
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), DeliveryError> {
        let to: Mailbox = to
            .parse()
            .map_err(|e: lettre::address::AddressError| DeliveryError::Refused(e.to_string()))?;
        let letter = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())
            .map_err(|e| DeliveryError::Refused(e.to_string()))?;
        match self.transport.send(letter).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(DeliveryError::Refused(e.to_string())),
            Err(e) => Err(DeliveryError::Unavailable(e.to_string())),
        }
    }
}

/// Delivers into the dev inbox.
#[derive(Clone)]
pub struct MailSimulator {
    inbox: DevInbox,
    clock: std::sync::Arc<dyn Clock>,
}

impl MailSimulator {
    /// A simulator writing to `inbox`.
    pub fn new(inbox: DevInbox, clock: std::sync::Arc<dyn Clock>) -> Self {
        Self { inbox, clock }
    }
}

#[async_trait]
impl Mailer for MailSimulator {
    async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), DeliveryError> {
        self.inbox
            .push(Channel::Email, to, subject, body, self.clock.now());
        Ok(())
    }
}
