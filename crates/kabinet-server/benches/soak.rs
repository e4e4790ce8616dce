//! A soak: the server under a steady 70 % of its sign-in capacity for ten minutes (release
//! build, production argon2id, loopback HTTP). Capacity is measured first, in the same run; then
//! sign-ins arrive on an open loop at 70 % of it, each followed by a session check, while the
//! process's resident memory is sampled every ten seconds.
//!
//! Targets: fewer than 0.1 % of requests not answered with success, and flat memory — the
//! resident set of the last two minutes within 10 % of the second and third minutes' (the first
//! minute warms caches and pools). `KABINET_SOAK_SECONDS` changes the length (600). PostgreSQL
//! when `KABINET_TEST_POSTGRES_URL` is set, SQLite otherwise. The results replace the soak
//! section of docs/benchmarks.md.

#[path = "support/loadgen.rs"]
mod loadgen;
#[path = "support/report.rs"]
mod report;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use kabinet_api::*;
use loadgen::*;

fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|kb| kb.parse::<f64>().ok())
            })
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn median(mut values: Vec<f64>) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[tokio::main]
async fn main() {
    let seconds: u64 = std::env::var("KABINET_SOAK_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(600);
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    let (db, database) = database().await;
    let served = Served::start(&db).await;
    let client = served.client.clone();

    eprintln!("sign-in capacity…");
    let c = client.clone();
    let (capacity, _) = closed_loop(2 * cores, Duration::from_secs(8), move |n| {
        let c = c.clone();
        async move {
            matches!(
                sign_in(&c, n % ACCOUNTS).await,
                Ok(SignInOutcome::SignedIn(_))
            )
        }
    })
    .await;

    let rate = capacity * 0.7;
    eprintln!("soak: {rate:.1} sign-ins/s (each with a session check) for {seconds} s…");
    let sent = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let sampling = Arc::new(std::sync::Mutex::new(Vec::<(u64, f64)>::new()));
    let sampler = {
        let sampling = sampling.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(10));
            let start = tokio::time::Instant::now();
            loop {
                tick.tick().await;
                sampling
                    .lock()
                    .unwrap()
                    .push((start.elapsed().as_secs(), rss_mib()));
            }
        })
    };
    let interval = Duration::from_secs_f64(1.0 / rate);
    let start = tokio::time::Instant::now();
    let total = (seconds as f64 * rate) as u64;
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..total {
        tokio::time::sleep_until(start + interval * n as u32).await;
        let (client, ok, failed) = (client.clone(), sent.clone(), failed.clone());
        tasks.spawn(async move {
            let i = n as usize % ACCOUNTS;
            ok.fetch_add(1, Ordering::Relaxed);
            let Ok(SignInOutcome::SignedIn(s)) = sign_in(&client, i).await else {
                failed.fetch_add(1, Ordering::Relaxed);
                return;
            };
            let mut context = device(i);
            context.session = Some(s.token);
            ok.fetch_add(1, Ordering::Relaxed);
            if client.me(&context, Empty {}).await.is_err() {
                failed.fetch_add(1, Ordering::Relaxed);
            }
        });
        // Finished tasks are let go as the soak runs.
        while tasks.try_join_next().is_some() {}
    }
    while tasks.join_next().await.is_some() {}
    sampler.abort();
    served.stop().await;
    db.finish().await;

    let (requests, failed) = (sent.load(Ordering::Relaxed), failed.load(Ordering::Relaxed));
    let share = 100.0 * failed as f64 / requests.max(1) as f64;
    let samples = sampling.lock().unwrap().clone();
    let window = |from: u64, to: u64| {
        median(
            samples
                .iter()
                .filter(|(at, _)| *at >= from && *at < to)
                .map(|(_, rss)| *rss)
                .collect(),
        )
    };
    let early = window(60, 180);
    let late = window(seconds.saturating_sub(120), seconds + 10);
    let peak = samples.iter().map(|(_, r)| *r).fold(0.0, f64::max);
    let report = format!(
        "## Soak ({date})\n\n\
Release build, {cores} cores, {database}; argon2id m = 19 MiB, t = 2, p = 1. Sign-in capacity \
measured first in the same run: {capacity:.1}/s. Then {seconds} s of sign-ins at 70 % of it \
({rate:.1}/s, open loop), each followed by a session check: {requests} requests, {failed} not \
answered with success ({share:.3} %, target < 0.1 %). Resident memory of the process (server and \
load generator) sampled every 10 s: median {early:.0} MiB in minutes 2–3, {late:.0} MiB in the \
last two minutes ({growth:+.1} %, target within 10 %), peak {peak:.0} MiB.\n",
        date = chrono::Utc::now().format("%Y-%m-%d"),
        growth = (late / early.max(1.0) - 1.0) * 100.0,
    );
    println!("{report}");
    report::write_section("soak", &report);
}
