//! The projection is the log's replay: random sequences of what citizens, staff, the registries
//! and time do run through the service, and afterwards every account's stored state equals
//! the core's fold of its decoded event log, field by field — on SQLite and PostgreSQL.
//! `REPLAY_CASES` sets how many sequences (24 by default; the bench of a release runs more).

use kabinet_api::*;
use kabinet_store::accounts::find_account;
use kabinet_store::events::replay;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use uuid::Uuid;

use crate::profile::form_of;
use crate::support::*;
use kabinet_service::testing::Desk;

/// Two citizens per sequence.
const CITIZENS: usize = 2;

#[derive(Debug, Clone)]
enum Step {
    WrongPassword {
        who: usize,
        times: u8,
        stranger: bool,
    },
    RightPassword(usize),
    Wait {
        minutes: u16,
    },
    Submit {
        who: usize,
        mismatch: bool,
    },
    RunChecks {
        registry_down: bool,
    },
    ActivationCode(usize),
    InPerson(usize),
    TemporaryPassword(usize),
    SmsSecondFactor(usize),
    NotMe(usize),
    SignOut(usize),
}

fn step() -> impl Strategy<Value = Step> {
    let who = 0..CITIZENS;
    prop_oneof![
        3 => (who.clone(), 1u8..7, proptest::bool::ANY)
            .prop_map(|(who, times, stranger)| Step::WrongPassword { who, times, stranger }),
        2 => who.clone().prop_map(Step::RightPassword),
        2 => (1u16..90).prop_map(|minutes| Step::Wait { minutes }),
        3 => (who.clone(), proptest::bool::weighted(0.3))
            .prop_map(|(who, mismatch)| Step::Submit { who, mismatch }),
        3 => proptest::bool::weighted(0.35).prop_map(|registry_down| Step::RunChecks { registry_down }),
        2 => who.clone().prop_map(Step::ActivationCode),
        2 => who.clone().prop_map(Step::InPerson),
        1 => who.clone().prop_map(Step::TemporaryPassword),
        1 => who.clone().prop_map(Step::SmsSecondFactor),
        1 => who.clone().prop_map(Step::NotMe),
        1 => who.prop_map(Step::SignOut),
    ]
}

struct Citizen {
    id: Uuid,
    phone: String,
    device: Context,
    session: Option<Context>,
    person: usize,
}

/// Runs one step; what it answers does not matter (many steps are refused in some states),
/// only what it leaves in the database.
async fn run(h: &Harness, desk: &mut Desk, citizens: &mut [Citizen], step: &Step) {
    match *step {
        Step::WrongPassword {
            who,
            times,
            stranger,
        } => {
            let c = &citizens[who];
            // A stranger's guesses lock the account for strangers; the owner's own typos lock
            // only the owner's device.
            let from = if stranger {
                device("stranger")
            } else {
                c.device.clone()
            };
            for _ in 0..times {
                let _ = h.sign_in(&from, &c.phone, "Nepravilnyj-1!").await;
            }
        }
        Step::RightPassword(i) => {
            let c = &mut citizens[i];
            if let Ok(SignInOutcome::SignedIn(s)) = h.sign_in(&c.device, &c.phone, PASSWORD).await {
                c.session = Some(with_session(&c.device, &s.token));
            }
        }
        Step::Wait { minutes } => h.advance(i64::from(minutes) * 60),
        Step::Submit { who, mismatch } => {
            let c = &citizens[who];
            let Some(me) = &c.session else { return };
            let mut form = form_of(&h.registries.people()[c.person]);
            if mismatch {
                form.passport.number = "000001".into();
            }
            let submit = ProfileSubmit {
                profile: form,
                confirm_reverification: true,
            };
            let _ = h.service.profile_submit(me, submit).await;
        }
        Step::RunChecks { registry_down } => {
            if registry_down {
                h.registries.fail_next(2);
            }
            let _ = h.service.run_due_jobs("replay").await;
        }
        Step::ActivationCode(i) => {
            let c = &citizens[i];
            let snils = h.registries.people()[c.person].snils.clone();
            let _ = desk.keep_signed_in(&h.service, &h.service).await;
            let (Some(me), Ok(code)) = (&c.session, desk.activation_code(&h.service, &snils).await)
            else {
                return;
            };
            let entry = ActivationCodeEntry { snils, code };
            let _ = h.service.identity_confirm_activation_code(me, entry).await;
        }
        Step::InPerson(i) => {
            let snils = h.registries.people()[citizens[i].person].snils.clone();
            let _ = desk.keep_signed_in(&h.service, &h.service).await;
            let _ = desk
                .confirm_in_person(&h.service, &snils, &["passport"])
                .await;
        }
        Step::TemporaryPassword(i) => {
            let phone = citizens[i].phone.clone();
            let _ = desk.keep_signed_in(&h.service, &h.service).await;
            let _ = desk.restore_by_phone(&h.service, &phone).await;
        }
        Step::SmsSecondFactor(i) => {
            let Some(me) = &citizens[i].session else {
                return;
            };
            let reauth = Reauth {
                password: PASSWORD.into(),
            };
            let _ = h.service.sms_second_factor_enable(me, reauth).await;
        }
        Step::NotMe(i) => {
            let c = &mut citizens[i];
            let Some(me) = c.session.take() else { return };
            if let Ok(events) = h
                .service
                .security_events(
                    &me,
                    Page {
                        page: 0,
                        per_page: 1,
                    },
                )
                .await
                && let Some(first) = events.events.first()
            {
                let _ = h
                    .service
                    .security_event_not_me(&me, ById { id: first.id })
                    .await;
            }
        }
        Step::SignOut(i) => {
            if let Some(me) = citizens[i].session.take() {
                let _ = h.service.sign_out(&me, Empty {}).await;
            }
        }
    }
}

service_test!(the_stored_projection_is_the_replay_of_the_log, |h| {
    let cases: usize = std::env::var("REPLAY_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(24);
    let mut runner = TestRunner::deterministic();
    let sequences = proptest::collection::vec(step(), 1..16);
    let people = h.registries.people().len();
    let mut seen = std::collections::BTreeSet::new();
    let mut desk = h.desk().await;
    for case in 0..cases {
        let steps = sequences.new_tree(&mut runner).unwrap().current();
        let mut citizens = Vec::new();
        for i in 0..CITIZENS {
            let phone = format!("+7912{:07}", case * CITIZENS + i);
            let device = device(&format!("phone-{case}-{i}"));
            let signed = h.register(&device, &phone).await;
            citizens.push(Citizen {
                id: signed.account.id,
                session: Some(with_session(&device, &signed.token)),
                phone,
                device,
                person: (case * CITIZENS + i) % people,
            });
        }
        for step in &steps {
            run(h, &mut desk, &mut citizens, step).await;
        }
        // A failed attempt's log entry is written right after its answer.
        h.service.settle().await;
        for citizen in &citizens {
            let stored = find_account(h.service.store(), citizen.id)
                .await
                .unwrap()
                .unwrap()
                .state;
            let replayed = replay(h.service.store(), citizen.id)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(
                stored, replayed,
                "case {case}, after {steps:#?}: the projection differs from the log's replay"
            );
            for event in kabinet_store::event_log::read(h.service.store(), citizen.id)
                .await
                .unwrap()
            {
                seen.insert(event.kind);
            }
        }
    }
    // The sequences reach the states worth comparing (a run that reached none proves little).
    if cases >= 24 {
        for kind in [
            "sign_in_failed",
            "locked",
            "check_passed",
            "check_mismatch",
            "check_unavailable",
            "level_changed",
            "identity_confirmed",
            "password_set",
            "security_action",
        ] {
            assert!(seen.contains(kind), "no sequence produced {kind}: {seen:?}");
        }
    }
});
