//! The store against raw SQL: event appends and login look-ups per second through kabinet-store
//! (SeaORM), next to the same statements sent straight through sqlx, in the same run, on SQLite
//! (WAL, synchronous=FULL) and on PostgreSQL when `KABINET_TEST_POSTGRES_URL` is set. Rounds of
//! the two alternate so that disk and cache effects fall on both. Target: store/raw ≥ 0.7.

use std::time::{Duration, Instant};

use chrono::Utc;
use kabinet_store::event_log::{self, NewEvent};
use kabinet_store::write::find_login;
use kabinet_store::{AccountWrite, Store, entity::account};
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
    async fn append(&self, account: Uuid, seq: i64, event: &NewEvent) {
        let payload = event.payload.to_string();
        let actor = event.actor.to_string();
        match self {
            Raw::Sqlite(pool) => {
                sqlx::query("INSERT INTO account_events (id, account_id, seq, kind, payload, actor, origin, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                    .bind(Uuid::now_v7().as_bytes().to_vec())
                    .bind(account.as_bytes().to_vec())
                    .bind(seq)
                    .bind(&event.kind)
                    .bind(payload)
                    .bind(actor)
                    .bind(&event.origin)
                    .bind(event.at.to_rfc3339())
                    .execute(pool)
                    .await
                    .unwrap();
            }
            Raw::Postgres(pool) => {
                sqlx::query("INSERT INTO account_events (id, account_id, seq, kind, payload, actor, origin, recorded_at) VALUES ($1::uuid, $2::uuid, $3, $4, $5::jsonb, $6::jsonb, $7, $8::timestamptz)")
                    .bind(Uuid::now_v7().to_string())
                    .bind(account.to_string())
                    .bind(seq)
                    .bind(&event.kind)
                    .bind(payload)
                    .bind(actor)
                    .bind(&event.origin)
                    .bind(event.at.to_rfc3339())
                    .execute(pool)
                    .await
                    .unwrap();
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

async fn appends(store: &Store, raw: &Raw, per_round: usize) -> Timing {
    let (raw_account, store_account) = (Uuid::now_v7(), Uuid::now_v7());
    let (mut raw_seq, mut store_seq) = (0i64, 0i64);
    let mut timing = Timing {
        raw: Duration::ZERO,
        store: Duration::ZERO,
    };
    let e = event();
    for _ in 0..ROUNDS {
        let started = Instant::now();
        for _ in 0..per_round {
            raw_seq += 1;
            raw.append(raw_account, raw_seq, &e).await;
        }
        timing.raw += started.elapsed();
        let started = Instant::now();
        for _ in 0..per_round {
            store_seq = event_log::append(
                store.connection(),
                store_account,
                store_seq,
                std::slice::from_ref(&e),
            )
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
        let id = Uuid::now_v7();
        let now = Utc::now();
        let row = account::Model {
            id,
            status: "active".into(),
            level: "simplified".into(),
            surname: "Иванова".into(),
            first_name: "Анна".into(),
            contact_kind: "phone".into(),
            consent_version: "2026-01".into(),
            consent_at: now,
            contact_confirmed: true,
            password_set: true,
            temporary_password: false,
            profile_submitted: false,
            snils_check: "not_started".into(),
            passport_check: "not_started".into(),
            confirmation: None,
            mailed_code_restriction: false,
            locked_until: None,
            block_reason: None,
            last_seq: 0,
            origin: "bench".into(),
            created_at: now,
            updated_at: now,
            snils_check_detail: None,
            passport_check_detail: None,
        };
        let write = AccountWrite {
            expected_seq: 0,
            events: vec![event()],
            row,
            claim_logins: vec![("phone".into(), phone.clone())],
            release_logins: vec![],
        };
        store.write_account(write).await.unwrap();
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
                find_login(store.connection(), "phone", &phones[i % phones.len()])
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
    let a = appends(&store, &raw, appends_per_round).await;
    report(backend, "event append", appends_per_round * ROUNDS, &a);
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
