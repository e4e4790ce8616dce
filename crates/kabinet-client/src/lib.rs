//! [`kabinet_api::Api`] over HTTP: a [`Client`] calls a Kabinet server the way the desktop's
//! remote mode does — bearer tokens, the device id in a header, rustls on ring — and answers
//! with the same [`ApiError`] as the service in-process, so callers cannot tell the two apart.
//!
//! Only operations the list marks idempotent (reads) are retried, after a connection failure,
//! a timeout or a 502/503/504; a write is never sent twice.

use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use kabinet_api::http::{
    CLIENT_HEADER, DEVICE_HEADER, DEVICE_NAME_HEADER, OPERATIONS_PREFIX, WORKSTATION_HEADER,
};
use kabinet_api::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// How the client behaves.
#[derive(Debug, Clone, Copy)]
pub struct ClientOptions {
    /// The whole time one attempt may take.
    pub timeout: Duration,
    /// Connecting may take this long.
    pub connect_timeout: Duration,
    /// Extra attempts of an idempotent call.
    pub retries: u32,
    /// The wait before the first retry, doubled after each.
    pub backoff: Duration,
    /// How often a call waits out a busy server that said when to come back (3; a load
    /// generator that measures the server's refusals sets 0).
    pub busy_waits: usize,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(5),
            retries: 2,
            backoff: Duration::from_millis(200),
            busy_waits: MAX_BUSY_WAITS,
        }
    }
}

/// A Kabinet server.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    options: ClientOptions,
}

impl Client {
    /// A client of the server at `base_url` (`https://kabinet.example`).
    pub fn new(base_url: &str, options: ClientOptions) -> Result<Self, ApiError> {
        install_crypto_provider();
        let http = reqwest::Client::builder()
            .timeout(options.timeout)
            .connect_timeout(options.connect_timeout)
            .user_agent(concat!("kabinet-client/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| unavailable(&e.to_string()))?;
        Ok(Self {
            http,
            base: base_url.trim_end_matches('/').to_owned(),
            options,
        })
    }

    /// The server's base URL.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    async fn call<Q: Serialize, R: DeserializeOwned>(
        &self,
        name: &str,
        idempotent: bool,
        context: &Context,
        request: &Q,
    ) -> Result<R, ApiError> {
        let url = format!("{}{OPERATIONS_PREFIX}{name}", self.base);
        // Writes are never repeated: a lost answer may hide a write that happened.
        let retries = if idempotent { self.options.retries } else { 0 };
        let backoff = ExponentialBuilder::default()
            .with_min_delay(self.options.backoff)
            .with_factor(2.0)
            .with_max_times(retries as usize);
        let once = || async {
            let outcome = (|| async {
                match self.attempt(&url, context, request).await {
                    Attempt::Done(outcome) => Ok(outcome),
                    Attempt::Transient(error) => Err(error),
                }
            })
            .retry(backoff)
            .sleep(tokio::time::sleep)
            .await;
            outcome.unwrap_or_else(Err)
        };
        let mut outcome = once().await;
        for _ in 0..self.options.busy_waits {
            match outcome.as_ref().err().and_then(honoured_wait) {
                Some(wait) => {
                    tokio::time::sleep(wait).await;
                    outcome = once().await;
                }
                None => break,
            }
        }
        outcome
    }

    async fn attempt<Q: Serialize, R: DeserializeOwned>(
        &self,
        url: &str,
        context: &Context,
        request: &Q,
    ) -> Attempt<R> {
        let mut builder = self
            .http
            .post(url)
            .header(CLIENT_HEADER, "kabinet-client")
            .header(DEVICE_HEADER, &context.device_id)
            .header(DEVICE_NAME_HEADER, &context.device_name)
            .json(request);
        if let Some(token) = &context.session {
            builder = builder.bearer_auth(token);
        }
        if let Some(key) = &context.workstation {
            builder = builder.header(WORKSTATION_HEADER, key);
        }
        let response = match builder.send().await {
            Ok(response) => response,
            Err(e) => return Attempt::Transient(unavailable(&e.to_string())),
        };
        let status = response.status();
        let body = match response.bytes().await {
            Ok(body) => body,
            Err(e) => return Attempt::Transient(unavailable(&e.to_string())),
        };
        if status.is_success() {
            return Attempt::Done(serde_json::from_slice(&body).map_err(|e| {
                ApiError::new(ErrorCode::Internal)
                    .with_message(format!("the server's answer could not be read: {e}"))
            }));
        }
        let error = serde_json::from_slice::<ApiError>(&body)
            .unwrap_or_else(|_| unavailable(&format!("the server answered {status}")));
        if matches!(status.as_u16(), 502..=504) {
            Attempt::Transient(error)
        } else {
            Attempt::Done(Err(error))
        }
    }
}

/// How often a call waits out a busy server that said when to come back.
const MAX_BUSY_WAITS: usize = 3;

/// The longest wait a busy server's `retry_at` is honoured for; a later time is the citizen's
/// to see (a lock, a spent daily cap).
const LONGEST_HONOURED_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// How long to wait before sending again, when the server refused because it was busy
/// (`unavailable`, `too_many_requests`) and said when to come back soon. Such a refusal comes
/// before the server does anything, so writes are sent again too.
fn honoured_wait(error: &ApiError) -> Option<std::time::Duration> {
    if !matches!(
        error.code,
        ErrorCode::Unavailable | ErrorCode::TooManyRequests
    ) {
        return None;
    }
    let wait = (error.retry_at? - chrono::Utc::now())
        .to_std()
        .unwrap_or_default();
    (wait <= LONGEST_HONOURED_WAIT).then(|| wait.max(std::time::Duration::from_millis(50)))
}

enum Attempt<R> {
    Done(Result<R, ApiError>),
    Transient(ApiError),
}

fn unavailable(detail: &str) -> ApiError {
    ApiError::new(ErrorCode::Unavailable)
        .with_message(format!("{} ({detail})", ErrorCode::Unavailable.message()))
}

fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Err only when a provider was installed first, which serves just as well.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

macro_rules! remote {
    ($($(#[$doc:meta])* $name:ident($request:ty) -> $response:ty, $access:ident $(($scope:ident))?, $idempotent:literal, $session:ident, $body:ident;)*) => {
        impl Api for Client {
            $(
                async fn $name(&self, context: &Context, request: $request) -> Result<$response, ApiError> {
                    self.call(stringify!($name), $idempotent, context, &request).await
                }
            )*
        }
    };
}

with_operations!(remote);
