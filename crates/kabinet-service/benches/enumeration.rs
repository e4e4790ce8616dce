//! Does an unknown login take as long as a known one? Sign-ins with a wrong password for a real
//! account (the baseline) against sign-ins for a login nobody has, and the same for recovery
//! starts, with the production argon2id cost (m = 19 MiB, t = 2, p = 1), interleaved in one run.
//! A ratio near 1.00 means the answer's timing tells nothing.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::TimeZone;
use kabinet_api::*;
use kabinet_service::ports::clock::ManualClock;
use kabinet_service::{Ports, Service, ServiceConfig};
use kabinet_store::testing::TestDb;

const ROUNDS: usize = 40;

fn context(i: usize) -> Context {
    Context {
        session: None,
        // A fresh address each time, so the per-client cap never steps in.
        address: format!("198.51.100.{}", i % 250),
        device_id: "bench".into(),
        device_name: "bench".into(),
        workstation: None,
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

#[tokio::main]
async fn main() {
    let db = TestDb::sqlite().await;
    let clock = ManualClock::at(chrono::Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap());
    let ports = Ports::simulated(Arc::new(clock.clone()));
    let service = Service::new(
        db.store.clone(),
        ServiceConfig::new([1; 32], [2; 32]),
        ports,
    )
    .unwrap();
    let password = "Zelenyj-Sad7!";
    let registration = service
        .registration_start(
            &context(0),
            RegistrationStart {
                surname: "Иванова".into(),
                first_name: "Анна".into(),
                contact_kind: ContactKind::Phone,
                contact: "+79123456789".into(),
                consent: true,
                consent_version: "2026-01".into(),
            },
        )
        .await
        .unwrap();
    service.settle().await;
    let body = service.inbox().unwrap().to("+79123456789")[0].body.clone();
    let code: String = body.chars().filter(char::is_ascii_digit).take(6).collect();
    service
        .registration_confirm(
            &context(0),
            CodeEntry {
                ticket: registration.ticket.clone(),
                code,
            },
        )
        .await
        .unwrap();
    service
        .registration_set_password(
            &context(0),
            NewPassword {
                ticket: registration.ticket,
                password: password.into(),
                password_repeat: password.into(),
            },
        )
        .await
        .unwrap();

    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    let (mut known_recovery, mut unknown_recovery) = (Vec::new(), Vec::new());
    for i in 0..ROUNDS {
        // Past the 12-hour reset, so no lock shortcuts either path.
        clock.advance(chrono::Duration::hours(13));
        for (login, samples) in [("+79123456789", &mut known), ("+79160000000", &mut unknown)] {
            let started = Instant::now();
            let answer = service
                .sign_in(
                    &context(i),
                    SignInRequest {
                        login: login.into(),
                        password: "Wrong-Pass1!".into(),
                    },
                )
                .await;
            samples.push(started.elapsed());
            assert_eq!(answer.unwrap_err().code, ErrorCode::CredentialsInvalid);
        }
        for (login, samples) in [
            ("+79123456789", &mut known_recovery),
            ("+79160000000", &mut unknown_recovery),
        ] {
            let started = Instant::now();
            service
                .recovery_start(
                    &context(i),
                    RecoveryStart {
                        login: login.into(),
                    },
                )
                .await
                .unwrap();
            samples.push(started.elapsed());
        }
    }
    service.settle().await;
    println!("\nkabinet-service: known vs unknown logins, median of {ROUNDS}, same run");
    println!(
        "  {:<34} {:>12} {:>12} {:>10}",
        "operation", "known (ms)", "unknown (ms)", "unknown/known"
    );
    for (name, k, u) in [
        ("sign-in, wrong password", known, unknown),
        ("recovery start", known_recovery, unknown_recovery),
    ] {
        let (k, u) = (median(k), median(u));
        println!(
            "  {name:<34} {:>12.2} {:>12.2} {:>10.2}",
            k.as_secs_f64() * 1e3,
            u.as_secs_f64() * 1e3,
            u.as_secs_f64() / k.as_secs_f64()
        );
    }
    db.finish().await;
}
