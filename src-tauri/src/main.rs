//! The `kabinet` desktop binary: glue only, the app is built in the library.

// Keep a console window from opening next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    kabinet_app::run();
}
