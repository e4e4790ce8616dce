//! The hot paths use indexes. On PostgreSQL with sequential scans priced out
//! (`enable_seqscan = off`: the planner then takes one only where no index serves the query),
//! registrations, sign-ins (right and wrong, known and new device, unknown login), session
//! checks, the events page, the sessions list, a sign-out and a recovery scan none of the tables that grow
//! with the accounts — counted by PostgreSQL's own statistics (`pg_stat_user_tables`), so every
//! statement the service sends is covered, not a list of queries kept beside the code.

use kabinet_api::*;
use kabinet_store::testing::TestDb;

use crate::support::*;

/// The tables that grow with the number of accounts (or their sign-ins) and that these paths
/// touch.
const GROWING: [&str; 13] = [
    "accounts",
    "logins",
    "sessions",
    "throttles",
    "account_events",
    "credentials",
    "known_devices",
    "change_feed",
    "auth_flows",
    "one_time_codes",
    "code_sends",
    "notifications",
    "notification_preferences",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hot_paths_scan_no_growing_table_sequentially() {
    let Some(db) = TestDb::postgres_with(&[("enable_seqscan", "off")]).await else {
        return;
    };
    let h = Harness::on(db, test_config()).await;
    let laptop = device("laptop");
    let registered = h.register(&laptop, PHONE).await;
    h.register(&device("neighbour"), "+7 916 000-11-22").await;

    let mut sessions = vec![registered.token];
    for _ in 0..2 {
        sessions.push(signed_in(h.sign_in(&laptop, PHONE, PASSWORD).await.unwrap()).token);
    }
    for token in &sessions {
        h.service
            .me(&with_session(&laptop, token), Empty {})
            .await
            .unwrap();
    }
    let me = with_session(&laptop, &sessions[0]);
    h.service
        .security_events(
            &me,
            Page {
                page: 0,
                per_page: 20,
            },
        )
        .await
        .unwrap();
    h.service.sessions_list(&me, Empty {}).await.unwrap();
    expect_error(
        h.sign_in(&laptop, PHONE, "Wrong-Parol1!").await,
        ErrorCode::CredentialsInvalid,
    );
    expect_error(
        h.sign_in(&device("stranger"), PHONE, "Wrong-Parol1!").await,
        ErrorCode::CredentialsInvalid,
    );
    expect_error(
        h.sign_in(&device("stranger"), "+7 903 555-00-00", PASSWORD)
            .await,
        ErrorCode::CredentialsInvalid,
    );
    // A new device is asked for a second step (a code to the phone).
    h.sign_in(&device("new-phone"), PHONE, PASSWORD)
        .await
        .unwrap();
    h.service
        .sign_out(&with_session(&laptop, &sessions[2]), Empty {})
        .await
        .unwrap();
    // A recovery clears every counter of the account.
    h.recover(&laptop, "Novyj-Parol5?").await;
    h.service.settle().await;

    let scans = h.db().table_scans().await.expect("PostgreSQL's statistics");
    h.finish().await;
    let by_index: i64 = GROWING
        .iter()
        .filter_map(|t| scans.get(*t))
        .map(|s| s.by_index)
        .sum();
    assert!(
        by_index > 20,
        "the statistics saw the paths' index scans: {by_index}"
    );
    let sequential: Vec<String> = GROWING
        .iter()
        .filter_map(|t| scans.get(*t).map(|s| (t, s.sequential)))
        .filter(|(_, n)| *n > 0)
        .map(|(t, n)| format!("{t}: {n}"))
        .collect();
    assert!(
        sequential.is_empty(),
        "sequential scans where no index serves the query: {sequential:?}"
    );
}
