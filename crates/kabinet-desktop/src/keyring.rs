//! The OS keyring through `keyring-core`: the macOS Keychain, the Windows Credential Manager,
//! and on Linux the desktop's Secret Service (GNOME Keyring, KWallet) when one answers a probe
//! write, else the kernel keyring (keyutils) — which keeps entries only until the machine
//! restarts. Entries are named `kabinet` / `<name>`.
//! Keyring calls may block on D-Bus or the kernel; they are short and made rarely (at start,
//! at sign-in and sign-out).

use std::sync::Arc;

use keyring_core::{CredentialStore, Entry};

/// A keyring failure, worded for the log and the citizen's error message.
#[derive(Debug)]
pub struct KeyringError(pub String);

impl std::fmt::Display for KeyringError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the OS keyring refused: {}", self.0)
    }
}

impl std::error::Error for KeyringError {}

/// Kabinet's entries in one credential store.
#[derive(Clone)]
pub struct Keyring {
    store: Arc<CredentialStore>,
    kind: &'static str,
    service: String,
}

impl Keyring {
    /// The platform's store; `service` names Kabinet's entries (tests use their own).
    pub fn platform(service: &str) -> Result<Self, KeyringError> {
        let (store, kind) = platform_store(service)?;
        Ok(Self {
            store,
            kind,
            service: service.to_owned(),
        })
    }

    /// Which store holds the entries: `secret-service`, `keyutils`, `keychain` or `windows`.
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    fn entry(&self, name: &str) -> Result<Entry, KeyringError> {
        self.store.build(&self.service, name, None).map_err(err)
    }

    /// The secret called `name`, if there is one.
    pub fn get(&self, name: &str) -> Result<Option<String>, KeyringError> {
        match self.entry(name)?.get_password() {
            Ok(value) => Ok(Some(value)),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(err(e)),
        }
    }

    /// Stores `value` as `name`, replacing what was there.
    pub fn set(&self, name: &str, value: &str) -> Result<(), KeyringError> {
        self.entry(name)?.set_password(value).map_err(err)
    }

    /// Removes `name`; removing what is not there is not an error.
    pub fn delete(&self, name: &str) -> Result<(), KeyringError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(err(e)),
        }
    }

    /// A 32-byte key called `name`, made from the OS random source and stored on first use.
    pub fn key(&self, name: &str) -> Result<[u8; 32], KeyringError> {
        if let Some(text) = self.get(name)?
            && let Ok(key) = <[u8; 32]>::try_from(hex::decode(text.trim()).unwrap_or_default())
        {
            return Ok(key);
        }
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| KeyringError(e.to_string()))?;
        self.set(name, &hex::encode(key))?;
        Ok(key)
    }
}

fn err(e: keyring_core::Error) -> KeyringError {
    KeyringError(e.to_string())
}

type Chosen = (Arc<CredentialStore>, &'static str);

#[cfg(target_os = "linux")]
fn platform_store(service: &str) -> Result<Chosen, KeyringError> {
    if let Some(store) = secret_service(service) {
        return Ok((store, "secret-service"));
    }
    let store: Arc<CredentialStore> = linux_keyutils_keyring_store::Store::new().map_err(err)?;
    Ok((store, "keyutils"))
}

/// The Secret Service, if a session bus is there and it holds Kabinet's pepper (the usual
/// start: one read) or a probe entry can be written and removed (a locked or absent keyring
/// daemon fails the probe). Writing is what makes the daemon rewrite its keyring file, so it
/// is left for the first start.
#[cfg(target_os = "linux")]
fn secret_service(service: &str) -> Option<Arc<CredentialStore>> {
    std::env::var_os("DBUS_SESSION_BUS_ADDRESS")?;
    let store: Arc<CredentialStore> = dbus_secret_service_keyring_store::Store::new().ok()?;
    if let Ok(entry) = store.build(service, "pepper", None)
        && entry.get_password().is_ok()
    {
        return Some(store);
    }
    let probe = store.build(service, "probe", None).ok()?;
    probe.set_password("probe").ok()?;
    probe.delete_credential().ok()?;
    Some(store)
}

#[cfg(target_os = "macos")]
fn platform_store(_service: &str) -> Result<Chosen, KeyringError> {
    let store: Arc<CredentialStore> =
        apple_native_keyring_store::keychain::Store::new().map_err(err)?;
    Ok((store, "keychain"))
}

#[cfg(target_os = "windows")]
fn platform_store(_service: &str) -> Result<Chosen, KeyringError> {
    let store: Arc<CredentialStore> = windows_native_keyring_store::Store::new().map_err(err)?;
    Ok((store, "windows"))
}
