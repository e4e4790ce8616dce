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
}

impl Settings {
    /// The file in `config_dir`.
    pub fn path(config_dir: &Path) -> PathBuf {
        config_dir.join("settings.json")
    }

    /// The saved settings; the defaults when there is no file or it cannot be read.
    pub fn load(config_dir: &Path) -> Self {
        std::fs::read(Self::path(config_dir))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// Checks and writes the settings; a wrong server address is named by its field.
    pub fn save(&self, config_dir: &Path) -> Result<(), ApiError> {
        self.check()?;
        let io =
            |e: std::io::Error| ApiError::new(ErrorCode::Unavailable).with_message(e.to_string());
        std::fs::create_dir_all(config_dir).map_err(io)?;
        let json = serde_json::to_vec_pretty(self)
            .map_err(|e| ApiError::new(ErrorCode::Internal).with_message(e.to_string()))?;
        std::fs::write(Self::path(config_dir), json).map_err(io)
    }

    /// Checks the settings and saves them; a database password goes to the keyring (a new one
    /// replaces the kept one, none keeps it) and is removed with the database address.
    pub fn save_with_password(
        &self,
        config_dir: &Path,
        keyring: &Keyring,
        database_password: Option<&str>,
    ) -> Result<(), ApiError> {
        self.check()?;
        let refused = |e: crate::KeyringError| {
            ApiError::new(ErrorCode::Unavailable).with_message(e.to_string())
        };
        if self.database_url.trim().is_empty() {
            keyring.delete(DATABASE_PASSWORD_ENTRY).map_err(refused)?;
        } else if let Some(password) = database_password.filter(|p| !p.is_empty()) {
            keyring
                .set(DATABASE_PASSWORD_ENTRY, password)
                .map_err(refused)?;
        }
        self.save(config_dir)
    }

    /// The embedded service's database URL: SQLite in `data_dir`, or the PostgreSQL address with
    /// the password from the keyring put in (only in memory).
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
        if let Some(password) = keyring
            .get(DATABASE_PASSWORD_ENTRY)
            .map_err(|e| e.to_string())?
        {
            url.set_password(Some(&password))
                .map_err(|()| "database_url: cannot hold a password".to_owned())?;
        }
        Ok(url.into())
    }

    /// A remote backend needs an `http://` or `https://` address with a host; an embedded one
    /// on PostgreSQL a `postgres://` address with a host and without a password.
    pub fn check(&self) -> Result<(), ApiError> {
        if self.backend == BackendChoice::Embedded {
            return match database_rule(self.database_url.trim()) {
                None => Ok(()),
                Some(rule) => Err(ApiError::field("database_url", rule)),
            };
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
            url.password().is_some().then_some("password_in_url")
        }
        _ => Some("postgres_url_format"),
    }
}
