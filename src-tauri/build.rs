//! Build script of the desktop app: reads the root `tauri.conf.json` and the capabilities kept
//! under `src-tauri/capabilities`.

fn main() {
    let attributes =
        tauri_build::Attributes::new().capabilities_path_pattern("./src-tauri/capabilities/**/*");
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {error:#}");
    }
}
