//! One retry policy for the adapters of outside parties (SMS, registries, post): a few
//! attempts, the pause doubling from the first, and only after failures the other side may get
//! over — no answer, 429, 5xx. Any other answer is definite and returned at once. The loop is
//! `backon`'s.

use std::future::Future;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};

/// How often and how patiently an adapter tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all (at least one).
    pub attempts: u32,
    /// The pause before the second attempt; each later one doubles it.
    pub first_pause: Duration,
}

impl Default for RetryPolicy {
    /// Three attempts, 200 ms then 400 ms apart.
    fn default() -> Self {
        Self {
            attempts: 3,
            first_pause: Duration::from_millis(200),
        }
    }
}

/// A failed attempt: why, and whether a later attempt may pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failed {
    /// Worth another attempt.
    pub transient: bool,
    /// What happened, for the log and the caller's error.
    pub reason: String,
}

impl Failed {
    /// No answer, or an answer saying "later".
    pub fn transient(reason: impl Into<String>) -> Self {
        Self {
            transient: true,
            reason: reason.into(),
        }
    }

    /// A definite refusal.
    pub fn refused(reason: impl Into<String>) -> Self {
        Self {
            transient: false,
            reason: reason.into(),
        }
    }

    /// A request that got no answer.
    pub fn unanswered(error: reqwest::Error) -> Self {
        Self::transient(error.without_url().to_string())
    }

    /// An answer that is not a success: 429 and 5xx are transient, the rest definite.
    pub fn status(party: &str, status: reqwest::StatusCode) -> Self {
        let reason = format!("{party} answered {status}");
        if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            Self::transient(reason)
        } else {
            Self::refused(reason)
        }
    }
}

impl RetryPolicy {
    /// Runs `attempt` until it succeeds, fails for good, or the attempts run out; returns the
    /// last outcome.
    pub async fn run<T, F, Fut>(&self, party: &'static str, attempt: F) -> Result<T, Failed>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, Failed>>,
    {
        let backoff = ExponentialBuilder::default()
            .with_min_delay(self.first_pause)
            .with_factor(2.0)
            .with_max_times(self.attempts.saturating_sub(1) as usize);
        attempt
            .retry(backoff)
            .sleep(tokio::time::sleep)
            .when(|failed: &Failed| failed.transient)
            .notify(|failed: &Failed, pause: Duration| {
                tracing::warn!(party, reason = %failed.reason, ?pause, "retrying");
            })
            .await
    }
}
