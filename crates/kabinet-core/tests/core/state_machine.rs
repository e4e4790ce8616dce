//! A model-based test of the whole account lifecycle: random sequences of commands by random
//! actors at advancing times, with the invariants checked after every step.

use crate::support::at;
use chrono::{DateTime, Duration, Utc};
use kabinet_core::account::{
    Account, Actor, Check, CheckOutcome, CheckStatus, Command, ConfirmationMethod, Consent,
    ContactKind, DomainError, Event, Level, Status, apply, decide,
};
use proptest::prelude::*;
use proptest::test_runner::Config;
use proptest_state_machine::{ReferenceStateMachine, StateMachineTest, prop_state_machine};

/// A command with its times relative to the moment it runs.
#[derive(Debug, Clone)]
enum Cmd {
    Start { consent: bool, email: bool },
    InPerson,
    ConfirmContact,
    SetPassword { temporary: bool },
    SubmitProfile,
    StartCheck(Check),
    Passed(Check),
    Mismatch(Check),
    Unavailable(Check),
    Edit { snils_changed: bool },
    Confirm(u8),
    SignIn,
    Failure,
    Lock { minutes: i64 },
    Unlock,
    Block,
    Unblock,
    Delete,
}

#[derive(Debug, Clone, Copy)]
enum Who {
    Citizen,
    Operator,
    Admin,
    System,
}

#[derive(Debug, Clone)]
struct Step {
    cmd: Cmd,
    who: Who,
    advance_minutes: u16,
}

fn check() -> impl Strategy<Value = Check> {
    prop_oneof![Just(Check::Snils), Just(Check::Passport)]
}

fn cmd() -> impl Strategy<Value = Cmd> {
    prop_oneof![
        3 => (any::<bool>(), any::<bool>()).prop_map(|(c, e)| Cmd::Start { consent: c || e, email: e }),
        1 => Just(Cmd::InPerson),
        3 => Just(Cmd::ConfirmContact),
        3 => prop_oneof![4 => Just(false), 1 => Just(true)].prop_map(|temporary| Cmd::SetPassword { temporary }),
        4 => Just(Cmd::SubmitProfile),
        6 => check().prop_map(Cmd::StartCheck),
        8 => check().prop_map(Cmd::Passed),
        1 => check().prop_map(Cmd::Mismatch),
        1 => check().prop_map(Cmd::Unavailable),
        1 => any::<bool>().prop_map(|snils_changed| Cmd::Edit { snils_changed }),
        5 => (0u8..6).prop_map(Cmd::Confirm),
        2 => Just(Cmd::SignIn),
        1 => Just(Cmd::Failure),
        1 => (-5i64..120).prop_map(|minutes| Cmd::Lock { minutes }),
        1 => Just(Cmd::Unlock),
        1 => Just(Cmd::Block),
        1 => Just(Cmd::Unblock),
        1 => Just(Cmd::Delete),
    ]
}

fn who() -> impl Strategy<Value = Who> {
    prop_oneof![6 => Just(Who::Citizen), 2 => Just(Who::Operator), 1 => Just(Who::Admin), 2 => Just(Who::System)]
}

impl Cmd {
    fn to_command(&self, now: DateTime<Utc>) -> Command {
        match self.clone() {
            Cmd::Start { consent, email } => Command::StartRegistration {
                contact: if email {
                    ContactKind::Email
                } else {
                    ContactKind::Phone
                },
                consent: Consent {
                    given: consent,
                    document_version: "2026-01".into(),
                },
            },
            Cmd::InPerson => Command::RegisterInPerson {
                centre: "mfc-1".into(),
            },
            Cmd::ConfirmContact => Command::ConfirmContact,
            Cmd::SetPassword { temporary } => Command::SetPassword { temporary },
            Cmd::SubmitProfile => Command::SubmitProfile,
            Cmd::StartCheck(check) => Command::StartCheck { check },
            Cmd::Passed(check) => Command::RecordCheck {
                check,
                outcome: CheckOutcome::Passed,
            },
            Cmd::Mismatch(check) => Command::RecordCheck {
                check,
                outcome: CheckOutcome::Mismatch {
                    fields: vec!["snils".into()],
                },
            },
            Cmd::Unavailable(check) => Command::RecordCheck {
                check,
                outcome: CheckOutcome::Unavailable {
                    retry_at: now + Duration::minutes(5),
                },
            },
            Cmd::Edit { snils_changed } => Command::EditVerifiedData { snils_changed },
            Cmd::Confirm(n) => Command::ConfirmIdentity {
                method: match n {
                    0 => ConfirmationMethod::RegisteredLetter,
                    1 => ConfirmationMethod::ActivationCode,
                    2 => ConfirmationMethod::OnlineBank {
                        bank: "bank-1".into(),
                    },
                    3 => ConfirmationMethod::QualifiedSignature,
                    4 => ConfirmationMethod::InPerson {
                        centre: "mfc-1".into(),
                        documents: vec!["passport".into()],
                    },
                    _ => ConfirmationMethod::Video,
                },
            },
            Cmd::SignIn => Command::SignIn {
                known_device: false,
            },
            Cmd::Failure => Command::RecordSignInFailure,
            Cmd::Lock { minutes } => Command::Lock {
                until: now + Duration::minutes(minutes),
            },
            Cmd::Unlock => Command::Unlock,
            Cmd::Block => Command::Block {
                reason: "suspicious".into(),
            },
            Cmd::Unblock => Command::Unblock {
                reason: "checked".into(),
            },
            Cmd::Delete => Command::Delete {
                reason: "asked".into(),
            },
        }
    }
}

impl Who {
    fn actor(self) -> Actor {
        match self {
            Who::Citizen => Actor::Citizen,
            Who::Operator => Actor::Operator {
                operator: "op-1".into(),
                centre: "mfc-1".into(),
                centre_name: "МФЦ".into(),
                workstation: String::new(),
            },
            Who::Admin => Actor::Administrator {
                id: "admin-1".into(),
            },
            Who::System => Actor::System,
        }
    }
}

/// The reference only keeps the clock: the invariants below judge the real machine.
struct Lifecycle;

impl ReferenceStateMachine for Lifecycle {
    type State = i64;
    type Transition = Step;

    fn init_state() -> BoxedStrategy<Self::State> {
        Just(0).boxed()
    }

    fn transitions(_: &Self::State) -> BoxedStrategy<Self::Transition> {
        (
            cmd(),
            who(),
            prop_oneof![3 => Just(0u16), 2 => 1u16..30, 1 => 30u16..2000],
        )
            .prop_map(|(cmd, who, advance_minutes)| Step {
                cmd,
                who,
                advance_minutes,
            })
            .boxed()
    }

    fn apply(minutes: Self::State, step: &Self::Transition) -> Self::State {
        minutes + i64::from(step.advance_minutes)
    }
}

struct Machine {
    account: Option<Account>,
    history: Vec<Event>,
}

fn base() -> DateTime<Utc> {
    at(2026, 1, 1, 0, 0, 0)
}

impl StateMachineTest for Lifecycle {
    type SystemUnderTest = Machine;
    type Reference = Lifecycle;

    fn init_test(_: &i64) -> Machine {
        Machine {
            account: None,
            history: Vec::new(),
        }
    }

    fn apply(mut sut: Machine, minutes: &i64, step: Step) -> Machine {
        let now = base() + Duration::minutes(*minutes);
        let command = step.cmd.to_command(now);
        let actor = step.who.actor();
        let before = sut.account.clone();
        let decided = decide(before.as_ref(), &command, &actor, now);

        if let Some(b) = &before {
            // Deleted is final.
            if b.status == Status::Deleted {
                assert_eq!(decided, Err(DomainError::Deleted), "{command:?}");
            }
            // A locked or blocked account cannot sign in.
            if command
                == (Command::SignIn {
                    known_device: false,
                })
                && (b.locked_at(now).is_some() || matches!(b.status, Status::Blocked { .. }))
            {
                assert!(decided.is_err(), "signed in while {:?}", b.status);
            }
        }

        let Ok(events) = decided else { return sut };
        assert!(!events.is_empty(), "success without events: {command:?}");
        let mut level = before.as_ref().map(|a| a.level);
        for event in &events {
            if let Event::LevelChanged { from, to, .. } = event {
                assert_eq!(
                    Some(*from),
                    level.or(Some(Level::Simplified)),
                    "level change from the wrong level"
                );
                assert_ne!(from, to);
                if to < from {
                    assert!(
                        matches!(command, Command::EditVerifiedData { .. }),
                        "level lowered by {command:?}"
                    );
                }
                level = Some(*to);
            }
            sut.account = Some(apply(sut.account.take(), event));
            sut.history.push(event.clone());
        }
        let after = sut.account.as_ref().map(|a| a.level);
        // A level never changes without an event that says why.
        if before.is_some() {
            assert_eq!(after, level.or(before.as_ref().map(|a| a.level)));
        }
        sut
    }

    fn check_invariants(sut: &Machine, _: &i64) {
        let Some(account) = &sut.account else { return };
        // Confirmed and Standard imply verified standard data.
        if account.level >= Level::Standard {
            assert!(
                account.verified(),
                "{:?} without verified data",
                account.level
            );
            assert!(account.profile_submitted);
        }
        // The mailed-code restriction belongs to a letter confirmation.
        if account.mailed_code_restriction {
            assert_eq!(
                account.confirmation,
                Some(ConfirmationMethod::RegisteredLetter)
            );
        }
        if account.level == Level::Confirmed {
            assert!(account.confirmation.is_some());
        }
        // Usable accounts have a confirmed contact and a password.
        if matches!(account.status, Status::Active | Status::Locked { .. }) {
            assert!(account.contact_confirmed && account.password_set);
        }
        for check in Check::ALL {
            if *account.check(check) != CheckStatus::NotStarted {
                assert!(account.profile_submitted);
            }
        }
        // The log alone rebuilds the account.
        let replayed = sut.history.iter().fold(None, |acc, e| Some(apply(acc, e)));
        assert_eq!(replayed.as_ref(), Some(account));
        assert_eq!(account.version, sut.history.len() as u64);
    }
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

prop_state_machine! {
    #![proptest_config(Config { cases: cases(), failure_persistence: None, ..Config::default() })]

    #[test]
    fn account_lifecycle_keeps_its_invariants(sequential 1..60 => Lifecycle);
}

/// The generated sequences do reach the deep states, so the invariants above are exercised
/// there and not only on refusals.
#[test]
fn generated_sequences_reach_every_level_and_status() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let strategy = Lifecycle::sequential_strategy(1..60);
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..2_000 {
        let (start, steps, _) = strategy.new_tree(&mut runner).unwrap().current();
        let mut minutes = start;
        let mut sut = <Lifecycle as StateMachineTest>::init_test(&minutes);
        for step in steps {
            minutes = <Lifecycle as ReferenceStateMachine>::apply(minutes, &step);
            sut = <Lifecycle as StateMachineTest>::apply(sut, &minutes, step);
            if let Some(account) = &sut.account {
                seen.insert(account.level.as_str());
                seen.insert(account.status.as_str());
                if account.mailed_code_restriction {
                    seen.insert("mailed_code_restriction");
                }
            }
        }
    }
    for expected in [
        "simplified",
        "standard",
        "confirmed",
        "pending",
        "active",
        "locked",
        "blocked",
        "deleted",
        "mailed_code_restriction",
    ] {
        assert!(
            seen.contains(expected),
            "never reached {expected}: {seen:?}"
        );
    }
}
