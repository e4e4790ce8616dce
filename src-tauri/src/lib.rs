//! The Kabinet desktop shell: builds the Tauri app around the web UI in `ui/`.
//!
//! This crate is the only one that depends on `tauri`. It stays thin: plugins, window setup and
//! commands that decode their input, call the service and encode the answer.

/// Builds and runs the desktop app until its last window closes.
pub fn run() {
    let context = tauri::generate_context!("tauri.conf.json");
    if let Err(error) = tauri::Builder::default().run(context) {
        eprintln!("kabinet: the app could not start: {error}");
        std::process::exit(1);
    }
}
