//! The installation's public settings, the password check and registration.

use super::prelude::*;

// ---------------------------------------------------------------------------------------------
// Public information

/// What the UI needs to know about this installation before anyone signs in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct AppInfo {
    /// The version of the user agreement and personal-data consent shown on the form.
    pub consent_version: String,
    /// Digits in a confirmation code.
    pub code_length: u32,
    /// How long an SMS code is valid.
    pub sms_code_ttl_seconds: u32,
    /// The shortest time between two sends of a code.
    pub resend_cooldown_seconds: u32,
    /// Session idle timeout.
    pub session_idle_seconds: u32,
    /// The portal's page of a service, `{code}` standing for its catalogue code; absent when
    /// the portal's address is not configured.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portal_services_url: Option<String>,
    /// Where the desktop app is downloaded (the web's e-signature page links to it).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desktop_app_url: Option<String>,
    /// Simulators are on: the dev inbox shows the messages "sent".
    pub simulators: bool,
    /// The banks an identity can be confirmed through.
    pub banks: Vec<BankChoice>,
}

/// A password typed so far, for the live checklist and strength meter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct PasswordCheckRequest {
    /// The password as typed.
    pub password: String,
    /// The login(s) it must not equal or contain (phone, e-mail), as typed.
    #[serde(default)]
    pub logins: Vec<String>,
}

/// The verdict on a typed password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct PasswordCheck {
    /// Every rule of the policy, in order, with whether it is met.
    pub rules: Vec<PasswordRule>,
    /// zxcvbn's score 0…4.
    pub score: u8,
    /// All rules met.
    pub acceptable: bool,
}

/// One rule of the password policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct PasswordRule {
    /// The rule's code, as in field errors.
    pub rule: String,
    /// Parameters (e.g. `min`).
    pub params: std::collections::BTreeMap<String, String>,
    /// Met by the password.
    pub met: bool,
}

// ---------------------------------------------------------------------------------------------
// Registration

/// The registration form (DOMAIN §3.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct RegistrationStart {
    /// Surname.
    pub surname: String,
    /// First name.
    pub first_name: String,
    /// Phone, or e-mail for "I have no mobile phone".
    pub contact_kind: ContactKind,
    /// The phone or e-mail as typed.
    pub contact: String,
    /// The consent checkbox.
    pub consent: bool,
    /// The version of the documents the citizen was shown.
    pub consent_version: String,
}

/// Where a registration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationStep {
    /// Enter the code sent to the contact.
    ConfirmContact,
    /// Choose the password.
    SetPassword,
}

/// A registration in progress; keep `ticket` to resume it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Registration {
    /// The secret that continues this registration.
    pub ticket: String,
    /// The next step.
    pub step: RegistrationStep,
    /// The names kept from the form.
    pub surname: String,
    /// The names kept from the form.
    pub first_name: String,
    /// Phone or e-mail.
    pub contact_kind: ContactKind,
    /// The contact, masked (`+7 912 ***-**-89`).
    pub contact_masked: String,
    /// When the current code stops working.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_expires_at: Option<DateTime<Utc>>,
    /// The earliest moment for "send again".
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resend_at: Option<DateTime<Utc>>,
}

/// A ticket of a flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Ticket {
    /// The flow's ticket.
    pub ticket: String,
}

/// A code entered in a flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct CodeEntry {
    /// The flow's ticket.
    pub ticket: String,
    /// The code as typed.
    pub code: String,
}

/// The token of an e-mail confirmation link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct LinkToken {
    /// From the link.
    pub token: String,
}

/// A new password, typed twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct NewPassword {
    /// The flow's ticket.
    pub ticket: String,
    /// The password.
    pub password: String,
    /// The same again.
    pub password_repeat: String,
}
