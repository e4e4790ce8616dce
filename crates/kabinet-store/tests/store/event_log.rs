//! The append-only event log and the change feed on both databases: events reach them only
//! through an account write.

use crate::fixtures::{change, register, t0};
use crate::support::db_test;
use kabinet_core::account::Status;
use kabinet_store::StoreError;
use kabinet_store::event_log::{self, feed_after};
use serde_json::json;
use uuid::Uuid;

db_test!(appends_are_numbered_and_read_back_in_order, |store| {
    let account = Uuid::now_v7();
    store
        .write_account(register(account, "+79120000001"))
        .await
        .unwrap();
    let last = store
        .write_account(change(
            account,
            1,
            Status::Active,
            &["contact_confirmed", "password_set"],
        ))
        .await
        .unwrap();
    assert_eq!(last, 3);
    let events = event_log::read(store, account).await.unwrap();
    let kinds: Vec<_> = events.iter().map(|e| (e.seq, e.kind.as_str())).collect();
    assert_eq!(
        kinds,
        [
            (1, "registration_started"),
            (2, "contact_confirmed"),
            (3, "password_set")
        ]
    );
    assert_eq!(events[0].payload, json!({ "surname": "Иванова" }));
    assert_eq!(events[0].recorded_at, t0());
});

db_test!(a_stale_writer_gets_a_conflict_and_writes_nothing, |store| {
    let account = Uuid::now_v7();
    store
        .write_account(register(account, "+79120000002"))
        .await
        .unwrap();
    let mut stale = change(account, 0, Status::Active, &["other_writer", "more"]);
    stale.claim_logins.clear();
    let refused = store.write_account(stale).await;
    assert!(matches!(refused, Err(StoreError::Conflict)), "{refused:?}");
    let events = event_log::read(store, account).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, "registration_started");
    assert_eq!(feed_after(store, 0, 100).await.unwrap().len(), 1);
});

db_test!(accounts_have_separate_sequences, |store| {
    let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
    store
        .write_account(register(a, "+79120000003"))
        .await
        .unwrap();
    store
        .write_account(register(b, "+79120000004"))
        .await
        .unwrap();
    assert_eq!(event_log::read(store, a).await.unwrap().len(), 1);
    assert_eq!(event_log::read(store, b).await.unwrap()[0].seq, 1);
});

db_test!(
    the_change_feed_holds_every_event_once_in_write_order,
    |store| {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        store
            .write_account(register(a, "+79120000005"))
            .await
            .unwrap();
        store
            .write_account(register(b, "+79120000006"))
            .await
            .unwrap();
        store
            .write_account(change(
                a,
                1,
                Status::Active,
                &["contact_confirmed", "password_set"],
            ))
            .await
            .unwrap();
        let feed = feed_after(store, 0, 100).await.unwrap();
        let seen: Vec<_> = feed
            .iter()
            .map(|(_, e)| (e.account_id, e.seq, e.kind.as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                (a, 1, "registration_started"),
                (b, 1, "registration_started"),
                (a, 2, "contact_confirmed"),
                (a, 3, "password_set"),
            ]
        );
        let numbers: Vec<i64> = feed.iter().map(|(n, _)| *n).collect();
        assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{numbers:?}");
        // A cursor reads on from where it stopped, and a limit cuts the page.
        let rest = feed_after(store, numbers[1], 1).await.unwrap();
        assert_eq!(rest.len(), 1);
        assert_eq!(rest[0].0, numbers[2]);
        assert!(feed_after(store, numbers[3], 10).await.unwrap().is_empty());
    }
);

#[test]
fn every_event_and_actor_reads_back_as_written() {
    use kabinet_core::account::{
        Actor, Check, ConfirmationMethod, ContactKind, Event, Level, LevelReason, SecurityAction,
    };
    use kabinet_store::events::{decode, decode_actor, encode, encode_actor};
    let at = t0();
    let events = [
        Event::RegistrationStarted {
            contact: ContactKind::Email,
            consent_version: "2026-01".into(),
        },
        Event::RegisteredInPerson {
            centre: "mfc-1".into(),
        },
        Event::ContactConfirmed,
        Event::PasswordSet { temporary: true },
        Event::Activated,
        Event::ProfileSubmitted,
        Event::CheckQueued {
            check: Check::Snils,
        },
        Event::CheckStarted {
            check: Check::Passport,
        },
        Event::CheckPassed {
            check: Check::Snils,
        },
        Event::CheckMismatch {
            check: Check::Passport,
            fields: vec!["passport.number".into()],
        },
        Event::CheckUnavailable {
            check: Check::Snils,
            retry_at: at,
        },
        Event::VerifiedDataEdited {
            snils_changed: true,
        },
        Event::IdentityConfirmed {
            method: ConfirmationMethod::InPerson {
                centre: "mfc-1".into(),
                documents: vec!["passport".into()],
            },
        },
        Event::IdentityConfirmed {
            method: ConfirmationMethod::OnlineBank { bank: "b".into() },
        },
        Event::IdentityConfirmed {
            method: ConfirmationMethod::RegisteredLetter,
        },
        Event::ConfirmationWithdrawn,
        Event::LevelChanged {
            from: Level::Standard,
            to: Level::Confirmed,
            reason: LevelReason::IdentityConfirmed,
        },
        Event::SignedIn,
        Event::SignInFailed,
        Event::Locked { until: at },
        Event::Unlocked,
        Event::Blocked {
            reason: "court".into(),
        },
        Event::Unblocked {
            reason: "appeal".into(),
        },
        Event::Deleted {
            reason: "asked".into(),
        },
        Event::Security {
            action: SecurityAction::InnAdded,
        },
    ];
    for event in events {
        assert_eq!(decode(event.kind(), &encode(&event)).unwrap(), event);
    }
    for actor in [
        Actor::Citizen,
        Actor::System,
        Actor::Operator {
            operator: "op".into(),
            centre: "mfc".into(),
            centre_name: "МФЦ".into(),
            workstation: String::new(),
        },
        Actor::Administrator { id: "adm".into() },
    ] {
        assert_eq!(decode_actor(&encode_actor(&actor)).unwrap(), actor);
    }
    // What the code does not know is refused, never read as a default.
    assert!(matches!(
        decode("teleported", &json!({})),
        Err(StoreError::Corrupt(_))
    ));
    assert!(matches!(
        decode("locked", &json!({})),
        Err(StoreError::Corrupt(_))
    ));
    assert!(matches!(
        decode(
            "level_changed",
            &json!({"from": "simplified", "to": "gold", "reason": "identity_confirmed"})
        ),
        Err(StoreError::Corrupt(_))
    ));
}
