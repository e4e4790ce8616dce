//! Decoding a request body and encoding an operation's outcome: JSON either way, the error's
//! status from [`kabinet_api::http::status`], `Retry-After` where the error says when, and for
//! browsers a new session moved out of the body into its `HttpOnly` cookie.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::header::{CACHE_CONTROL, RETRY_AFTER};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use kabinet_api::http::{SESSION_COOKIE, status};
use kabinet_api::{ApiError, ErrorCode, FieldError, RuleViolation};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::caller::{Caller, Transport, expired, push_cookie, session_cookie};

/// The request from the body; an empty body is `{}`. Every failure names the field and the rule.
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

/// An operation's answer for `caller`. `op` names the operation (sessions end on sign-out).
pub fn encode<T: Serialize>(
    caller: &Caller,
    op: &str,
    outcome: Result<T, ApiError>,
    now: DateTime<Utc>,
) -> Response {
    let value = match outcome
        .and_then(|v| serde_json::to_value(v).map_err(|_| ApiError::new(ErrorCode::Internal)))
    {
        Ok(value) => value,
        Err(error) => return caller.refuse(error),
    };
    let mut value = value;
    let mut session = None;
    if caller.transport == Transport::Browser {
        session = take_session(&mut value, now);
    }
    let mut response = (StatusCode::OK, Json(value)).into_response();
    no_store(&mut response);
    if caller.transport == Transport::Browser {
        if let Some(cookie) = session {
            push_cookie(&mut response, cookie);
        } else if matches!(op, "sign_out" | "sessions_revoke_all") {
            push_cookie(&mut response, expired(SESSION_COOKIE));
        }
    }
    caller.set_cookies(&mut response);
    response
}

/// A new session in a browser's answer: the token goes into the cookie and leaves the body
/// empty, so no script of the page ever holds it.
fn take_session(
    value: &mut serde_json::Value,
    now: DateTime<Utc>,
) -> Option<cookie::Cookie<'static>> {
    let object = value.as_object_mut()?;
    let expires_at: DateTime<Utc> = object.get("expires_at")?.as_str()?.parse().ok()?;
    object.get("account")?;
    let token = object.get_mut("token")?;
    let text = token.as_str()?.to_owned();
    *token = serde_json::Value::String(String::new());
    Some(session_cookie(&text, (expires_at - now).num_seconds()))
}

/// The error as JSON with its status, `Retry-After` when it says when.
pub fn error_response(error: &ApiError) -> Response {
    let status =
        StatusCode::from_u16(status(error.code)).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, Json(error)).into_response();
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
