//! The profile and its registry verification.

use super::prelude::*;

// ---------------------------------------------------------------------------------------------
// Profile and registry verification

/// The passport of a citizen of Russia, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(default)]
pub struct PassportForm {
    /// 4 digits.
    pub series: String,
    /// 6 digits.
    pub number: String,
    /// `DD.MM.YYYY`.
    pub issued_on: String,
    /// Кем выдан.
    pub issuer: String,
    /// `NNN-NNN`.
    pub department_code: String,
}

/// A foreign passport, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(default)]
pub struct ForeignPassportForm {
    /// ISO 3166 alpha-2.
    pub country: String,
    /// Number.
    pub number: String,
    /// `DD.MM.YYYY`.
    pub issued_on: String,
    /// `DD.MM.YYYY`, empty if it does not expire.
    pub expires_on: String,
}

/// The registration address, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(default)]
pub struct AddressForm {
    /// 6 digits.
    pub postcode: String,
    /// Регион.
    pub region: String,
    /// Город.
    pub city: String,
    /// Улица.
    pub street: String,
    /// Дом.
    pub house: String,
    /// Корпус/строение.
    pub building: String,
    /// Квартира.
    pub flat: String,
}

/// The profile form (DOMAIN §5), every field as typed; a draft may be incomplete.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(default)]
pub struct ProfileForm {
    /// Фамилия.
    pub surname: String,
    /// Имя.
    pub first_name: String,
    /// Отчество.
    pub patronymic: String,
    /// `male` / `female`.
    pub sex: String,
    /// `DD.MM.YYYY`.
    pub birth_date: String,
    /// Место рождения.
    pub birth_place: String,
    /// ISO 3166 alpha-2 (`RU`).
    pub citizenship: String,
    /// Citizens of Russia.
    pub passport: PassportForm,
    /// Foreign citizens.
    pub foreign_passport: ForeignPassportForm,
    /// СНИЛС.
    pub snils: String,
    /// ИНН (optional).
    pub inn: String,
    /// Адрес регистрации.
    pub address: AddressForm,
}

/// Submit the profile for verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ProfileSubmit {
    /// The profile.
    pub profile: ProfileForm,
    /// The citizen saw the warning that editing verified data sends the account back to
    /// verification (needed only then).
    #[serde(default)]
    pub confirm_reverification: bool,
}

/// A registry check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegistryCheck {
    /// SNILS at the pension fund.
    Snils,
    /// The passport at the interior ministry.
    Passport,
}

/// Where a check stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckState {
    /// No profile submitted.
    NotStarted,
    /// Waiting for its turn.
    Queued,
    /// The registry is being asked.
    Checking,
    /// Confirmed.
    Passed,
    /// The registry disagrees: correct `fields`.
    Mismatch,
    /// The registry did not answer; retried at `retry_at`.
    Unavailable,
}

/// One check's marker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct CheckView {
    /// Which.
    pub check: RegistryCheck,
    /// Where it stands.
    pub state: CheckState,
    /// For a mismatch: the fields to correct.
    pub fields: Vec<String>,
    /// For an unavailable registry: the next attempt.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_at: Option<DateTime<Utc>>,
}

/// The profile page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ProfileView {
    /// The draft being edited, if any.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft: Option<ProfileForm>,
    /// When the draft was saved.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft_saved_at: Option<DateTime<Utc>>,
    /// The profile sent for verification, if any.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted: Option<ProfileForm>,
    /// The account's level.
    pub level: Level,
    /// Both checks.
    pub checks: Vec<CheckView>,
    /// Saving changes now sends the account back to verification (warn first).
    pub edit_needs_reverification: bool,
}
