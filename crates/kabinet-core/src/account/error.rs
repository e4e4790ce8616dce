//! Refusals of the state machine: a closed set of codes.

use chrono::{DateTime, Utc};

use super::state::Level;

/// Why a command was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DomainError {
    /// The command needs an existing account.
    AccountMissing,
    /// The account already exists.
    AccountExists,
    /// Registration without consent.
    ConsentRequired,
    /// The contact must be confirmed first.
    ContactNotConfirmed,
    /// The contact is already confirmed.
    ContactAlreadyConfirmed,
    /// Registration is not finished (no password yet).
    RegistrationIncomplete,
    /// The account is locked until then.
    Locked {
        /// When sign-in is possible again.
        until: DateTime<Utc>,
    },
    /// Blocked by an operator or administrator.
    Blocked,
    /// Deleted.
    Deleted,
    /// The account is not locked.
    NotLocked,
    /// The account is not blocked.
    NotBlocked,
    /// A lock must end in the future.
    LockInPast,
    /// A reason is required.
    ReasonRequired,
    /// Verified data must be changed through the edit that warns first.
    ProfileAlreadyVerified,
    /// The profile has not been submitted.
    ProfileNotSubmitted,
    /// The check is not waiting for this step.
    CheckNotPending,
    /// The level is too low for this.
    LevelTooLow {
        /// The level needed.
        required: Level,
    },
    /// The identity is already confirmed.
    AlreadyConfirmed,
    /// Only an operator (or administrator) may do this.
    OperatorRequired,
    /// Only the citizen may do this.
    CitizenRequired,
}

impl DomainError {
    /// The stable code the API and the UI use.
    pub fn code(&self) -> &'static str {
        match self {
            Self::AccountMissing => "account_missing",
            Self::AccountExists => "account_exists",
            Self::ConsentRequired => "consent_required",
            Self::ContactNotConfirmed => "contact_not_confirmed",
            Self::ContactAlreadyConfirmed => "contact_already_confirmed",
            Self::RegistrationIncomplete => "registration_incomplete",
            Self::Locked { .. } => "account_locked",
            Self::Blocked => "account_blocked",
            Self::Deleted => "account_deleted",
            Self::NotLocked => "not_locked",
            Self::NotBlocked => "not_blocked",
            Self::LockInPast => "lock_in_past",
            Self::ReasonRequired => "reason_required",
            Self::ProfileAlreadyVerified => "profile_already_verified",
            Self::ProfileNotSubmitted => "profile_not_submitted",
            Self::CheckNotPending => "check_not_pending",
            Self::LevelTooLow { .. } => "level_too_low",
            Self::AlreadyConfirmed => "already_confirmed",
            Self::OperatorRequired => "operator_required",
            Self::CitizenRequired => "citizen_required",
        }
    }
}

impl std::fmt::Display for DomainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl std::error::Error for DomainError {}
