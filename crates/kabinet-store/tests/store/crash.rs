//! Durability under SIGKILL, on both databases: a child process commits accounts and events and
//! prints each commit it was told succeeded; the parent kills it at random moments and checks
//! that every acknowledged commit is there, nothing half-written is visible, and (SQLite)
//! the integrity check passes. `KABINET_CRASH_KILLS` sets the number of kills per database
//! (default 100 on SQLite, 40 on PostgreSQL); `cargo xtask bench crash` runs 500 on each and
//! writes the figures into docs/benchmarks.md.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[path = "../../../kabinet-server/benches/support/report.rs"]
mod report;

use crate::fixtures::{change, register};
use crate::support::TempDir;
use kabinet_store::Store;
use kabinet_store::testing::TestDb;
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
    writeln!(out, "READY").unwrap();
    out.flush().unwrap();
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

async fn scalar(store: &Store, backend: DbBackend, sql: &str) -> String {
    let row = store
        .connection()
        .query_one_raw(Statement::from_string(backend, sql.to_owned()))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<String>(0)
        .or_else(|_| row.try_get_by_index::<i64>(0).map(|n| n.to_string()))
        .unwrap()
}

fn kills(default: usize) -> usize {
    std::env::var("KABINET_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Kills a writer `kills` times at random moments; returns the acknowledged commits checked.
async fn kill_and_check(url: &str, backend: DbBackend, kills: usize) -> usize {
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("crash test ({backend:?}): {kills} kills, seed {seed}");
    let mut random = Xorshift(seed);
    let exe = std::env::current_exe().unwrap();
    let mut acknowledged = 0usize;
    let id_literal = |id: &Uuid| match backend {
        DbBackend::Postgres => format!("'{id}'"),
        _ => format!("x'{}'", id.simple()),
    };

    for round in 0..kills {
        let mut child = Command::new(&exe)
            .args([
                "crash::crash_child",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, url)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let acks = Arc::new(Mutex::new(Vec::<(Uuid, i64)>::new()));
        let (ready, connected) = std::sync::mpsc::channel();
        let reader = {
            let acks = acks.clone();
            let stdout = child.stdout.take().unwrap();
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    // libtest may print the test's name on the same line first.
                    if line.ends_with("READY") {
                        let _ = ready.send(());
                    }
                    if let Some(rest) = line.strip_prefix("ACK ") {
                        let (id, seq) = rest.split_once(' ').unwrap();
                        acks.lock()
                            .unwrap()
                            .push((id.parse().unwrap(), seq.parse().unwrap()));
                    }
                }
            })
        };
        // Killed once it writes (opening PostgreSQL takes longer than SQLite), 0–150 ms in, so
        // some kills land before the first commit and most in the middle of one.
        let _ = connected.recv_timeout(Duration::from_secs(30));
        tokio::time::sleep(Duration::from_millis(random.below(150))).await;
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        reader.join().unwrap();

        let store = Store::connect(url).await.unwrap();
        let acks = acks.lock().unwrap().clone();
        acknowledged += acks.len();
        for (id, seq) in &acks {
            let sql = format!(
                "SELECT COUNT(*) FROM accounts a WHERE a.id = {} AND a.last_seq >= {seq} \
                 AND (SELECT COUNT(*) FROM account_events e WHERE e.account_id = a.id) >= {seq} \
                 AND EXISTS (SELECT 1 FROM logins l WHERE l.account_id = a.id)",
                id_literal(id)
            );
            assert_eq!(
                scalar(&store, backend, &sql).await,
                "1",
                "round {round}: acknowledged commit {id}@{seq} lost"
            );
        }
        let torn = "SELECT COUNT(*) FROM accounts a WHERE a.last_seq <> \
                    (SELECT COUNT(*) FROM account_events e WHERE e.account_id = a.id) \
                    OR NOT EXISTS (SELECT 1 FROM logins l WHERE l.account_id = a.id)";
        assert_eq!(
            scalar(&store, backend, torn).await,
            "0",
            "round {round}: a half-written account is visible"
        );
        let orphans = "SELECT COUNT(*) FROM account_events e WHERE NOT EXISTS \
                       (SELECT 1 FROM accounts a WHERE a.id = e.account_id)";
        assert_eq!(
            scalar(&store, backend, orphans).await,
            "0",
            "round {round}: events without their account"
        );
        if backend == DbBackend::Sqlite {
            assert_eq!(
                scalar(&store, backend, "PRAGMA integrity_check").await,
                "ok",
                "round {round}"
            );
        }
        store.close().await.unwrap();
    }
    eprintln!(
        "crash test ({backend:?}): {acknowledged} acknowledged commits survived {kills} kills"
    );
    assert!(
        acknowledged > kills,
        "the child committed too little for the test to mean anything"
    );
    acknowledged
}

/// In a benchmark run (`KABINET_CRASH_REPORT` set), the figures of one database.
fn report(name: &str, database: &str, kills: usize, acknowledged: usize) {
    if std::env::var_os("KABINET_CRASH_REPORT").is_none() {
        return;
    }
    let text = format!(
        "**{database}** ({date}): {kills} SIGKILLs of a writer at random moments; \
{acknowledged} acknowledged commits all found afterwards, no half-written account, no event \
without its account{integrity}.\n\n",
        date = chrono::Utc::now().format("%Y-%m-%d"),
        integrity = if database.starts_with("SQLite") {
            ", `PRAGMA integrity_check` ok after every kill"
        } else {
            ""
        },
    );
    report::write_section(name, &text);
}

#[tokio::test]
async fn sqlite_keeps_every_acknowledged_commit_through_sigkill() {
    let dir = TempDir::new();
    let url = format!("sqlite://{}/crash.db?mode=rwc", dir.path.display());
    Store::connect(&url).await.unwrap().close().await.unwrap();
    let kills = kills(100);
    let acknowledged = kill_and_check(&url, DbBackend::Sqlite, kills).await;
    report(
        "crash-sqlite",
        "SQLite (WAL, synchronous=FULL)",
        kills,
        acknowledged,
    );
}

#[tokio::test]
async fn postgres_keeps_every_acknowledged_commit_through_sigkill() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let kills = kills(40);
    let acknowledged = kill_and_check(&db.url, DbBackend::Postgres, kills).await;
    report("crash-postgres", "PostgreSQL 15", kills, acknowledged);
    db.finish().await;
}
