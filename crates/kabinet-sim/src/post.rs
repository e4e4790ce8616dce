//! The postal service (docs/contracts/post.md) over HTTP: `POST /v1/letters` accepts a letter
//! and answers its tracking number; `GET /v1/letters/{tracking}` answers where it is.

use std::net::SocketAddr;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use kabinet_service::ports::post::{Accepted, LetterOrder, PostOffice, PostSimulator, Tracking};
use tokio::net::TcpListener;

#[derive(Clone)]
struct AppState {
    simulator: PostSimulator,
    api_key: String,
}

/// A running post office.
#[derive(Clone)]
pub struct PostServer {
    /// Where it listens.
    pub address: SocketAddr,
    /// The letters and fault switches behind it.
    pub simulator: PostSimulator,
}

impl PostServer {
    /// Serves `simulator` on `listener`, accepting `api_key`.
    pub async fn start(
        listener: TcpListener,
        simulator: PostSimulator,
        api_key: &str,
    ) -> std::io::Result<Self> {
        let address = listener.local_addr()?;
        let state = AppState {
            simulator: simulator.clone(),
            api_key: api_key.to_owned(),
        };
        let app = Router::new()
            .route("/v1/letters", post(send))
            .route("/v1/letters/{tracking}", get(track))
            .with_state(state);
        tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                eprintln!("post simulator stopped: {error}");
            }
        });
        Ok(Self { address, simulator })
    }

    /// The base URL for the HTTP adapter.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }
}

fn authorised(state: &AppState, headers: &HeaderMap) -> Result<(), StatusCode> {
    let given = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if given == Some(state.api_key.as_str()) {
        Ok(())
    } else {
        Err(StatusCode::UNAUTHORIZED)
    }
}

async fn send(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(letter): Json<LetterOrder>,
) -> Result<(StatusCode, Json<Accepted>), StatusCode> {
    authorised(&state, &headers)?;
    if letter.postcode.len() != 6 || letter.recipient.trim().is_empty() {
        return Err(StatusCode::UNPROCESSABLE_ENTITY);
    }
    let tracking = state
        .simulator
        .send(&letter)
        .await
        .map_err(|_| StatusCode::SERVICE_UNAVAILABLE)?;
    Ok((StatusCode::CREATED, Json(Accepted { tracking })))
}

async fn track(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(tracking): Path<String>,
) -> Result<Json<Tracking>, StatusCode> {
    authorised(&state, &headers)?;
    state
        .simulator
        .track(&tracking)
        .await
        .map(|status| Json(Tracking { status }))
        .map_err(|_| StatusCode::NOT_FOUND)
}
