//! Does an unknown login answer as fast as a known one? For each path an attacker can probe —
//! a sign-in with a wrong password, a sign-in while the login is locked, a recovery start, a
//! recovery start inside the resend cooldown, a registration start for a contact whose
//! registration was abandoned — a login that exists (the baseline) is timed against one that
//! does not, interleaved in random order in one run, with the production argon2id cost
//! (m = 19 MiB, t = 2, p = 1).
//!
//! Each path reports the difference of the medians as a share of the baseline's median and a
//! Mann–Whitney U test of the two samples (normal approximation, two-sided). The target is a
//! difference under 2 % that is not significant (p ≥ 0.05). Work a request leaves for after
//! its answer (notifications, a failed attempt's log entry) is let finish between trials, so
//! each sample is the request's own time.
//!
//! `KABINET_ENUMERATION_TRIALS` (default 1000) sets the trials per path. PostgreSQL when
//! `KABINET_TEST_POSTGRES_URL` is set, SQLite too in every run. The results replace the
//! enumeration section of docs/benchmarks.md.

#[path = "../../kabinet-server/benches/support/report.rs"]
mod report;

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::TimeZone;
use kabinet_api::*;
use kabinet_service::ports::clock::ManualClock;
use kabinet_service::{Ports, Service, ServiceConfig};
use kabinet_store::testing::TestDb;

const PASSWORD: &str = "Zelenyj-Sad7!";
const KNOWN: &str = "+79123456789";
const UNKNOWN: &str = "+79160000000";
const LOCKED_KNOWN: &str = "+79123450000";
const LOCKED_UNKNOWN: &str = "+79160000001";
const PENDING: &str = "+79125550000";

fn context(i: usize) -> Context {
    Context {
        session: None,
        // Many addresses, so the per-client cap never steps in.
        address: format!("198.51.100.{}", i % 250),
        device_id: "bench".into(),
        device_name: "bench".into(),
        workstation: None,
    }
}

/// One path's samples: the login that exists, the one that does not.
#[derive(Default)]
struct Samples {
    known: Vec<Duration>,
    unknown: Vec<Duration>,
}

fn median(samples: &[Duration]) -> f64 {
    let mut sorted: Vec<f64> = samples.iter().map(Duration::as_secs_f64).collect();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

/// Two-sided Mann–Whitney U test, normal approximation with ties ranked by their mean:
/// (z, p).
fn mann_whitney(a: &[Duration], b: &[Duration]) -> (f64, f64) {
    let mut all: Vec<(f64, bool)> = a
        .iter()
        .map(|d| (d.as_secs_f64(), true))
        .chain(b.iter().map(|d| (d.as_secs_f64(), false)))
        .collect();
    all.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut rank_sum_a = 0.0;
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j + 1 < all.len() && all[j + 1].0 == all[i].0 {
            j += 1;
        }
        let mean_rank = (i + j) as f64 / 2.0 + 1.0;
        rank_sum_a += all[i..=j].iter().filter(|x| x.1).count() as f64 * mean_rank;
        i = j + 1;
    }
    let (na, nb) = (a.len() as f64, b.len() as f64);
    let u = rank_sum_a - na * (na + 1.0) / 2.0;
    let mean = na * nb / 2.0;
    let sd = (na * nb * (na + nb + 1.0) / 12.0).sqrt();
    let z = (u - mean) / sd;
    let p = libm::erfc(z.abs() / std::f64::consts::SQRT_2);
    (z, p)
}

/// Times `call` for the known and the unknown login in an order chosen by `coin`, letting the
/// work left after each answer finish untimed.
async fn trial<F, Fut>(service: &Service, samples: &mut Samples, coin: bool, call: F)
where
    F: Fn(bool) -> Fut,
    Fut: Future<Output = ()>,
{
    for known in if coin { [true, false] } else { [false, true] } {
        let started = Instant::now();
        call(known).await;
        let took = started.elapsed();
        service.settle().await;
        if known {
            samples.known.push(took);
        } else {
            samples.unknown.push(took);
        }
    }
}

async fn register(service: &Service, phone: &str) {
    let started = service
        .registration_start(
            &context(0),
            RegistrationStart {
                surname: "Иванова".into(),
                first_name: "Анна".into(),
                contact_kind: ContactKind::Phone,
                contact: phone.into(),
                consent: true,
                consent_version: "2026-01".into(),
            },
        )
        .await
        .unwrap();
    service.settle().await;
    let body = service.inbox().unwrap().to(phone).pop().unwrap().body;
    let code: String = body.chars().filter(char::is_ascii_digit).take(6).collect();
    service
        .registration_confirm(
            &context(0),
            CodeEntry {
                ticket: started.ticket.clone(),
                code,
            },
        )
        .await
        .unwrap();
    service
        .registration_set_password(
            &context(0),
            NewPassword {
                ticket: started.ticket,
                password: PASSWORD.into(),
                password_repeat: PASSWORD.into(),
            },
        )
        .await
        .unwrap();
}

async fn sign_in(service: &Service, i: usize, login: &str) -> Result<SignInOutcome, ApiError> {
    service
        .sign_in(
            &context(i),
            SignInRequest {
                login: login.into(),
                password: "Wrong-Pass1!".into(),
            },
        )
        .await
}

/// Fails sign-ins for `login` until only a recovery unlocks it.
async fn lock_for_good(service: &Service, clock: &ManualClock, login: &str) {
    for i in 0.. {
        match sign_in(service, i, login).await {
            Err(e) if e.code == ErrorCode::AccountLocked && e.retry_at.is_none() => return,
            Err(e) if e.code == ErrorCode::AccountLocked => {
                clock.advance(e.retry_at.unwrap() - service.now() + chrono::Duration::seconds(1));
            }
            Err(e) if e.code == ErrorCode::CredentialsInvalid => {}
            other => panic!("locking {login}: {other:?}"),
        }
        service.settle().await;
    }
}

fn registration(phone: &str) -> RegistrationStart {
    RegistrationStart {
        surname: "Петрова".into(),
        first_name: "Мария".into(),
        contact_kind: ContactKind::Phone,
        contact: phone.into(),
        consent: true,
        consent_version: "2026-01".into(),
    }
}

/// Every path, `trials` times each; returns (path, samples).
async fn measure(db: &TestDb, trials: usize) -> Vec<(&'static str, Samples)> {
    let clock = ManualClock::at(chrono::Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap());
    let mut config = ServiceConfig::new([1; 32], [2; 32]);
    // A lock for good after five failures, so the locked path is set up quickly; the other
    // paths never reach it (the count restarts between rounds).
    config.lockout.hard_limit = 5;
    let service = Service::new(
        db.store.clone(),
        config,
        Ports::simulated(Arc::new(clock.clone())),
    )
    .unwrap();
    register(&service, KNOWN).await;
    register(&service, LOCKED_KNOWN).await;
    lock_for_good(&service, &clock, LOCKED_KNOWN).await;
    lock_for_good(&service, &clock, LOCKED_UNKNOWN).await;
    service
        .registration_start(&context(0), registration(PENDING))
        .await
        .unwrap();
    service.settle().await;

    let mut wrong_password = Samples::default();
    let mut locked = Samples::default();
    let mut recovery = Samples::default();
    let mut cooldown = Samples::default();
    let mut abandoned = Samples::default();
    let mut coins = rand_coins(0x005e_ed0f_c01d);
    for i in 0..trials {
        // Past the 12-hour reset and every cooldown, so no lock or limit shortcuts a path.
        clock.advance(chrono::Duration::hours(25));
        let s = &service;
        trial(s, &mut wrong_password, coins(), |known| async move {
            let login = if known { KNOWN } else { UNKNOWN };
            let answer = sign_in(s, i, login).await;
            assert_eq!(answer.unwrap_err().code, ErrorCode::CredentialsInvalid);
        })
        .await;
        trial(s, &mut locked, coins(), |known| async move {
            let login = if known { LOCKED_KNOWN } else { LOCKED_UNKNOWN };
            let answer = sign_in(s, i, login).await;
            assert_eq!(answer.unwrap_err().code, ErrorCode::AccountLocked);
        })
        .await;
        let start = |known: bool| async move {
            let login = if known { KNOWN } else { UNKNOWN };
            s.recovery_start(
                &context(i),
                RecoveryStart {
                    login: login.into(),
                },
            )
            .await
        };
        trial(s, &mut recovery, coins(), |known| async move {
            start(known).await.unwrap();
        })
        .await;
        trial(s, &mut cooldown, coins(), |known| async move {
            let answer = start(known).await;
            assert_eq!(answer.unwrap_err().code, ErrorCode::ResendTooSoon);
        })
        .await;
        trial(s, &mut abandoned, coins(), |known| async move {
            let phone = if known {
                PENDING.to_owned()
            } else {
                format!("+7917{i:07}")
            };
            s.registration_start(&context(i), registration(&phone))
                .await
                .unwrap();
        })
        .await;
    }
    vec![
        ("sign-in, wrong password", wrong_password),
        ("sign-in while locked", locked),
        ("recovery start", recovery),
        ("recovery start in the resend cooldown", cooldown),
        ("registration start, abandoned vs free contact", abandoned),
    ]
}

/// A reproducible stream of coin tosses (xorshift), for the order of each trial's two calls.
fn rand_coins(mut state: u64) -> impl FnMut() -> bool {
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state & 1 == 1
    }
}

fn table(database: &str, trials: usize, paths: &[(&str, Samples)]) -> String {
    let mut out = format!(
        "**{database}**, {trials} interleaved trials per path:\n\n\
| path | known login (median) | unknown login (median) | difference, share of median | Mann–Whitney z | p | verdict |\n\
|---|---|---|---|---|---|---|\n"
    );
    for (name, samples) in paths {
        let (k, u) = (median(&samples.known), median(&samples.unknown));
        let share = (u - k) / k * 100.0;
        let (z, p) = mann_whitney(&samples.known, &samples.unknown);
        let verdict = if share.abs() < 2.0 && p >= 0.05 {
            "indistinguishable"
        } else if p >= 0.05 {
            "not significant, difference ≥ 2 %"
        } else {
            "**distinguishable**"
        };
        out.push_str(&format!(
            "| {name} | {:.2} ms | {:.2} ms | {share:+.1} % | {z:+.2} | {p:.3} | {verdict} |\n",
            k * 1e3,
            u * 1e3
        ));
    }
    out.push('\n');
    out
}

#[tokio::main]
async fn main() {
    let trials: usize = std::env::var("KABINET_ENUMERATION_TRIALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let mut report = format!(
        "## Enumeration timing ({date})\n\n\
Release build, 2 cores, argon2id m = 19 MiB, t = 2, p = 1; `cargo xtask bench enumeration`. \
Each path times a login that exists against one that does not, in random order per trial; \
target: a difference under 2 % of the median that a Mann–Whitney U test does not find \
(p ≥ 0.05).\n\n",
        date = chrono::Utc::now().format("%Y-%m-%d"),
    );
    let mut databases = vec![(TestDb::sqlite().await, "SQLite (WAL)")];
    if let Some(db) = TestDb::postgres().await {
        databases.push((db, "PostgreSQL 15 on loopback"));
    }
    for (db, name) in databases {
        eprintln!("{name}: {trials} trials per path…");
        let paths = measure(&db, trials).await;
        let part = table(name, trials, &paths);
        print!("{part}");
        report.push_str(&part);
        db.finish().await;
    }
    report::write_section("enumeration", &report);
}
