//! The window's size and position, remembered. The plugin saves them at a normal exit; an app
//! that is killed (a crash, a power cut, a test driver) would lose them, so a resize or move is
//! saved shortly after it happens — one save per burst of events, after the plugin has noted
//! the new geometry.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tauri::{AppHandle, Manager, Runtime, Window, WindowEvent};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

const SETTLE: Duration = Duration::from_millis(300);
static PENDING: AtomicBool = AtomicBool::new(false);

fn save<R: Runtime>(app: &AppHandle<R>) {
    if let Err(e) = app.save_window_state(StateFlags::all()) {
        log::warn!("the window's state was not saved: {e}");
    }
}

/// Schedules a save after a resize or move; saves at once when the window closes.
pub fn on_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    match event {
        WindowEvent::Resized(_) | WindowEvent::Moved(_) => {
            if PENDING.swap(true, Ordering::AcqRel) {
                return; // a save is already on its way
            }
            let app = window.app_handle().clone();
            tauri::async_runtime::spawn(async move {
                tokio::time::sleep(SETTLE).await;
                PENDING.store(false, Ordering::Release);
                save(&app);
            });
        }
        WindowEvent::CloseRequested { .. } => save(window.app_handle()),
        _ => {}
    }
}
