//! Identity confirmation through an online bank in the desktop app: the bank's pages open in a
//! window of their own (label `bank`, no capability: its pages cannot call the app), and its
//! navigation to Kabinet's return address — the bank's redirect back after «Разрешить» or
//! «Отказаться» — is caught before it loads: the address (the answer is in its fragment) goes to
//! the main window, which confirms through the API as a browser would, and the bank window
//! closes. Closing the window answers `None`.
//!
//! Why not the system browser with a loopback redirect (RFC 8252): the return address is the
//! one registered with the bank for Kabinet (the portal's own page), the same for the browser
//! and the desktop, and a window of the app's own is driven by the end-to-end tests.

use std::sync::{Arc, Mutex};

use kabinet_api::ApiError;
use tauri::{AppHandle, Manager, Url, WebviewUrl, WebviewWindowBuilder, WindowEvent};
use tokio::sync::oneshot;

const LABEL: &str = "bank";

type Answer = Arc<Mutex<Option<oneshot::Sender<Option<String>>>>>;

fn send(answer: &Answer, value: Option<String>) {
    let taken = answer.lock().unwrap_or_else(|e| e.into_inner()).take();
    if let Some(tx) = taken {
        let _ = tx.send(value);
    }
}

fn invalid(field: &str) -> ApiError {
    ApiError::field(field, "url_format")
}

/// Whether `to` is the return address (with the bank's answer after it): same origin and path,
/// and a fragment that starts with the return address's fragment.
fn returns_to(to: &Url, back: &Url) -> bool {
    to.scheme() == back.scheme()
        && to.host_str() == back.host_str()
        && to.port_or_known_default() == back.port_or_known_default()
        && to.path() == back.path()
        && match back.fragment() {
            Some(fragment) => to
                .fragment()
                .is_some_and(|f| f == fragment || f.starts_with(&format!("{fragment}?"))),
            None => true,
        }
}

/// A bank page may be `https`, or `http` on loopback (the simulated bank of a development
/// server).
fn acceptable(url: &Url) -> bool {
    match url.scheme() {
        "https" => true,
        "http" => matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]")),
        _ => false,
    }
}

/// Opens `url` (the bank's authorisation page `identity_bank_start` answered) and waits until
/// the bank sends the citizen to `return_url`: answers that address, or `None` when the citizen
/// closed the window.
#[tauri::command]
pub async fn desktop_bank_open(
    app: AppHandle,
    url: String,
    return_url: String,
) -> Result<Option<String>, ApiError> {
    let bank = Url::parse(&url).map_err(|_| invalid("url"))?;
    if !acceptable(&bank) {
        return Err(invalid("url"));
    }
    let back = Url::parse(&return_url).map_err(|_| invalid("return_url"))?;
    if let Some(earlier) = app.get_webview_window(LABEL) {
        let _ = earlier.destroy();
    }
    let (tx, rx) = oneshot::channel();
    let answer: Answer = Arc::new(Mutex::new(Some(tx)));
    let caught = answer.clone();
    let window = WebviewWindowBuilder::new(&app, LABEL, WebviewUrl::External(bank))
        .title("Банк — подтверждение личности")
        .inner_size(520.0, 760.0)
        .on_navigation(move |to| {
            if returns_to(to, &back) {
                send(&caught, Some(to.to_string()));
                return false;
            }
            true
        })
        .build()
        .map_err(crate::unavailable)?;
    let closed = answer.clone();
    window.on_window_event(move |event| {
        if matches!(event, WindowEvent::Destroyed) {
            send(&closed, None);
        }
    });
    let returned = rx.await.unwrap_or(None);
    if returned.is_some() {
        if let Some(window) = app.get_webview_window(LABEL) {
            let _ = window.destroy();
        }
        if let Some(main) = app.get_webview_window("main") {
            let _ = main.set_focus();
        }
    }
    Ok(returned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn only_the_return_address_is_caught() {
        let back = url("http://localhost:8080/#/bank-return");
        assert!(returns_to(
            &url("http://localhost:8080/#/bank-return?state=s&assertion=a"),
            &back
        ));
        assert!(returns_to(
            &url("http://localhost:8080/#/bank-return"),
            &back
        ));
        assert!(!returns_to(
            &url("http://localhost:8080/#/bank-returned"),
            &back
        ));
        assert!(!returns_to(
            &url("http://localhost:8081/#/bank-return?x"),
            &back
        ));
        assert!(!returns_to(
            &url("http://evil.example/#/bank-return?x"),
            &back
        ));
        assert!(!returns_to(
            &url("http://127.0.0.1:9000/authorize?x"),
            &back
        ));
    }

    #[test]
    fn bank_pages_are_https_or_loopback() {
        assert!(acceptable(&url("https://bank.example/authorize")));
        assert!(acceptable(&url("http://127.0.0.1:9000/authorize")));
        assert!(!acceptable(&url("http://bank.example/authorize")));
        assert!(!acceptable(&url("file:///etc/passwd")));
    }
}
