//! `decide` and `apply`: the only way an account changes.

use chrono::{DateTime, Utc};

use super::error::DomainError;
use super::event::{Actor, Event, LevelReason, Recorded, SecurityAction};
use super::state::{
    Account, Check, CheckOutcome, CheckStatus, ConfirmationMethod, Consent, ContactKind, Level,
    Status,
};

/// What someone asks of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Start a registration (no account yet).
    StartRegistration {
        /// Phone or e-mail.
        contact: ContactKind,
        /// The consent given on the form.
        consent: Consent,
    },
    /// An operator registers a citizen in person with a temporary password.
    RegisterInPerson {
        /// The centre.
        centre: String,
    },
    /// The contact's code or link was accepted.
    ConfirmContact,
    /// Set a password: the first, a change, a recovery, or a temporary one from an operator.
    SetPassword {
        /// Issued by an operator.
        temporary: bool,
    },
    /// Submit the profile for registry verification.
    SubmitProfile,
    /// A job starts asking a registry.
    StartCheck {
        /// Which.
        check: Check,
    },
    /// A registry answered.
    RecordCheck {
        /// Which.
        check: Check,
        /// The answer.
        outcome: CheckOutcome,
    },
    /// Edit data that was already verified (the UI warned first).
    EditVerifiedData {
        /// The SNILS itself changes.
        snils_changed: bool,
    },
    /// Confirm the identity.
    ConfirmIdentity {
        /// How.
        method: ConfirmationMethod,
    },
    /// Record a successful password check as a sign-in. A lock stops devices the account has
    /// not seen; a device it has (`known_device`) is judged by its own failures, so a stranger's
    /// guesses cannot keep the owner out.
    SignIn {
        /// The device proved itself for this account before.
        known_device: bool,
    },
    /// Record a failed sign-in.
    RecordSignInFailure,
    /// Lock after repeated failures.
    Lock {
        /// Until.
        until: DateTime<Utc>,
    },
    /// End a lock early (an operator, or recovery).
    Unlock,
    /// Block (staff only).
    Block {
        /// Why.
        reason: String,
    },
    /// Lift a block (staff only).
    Unblock {
        /// Why.
        reason: String,
    },
    /// Delete the account.
    Delete {
        /// Why.
        reason: String,
    },
    /// Record a change of the account's protections (second factors, secret question, sessions,
    /// recovery). Allowed while locked — a lockout never blocks recovery — but not on pending,
    /// blocked or deleted accounts.
    RecordSecurity {
        /// What changed.
        action: SecurityAction,
    },
}

/// Decides what `command` does to `account` (None: no account yet), at `now`, by `actor`.
/// Refusals change nothing; success returns the events to record, never an empty list.
pub fn decide(
    account: Option<&Account>,
    command: &Command,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<Event>, DomainError> {
    let Some(account) = account else {
        return decide_new(command, actor);
    };
    if account.status == Status::Deleted {
        return Err(DomainError::Deleted);
    }
    match command {
        Command::StartRegistration { .. } | Command::RegisterInPerson { .. } => {
            Err(DomainError::AccountExists)
        }
        Command::ConfirmContact => {
            usable(account, now, true)?;
            if account.contact_confirmed {
                return Err(DomainError::ContactAlreadyConfirmed);
            }
            Ok(vec![Event::ContactConfirmed])
        }
        Command::SetPassword { temporary } => {
            if *temporary && !actor.is_staff() {
                return Err(DomainError::OperatorRequired);
            }
            // A lockout never blocks recovery: only blocks and deletion stop a new password.
            if matches!(account.status, Status::Blocked { .. }) {
                return Err(DomainError::Blocked);
            }
            if !account.contact_confirmed {
                return Err(DomainError::ContactNotConfirmed);
            }
            let mut events = vec![Event::PasswordSet {
                temporary: *temporary,
            }];
            if account.status == Status::Pending {
                events.push(Event::Activated);
            }
            Ok(events)
        }
        Command::SubmitProfile => {
            usable(account, now, false)?;
            if account.level > Level::Simplified || account.verified() {
                return Err(DomainError::ProfileAlreadyVerified);
            }
            let mut events = vec![Event::ProfileSubmitted];
            events.extend(Check::ALL.map(|check| Event::CheckQueued { check }));
            Ok(events)
        }
        Command::StartCheck { check } => match account.check(*check) {
            CheckStatus::Queued | CheckStatus::Unavailable { .. } => {
                Ok(vec![Event::CheckStarted { check: *check }])
            }
            _ => Err(DomainError::CheckNotPending),
        },
        Command::RecordCheck { check, outcome } => record_check(account, *check, outcome),
        Command::EditVerifiedData { snils_changed } => {
            usable(account, now, false)?;
            if account.level == Level::Simplified && !account.verified() {
                return Err(DomainError::LevelTooLow {
                    required: Level::Standard,
                });
            }
            let mut events = vec![Event::VerifiedDataEdited {
                snils_changed: *snils_changed,
            }];
            if *snils_changed && account.confirmation.is_some() {
                events.push(Event::ConfirmationWithdrawn);
            }
            events.extend(Check::ALL.map(|check| Event::CheckQueued { check }));
            if account.level > Level::Simplified {
                events.push(Event::LevelChanged {
                    from: account.level,
                    to: Level::Simplified,
                    reason: LevelReason::VerifiedDataEdited,
                });
            }
            Ok(events)
        }
        Command::ConfirmIdentity { method } => {
            usable(account, now, false)?;
            if method.needs_operator() && !actor.is_staff() {
                return Err(DomainError::OperatorRequired);
            }
            match account.level {
                Level::Confirmed => Err(DomainError::AlreadyConfirmed),
                Level::Simplified => Err(DomainError::LevelTooLow {
                    required: Level::Standard,
                }),
                Level::Standard => Ok(vec![
                    Event::IdentityConfirmed {
                        method: method.clone(),
                    },
                    Event::LevelChanged {
                        from: Level::Standard,
                        to: Level::Confirmed,
                        reason: LevelReason::IdentityConfirmed,
                    },
                ]),
            }
        }
        Command::SignIn { known_device } => {
            let mut events = Vec::new();
            match (can_sign_in(account, now), *known_device) {
                // The strangers' lock goes on; the owner's known device is not under it.
                (Err(DomainError::Locked { .. }), true) => {}
                (Err(e), _) => return Err(e),
                (Ok(()), _) => {
                    if matches!(account.status, Status::Locked { .. }) {
                        events.push(Event::Unlocked); // the lock ran out
                    }
                }
            }
            events.push(Event::SignedIn);
            Ok(events)
        }
        Command::RecordSignInFailure => Ok(vec![Event::SignInFailed]),
        Command::Lock { until } => {
            if *until <= now {
                return Err(DomainError::LockInPast);
            }
            match account.status {
                Status::Active | Status::Locked { .. } => Ok(vec![Event::Locked { until: *until }]),
                Status::Pending => Err(DomainError::RegistrationIncomplete),
                Status::Blocked { .. } => Err(DomainError::Blocked),
                Status::Deleted => Err(DomainError::Deleted),
            }
        }
        Command::Unlock => match account.status {
            Status::Locked { .. } => Ok(vec![Event::Unlocked]),
            _ => Err(DomainError::NotLocked),
        },
        Command::Block { reason } => {
            staff(actor)?;
            let reason = reason_text(reason)?;
            if matches!(account.status, Status::Blocked { .. }) {
                return Err(DomainError::Blocked);
            }
            Ok(vec![Event::Blocked { reason }])
        }
        Command::Unblock { reason } => {
            staff(actor)?;
            let reason = reason_text(reason)?;
            match account.status {
                Status::Blocked { .. } => Ok(vec![Event::Unblocked { reason }]),
                _ => Err(DomainError::NotBlocked),
            }
        }
        Command::RecordSecurity { action } => match account.status {
            Status::Pending => Err(DomainError::RegistrationIncomplete),
            Status::Blocked { .. } => Err(DomainError::Blocked),
            _ => Ok(vec![Event::Security { action: *action }]),
        },
        Command::Delete { reason } => {
            if !matches!(actor, Actor::Citizen | Actor::Administrator { .. }) {
                return Err(DomainError::CitizenRequired);
            }
            Ok(vec![Event::Deleted {
                reason: reason_text(reason)?,
            }])
        }
    }
}

fn decide_new(command: &Command, actor: &Actor) -> Result<Vec<Event>, DomainError> {
    match command {
        Command::StartRegistration { contact, consent } => {
            if !consent.given || consent.document_version.trim().is_empty() {
                return Err(DomainError::ConsentRequired);
            }
            Ok(vec![Event::RegistrationStarted {
                contact: *contact,
                consent_version: consent.document_version.clone(),
            }])
        }
        Command::RegisterInPerson { centre } => {
            let Actor::Operator { .. } = actor else {
                return Err(DomainError::OperatorRequired);
            };
            Ok(vec![
                Event::RegisteredInPerson {
                    centre: centre.clone(),
                },
                Event::ContactConfirmed,
                Event::PasswordSet { temporary: true },
                Event::Activated,
            ])
        }
        _ => Err(DomainError::AccountMissing),
    }
}

fn record_check(
    account: &Account,
    check: Check,
    outcome: &CheckOutcome,
) -> Result<Vec<Event>, DomainError> {
    if *account.check(check) != CheckStatus::Checking {
        return Err(DomainError::CheckNotPending);
    }
    match outcome {
        CheckOutcome::Mismatch { fields } => Ok(vec![Event::CheckMismatch {
            check,
            fields: fields.clone(),
        }]),
        CheckOutcome::Unavailable { retry_at } => Ok(vec![Event::CheckUnavailable {
            check,
            retry_at: *retry_at,
        }]),
        CheckOutcome::Passed => {
            let mut events = vec![Event::CheckPassed { check }];
            let other = Check::ALL
                .into_iter()
                .find(|c| *c != check)
                .unwrap_or(check);
            if *account.check(other) == CheckStatus::Passed && account.level == Level::Simplified {
                let (to, reason) = match account.confirmation {
                    Some(_) => (Level::Confirmed, LevelReason::ReverifiedWithConfirmation),
                    None => (Level::Standard, LevelReason::RegistryChecksPassed),
                };
                events.push(Event::LevelChanged {
                    from: Level::Simplified,
                    to,
                    reason,
                });
            }
            Ok(events)
        }
    }
}

/// Whether the account may be used by its citizen at `now` (`pending_ok`: registration steps).
fn usable(account: &Account, now: DateTime<Utc>, pending_ok: bool) -> Result<(), DomainError> {
    match &account.status {
        Status::Pending if !pending_ok => Err(DomainError::RegistrationIncomplete),
        Status::Blocked { .. } => Err(DomainError::Blocked),
        Status::Deleted => Err(DomainError::Deleted),
        _ => account
            .locked_at(now)
            .map_or(Ok(()), |until| Err(DomainError::Locked { until })),
    }
}

/// Whether the citizen may sign in at `now`.
pub(crate) fn can_sign_in(account: &Account, now: DateTime<Utc>) -> Result<(), DomainError> {
    match &account.status {
        Status::Pending => Err(DomainError::RegistrationIncomplete),
        Status::Blocked { .. } => Err(DomainError::Blocked),
        Status::Deleted => Err(DomainError::Deleted),
        Status::Locked { until } if *until > now => Err(DomainError::Locked { until: *until }),
        Status::Active | Status::Locked { .. } => Ok(()),
    }
}

fn staff(actor: &Actor) -> Result<(), DomainError> {
    if actor.is_staff() {
        Ok(())
    } else {
        Err(DomainError::OperatorRequired)
    }
}

fn reason_text(reason: &str) -> Result<String, DomainError> {
    let reason = reason.trim();
    if reason.is_empty() {
        Err(DomainError::ReasonRequired)
    } else {
        Ok(reason.to_owned())
    }
}

/// Folds one event into the state. Total: an event that does not fit (which `decide` never
/// produces) leaves the state as the event says, so a replay never fails.
pub fn apply(account: Option<Account>, event: &Event) -> Account {
    let mut account = match (account, event) {
        (None, Event::RegisteredInPerson { .. }) => Account::new(ContactKind::Phone, String::new()),
        (
            None,
            Event::RegistrationStarted {
                contact,
                consent_version,
            },
        ) => Account::new(*contact, consent_version.clone()),
        (Some(account), _) => account,
        (None, _) => Account::new(ContactKind::Phone, String::new()),
    };
    account.version += 1;
    match event {
        // The account itself was made above from the first event.
        Event::RegistrationStarted { .. } | Event::RegisteredInPerson { .. } => {}
        Event::ProfileSubmitted => account.profile_submitted = true,
        Event::ContactConfirmed => account.contact_confirmed = true,
        Event::PasswordSet { temporary } => {
            account.password_set = true;
            account.temporary_password = *temporary;
        }
        Event::Activated => account.status = Status::Active,
        Event::CheckQueued { check } => *account.check_mut(*check) = CheckStatus::Queued,
        Event::CheckStarted { check } => *account.check_mut(*check) = CheckStatus::Checking,
        Event::CheckPassed { check } => *account.check_mut(*check) = CheckStatus::Passed,
        Event::CheckMismatch { check, fields } => {
            *account.check_mut(*check) = CheckStatus::Mismatch {
                fields: fields.clone(),
            }
        }
        Event::CheckUnavailable { check, retry_at } => {
            *account.check_mut(*check) = CheckStatus::Unavailable {
                retry_at: *retry_at,
            }
        }
        Event::VerifiedDataEdited { .. } => account.profile_submitted = true,
        Event::IdentityConfirmed { method } => {
            account.mailed_code_restriction = *method == ConfirmationMethod::RegisteredLetter;
            account.confirmation = Some(method.clone());
        }
        Event::ConfirmationWithdrawn => {
            account.confirmation = None;
            account.mailed_code_restriction = false;
        }
        Event::LevelChanged { to, .. } => account.level = *to,
        Event::SignedIn | Event::SignInFailed | Event::Security { .. } => {}
        Event::Locked { until } => account.status = Status::Locked { until: *until },
        Event::Unlocked => account.status = Status::Active,
        Event::Blocked { reason } => {
            let before = std::mem::replace(
                &mut account.status,
                Status::Blocked {
                    reason: reason.clone(),
                },
            );
            account.status_before_block = Some(Box::new(before));
        }
        Event::Unblocked { .. } => {
            account.status = match account.status_before_block.take().map(|s| *s) {
                Some(Status::Pending) => Status::Pending,
                _ => Status::Active,
            };
        }
        Event::Deleted { .. } => account.status = Status::Deleted,
    }
    account
}

/// Rebuilds an account from its recorded events.
pub fn replay<'a>(events: impl IntoIterator<Item = &'a Recorded>) -> Option<Account> {
    events.into_iter().fold(None, |account, recorded| {
        Some(apply(account, &recorded.event))
    })
}
