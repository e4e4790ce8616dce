//! The store against raw SQL: account writes (one event: the projection row, the event and its
//! change-feed entry in one transaction) and login look-ups per second through kabinet-store
//! (SeaORM), next to the same statements sent straight through sqlx, in the same run, on SQLite
//! (WAL, synchronous=FULL) and on PostgreSQL when `KABINET_TEST_POSTGRES_URL` is set. Rounds of
//! the two alternate so that disk and cache effects fall on both. Target: store/raw ≥ 0.7.

use std::time::{Duration, Instant};

use chrono::Utc;
use kabinet_store::accounts::find_login;
use kabinet_store::event_log::NewEvent;
use kabinet_store::testing::new_account;
use kabinet_store::{AccountWrite, Store, StoredAccount};
use sea_orm::sqlx::{self, PgPool, Row, SqlitePool};
use sea_orm::{ConnectionTrait, Database};
use serde_json::json;
use uuid::Uuid;

const ROUNDS: usize = 4;

enum Raw {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Raw {
    /// What the store does for one event: the projection row moved on from `seq`, the
    /// event, its change-feed entry, in one transaction.
    async fn write(&self, account: Uuid, seq: i64, event: &NewEvent) {
        let payload = event.payload.to_string();
        let actor = event.actor.to_string();
        let id = Uuid::now_v7();
        match self {
            Raw::Sqlite(pool) => {
                let mut tx = pool.begin().await.unwrap();
                let updated = sqlx::query("UPDATE accounts SET status = ?, last_seq = ?, updated_at = ? WHERE id = ? AND last_seq = ?")
                    .bind("active")
                    .bind(seq + 1)
                    .bind(event.at.to_rfc3339())
                    .bind(account.as_bytes().to_vec())
                    .bind(seq)
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                assert_eq!(updated.rows_affected(), 1);
                sqlx::query("INSERT INTO account_events (id, account_id, seq, kind, payload, actor, origin, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                    .bind(id.as_bytes().to_vec())
                    .bind(account.as_bytes().to_vec())
                    .bind(seq + 1)
                    .bind(&event.kind)
                    .bind(payload)
                    .bind(actor)
                    .bind(&event.origin)
                    .bind(event.at.to_rfc3339())
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                sqlx::query(
                    "INSERT INTO change_feed (event_id, account_id, recorded_at) VALUES (?, ?, ?)",
                )
                .bind(id.as_bytes().to_vec())
                .bind(account.as_bytes().to_vec())
                .bind(event.at.to_rfc3339())
                .execute(&mut *tx)
                .await
                .unwrap();
                tx.commit().await.unwrap();
            }
            Raw::Postgres(pool) => {
                let mut tx = pool.begin().await.unwrap();
                let updated = sqlx::query("UPDATE accounts SET status = $1, last_seq = $2, updated_at = $3::timestamptz WHERE id = $4::uuid AND last_seq = $5")
                    .bind("active")
                    .bind(seq + 1)
                    .bind(event.at.to_rfc3339())
                    .bind(account.to_string())
                    .bind(seq)
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                assert_eq!(updated.rows_affected(), 1);
                sqlx::query("INSERT INTO account_events (id, account_id, seq, kind, payload, actor, origin, recorded_at) VALUES ($1::uuid, $2::uuid, $3, $4, $5::jsonb, $6::jsonb, $7, $8::timestamptz)")
                    .bind(id.to_string())
                    .bind(account.to_string())
                    .bind(seq + 1)
                    .bind(&event.kind)
                    .bind(payload)
                    .bind(actor)
                    .bind(&event.origin)
                    .bind(event.at.to_rfc3339())
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                sqlx::query("INSERT INTO change_feed (event_id, account_id, recorded_at) VALUES ($1::uuid, $2::uuid, $3::timestamptz)")
                    .bind(id.to_string())
                    .bind(account.to_string())
                    .bind(event.at.to_rfc3339())
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
            }
        }
    }

    async fn lookup(&self, kind: &str, value: &str) -> bool {
        match self {
            Raw::Sqlite(pool) => {
                sqlx::query("SELECT account_id FROM logins WHERE kind = ? AND value = ?")
                    .bind(kind)
                    .bind(value)
                    .fetch_optional(pool)
                    .await
                    .unwrap()
                    .is_some()
            }
            Raw::Postgres(pool) => {
                sqlx::query("SELECT account_id::text FROM logins WHERE kind = $1 AND value = $2")
                    .bind(kind)
                    .bind(value)
                    .fetch_optional(pool)
                    .await
                    .unwrap()
                    .map(|row| row.get::<String, _>(0))
                    .is_some()
            }
        }
    }
}

fn event() -> NewEvent {
    NewEvent {
        kind: "sign_in_failed".into(),
        payload: json!({"address": "127.0.0.1", "device": "bench"}),
        actor: json!({"citizen": null}),
        origin: "bench".into(),
        at: Utc::now(),
    }
}

struct Timing {
    raw: Duration,
    store: Duration,
}

/// A new account, written through the store, to write to.
async fn created(store: &Store, claim: Option<String>) -> StoredAccount {
    let account = new_account(Uuid::now_v7(), Utc::now());
    store
        .write_account(AccountWrite {
            expected_seq: 0,
            events: vec![event()],
            account: account.clone(),
            claim_logins: claim
                .map(|phone| ("phone".into(), phone))
                .into_iter()
                .collect(),
            release_logins: vec![],
        })
        .await
        .unwrap();
    account
}

async fn writes(store: &Store, raw: &Raw, per_round: usize) -> Timing {
    let raw_account = created(store, None).await.id;
    let mut account = created(store, None).await;
    let mut raw_seq = 1i64;
    let mut timing = Timing {
        raw: Duration::ZERO,
        store: Duration::ZERO,
    };
    let e = event();
    for _ in 0..ROUNDS {
        let started = Instant::now();
        for _ in 0..per_round {
            raw.write(raw_account, raw_seq, &e).await;
            raw_seq += 1;
        }
        timing.raw += started.elapsed();
        let started = Instant::now();
        for _ in 0..per_round {
            let expected_seq = account.state.version as i64;
            account.state.status = kabinet_core::account::Status::Active;
            account.state.version += 1;
            store
                .write_account(AccountWrite {
                    expected_seq,
                    events: vec![e.clone()],
                    account: account.clone(),
                    claim_logins: vec![],
                    release_logins: vec![],
                })
                .await
                .unwrap();
        }
        timing.store += started.elapsed();
    }
    timing
}

async fn lookups(store: &Store, raw: &Raw, per_round: usize) -> Timing {
    let phones: Vec<String> = (0..200).map(|i| format!("+7900{i:07}")).collect();
    for phone in &phones {
        created(store, Some(phone.clone())).await;
    }
    let mut timing = Timing {
        raw: Duration::ZERO,
        store: Duration::ZERO,
    };
    for _ in 0..ROUNDS {
        let started = Instant::now();
        for i in 0..per_round {
            assert!(raw.lookup("phone", &phones[i % phones.len()]).await);
        }
        timing.raw += started.elapsed();
        let started = Instant::now();
        for i in 0..per_round {
            assert!(
                find_login(store, "phone", &phones[i % phones.len()])
                    .await
                    .unwrap()
                    .is_some()
            );
        }
        timing.store += started.elapsed();
    }
    timing
}

fn report(backend: &str, operation: &str, operations: usize, t: &Timing) {
    let raw = operations as f64 / t.raw.as_secs_f64();
    let store = operations as f64 / t.store.as_secs_f64();
    println!(
        "  {backend:<10} {operation:<16} {raw:>12.0} {store:>12.0} {:>10.2}",
        store / raw
    );
}

async fn run(backend: &str, url: &str, raw: Raw, appends_per_round: usize) {
    let store = Store::connect(url).await.unwrap();
    let a = writes(&store, &raw, appends_per_round).await;
    report(backend, "account write", appends_per_round * ROUNDS, &a);
    let lookups_per_round = 2_000;
    let l = lookups(&store, &raw, lookups_per_round).await;
    report(backend, "login look-up", lookups_per_round * ROUNDS, &l);
    store.close().await.unwrap();
}

#[tokio::main]
async fn main() {
    println!("\nkabinet-store against raw SQL (sqlx), same statements, same run; ops/s");
    println!(
        "  {:<10} {:<16} {:>12} {:>12} {:>10}",
        "database", "operation", "raw", "store", "store/raw"
    );
    let dir = std::env::temp_dir().join(format!("kabinet-bench-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/bench.db?mode=rwc", dir.display());
    Store::connect(&url).await.unwrap().close().await.unwrap();
    let options = url
        .parse::<sqlx::sqlite::SqliteConnectOptions>()
        .unwrap()
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
        .synchronous(sqlx::sqlite::SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    let pool = SqlitePool::connect_with(options).await.unwrap();
    run("sqlite", &url, Raw::Sqlite(pool), 100).await;
    std::fs::remove_dir_all(&dir).ok();

    if let Ok(admin_url) = std::env::var("KABINET_TEST_POSTGRES_URL") {
        let name = format!("kabinet_bench_{}", Uuid::new_v4().simple());
        let admin = Database::connect(&admin_url).await.unwrap();
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        let (base, _) = admin_url.rsplit_once('/').unwrap();
        let url = format!("{base}/{name}");
        Store::connect(&url).await.unwrap().close().await.unwrap();
        let pool = PgPool::connect(&url).await.unwrap();
        run("postgres", &url, Raw::Postgres(pool.clone()), 250).await;
        pool.close().await;
        admin
            .execute_unprepared(&format!("DROP DATABASE {name} WITH (FORCE)"))
            .await
            .unwrap();
    } else {
        println!("  postgres   (KABINET_TEST_POSTGRES_URL not set: not measured)");
    }
}
