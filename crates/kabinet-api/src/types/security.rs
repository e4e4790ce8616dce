//! Recovery, security settings and contact changes.

use super::prelude::*;

// ---------------------------------------------------------------------------------------------
// Recovery

/// "I don't know my password": any login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct RecoveryStart {
    /// Phone, e-mail, SNILS or INN as typed.
    pub login: String,
}

/// Where a recovery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecoveryStep {
    /// Enter the code sent to the account's confirmed contact (if the account exists).
    Code,
    /// Answer the secret question.
    SecretQuestion,
    /// Choose a new password.
    NewPassword,
    /// Done: sign in with the new password.
    Done,
}

/// A recovery in progress. Identical in shape and timing for logins nobody has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Recovery {
    /// The secret that continues this recovery.
    pub ticket: String,
    /// The next step.
    pub step: RecoveryStep,
    /// The secret question, at that step.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// When the code expires.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_expires_at: Option<DateTime<Utc>>,
    /// The earliest moment for "send again".
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resend_at: Option<DateTime<Utc>>,
}

/// The answer to the secret question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SecretAnswer {
    /// The flow's ticket.
    pub ticket: String,
    /// The answer.
    pub answer: String,
}

// ---------------------------------------------------------------------------------------------
// Security settings

/// Change the password (the current one confirms it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct PasswordChange {
    /// The current password.
    pub current_password: String,
    /// The new password.
    pub password: String,
    /// The same again.
    pub password_repeat: String,
}

/// The current password, confirming a sensitive change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Reauth {
    /// The current password.
    pub password: String,
}

/// The security settings page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SecuritySettings {
    /// SMS codes at every sign-in.
    pub sms_second_factor: bool,
    /// An authenticator app at every sign-in.
    pub totp_second_factor: bool,
    /// The secret question, if set.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_question: Option<String>,
    /// When the password was last set.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_changed_at: Option<DateTime<Utc>>,
}

/// A TOTP secret to scan, waiting for a first code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct TotpSetup {
    /// The set-up's ticket.
    pub ticket: String,
    /// The secret, base32, for typing in by hand.
    pub secret: String,
    /// The `otpauth://` URL for the QR code.
    pub otpauth_url: String,
}

/// Which second factor to turn off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SecondFactorOff {
    /// The current password.
    pub password: String,
    /// `sms` or `totp`.
    pub method: SecondFactor,
}

/// Set the secret question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SecretQuestionSet {
    /// The current password.
    pub password: String,
    /// The question.
    pub question: String,
    /// The answer (compared ignoring case and extra spaces).
    pub answer: String,
}

/// Add or replace the phone or e-mail (the current password confirms it; a code to the new
/// contact proves it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ContactChangeStart {
    /// The current password.
    pub password: String,
    /// Which contact.
    pub contact_kind: ContactKind,
    /// The new phone or e-mail as typed.
    pub contact: String,
}

/// A phone proved by the link an SMS carried (a phone noted at a service centre's desk that
/// could not be proved there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct PhoneConfirmed {
    /// The phone, masked (`+7 ••• •••-••-67`).
    pub phone: String,
}

/// A contact change waiting for its code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ContactChange {
    /// The change's ticket.
    pub ticket: String,
    /// Which contact.
    pub contact_kind: ContactKind,
    /// The new contact, masked.
    pub contact_masked: String,
    /// When the code expires.
    pub code_expires_at: DateTime<Utc>,
    /// The earliest moment for "send again".
    pub resend_at: DateTime<Utc>,
}
