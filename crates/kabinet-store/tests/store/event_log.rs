//! The append-only event log on both databases.

use crate::support::db_test;
use chrono::{TimeZone, Utc};
use kabinet_store::event_log::{self, AppendError, NewEvent};
use serde_json::json;
use uuid::Uuid;

fn event(kind: &str) -> NewEvent {
    NewEvent {
        kind: kind.to_owned(),
        payload: json!({ "surname": "Иванова" }),
        actor: json!({ "citizen": null }),
        origin: "test".to_owned(),
        at: Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap(),
    }
}

db_test!(appends_are_numbered_and_read_back_in_order, |store| {
    let conn = store.connection();
    let account = Uuid::now_v7();
    let last = event_log::append(
        conn,
        account,
        0,
        &[event("registration_started"), event("contact_confirmed")],
    )
    .await
    .unwrap();
    assert_eq!(last, 2);
    let last = event_log::append(conn, account, last, &[event("password_set")])
        .await
        .unwrap();
    assert_eq!(last, 3);
    let events = event_log::read(conn, account).await.unwrap();
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
    assert_eq!(
        events[0].recorded_at,
        Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap()
    );
});

db_test!(a_stale_writer_gets_a_conflict_and_writes_nothing, |store| {
    let conn = store.connection();
    let account = Uuid::now_v7();
    event_log::append(conn, account, 0, &[event("registration_started")])
        .await
        .unwrap();
    let stale = event_log::append(conn, account, 0, &[event("other_writer"), event("more")]).await;
    assert!(
        matches!(stale, Err(AppendError::Conflict { expected: 0 })),
        "{stale:?}"
    );
    let events = event_log::read(conn, account).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, "registration_started");
});

db_test!(accounts_have_separate_sequences, |store| {
    let conn = store.connection();
    let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
    event_log::append(conn, a, 0, &[event("a1")]).await.unwrap();
    event_log::append(conn, b, 0, &[event("b1")]).await.unwrap();
    assert_eq!(event_log::read(conn, a).await.unwrap().len(), 1);
    assert_eq!(event_log::read(conn, b).await.unwrap()[0].kind, "b1");
});
