//! The postal service (docs/contracts/post.md): registered letters with tracking. A real HTTP
//! adapter, and a simulator whose letters move through accepted → in transit → arrived → handed
//! over as its clock runs, and which can lose one.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::retry::{Failed, RetryPolicy};
use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

use super::clock::Clock;

/// A letter to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterOrder {
    /// Kabinet's id of the letter (idempotency key).
    pub id: Uuid,
    /// The addressee's full name.
    pub recipient: String,
    /// The postcode.
    pub postcode: String,
    /// The rest of the address, one line.
    pub address: String,
    /// The text printed in the letter.
    pub body: String,
}

/// Where a letter is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LetterStatus {
    /// Accepted at the post office.
    Accepted,
    /// On its way.
    InTransit,
    /// At the addressee's post office.
    Arrived,
    /// Handed to the addressee.
    HandedOver,
    /// Lost.
    Lost,
}

impl LetterStatus {
    /// The stable code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accepted => "accepted",
            Self::InTransit => "in_transit",
            Self::Arrived => "arrived",
            Self::HandedOver => "handed_over",
            Self::Lost => "lost",
        }
    }

    /// From the stable code.
    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Accepted,
            Self::InTransit,
            Self::Arrived,
            Self::HandedOver,
            Self::Lost,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// The post could not be reached, or refused.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[error("post unavailable: {0}")]
pub struct PostUnavailable(pub String);

/// The answer to sending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accepted {
    /// The tracking number.
    pub tracking: String,
}

/// The answer to tracking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tracking {
    /// Where the letter is.
    pub status: LetterStatus,
}

/// Registered letters.
#[async_trait]
pub trait PostOffice: Send + Sync {
    /// Hands a letter over; returns its tracking number. The same `id` twice sends one letter.
    async fn send(&self, letter: &LetterOrder) -> Result<String, PostUnavailable>;
    /// Where a letter is now.
    async fn track(&self, tracking: &str) -> Result<LetterStatus, PostUnavailable>;
}

// ---------------------------------------------------------------------------------------------

/// JSON over HTTPS with a bearer key, a timeout, and retries for timeouts and 5xx.
#[derive(Debug, Clone)]
pub struct HttpPostOffice {
    client: reqwest::Client,
    base: String,
    api_key: String,
}

impl HttpPostOffice {
    /// The post at `base_url`.
    pub fn new(base_url: &str, api_key: &str, timeout: Duration) -> Result<Self, PostUnavailable> {
        crate::tls::install_crypto_provider();
        Ok(Self {
            client: reqwest::Client::builder()
                .timeout(timeout)
                .connect_timeout(timeout)
                .build()
                .map_err(|e| PostUnavailable(e.to_string()))?,
            base: base_url.trim_end_matches('/').to_owned(),
            api_key: api_key.to_owned(),
        })
    }

    async fn call<T: for<'de> Deserialize<'de>>(
        &self,
        request: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<T, PostUnavailable> {
        let attempt = || async {
            let response = request()
                .bearer_auth(&self.api_key)
                .send()
                .await
                .map_err(Failed::unanswered)?;
            let status = response.status();
            if !status.is_success() {
                return Err(Failed::status("post", status));
            }
            response
                .json()
                .await
                .map_err(|e| Failed::refused(format!("malformed answer: {e}")))
        };
        RetryPolicy::default()
            .run("post", attempt)
            .await
            .map_err(|failed| PostUnavailable(failed.reason))
    }
}

#[async_trait]
impl PostOffice for HttpPostOffice {
    async fn send(&self, letter: &LetterOrder) -> Result<String, PostUnavailable> {
        let url = format!("{}/v1/letters", self.base);
        let accepted: Accepted = self.call(|| self.client.post(&url).json(letter)).await?;
        Ok(accepted.tracking)
    }

    async fn track(&self, tracking: &str) -> Result<LetterStatus, PostUnavailable> {
        let url = format!("{}/v1/letters/{tracking}", self.base);
        let answer: Tracking = self.call(|| self.client.get(&url)).await?;
        Ok(answer.status)
    }
}

// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct SimLetter {
    order: LetterOrder,
    tracking: String,
    sent_at: DateTime<Utc>,
    lost: bool,
}

#[derive(Default)]
struct PostState {
    letters: Vec<SimLetter>,
    by_id: HashMap<Uuid, usize>,
    lose_next: u32,
}

/// Letters move by the simulator's clock: accepted for a day, in transit until day 10, at the
/// post office until day 14, then handed over. `lose_next` loses letters on their way.
#[derive(Clone)]
pub struct PostSimulator {
    clock: Arc<dyn Clock>,
    state: Arc<Mutex<PostState>>,
}

impl PostSimulator {
    /// A post office using `clock`.
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self {
            clock,
            state: Arc::default(),
        }
    }

    /// Loses the next `n` letters sent.
    pub fn lose_next(&self, n: u32) {
        self.lock().lose_next = n;
    }

    /// Letters handed over to their addressees: (recipient, body), newest first.
    pub fn handed_over(&self) -> Vec<(String, String)> {
        let now = self.clock.now();
        let state = self.lock();
        state
            .letters
            .iter()
            .rev()
            .filter(|l| status_of(l, now) == LetterStatus::HandedOver)
            .map(|l| (l.order.recipient.clone(), l.order.body.clone()))
            .collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, PostState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn status_of(letter: &SimLetter, now: DateTime<Utc>) -> LetterStatus {
    let days = (now - letter.sent_at).num_days();
    match days {
        _ if letter.lost && days >= 1 => LetterStatus::Lost,
        d if d < 1 => LetterStatus::Accepted,
        d if d < 10 => LetterStatus::InTransit,
        d if d < 14 => LetterStatus::Arrived,
        _ => LetterStatus::HandedOver,
    }
}

#[async_trait]
impl PostOffice for PostSimulator {
    async fn send(&self, letter: &LetterOrder) -> Result<String, PostUnavailable> {
        let now = self.clock.now();
        let mut state = self.lock();
        if let Some(&i) = state.by_id.get(&letter.id) {
            return Ok(state.letters[i].tracking.clone());
        }
        let lost = state.lose_next > 0;
        state.lose_next = state.lose_next.saturating_sub(1);
        let index = state.letters.len();
        let tracking = format!("RA{:09}RU", 100_000_000 + index);
        state.by_id.insert(letter.id, index);
        state.letters.push(SimLetter {
            order: letter.clone(),
            tracking: tracking.clone(),
            sent_at: now,
            lost,
        });
        Ok(tracking)
    }

    async fn track(&self, tracking: &str) -> Result<LetterStatus, PostUnavailable> {
        let now = self.clock.now();
        let state = self.lock();
        state
            .letters
            .iter()
            .find(|l| l.tracking == tracking)
            .map(|l| status_of(l, now))
            .ok_or_else(|| PostUnavailable(format!("unknown tracking number {tracking}")))
    }
}
