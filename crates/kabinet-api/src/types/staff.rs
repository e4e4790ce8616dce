//! The service-centre half: workstations, staff sign-in, the in-person procedures, four-eyes
//! requests, staff administration, the audit log and the centres' directory.

use super::prelude::*;

// ---------------------------------------------------------------------------------------------
// Scopes, staff, workstations

/// A permission of a staff member. None implies another: an administrator who manages staff
/// does not thereby search citizens.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS, JsonSchema,
)]
pub enum Scope {
    /// Find a citizen and open their card.
    #[serde(rename = "citizen:search")]
    CitizenSearch,
    /// Register a citizen in person.
    #[serde(rename = "citizen:register")]
    CitizenRegister,
    /// Confirm an identity in person.
    #[serde(rename = "identity:confirm")]
    IdentityConfirm,
    /// Restore access in person.
    #[serde(rename = "access:restore")]
    AccessRestore,
    /// Issue an activation code.
    #[serde(rename = "activation_code:issue")]
    ActivationCodeIssue,
    /// Block an account (and ask for an unblock).
    #[serde(rename = "account:block")]
    AccountBlock,
    /// Decide another staff member's four-eyes request.
    #[serde(rename = "approval:grant")]
    ApprovalGrant,
    /// Manage the centres' directory.
    #[serde(rename = "centre:manage")]
    CentreManage,
    /// Manage staff, workstations and read the audit log.
    #[serde(rename = "staff:manage")]
    StaffManage,
    /// Resolve the conflicts workstations' offline changes ran into.
    #[serde(rename = "conflict:resolve")]
    ConflictResolve,
}

impl Scope {
    /// Every scope.
    pub const ALL: [Self; 10] = [
        Self::CitizenSearch,
        Self::CitizenRegister,
        Self::IdentityConfirm,
        Self::AccessRestore,
        Self::ActivationCodeIssue,
        Self::AccountBlock,
        Self::ApprovalGrant,
        Self::CentreManage,
        Self::StaffManage,
        Self::ConflictResolve,
    ];

    /// The stable code (`citizen:search`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CitizenSearch => "citizen:search",
            Self::CitizenRegister => "citizen:register",
            Self::IdentityConfirm => "identity:confirm",
            Self::AccessRestore => "access:restore",
            Self::ActivationCodeIssue => "activation_code:issue",
            Self::AccountBlock => "account:block",
            Self::ApprovalGrant => "approval:grant",
            Self::CentreManage => "centre:manage",
            Self::StaffManage => "staff:manage",
            Self::ConflictResolve => "conflict:resolve",
        }
    }

    /// The scope a code names.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == code)
    }
}

/// A staff member's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StaffStatus {
    /// Waits for the set-up code to be used.
    Pending,
    /// May sign in.
    Active,
    /// May not sign in.
    Suspended,
}

/// A centre, briefly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct CentreRef {
    /// Its id.
    pub id: Uuid,
    /// Its name.
    pub name: String,
}

/// A staff member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct StaffView {
    /// Id.
    pub id: Uuid,
    /// Табельный номер.
    pub personnel_number: String,
    /// ФИО.
    pub full_name: String,
    /// The centre.
    pub centre: CentreRef,
    /// Permissions.
    pub scopes: Vec<Scope>,
    /// Status.
    pub status: StaffStatus,
}

/// Enrol this installation as a workstation with an administrator's code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct WorkstationEnrolment {
    /// The one-time enrolment code.
    pub code: String,
    /// What the workstation is called (e.g. «Окно 3»).
    pub name: String,
}

/// An enrolled workstation. The key is handed out once: the desktop keeps it in the OS
/// keyring and sends it with every request as the workstation's proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct WorkstationEnrolled {
    /// Its id.
    pub workstation_id: Uuid,
    /// The secret key (empty once the transport has stored it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub key: String,
    /// Its name.
    pub name: String,
    /// The centre it belongs to.
    pub centre: CentreRef,
}

/// The workstation this installation is, if enrolled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct WorkstationInfo {
    /// Its id.
    pub workstation_id: Uuid,
    /// Its name.
    pub name: String,
    /// Its centre, with hours.
    pub centre: CentreView,
}

/// Begin setting up a staff account with the code an administrator handed over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct StaffSetupStart {
    /// The one-time set-up code.
    pub code: String,
}

/// The authenticator to add before choosing a password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct StaffSetup {
    /// Carries the set-up to its second step.
    pub ticket: String,
    /// Who is being set up.
    pub full_name: String,
    /// Their number.
    pub personnel_number: String,
    /// The authenticator secret, base32, to type in.
    pub totp_secret: String,
    /// The `otpauth://` URL for a QR code.
    pub otpauth_url: String,
}

/// Finish the set-up: a password under the policy and a first authenticator code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct StaffSetupFinish {
    /// From [`StaffSetup`].
    pub ticket: String,
    /// The new password.
    pub password: String,
    /// The authenticator's current code.
    pub totp_code: String,
}

/// Staff sign-in at an enrolled workstation: the second factor is mandatory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct StaffSignIn {
    /// Табельный номер.
    pub personnel_number: String,
    /// Password.
    pub password: String,
    /// The authenticator's current code.
    pub totp_code: String,
}

/// A staff session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct StaffSignedIn {
    /// The bearer token (empty once the transport has stored it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub token: String,
    /// When it ends whatever happens.
    pub expires_at: DateTime<Utc>,
    /// Who signed in.
    pub staff: StaffView,
}

// ---------------------------------------------------------------------------------------------
// Administration

/// A new staff member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct StaffForm {
    /// Табельный номер (digits).
    pub personnel_number: String,
    /// ФИО.
    pub full_name: String,
    /// The centre.
    pub centre_id: Uuid,
    /// Permissions.
    pub scopes: Vec<Scope>,
}

/// A one-time code to hand over on paper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct OneTimeCode {
    /// The code (shown once).
    pub code: String,
    /// Until when it works.
    pub expires_at: DateTime<Utc>,
}

/// A staff member with their set-up code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct StaffCreated {
    /// The member.
    pub staff: StaffView,
    /// Their set-up code.
    pub setup: OneTimeCode,
}

/// Every staff member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct StaffList {
    /// Members by number.
    pub staff: Vec<StaffView>,
}

/// New permissions of a staff member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct StaffScopes {
    /// The member.
    pub id: Uuid,
    /// Their permissions from now on.
    pub scopes: Vec<Scope>,
}

/// A centre to issue a workstation enrolment code for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ForCentre {
    /// The centre.
    pub centre_id: Uuid,
}

/// A live staff session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct StaffSessionInfo {
    /// Its id.
    pub id: Uuid,
    /// Whose.
    pub personnel_number: String,
    /// At which workstation.
    pub workstation: String,
    /// Opened.
    pub created_at: DateTime<Utc>,
    /// Last request.
    pub last_seen_at: DateTime<Utc>,
}

/// Live staff sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct StaffSessions {
    /// Newest first.
    pub sessions: Vec<StaffSessionInfo>,
}

/// An audit search; every filter optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct AuditSearch {
    /// Who.
    #[serde(default)]
    pub personnel_number: String,
    /// What (an operation's name).
    #[serde(default)]
    pub action: String,
    /// Whom.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<Uuid>,
    /// Where.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub centre_id: Option<Uuid>,
    /// From (inclusive).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<DateTime<Utc>>,
    /// To (exclusive).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<DateTime<Utc>>,
    /// Which page.
    #[serde(default)]
    pub page: Page,
}

/// One audit entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct AuditEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub personnel_number: String,
    /// Where.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub centre_id: Option<Uuid>,
    /// At which workstation.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workstation_id: Option<Uuid>,
    /// What.
    pub action: String,
    /// Whom.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<Uuid>,
    /// `ok` or the error code.
    pub outcome: String,
    /// Details (documents checked, reasons).
    #[ts(type = "Record<string, unknown>")]
    pub detail: serde_json::Value,
}

/// A page of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct AuditEntries {
    /// Newest first.
    pub entries: Vec<AuditEntry>,
    /// More on the next page.
    pub has_more: bool,
}

// ---------------------------------------------------------------------------------------------
// Citizens at the desk

/// What a citizen is searched by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SearchBy {
    /// СНИЛС.
    Snils,
    /// Phone.
    Phone,
    /// E-mail.
    Email,
    /// Passport series and number.
    Passport,
}

/// Find a citizen: one exact match at most.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct CitizenSearch {
    /// By what.
    pub by: SearchBy,
    /// The value, in any common writing.
    pub value: String,
}

/// A citizen as a search shows them: masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct CitizenBrief {
    /// The account.
    pub account_id: Uuid,
    /// First name and the surname's initial («Иван П.»), or empty with no profile.
    pub name: String,
    /// The phone, masked.
    pub phone: String,
    /// The e-mail, masked.
    pub email: String,
    /// Level.
    pub level: Level,
    /// Status.
    pub status: AccountStatus,
}

/// The search's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct CitizenMatch {
    /// The one match, if any.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citizen: Option<CitizenBrief>,
}

/// An account to act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ForAccount {
    /// The account.
    pub account_id: Uuid,
}

/// One recent event on a citizen's card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct CardEvent {
    /// What (the same codes as the citizen's security events).
    pub kind: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Who (`citizen`, `operator`, `system`).
    pub actor: String,
}

/// The citizen's card at the desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct CitizenCard {
    /// Masked identity.
    pub citizen: CitizenBrief,
    /// Surname and initials («Петров И. С.»), to compare with the passport.
    pub name_with_initials: String,
    /// The registry checks.
    pub checks: Vec<CheckView>,
    /// How the identity was confirmed (`in_person`, …), if it was.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmation: Option<String>,
    /// Must change a temporary password at the next sign-in.
    pub temporary_password: bool,
    /// The latest registered letter.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub letter: Option<LetterState>,
    /// Recent events, newest first.
    pub events: Vec<CardEvent>,
}

/// Ask for an SMS code to the phone of a citizen registering in person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct InPersonPhone {
    /// The citizen's mobile.
    pub phone: String,
}

/// Register a citizen in person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct InPersonRegistration {
    /// The profile as on the passport, with the SNILS.
    pub profile: ProfileForm,
    /// The ticket of the SMS code sent to the phone (empty: the citizen has no phone).
    #[serde(default)]
    pub phone_ticket: String,
    /// The code the citizen reads out.
    #[serde(default)]
    pub phone_code: String,
    /// A phone that cannot be proved at the desk now (a workstation without the link to the
    /// centre sends no SMS): once the registration reaches the centre, an SMS with a link goes
    /// to it, and the phone becomes the citizen's when the link is opened. Empty: none, or the
    /// phone was proved by the code above.
    #[serde(default)]
    pub phone_later: String,
}

/// A citizen registered in person: the temporary password to print, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct InPersonRegistered {
    /// The card (checks running).
    pub card: CitizenCard,
    /// To print on the slip; changed at the first sign-in.
    pub temporary_password: String,
}

/// Confirm an identity in person after checking the originals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct InPersonConfirmation {
    /// The account.
    pub account_id: Uuid,
    /// The originals checked (`passport`, `snils`, `foreign_passport`).
    pub documents: Vec<String>,
}

/// Restore access in person after checking the originals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct AccessRestore {
    /// The account.
    pub account_id: Uuid,
    /// The originals checked.
    pub documents: Vec<String>,
}

/// A Confirmed (or Standard) citizen's new SNILS or passport, entered after checking the
/// originals: the whole profile as it is to be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct IdentityDocumentsChange {
    /// The account.
    pub account_id: Uuid,
    /// The profile with the new document.
    pub profile: ProfileForm,
    /// The originals checked.
    pub documents: Vec<String>,
}

/// What a change of identity documents did: sent to the registries at once, or waiting for a
/// second staff member (a Confirmed account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct IdentityDocumentsChanged {
    /// The card after the change (none while it waits).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<CitizenCard>,
    /// The request waiting for approval.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<ApprovalView>,
}

/// A four-eyes request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ApprovalView {
    /// Id.
    pub id: Uuid,
    /// `unblock`, `restore_confirmed`, `identity_document_change`.
    pub kind: String,
    /// The citizen, masked.
    pub citizen: CitizenBrief,
    /// Who asked.
    pub maker: String,
    /// Why.
    pub reason: String,
    /// When.
    pub requested_at: DateTime<Utc>,
    /// Until when it may be decided.
    pub expires_at: DateTime<Utc>,
    /// `pending`, `approved`, `rejected`, `expired`.
    pub status: String,
}

/// What a restore did: done at once, or waiting for a second staff member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct AccessRestored {
    /// The temporary password to print (when done at once).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub temporary_password: String,
    /// The request waiting for approval (a Confirmed account).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<ApprovalView>,
}

/// A printed activation code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ActivationSlip {
    /// The 16 digits (shown once).
    pub code: String,
    /// Until when it works.
    pub expires_at: DateTime<Utc>,
    /// For whom, masked.
    pub citizen: CitizenBrief,
}

/// Block an account, or ask for it to be unblocked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct AccountBlockRequest {
    /// The account.
    pub account_id: Uuid,
    /// Why (told to the citizen).
    pub reason: String,
}

/// The centre's pending requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Approvals {
    /// Oldest first.
    pub approvals: Vec<ApprovalView>,
}

/// A checker's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ApprovalDecision {
    /// The request.
    pub id: Uuid,
    /// Approve (or reject).
    pub approve: bool,
    /// Why (required to reject).
    #[serde(default)]
    pub reason: String,
}

/// What a decision did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ApprovalOutcome {
    /// The request, decided.
    pub approval: ApprovalView,
    /// A temporary password to print (an approved restore).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub temporary_password: String,
}

// ---------------------------------------------------------------------------------------------
// The centres' directory

/// One day's hours, `HH:MM` in the centre's time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct DayHours {
    /// Opens.
    pub opens: String,
    /// Closes.
    pub closes: String,
}

/// A date that differs from the week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct HoursException {
    /// `DD.MM.YYYY`.
    pub date: String,
    /// Its hours (none: closed).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<DayHours>,
}

/// A centre to add (no id) or change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct CentreForm {
    /// The centre to change; none adds one.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    /// Its name («МФЦ района Тверской»).
    pub name: String,
    /// Its address.
    pub address: String,
    /// Services offered (codes: `identity_confirmation`, `registration`, `access_restore`,
    /// `activation_code`).
    pub services: Vec<String>,
    /// Monday first, seven entries; none is a day off.
    pub week: Vec<Option<DayHours>>,
    /// Holidays and shortened days.
    #[serde(default)]
    pub exceptions: Vec<HoursException>,
    /// Offset from UTC in minutes (Moscow: 180).
    pub utc_offset_minutes: i32,
}

/// A centre in the directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct CentreView {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Address.
    pub address: String,
    /// Services offered.
    pub services: Vec<String>,
    /// Monday first.
    pub week: Vec<Option<DayHours>>,
    /// Coming exceptions.
    pub exceptions: Vec<HoursException>,
    /// Offset from UTC in minutes.
    pub utc_offset_minutes: i32,
    /// Open right now.
    pub open_now: bool,
}

/// The directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Centres {
    /// By name.
    pub centres: Vec<CentreView>,
}
