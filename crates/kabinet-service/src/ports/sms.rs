//! SMS: the gateway contract (docs/contracts/sms-gateway.md), its HTTP adapter, and the
//! simulator that keeps messages in the dev inbox.

use std::time::Duration;

use async_trait::async_trait;
use kabinet_api::Channel;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::DeliveryError;
use super::clock::Clock;
use super::inbox::DevInbox;
use super::retry::{Failed, RetryPolicy};

/// Sends text messages to Russian mobile numbers.
#[async_trait]
pub trait SmsGateway: Send + Sync {
    /// Hands one message to the gateway. `id` makes retries idempotent: the gateway delivers a
    /// message id at most once.
    async fn send(&self, id: Uuid, to: &str, text: &str) -> Result<(), DeliveryError>;
}

/// The request body of `POST /v1/messages`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsRequest {
    /// The caller's id of the message (idempotency key).
    pub id: Uuid,
    /// E.164 number.
    pub to: String,
    /// The text (UTF-8; the gateway splits it into parts).
    pub text: String,
}

/// The answer to `POST /v1/messages`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsAccepted {
    /// The message id.
    pub id: Uuid,
    /// `accepted` or `duplicate`.
    pub status: String,
}

/// The HTTP adapter: JSON over HTTPS (or HTTP on loopback), a bearer key, a timeout per attempt,
/// and retries with backoff for timeouts and 5xx answers only.
#[derive(Debug, Clone)]
pub struct HttpSmsGateway {
    client: reqwest::Client,
    endpoint: String,
    api_key: String,
    retry: RetryPolicy,
}

impl HttpSmsGateway {
    /// A gateway at `base_url` (e.g. `https://sms.example/`), with `api_key`.
    pub fn new(base_url: &str, api_key: &str, timeout: Duration) -> Result<Self, DeliveryError> {
        crate::tls::install_crypto_provider();
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()
            .map_err(|e| DeliveryError::Refused(e.to_string()))?;
        Ok(Self {
            client,
            endpoint: format!("{}/v1/messages", base_url.trim_end_matches('/')),
            api_key: api_key.to_owned(),
            retry: RetryPolicy::default(),
        })
    }

    /// Sets how many attempts a message gets and the first pause between them (doubling).
    pub fn with_retries(mut self, attempts: u32, backoff: Duration) -> Self {
        self.retry = RetryPolicy {
            attempts: attempts.max(1),
            first_pause: backoff,
        };
        self
    }

    async fn attempt(&self, body: &SmsRequest) -> Result<(), Failed> {
        let response = self
            .client
            .post(&self.endpoint)
            .bearer_auth(&self.api_key)
            .json(body)
            .send()
            .await
            .map_err(Failed::unanswered)?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        Err(Failed::status("gateway", status))
    }
}

#[async_trait]
impl SmsGateway for HttpSmsGateway {
    async fn send(&self, id: Uuid, to: &str, text: &str) -> Result<(), DeliveryError> {
        let body = SmsRequest {
            id,
            to: to.to_owned(),
            text: text.to_owned(),
        };
        self.retry
            .run("sms", || self.attempt(&body))
            .await
            .map_err(|failed| {
                tracing::warn!(%id, reason = %failed.reason, "SMS gateway failed");
                if failed.transient {
                    DeliveryError::Unavailable(failed.reason)
                } else {
                    DeliveryError::Refused(failed.reason)
                }
            })
    }
}

/// Delivers into the dev inbox.
#[derive(Clone)]
pub struct SmsSimulator {
    inbox: DevInbox,
    clock: std::sync::Arc<dyn Clock>,
}

impl SmsSimulator {
    /// A simulator writing to `inbox`, stamping with `clock`.
    pub fn new(inbox: DevInbox, clock: std::sync::Arc<dyn Clock>) -> Self {
        Self { inbox, clock }
    }
}

#[async_trait]
impl SmsGateway for SmsSimulator {
    async fn send(&self, _id: Uuid, to: &str, text: &str) -> Result<(), DeliveryError> {
        self.inbox
            .push(Channel::Sms, to, "", text, self.clock.now());
        Ok(())
    }
}
