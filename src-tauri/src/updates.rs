//! Signed automatic updates through tauri-plugin-updater.
//!
//! The window asks at start and on demand (`desktop_update_check`); an offered update waits
//! here until the citizen confirms (`desktop_update_install`), which downloads it, verifies its
//! minisign signature against the public key in `tauri.conf.json` (and that the signature names
//! the announced version), installs it and restarts. Whether and where to look comes from
//! [`kabinet_desktop::updates`]: the citizen's channel under the workstation policy.

use std::sync::Mutex;

use kabinet_api::{ApiError, ErrorCode};
use kabinet_desktop::Settings;
use kabinet_desktop::updates::{self, Policy, UpdatePlan, UpdateStatus};
use tauri::{AppHandle, Manager, Runtime, State};

use crate::unavailable;
use tauri_plugin_updater::{Error, Update, UpdaterExt};

/// The update offered by the last check, kept until the citizen confirms it.
#[derive(Default)]
pub struct Offered(Mutex<Option<Update>>);

/// Looks for an update the plan allows and remembers it for [`install`].
pub async fn check<R: Runtime>(
    app: &AppHandle<R>,
    offered: &Offered,
) -> Result<UpdateStatus, ApiError> {
    // A new check forgets the last offer, so nothing stale can be installed.
    *offered.0.lock().unwrap_or_else(|e| e.into_inner()) = None;
    let settings = Settings::load_with_policy(&app.path().app_config_dir().map_err(unavailable)?);
    let policy = Policy::load(&Policy::system_path());
    if let Err(why) = &policy {
        log::error!(
            "the workstation policy cannot be read, updates are off: {}",
            why.0
        );
    }
    let plan = UpdatePlan::new(
        policy.as_ref(),
        settings.update_channel,
        &built_in_endpoints(app),
    );
    // The version the updater compares with (tauri.conf.json's), not the crate's.
    let running = app.package_info().version.to_string();
    let mut status = UpdateStatus::new(&running, &plan, policy.as_ref().ok());
    let UpdatePlan::Check {
        endpoints, pinned, ..
    } = plan
    else {
        return Ok(status);
    };
    let endpoints = endpoints
        .iter()
        .map(|url| url.parse())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| unavailable(format!("update address: {e}")))?;
    let builder = app
        .updater_builder()
        .endpoints(endpoints)
        .map_err(refused)?
        .timeout(std::time::Duration::from_secs(60))
        .version_comparator(move |current, release| {
            updates::accepts(&current, &release.version, pinned.as_ref())
        });
    // Debug builds only: the end-to-end tests sign their updates with a key they generate.
    #[cfg(debug_assertions)]
    let builder = match std::env::var("KABINET_UPDATE_PUBKEY") {
        Ok(key) => builder.pubkey(key),
        Err(_) => builder,
    };
    let found = builder
        .build()
        .map_err(refused)?
        .check()
        .await
        .map_err(refused)?;
    if let Some(update) = &found {
        log::info!(
            "update {} offered (running {})",
            update.version,
            update.current_version
        );
        status.offer(
            &update.version,
            update.body.as_deref(),
            update.date.map(|d| d.to_string()),
        );
    }
    *offered.0.lock().unwrap_or_else(|e| e.into_inner()) = found;
    Ok(status)
}

/// Downloads, verifies and installs the offered update — the very version the citizen
/// confirmed — then restarts into it.
pub async fn install<R: Runtime>(
    app: &AppHandle<R>,
    offered: &Offered,
    confirmed: &str,
) -> Result<(), ApiError> {
    let update = offered
        .0
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .filter(|update| update.version == confirmed)
        .ok_or_else(|| {
            ApiError::new(ErrorCode::NotFound)
                .with_message(format!("version {confirmed} is not offered"))
        })?;
    let bytes = update.download(|_, _| {}, || {}).await.map_err(refused)?;
    log::info!(
        "update {} downloaded and verified, installing",
        update.version
    );
    update.install(bytes).map_err(refused)?;
    log::info!("update {} installed, restarting", update.version);
    app.restart()
}

/// The endpoints in `tauri.conf.json`'s updater section.
fn built_in_endpoints<R: Runtime>(app: &AppHandle<R>) -> Vec<String> {
    app.config()
        .plugins
        .0
        .get("updater")
        .and_then(|updater| updater.get("endpoints"))
        .and_then(|list| list.as_array())
        .map(|list| {
            list.iter()
                .filter_map(|url| url.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The updater's errors as the window's: a bad signature is `update_refused`, a failed install
/// `update_failed`, a network or server problem `unavailable`. Each is logged.
fn refused(error: Error) -> ApiError {
    log::warn!("update: {error}");
    let code = match &error {
        Error::Minisign(_)
        | Error::Base64(_)
        | Error::SignatureUtf8(_)
        | Error::SignedVersionMismatch { .. }
        | Error::MissingSignedVersion
        | Error::InvalidUpdaterFormat => ErrorCode::UpdateRefused,
        Error::AuthenticationFailed
        | Error::DebInstallFailed
        | Error::PackageInstallFailed
        | Error::Io(_)
        | Error::TempDirNotFound
        | Error::TempDirNotOnSameMountPoint
        | Error::PreviousAppNotRestored(_)
        | Error::BinaryNotFoundInArchive => ErrorCode::UpdateFailed,
        _ => ErrorCode::Unavailable,
    };
    ApiError::new(code).with_message(error.to_string())
}

/// Looks for an update (at start and from the settings screen).
#[tauri::command]
pub async fn desktop_update_check(
    app: AppHandle,
    offered: State<'_, Offered>,
) -> Result<UpdateStatus, ApiError> {
    check(&app, &offered).await
}

/// Installs the offered update after the citizen confirmed it.
#[tauri::command]
pub async fn desktop_update_install(
    app: AppHandle,
    offered: State<'_, Offered>,
    version: String,
) -> Result<(), ApiError> {
    install(&app, &offered, &version).await
}
