//! Who is calling: the [`Context`] the service needs, read from the connection, the headers and
//! the cookies, and how the answer must carry a session back. Browsers (no
//! [`CLIENT_HEADER`]) prove every request with the double-submit anti-forgery token and keep
//! their session in an `HttpOnly` cookie; programs send a bearer token and get it in the body.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::{AUTHORIZATION, COOKIE, SET_COOKIE, USER_AGENT};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use cookie::{Cookie, SameSite};
use kabinet_api::http::*;
use kabinet_api::{ApiError, Context, ErrorCode};
use subtle::ConstantTimeEq;

use crate::AppState;
use crate::answer::error_response;

/// How the caller holds its session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// A browser: cookies and the anti-forgery token.
    Browser,
    /// The desktop app or another program: a bearer token in the body and the header.
    Program,
}

/// A decoded caller.
#[derive(Debug, Clone)]
pub struct Caller {
    /// What the service is told.
    pub context: Context,
    /// How the answer carries a session.
    pub transport: Transport,
    /// Cookies to set on the answer (a new device id or anti-forgery token).
    pub cookies: Vec<Cookie<'static>>,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        let address = client_address(&parts.headers, peer, state.settings.trust_forwarded_for);
        let caller = decode(&parts.headers, address);
        if let Err(e) = state.service.admit(&caller.context.address).await {
            return Err(caller.refuse(e));
        }
        if caller.transport == Transport::Browser && !csrf_ok(&parts.headers) {
            return Err(caller.refuse(ApiError::new(ErrorCode::CsrfFailed)));
        }
        Ok(caller)
    }
}

impl Caller {
    /// An error answer that still sets the caller's new cookies.
    pub fn refuse(&self, error: ApiError) -> Response {
        let mut response = error_response(&error);
        if self.transport == Transport::Browser && error.code == ErrorCode::Unauthenticated {
            push_cookie(&mut response, expired(SESSION_COOKIE));
        }
        self.set_cookies(&mut response);
        response
    }

    /// Adds the cookies this caller was missing.
    pub fn set_cookies(&self, response: &mut Response) {
        for cookie in &self.cookies {
            push_cookie(response, cookie.clone());
        }
    }
}

/// The client's address: the peer's, or with a trusted proxy in front the last hop it adds to
/// `X-Forwarded-For` (the only entry a client cannot forge).
fn client_address(headers: &HeaderMap, peer: Option<SocketAddr>, trust_forwarded: bool) -> String {
    let forwarded = trust_forwarded
        .then(|| header(headers, "x-forwarded-for"))
        .flatten()
        .and_then(|list| list.rsplit(',').next().map(|a| a.trim().to_owned()))
        .filter(|a| a.parse::<std::net::IpAddr>().is_ok());
    forwarded
        .or_else(|| peer.map(|p| p.ip().to_string()))
        .unwrap_or_else(|| "unknown".to_owned())
}

fn decode(headers: &HeaderMap, address: String) -> Caller {
    let bearer = header(headers, AUTHORIZATION.as_str())
        .and_then(|v| v.strip_prefix("Bearer ").map(|t| t.trim().to_owned()));
    let program = bearer.is_some() || headers.contains_key(CLIENT_HEADER);
    let device_name = header(headers, DEVICE_NAME_HEADER)
        .or_else(|| header(headers, USER_AGENT.as_str()))
        .map(|n| n.chars().take(200).collect())
        .unwrap_or_else(|| "unknown".to_owned());
    if program {
        let device_id = header(headers, DEVICE_HEADER)
            .map(|d| d.chars().take(100).collect())
            .unwrap_or_default();
        // Only programs (the desktop app) can be workstations: a browser page never carries
        // a workstation's key.
        let workstation = header(headers, WORKSTATION_HEADER)
            .map(|k| k.trim().chars().take(100).collect::<String>())
            .filter(|k| !k.is_empty());
        return Caller {
            context: Context {
                session: bearer.filter(|t| !t.is_empty()),
                address,
                device_id,
                device_name,
                workstation,
            },
            transport: Transport::Program,
            cookies: Vec::new(),
        };
    }
    let mut cookies = Vec::new();
    let device_id = match cookie(headers, DEVICE_COOKIE) {
        Some(id) => id,
        None => {
            let id = random_token();
            cookies.push(device_cookie(&id));
            id
        }
    };
    if cookie(headers, CSRF_COOKIE).is_none() {
        cookies.push(csrf_cookie(&random_token()));
    }
    Caller {
        context: Context {
            session: cookie(headers, SESSION_COOKIE).filter(|t| !t.is_empty()),
            address,
            device_id,
            device_name,
            workstation: None,
        },
        transport: Transport::Browser,
        cookies,
    }
}

/// The header must equal the cookie: a page of another site can neither read the cookie nor
/// send a custom header without a CORS preflight Kabinet never grants.
fn csrf_ok(headers: &HeaderMap) -> bool {
    match (cookie(headers, CSRF_COOKIE), header(headers, CSRF_HEADER)) {
        (Some(cookie), Some(header)) if !cookie.is_empty() => {
            bool::from(cookie.as_bytes().ct_eq(header.as_bytes()))
        }
        _ => false,
    }
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// A cookie of the request, by name.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// 128 random bits as hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 16];
    // The OS generator does not fail on supported platforms; a zero id would only be shared.
    let _ = getrandom::fill(&mut bytes);
    hex::encode(bytes)
}

fn base(name: &'static str, value: String) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .secure(true)
        .same_site(SameSite::Strict)
        .build()
}

pub fn device_cookie(id: &str) -> Cookie<'static> {
    let mut c = base(DEVICE_COOKIE, id.to_owned());
    c.set_http_only(true);
    c.set_max_age(cookie::time::Duration::days(365));
    c
}

/// The anti-forgery cookie: the page's script reads it, so it is not `HttpOnly`.
pub fn csrf_cookie(token: &str) -> Cookie<'static> {
    base(CSRF_COOKIE, token.to_owned())
}

/// The session cookie, living as long as the session may.
pub fn session_cookie(token: &str, seconds: i64) -> Cookie<'static> {
    let mut c = base(SESSION_COOKIE, token.to_owned());
    c.set_http_only(true);
    c.set_max_age(cookie::time::Duration::seconds(seconds.max(0)));
    c
}

/// A cookie that removes `name`.
pub fn expired(name: &'static str) -> Cookie<'static> {
    let mut c = base(name, String::new());
    c.set_http_only(name != CSRF_COOKIE);
    c.set_max_age(cookie::time::Duration::ZERO);
    c
}

/// Appends a `Set-Cookie`.
pub fn push_cookie(response: &mut Response, cookie: Cookie<'static>) {
    if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
        response.headers_mut().append(SET_COOKIE, value);
    }
}
