//! Requests and responses. Times are RFC 3339 strings in UTC; ids are UUID strings; secrets
//! (passwords, codes, tokens) travel only inside requests and the responses that hand them out.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

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
    /// Simulators are on: the dev inbox shows the messages "sent".
    pub simulators: bool,
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

// ---------------------------------------------------------------------------------------------
// Security events and notifications

/// A page of a list, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Page {
    /// 0-based page.
    #[serde(default)]
    pub page: u32,
    /// Items per page (1…100, default 20).
    #[serde(default)]
    pub per_page: u32,
}

/// One security event of the citizen's account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SecurityEvent {
    /// Id for "this wasn't me".
    pub id: Uuid,
    /// What happened (`signed_in`, `sign_in_failed`, `password_set`, …).
    pub kind: String,
    /// When.
    pub at: DateTime<Utc>,
    /// From which device.
    pub device: String,
    /// From which address.
    pub address: String,
    /// Who: `citizen`, `operator`, `administrator`, `system`.
    pub actor: String,
}

/// A page of security events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SecurityEvents {
    /// Newest first.
    pub events: Vec<SecurityEvent>,
    /// More pages follow.
    pub has_more: bool,
}

/// A notification category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotificationCategory {
    /// Applications for services.
    Applications,
    /// Payments, fines, debts.
    Payments,
    /// Account and security events.
    Events,
}

/// A notification channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// SMS to the phone.
    Sms,
    /// E-mail.
    Email,
    /// Push to the app.
    Push,
}

/// One switch of the preferences grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct NotificationPreference {
    /// Category.
    pub category: NotificationCategory,
    /// Channel.
    pub channel: Channel,
    /// On.
    pub enabled: bool,
}

/// The whole grid (3 categories × 3 channels).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct NotificationPreferences {
    /// Every switch.
    pub preferences: Vec<NotificationPreference>,
}

/// One notification sent (codes are masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct NotificationRecord {
    /// Id.
    pub id: Uuid,
    /// Category.
    pub category: NotificationCategory,
    /// Channel.
    pub channel: Channel,
    /// Recipient, masked.
    pub recipient: String,
    /// Subject (e-mail).
    pub subject: String,
    /// Text, with codes masked.
    pub body: String,
    /// `queued`, `sent`, `failed`.
    pub status: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A page of notifications.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct NotificationHistory {
    /// Newest first.
    pub notifications: Vec<NotificationRecord>,
    /// More pages follow.
    pub has_more: bool,
}

// ---------------------------------------------------------------------------------------------
// Development

/// A message a simulator "delivered".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct InboxMessage {
    /// `sms` or `email`.
    pub channel: Channel,
    /// Phone or address.
    pub to: String,
    /// Subject (e-mail).
    pub subject: String,
    /// The whole text, codes included.
    pub body: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// The dev inbox, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Inbox {
    /// Messages.
    pub messages: Vec<InboxMessage>,
}

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

/// A bank's signed assertion, as the bank handed it back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct BankAssertion {
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
