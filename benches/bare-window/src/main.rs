//! The start-up benchmark's baseline: the smallest Tauri app that shows a page and tells the
//! benchmark it is interactive, through the same command name and log line as Kabinet.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// The page calls this on its first frame, with when it began loading (milliseconds since the
/// Unix epoch) and when the frame came (milliseconds after that), for the log.
#[tauri::command]
fn desktop_ready(started: tauri::State<'_, (Instant, SystemTime)>, origin_ms: f64, frame_ms: f64) {
    let start = started.1.duration_since(UNIX_EPOCH).unwrap_or_default();
    eprintln!(
        "window interactive {} ms after start (the page began loading at {:.0} ms, its first frame {:.0} ms later)",
        started.0.elapsed().as_millis(),
        origin_ms - start.as_secs_f64() * 1000.0,
        frame_ms
    );
}

fn main() {
    let started = (Instant::now(), SystemTime::now());
    let built = tauri::Builder::default()
        .manage(started)
        .invoke_handler(tauri::generate_handler![desktop_ready])
        .run(tauri::generate_context!());
    if let Err(error) = built {
        eprintln!("bare-window: {error}");
        std::process::exit(1);
    }
}
