//! The Kabinet desktop shell: builds the Tauri app around the web UI in `ui/`.
//!
//! This crate is the only one that depends on `tauri`. It stays thin: window setup, and one
//! command per operation of the API (made from the one list) that decodes its input, calls
//! [`kabinet_desktop::Desktop`] and encodes the answer; errors cross as `{code, message, fields}`.

mod bank;
mod menu;
mod token;
mod updates;
mod window_state;

use kabinet_api::*;
use kabinet_desktop::{
    Backend, BackendChoice, Desktop, FirstScreen, Keyring, Settings, SettingsView, SyncStatus,
    open_embedded, open_remote, open_workstation,
};
use serde_json::Value;
use std::sync::Arc;

use tauri::{Manager, State};
use tokio::sync::watch;

/// The backend once it is open, or why it could not open.
type Opened = Result<Arc<Desktop>, String>;

/// The backend, opened in the background while WebKit starts the window: commands that come
/// before it is ready wait for it.
struct Opening(watch::Sender<Option<Opened>>);

/// The first screen's answers, asked as soon as the backend is open (while WebKit still starts
/// the page) and handed to the page's first `desktop_start` only: an answer that comes after the
/// page has asked is dropped, so a reload later never shows who was signed in at start.
#[derive(Default)]
struct Prefetched(std::sync::Mutex<Prefetch>);

#[derive(Default)]
enum Prefetch {
    #[default]
    Waiting,
    Ready(Box<FirstScreen>),
    Asked,
}

impl Prefetched {
    /// Keeps the answers for the page's first ask, unless it has asked already.
    fn offer(&self, first: FirstScreen) {
        let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if matches!(*slot, Prefetch::Waiting) {
            *slot = Prefetch::Ready(Box::new(first));
        }
    }

    /// The answers if they came before this first ask; nothing ever after.
    fn take(&self) -> Option<FirstScreen> {
        let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        match std::mem::replace(&mut *slot, Prefetch::Asked) {
            Prefetch::Ready(first) => Some(*first),
            Prefetch::Waiting | Prefetch::Asked => None,
        }
    }
}

async fn desktop(state: &State<'_, Opening>) -> Result<Arc<Desktop>, ApiError> {
    let mut opened = state.0.subscribe();
    let opened = opened
        .wait_for(Option::is_some)
        .await
        .map_err(unavailable)?;
    match opened.as_ref() {
        Some(Ok(desktop)) => Ok(desktop.clone()),
        Some(Err(why)) => Err(unavailable(why)),
        None => Err(ApiError::new(ErrorCode::Unavailable)),
    }
}

macro_rules! commands {
    ($($(#[$doc:meta])* $name:ident($request:ty) -> $response:ty, $access:ident $(($scope:ident))?, $idempotent:literal, $session:ident, $body:ident;)*) => {
        $(
            $(#[$doc])*
            #[tauri::command]
            async fn $name(state: State<'_, Opening>, request: $request) -> Result<Value, ApiError> {
                desktop(&state).await?.$name(request).await
            }
        )*

        fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![
                $($name,)*
                desktop_remember,
                desktop_remembers,
                desktop_demo_centre,
                desktop_sync_status,
                desktop_settings,
                desktop_settings_save,
                desktop_ready,
                desktop_start,
                bank::desktop_bank_open,
                token::desktop_tokens,
                token::desktop_token_sign,
                updates::desktop_update_check,
                updates::desktop_update_install
            ]
        }
    };
}

with_operations!(commands);

/// Whether the next sign-in is remembered across restarts («Запомнить меня»).
#[tauri::command]
async fn desktop_remember(state: State<'_, Opening>, remember: bool) -> Result<(), ApiError> {
    desktop(&state).await?.set_remember(remember)
}

/// The embedded demo's first service centre and its one-time codes.
#[tauri::command]
async fn desktop_demo_centre(
    state: State<'_, Opening>,
) -> Result<kabinet_desktop::DemoCentre, ApiError> {
    desktop(&state).await?.demo_centre().await
}

/// Whether a session is remembered.
#[tauri::command]
async fn desktop_remembers(state: State<'_, Opening>) -> Result<bool, ApiError> {
    Ok(desktop(&state).await?.remembers())
}

/// What the first screen needs (which installation, who is signed in, whether a workstation),
/// asked by the app while the page loaded, or `None` once taken or when not ready yet (the page
/// then asks the operations themselves). A plain, not an async, command: it answers on the main
/// thread at once, where an async one waited to be handed back to it (≈ 20 ms at start-up).
#[tauri::command]
fn desktop_start(prefetched: State<'_, Prefetched>) -> Option<FirstScreen> {
    prefetched.take()
}

/// When the process started, for the start-up time in the log: as an instant, and as wall-clock
/// time to place the page's own times (which count from when it began loading).
struct Started(std::time::Instant, std::time::SystemTime);

/// The window's first screen is up: logs how long the start took (for support, and the line the
/// start-up benchmark waits for).
#[tauri::command]
fn desktop_ready(started: State<'_, Started>, page: PageTimes) {
    let at = |ms: Option<f64>| ms.unwrap_or(f64::NAN);
    // When the page began loading, in milliseconds after the process started.
    let began = page.origin_ms.map_or(f64::NAN, |origin| {
        let start = started
            .1
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        origin - start.as_secs_f64() * 1000.0
    });
    log::info!(
        "window interactive {} ms after start (the page began loading at {began:.0} ms; from then \
         its script ran at {:.0} ms, asked for its state at {:.0} ms, the app mounted at {:.0} ms, \
         its state came at {:.0} ms, its screens were in at {:.0} ms, its first frame at {:.0} ms)",
        started.0.elapsed().as_millis(),
        at(page.script_ms),
        at(page.asked_ms),
        at(page.mounted_ms),
        at(page.state_ms),
        at(page.shown_ms),
        at(page.page_ms),
    );
}

/// When the page reached each step of its start, in milliseconds since it began loading (that
/// moment itself as `origin_ms`, milliseconds since the Unix epoch).
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageTimes {
    origin_ms: Option<f64>,
    page_ms: Option<f64>,
    script_ms: Option<f64>,
    asked_ms: Option<f64>,
    mounted_ms: Option<f64>,
    state_ms: Option<f64>,
    shown_ms: Option<f64>,
}

/// On a service-centre workstation with a replica: whether the centre answers, when the last
/// sync completed, what waits to be sent and how many conflicts are open (none elsewhere).
#[tauri::command]
async fn desktop_sync_status(state: State<'_, Opening>) -> Result<Option<SyncStatus>, ApiError> {
    Ok(desktop(&state).await?.sync_status())
}

/// The settings screen's current values, and whether a database password is kept (never the
/// password).
#[tauri::command]
async fn desktop_settings(app: tauri::AppHandle) -> Result<SettingsView, ApiError> {
    let settings = Settings::load_with_policy(&config_dir(&app)?);
    let database_password_saved = keyring().is_ok_and(|k| settings.database_password_saved(&k));
    Ok(SettingsView {
        settings,
        database_password_saved,
    })
}

/// Saves the settings (a database password into the OS keyring) and restarts the app on the
/// chosen backend; a wrong address is a field error and changes nothing.
#[tauri::command]
async fn desktop_settings_save(
    app: tauri::AppHandle,
    settings: Settings,
    database_password: Option<String>,
) -> Result<(), ApiError> {
    let keyring = keyring().map_err(unavailable)?;
    settings.save_with_password(&config_dir(&app)?, &keyring, database_password.as_deref())?;
    app.restart()
}

/// The OS keyring under Kabinet's service name, chosen (and probed) once per process; tests
/// run the app with their own (`KABINET_KEYRING_SERVICE`) so they never touch a real install's.
fn keyring() -> Result<Keyring, String> {
    static CHOSEN: std::sync::OnceLock<Result<Keyring, String>> = std::sync::OnceLock::new();
    CHOSEN
        .get_or_init(|| {
            let service =
                std::env::var("KABINET_KEYRING_SERVICE").unwrap_or_else(|_| "kabinet".into());
            Keyring::platform(&service).map_err(|e| e.to_string())
        })
        .clone()
}

/// `unavailable` with the reason, for what fails outside the account service.
pub(crate) fn unavailable(error: impl std::fmt::Display) -> ApiError {
    ApiError::new(ErrorCode::Unavailable).with_message(error.to_string())
}

pub(crate) fn config_dir(app: &tauri::AppHandle) -> Result<std::path::PathBuf, ApiError> {
    app.path().app_config_dir().map_err(unavailable)
}

/// Opens the backend the settings name: the embedded service (SQLite in the app-data folder, or
/// PostgreSQL with its password from the keyring) with keys from the OS keyring, or a server.
async fn open(data_dir: std::path::PathBuf, settings: Settings) -> Opened {
    let keyring = keyring()?;
    let backend = match settings.backend {
        BackendChoice::Embedded => {
            let url = settings.embedded_database_url(&data_dir, &keyring)?;
            Backend::Embedded(open_embedded(&url, &keyring).await?)
        }
        BackendChoice::Remote => open_remote(&settings.server_url)?,
        BackendChoice::Workstation => {
            let url = kabinet_desktop::workstation::replica_url(&data_dir);
            open_workstation(&settings.server_url, &url, &keyring).await?
        }
    };
    let device_id = device_id(&data_dir)?;
    let device_name = format!("Кабинет для {}", std::env::consts::OS);
    Ok(Arc::new(Desktop::new(
        backend,
        keyring,
        device_id,
        device_name,
    )))
}

/// A random, non-secret id of this installation, kept in the data folder.
fn device_id(data_dir: &std::path::Path) -> Result<String, String> {
    let path = data_dir.join("device-id");
    if let Ok(id) = std::fs::read_to_string(&path)
        && id.trim().len() >= 16
    {
        return Ok(id.trim().to_owned());
    }
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| e.to_string())?;
    let id = hex::encode(bytes);
    std::fs::create_dir_all(data_dir).map_err(|e| e.to_string())?;
    std::fs::write(&path, &id).map_err(|e| e.to_string())?;
    Ok(id)
}

/// Brings the running window forward when Kabinet is started a second time.
fn focus_main<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Logs in the OS log folder (`~/.local/share/ru.kabinet.desktop/logs` on Linux), five files of
/// at most 1 MB kept. Nothing secret is logged: tokens never pass through this crate's logs.
fn logging() -> tauri_plugin_log::Builder {
    use tauri_plugin_log::{RotationStrategy, Target, TargetKind};
    tauri_plugin_log::Builder::new()
        .targets([
            Target::new(TargetKind::LogDir {
                file_name: Some("kabinet".into()),
            }),
            Target::new(TargetKind::Stderr),
        ])
        .level(log::LevelFilter::Info)
        .level_for("zbus", log::LevelFilter::Warn)
        .level_for("tracing", log::LevelFilter::Warn)
        .max_file_size(1_000_000)
        .rotation_strategy(RotationStrategy::KeepSome(5))
}

/// Builds and runs the desktop app until its last window closes.
pub fn run() {
    let started = Started(std::time::Instant::now(), std::time::SystemTime::now());
    let context = tauri::generate_context!("tauri.conf.json");
    let built = tauri::Builder::default()
        // First, so a second launch hands over before anything else starts.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            log::info!("a second launch: focusing the running window");
            focus_main(app);
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .on_window_event(window_state::on_event)
        .plugin(logging().build())
        .plugin(tauri_plugin_updater::Builder::new().build())
        .manage(updates::Offered::default())
        .manage(started)
        .manage(Prefetched::default())
        .menu(menu::build)
        .on_menu_event(|app, event| menu::on_event(app, event.id().as_ref()))
        .setup(|app| {
            let data_dir = app.path().app_data_dir()?;
            let settings = Settings::load_with_policy(&app.path().app_config_dir()?);
            let choice = settings.backend;
            let started_at = app.state::<Started>().0;
            log::info!("window setup {} ms after start", started_at.elapsed().as_millis());
            let opening = watch::Sender::new(None);
            let opened = opening.clone();
            app.manage(Opening(opening));
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let backend = open(data_dir, settings).await;
                if let Ok(desktop) = &backend {
                    let first = desktop.first_screen().await;
                    handle.state::<Prefetched>().offer(first);
                }
                match &backend {
                    Ok(desktop) => log::info!(
                        "Kabinet {} started: {choice:?} backend, keyring {}, open {} ms after start",
                        env!("CARGO_PKG_VERSION"),
                        desktop.keyring_kind(),
                        started_at.elapsed().as_millis()
                    ),
                    Err(why) => log::error!("the backend could not open: {why}"),
                }
                // A workstation syncs with the centre every few seconds for as long as it runs.
                if let Ok(desktop) = &backend
                    && desktop.sync_status().is_some()
                {
                    let desktop = desktop.clone();
                    tauri::async_runtime::spawn(async move {
                        loop {
                            desktop.sync_tick().await;
                            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                        }
                    });
                }
                opened.send_replace(Some(backend));
            });
            Ok(())
        })
        .invoke_handler(handler())
        .run(context);
    if let Err(error) = built {
        eprintln!("kabinet: the app could not start: {error}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(name: &str) -> FirstScreen {
        let answer = || kabinet_desktop::Answer::Ok(Value::String(name.to_owned()));
        FirstScreen {
            app_info: answer(),
            me: answer(),
            workstation_info: answer(),
        }
    }

    fn me(first: Option<FirstScreen>) -> Option<Value> {
        match first?.me {
            kabinet_desktop::Answer::Ok(value) => Some(value),
            kabinet_desktop::Answer::Err(_) => None,
        }
    }

    #[test]
    fn the_prepared_answers_go_to_the_first_ask_only() {
        let prefetched = Prefetched::default();
        prefetched.offer(first("at start"));
        assert_eq!(me(prefetched.take()), Some(Value::from("at start")));
        assert!(prefetched.take().is_none(), "a reload asks the operations");
    }

    #[test]
    fn answers_that_come_after_the_first_ask_are_dropped() {
        let prefetched = Prefetched::default();
        assert!(
            prefetched.take().is_none(),
            "not ready: the page asks the operations"
        );
        prefetched.offer(first("late"));
        assert!(
            prefetched.take().is_none(),
            "a later reload must not get who was signed in at start"
        );
    }
}
