//! Kabinet over HTTP: every operation of [`kabinet_api::with_operations`] as
//! `POST /api/v1/<name>`, the OpenAPI document, health and readiness, and the built web UI,
//! on axum.
//!
//! The server keeps no state of its own: sessions, lockouts, rate-limit counters and jobs live
//! in the database, so replicas on one PostgreSQL behave as one. Browsers hold their session
//! in an `HttpOnly; Secure; SameSite=Strict` cookie and prove each request with a double-submit
//! anti-forgery token; the desktop and other programs send a bearer token. Errors are
//! `{code, message, fields}` JSON with a status from the code; a panic becomes a logged 500,
//! never a dropped connection. Logs carry methods, routes, statuses and times — never bodies,
//! headers, cookies or tokens.

pub mod admin;
pub mod config;
pub mod logging;

mod answer;
mod caller;
mod routes;
mod ui;

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use kabinet_api::http::{HEALTH_PATH, OPENAPI_PATH, READY_PATH};
use kabinet_api::{ApiError, ErrorCode};
use kabinet_service::Service;

pub use routes::BodyLimits;

/// What the router needs besides the service.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Request size limits.
    pub limits: BodyLimits,
    /// Take the client's address from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_forwarded_for: bool,
    /// The built web UI (`ui/dist`), served at `/` when present.
    pub ui_dir: Option<PathBuf>,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            limits: BodyLimits {
                default_bytes: 64 * 1024,
                upload_bytes: 8 * 1024 * 1024,
            },
            trust_forwarded_for: false,
            ui_dir: None,
        }
    }
}

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    /// The account service.
    pub service: Service,
    /// The HTTP settings.
    pub settings: HttpSettings,
}

/// The whole application: operations, OpenAPI, health, readiness and the UI.
pub fn app(service: Service, settings: HttpSettings) -> Router {
    let state = AppState {
        service,
        settings: settings.clone(),
    };
    let api = routes::operations(settings.limits)
        .route(OPENAPI_PATH, get(openapi))
        .route(HEALTH_PATH, get(health))
        .route(READY_PATH, get(ready))
        .route("/api/{*rest}", axum::routing::any(api_not_found));
    let router = match &settings.ui_dir {
        Some(dir) => api.fallback_service(ui::service(dir)),
        None => api.fallback(api_not_found),
    };
    router
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn(ui::security_headers))
        .layer(axum::middleware::from_fn(measured))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panicked))
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(|request: &axum::http::Request<_>| {
                    // The path only: no query, headers or body can leak a secret into the log.
                    tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
                })
                .on_request(())
                .on_response(
                    tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO),
                ),
        )
        .with_state(state)
}

/// Serves `app` on `listener` until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing the requests in flight");
}

/// The admin listener's routes: `/metrics` in the Prometheus text format. Served on its own
/// address (`metrics_listen`), never on the public port.
pub fn admin_app() -> Router {
    Router::new().route(
        "/metrics",
        get(|| async {
            (
                [(
                    axum::http::header::CONTENT_TYPE,
                    "application/openmetrics-text; version=1.0.0; charset=utf-8",
                )],
                kabinet_service::metrics::render(),
            )
        }),
    )
}

/// Counts each request by its route's template (never the path as sent: it could carry
/// anything) and status, and times it.
async fn measured(
    request: axum::http::Request<axum::body::Body>,
    next: axum::middleware::Next,
) -> Response {
    let started = std::time::Instant::now();
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("other", |m| m.as_str())
        .to_owned();
    let response = next.run(request).await;
    kabinet_service::metrics::http_request(&route, response.status().as_u16(), started.elapsed());
    response
}

async fn openapi() -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        kabinet_api::openapi::generate(),
    )
        .into_response()
}

async fn health() -> Response {
    axum::Json(serde_json::json!({ "status": "ok" })).into_response()
}

async fn ready(State(state): State<AppState>) -> Response {
    if state.service.ready().await {
        axum::Json(serde_json::json!({ "status": "ready" })).into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(serde_json::json!({ "status": "database unavailable" })),
        )
            .into_response()
    }
}

async fn api_not_found() -> Response {
    answer::error_response(&ApiError::new(ErrorCode::NotFound))
}

async fn method_not_allowed() -> Response {
    answer::error_response(&ApiError::new(ErrorCode::MethodNotAllowed))
}

fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    answer::error_response(&ApiError::new(ErrorCode::Internal))
}
