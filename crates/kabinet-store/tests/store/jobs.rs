//! The durable job queue.

use crate::fixtures::t0;
use crate::support::db_test;
use chrono::Duration;
use kabinet_store::jobs::{self, NewJob, backoff};
use serde_json::json;

fn job(key: Option<&str>, max_attempts: i32) -> NewJob {
    NewJob {
        kind: "registry_check".into(),
        payload: json!({"check": "snils"}),
        run_at: t0(),
        idempotency_key: key.map(str::to_owned),
        max_attempts,
    }
}

db_test!(an_idempotency_key_makes_one_job, |store| {
    let conn = store;
    let a = jobs::enqueue(conn, job(Some("snils:acc-1"), 3), t0())
        .await
        .unwrap();
    let b = jobs::enqueue(conn, job(Some("snils:acc-1"), 3), t0())
        .await
        .unwrap();
    let c = jobs::enqueue(conn, job(None, 3), t0()).await.unwrap();
    let d = jobs::enqueue(conn, job(None, 3), t0()).await.unwrap();
    assert_eq!(a, b);
    assert_ne!(c, d);
});

db_test!(a_job_runs_when_due_and_is_leased_once, |store| {
    let conn = store;
    let mut later = job(None, 3);
    later.run_at = t0() + Duration::minutes(10);
    let id = jobs::enqueue(conn, later, t0()).await.unwrap();
    assert!(
        jobs::lease(conn, &["registry_check"], "w1", t0(), Duration::seconds(30))
            .await
            .unwrap()
            .is_none()
    );
    let now = t0() + Duration::minutes(10);
    assert!(
        jobs::lease(conn, &["other_kind"], "w1", now, Duration::seconds(30))
            .await
            .unwrap()
            .is_none()
    );
    let leased = jobs::lease(conn, &["registry_check"], "w1", now, Duration::seconds(30))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            leased.id,
            leased.status.as_str(),
            leased.leased_by.as_deref()
        ),
        (id, "leased", Some("w1"))
    );
    assert!(
        jobs::lease(conn, &["registry_check"], "w2", now, Duration::seconds(30))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        !jobs::complete(conn, id, "w2", now).await.unwrap(),
        "not w2's lease"
    );
    assert!(jobs::complete(conn, id, "w1", now).await.unwrap());
    assert_eq!(jobs::get(conn, id).await.unwrap().unwrap().status, "done");
    assert!(
        jobs::lease(
            conn,
            &["registry_check"],
            "w2",
            now + Duration::hours(1),
            Duration::seconds(30)
        )
        .await
        .unwrap()
        .is_none()
    );
});

db_test!(a_job_of_a_dead_worker_is_retried_after_its_lease, |store| {
    let conn = store;
    let id = jobs::enqueue(conn, job(None, 3), t0()).await.unwrap();
    jobs::lease(
        conn,
        &["registry_check"],
        "crashed",
        t0(),
        Duration::seconds(30),
    )
    .await
    .unwrap()
    .unwrap();
    // The worker dies without completing: nobody gets the job while the lease holds…
    let during = t0() + Duration::seconds(29);
    assert!(
        jobs::lease(
            conn,
            &["registry_check"],
            "w2",
            during,
            Duration::seconds(30)
        )
        .await
        .unwrap()
        .is_none()
    );
    // …and the next worker gets it once the lease has run out.
    let after = t0() + Duration::seconds(30);
    let again = jobs::lease(
        conn,
        &["registry_check"],
        "w2",
        after,
        Duration::seconds(30),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!((again.id, again.leased_by.as_deref()), (id, Some("w2")));
    // The dead worker's late completion does not count.
    assert!(!jobs::complete(conn, id, "crashed", after).await.unwrap());
});

db_test!(failures_back_off_exponentially_then_dead_letter, |store| {
    let conn = store;
    let id = jobs::enqueue(conn, job(None, 3), t0()).await.unwrap();
    let base = Duration::seconds(10);
    let mut now = t0();
    for (attempt, wait) in [(1, 10), (2, 20)] {
        jobs::lease(conn, &["registry_check"], "w", now, Duration::seconds(30))
            .await
            .unwrap()
            .unwrap();
        let failed = jobs::fail(conn, id, "w", "registry timeout", now, base)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (failed.status.as_str(), failed.attempts),
            ("queued", attempt)
        );
        assert_eq!(failed.run_at, now + Duration::seconds(wait));
        assert_eq!(failed.last_error.as_deref(), Some("registry timeout"));
        assert!(
            jobs::lease(
                conn,
                &["registry_check"],
                "w",
                now + Duration::seconds(wait - 1),
                Duration::seconds(30)
            )
            .await
            .unwrap()
            .is_none()
        );
        now += Duration::seconds(wait);
    }
    jobs::lease(conn, &["registry_check"], "w", now, Duration::seconds(30))
        .await
        .unwrap()
        .unwrap();
    let dead = jobs::fail(conn, id, "w", "registry timeout", now, base)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((dead.status.as_str(), dead.attempts), ("dead", 3));
    assert!(
        jobs::lease(
            conn,
            &["registry_check"],
            "w",
            now + Duration::days(1),
            Duration::seconds(30)
        )
        .await
        .unwrap()
        .is_none()
    );
});

#[test]
fn backoff_doubles_and_is_capped() {
    let base = Duration::seconds(30);
    assert_eq!(backoff(base, 1), Duration::seconds(30));
    assert_eq!(backoff(base, 2), Duration::seconds(60));
    assert_eq!(backoff(base, 5), Duration::seconds(480));
    assert_eq!(backoff(base, 40), Duration::hours(6));
}
