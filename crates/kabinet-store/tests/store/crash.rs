//! Durability under SIGKILL: a child process commits accounts and events and prints each commit
//! it was told succeeded; the parent kills it at random moments and checks that every
//! acknowledged commit is there, nothing half-written is visible, and SQLite's integrity check
//! passes. `KABINET_CRASH_KILLS` sets the number of kills (default 200).

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::fixtures::{change, register};
use crate::support::TempDir;
use kabinet_store::Store;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use uuid::Uuid;

const CHILD_ENV: &str = "KABINET_CRASH_CHILD_DB";

/// The child: writes until killed. A no-op when run as an ordinary test.
#[tokio::test]
async fn crash_child() {
    let Ok(url) = std::env::var(CHILD_ENV) else {
        return;
    };
    let store = Store::connect(&url).await.unwrap();
    let mut out = std::io::stdout().lock();
    for _ in 0..100_000 {
        let id = Uuid::new_v4();
        let phone = format!("+79{:09}", id.as_u128() % 1_000_000_000);
        if store.write_account(register(id, &phone)).await.is_err() {
            continue; // a phone clash with an earlier account: nothing was written
        }
        writeln!(out, "ACK {id} 1").unwrap();
        out.flush().unwrap();
        store
            .write_account(change(
                id,
                1,
                kabinet_core::account::Status::Active,
                &["contact_confirmed", "password_set"],
            ))
            .await
            .unwrap();
        writeln!(out, "ACK {id} 3").unwrap();
        out.flush().unwrap();
    }
}

struct Xorshift(u64);

impl Xorshift {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

async fn scalar(store: &Store, sql: &str) -> String {
    let row = store
        .connection()
        .query_one_raw(Statement::from_string(DbBackend::Sqlite, sql.to_owned()))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<String>(0)
        .or_else(|_| row.try_get_by_index::<i64>(0).map(|n| n.to_string()))
        .unwrap()
}

#[tokio::test]
async fn sqlite_keeps_every_acknowledged_commit_through_sigkill() {
    let kills: usize = std::env::var("KABINET_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("crash test: {kills} kills, seed {seed}");
    let mut random = Xorshift(seed);
    let dir = TempDir::new();
    let url = format!("sqlite://{}/crash.db?mode=rwc", dir.path.display());
    Store::connect(&url).await.unwrap().close().await.unwrap();
    let exe = std::env::current_exe().unwrap();
    let mut acknowledged = 0usize;

    for round in 0..kills {
        let mut child = Command::new(&exe)
            .args([
                "crash::crash_child",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, &url)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let acks = Arc::new(Mutex::new(Vec::<(Uuid, i64)>::new()));
        let reader = {
            let acks = acks.clone();
            let stdout = child.stdout.take().unwrap();
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    if let Some(rest) = line.strip_prefix("ACK ") {
                        let (id, seq) = rest.split_once(' ').unwrap();
                        acks.lock()
                            .unwrap()
                            .push((id.parse().unwrap(), seq.parse().unwrap()));
                    }
                }
            })
        };
        // Start-up takes part of the window, so some kills land before any commit.
        tokio::time::sleep(Duration::from_millis(30 + random.below(150))).await;
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        reader.join().unwrap();

        let store = Store::connect(&url).await.unwrap();
        let acks = acks.lock().unwrap().clone();
        acknowledged += acks.len();
        for (id, seq) in &acks {
            let sql = format!(
                "SELECT COUNT(*) FROM accounts a WHERE a.id = x'{}' AND a.last_seq >= {seq} \
                 AND (SELECT COUNT(*) FROM account_events e WHERE e.account_id = a.id) >= {seq} \
                 AND EXISTS (SELECT 1 FROM logins l WHERE l.account_id = a.id)",
                id.simple()
            );
            assert_eq!(
                scalar(&store, &sql).await,
                "1",
                "round {round}: acknowledged commit {id}@{seq} lost"
            );
        }
        let torn = "SELECT COUNT(*) FROM accounts a WHERE a.last_seq <> \
                    (SELECT COUNT(*) FROM account_events e WHERE e.account_id = a.id) \
                    OR NOT EXISTS (SELECT 1 FROM logins l WHERE l.account_id = a.id)";
        assert_eq!(
            scalar(&store, torn).await,
            "0",
            "round {round}: a half-written account is visible"
        );
        let orphans = "SELECT COUNT(*) FROM account_events e WHERE NOT EXISTS \
                       (SELECT 1 FROM accounts a WHERE a.id = e.account_id)";
        assert_eq!(
            scalar(&store, orphans).await,
            "0",
            "round {round}: events without their account"
        );
        assert_eq!(
            scalar(&store, "PRAGMA integrity_check").await,
            "ok",
            "round {round}"
        );
        store.close().await.unwrap();
    }
    eprintln!("crash test: {acknowledged} acknowledged commits survived {kills} kills");
    assert!(
        acknowledged > kills,
        "the child committed too little for the test to mean anything"
    );
}
