//! The Kabinet desktop shell: builds the Tauri app around the web UI in `ui/`.
//!
//! This crate is the only one that depends on `tauri`. It stays thin: window setup, and one
//! command per operation of the API (made from the one list) that decodes its input, calls
//! [`kabinet_desktop::Desktop`] and encodes the answer; errors cross as `{code, message, fields}`.

use kabinet_api::*;
use kabinet_desktop::{
    Backend, BackendChoice, Desktop, Keyring, Settings, open_embedded, open_remote,
};
use serde_json::Value;
use tauri::{Manager, State};

/// The backend once it is open, or why it could not open.
type Opened = Result<Desktop, String>;

fn desktop<'a>(state: &'a State<'_, Opened>) -> Result<&'a Desktop, ApiError> {
    state
        .inner()
        .as_ref()
        .map_err(|why| ApiError::new(ErrorCode::Unavailable).with_message(why.clone()))
}

macro_rules! commands {
    ($($(#[$doc:meta])* $name:ident($request:ty) -> $response:ty, $access:ident, $idempotent:literal;)*) => {
        $(
            $(#[$doc])*
            #[tauri::command]
            async fn $name(state: State<'_, Opened>, request: $request) -> Result<Value, ApiError> {
                desktop(&state)?.$name(request).await
            }
        )*

        fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![
                $($name,)*
                desktop_remember,
                desktop_remembers,
                desktop_settings,
                desktop_settings_save
            ]
        }
    };
}

with_operations!(commands);

/// Whether the next sign-in is remembered across restarts («Запомнить меня»).
#[tauri::command]
fn desktop_remember(state: State<'_, Opened>, remember: bool) -> Result<(), ApiError> {
    desktop(&state)?.set_remember(remember)
}

/// Whether a session is remembered.
#[tauri::command]
fn desktop_remembers(state: State<'_, Opened>) -> Result<bool, ApiError> {
    Ok(desktop(&state)?.remembers())
}

/// The settings screen's current values.
#[tauri::command]
fn desktop_settings(app: tauri::AppHandle) -> Result<Settings, ApiError> {
    Ok(Settings::load(&config_dir(&app)?))
}

/// Saves the settings and restarts the app on the chosen backend; a wrong address is a field
/// error and changes nothing.
#[tauri::command]
fn desktop_settings_save(app: tauri::AppHandle, settings: Settings) -> Result<(), ApiError> {
    settings.save(&config_dir(&app)?)?;
    app.restart()
}

fn config_dir(app: &tauri::AppHandle) -> Result<std::path::PathBuf, ApiError> {
    app.path()
        .app_config_dir()
        .map_err(|e| ApiError::new(ErrorCode::Unavailable).with_message(e.to_string()))
}

/// Opens the backend the settings name: the embedded service in the app-data folder with keys
/// from the OS keyring, or a server.
async fn open(data_dir: std::path::PathBuf, settings: Settings) -> Opened {
    // Tests run the app with their own keyring service so they never touch a real install's.
    let service = std::env::var("KABINET_KEYRING_SERVICE").unwrap_or_else(|_| "kabinet".into());
    let keyring = Keyring::platform(&service).map_err(|e| e.to_string())?;
    let backend = match settings.backend {
        BackendChoice::Embedded => {
            let url = kabinet_store::connect::sqlite_url_in(&data_dir, "embedded");
            Backend::Embedded(open_embedded(&url, &keyring).await?)
        }
        BackendChoice::Remote => open_remote(&settings.server_url)?,
    };
    let device_id = device_id(&data_dir)?;
    let device_name = format!("Кабинет для {}", std::env::consts::OS);
    Ok(Desktop::new(backend, keyring, device_id, device_name))
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
    let id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    std::fs::create_dir_all(data_dir).map_err(|e| e.to_string())?;
    std::fs::write(&path, &id).map_err(|e| e.to_string())?;
    Ok(id)
}

/// Builds and runs the desktop app until its last window closes.
pub fn run() {
    let context = tauri::generate_context!("tauri.conf.json");
    let built = tauri::Builder::default()
        .setup(|app| {
            let data_dir = app.path().app_data_dir()?;
            let settings = Settings::load(&app.path().app_config_dir()?);
            let opened = tauri::async_runtime::block_on(open(data_dir, settings));
            if let Err(why) = &opened {
                eprintln!("kabinet: the embedded backend could not open: {why}");
            }
            app.manage(opened);
            Ok(())
        })
        .invoke_handler(handler())
        .run(context);
    if let Err(error) = built {
        eprintln!("kabinet: the app could not start: {error}");
        std::process::exit(1);
    }
}
