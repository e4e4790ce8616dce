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
