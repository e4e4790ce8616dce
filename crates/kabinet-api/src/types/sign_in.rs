//! Sign-in, sessions and the account summary.

use super::prelude::*;

// ---------------------------------------------------------------------------------------------
// Sign-in and sessions

/// Sign-in form: phone (any writing), e-mail, SNILS or INN, and the password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SignInRequest {
    /// The login as typed.
    pub login: String,
    /// The password.
    pub password: String,
}

/// What happens after a correct password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum SignInOutcome {
    /// Signed in.
    SignedIn(SignedIn),
    /// A second factor is needed (enabled by the citizen, or a new device).
    SecondFactor(SecondFactorChallenge),
    /// The password is temporary and must be changed first.
    ChangePassword(Ticket),
}

/// A second-factor step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SecondFactorChallenge {
    /// The flow's ticket.
    pub ticket: String,
    /// The methods accepted, preferred first.
    pub methods: Vec<SecondFactor>,
    /// Why: the citizen enabled it, or the device is new.
    pub new_device: bool,
    /// Where the code went, masked (SMS or e-mail methods).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_to: Option<String>,
    /// When the sent code expires.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_expires_at: Option<DateTime<Utc>>,
    /// The earliest moment for "send again".
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resend_at: Option<DateTime<Utc>>,
}

/// A second factor entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SecondFactorEntry {
    /// The flow's ticket.
    pub ticket: String,
    /// Which factor.
    pub method: SecondFactor,
    /// The code.
    pub code: String,
}

/// A new session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SignedIn {
    /// The bearer token for programs (the desktop's remote mode). A transport that keeps
    /// sessions itself (a browser's `HttpOnly` cookie, the desktop's keyring) takes it out, and
    /// the answer then has no token.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub token: String,
    /// The absolute end of the session.
    pub expires_at: DateTime<Utc>,
    /// The account.
    pub account: AccountSummary,
}

/// What the account home shows first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct AccountSummary {
    /// The account's id.
    pub id: Uuid,
    /// Surname.
    pub surname: String,
    /// First name.
    pub first_name: String,
    /// Level.
    pub level: Level,
    /// Status.
    pub status: AccountStatus,
    /// The phone, masked, if the account has one.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The e-mail, masked, if the account has one.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// One signed-in device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SessionInfo {
    /// Id for revoking it.
    pub id: Uuid,
    /// The device's name.
    pub device: String,
    /// The address it signed in from.
    pub address: String,
    /// Sign-in time.
    pub created_at: DateTime<Utc>,
    /// Last activity.
    pub last_seen_at: DateTime<Utc>,
    /// The session making this request.
    pub current: bool,
}

/// Active sessions, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Sessions {
    /// The sessions.
    pub sessions: Vec<SessionInfo>,
}

/// Something named by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ById {
    /// The id.
    pub id: Uuid,
}

/// A statement for the key on the citizen's token to sign (a qualified e-signature).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SignatureChallenge {
    /// Sent back with the signature.
    pub ticket: String,
    /// What is signed, as its UTF-8 bytes; shown to the citizen before the PIN.
    pub statement: String,
    /// When it stops being accepted (five minutes, once).
    pub expires_at: DateTime<Utc>,
}

/// A challenge signed on the citizen's token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SignedChallenge {
    /// The challenge's ticket.
    pub ticket: String,
    /// The signer's certificate: DER, in base64.
    pub certificate: String,
    /// The signature over the statement, in base64: ECDSA as r‖s (or DER), GOST R 34.10-2012
    /// as s‖r, as PKCS#11 tokens make them.
    pub signature: String,
}
