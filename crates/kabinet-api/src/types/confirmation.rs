//! The service catalogue, identity confirmation and document scans.

use super::prelude::*;

// ---------------------------------------------------------------------------------------------
// Service catalogue and identity confirmation

/// One service of the portal and whether the account may use it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct CatalogueEntry {
    /// Stable code (the UI's translation key).
    pub code: String,
    /// The Russian title.
    pub title: String,
    /// The level it needs.
    pub level: Level,
    /// Open to this account now.
    pub available: bool,
}

/// What the current level opens and what the next would add.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Catalogue {
    /// The account's level.
    pub level: Level,
    /// The next level, if any.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_level: Option<Level>,
    /// Every service.
    pub services: Vec<CatalogueEntry>,
    /// Codes of the services the next level would open.
    pub next_level_adds: Vec<String>,
}

/// A 16-digit activation code from a service centre, with the SNILS it was issued for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ActivationCodeEntry {
    /// СНИЛС, any writing.
    pub snils: String,
    /// The 16 digits (spaces allowed).
    pub code: String,
}

/// A bank a citizen may confirm their identity through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct BankChoice {
    /// Its id.
    pub id: String,
    /// Its name for people.
    pub name: String,
}

/// Start a confirmation at a bank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct BankStart {
    /// The bank's id (one of `app_info.banks`).
    pub bank: String,
}

/// Where to send the citizen: the bank's authorisation page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct BankRedirect {
    /// The bank's page, with Kabinet's client id, return address, state and nonce.
    pub url: String,
    /// Where the bank sends the citizen back (the answer is in its fragment).
    pub return_url: String,
}

/// What the bank handed back on the return address: the flow's state and its signed
/// assertion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct BankAssertion {
    /// The `state` Kabinet gave the bank.
    pub state: String,
    /// The compact JWT.
    pub assertion: String,
}

/// Order a registered letter with a confirmation code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct LetterOrderRequest {
    /// Where to send it; the profile's registration address when absent.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<AddressForm>,
}

/// Where a letter is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LetterState {
    /// Accepted at the post office.
    Accepted,
    /// On its way.
    InTransit,
    /// Waiting at the citizen's post office.
    Arrived,
    /// Handed to the citizen.
    HandedOver,
    /// Lost by the post: a new one may be ordered at once.
    Lost,
}

/// The latest letter and its tracking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct LetterView {
    /// The post's tracking number.
    pub tracking: String,
    /// Where it is.
    pub state: LetterState,
    /// When it was ordered.
    pub ordered_at: DateTime<Utc>,
    /// When its state last changed (as far as Kabinet knows).
    pub state_at: DateTime<Utc>,
    /// The last day the code in it is accepted.
    pub code_expires_at: DateTime<Utc>,
    /// The earliest moment a new letter may be ordered.
    pub next_order_at: DateTime<Utc>,
}

/// The code from the letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct LetterCode {
    /// As typed.
    pub code: String,
}

/// Which document a scan shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScanDocument {
    /// The passport's main page.
    PassportMain,
    /// The SNILS.
    Snils,
    /// A selfie holding the passport.
    SelfieWithPassport,
}

/// A scan to attach to the profile. Its type is judged by the content, never the name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ScanUpload {
    /// Which document.
    pub document: ScanDocument,
    /// The file's name as chosen (shown only; not trusted).
    #[serde(default)]
    pub file_name: String,
    /// The bytes, base64 (standard alphabet); at most 5 MB decoded.
    pub content_base64: String,
}

/// An attached scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ScanInfo {
    /// Id (for removing it).
    pub id: Uuid,
    /// Which document.
    pub document: ScanDocument,
    /// `image/jpeg`, `image/png` or `application/pdf`, from the content.
    pub content_type: String,
    /// Size in bytes.
    pub size_bytes: u64,
    /// When.
    pub uploaded_at: DateTime<Utc>,
}

/// The scans attached to the profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Scans {
    /// One per document at most.
    pub scans: Vec<ScanInfo>,
}

/// The answer of the tax registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct InnLookup {
    /// The INN found, if any (it is saved to the profile).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inn: Option<String>,
}
