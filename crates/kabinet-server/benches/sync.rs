//! Workstation sync, release build, in one run:
//!
//! 1. the fault simulation over many seeds (200 by default, `KABINET_SYNC_SEEDS`), the centre on
//!    SQLite: every invariant must hold on every seed (the bench fails otherwise);
//! 2. a push of `KABINET_SYNC_EVENTS` changes (10,000 by default; the figure is 100,000)
//!    — in-person registrations, each applied again through the core in a transaction of its own
//!    — into the centre on PostgreSQL, against the raw insert rate of **the same rows** (read back
//!    after the push, written by sqlx into a fresh database of the same schema, one transaction
//!    per change as the push does, one statement per table): target ≥ 0.5;
//! 3. a workstation's catch-up pull of all of them, against the time of the push: target < 2.
//!
//! Parts 2 and 3 need `KABINET_TEST_POSTGRES_URL`. The results replace the sync section of
//! docs/benchmarks.md.

#[path = "support/report.rs"]
mod report;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use kabinet_api::*;
use kabinet_core::secret::{HashParams, hash_password};
use kabinet_service::ports::registry::population;
use kabinet_service::testing::sync_sim::{Network, SimConfig, form_of, run};
use kabinet_store::sync as store;
use kabinet_store::testing::TestDb;
use sqlx::postgres::PgPool;
use uuid::Uuid;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct SimTotals {
    seeds: usize,
    failed: Vec<(u64, Vec<String>)>,
    desk_changes: usize,
    applied: usize,
    conflicts: usize,
    faults: usize,
    restarts: usize,
    time: Duration,
}

async fn simulate(seeds: usize) -> SimTotals {
    let started = Instant::now();
    let mut totals = SimTotals {
        seeds,
        failed: Vec::new(),
        desk_changes: 0,
        applied: 0,
        conflicts: 0,
        faults: 0,
        restarts: 0,
        time: Duration::ZERO,
    };
    for seed in 1..=seeds as u64 {
        let report = run(SimConfig::seed(seed), TestDb::sqlite().await)
            .await
            .unwrap_or_else(|e| panic!("seed {seed}: the simulation does not set up: {e:?}"));
        totals.desk_changes += report.desk_changes;
        totals.applied += report.applied;
        totals.conflicts += report.conflicts;
        totals.faults += report.faults;
        totals.restarts += report.restarts;
        if !report.violations.is_empty() {
            totals.failed.push((seed, report.violations));
        }
    }
    totals.time = started.elapsed();
    totals
}

/// The tables a pushed registration writes, with the expression naming its account.
const TABLES: [(&str, &str); 9] = [
    ("sync_inbox", "account_id"),
    ("accounts", "id"),
    ("account_events", "account_id"),
    ("change_feed", "account_id"),
    ("logins", "account_id"),
    ("credentials", "account_id"),
    ("profiles", "account_id"),
    ("jobs", "(payload->>'account_id')::uuid"),
    ("centre_accounts", "account_id"),
];

struct Throughput {
    events: usize,
    push: Duration,
    rows: usize,
    raw: Duration,
    pull: Duration,
    pulled: usize,
}

async fn throughput(events: usize) -> Option<Throughput> {
    let db = TestDb::postgres().await?;
    let central_url = db.url.clone();
    let net = Network::new(db, 1).await.expect("the network sets up");
    let replica = &net.replicas[0];
    let link = replica.link_to(&net.central);
    // The temporary password's hash, made once with the centre's parameters.
    let phc = hash_password(
        "Vremennyj-Parol1!",
        HashParams {
            memory_kib: 1024,
            iterations: 1,
            parallelism: 1,
        },
        &mut kabinet_service::ports::entropy::Random(&kabinet_service::ports::entropy::OsEntropy),
    )
    .expect("hash");
    // Generated people may share a SNILS or a passport (about seven in 100,000): such a second
    // registration is rightly a conflict, so the bench registers only distinct people.
    let mut seen = std::collections::HashSet::new();
    let people: Vec<_> = population(7_000_001, events + events / 50 + 10)
        .into_iter()
        .filter(|p| seen.insert(p.snils.clone()) && seen.insert(p.passport.clone()))
        .take(events)
        .collect();
    assert_eq!(people.len(), events, "enough distinct people");
    let at = net.central.now();
    let changes: Vec<OutboxChange> = people
        .iter()
        .enumerate()
        .map(|(i, person)| OutboxChange {
            id: Uuid::now_v7(),
            seq: i as i64 + 1,
            account_id: Uuid::now_v7(),
            at,
            personnel_number: "101".into(),
            change: DeskChange::RegisteredInPerson {
                surname: person.surname.clone(),
                first_name: person.first_name.clone(),
                profile: Box::new(form_of(person)),
                password_phc: phc.clone(),
                phone_later: None,
            },
        })
        .collect();
    let started = Instant::now();
    for batch in changes.chunks(kabinet_core::sync::PUSH_BATCH) {
        let pushed = Api::sync_push(
            &link.api,
            &link.context,
            SyncPush {
                changes: batch.to_vec(),
            },
        )
        .await
        .expect("pushed");
        assert_eq!(pushed.applied_through, batch.last().unwrap().seq);
    }
    let push = started.elapsed();
    let inbox = store::inbox_all(net.central.store()).await.unwrap();
    assert_eq!(inbox.len(), events);
    assert!(
        inbox.iter().all(|e| e.outcome == "applied"),
        "every change applied"
    );

    // The same rows, raw: read back, written again into a fresh database, one transaction per
    // change.
    let central = PgPool::connect(&central_url).await.unwrap();
    let mut by_account: HashMap<Uuid, Vec<(&str, String)>> = HashMap::new();
    let mut rows = 0;
    for (table, key) in TABLES {
        // Table names and keys come from the constant list above, never from input.
        let read: Vec<(Uuid, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {key}, row_to_json(t)::text FROM {table} t WHERE {key} IS NOT NULL"
        )))
        .fetch_all(&central)
        .await
        .unwrap();
        for (account, row) in read {
            by_account.entry(account).or_default().push((table, row));
            rows += 1;
        }
    }
    central.close().await;
    let fresh = TestDb::postgres().await?;
    let raw_pool = PgPool::connect(&fresh.url).await.unwrap();
    let groups: Vec<&Vec<(&str, String)>> = changes
        .iter()
        .filter_map(|c| by_account.get(&c.account_id))
        .collect();
    let started = Instant::now();
    for group in &groups {
        // One statement per table, all of the change's rows of it at once, in one transaction.
        let mut tables: Vec<(&str, Vec<&str>)> = Vec::new();
        for (table, row) in group.iter() {
            match tables.iter_mut().find(|(t, _)| t == table) {
                Some((_, rows)) => rows.push(row.as_str()),
                None => tables.push((table, vec![row.as_str()])),
            }
        }
        let mut tx = raw_pool.begin().await.unwrap();
        for (table, rows) in tables {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO {table} SELECT * FROM json_populate_recordset(NULL::{table}, $1::json)"
            )))
            .bind(format!("[{}]", rows.join(",")))
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
    }
    let raw = started.elapsed();
    raw_pool.close().await;
    fresh.finish().await;

    // A workstation catching up on all of it.
    // One sync stops after a thousand pulls and lets the next go on: sync until one brings
    // nothing more (the clock moved past the minute in which a pull sends recent scope joins
    // again, so the last sync is empty), at most ten times.
    let started = Instant::now();
    let mut pulled = 0;
    for _ in 0..10 {
        let report = replica.service.sync_once(&link).await.expect("pulled");
        pulled += report.pulled;
        if report.pulled == 0 {
            break;
        }
        net.clock.advance(chrono::Duration::minutes(2));
    }
    let pull = started.elapsed();
    net.finish().await;
    Some(Throughput {
        events,
        push,
        rows,
        raw,
        pull,
        pulled,
    })
}

fn per_second(n: usize, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64().max(1e-9)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let seeds = env_number("KABINET_SYNC_SEEDS", 200);
    let events = env_number("KABINET_SYNC_EVENTS", 10_000);
    let sim = simulate(seeds).await;
    let mut report = format!(
        "## Workstation sync ({})\n\n\
         Release build, 2 cores. `cargo xtask bench sync`; `KABINET_SYNC_SEEDS`, \
         `KABINET_SYNC_EVENTS` change the sizes.\n\n\
         **Fault simulation**: {} seeds (a centre on SQLite, three workstations, 80 steps each) \
         in {:.0} s: {} desk changes made offline, {} applied by the centre, {} conflicts, {} \
         faults injected (lost requests and answers, duplicated and reordered pushes, the centre \
         dying mid-batch), {} workstation restarts. **Seeds with a broken invariant: {}.**\n\n",
        chrono::Utc::now().format("%Y-%m-%d"),
        sim.seeds,
        sim.time.as_secs_f64(),
        sim.desk_changes,
        sim.applied,
        sim.conflicts,
        sim.faults,
        sim.restarts,
        sim.failed.len(),
    );
    match throughput(events).await {
        Some(t) => {
            let push_rate = per_second(t.events, t.push);
            let raw_rate = per_second(t.events, t.raw);
            report.push_str(&format!(
                "| PostgreSQL, {} in-person registrations | time | changes/s | ratio |\n\
                 |---|---|---|---|\n\
                 | raw insert of the same {} rows (sqlx: one transaction per change, one statement per table) | {:.1} s | {:.0} | baseline |\n\
                 | push (each applied again through the core, once, in order) | {:.1} s | {:.0} | **{:.2}** of raw (target ≥ 0.5) |\n\
                 | a workstation's catch-up pull of all {} accounts | {:.1} s | {:.0} | **{:.2}** × the push (target < 2) |\n\n",
                t.events,
                t.rows,
                t.raw.as_secs_f64(),
                raw_rate,
                t.push.as_secs_f64(),
                push_rate,
                push_rate / raw_rate,
                t.pulled,
                t.pull.as_secs_f64(),
                per_second(t.pulled, t.pull),
                t.pull.as_secs_f64() / t.push.as_secs_f64(),
            ));
        }
        None => report.push_str("Push and pull: skipped (no `KABINET_TEST_POSTGRES_URL`).\n\n"),
    }
    println!("{report}");
    report::write_section("sync", &report);
    if !sim.failed.is_empty() {
        for (seed, broken) in &sim.failed {
            eprintln!("seed {seed}: {broken:#?}");
        }
        std::process::exit(1);
    }
}
