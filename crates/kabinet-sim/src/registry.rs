//! The registries (docs/contracts/registries.md) over HTTP: the pension fund's SNILS check, the
//! interior ministry's passport check and the tax service's INN look-up, answered from a
//! [`RegistrySimulator`]'s population.

use std::net::SocketAddr;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use kabinet_service::ports::registry::{
    InnAnswer, PersonQuery, Registries, RegistrySimulator, Verdict,
};
use tokio::net::TcpListener;

#[derive(Clone)]
struct AppState {
    simulator: RegistrySimulator,
    api_key: String,
}

/// A running registry server.
#[derive(Clone)]
pub struct RegistryServer {
    /// Where it listens.
    pub address: SocketAddr,
    /// The population and fault switches behind it.
    pub simulator: RegistrySimulator,
}

impl RegistryServer {
    /// Serves `simulator` on `listener`, accepting `api_key`.
    pub async fn start(
        listener: TcpListener,
        simulator: RegistrySimulator,
        api_key: &str,
    ) -> std::io::Result<Self> {
        let address = listener.local_addr()?;
        let state = AppState {
            simulator: simulator.clone(),
            api_key: api_key.to_owned(),
        };
        let app = Router::new()
            .route("/v1/pfr/snils-checks", post(snils))
            .route("/v1/mvd/passport-checks", post(passport))
            .route("/v1/fns/inn-lookups", post(inn))
            .with_state(state);
        tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                eprintln!("registry simulator stopped: {error}");
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

async fn snils(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(query): Json<PersonQuery>,
) -> Result<Json<Verdict>, StatusCode> {
    authorised(&state, &headers)?;
    state
        .simulator
        .check_snils(&query)
        .await
        .map(Json)
        .map_err(|_| StatusCode::SERVICE_UNAVAILABLE)
}

async fn passport(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(query): Json<PersonQuery>,
) -> Result<Json<Verdict>, StatusCode> {
    authorised(&state, &headers)?;
    state
        .simulator
        .check_passport(&query)
        .await
        .map(Json)
        .map_err(|_| StatusCode::SERVICE_UNAVAILABLE)
}

async fn inn(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(query): Json<PersonQuery>,
) -> Result<Json<InnAnswer>, StatusCode> {
    authorised(&state, &headers)?;
    state
        .simulator
        .find_inn(&query)
        .await
        .map(|inn| Json(InnAnswer { inn }))
        .map_err(|_| StatusCode::SERVICE_UNAVAILABLE)
}
