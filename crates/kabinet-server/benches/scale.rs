//! Kabinet at the size of a national portal: the same measurements at a thousand accounts and at
//! a million (`KABINET_SCALE_ACCOUNTS`), in one run on one database, read as ratios of the
//! large figure to the small one (target: within 1.1 ×):
//!
//! 1. password sign-ins from known devices, two callers (one per hashing slot), each account
//!    drawn at random from all the seeded ones so the reads miss the cache as they would —
//!    rate, p50 and p95;
//! 2. session checks (`me`), sixteen callers over 64 sessions of random accounts — rate;
//! 3. the CPU time PostgreSQL's processes spent per sign-in and per session check (read from
//!    /proc: the database runs on this machine), the figure docs/scaling.md sizes a portal with;
//! 4. on PostgreSQL, the size of every table that grows with the accounts and its indexes, and
//!    PostgreSQL's own count of sequential and index scans per table while (1) and (2) ran at
//!    the large size (no sequential scan on a growing table is the target).
//!
//! The accounts are seeded (`kabinet_server::admin::seed`: finished phone registrations through
//! the store's write path, one shared password hash). PostgreSQL when
//! `KABINET_TEST_POSTGRES_URL` is set, SQLite otherwise. The results replace the scale section
//! of docs/benchmarks.md.

#[path = "support/loadgen.rs"]
mod loadgen;
#[path = "support/report.rs"]
mod report;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kabinet_api::*;
use kabinet_client::Client;
use kabinet_service::{seeded_device, seeded_phone};
use loadgen::*;

/// The tables that grow with the accounts and their sign-ins.
const GROWING: [&str; 8] = [
    "accounts",
    "account_events",
    "change_feed",
    "logins",
    "credentials",
    "known_devices",
    "sessions",
    "throttles",
];

const SMALL: u64 = 1_000;

struct Figures {
    sign_ins: f64,
    p50: Duration,
    p95: Duration,
    checks: f64,
    /// CPU seconds PostgreSQL's processes spent per sign-in and per session check.
    db_per_sign_in: f64,
    db_per_check: f64,
}

/// CPU seconds (user and system) spent so far by every process named `postgres` on this
/// machine: the server's backends, which live as long as the pool's connections.
fn postgres_cpu() -> f64 {
    let ticks = 100.0; // USER_HZ on Linux
    let mut total = 0u64;
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        let Some((head, tail)) = stat.rsplit_once(')') else {
            continue;
        };
        if !head.ends_with("(postgres") {
            continue;
        }
        // After the name: state is field 3, utime 14 and stime 15.
        let fields: Vec<&str> = tail.split_whitespace().collect();
        let at = |i: usize| {
            fields
                .get(i - 3)
                .and_then(|f| f.parse::<u64>().ok())
                .unwrap_or(0)
        };
        total += at(14) + at(15);
    }
    total as f64 / ticks
}

/// An account number drawn at random from `0..accounts`.
fn any(accounts: u64) -> u64 {
    (uuid::Uuid::new_v4().as_u128() % u128::from(accounts)) as u64
}

async fn sign_in(client: &Client, n: u64) -> Result<SignInOutcome, ApiError> {
    client
        .sign_in(
            &seeded_device(n),
            SignInRequest {
                login: seeded_phone(n),
                password: PASSWORD.into(),
            },
        )
        .await
}

async fn measure(client: &Client, accounts: u64) -> Figures {
    let db_before = postgres_cpu();
    let started = Instant::now();
    let span = Duration::from_secs(10);
    let callers: Vec<_> = (0..2)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut times = Vec::new();
                while started.elapsed() < span {
                    let began = Instant::now();
                    let outcome = sign_in(&client, any(accounts)).await;
                    assert!(
                        matches!(outcome, Ok(SignInOutcome::SignedIn(_))),
                        "a seeded account signs in from its device: {outcome:?}"
                    );
                    times.push(began.elapsed());
                }
                times
            })
        })
        .collect();
    let mut times = Vec::new();
    for caller in callers {
        times.extend(caller.await.unwrap());
    }
    let sign_ins = times.len() as f64 / started.elapsed().as_secs_f64();
    let db_per_sign_in = (postgres_cpu() - db_before) / times.len().max(1) as f64;
    times.sort();

    let mut sessions = Vec::new();
    while sessions.len() < 64 {
        let n = any(accounts);
        if let Ok(SignInOutcome::SignedIn(s)) = sign_in(client, n).await {
            let mut context = seeded_device(n);
            context.session = Some(s.token);
            sessions.push(context);
        }
    }
    let sessions = Arc::new(sessions);
    let c = client.clone();
    let db_before = postgres_cpu();
    let span = Duration::from_secs(6);
    let (checks, _) = closed_loop(16, span, move |i| {
        let (c, sessions) = (c.clone(), sessions.clone());
        async move { c.me(&sessions[i % sessions.len()], Empty {}).await.is_ok() }
    })
    .await;
    let db_per_check = (postgres_cpu() - db_before) / (checks * span.as_secs_f64()).max(1.0);
    Figures {
        sign_ins,
        p50: percentile(&times, 0.50),
        p95: percentile(&times, 0.95),
        checks,
        db_per_sign_in,
        db_per_check,
    }
}

/// PostgreSQL's statistics of the growing tables: (rows, table bytes with indexes, index
/// bytes, sequential scans, index scans).
async fn statistics(url: &str) -> HashMap<String, (i64, i64, i64, i64, i64)> {
    let pool = sqlx::postgres::PgPool::connect(url).await.unwrap();
    let rows: Vec<(String, i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT relname::text, n_live_tup, pg_total_relation_size(relid), pg_indexes_size(relid), \
         seq_scan, COALESCE(idx_scan, 0) FROM pg_stat_user_tables",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    rows.into_iter()
        .map(|(name, rows, total, indexes, seq, idx)| (name, (rows, total, indexes, seq, idx)))
        .collect()
}

/// Waits until the server's connections have reported their counters (a backend reports
/// after about a second idle).
async fn quiet() {
    tokio::time::sleep(Duration::from_millis(2500)).await;
}

fn micros(seconds: f64) -> String {
    format!("{:.0} µs", seconds * 1e6)
}

fn mib(bytes: i64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

#[tokio::main]
async fn main() {
    let large: u64 = std::env::var("KABINET_SCALE_ACCOUNTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
        .max(SMALL * 2);
    let (db, database) = database().await;
    let postgres = db.url.starts_with("postgres");
    let server = Served::start_empty(&db).await;
    let client = server.client.clone();
    let seed = |first: u64, count: u64| {
        let service = server.service.clone();
        async move {
            let step = (count / 10).max(1);
            kabinet_server::admin::seed(&service, first, count, PASSWORD, |done| {
                if done % step < 500 {
                    eprintln!("  {done} of {count}");
                }
            })
            .await
            .unwrap()
        }
    };

    eprintln!("seeding {SMALL} accounts…");
    let seeded_small = seed(0, SMALL).await;
    eprintln!("{seeded_small}\nmeasuring at {SMALL}…");
    let small = measure(&client, SMALL).await;

    eprintln!("seeding up to {large} accounts…");
    let seeded_large = seed(SMALL, large - SMALL).await;
    eprintln!("{seeded_large}");
    // What autovacuum would do in the minutes after a bulk load, done now: otherwise it vacuums
    // the five-million-row tables while the large figures are measured, on the same two cores
    // (one run read session checks at 0.78 of the small figure, with no database read in them).
    // (CHECKPOINT needs a superuser or the pg_checkpoint role, as the test URL's user is here.)
    if postgres {
        eprintln!("vacuuming and analysing after the seeding…");
        let pool = sqlx::postgres::PgPool::connect(&db.url).await.unwrap();
        sqlx::query("VACUUM (ANALYZE)")
            .execute(&pool)
            .await
            .unwrap();
        // And the checkpoint that would otherwise write the load's dirty pages out meanwhile.
        sqlx::query("CHECKPOINT").execute(&pool).await.unwrap();
        pool.close().await;
    }
    quiet().await;
    let before = if postgres {
        statistics(&db.url).await
    } else {
        HashMap::new()
    };
    eprintln!("measuring at {large}…");
    let big = measure(&client, large).await;
    quiet().await;
    let after = if postgres {
        statistics(&db.url).await
    } else {
        HashMap::new()
    };
    server.stop().await;
    db.finish().await;

    let ratio = |a: f64, b: f64| a / b.max(f64::EPSILON);
    let secs = |d: Duration| d.as_secs_f64();
    let small_check_cpu = format!("{:.2} µs", small.db_per_check * 1e6);
    let big_check_cpu = format!("{:.2} µs", big.db_per_check * 1e6);
    // A check read from memory costs the database next to nothing; a ratio of two such
    // readings says nothing.
    let check_cpu_ratio = if small.db_per_check * 1e6 >= 0.05 {
        format!("{:.2}", ratio(big.db_per_check, small.db_per_check))
    } else {
        "— (both below what this can measure)".to_owned()
    };
    let mut report = format!(
        "## Kabinet at a million accounts ({date})\n\n\
Release build, 2 cores; {database}; server, load generator and database on one machine; argon2id \
m = 19 MiB, t = 2, p = 1. `cargo xtask bench scale` (`KABINET_SCALE_ACCOUNTS`, default 1,000,000). \
Accounts seeded as finished phone registrations through the store's write path: {seeded_small}; \
then {seeded_large}. Sign-ins: two callers (one per hashing slot) for 10 s, each account drawn at \
random from all of them, from its known device; session checks: sixteen callers for 6 s over 64 \
sessions of random accounts.\n\n\
| measure | {SMALL} accounts (baseline) | {large} accounts | ratio (target within 1.1) |\n|---|---|---|---|\n\
| sign-ins/s | {s1:.1} | {s2:.1} | {sr:.2} |\n\
| sign-in p50 | {p50a} | {p50b} | {p50r:.2} |\n\
| sign-in p95 | {p95a} | {p95b} | {p95r:.2} |\n\
| session checks/s | {c1:.0} | {c2:.0} | {cr:.2} |\n\
| PostgreSQL CPU per sign-in | {d1} | {d2} | {dr:.2} |\n\
| PostgreSQL CPU per session check (from memory while the store hears every change) | {e1} | {e2} | {er} |\n",
        date = chrono::Utc::now().format("%Y-%m-%d"),
        s1 = small.sign_ins,
        s2 = big.sign_ins,
        sr = ratio(big.sign_ins, small.sign_ins),
        p50a = ms(small.p50),
        p50b = ms(big.p50),
        p50r = ratio(secs(big.p50), secs(small.p50)),
        p95a = ms(small.p95),
        p95b = ms(big.p95),
        p95r = ratio(secs(big.p95), secs(small.p95)),
        c1 = small.checks,
        c2 = big.checks,
        cr = ratio(big.checks, small.checks),
        d1 = micros(small.db_per_sign_in),
        d2 = micros(big.db_per_sign_in),
        dr = ratio(big.db_per_sign_in, small.db_per_sign_in),
        e1 = small_check_cpu,
        e2 = big_check_cpu,
        er = check_cpu_ratio,
    );
    if postgres {
        report.push_str(&format!(
            "\nAt {large} accounts, after the measurements (PostgreSQL's statistics; scans counted \
while the sign-ins and session checks above ran):\n\n\
| table | rows | size with indexes | of it indexes | sequential scans | index scans |\n|---|---|---|---|---|---|\n"
        ));
        let mut sequential = 0;
        for table in GROWING {
            let (rows, total, indexes, seq, idx) = after.get(table).copied().unwrap_or_default();
            let (_, _, _, seq0, idx0) = before.get(table).copied().unwrap_or_default();
            sequential += seq - seq0;
            report.push_str(&format!(
                "| {table} | {rows} | {} | {} | {} | {} |\n",
                mib(total),
                mib(indexes),
                seq - seq0,
                idx - idx0
            ));
        }
        report.push_str(&format!(
            "\nSequential scans of a growing table while measuring: {sequential} (target 0).\n"
        ));
    }
    println!("{report}");
    report::write_section("scale", &report);
}
