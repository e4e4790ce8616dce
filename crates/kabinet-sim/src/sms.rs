//! The SMS gateway (docs/contracts/sms-gateway.md): `POST /v1/messages` with a bearer key,
//! idempotent by message id; `GET /v1/messages` lists what arrived (the simulator's inbox).

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use kabinet_api::{Channel, Inbox};
use kabinet_service::ports::inbox::DevInbox;
use kabinet_service::ports::sms::{SmsAccepted, SmsRequest};
use tokio::net::TcpListener;
use uuid::Uuid;

#[derive(Default)]
struct Behaviour {
    /// Answer 503 to this many next requests.
    fail_next: u32,
    /// Message ids already delivered.
    seen: HashSet<Uuid>,
    /// Requests received, duplicates and failures included.
    requests: u32,
}

#[derive(Clone)]
struct AppState {
    inbox: DevInbox,
    api_key: String,
    behaviour: Arc<Mutex<Behaviour>>,
}

/// A running simulator.
#[derive(Clone)]
pub struct SmsGatewaySimulator {
    /// Where it listens.
    pub address: SocketAddr,
    /// What it delivered.
    pub inbox: DevInbox,
    behaviour: Arc<Mutex<Behaviour>>,
}

impl SmsGatewaySimulator {
    /// Starts on `listener`, accepting `api_key`.
    pub async fn start(listener: TcpListener, api_key: &str) -> std::io::Result<Self> {
        let address = listener.local_addr()?;
        let state = AppState {
            inbox: DevInbox::new(),
            api_key: api_key.to_owned(),
            behaviour: Arc::default(),
        };
        let simulator = Self {
            address,
            inbox: state.inbox.clone(),
            behaviour: state.behaviour.clone(),
        };
        let app = Router::new()
            .route("/v1/messages", post(accept).get(list))
            .with_state(state);
        tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                eprintln!("SMS simulator stopped: {error}");
            }
        });
        Ok(simulator)
    }

    /// The base URL for the HTTP adapter.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Makes the next `n` requests fail with 503.
    pub fn fail_next(&self, n: u32) {
        self.lock().fail_next = n;
    }

    /// Requests received so far (retries and duplicates included).
    pub fn requests(&self) -> u32 {
        self.lock().requests
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Behaviour> {
        self.behaviour.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn authorised(headers: &HeaderMap, key: &str) -> bool {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|given| given == key)
}

async fn accept(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(request): Json<SmsRequest>,
) -> Result<(StatusCode, Json<SmsAccepted>), StatusCode> {
    let duplicate = {
        let mut behaviour = state.behaviour.lock().unwrap_or_else(|e| e.into_inner());
        behaviour.requests += 1;
        if !authorised(&headers, &state.api_key) {
            return Err(StatusCode::UNAUTHORIZED);
        }
        if behaviour.fail_next > 0 {
            behaviour.fail_next -= 1;
            return Err(StatusCode::SERVICE_UNAVAILABLE);
        }
        if !request.to.starts_with("+7") || request.text.is_empty() {
            return Err(StatusCode::UNPROCESSABLE_ENTITY);
        }
        !behaviour.seen.insert(request.id)
    };
    if !duplicate {
        #[allow(clippy::disallowed_methods)] // the simulator stamps with real time
        let now = chrono::Utc::now();
        state
            .inbox
            .push(Channel::Sms, &request.to, "", &request.text, now);
    }
    let status = if duplicate { "duplicate" } else { "accepted" };
    Ok((
        StatusCode::ACCEPTED,
        Json(SmsAccepted {
            id: request.id,
            status: status.to_owned(),
        }),
    ))
}

async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Inbox>, StatusCode> {
    if !authorised(&headers, &state.api_key) {
        return Err(StatusCode::UNAUTHORIZED);
    }
    Ok(Json(Inbox {
        messages: state.inbox.messages(),
    }))
}
