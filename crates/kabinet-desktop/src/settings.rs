//! The desktop's settings, in `settings.json` of the OS config folder: which backend to use and
//! the server's address, the release channel. Nothing secret is kept here. A bad value is named by its field.

use std::path::{Path, PathBuf};

use kabinet_api::{ApiError, ErrorCode};

use crate::updates::Channel;
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

    /// A remote backend needs an `http://` or `https://` address with a host.
    pub fn check(&self) -> Result<(), ApiError> {
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
