//! One `POST` route per operation, made from the one list ([`kabinet_api::with_operations`]),
//! so a route cannot be missing, misnamed or bound to another use case. Each handler decodes,
//! calls and encodes.

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::routing::post;
use kabinet_api::http::OPERATIONS_PREFIX;
use kabinet_api::*;

use crate::AppState;
use crate::answer::{decode, encode};
use crate::caller::Caller;

/// Request size limits.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    /// Every operation but scan uploads.
    pub default_bytes: usize,
    /// Scan uploads (a 5 MB scan, base64-encoded, in JSON).
    pub upload_bytes: usize,
}

impl BodyLimits {
    /// The bytes an operation of the list's body kind may send.
    fn of(self, body: BodyLimit) -> usize {
        match body {
            BodyLimit::Small => self.default_bytes,
            BodyLimit::Upload => self.upload_bytes,
        }
    }
}

macro_rules! routes {
    ($($(#[$doc:meta])* $name:ident($request:ty) -> $response:ty, $access:ident $(($scope:ident))?, $idempotent:literal, $session:ident, $body:ident;)*) => {
        /// The operations' routes.
        pub fn operations(limits: BodyLimits) -> Router<AppState> {
            let mut router = Router::new();
            $(
                let limit = limits.of(BodyLimit::$body);
                router = router.route(
                    &format!("{OPERATIONS_PREFIX}{}", stringify!($name)),
                    post(|State(state): State<AppState>, caller: Caller, body: Result<Bytes, BytesRejection>| async move {
                        let request: $request = match decode(body) { Ok(r) => r, Err(e) => return caller.refuse(e) };
                        let outcome = state.service.$name(&caller.context, request).await;
                        encode(&caller, SessionEffect::$session, session_taker!($session, $response), outcome, state.service.now())
                    })
                    .layer(DefaultBodyLimit::max(limit)),
                );
            )*
            router
        }
    };
}

with_operations!(routes);
