//! The `kabinet-sim` command as the end-to-end tests run it (which also has `cargo test` build
//! the executable they start): `token` makes an authority and a SoftHSM2 token and prints where
//! they are as one JSON line; a wrong command says so and fails.

use std::process::Command;

fn sim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kabinet-sim"))
}

#[test]
fn token_prints_the_authority_and_the_token_it_made() {
    let out = tempfile::tempdir().unwrap();
    let done = sim()
        .args(["token", "--out"])
        .arg(out.path())
        .args(["--snils", "112-233-445 95", "--pin", "87654321"])
        .output()
        .expect("run kabinet-sim");
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let printed: serde_json::Value = serde_json::from_slice(&done.stdout).unwrap();
    for file in ["authority", "crl", "key", "softhsm_conf"] {
        let path = printed[file].as_str().unwrap_or_default();
        assert!(
            std::path::Path::new(path).is_file(),
            "{file}: {path} was written"
        );
    }
    assert!(
        printed["module"]
            .as_str()
            .is_some_and(|m| m.ends_with(".so")),
        "a PKCS#11 library: {printed}"
    );
    assert!(
        !printed["token_serial"]
            .as_str()
            .unwrap_or_default()
            .is_empty()
    );
}

#[test]
fn an_unknown_party_is_refused() {
    let done = sim().arg("nobody").output().expect("run kabinet-sim");
    assert!(!done.status.success());
    assert!(!done.stderr.is_empty());
}
