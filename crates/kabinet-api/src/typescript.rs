//! The TypeScript bindings the UI codes against: every type of the boundary, the operation
//! list and the `Api` interface, as one file (`ui/src/api/generated.ts`). A test compares the
//! committed file with this output, so a stale copy fails CI; `cargo xtask codegen` rewrites it.

use ts_rs::{Config, TS};

use crate::error::*;
use crate::operations::{Access, OPERATIONS};
use crate::types::*;

/// Where the generated file lives, from the workspace root.
pub const GENERATED_PATH: &str = "ui/src/api/generated.ts";

macro_rules! declarations {
    ($cfg:expr; $($t:ty),* $(,)?) => {
        vec![$(format!("export {}", <$t as TS>::decl($cfg))),*]
    };
}

/// The whole generated file.
pub fn generate() -> String {
    let cfg = Config::new();
    let mut out = String::from(
        "// Generated from crates/kabinet-api by `cargo xtask codegen`. Do not edit by hand:\n\
         // a test fails when this file differs from what the Rust types produce.\n\n",
    );
    let decls = declarations!(&cfg;
        ErrorCode, RuleViolation, FieldError, ApiError,
        Empty, ContactKind, Level, AccountStatus, SecondFactor,
        AppInfo, PasswordCheckRequest, PasswordCheck, PasswordRule,
        RegistrationStart, RegistrationStep, Registration, Ticket, CodeEntry, LinkToken, NewPassword,
        SignInRequest, SignInOutcome, SecondFactorChallenge, SecondFactorEntry, SignedIn,
        AccountSummary, SessionInfo, Sessions, ById,
        RecoveryStart, RecoveryStep, Recovery, SecretAnswer,
        PasswordChange, Reauth, SecuritySettings, TotpSetup, SecondFactorOff, SecretQuestionSet,
        ContactChangeStart, ContactChange, PhoneConfirmed,
        Page, SecurityEvent, SecurityEvents, NotificationCategory, Channel,
        NotificationPreference, NotificationPreferences, NotificationRecord, NotificationHistory,
        InboxMessage, Inbox,
        PassportForm, ForeignPassportForm, AddressForm, ProfileForm, ProfileSubmit,
        RegistryCheck, CheckState, CheckView, ProfileView,
        CatalogueEntry, Catalogue, ActivationCodeEntry, BankAssertion, BankChoice, BankStart, BankRedirect,
        SignatureChallenge, SignedChallenge,
        LetterOrderRequest, LetterState, LetterView, LetterCode,
        ScanDocument, ScanUpload, ScanInfo, Scans, InnLookup, StaffMark,
        Scope, StaffStatus, CentreRef, StaffView, WorkstationEnrolment, WorkstationEnrolled,
        WorkstationInfo, StaffSetupStart, StaffSetup, StaffSetupFinish, StaffSignIn, StaffSignedIn,
        StaffForm, OneTimeCode, StaffCreated, StaffList, StaffScopes, ForCentre, StaffSessionInfo,
        StaffSessions, AuditSearch, AuditEntry, AuditEntries, SearchBy, CitizenSearch,
        CitizenBrief, CitizenMatch, ForAccount, CardEvent, CitizenCard, InPersonPhone,
        InPersonRegistration, InPersonRegistered, InPersonConfirmation, AccessRestore,
        IdentityDocumentsChange, IdentityDocumentsChanged,
        ApprovalView, AccessRestored, ActivationSlip, AccountBlockRequest, Approvals,
        ApprovalDecision, ApprovalOutcome, DayHours, HoursException, CentreForm, CentreView,
        Centres,
        DeskChange, OutboxChange, SyncPush, SyncPushed, SyncHole, SyncCursor, SyncPull,
        SyncedEvent, SyncedLogin, SyncedAccount, ActivationBlank, SyncPulled, ConflictKind, ConflictStatus,
        ConflictSide, SyncConflictView, SyncConflicts, ConflictResolution, SyncConflictResolve,
    );
    for decl in decls {
        out.push_str(&decl);
        out.push_str("\n\n");
    }
    out.push_str(
        "/** Every operation: its name, who may call it, and whether a retry is safe. */\n",
    );
    out.push_str("export const operations = {\n");
    for op in OPERATIONS {
        let access = match op.access {
            Access::Public => "public".to_owned(),
            Access::Citizen => "session".to_owned(),
            other => other.name(),
        };
        out.push_str(&format!(
            "  {}: {{ access: \"{access}\", idempotent: {} }},\n",
            op.name, op.idempotent
        ));
    }
    out.push_str("} as const;\n\n");
    out.push_str("/** The backend the UI talks to, over Tauri `invoke` or HTTP `fetch`. */\n");
    out.push_str("export interface Api {\n");
    for op in OPERATIONS {
        out.push_str(&format!(
            "  {}(request: {}): Promise<{}>;\n",
            op.name, op.request, op.response
        ));
    }
    out.push_str("}\n");
    out
}
