//! Decoding a request body and encoding an operation's outcome: JSON either way, the error's
//! status from [`kabinet_api::http::status`], `Retry-After` where the error says when, and for
//! browsers a new session moved out of the answer into its `HttpOnly` cookie.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::header::{CACHE_CONTROL, CONNECTION, RETRY_AFTER};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use kabinet_api::http::{SESSION_COOKIE, status};
use kabinet_api::{ApiError, ErrorCode, FieldError, NewSession, RuleViolation, SessionEffect};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::caller::{Caller, Transport, expired, push_cookie, session_cookie};

/// The request from the body; an empty body is `{}`, anything but a JSON object is refused.
/// Every failure names the field and the rule.
pub fn decode<T: DeserializeOwned>(body: Result<Bytes, BytesRejection>) -> Result<T, ApiError> {
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(ErrorCode::TooLarge)
        } else {
            ApiError::field("body", "unreadable")
        }
    })?;
    let bytes: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        &body
    };
    // Every request is an object: serde would otherwise read an array as the fields in order
    // (`["+7…", "password"]` as a sign-in) and a bare value as an operation without input.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        let not_json = serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_err();
        return Err(ApiError::field(
            "body",
            if not_json { "not_json" } else { "not_object" },
        ));
    }
    let mut json = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut json).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = inner.to_string();
        let (field, rule) = if let Some(name) = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next())
        {
            (join(&path, name), "required")
        } else if inner.is_syntax() || inner.is_eof() {
            ("body".to_owned(), "not_json")
        } else {
            (
                if path == "." { "body".to_owned() } else { path },
                "wrong_type",
            )
        };
        ApiError::fields(vec![FieldError {
            field,
            rules: vec![RuleViolation {
                rule: rule.to_owned(),
                params: Default::default(),
            }],
        }])
    })
}

fn join(path: &str, name: &str) -> String {
    if path == "." || path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// An operation's answer for `caller`. For a browser, a session the answer opens (taken out by
/// `take_session`, which the operation list provides for the operations that open one) goes
/// into the `HttpOnly` cookie, and an operation that ends the session expires the cookie.
pub fn encode<T: Serialize>(
    caller: &Caller,
    effect: SessionEffect,
    take_session: Option<fn(&mut T) -> Option<NewSession>>,
    outcome: Result<T, ApiError>,
    now: DateTime<Utc>,
) -> Response {
    let mut answer = match outcome {
        Ok(answer) => answer,
        Err(error) => return caller.refuse(error),
    };
    let browser = caller.transport == Transport::Browser;
    let session = take_session
        .filter(|_| browser)
        .and_then(|take| take(&mut answer));
    let mut response = (StatusCode::OK, Json(answer)).into_response();
    no_store(&mut response);
    if browser {
        if let Some(session) = session {
            let seconds = (session.expires_at - now).num_seconds();
            push_cookie(&mut response, session_cookie(&session.token, seconds));
        } else if effect == SessionEffect::Ends {
            push_cookie(&mut response, expired(SESSION_COOKIE));
        }
    }
    caller.set_cookies(&mut response);
    response
}

/// The error as JSON with its status, `Retry-After` when it says when.
pub fn error_response(error: &ApiError) -> Response {
    let status =
        StatusCode::from_u16(status(error.code)).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, Json(error)).into_response();
    if error.code == ErrorCode::TooLarge {
        // The rest of an oversize body was not read, so the connection cannot carry another
        // request: say so, or the client's next request on it fails.
        response
            .headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
    }
    if let Some(at) = error.retry_at {
        let seconds = (at - Utc::now()).num_seconds().clamp(1, 86_400);
        if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
            response.headers_mut().insert(RETRY_AFTER, value);
        }
    }
    no_store(&mut response);
    response
}

fn no_store(response: &mut Response) {
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
}
