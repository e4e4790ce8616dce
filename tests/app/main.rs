//! The desktop app package's integration tests. Building them also builds `target/debug/kabinet`
//! with the same features as the rest of `cargo test --workspace`, which is the binary the
//! desktop end-to-end tests drive (so CI does not compile the app twice).

use std::path::Path;

fn config() -> serde_json::Value {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tauri.conf.json"))
            .unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn the_app_binary_is_built_for_the_end_to_end_tests() {
    assert!(Path::new(env!("CARGO_BIN_EXE_kabinet")).is_file());
}

#[test]
fn the_config_embeds_the_built_ui_instead_of_a_dev_server() {
    let config = config();
    // Without devUrl a plain cargo build embeds ui/dist, so tests and `./x run` see the real UI.
    assert!(config["build"].get("devUrl").is_none());
    assert_eq!(config["build"]["frontendDist"], "ui/dist");
}

#[test]
fn the_window_and_bundle_carry_the_russian_product_identity() {
    let config = config();
    assert_eq!(config["productName"], "Kabinet");
    assert_eq!(config["identifier"], "ru.kabinet.desktop");
    assert_eq!(config["app"]["windows"][0]["title"], "Кабинет");
    for icon in config["bundle"]["icon"].as_array().unwrap() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(icon.as_str().unwrap());
        assert!(path.is_file(), "missing icon {}", path.display());
    }
}
