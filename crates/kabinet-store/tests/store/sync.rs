//! Sync rows: a replica's outbox numbering and acknowledgement, the centre's inbox refusing a
//! second record, the change feed read with its gaps, and the mirror refusing any database that
//! is not a replica.

use crate::fixtures::register;
use crate::support::db_test;
use kabinet_store::StoreError;
use kabinet_store::accounts::{self, Mirror};
use kabinet_store::sync::{self, InboxEntry};
use uuid::Uuid;

fn at() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap()
}

db_test!(
    the_outbox_numbers_changes_without_gaps_until_acknowledged,
    |store| {
        let account = Uuid::now_v7();
        for expected in 1..=3 {
            let tx = store.begin_write().await.unwrap();
            let seq = sync::outbox_append(
                &tx,
                Uuid::now_v7(),
                account,
                "k",
                serde_json::json!({}),
                at(),
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
            assert_eq!(seq, expected);
        }
        // A change rolled back with its transaction leaves no number behind.
        let tx = store.begin_write().await.unwrap();
        sync::outbox_append(
            &tx,
            Uuid::now_v7(),
            account,
            "k",
            serde_json::json!({}),
            at(),
        )
        .await
        .unwrap();
        drop(tx);
        assert_eq!(sync::outbox_waiting_count(store).await.unwrap(), 3);
        sync::outbox_ack_through(store, 2, at()).await.unwrap();
        let waiting = sync::outbox_waiting(store, 10).await.unwrap();
        assert_eq!(waiting.iter().map(|c| c.seq).collect::<Vec<_>>(), [3]);
    }
);

db_test!(the_inbox_takes_a_change_once, |store| {
    let entry = InboxEntry {
        event_id: Uuid::now_v7(),
        workstation_id: Uuid::now_v7(),
        seq: 1,
        account_id: Uuid::now_v7(),
        kind: "confirmed_in_person".into(),
        outcome: "applied".into(),
        conflict_id: None,
        applied_at: at(),
    };
    sync::inbox_insert(store, entry.clone()).await.unwrap();
    assert!(matches!(
        sync::inbox_insert(store, entry.clone()).await,
        Err(StoreError::Conflict)
    ));
    // Another change with the same number from the same workstation is refused too.
    let same_number = InboxEntry {
        event_id: Uuid::now_v7(),
        ..entry.clone()
    };
    assert!(matches!(
        sync::inbox_insert(store, same_number).await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(
        sync::inbox_last_seq(store, entry.workstation_id)
            .await
            .unwrap(),
        1
    );
});

db_test!(the_feed_is_read_after_a_cursor_and_at_its_holes, |store| {
    let ids: Vec<Uuid> = (0..3).map(|_| Uuid::now_v7()).collect();
    for (i, id) in ids.iter().enumerate() {
        store
            .write_account(register(*id, &format!("+7912345670{i}")))
            .await
            .unwrap();
    }
    let all = sync::feed_entries(store, 0, &[], 100).await.unwrap();
    assert!(all.len() >= 3);
    let first = all[0].0;
    let last = all.last().unwrap().0;
    let later = sync::feed_entries(store, last - 1, &[first], 100)
        .await
        .unwrap();
    let seqs: Vec<i64> = later.iter().map(|(s, _)| *s).collect();
    assert!(seqs.contains(&last) && seqs.contains(&first) && !seqs.contains(&(last - 1)));
});

db_test!(only_a_replica_takes_a_mirrored_copy, |store| {
    use kabinet_core::account::{ContactKind, Event};
    let id = Uuid::now_v7();
    // A log the core can read (the replica replays it).
    let mut write = register(id, "+79123450099");
    write.events[0].payload = kabinet_store::events::encode(&Event::RegistrationStarted {
        contact: ContactKind::Phone,
        consent_version: "2026-01".into(),
    });
    store.write_account(write).await.unwrap();
    let copy = accounts::account_copy(store, id).await.unwrap().unwrap();
    let mirror = Mirror {
        id,
        surname: copy.account.surname.clone(),
        first_name: copy.account.first_name.clone(),
        consent_at: copy.account.consent_at,
        origin: copy.account.origin.clone(),
        created_at: copy.account.created_at,
        updated_at: copy.account.updated_at,
        events: copy.events.clone(),
        logins: copy.logins.clone(),
        profile: None,
    };
    let refused = |r: Result<(), StoreError>| matches!(r, Err(StoreError::Corrupt(_)));
    let tx = store.begin_write().await.unwrap();
    assert!(refused(accounts::mirror(&tx, mirror.clone()).await));
    assert!(refused(accounts::drop_copy(&tx, id).await));
    drop(tx);
    accounts::mark_replica(store, at()).await.unwrap();
    // A log the core cannot read is refused.
    let mut unreadable = mirror.clone();
    unreadable.events[0].payload = serde_json::json!({ "surname": "Иванова" });
    let tx = store.begin_write().await.unwrap();
    assert!(refused(accounts::mirror(&tx, unreadable).await));
    drop(tx);
    // Marked a replica, it replaces the copy, its projection replayed from the log.
    let tx = store.begin_write().await.unwrap();
    accounts::mirror(&tx, mirror).await.unwrap();
    tx.commit().await.unwrap();
    let again = accounts::account_copy(store, id).await.unwrap().unwrap();
    assert_eq!(again.events, copy.events);
    assert_eq!(
        again.account.state,
        kabinet_store::events::replay(store, id)
            .await
            .unwrap()
            .unwrap()
    );
    assert_eq!(again.logins, copy.logins);
    let tx = store.begin_write().await.unwrap();
    accounts::drop_copy(&tx, id).await.unwrap();
    tx.commit().await.unwrap();
    assert!(accounts::find_account(store, id).await.unwrap().is_none());
    assert_eq!(
        accounts::find_login(store, "phone", "+79123450099")
            .await
            .unwrap(),
        None
    );
});
