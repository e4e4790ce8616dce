//! The built web UI, so a browser gets the whole app from the server: files from `ui/dist`,
//! `index.html` for every other path (the UI routes itself), the anti-forgery and device cookies
//! on the page, and the security headers on every answer.

use std::path::Path;

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::http::header::{self, CONTENT_TYPE};
use axum::middleware::Next;
use axum::response::Response;
use kabinet_api::http::{CSRF_COOKIE, DEVICE_COOKIE};
use tower_http::services::{ServeDir, ServeFile};

use crate::caller::{cookie, csrf_cookie, device_cookie, push_cookie, random_token};

/// The UI's files, with `index.html` for unknown paths.
pub fn service(dir: &Path) -> ServeDir<ServeFile> {
    ServeDir::new(dir).fallback(ServeFile::new(dir.join("index.html")))
}

/// Headers every answer carries, and the cookies a page needs before its first API call.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let needs_csrf = cookie(request.headers(), CSRF_COOKIE).is_none();
    let needs_device = cookie(request.headers(), DEVICE_COOKIE).is_none();
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let fixed = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; \
             object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    let page = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if page {
        if needs_csrf {
            push_cookie(&mut response, csrf_cookie(&random_token()));
        }
        if needs_device {
            push_cookie(&mut response, device_cookie(&random_token()));
        }
    }
    response
}
