//! Admission to the hashing slots by a latency budget: a burst that can be served within the
//! budget queues and is served; a request whose expected wait exceeds it is refused at once
//! with `unavailable` and a time to come back.

use crate::support::*;
use kabinet_api::*;
use kabinet_core::secret::HashParams;

fn one_slot(budget_ms: u64) -> kabinet_service::ServiceConfig {
    let mut config = test_config();
    config.hashing_slots = 1;
    // Heavy enough that eight at once queue for several hashes' time.
    config.hash_params = HashParams {
        memory_kib: 8 * 1024,
        iterations: 2,
        parallelism: 1,
    };
    config.hashing_budget = std::time::Duration::from_millis(budget_ms);
    config
}

async fn burst(h: &Harness, n: usize) -> Vec<ApiError> {
    let calls = (0..n).map(|i| {
        let service = h.service.clone();
        tokio::spawn(async move {
            service
                .sign_in(
                    &device(&format!("burst-{i}")),
                    SignInRequest {
                        login: format!("+7916555{i:04}"),
                        password: "Wrong-Parol1!".into(),
                    },
                )
                .await
                .unwrap_err()
        })
    });
    let mut errors = Vec::new();
    for call in calls.collect::<Vec<_>>() {
        errors.push(call.await.unwrap());
    }
    errors
}

service_test!(
    a_burst_within_the_budget_queues_and_is_served,
    one_slot(60_000),
    |h| {
        // One sign-in first: the mean time of a hash is known from then on.
        burst(h, 1).await;
        let answers = burst(h, 8).await;
        assert!(
            answers
                .iter()
                .all(|e| e.code == ErrorCode::CredentialsInvalid),
            "every one of eight was hashed in turn: {answers:?}"
        );
    }
);

service_test!(
    a_wait_beyond_the_budget_is_refused_at_once,
    one_slot(1),
    |h| {
        burst(h, 1).await;
        let answers = burst(h, 8).await;
        let refused: Vec<&ApiError> = answers
            .iter()
            .filter(|e| e.code == ErrorCode::Unavailable)
            .collect();
        assert!(!refused.is_empty(), "{answers:?}");
        assert!(refused.iter().all(|e| e.retry_at.is_some()));
        assert!(
            answers
                .iter()
                .any(|e| e.code == ErrorCode::CredentialsInvalid),
            "the slot still served someone: {answers:?}"
        );
    }
);
