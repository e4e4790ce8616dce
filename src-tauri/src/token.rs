//! The citizen's signature token in the desktop app: the tokens and certificates the configured
//! PKCS#11 library offers, and a statement signed with the PIN typed in the window. The work is
//! `kabinet_desktop::token`'s; PKCS#11 calls block, so they run off the async threads.

use kabinet_api::ApiError;
use kabinet_desktop::token::{self, TokenList, TokenSignature};
use kabinet_desktop::{Policy, Settings};

use crate::{config_dir, unavailable};

/// The library the workstation policy fixes, and the citizen's setting.
fn configured(app: &tauri::AppHandle) -> Result<(Option<std::path::PathBuf>, String), ApiError> {
    let policy = Policy::load(&Policy::system_path()).unwrap_or_default();
    let settings = Settings::load_with_policy(&config_dir(app)?);
    Ok((policy.pkcs11_module, settings.pkcs11_module))
}

/// The tokens present and their certificates.
#[tauri::command]
pub async fn desktop_tokens(app: tauri::AppHandle) -> Result<TokenList, ApiError> {
    let (policy, setting) = configured(&app)?;
    tauri::async_runtime::spawn_blocking(move || token::list(policy.as_deref(), &setting))
        .await
        .map_err(unavailable)?
}

/// Signs `statement` (a challenge of the API) with the chosen certificate's key.
#[tauri::command]
pub async fn desktop_token_sign(
    app: tauri::AppHandle,
    token_serial: String,
    certificate_id: String,
    pin: String,
    statement: String,
) -> Result<TokenSignature, ApiError> {
    let (policy, setting) = configured(&app)?;
    tauri::async_runtime::spawn_blocking(move || {
        token::sign(
            policy.as_deref(),
            &setting,
            &token_serial,
            &certificate_id,
            &pin,
            &statement,
        )
    })
    .await
    .map_err(unavailable)?
}
