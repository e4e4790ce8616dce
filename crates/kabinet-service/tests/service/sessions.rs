//! Sessions: timeouts, lists, revocation, hashed tokens.

use kabinet_api::*;

use crate::support::*;

service_test!(sessions_end_after_30_idle_minutes, |h| {
    let laptop = device("laptop");
    let session = h.register(&laptop, PHONE).await;
    let me = with_session(&laptop, &session.token);
    h.advance(29 * 60);
    h.service.me(&me, Empty {}).await.unwrap(); // activity pushes the idle end forward
    h.advance(29 * 60);
    h.service.me(&me, Empty {}).await.unwrap();
    h.advance(30 * 60);
    expect_error(
        h.service.me(&me, Empty {}).await,
        ErrorCode::Unauthenticated,
    );
});

service_test!(sessions_end_after_12_hours_whatever_the_activity, |h| {
    let laptop = device("laptop");
    let session = h.register(&laptop, PHONE).await;
    let me = with_session(&laptop, &session.token);
    assert_eq!(session.expires_at, h.now() + chrono::Duration::hours(12));
    for _ in 0..35 {
        h.advance(20 * 60);
        h.service.me(&me, Empty {}).await.unwrap();
    }
    h.advance(20 * 60 + 1);
    expect_error(
        h.service.me(&me, Empty {}).await,
        ErrorCode::Unauthenticated,
    );
});

service_test!(sessions_are_listed_and_revoked, |h| {
    let laptop = device("laptop");
    let first = h.register(&laptop, PHONE).await;
    let second = signed_in(h.sign_in(&laptop, PHONE, PASSWORD).await.unwrap());
    assert_ne!(first.token, second.token, "a new token at every sign-in");
    let me = with_session(&laptop, &second.token);
    let list = h.service.sessions_list(&me, Empty {}).await.unwrap();
    assert_eq!(list.sessions.len(), 2);
    assert_eq!(list.sessions.iter().filter(|s| s.current).count(), 1);
    let other = list.sessions.iter().find(|s| !s.current).unwrap().id;
    h.service
        .session_revoke(&me, ById { id: other })
        .await
        .unwrap();
    expect_error(
        h.service
            .me(&with_session(&laptop, &first.token), Empty {})
            .await,
        ErrorCode::Unauthenticated,
    );
    expect_error(
        h.service.session_revoke(&me, ById { id: other }).await,
        ErrorCode::NotFound,
    );
    h.service.sessions_revoke_all(&me, Empty {}).await.unwrap();
    expect_error(
        h.service.me(&me, Empty {}).await,
        ErrorCode::Unauthenticated,
    );
});

service_test!(sign_out_ends_only_this_session, |h| {
    let laptop = device("laptop");
    let first = h.register(&laptop, PHONE).await;
    let second = signed_in(h.sign_in(&laptop, PHONE, PASSWORD).await.unwrap());
    h.service
        .sign_out(&with_session(&laptop, &first.token), Empty {})
        .await
        .unwrap();
    expect_error(
        h.service
            .me(&with_session(&laptop, &first.token), Empty {})
            .await,
        ErrorCode::Unauthenticated,
    );
    h.service
        .me(&with_session(&laptop, &second.token), Empty {})
        .await
        .unwrap();
});

service_test!(
    a_password_change_asks_for_the_password_and_ends_the_other_sessions,
    |h| {
        let laptop = device("laptop");
        let first = h.register(&laptop, PHONE).await;
        let second = signed_in(h.sign_in(&laptop, PHONE, PASSWORD).await.unwrap());
        let me = with_session(&laptop, &second.token);
        let change = |current: &str| PasswordChange {
            current_password: current.into(),
            password: "Novyj-Parol5?".into(),
            password_repeat: "Novyj-Parol5?".into(),
        };
        expect_error(
            h.service.password_change(&me, change("Wrong-Pass1!")).await,
            ErrorCode::PasswordWrong,
        );
        // An empty current password is a missing field, not a wrong password.
        let empty = expect_error(
            h.service.password_change(&me, change("")).await,
            ErrorCode::InvalidInput,
        );
        assert_eq!(field_rules(&empty, "current_password"), ["required"]);
        h.service
            .password_change(&me, change(PASSWORD))
            .await
            .unwrap();
        h.service.me(&me, Empty {}).await.unwrap();
        expect_error(
            h.service
                .me(&with_session(&laptop, &first.token), Empty {})
                .await,
            ErrorCode::Unauthenticated,
        );
        expect_error(
            h.sign_in(&laptop, PHONE, PASSWORD).await,
            ErrorCode::CredentialsInvalid,
        );
        signed_in(h.sign_in(&laptop, PHONE, "Novyj-Parol5?").await.unwrap());
    }
);

service_test!(tokens_are_stored_only_as_hashes, |h| {
    let laptop = device("laptop");
    let session = h.register(&laptop, PHONE).await;
    let rows =
        kabinet_store::sessions::live_sessions(h.service.store(), session.account.id, h.now())
            .await
            .unwrap();
    assert_eq!(rows.len(), 1);
    let stored = rows[0].token_hash.clone();
    assert_eq!(stored.len(), 32);
    assert_ne!(stored, session.token.as_bytes());
    let dump = format!("{rows:?}");
    assert!(!dump.contains(&session.token));
});

service_test!(
    a_session_check_writes_the_session_at_most_once_a_minute,
    |h| {
        let laptop = device("laptop");
        let session = h.register(&laptop, PHONE).await;
        let me = with_session(&laptop, &session.token);
        let last_seen = || async {
            kabinet_store::sessions::live_sessions(h.service.store(), session.account.id, h.now())
                .await
                .unwrap()[0]
                .last_seen_at
        };
        let opened = last_seen().await;
        h.advance(50);
        let before = h.service.store().round_trips();
        let summary = h.service.me(&me, Empty {}).await.unwrap();
        assert_eq!(
            h.service.store().round_trips() - before,
            1,
            "a check within the minute is one read: the session, its account and its contacts"
        );
        assert!(
            summary.phone.is_some(),
            "the contacts come with the account"
        );
        assert_eq!(
            last_seen().await,
            opened,
            "a check within the minute is a read"
        );
        // Until the session cache serves (on PostgreSQL, once its listener is connected).
        for _ in 0..200 {
            let before = h.service.store().round_trips();
            h.service.me(&me, Empty {}).await.unwrap();
            if h.service.store().round_trips() == before {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        h.advance(20);
        let before = h.service.store().round_trips();
        h.service.me(&me, Empty {}).await.unwrap();
        assert_eq!(
            h.service.store().round_trips() - before,
            1,
            "once a minute the session is written (the check itself from memory)"
        );
        assert_eq!(
            last_seen().await,
            h.now(),
            "after a minute the idle end moves on"
        );
    }
);

service_test!(
    a_session_check_is_kept_in_memory_until_its_account_changes,
    |h| {
        let laptop = device("laptop");
        let first = h.register(&laptop, PHONE).await;
        let second = signed_in(h.sign_in(&laptop, PHONE, PASSWORD).await.unwrap());
        let (me, other) = (
            with_session(&laptop, &first.token),
            with_session(&laptop, &second.token),
        );
        h.service.me(&other, Empty {}).await.unwrap();
        // On PostgreSQL the cache serves once the store's listener is connected, and the
        // sign-in's own change notice (delivered after its commit) may still drop the entry:
        // check until the second of two checks in a row comes from memory.
        let mut kept = None;
        for _ in 0..200 {
            h.service.me(&me, Empty {}).await.unwrap();
            let before = h.service.store().round_trips();
            let summary = h.service.me(&me, Empty {}).await.unwrap();
            if h.service.store().round_trips() == before {
                kept = Some(summary);
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        let summary = kept.expect("checked again from memory");
        h.service
            .password_change(
                &other,
                PasswordChange {
                    current_password: PASSWORD.into(),
                    password: "Novyj-Parol5?".into(),
                    password_repeat: "Novyj-Parol5?".into(),
                },
            )
            .await
            .unwrap();
        // A password change ends the other sessions: the one kept in memory is refused at once.
        expect_error(
            h.service.me(&me, Empty {}).await,
            ErrorCode::Unauthenticated,
        );
        assert_eq!(summary.status, AccountStatus::Active);
        // Signing out ends the session kept in memory too.
        h.service.me(&other, Empty {}).await.unwrap();
        h.service.sign_out(&other, Empty {}).await.unwrap();
        expect_error(
            h.service.me(&other, Empty {}).await,
            ErrorCode::Unauthenticated,
        );
    }
);

/// A second server process on the same PostgreSQL database: a session it checked (and keeps in
/// memory) ends there as soon as the first process ends it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_out_on_one_replica_ends_the_session_on_the_others() {
    let Some(db) = kabinet_store::testing::TestDb::postgres().await else {
        return;
    };
    let url = db.url.clone();
    let h = Harness::on(db, test_config()).await;
    let laptop = device("laptop");
    let session = h.register(&laptop, PHONE).await;
    let me = with_session(&laptop, &session.token);
    let other_store = kabinet_store::Store::connect(&url).await.unwrap();
    let replica = kabinet_service::Service::new(
        other_store.clone(),
        test_config(),
        kabinet_service::Ports::simulated(std::sync::Arc::new(h.clock.clone())),
    )
    .unwrap();
    // Its listener connects in the background; until then it reads every time.
    let mut kept = false;
    for _ in 0..100 {
        replica.me(&me, Empty {}).await.unwrap();
        let before = other_store.round_trips();
        replica.me(&me, Empty {}).await.unwrap();
        if other_store.round_trips() == before {
            kept = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(kept, "the replica keeps the session check in memory");
    h.service.sign_out(&me, Empty {}).await.unwrap();
    let started = std::time::Instant::now();
    loop {
        match replica.me(&me, Empty {}).await {
            Err(e) if e.code == ErrorCode::Unauthenticated => break,
            Ok(_) if started.elapsed() < std::time::Duration::from_secs(2) => {
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
            other => panic!("still signed in on the replica after 2 s: {other:?}"),
        }
    }
    other_store.close().await.unwrap();
    h.finish().await;
}
