//! The start-up benchmark's baseline: the smallest Tauri app that shows a page and tells the
//! benchmark it is interactive, through the same command name and log line as Kabinet.

use std::time::Instant;

/// The page calls this once it has run its script.
#[tauri::command]
fn desktop_ready(started: tauri::State<'_, Instant>) {
    eprintln!(
        "window interactive {} ms after start",
        started.elapsed().as_millis()
    );
}

fn main() {
    let started = Instant::now();
    let built = tauri::Builder::default()
        .manage(started)
        .invoke_handler(tauri::generate_handler![desktop_ready])
        .run(tauri::generate_context!());
    if let Err(error) = built {
        eprintln!("bare-window: {error}");
        std::process::exit(1);
    }
}
