//! Service-centre staff (DOMAIN §7): who may act and how sensitive actions need two people.
//!
//! Staff are not citizens. Each has a personnel number, a centre and permission scopes that do
//! not imply one another (the scopes themselves are named in the operation list, which is the
//! one authority on who may call what). This module holds the rules that are not a lookup:
//! personnel numbers, the idle timeout, when a staff member may act, and four-eyes.

use chrono::{DateTime, Duration, Utc};

use crate::violation::Violation;

/// A staff session ends after this long without a request.
pub const IDLE_TIMEOUT: Duration = Duration::minutes(15);
/// A staff session ends this long after sign-in whatever happens (one working day).
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);

/// How long after a staff member's last sign-in at the centre a workstation's replica lets
/// them sign in without the link, with their password (checked against the verifier kept at
/// their last online sign-in) at that same enrolled workstation. A shift's length: after a
/// night the centre must be reached again.
pub const OFFLINE_SIGN_IN: Duration = Duration::hours(12);
/// A four-eyes request not decided within this long expires.
pub const APPROVAL_TTL: Duration = Duration::hours(24);
/// A workstation enrolment or staff set-up code is good for this long.
pub const ENROLMENT_CODE_TTL: Duration = Duration::hours(72);
/// Searches one staff member may make in [`SEARCH_WINDOW`].
pub const SEARCHES_PER_WINDOW: i32 = 30;
/// The window searches are counted in.
pub const SEARCH_WINDOW: Duration = Duration::minutes(10);
/// Consecutive failed sign-ins before a staff member is locked.
pub const SIGN_IN_ATTEMPTS: i32 = 5;
/// How long that lock lasts (an administrator may lift it earlier by a new set-up code).
pub const SIGN_IN_LOCK: Duration = Duration::minutes(30);

/// A staff member's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StaffStatus {
    /// Created; waits for its set-up code (password and authenticator) to be used.
    Pending,
    /// May sign in.
    Active,
    /// May not sign in; every session ended when it was suspended.
    Suspended,
}

impl StaffStatus {
    /// The stable code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Active => "active",
            Self::Suspended => "suspended",
        }
    }

    /// The status a stored code names.
    pub fn parse(code: &str) -> Option<Self> {
        [Self::Pending, Self::Active, Self::Suspended]
            .into_iter()
            .find(|s| s.as_str() == code)
    }
}

/// A personnel number in canonical form: 1 to 12 digits, no leading zeros dropped.
pub fn personnel_number(input: &str) -> Result<String, Violation> {
    let number = input.trim();
    if number.is_empty() {
        return Err(Violation::new("required"));
    }
    if number.len() > 12 || !number.chars().all(|c| c.is_ascii_digit()) {
        return Err(Violation::new("personnel_number"));
    }
    Ok(number.to_owned())
}

/// The kinds of change that need a second staff member (maker–checker).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FourEyes {
    /// Lifting a block.
    Unblock,
    /// Changing the SNILS or passport of a Confirmed citizen.
    IdentityDocumentChange,
    /// Restoring access to a Confirmed account keeping its level.
    RestoreConfirmed,
}

impl FourEyes {
    /// Every kind.
    pub const ALL: [Self; 3] = [
        Self::Unblock,
        Self::IdentityDocumentChange,
        Self::RestoreConfirmed,
    ];

    /// The stable code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unblock => "unblock",
            Self::IdentityDocumentChange => "identity_document_change",
            Self::RestoreConfirmed => "restore_confirmed",
        }
    }

    /// The kind a stored code names.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == code)
    }
}

/// A pending four-eyes request, as far as the rule cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pending<Id> {
    /// Who asked.
    pub maker: Id,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
}

/// Why a checker may not decide a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalRefusal {
    /// The maker may never decide their own request.
    OwnRequest,
    /// The checker lacks `approval:grant`.
    NotAChecker,
    /// The request expired.
    Expired,
}

impl ApprovalRefusal {
    /// The stable code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OwnRequest => "own_request",
            Self::NotAChecker => "not_a_checker",
            Self::Expired => "expired",
        }
    }
}

/// Whether `checker` (holding `approval:grant` or not) may approve or reject `pending` at `now`.
pub fn may_decide<Id: PartialEq>(
    pending: &Pending<Id>,
    checker: &Id,
    checker_may_grant: bool,
    now: DateTime<Utc>,
) -> Result<(), ApprovalRefusal> {
    if pending.maker == *checker {
        return Err(ApprovalRefusal::OwnRequest);
    }
    if !checker_may_grant {
        return Err(ApprovalRefusal::NotAChecker);
    }
    if pending.expires_at <= now {
        return Err(ApprovalRefusal::Expired);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hours: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + Duration::hours(hours)
    }

    #[test]
    fn the_maker_never_approves_their_own_request() {
        let pending = Pending {
            maker: 1,
            expires_at: at(24),
        };
        assert_eq!(
            may_decide(&pending, &1, true, at(1)),
            Err(ApprovalRefusal::OwnRequest)
        );
        assert_eq!(
            may_decide(&pending, &2, false, at(1)),
            Err(ApprovalRefusal::NotAChecker)
        );
        assert_eq!(
            may_decide(&pending, &2, true, at(24)),
            Err(ApprovalRefusal::Expired)
        );
        assert_eq!(may_decide(&pending, &2, true, at(23)), Ok(()));
    }

    #[test]
    fn personnel_numbers_are_digits() {
        assert_eq!(personnel_number(" 4512 ").as_deref(), Ok("4512"));
        assert!(personnel_number("45-12").is_err());
        assert!(personnel_number("").is_err());
        assert!(personnel_number("1234567890123").is_err());
    }
}
