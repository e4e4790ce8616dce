//! The desktop app's backend, kept apart from Tauri so it can be tested without a window.
//!
//! [`Desktop`] answers every operation of the API for the window: it adds the context (this
//! device, the session), forwards to the [`Backend`] — the service embedded in the process on
//! SQLite, or [`kabinet_client::Client`] against a server — and keeps the session token on the
//! Rust side: a token in an answer is taken out before the answer reaches the web page, held in
//! memory, and kept in the OS keyring only when the citizen asked to be remembered.
//! The embedded service's keys (the code pepper and the sealing key) live in the keyring too,
//! and so does a service-centre workstation's enrolment key: taken out of the enrolment's
//! answer like a session token, and added to every request's context. Nothing secret is
//! written to a file.

mod backend;
pub mod keyring;
pub mod settings;
pub mod token;
pub mod updates;
pub mod workstation;

use std::sync::Mutex;

use kabinet_api::*;
use serde_json::Value;

pub use backend::{Backend, open_embedded, open_remote, open_workstation};
pub use keyring::{Keyring, KeyringError};
pub use settings::{BackendChoice, Settings, SettingsView};
pub use updates::{Channel, Policy, UpdatePlan};
pub use workstation::SyncStatus;

/// The one-time codes of the embedded demo's centre.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DemoCentre {
    /// Enrols this installation as the centre's workstation.
    pub workstation_code: String,
    /// Sets the demo administrator (personnel number 1) up.
    pub setup_code: String,
}

/// An operation's answer as the page gets it from [`Desktop::first_screen`]: its value or its
/// error, as the command would have given it.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Answer {
    /// The operation's answer.
    Ok(Value),
    /// The operation's error.
    Err(ApiError),
}

impl From<Result<Value, ApiError>> for Answer {
    fn from(outcome: Result<Value, ApiError>) -> Self {
        match outcome {
            Ok(value) => Answer::Ok(value),
            Err(error) => Answer::Err(error),
        }
    }
}

/// What the first screen asks before it is drawn — which installation this is, who is signed
/// in, whether it is a service centre's workstation — in one answer, so the window spends one
/// round trip on it instead of three.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FirstScreen {
    /// `app_info`.
    pub app_info: Answer,
    /// `me`.
    pub me: Answer,
    /// `workstation_info`.
    pub workstation_info: Answer,
}

/// The keyring entry of a remembered session.
const SESSION_ENTRY: &str = "session";
/// The keyring entry of this installation's workstation key, once enrolled.
const WORKSTATION_ENTRY: &str = "workstation";

/// What the window talks to.
pub struct Desktop {
    backend: Backend,
    keyring: Keyring,
    device_id: String,
    device_name: String,
    session: Mutex<Option<String>>,
    remember: Mutex<bool>,
    workstation: Mutex<Option<String>>,
}

impl Desktop {
    /// A desktop on `backend`; a session remembered in `keyring` is picked up.
    pub fn new(backend: Backend, keyring: Keyring, device_id: String, device_name: String) -> Self {
        let remembered = keyring.get(SESSION_ENTRY).ok().flatten();
        let workstation = keyring.get(WORKSTATION_ENTRY).ok().flatten();
        Self {
            workstation: Mutex::new(workstation),
            backend,
            keyring,
            device_id,
            device_name,
            remember: Mutex::new(remembered.is_some()),
            session: Mutex::new(remembered),
        }
    }

    /// Whether the next sign-in is remembered across restarts (and the current one, if any).
    pub fn set_remember(&self, remember: bool) -> Result<(), ApiError> {
        *lock(&self.remember) = remember;
        let token = lock(&self.session).clone();
        match (remember, token) {
            (true, Some(token)) => self.keyring.set(SESSION_ENTRY, &token).map_err(unavailable),
            (false, _) => self.keyring.delete(SESSION_ENTRY).map_err(unavailable),
            (true, None) => Ok(()),
        }
    }

    /// The embedded demo's first service centre: makes it with its administrator once (as
    /// `kabinet-server admin bootstrap` does for a server) and returns the codes that enrol
    /// this installation and set the administrator up. Refused on a server backend, whose
    /// bootstrap belongs to whoever runs the server.
    pub async fn demo_centre(&self) -> Result<DemoCentre, ApiError> {
        let Backend::Embedded(service) = &self.backend else {
            return Err(ApiError::new(ErrorCode::NotAvailable)
                .with_message("Центр создаёт администратор сервера командой admin bootstrap"));
        };
        let done = service
            .bootstrap(kabinet_service::Bootstrap {
                centre_name: "Демонстрационный центр обслуживания".into(),
                centre_address: String::new(),
                personnel_number: "1".into(),
                full_name: "Администратор (демо)".into(),
            })
            .await?;
        Ok(DemoCentre {
            workstation_code: done.workstation_code,
            setup_code: done.setup_code,
        })
    }

    /// On a workstation: one sync with the centre (when enrolled), and where it stands after.
    pub async fn sync_tick(&self) -> Option<SyncStatus> {
        let Backend::Workstation(w) = &self.backend else {
            return None;
        };
        let key = lock(&self.workstation).clone();
        Some(match key {
            Some(key) => w.sync(&key).await,
            None => w.status(),
        })
    }

    /// On a workstation: where the sync stands.
    pub fn sync_status(&self) -> Option<SyncStatus> {
        match &self.backend {
            Backend::Workstation(w) => Some(w.status()),
            _ => None,
        }
    }

    /// Which keyring store holds the secrets (for the log).
    pub fn keyring_kind(&self) -> &'static str {
        self.keyring.kind()
    }

    /// The answers the first screen needs, asked at once (each exactly as its own operation,
    /// so a session the backend no longer knows is forgotten here too).
    pub async fn first_screen(&self) -> FirstScreen {
        let (app_info, me, workstation_info) = tokio::join!(
            self.app_info(Empty {}),
            self.me(Empty {}),
            self.workstation_info(Empty {})
        );
        FirstScreen {
            app_info: app_info.into(),
            me: me.into(),
            workstation_info: workstation_info.into(),
        }
    }

    /// Whether a session is remembered.
    pub fn remembers(&self) -> bool {
        *lock(&self.remember)
    }

    fn context(&self) -> Context {
        Context {
            session: lock(&self.session).clone(),
            address: "desktop".into(),
            device_id: self.device_id.clone(),
            device_name: self.device_name.clone(),
            workstation: lock(&self.workstation).clone(),
        }
    }

    /// Keeps the key of a workstation enrolment in the keyring (taking it out of the answer
    /// before the page sees it). An enrolment whose key cannot be kept is refused: a
    /// workstation that forgets its key at the next start would be enrolled for nothing.
    fn keep_workstation_key(&self, answer: &mut dyn std::any::Any) -> Result<(), ApiError> {
        let Some(enrolled) = answer.downcast_mut::<WorkstationEnrolled>() else {
            return Ok(());
        };
        let key = std::mem::take(&mut enrolled.key);
        self.keyring
            .set(WORKSTATION_ENTRY, &key)
            .map_err(unavailable)?;
        *lock(&self.workstation) = Some(key);
        Ok(())
    }

    /// Takes a session the answer opens out of it (the operation list says which answers
    /// can: `take_session`) and keeps it; forgets the session when the operation ends it or
    /// the backend no longer knows it.
    fn answer<T: serde::Serialize + 'static>(
        &self,
        effect: SessionEffect,
        take_session: Option<fn(&mut T) -> Option<NewSession>>,
        outcome: Result<T, ApiError>,
    ) -> Result<Value, ApiError> {
        let ends = effect == SessionEffect::Ends;
        match outcome {
            Ok(mut answer) => {
                self.keep_workstation_key(&mut answer)?;
                if let Some(session) = take_session.and_then(|take| take(&mut answer)) {
                    self.keep(session.token);
                }
                if ends {
                    self.forget();
                }
                serde_json::to_value(answer)
                    .map_err(|e| ApiError::new(ErrorCode::Internal).with_message(e.to_string()))
            }
            Err(error) => {
                if error.code == ErrorCode::Unauthenticated || ends {
                    self.forget();
                }
                Err(error)
            }
        }
    }

    fn keep(&self, token: String) {
        if *lock(&self.remember) {
            // A keyring that refuses leaves the session working until the app closes.
            if let Err(e) = self.keyring.set(SESSION_ENTRY, &token) {
                eprintln!("kabinet: the session is not remembered ({e})");
            }
        }
        *lock(&self.session) = Some(token);
    }

    fn forget(&self) {
        *lock(&self.session) = None;
        let _ = self.keyring.delete(SESSION_ENTRY);
    }
}

macro_rules! desktop_operations {
    ($($(#[$doc:meta])* $name:ident($request:ty) -> $response:ty, $access:ident $(($scope:ident))?, $idempotent:literal, $session:ident, $body:ident;)*) => {
        impl Desktop {
            $(
                $(#[$doc])*
                pub async fn $name(&self, request: $request) -> Result<Value, ApiError> {
                    let context = self.context();
                    let outcome = self.backend.$name(&context, request).await;
                    self.answer(SessionEffect::$session, kabinet_api::session_taker!($session, $response), outcome)
                }
            )*
        }
    };
}

with_operations!(desktop_operations);

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub(crate) fn unavailable(error: impl std::fmt::Display) -> ApiError {
    ApiError::new(ErrorCode::Unavailable).with_message(error.to_string())
}
