//! One transaction per command: events, projection and logins together or not at all.

use crate::fixtures::{change, register};
use crate::support::db_test;
use kabinet_core::account::Status;
use kabinet_store::StoreError as WriteError;
use kabinet_store::accounts::{find_account, find_login};
use kabinet_store::event_log;
use uuid::Uuid;

db_test!(
    a_registration_writes_events_row_and_login_together,
    |store| {
        let id = Uuid::now_v7();
        assert_eq!(
            store
                .write_account(register(id, "+79123456789"))
                .await
                .unwrap(),
            1
        );
        let conn = store;
        assert_eq!(
            find_login(conn, "phone", "+79123456789").await.unwrap(),
            Some(id)
        );
        let row = find_account(conn, id).await.unwrap().unwrap();
        assert_eq!((row.state.version, row.surname.as_str()), (1, "Иванова"));
        let seq = store
            .write_account(change(
                id,
                1,
                Status::Active,
                &["contact_confirmed", "password_set"],
            ))
            .await
            .unwrap();
        assert_eq!(seq, 3);
        let row = find_account(conn, id).await.unwrap().unwrap();
        assert_eq!((row.state.status, row.state.version), (Status::Active, 3));
        assert_eq!(event_log::read(conn, id).await.unwrap().len(), 3);
    }
);

db_test!(
    a_login_clash_rolls_everything_back_and_names_the_kind,
    |store| {
        let first = Uuid::now_v7();
        store
            .write_account(register(first, "+79123456789"))
            .await
            .unwrap();
        let second = Uuid::now_v7();
        let clash = store.write_account(register(second, "+79123456789")).await;
        assert!(
            matches!(&clash, Err(WriteError::LoginTaken { kind }) if kind == "phone"),
            "{clash:?}"
        );
        let conn = store;
        assert!(find_account(conn, second).await.unwrap().is_none());
        assert!(event_log::read(conn, second).await.unwrap().is_empty());
        assert_eq!(
            find_login(conn, "phone", "+79123456789").await.unwrap(),
            Some(first)
        );
    }
);

db_test!(a_stale_version_is_a_conflict_and_changes_nothing, |store| {
    let id = Uuid::now_v7();
    store
        .write_account(register(id, "+79123456780"))
        .await
        .unwrap();
    store
        .write_account(change(id, 1, Status::Active, &["contact_confirmed"]))
        .await
        .unwrap();
    let stale = store
        .write_account(change(
            id,
            1,
            Status::Blocked {
                reason: "test".into(),
            },
            &["blocked"],
        ))
        .await;
    assert!(matches!(stale, Err(WriteError::Conflict)), "{stale:?}");
    let conn = store;
    let row = find_account(conn, id).await.unwrap().unwrap();
    assert_eq!((row.state.status, row.state.version), (Status::Active, 2));
    assert_eq!(event_log::read(conn, id).await.unwrap().len(), 2);
});

db_test!(creating_an_account_twice_is_a_conflict, |store| {
    let id = Uuid::now_v7();
    store
        .write_account(register(id, "+79123456781"))
        .await
        .unwrap();
    let mut again = register(id, "+79123456782");
    again.claim_logins.clear();
    assert!(matches!(
        store.write_account(again).await,
        Err(WriteError::Conflict)
    ));
});

db_test!(logins_move_between_kinds_and_are_released, |store| {
    let id = Uuid::now_v7();
    store
        .write_account(register(id, "+79123456783"))
        .await
        .unwrap();
    let mut add = change(id, 1, Status::Active, &["snils_became_login"]);
    add.claim_logins = vec![("snils".into(), "11223344595".into())];
    add.release_logins = vec![("phone".into(), "+79123456783".into())];
    store.write_account(add).await.unwrap();
    let conn = store;
    assert_eq!(
        find_login(conn, "snils", "11223344595").await.unwrap(),
        Some(id)
    );
    assert_eq!(
        find_login(conn, "phone", "+79123456783").await.unwrap(),
        None
    );
    // The same value under another kind is another login.
    assert_eq!(find_login(conn, "inn", "11223344595").await.unwrap(), None);
});

db_test!(
    concurrent_writers_on_one_account_get_one_winner_per_version,
    |store| {
        let id = Uuid::now_v7();
        store
            .write_account(register(id, "+79123456784"))
            .await
            .unwrap();
        for round in 1..=3i64 {
            let writers: Vec<_> = (0..6)
                .map(|w| {
                    let store = store.clone();
                    let kind = format!("writer_{w}");
                    tokio::spawn(async move {
                        store
                            .write_account(change(id, round, Status::Active, &[kind.as_str()]))
                            .await
                    })
                })
                .collect();
            let mut won = 0;
            for writer in writers {
                match writer.await.unwrap() {
                    Ok(seq) => {
                        won += 1;
                        assert_eq!(seq, round + 1);
                    }
                    Err(WriteError::Conflict) => {}
                    Err(other) => panic!("unexpected {other:?}"),
                }
            }
            assert_eq!(won, 1, "round {round}");
        }
        let events = event_log::read(store, id).await.unwrap();
        assert_eq!(
            events.iter().map(|e| e.seq).collect::<Vec<_>>(),
            [1, 2, 3, 4]
        );
    }
);

db_test!(
    a_row_holding_an_unknown_value_is_refused_not_defaulted,
    |store| {
        use sea_orm::ConnectionTrait;
        let id = Uuid::now_v7();
        store
            .write_account(register(id, "+79123456785"))
            .await
            .unwrap();
        for (column, value) in [("status", "frozen"), ("level", "gold")] {
            let sql = format!("UPDATE accounts SET {column} = '{value}'");
            store.connection().execute_unprepared(&sql).await.unwrap();
            let read = find_account(store, id).await;
            assert!(
                matches!(read, Err(WriteError::Corrupt(_))),
                "{column}: {read:?}"
            );
            let sql = format!(
                "UPDATE accounts SET {column} = '{}'",
                if column == "status" {
                    "pending"
                } else {
                    "simplified"
                }
            );
            store.connection().execute_unprepared(&sql).await.unwrap();
        }
        assert!(find_account(store, id).await.unwrap().is_some());
    }
);

db_test!(
    the_watchers_hear_a_change_after_its_commit_and_never_a_rolled_back_one,
    |store| {
        use std::sync::{Arc, Mutex};
        let heard = Arc::new(Mutex::new(Vec::new()));
        let log = heard.clone();
        store.watch_accounts(move |account| {
            if let Some(id) = account {
                log.lock().unwrap().push(id);
            }
        });
        let heard_of = |id: Uuid| heard.lock().unwrap().contains(&id);
        let id = Uuid::now_v7();
        let tx = store.begin_write().await.unwrap();
        kabinet_store::accounts::write_account(&tx, register(id, "+79123456790"))
            .await
            .unwrap();
        assert!(!heard_of(id), "nothing before the commit");
        tx.commit().await.unwrap();
        assert!(heard_of(id), "told at the commit");
        let never = Uuid::now_v7();
        let tx = store.begin_write().await.unwrap();
        kabinet_store::accounts::write_account(&tx, register(never, "+79123456791"))
            .await
            .unwrap();
        drop(tx);
        // Time enough for PostgreSQL's notice, were one sent.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert!(!heard_of(never), "a rolled-back change is never told");
        let pool_write = Uuid::now_v7();
        kabinet_store::sessions::revoke_sessions(
            store,
            pool_write,
            kabinet_store::sessions::Which::All,
            crate::fixtures::t0(),
        )
        .await
        .unwrap();
        assert!(heard_of(pool_write), "a write on the pool is told at once");
    }
);
