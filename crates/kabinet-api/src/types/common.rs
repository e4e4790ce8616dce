//! Shared pieces: the request's context, contact kinds, levels, statuses, second factors.

use super::prelude::*;

/// Who is calling: filled in by the transport (Tauri command, HTTP handler), never by the body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// The session token, if the caller has one.
    pub session: Option<String>,
    /// The client's network address (`127.0.0.1`, `desktop` for the embedded app).
    pub address: String,
    /// A stable random id of the device or browser (a cookie, or the desktop's keyring).
    pub device_id: String,
    /// What the device calls itself (user agent, OS and app), for the sessions list.
    pub device_name: String,
    /// The enrolment key of the service-centre workstation the request comes from, if any
    /// (the desktop's keyring; the `X-Kabinet-Workstation` header over HTTP).
    pub workstation: Option<String>,
}

/// An operation without input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Empty {}

/// Phone or e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    /// A Russian mobile number.
    Phone,
    /// An e-mail address ("I have no mobile phone").
    Email,
}

/// Account level (DOMAIN §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Name, confirmed contact, password.
    Simplified,
    /// Registry-verified personal data.
    Standard,
    /// Identity confirmed.
    Confirmed,
}

/// Lifecycle status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    /// Registration not finished.
    Pending,
    /// In use.
    Active,
    /// Temporarily locked after failures.
    Locked,
    /// Blocked by staff.
    Blocked,
    /// Deleted.
    Deleted,
}

/// A second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SecondFactor {
    /// A 6-digit code by SMS.
    Sms,
    /// A 6-digit code by e-mail (new-device check of accounts without a phone).
    Email,
    /// A code from an authenticator app.
    Totp,
}
