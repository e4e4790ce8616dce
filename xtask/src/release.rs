//! The updater's `latest.json` for a release folder: every installer in it signed with the
//! release key (`tauri signer sign`, the signature bound to the version) and listed under the
//! platform key the updater looks for (`linux-x86_64-deb`, `windows-x86_64-nsis`, …).
//!
//! The key comes from `TAURI_SIGNING_PRIVATE_KEY` (the key text) or
//! `TAURI_SIGNING_PRIVATE_KEY_PATH`, with `TAURI_SIGNING_PRIVATE_KEY_PASSWORD`; it is never
//! written anywhere by this task.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Result;

/// What `release-manifest` needs.
pub struct Release {
    /// The folder holding the installers; `latest.json` and the `.sig` files go here too.
    pub dir: PathBuf,
    /// The version the installers carry.
    pub version: String,
    /// Where the folder will be published (`https://updates.example/stable/`).
    pub base_url: String,
    /// What the update prompt shows.
    pub notes: String,
}

/// Whether a signing key is configured in the environment.
pub fn has_signing_key() -> bool {
    [
        "TAURI_SIGNING_PRIVATE_KEY",
        "TAURI_SIGNING_PRIVATE_KEY_PATH",
    ]
    .iter()
    .any(|name| std::env::var(name).is_ok_and(|v| !v.is_empty()))
}

/// The updater's platform keys an installer serves, by its file name; none for other files.
fn platform_keys(file_name: &str, arch: &str) -> Vec<String> {
    let keys: &[&str] = if file_name.ends_with(".deb") {
        &["linux-{arch}-deb"]
    } else if file_name.ends_with(".rpm") {
        &["linux-{arch}-rpm"]
    } else if file_name.ends_with(".AppImage") {
        // An AppImage is also what a copy running outside any package replaces itself with.
        &["linux-{arch}-appimage", "linux-{arch}"]
    } else if file_name.ends_with(".app.tar.gz") {
        &["darwin-{arch}-app", "darwin-{arch}"]
    } else if file_name.ends_with(".msi") {
        &["windows-{arch}-msi"]
    } else if file_name.ends_with("-setup.exe") {
        &["windows-{arch}-nsis", "windows-{arch}"]
    } else {
        &[]
    };
    keys.iter().map(|key| key.replace("{arch}", arch)).collect()
}

/// Signs every installer in the folder and writes `latest.json`; returns its path.
pub fn write_manifest(release: &Release) -> Result<PathBuf> {
    if !has_signing_key() {
        return Err("no signing key: set TAURI_SIGNING_PRIVATE_KEY or TAURI_SIGNING_PRIVATE_KEY_PATH (and TAURI_SIGNING_PRIVATE_KEY_PASSWORD)".into());
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&release.dir)
        .map_err(|e| format!("{}: {e}", release.dir.display()))?
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    let mut platforms = serde_json::Map::new();
    for file in files {
        let name = file_name(&file)?;
        let keys = platform_keys(&name, std::env::consts::ARCH);
        if keys.is_empty() {
            continue;
        }
        let signature = sign(&file, &release.version)?;
        let url = format!("{}/{}", release.base_url.trim_end_matches('/'), name);
        for key in keys {
            let entry = serde_json::json!({ "url": url, "signature": signature });
            if platforms.insert(key.clone(), entry).is_some() {
                return Err(format!(
                    "two installers for {key} in {}: keep one",
                    release.dir.display()
                ));
            }
        }
    }
    if platforms.is_empty() {
        return Err(format!("no installers in {}", release.dir.display()));
    }
    let manifest = serde_json::json!({
        "version": release.version,
        "notes": release.notes,
        "pub_date": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "platforms": platforms,
    });
    let path = release.dir.join("latest.json");
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?;
    std::fs::write(&path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

fn file_name(path: &Path) -> Result<String> {
    path.file_name()
        .and_then(|name| name.to_str())
        .map(str::to_owned)
        .ok_or_else(|| format!("{}: not a UTF-8 file name", path.display()))
}

/// `tauri signer sign` writes `<file>.sig`, the base64 text the manifest carries.
fn sign(file: &Path, version: &str) -> Result<String> {
    let mut cmd = Command::new("npx");
    cmd.args([
        "--no-install",
        "tauri",
        "signer",
        "sign",
        "--app-version",
        version,
    ])
    .arg(file)
    .stdout(std::process::Stdio::null());
    crate::exec(&format!("sign {}", file.display()), &mut cmd)?;
    let sig = PathBuf::from(format!("{}.sig", file.display()));
    let text = std::fs::read_to_string(&sig).map_err(|e| format!("{}: {e}", sig.display()))?;
    Ok(text.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn installers_map_to_the_updaters_platform_keys() {
        assert_eq!(
            platform_keys("Kabinet_0.2.0_amd64.deb", "x86_64"),
            ["linux-x86_64-deb"]
        );
        assert_eq!(
            platform_keys("Kabinet-0.2.0-1.x86_64.rpm", "x86_64"),
            ["linux-x86_64-rpm"]
        );
        assert_eq!(
            platform_keys("Kabinet_0.2.0_amd64.AppImage", "x86_64"),
            ["linux-x86_64-appimage", "linux-x86_64"]
        );
        assert_eq!(
            platform_keys("Kabinet_0.2.0_x64-setup.exe", "x86_64"),
            ["windows-x86_64-nsis", "windows-x86_64"]
        );
        assert!(platform_keys("latest.json", "x86_64").is_empty());
        assert!(platform_keys("Kabinet_0.2.0_amd64.deb.sig", "x86_64").is_empty());
    }
}
