//! What happened to an account: events and who caused them.

use chrono::{DateTime, Utc};

use super::state::{Check, ConfirmationMethod, ContactKind, Level};

/// Who caused an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// The account's citizen.
    Citizen,
    /// An operator at a service centre.
    Operator {
        /// The staff member's personnel number.
        operator: String,
        /// The centre's id.
        centre: String,
        /// The centre's name when it happened (what the citizen is shown).
        centre_name: String,
        /// The workstation's id (empty for actions recorded before workstations existed).
        workstation: String,
    },
    /// An administrator.
    Administrator {
        /// The administrator's id.
        id: String,
    },
    /// Kabinet itself (jobs, registries, banks).
    System,
}

impl Actor {
    /// Operators and administrators.
    pub fn is_staff(&self) -> bool {
        matches!(self, Self::Operator { .. } | Self::Administrator { .. })
    }
}

/// Why a level changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelReason {
    /// Both registry checks passed.
    RegistryChecksPassed,
    /// Identity confirmed.
    IdentityConfirmed,
    /// Re-verified data with an identity confirmation kept (same SNILS).
    ReverifiedWithConfirmation,
    /// The citizen edited verified data; it is being checked again.
    VerifiedDataEdited,
}

impl LevelReason {
    /// The stable code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RegistryChecksPassed => "registry_checks_passed",
            Self::IdentityConfirmed => "identity_confirmed",
            Self::ReverifiedWithConfirmation => "reverified_with_confirmation",
            Self::VerifiedDataEdited => "verified_data_edited",
        }
    }
}

/// A change of how an account is protected that leaves its level and status as they are: it is
/// recorded so the citizen sees it among the security events, with who and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecurityAction {
    /// SMS codes at sign-in turned on.
    SmsSecondFactorOn,
    /// SMS codes at sign-in turned off.
    SmsSecondFactorOff,
    /// An authenticator app turned on.
    TotpOn,
    /// The authenticator app turned off.
    TotpOff,
    /// A secret question set or replaced.
    SecretQuestionSet,
    /// The secret question removed.
    SecretQuestionRemoved,
    /// Every session ended at once.
    SessionsEnded,
    /// A recovery began.
    RecoveryStarted,
    /// A new device proved itself with a code.
    NewDeviceConfirmed,
    /// The citizen reported an event as not theirs.
    NotMeReported,
    /// The phone was added or replaced (proved by a code sent to it).
    PhoneChanged,
    /// The e-mail was added or replaced (proved by a code sent to it).
    EmailChanged,
    /// A service centre issued an activation code.
    ActivationCodeIssued,
    /// The tax registry found the INN, which became a login.
    InnAdded,
    /// A service centre turned the second factors off while restoring access in person.
    SecondFactorsReset,
    /// A qualified e-signature offered to confirm the identity was refused.
    SignatureRefused,
}

impl SecurityAction {
    /// The stable code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SmsSecondFactorOn => "sms_second_factor_on",
            Self::SmsSecondFactorOff => "sms_second_factor_off",
            Self::TotpOn => "totp_on",
            Self::TotpOff => "totp_off",
            Self::SecretQuestionSet => "secret_question_set",
            Self::SecretQuestionRemoved => "secret_question_removed",
            Self::SessionsEnded => "sessions_ended",
            Self::RecoveryStarted => "recovery_started",
            Self::NewDeviceConfirmed => "new_device_confirmed",
            Self::NotMeReported => "not_me_reported",
            Self::PhoneChanged => "phone_changed",
            Self::EmailChanged => "email_changed",
            Self::ActivationCodeIssued => "activation_code_issued",
            Self::InnAdded => "inn_added",
            Self::SecondFactorsReset => "second_factors_reset",
            Self::SignatureRefused => "signature_refused",
        }
    }
}

/// A state change of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The registration form was sent with consent.
    RegistrationStarted {
        /// Phone or e-mail.
        contact: ContactKind,
        /// The consent's document version.
        consent_version: String,
    },
    /// An operator registered the citizen in person.
    RegisteredInPerson {
        /// The centre.
        centre: String,
    },
    /// The contact was confirmed.
    ContactConfirmed,
    /// A password was set (first, changed, recovered or issued by an operator).
    PasswordSet {
        /// Issued by an operator: must be changed at the next sign-in.
        temporary: bool,
    },
    /// The account became usable.
    Activated,
    /// The profile was submitted for verification.
    ProfileSubmitted,
    /// A registry check is waiting for its job.
    CheckQueued {
        /// Which.
        check: Check,
    },
    /// A registry was asked.
    CheckStarted {
        /// Which.
        check: Check,
    },
    /// A registry confirmed.
    CheckPassed {
        /// Which.
        check: Check,
    },
    /// A registry disagreed.
    CheckMismatch {
        /// Which.
        check: Check,
        /// The fields to correct.
        fields: Vec<String>,
    },
    /// A registry did not answer.
    CheckUnavailable {
        /// Which.
        check: Check,
        /// The next attempt.
        retry_at: DateTime<Utc>,
    },
    /// Verified data was edited and goes back to verification.
    VerifiedDataEdited {
        /// The SNILS changed too (the identity confirmation is withdrawn).
        snils_changed: bool,
    },
    /// The identity was confirmed.
    IdentityConfirmed {
        /// How.
        method: ConfirmationMethod,
    },
    /// An identity confirmation stopped applying.
    ConfirmationWithdrawn,
    /// The level changed. The only event that changes it.
    LevelChanged {
        /// Before.
        from: Level,
        /// After.
        to: Level,
        /// Why.
        reason: LevelReason,
    },
    /// A successful sign-in.
    SignedIn,
    /// A failed sign-in (a security event).
    SignInFailed,
    /// Locked after repeated failures.
    Locked {
        /// Until.
        until: DateTime<Utc>,
    },
    /// The lock ended.
    Unlocked,
    /// Blocked by staff.
    Blocked {
        /// Why.
        reason: String,
    },
    /// The block was lifted.
    Unblocked {
        /// Why.
        reason: String,
    },
    /// Deleted.
    Deleted {
        /// Why.
        reason: String,
    },
    /// A protection of the account changed.
    Security {
        /// What.
        action: SecurityAction,
    },
}

impl Event {
    /// The stable type name stored in the event log.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::RegistrationStarted { .. } => "registration_started",
            Self::RegisteredInPerson { .. } => "registered_in_person",
            Self::ContactConfirmed => "contact_confirmed",
            Self::PasswordSet { .. } => "password_set",
            Self::Activated => "activated",
            Self::ProfileSubmitted => "profile_submitted",
            Self::CheckQueued { .. } => "check_queued",
            Self::CheckStarted { .. } => "check_started",
            Self::CheckPassed { .. } => "check_passed",
            Self::CheckMismatch { .. } => "check_mismatch",
            Self::CheckUnavailable { .. } => "check_unavailable",
            Self::VerifiedDataEdited { .. } => "verified_data_edited",
            Self::IdentityConfirmed { .. } => "identity_confirmed",
            Self::ConfirmationWithdrawn => "confirmation_withdrawn",
            Self::LevelChanged { .. } => "level_changed",
            Self::SignedIn => "signed_in",
            Self::SignInFailed => "sign_in_failed",
            Self::Locked { .. } => "locked",
            Self::Unlocked => "unlocked",
            Self::Blocked { .. } => "blocked",
            Self::Unblocked { .. } => "unblocked",
            Self::Deleted { .. } => "deleted",
            Self::Security { .. } => "security_action",
        }
    }
}

/// An event with who caused it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// What happened.
    pub event: Event,
    /// Who.
    pub actor: Actor,
    /// When.
    pub at: DateTime<Utc>,
}
