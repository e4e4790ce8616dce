//! The native menu, in Russian: «Файл», «Правка», «Вид», «Справка».

use tauri::menu::{Menu, MenuItem, PredefinedMenuItem, Submenu};
use tauri::{AppHandle, Manager, Runtime};

/// The id of «Справка → Помощь», which opens the help screen.
pub const HELP: &str = "help";

/// Builds the menu bar.
pub fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    let file = Submenu::with_items(
        app,
        "Файл",
        true,
        &[&PredefinedMenuItem::quit(app, Some("Выход"))?],
    )?;
    let edit = Submenu::with_items(
        app,
        "Правка",
        true,
        &[
            &PredefinedMenuItem::undo(app, Some("Отменить"))?,
            &PredefinedMenuItem::redo(app, Some("Повторить"))?,
            &PredefinedMenuItem::separator(app)?,
            &PredefinedMenuItem::cut(app, Some("Вырезать"))?,
            &PredefinedMenuItem::copy(app, Some("Копировать"))?,
            &PredefinedMenuItem::paste(app, Some("Вставить"))?,
            &PredefinedMenuItem::select_all(app, Some("Выделить всё"))?,
        ],
    )?;
    let view = Submenu::with_items(
        app,
        "Вид",
        true,
        &[&PredefinedMenuItem::fullscreen(app, Some("Во весь экран"))?],
    )?;
    let help = Submenu::with_items(
        app,
        "Справка",
        true,
        &[&MenuItem::with_id(app, HELP, "Помощь", true, None::<&str>)?],
    )?;
    Menu::with_items(app, &[&file, &edit, &view, &help])
}

/// «Справка → Помощь» opens the help screen in the main window.
pub fn on_event<R: Runtime>(app: &AppHandle<R>, id: &str) {
    if id == HELP
        && let Some(window) = app.get_webview_window("main")
    {
        let _ = window.eval("location.hash = '#/help'");
    }
}
