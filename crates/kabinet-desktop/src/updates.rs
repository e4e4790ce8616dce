//! Which updates this installation looks for: the citizen's channel from the settings, under the
//! workstation policy an administrator may put on the machine.
//!
//! The policy is a JSON file outside the citizen's reach (`/etc/kabinet/policy.json` on Linux,
//! `/Library/Application Support/Kabinet/policy.json` on macOS, `%ProgramData%\Kabinet\policy.json`
//! on Windows; `KABINET_POLICY_FILE` names another in debug builds, for the tests). It can turn updates off, pin the one version
//! a service centre has approved, force a channel or point at the centre's own mirror. A policy
//! file that exists but cannot be read turns updates off: a broken policy must not quietly let
//! updates through on a workstation that meant to control them.
//!
//! Fetching, verifying the signature and installing are the updater plugin's job in the app
//! crate; this module decides whether to look, where, and which offered version to accept.

use std::path::{Path, PathBuf};

use semver::Version;
use serde::{Deserialize, Serialize};

/// The release channel a citizen follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Releases for everyone.
    #[default]
    Stable,
    /// Releases a few weeks earlier, for those who help test them.
    Beta,
}

impl Channel {
    /// The channel's name in endpoint addresses.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Stable => "stable",
            Self::Beta => "beta",
        }
    }
}

/// Whether the workstation lets the app update itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum UpdatesAllowed {
    /// Look for updates at start and on demand; install on the citizen's confirmation.
    #[default]
    Automatic,
    /// Never look; the administrator installs new versions.
    Disabled,
}

/// The workstation policy file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// On or off.
    #[serde(default)]
    pub updates: UpdatesAllowed,
    /// The only version this workstation may move to (it may be older than the running one).
    #[serde(default)]
    pub pinned_version: Option<String>,
    /// A channel the citizen cannot change.
    #[serde(default)]
    pub update_channel: Option<Channel>,
    /// The centre's own mirror of the update manifest; `{{channel}}`, `{{target}}`, `{{arch}}`
    /// and `{{current_version}}` are filled in.
    #[serde(default)]
    pub update_endpoint: Option<String>,
    /// The portal's server a first start talks to (the settings may name another later).
    #[serde(default)]
    pub server_url: Option<String>,
    /// The PKCS#11 library of the centre's signature tokens; when set, the citizen's setting
    /// is not used.
    #[serde(default)]
    pub pkcs11_module: Option<std::path::PathBuf>,
}

/// Why the policy could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError(pub String);

impl Policy {
    /// Where this OS keeps the policy. Only a debug build (the tests) lets
    /// `KABINET_POLICY_FILE` name another: in a release the citizen's environment must not be able
    /// to swap the administrator's policy for one of their own.
    pub fn system_path() -> PathBuf {
        #[cfg(debug_assertions)]
        if let Some(path) = std::env::var_os("KABINET_POLICY_FILE") {
            return path.into();
        }
        if cfg!(target_os = "windows") {
            // A fixed path, not %ProgramData%, which the citizen's environment could redirect.
            PathBuf::from(r"C:\ProgramData\Kabinet\policy.json")
        } else if cfg!(target_os = "macos") {
            PathBuf::from("/Library/Application Support/Kabinet/policy.json")
        } else {
            PathBuf::from("/etc/kabinet/policy.json")
        }
    }

    /// The policy at `path`: none (the defaults) when there is no file, an error when there is
    /// one that cannot be read or understood.
    pub fn load(path: &Path) -> Result<Self, PolicyError> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => return Err(PolicyError(format!("{}: {e}", path.display()))),
        };
        let policy: Self = serde_json::from_slice(&bytes)
            .map_err(|e| PolicyError(format!("{}: {e}", path.display())))?;
        if let Some(pin) = &policy.pinned_version {
            Version::parse(pin.trim())
                .map_err(|e| PolicyError(format!("{}: pinned_version: {e}", path.display())))?;
        }
        Ok(policy)
    }
}

/// Why no update is looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DisabledBy {
    /// The workstation policy turns updates off.
    Policy,
    /// The policy file exists but cannot be read.
    BrokenPolicy,
}

/// What the updater should do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdatePlan {
    /// Do not look.
    Disabled(DisabledBy),
    /// Look at these manifests and accept what [`accepts`] accepts.
    Check {
        /// Manifest addresses, the channel filled in.
        endpoints: Vec<String>,
        /// The channel followed.
        channel: Channel,
        /// The one version allowed, when pinned.
        pinned: Option<Version>,
    },
}

impl UpdatePlan {
    /// The plan for `policy` (or the error reading it), the citizen's `channel`, and the
    /// endpoints the app was built with.
    pub fn new(
        policy: Result<&Policy, &PolicyError>,
        channel: Channel,
        built_in: &[String],
    ) -> Self {
        let policy = match policy {
            Ok(policy) => policy,
            Err(_) => return Self::Disabled(DisabledBy::BrokenPolicy),
        };
        if policy.updates == UpdatesAllowed::Disabled {
            return Self::Disabled(DisabledBy::Policy);
        }
        let channel = policy.update_channel.unwrap_or(channel);
        let templates: Vec<&str> = match &policy.update_endpoint {
            Some(mirror) => vec![mirror.as_str()],
            None => built_in.iter().map(String::as_str).collect(),
        };
        let endpoints = templates
            .into_iter()
            .map(|template| with_channel(template, channel))
            .collect();
        let pinned = policy
            .pinned_version
            .as_deref()
            .and_then(|pin| Version::parse(pin.trim()).ok());
        Self::Check {
            endpoints,
            channel,
            pinned,
        }
    }
}

/// What the window shows about updates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpdateStatus {
    /// The running version.
    pub current_version: String,
    /// The channel followed.
    pub channel: Channel,
    /// Whether the workstation policy fixes the channel.
    pub channel_locked: bool,
    /// Set when updates are off, with the reason.
    pub disabled_by: Option<DisabledBy>,
    /// The one version the workstation may move to.
    pub pinned_version: Option<String>,
    /// The version offered, when there is one to install.
    pub offered_version: Option<String>,
    /// Its release notes.
    pub notes: Option<String>,
    /// Its publication date.
    pub published: Option<String>,
}

impl UpdateStatus {
    /// The status before (or without) a check: nothing offered yet.
    pub fn new(current_version: &str, plan: &UpdatePlan, policy: Option<&Policy>) -> Self {
        let (channel, disabled_by, pinned) = match plan {
            UpdatePlan::Disabled(why) => (Channel::default(), Some(*why), None),
            UpdatePlan::Check {
                channel, pinned, ..
            } => (*channel, None, pinned.as_ref().map(Version::to_string)),
        };
        Self {
            current_version: current_version.to_owned(),
            channel,
            channel_locked: policy.is_some_and(|p| p.update_channel.is_some()),
            disabled_by,
            pinned_version: pinned,
            offered_version: None,
            notes: None,
            published: None,
        }
    }

    /// Records the update a check found.
    pub fn offer(&mut self, version: &str, notes: Option<&str>, published: Option<String>) {
        self.offered_version = Some(version.to_owned());
        self.notes = notes.map(str::to_owned);
        self.published = published;
    }
}

/// Fills `{{channel}}` in an endpoint, also where a URL parser has percent-encoded the braces.
fn with_channel(template: &str, channel: Channel) -> String {
    template
        .replace("{{channel}}", channel.as_str())
        .replace("%7B%7Bchannel%7D%7D", channel.as_str())
}

/// Whether the version a manifest offers is one to install: a newer one, or, when pinned,
/// exactly the pinned one (even an older one: the centre decides) and never anything else.
pub fn accepts(current: &Version, offered: &Version, pinned: Option<&Version>) -> bool {
    match pinned {
        Some(pin) => offered == pin && offered != current,
        None => offered > current,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn without_a_pin_only_a_newer_version_is_accepted() {
        assert!(accepts(&v("0.1.0"), &v("0.2.0"), None));
        assert!(!accepts(&v("0.2.0"), &v("0.2.0"), None));
        assert!(!accepts(&v("0.2.0"), &v("0.1.9"), None));
        assert!(!accepts(&v("0.2.0"), &v("0.2.0-beta.1"), None));
    }

    #[test]
    fn a_pin_accepts_exactly_the_pinned_version() {
        let pin = v("0.3.0");
        assert!(accepts(&v("0.1.0"), &v("0.3.0"), Some(&pin)));
        assert!(!accepts(&v("0.1.0"), &v("0.4.0"), Some(&pin)));
        assert!(!accepts(&v("0.3.0"), &v("0.3.0"), Some(&pin)));
        assert!(accepts(&v("0.5.0"), &v("0.3.0"), Some(&pin)));
    }

    #[test]
    fn the_policy_overrides_the_citizens_channel_and_endpoint() {
        let built_in = vec!["https://updates.example/{{channel}}/latest.json".to_owned()];
        let plan = UpdatePlan::new(Ok(&Policy::default()), Channel::Beta, &built_in);
        assert_eq!(
            plan,
            UpdatePlan::Check {
                endpoints: vec!["https://updates.example/beta/latest.json".into()],
                channel: Channel::Beta,
                pinned: None
            }
        );
        let policy = Policy {
            update_channel: Some(Channel::Stable),
            update_endpoint: Some("https://mirror.centre/%7B%7Bchannel%7D%7D.json".into()),
            pinned_version: Some("1.2.3".into()),
            ..Policy::default()
        };
        assert_eq!(
            UpdatePlan::new(Ok(&policy), Channel::Beta, &built_in),
            UpdatePlan::Check {
                endpoints: vec!["https://mirror.centre/stable.json".into()],
                channel: Channel::Stable,
                pinned: Some(v("1.2.3"))
            }
        );
    }

    #[test]
    fn a_disabled_or_broken_policy_stops_the_updater() {
        let off = Policy {
            updates: UpdatesAllowed::Disabled,
            ..Policy::default()
        };
        assert_eq!(
            UpdatePlan::new(Ok(&off), Channel::Stable, &[]),
            UpdatePlan::Disabled(DisabledBy::Policy)
        );
        let broken = PolicyError("bad".into());
        assert_eq!(
            UpdatePlan::new(Err(&broken), Channel::Stable, &[]),
            UpdatePlan::Disabled(DisabledBy::BrokenPolicy)
        );
    }

    #[test]
    fn policy_files_are_read_strictly() {
        let dir = std::env::temp_dir().join(format!("kabinet-policy-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("policy.json");
        assert_eq!(
            Policy::load(&path),
            Ok(Policy::default()),
            "no file: defaults"
        );
        std::fs::write(&path, r#"{"updates":"disabled"}"#).unwrap();
        assert_eq!(
            Policy::load(&path).unwrap().updates,
            UpdatesAllowed::Disabled
        );
        for broken in [
            r#"{"updates":"sometimes"}"#,
            r#"{"pinned_version":"latest"}"#,
            r#"{"updtes":"disabled"}"#,
            "not json",
        ] {
            std::fs::write(&path, broken).unwrap();
            assert!(Policy::load(&path).is_err(), "{broken} was accepted");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
