//! The desktop's settings, in `settings.json` of the OS config folder: which backend to use, the
//! server's address, where the embedded service keeps its data, the release channel. Nothing
//! secret is kept here: the password of a PostgreSQL database is in the OS keyring (entry
//! `database-password`), and an address with a password in it is refused. A bad value is named
//! by its field.

use std::path::{Path, PathBuf};

use kabinet_api::{ApiError, ErrorCode};

use crate::Keyring;
use crate::updates::Channel;

/// The keyring entry of the embedded service's PostgreSQL password.
pub const DATABASE_PASSWORD_ENTRY: &str = "database-password";

/// What the settings screen shows: the settings and whether a database password is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SettingsView {
    /// The saved settings.
    #[serde(flatten)]
    pub settings: Settings,
    /// Whether the keyring holds a password for `database_url` (never the password itself).
    pub database_password_saved: bool,
}
use serde::{Deserialize, Serialize};

/// Where the desktop's operations go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum BackendChoice {
    /// The service in this process, SQLite in the app-data folder, simulators on.
    #[default]
    Embedded,
    /// A Kabinet server at `server_url`.
    Remote,
    /// A service-centre workstation: the server at `server_url`, and a replica of the centre's
    /// citizens in the app-data folder for when the server cannot be reached.
    Workstation,
}

/// What the settings screen shows and saves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Settings {
    /// Embedded or remote.
    #[serde(default)]
    pub backend: BackendChoice,
    /// The server for the remote backend (`https://kabinet.example`).
    #[serde(default)]
    pub server_url: String,
    /// The embedded service's database: empty for SQLite in the app-data folder, or a PostgreSQL
    /// address without its password (`postgres://kabinet@db.centre.example/kabinet`).
    #[serde(default)]
    pub database_url: String,
    /// The release channel to follow (a workstation policy may fix it).
    #[serde(default)]
    pub update_channel: Channel,
    /// The PKCS#11 library of the citizen's signature token; empty: the first of the known
    /// vendors' libraries found on this computer (a workstation policy may fix it).
    #[serde(default)]
    pub pkcs11_module: String,
}

impl Settings {
    /// The file in `config_dir`.
    pub fn path(config_dir: &Path) -> PathBuf {
        config_dir.join("settings.json")
    }

    /// The saved settings; those of a first start ([`Settings::first_start`]) when there is no
    /// file or it cannot be read.
    pub fn load(config_dir: &Path, server_url: Option<&str>) -> Self {
        std::fs::read(Self::path(config_dir))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_else(|| Self::first_start(server_url))
    }

    /// The saved settings, a first start taking its server from the workstation policy.
    pub fn load_with_policy(config_dir: &Path) -> Self {
        let policy = crate::Policy::load(&crate::Policy::system_path()).unwrap_or_default();
        Self::load(config_dir, policy.server_url.as_deref())
    }

    /// The settings of a first start. A release build talks to the portal's server — the
    /// address the workstation policy names (`server_url`), else the one the build was made
    /// with (`KABINET_SERVER_URL` at compile time), else none yet, which the settings screen
    /// asks for. The embedded demo (simulators, data only on this computer) is the default
    /// only of a developer's debug build; a release offers it in the settings, labelled so.
    pub fn first_start(server_url: Option<&str>) -> Self {
        Self::first_start_of(!cfg!(debug_assertions), server_url)
    }

    /// [`Settings::first_start`] of a release build or of a debug one.
    pub fn first_start_of(release: bool, server_url: Option<&str>) -> Self {
        if !release {
            return Self::default();
        }
        Self {
            backend: BackendChoice::Remote,
            server_url: server_url
                .or(option_env!("KABINET_SERVER_URL"))
                .unwrap_or_default()
                .to_owned(),
            ..Self::default()
        }
    }

    /// Checks and writes the settings; a wrong server address is named by its field.
    pub fn save(&self, config_dir: &Path) -> Result<(), ApiError> {
        self.check()?;
        std::fs::create_dir_all(config_dir).map_err(crate::unavailable)?;
        let json = serde_json::to_vec_pretty(self)
            .map_err(|e| ApiError::new(ErrorCode::Internal).with_message(e.to_string()))?;
        std::fs::write(Self::path(config_dir), json).map_err(crate::unavailable)
    }

    /// Checks the settings and saves them; a database password goes to the keyring (a new one
    /// replaces the kept one, none keeps it for the same address) and is removed with the
    /// database address or when the address changes without a new one — a kept password never
    /// follows the settings to another database.
    pub fn save_with_password(
        &self,
        config_dir: &Path,
        keyring: &Keyring,
        database_password: Option<&str>,
    ) -> Result<(), ApiError> {
        self.check()?;
        let address = self.database_url.trim();
        match database_password.filter(|p| !p.is_empty()) {
            Some(password) if !address.is_empty() => {
                let kept = KeptPassword {
                    address: address.to_owned(),
                    password: password.to_owned(),
                };
                let text = serde_json::to_string(&kept)
                    .map_err(|e| ApiError::new(ErrorCode::Internal).with_message(e.to_string()))?;
                keyring
                    .set(DATABASE_PASSWORD_ENTRY, &text)
                    .map_err(crate::unavailable)?;
            }
            _ if kept_password(keyring, address).is_none() => {
                keyring
                    .delete(DATABASE_PASSWORD_ENTRY)
                    .map_err(crate::unavailable)?;
            }
            _ => {}
        }
        self.save(config_dir)
    }

    /// Whether the keyring holds a password for this `database_url`.
    pub fn database_password_saved(&self, keyring: &Keyring) -> bool {
        kept_password(keyring, self.database_url.trim()).is_some()
    }

    /// The embedded service's database URL: SQLite in `data_dir`, or the PostgreSQL address with
    /// the password kept for it put in (only in memory).
    pub fn embedded_database_url(
        &self,
        data_dir: &Path,
        keyring: &Keyring,
    ) -> Result<String, String> {
        let address = self.database_url.trim();
        if address.is_empty() {
            return Ok(kabinet_store::connect::sqlite_url_in(data_dir, "embedded"));
        }
        let mut url = url::Url::parse(address).map_err(|e| format!("database_url: {e}"))?;
        if let Some(password) = kept_password(keyring, address) {
            url.set_password(Some(&password))
                .map_err(|()| "database_url: cannot hold a password".to_owned())?;
        }
        Ok(url.into())
    }

    /// A remote backend needs an `http://` or `https://` address with a host; an embedded one
    /// on PostgreSQL a `postgres://` address with a host and without a password.
    pub fn check(&self) -> Result<(), ApiError> {
        // Checked whatever the backend, so no password reaches the file by way of a choice
        // the citizen is leaving.
        if let Some(rule) = database_rule(self.database_url.trim()) {
            return Err(ApiError::field("database_url", rule));
        }
        if self.backend == BackendChoice::Embedded {
            return Ok(());
        }
        let url = self.server_url.trim();
        let rule = if url.is_empty() {
            Some("required")
        } else {
            let rest = url
                .strip_prefix("https://")
                .or_else(|| url.strip_prefix("http://"));
            match rest {
                Some(host)
                    if !host.is_empty()
                        && !host.starts_with('/')
                        && !host.contains(char::is_whitespace) =>
                {
                    None
                }
                _ => Some("url_format"),
            }
        };
        match rule {
            None => Ok(()),
            Some(rule) => Err(ApiError::field("server_url", rule)),
        }
    }
}

/// A database password in the keyring, with the address it was given for.
#[derive(Serialize, Deserialize)]
struct KeptPassword {
    address: String,
    password: String,
}

/// The password kept for `address`, if the keyring holds one for exactly that address.
fn kept_password(keyring: &Keyring, address: &str) -> Option<String> {
    let text = keyring.get(DATABASE_PASSWORD_ENTRY).ok().flatten()?;
    let kept: KeptPassword = serde_json::from_str(&text).ok()?;
    (!address.is_empty() && kept.address == address).then_some(kept.password)
}

/// The rule a PostgreSQL address breaks, if any (empty means SQLite, which is fine).
fn database_rule(address: &str) -> Option<&'static str> {
    if address.is_empty() {
        return None;
    }
    match url::Url::parse(address) {
        Ok(url)
            if matches!(url.scheme(), "postgres" | "postgresql")
                && url.host_str().is_some_and(|h| !h.is_empty()) =>
        {
            // The password belongs in the keyring, never in a file.
            let in_query = url
                .query_pairs()
                .any(|(key, _)| key.eq_ignore_ascii_case("password"));
            (url.password().is_some() || in_query).then_some("password_in_url")
        }
        _ => Some("postgres_url_format"),
    }
}
