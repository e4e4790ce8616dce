//! Two `kabinet-server` processes on one PostgreSQL behave as one: a session made on one works
//! on the other, lockouts count failures made on both, each limits requests on its own, and
//! neither process logs a password, a code or a token.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};

use kabinet_api::*;
use kabinet_client::{Client, ClientOptions};
use kabinet_store::testing::TestDb;

use crate::support::*;

struct Replica {
    child: Child,
    url: String,
}

impl Replica {
    fn start(database_url: &str, requests_per_minute: u32) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kabinet-server"))
            .arg("--dev")
            .env("KABINET_DATABASE_URL", database_url)
            .env("KABINET_LISTEN", "127.0.0.1:0")
            .env("KABINET_PEPPER", "11".repeat(32))
            .env("KABINET_SEAL_KEY", "22".repeat(32))
            .env("KABINET_ARGON2_MEMORY_KIB", "1024")
            .env("KABINET_ARGON2_ITERATIONS", "1")
            .env(
                "KABINET_REQUESTS_PER_MINUTE",
                requests_per_minute.to_string(),
            )
            .env("RUST_LOG", "debug")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start kabinet-server");
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        Self { child, url }
    }

    fn client(&self) -> Client {
        Client::new(&self.url, ClientOptions::default()).unwrap()
    }

    /// Stops the process with SIGTERM (a graceful shutdown) and returns what it logged.
    fn stop(mut self) -> String {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let status = self.child.wait().unwrap();
        assert!(status.success(), "the replica exited with {status}");
        let mut log = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut log)
            .unwrap();
        log
    }
}

async fn code_from(api: &Client, to: &str) -> String {
    let inbox = api.dev_inbox(&device("inbox"), Empty {}).await.unwrap();
    let message = inbox
        .messages
        .into_iter()
        .find(|m| m.to == to)
        .expect("a message");
    six_digits(&message.body).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_one_postgres_share_sessions_lockouts_and_rate_limits() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let a = Replica::start(&db.url, 1000);
    let b = Replica::start(&db.url, 1000);
    let (on_a, on_b) = (a.client(), b.client());
    let laptop = device("laptop");

    // Registered on A (the code went to A's simulator), used on B.
    let started = on_a
        .registration_start(&laptop, registration("+79123456789"))
        .await
        .unwrap();
    let code = code_from(&on_a, "+79123456789").await;
    on_b.registration_confirm(
        &laptop,
        CodeEntry {
            ticket: started.ticket.clone(),
            code: code.clone(),
        },
    )
    .await
    .unwrap();
    let session = on_a
        .registration_set_password(
            &laptop,
            NewPassword {
                ticket: started.ticket,
                password: PASSWORD.into(),
                password_repeat: PASSWORD.into(),
            },
        )
        .await
        .unwrap();
    let me = with_session(&laptop, &session.token);
    assert_eq!(on_b.me(&me, Empty {}).await.unwrap().id, session.account.id);
    // Signed out on B, gone on A.
    on_b.sign_out(&me, Empty {}).await.unwrap();
    expect_error(on_a.me(&me, Empty {}).await, ErrorCode::Unauthenticated);

    // Failures alternate between the replicas; the lock counts them all.
    let wrong = SignInRequest {
        login: "+79123456789".into(),
        password: "Wrong-Parol1!".into(),
    };
    for (i, api) in [&on_a, &on_b, &on_a, &on_b].into_iter().enumerate() {
        let error = api.sign_in(&laptop, wrong.clone()).await.unwrap_err();
        let expected = if i < 3 {
            ErrorCode::CredentialsInvalid
        } else {
            ErrorCode::AccountLocked
        };
        assert_eq!(error.code, expected, "failure {}", i + 1);
    }
    let right = SignInRequest {
        login: "+79123456789".into(),
        password: PASSWORD.into(),
    };
    expect_error(
        on_a.sign_in(&laptop, right.clone()).await,
        ErrorCode::AccountLocked,
    );
    expect_error(on_b.sign_in(&laptop, right).await, ErrorCode::AccountLocked);

    let log_a = a.stop();
    let log_b = b.stop();
    for log in [&log_a, &log_b] {
        assert!(
            log.contains("\"path\":\"/api/v1/"),
            "requests are logged: {log}"
        );
        for secret in [
            PASSWORD,
            "Wrong-Parol1!",
            &code,
            &session.token,
            &"11".repeat(32),
        ] {
            assert!(!log.contains(secret), "a secret reached the log");
        }
    }

    // The request limit is each replica's own, in memory (a request costs no database write):
    // alternating over both, a client gets each replica's limit, and a replica past its own
    // limit refuses with the time to come back. Lockouts above stay shared.
    db.finish().await;
    let db = TestDb::postgres().await.expect("PostgreSQL");
    // Few enough a minute that the bucket refills slower than a client waits out a busy server
    // (10 s): the refusal below reaches the caller.
    let limit = 3;
    let a = Replica::start(&db.url, limit);
    let b = Replica::start(&db.url, limit);
    let (on_a, on_b) = (a.client(), b.client());
    let mut admitted = 0;
    for i in 0..(limit * 2) {
        let api = if i % 2 == 0 { &on_a } else { &on_b };
        match api.app_info(&laptop, Empty {}).await {
            Ok(_) => admitted += 1,
            Err(e) => panic!("refused within each replica's limit: {e:?}"),
        }
    }
    assert_eq!(admitted, limit * 2);
    let refused = on_a.app_info(&laptop, Empty {}).await.unwrap_err();
    assert_eq!(refused.code, ErrorCode::TooManyRequests);
    assert!(refused.retry_at.is_some());
    a.stop();
    b.stop();
    db.finish().await;
}
