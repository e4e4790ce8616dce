//! The account state machine, path by path.

use crate::support::at;
use chrono::{DateTime, Duration, Utc};
use kabinet_core::account::{
    Account, Actor, Check, CheckOutcome, CheckStatus, Command, ConfirmationMethod, Consent,
    ContactKind, DomainError, Event, Level, LevelReason, SecurityAction, Status, apply, decide,
};

fn t0() -> DateTime<Utc> {
    at(2026, 11, 24, 12, 0, 0)
}

fn operator() -> Actor {
    Actor::Operator {
        operator: "op-1".into(),
        centre: "mfc-77-001".into(),
        centre_name: "МФЦ".into(),
        workstation: String::new(),
    }
}

/// Runs commands as the citizen, panicking on a refusal.
fn run(account: Option<Account>, commands: &[Command]) -> Account {
    commands
        .iter()
        .fold(account, |acc, cmd| {
            Some(step(acc, cmd, &Actor::Citizen).unwrap())
        })
        .unwrap()
}

fn step(account: Option<Account>, cmd: &Command, actor: &Actor) -> Result<Account, DomainError> {
    let events = decide(account.as_ref(), cmd, actor, t0())?;
    assert!(!events.is_empty());
    Ok(events
        .iter()
        .fold(account, |acc, e| Some(apply(acc, e)))
        .unwrap())
}

fn consent() -> Consent {
    Consent {
        given: true,
        document_version: "2026-01".into(),
    }
}

fn simplified() -> Account {
    run(
        None,
        &[
            Command::StartRegistration {
                contact: ContactKind::Phone,
                consent: consent(),
            },
            Command::ConfirmContact,
            Command::SetPassword { temporary: false },
        ],
    )
}

fn pass(check: Check) -> [Command; 2] {
    [
        Command::StartCheck { check },
        Command::RecordCheck {
            check,
            outcome: CheckOutcome::Passed,
        },
    ]
}

fn standard() -> Account {
    let account = run(Some(simplified()), &[Command::SubmitProfile]);
    let account = run(Some(account), &pass(Check::Snils));
    run(Some(account), &pass(Check::Passport))
}

#[test]
fn registration_needs_consent_then_contact_then_password() {
    let refused = decide(
        None,
        &Command::StartRegistration {
            contact: ContactKind::Email,
            consent: Consent {
                given: false,
                document_version: "2026-01".into(),
            },
        },
        &Actor::Citizen,
        t0(),
    );
    assert_eq!(refused, Err(DomainError::ConsentRequired));
    let started = run(
        None,
        &[Command::StartRegistration {
            contact: ContactKind::Email,
            consent: consent(),
        }],
    );
    assert_eq!(
        (started.status.clone(), started.level),
        (Status::Pending, Level::Simplified)
    );
    assert_eq!(started.consent_version, "2026-01");
    assert_eq!(
        step(
            Some(started.clone()),
            &Command::SetPassword { temporary: false },
            &Actor::Citizen
        ),
        Err(DomainError::ContactNotConfirmed)
    );
    assert_eq!(
        step(
            Some(started.clone()),
            &Command::SignIn {
                known_device: false
            },
            &Actor::Citizen
        ),
        Err(DomainError::RegistrationIncomplete)
    );
    let account = simplified();
    assert_eq!(account.status, Status::Active);
    assert!(account.contact_confirmed && account.password_set && !account.temporary_password);
}

#[test]
fn both_registry_checks_raise_the_level_to_standard() {
    let submitted = run(Some(simplified()), &[Command::SubmitProfile]);
    assert_eq!(submitted.snils_check, CheckStatus::Queued);
    let one = run(Some(submitted), &pass(Check::Snils));
    assert_eq!(one.level, Level::Simplified);
    let events = decide(
        Some(&run(
            Some(one),
            &[Command::StartCheck {
                check: Check::Passport,
            }],
        )),
        &Command::RecordCheck {
            check: Check::Passport,
            outcome: CheckOutcome::Passed,
        },
        &Actor::System,
        t0(),
    )
    .unwrap();
    assert_eq!(
        events,
        [
            Event::CheckPassed {
                check: Check::Passport
            },
            Event::LevelChanged {
                from: Level::Simplified,
                to: Level::Standard,
                reason: LevelReason::RegistryChecksPassed
            }
        ]
    );
    assert_eq!(standard().level, Level::Standard);
}

#[test]
fn a_mismatch_names_the_fields_and_keeps_the_level() {
    let account = run(
        Some(simplified()),
        &[
            Command::SubmitProfile,
            Command::StartCheck {
                check: Check::Passport,
            },
        ],
    );
    let account = run(
        Some(account),
        &[Command::RecordCheck {
            check: Check::Passport,
            outcome: CheckOutcome::Mismatch {
                fields: vec!["passport.number".into()],
            },
        }],
    );
    assert_eq!(
        account.passport_check,
        CheckStatus::Mismatch {
            fields: vec!["passport.number".into()]
        }
    );
    assert_eq!(account.level, Level::Simplified);
    // The citizen corrects and submits again.
    assert_eq!(
        run(Some(account), &[Command::SubmitProfile]).passport_check,
        CheckStatus::Queued
    );
}

#[test]
fn an_unavailable_registry_is_retried() {
    let retry_at = t0() + Duration::minutes(5);
    let account = run(
        Some(simplified()),
        &[
            Command::SubmitProfile,
            Command::StartCheck {
                check: Check::Snils,
            },
        ],
    );
    let account = run(
        Some(account),
        &[Command::RecordCheck {
            check: Check::Snils,
            outcome: CheckOutcome::Unavailable { retry_at },
        }],
    );
    assert_eq!(account.snils_check, CheckStatus::Unavailable { retry_at });
    let account = run(Some(account), &pass(Check::Snils));
    assert_eq!(account.snils_check, CheckStatus::Passed);
    assert_eq!(
        step(
            Some(account),
            &Command::RecordCheck {
                check: Check::Snils,
                outcome: CheckOutcome::Passed
            },
            &Actor::System
        ),
        Err(DomainError::CheckNotPending)
    );
}

#[test]
fn confirmation_needs_the_standard_level_and_the_letter_restricts_tax() {
    let confirm = |method| Command::ConfirmIdentity { method };
    assert_eq!(
        step(
            Some(simplified()),
            &confirm(ConfirmationMethod::ActivationCode),
            &Actor::Citizen
        ),
        Err(DomainError::LevelTooLow {
            required: Level::Standard
        })
    );
    let by_code = run(
        Some(standard()),
        &[confirm(ConfirmationMethod::ActivationCode)],
    );
    assert_eq!(by_code.level, Level::Confirmed);
    assert!(by_code.opens_tax_account());
    assert_eq!(
        step(
            Some(by_code),
            &confirm(ConfirmationMethod::ActivationCode),
            &Actor::Citizen
        ),
        Err(DomainError::AlreadyConfirmed)
    );
    let by_letter = run(
        Some(standard()),
        &[confirm(ConfirmationMethod::RegisteredLetter)],
    );
    assert!(by_letter.mailed_code_restriction && !by_letter.opens_tax_account());
    let in_person = confirm(ConfirmationMethod::InPerson {
        centre: "mfc-77-001".into(),
        documents: vec!["passport".into()],
    });
    assert_eq!(
        step(Some(standard()), &in_person, &Actor::Citizen),
        Err(DomainError::OperatorRequired)
    );
    assert_eq!(
        step(Some(standard()), &in_person, &operator())
            .unwrap()
            .level,
        Level::Confirmed
    );
}

#[test]
fn editing_verified_data_lowers_the_level_with_a_reason() {
    let confirmed = run(
        Some(standard()),
        &[Command::ConfirmIdentity {
            method: ConfirmationMethod::ActivationCode,
        }],
    );
    let events = decide(
        Some(&confirmed),
        &Command::EditVerifiedData {
            snils_changed: false,
        },
        &Actor::Citizen,
        t0(),
    )
    .unwrap();
    assert!(events.contains(&Event::LevelChanged {
        from: Level::Confirmed,
        to: Level::Simplified,
        reason: LevelReason::VerifiedDataEdited
    }));
    let edited = run(
        Some(confirmed.clone()),
        &[Command::EditVerifiedData {
            snils_changed: false,
        }],
    );
    assert_eq!(
        (edited.level, edited.snils_check.clone()),
        (Level::Simplified, CheckStatus::Queued)
    );
    // Same SNILS: re-verification brings the confirmed level back.
    let back = run(
        Some(run(Some(edited), &pass(Check::Snils))),
        &pass(Check::Passport),
    );
    assert_eq!(back.level, Level::Confirmed);
    // A new SNILS withdraws the confirmation: re-verification gives Standard only.
    let new_snils = run(
        Some(confirmed),
        &[Command::EditVerifiedData {
            snils_changed: true,
        }],
    );
    assert_eq!(new_snils.confirmation, None);
    let back = run(
        Some(run(Some(new_snils), &pass(Check::Snils))),
        &pass(Check::Passport),
    );
    assert_eq!(back.level, Level::Standard);
    // Not verified yet: nothing to edit this way.
    assert_eq!(
        step(
            Some(simplified()),
            &Command::EditVerifiedData {
                snils_changed: false
            },
            &Actor::Citizen
        ),
        Err(DomainError::LevelTooLow {
            required: Level::Standard
        })
    );
}

#[test]
fn a_lock_stops_sign_in_until_it_ends_but_not_recovery() {
    let until = t0() + Duration::minutes(15);
    let locked = run(Some(simplified()), &[Command::Lock { until }]);
    assert_eq!(
        decide(
            Some(&locked),
            &Command::SignIn {
                known_device: false
            },
            &Actor::Citizen,
            t0()
        ),
        Err(DomainError::Locked { until })
    );
    assert_eq!(
        decide(
            Some(&locked),
            &Command::SignIn {
                known_device: false
            },
            &Actor::Citizen,
            until
        )
        .unwrap(),
        [Event::Unlocked, Event::SignedIn]
    );
    // The owner's known device is not under the strangers' lock, which goes on.
    assert_eq!(
        decide(
            Some(&locked),
            &Command::SignIn { known_device: true },
            &Actor::Citizen,
            t0()
        )
        .unwrap(),
        [Event::SignedIn]
    );
    assert!(
        decide(
            Some(&locked),
            &Command::SetPassword { temporary: false },
            &Actor::Citizen,
            t0()
        )
        .is_ok()
    );
    assert_eq!(
        decide(
            Some(&simplified()),
            &Command::Lock { until: t0() },
            &Actor::System,
            t0()
        ),
        Err(DomainError::LockInPast)
    );
}

#[test]
fn blocks_are_for_staff_with_a_reason_and_deletion_is_final() {
    let account = simplified();
    assert_eq!(
        step(
            Some(account.clone()),
            &Command::Block {
                reason: "fraud".into()
            },
            &Actor::Citizen
        ),
        Err(DomainError::OperatorRequired)
    );
    assert_eq!(
        step(
            Some(account.clone()),
            &Command::Block {
                reason: "  ".into()
            },
            &operator()
        ),
        Err(DomainError::ReasonRequired)
    );
    let blocked = step(
        Some(account),
        &Command::Block {
            reason: "documents forged".into(),
        },
        &operator(),
    )
    .unwrap();
    assert_eq!(
        blocked.status,
        Status::Blocked {
            reason: "documents forged".into()
        }
    );
    assert_eq!(
        decide(
            Some(&blocked),
            &Command::SignIn {
                known_device: false
            },
            &Actor::Citizen,
            t0()
        ),
        Err(DomainError::Blocked)
    );
    let unblocked = step(
        Some(blocked),
        &Command::Unblock {
            reason: "checked".into(),
        },
        &operator(),
    )
    .unwrap();
    assert_eq!(unblocked.status, Status::Active);
    let deleted = run(
        Some(unblocked),
        &[Command::Delete {
            reason: "citizen asked".into(),
        }],
    );
    for cmd in [
        Command::SignIn {
            known_device: false,
        },
        Command::ConfirmContact,
        Command::Unblock { reason: "x".into() },
        Command::Delete { reason: "x".into() },
    ] {
        assert_eq!(
            decide(Some(&deleted), &cmd, &operator(), t0()),
            Err(DomainError::Deleted)
        );
    }
}

#[test]
fn operators_register_in_person_with_a_temporary_password() {
    assert_eq!(
        step(
            None,
            &Command::RegisterInPerson {
                centre: "mfc".into()
            },
            &Actor::Citizen
        ),
        Err(DomainError::OperatorRequired)
    );
    let account = step(
        None,
        &Command::RegisterInPerson {
            centre: "mfc".into(),
        },
        &operator(),
    )
    .unwrap();
    assert_eq!(account.status, Status::Active);
    assert!(account.temporary_password);
    assert_eq!(
        step(
            Some(account.clone()),
            &Command::SetPassword { temporary: true },
            &Actor::Citizen
        ),
        Err(DomainError::OperatorRequired)
    );
    assert!(!run(Some(account), &[Command::SetPassword { temporary: false }]).temporary_password);
}

#[test]
fn security_actions_are_recorded_while_locked_but_not_before_activation() {
    let record = Command::RecordSecurity {
        action: SecurityAction::RecoveryStarted,
    };
    let pending = run(
        None,
        &[Command::StartRegistration {
            contact: ContactKind::Phone,
            consent: consent(),
        }],
    );
    assert_eq!(
        step(Some(pending), &record, &Actor::Citizen),
        Err(DomainError::RegistrationIncomplete)
    );
    let locked = run(
        Some(simplified()),
        &[Command::Lock {
            until: t0() + Duration::hours(1),
        }],
    );
    let after = step(Some(locked.clone()), &record, &Actor::Citizen).unwrap();
    assert_eq!(
        after.status, locked.status,
        "a security action changes no status"
    );
    assert_eq!(after.level, locked.level);
    let events = decide(Some(&locked), &record, &Actor::Citizen, t0()).unwrap();
    assert_eq!(
        events,
        [Event::Security {
            action: SecurityAction::RecoveryStarted
        }]
    );
    assert_eq!(events[0].kind(), "security_action");
}
