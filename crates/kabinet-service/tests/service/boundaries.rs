//! The service's seams, checked on its sources: it does not depend on SeaORM, reaches the
//! database only through kabinet-store's typed operations, and writes accounts only through
//! the state machine.

use std::path::{Path, PathBuf};

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_manifest_has_no_sea_orm() {
    let manifest = std::fs::read_to_string(crate_dir().join("Cargo.toml")).unwrap();
    let manifest: toml::Table = manifest.parse().unwrap();
    for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
        if let Some(deps) = manifest.get(section).and_then(|d| d.as_table()) {
            for name in deps.keys() {
                assert!(
                    !name.starts_with("sea-orm") && !name.starts_with("sqlx"),
                    "kabinet-service [{section}] names {name}: the database is kabinet-store's"
                );
            }
        }
    }
}

#[test]
fn no_source_reaches_past_the_store_api() {
    let mut files = Vec::new();
    sources(&crate_dir().join("src"), &mut files);
    sources(&crate_dir().join("tests"), &mut files);
    let this = file!().rsplit('/').next().unwrap();
    for file in files.iter().filter(|f| !f.ends_with(this)) {
        let text = std::fs::read_to_string(file).unwrap();
        for forbidden in ["sea_orm", "sqlx", "kabinet_store::entity", ".connection()"] {
            assert!(
                !text.contains(forbidden),
                "{} uses {forbidden}",
                file.display()
            );
        }
    }
}

#[test]
fn accounts_change_only_through_the_state_machine() {
    let mut files = Vec::new();
    sources(&crate_dir().join("src"), &mut files);
    for file in files.iter().filter(|f| !f.ends_with("repo.rs")) {
        let text = std::fs::read_to_string(file).unwrap();
        for write in ["write_account", "AccountWrite"] {
            assert!(
                !text.contains(write),
                "{} writes an account outside repo.rs ({write})",
                file.display()
            );
        }
    }
}
