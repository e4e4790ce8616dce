//! Brute-force defence: the progressive delay, its reset, the hard limit, unknown logins, the
//! client throttle, and a security event for every failure.

use kabinet_api::*;

use crate::support::*;

const WRONG: &str = "Wrong-Pass1!";

service_test!(
    the_delay_grows_with_each_failure_and_tells_when_to_retry,
    |h| {
        let laptop = device("laptop");
        h.register(&laptop, PHONE).await;
        for _ in 0..3 {
            expect_error(
                h.sign_in(&laptop, PHONE, WRONG).await,
                ErrorCode::CredentialsInvalid,
            );
        }
        let first = expect_error(
            h.sign_in(&laptop, PHONE, WRONG).await,
            ErrorCode::AccountLocked,
        );
        assert_eq!(first.retry_at, Some(h.now() + chrono::Duration::minutes(1)));
        // While locked even the right password is refused, with the same retry time.
        let during = expect_error(
            h.sign_in(&laptop, PHONE, PASSWORD).await,
            ErrorCode::AccountLocked,
        );
        assert_eq!(during.retry_at, first.retry_at);
        h.advance(60);
        let second = expect_error(
            h.sign_in(&laptop, PHONE, WRONG).await,
            ErrorCode::AccountLocked,
        );
        assert_eq!(
            second.retry_at,
            Some(h.now() + chrono::Duration::minutes(2))
        );
        h.advance(120);
        let third = expect_error(
            h.sign_in(&laptop, PHONE, WRONG).await,
            ErrorCode::AccountLocked,
        );
        assert_eq!(third.retry_at, Some(h.now() + chrono::Duration::minutes(4)));
        h.advance(240);
        signed_in(h.sign_in(&laptop, PHONE, PASSWORD).await.unwrap());
        // Success clears the count.
        for _ in 0..3 {
            expect_error(
                h.sign_in(&laptop, PHONE, WRONG).await,
                ErrorCode::CredentialsInvalid,
            );
        }
    }
);

service_test!(
    the_count_starts_again_12_hours_after_the_last_failure,
    |h| {
        let laptop = device("laptop");
        h.register(&laptop, PHONE).await;
        for _ in 0..3 {
            expect_error(
                h.sign_in(&laptop, PHONE, WRONG).await,
                ErrorCode::CredentialsInvalid,
            );
        }
        h.advance(12 * 3600);
        for _ in 0..3 {
            expect_error(
                h.sign_in(&laptop, PHONE, WRONG).await,
                ErrorCode::CredentialsInvalid,
            );
        }
        expect_error(
            h.sign_in(&laptop, PHONE, WRONG).await,
            ErrorCode::AccountLocked,
        );
    }
);

service_test!(never_more_than_100_consecutive_failures, |h| {
    let laptop = device("laptop");
    h.register(&laptop, PHONE).await;
    for attempt in 1..=100 {
        let error = h.sign_in(&laptop, PHONE, WRONG).await.unwrap_err();
        assert!(
            matches!(
                error.code,
                ErrorCode::CredentialsInvalid | ErrorCode::AccountLocked
            ),
            "{attempt}: {error:?}"
        );
        h.advance(3601); // past the longest delay, short of the 12-hour reset
    }
    let after = expect_error(
        h.sign_in(&laptop, PHONE, PASSWORD).await,
        ErrorCode::AccountLocked,
    );
    assert_eq!(after.retry_at, None, "only a recovery unlocks it");
    h.advance(13 * 3600);
    expect_error(
        h.sign_in(&laptop, PHONE, PASSWORD).await,
        ErrorCode::AccountLocked,
    );
    // Every one of the hundred is a security event, and so is a refused attempt.
    h.recover(&laptop, "Novyj-Parol5?").await;
    let session = signed_in(h.sign_in(&laptop, PHONE, "Novyj-Parol5?").await.unwrap());
    // Refused sign-ins are recorded after the answer: wait for those writes first.
    h.service.settle().await;
    let events = h
        .service
        .security_events(
            &with_session(&laptop, &session.token),
            Page {
                page: 0,
                per_page: 100,
            },
        )
        .await
        .unwrap();
    let mut failures = events
        .events
        .iter()
        .filter(|e| e.kind == "sign_in_failed")
        .count();
    let mut page = 1;
    let mut more = events.has_more;
    while more {
        let next = h
            .service
            .security_events(
                &with_session(&laptop, &session.token),
                Page {
                    page,
                    per_page: 100,
                },
            )
            .await
            .unwrap();
        failures += next
            .events
            .iter()
            .filter(|e| e.kind == "sign_in_failed")
            .count();
        more = next.has_more;
        page += 1;
    }
    // The hundred, and the two right passwords refused while locked (each the first refusal
    // of its hour: refusals are recorded, aggregated).
    assert_eq!(failures, 102);
});

service_test!(unknown_logins_are_locked_alike, |h| {
    let laptop = device("laptop");
    h.register(&laptop, PHONE).await;
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for _ in 0..5 {
        known.push(
            serde_json::to_value(h.sign_in(&laptop, PHONE, WRONG).await.unwrap_err()).unwrap(),
        );
        unknown.push(
            serde_json::to_value(
                h.sign_in(&laptop, "+7 916 111-22-33", WRONG)
                    .await
                    .unwrap_err(),
            )
            .unwrap(),
        );
    }
    assert_eq!(known, unknown);
});

service_test!(one_client_is_throttled_across_logins, |h| {
    let attacker = device("bot");
    for i in 0..30 {
        let login = format!("+7 916 000-{:02}-{:02}", i / 100, i % 100);
        let _ = h.sign_in(&attacker, &login, WRONG).await;
    }
    let refused = expect_error(
        h.sign_in(&attacker, "+7 916 555-55-55", WRONG).await,
        ErrorCode::TooManyRequests,
    );
    assert!(refused.retry_at.unwrap() > h.now());
    let elsewhere = Context {
        address: "198.51.100.1".into(),
        ..device("citizen")
    };
    expect_error(
        h.sign_in(&elsewhere, "+7 916 555-55-55", WRONG).await,
        ErrorCode::CredentialsInvalid,
    );
    h.advance(15 * 60);
    expect_error(
        h.sign_in(&attacker, "+7 916 555-55-55", WRONG).await,
        ErrorCode::CredentialsInvalid,
    );
});

service_test!(a_strangers_guesses_never_keep_the_owner_out, |h| {
    let laptop = device("laptop");
    h.register(&laptop, PHONE).await;
    let attacker = device("attacker");
    // The attacker guesses until the account is locked for devices it has not seen, and keeps
    // it locked with a guess per lock period.
    for _ in 0..3 {
        expect_error(
            h.sign_in(&attacker, PHONE, WRONG).await,
            ErrorCode::CredentialsInvalid,
        );
    }
    let locked = expect_error(
        h.sign_in(&attacker, PHONE, WRONG).await,
        ErrorCode::AccountLocked,
    );
    assert!(locked.retry_at.is_some());
    // Side by side: even the right password from the attacker's device is refused…
    expect_error(
        h.sign_in(&attacker, PHONE, PASSWORD).await,
        ErrorCode::AccountLocked,
    );
    // …while the owner's known device signs in at once.
    let session = signed_in(h.sign_in(&laptop, PHONE, PASSWORD).await.unwrap());
    let me = with_session(&laptop, &session.token);
    assert_eq!(
        h.service.me(&me, Empty {}).await.unwrap().status,
        AccountStatus::Locked,
        "the strangers' lock goes on and is shown"
    );
    // A new device of the owner is a stranger too while the lock lasts: it waits, or recovers.
    expect_error(
        h.sign_in(&device("new-phone"), PHONE, PASSWORD).await,
        ErrorCode::AccountLocked,
    );
    // The refused attempts are in the owner's events (aggregated, not one per guess), written
    // after the answers: wait for those writes first.
    h.service.settle().await;
    let events = h
        .service
        .security_events(
            &me,
            Page {
                page: 0,
                per_page: 100,
            },
        )
        .await
        .unwrap()
        .events;
    let failed = events.iter().filter(|e| e.kind == "sign_in_failed").count();
    assert!(failed >= 5, "the guesses and the refusal: {failed}");
    // The owner's own mistakes lock only the owner's device, not the account for everyone.
    h.advance(3600);
    for _ in 0..3 {
        expect_error(
            h.sign_in(&laptop, PHONE, WRONG).await,
            ErrorCode::CredentialsInvalid,
        );
    }
    expect_error(
        h.sign_in(&laptop, PHONE, WRONG).await,
        ErrorCode::AccountLocked,
    );
});

fn with_floor() -> kabinet_service::ServiceConfig {
    let mut config = test_config();
    config.answer_floor = std::time::Duration::from_millis(300);
    config
}

service_test!(
    refusals_and_starts_wait_for_the_answer_floor,
    with_floor(),
    |h| {
        h.register(&device("laptop"), PHONE).await;
        let floor = std::time::Duration::from_millis(300);
        for login in [PHONE_E164, "+79160000000"] {
            let started = std::time::Instant::now();
            let refused = h
                .service
                .sign_in(
                    &device("stranger"),
                    SignInRequest {
                        login: login.into(),
                        password: "Wrong-Parol1!".into(),
                    },
                )
                .await
                .unwrap_err();
            assert_eq!(refused.code, ErrorCode::CredentialsInvalid);
            assert!(
                started.elapsed() >= floor,
                "{login}: {:?}",
                started.elapsed()
            );
            let started = std::time::Instant::now();
            h.service
                .recovery_start(
                    &device("stranger"),
                    RecoveryStart {
                        login: login.into(),
                    },
                )
                .await
                .unwrap();
            assert!(
                started.elapsed() >= floor,
                "{login}: {:?}",
                started.elapsed()
            );
        }
        // A field error is answered at once: it tells nothing about anyone.
        let started = std::time::Instant::now();
        let wrong = h
            .service
            .recovery_start(&device("stranger"), RecoveryStart { login: "".into() })
            .await
            .unwrap_err();
        assert!(!wrong.fields.is_empty());
        assert!(started.elapsed() < floor);
    }
);
