//! Workstation sync through the real adapter — `kabinet-client` over HTTP to a server on
//! loopback — with the workstation a separate process killed with SIGKILL in the middle of its
//! pushes: restarted, it resumes, and every change reaches the centre exactly once.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use kabinet_api::*;
use kabinet_client::{Client, ClientOptions};
use kabinet_server::HttpSettings;
use kabinet_service::ports::clock::SystemClock;
use kabinet_service::ports::registry::population;
use kabinet_service::sync::Through;
use kabinet_service::testing::sync_sim::{Network, form_of};
use kabinet_service::{Ports, Service, ServiceConfig};
use kabinet_store::testing::TestDb;
use kabinet_store::{Store, sync as store};

use crate::support::Running;

const CHILD: &str = "KABINET_SYNC_CHILD";

/// The workstation process: syncs its replica with the centre until nothing waits, then says
/// so. A no-op when run as an ordinary test.
#[tokio::test]
async fn sync_child() {
    let Ok(spec) = std::env::var(CHILD) else {
        return;
    };
    let mut parts = spec.splitn(3, '|');
    let (server, database, key) = (
        parts.next().unwrap().to_owned(),
        parts.next().unwrap().to_owned(),
        parts.next().unwrap().to_owned(),
    );
    let store = Store::connect(&database).await.unwrap();
    let service = Service::new(
        store,
        ServiceConfig::new([3; 32], [4; 32]),
        Ports::simulated(Arc::new(SystemClock)),
    )
    .unwrap();
    let link = Through {
        api: Client::new(&server, ClientOptions::default()).unwrap(),
        context: Context {
            session: None,
            address: String::new(),
            device_id: "workstation".into(),
            device_name: "Окно 2".into(),
            workstation: Some(key),
        },
    };
    loop {
        match service.sync_once(&link).await {
            Ok(report) if report.waiting == 0 => {
                println!("SYNC-DONE");
                return;
            }
            _ => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workstation_killed_during_a_push_resumes_and_every_change_arrives_once() {
    const CHANGES: usize = 450;
    let net = Network::new(TestDb::sqlite().await, 1).await.unwrap();
    let replica = &net.replicas[0];
    // A day offline: 450 citizens registered at the desk.
    for person in population(99, CHANGES) {
        Api::citizen_register(
            &replica.service,
            &replica.desk.context,
            InPersonRegistration {
                profile: form_of(&person),
                phone_ticket: String::new(),
                phone_code: String::new(),
                phone_later: String::new(),
            },
        )
        .await
        .expect("registered at the desk");
    }
    let outbox = store::outbox_all(replica.service.store()).await.unwrap();
    assert_eq!(outbox.len(), CHANGES);
    let server = Running::start(net.central.clone(), HttpSettings::default()).await;
    let key = replica.link.workstation.clone().unwrap();
    let spec = format!("{}|{}|{}", server.url, replica.url, key);
    let exe = std::env::current_exe().unwrap();
    let received = || async { store::inbox_all(net.central.store()).await.unwrap().len() };
    let mut kills_mid_push = 0;
    let mut done = false;
    for round in 0..40 {
        let mut child = Command::new(&exe)
            .args([
                "sync::sync_child",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD, &spec)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                // libtest may print the test's name on the same line first.
                .any(|line| line.ends_with("SYNC-DONE"))
        });
        if round < 6 {
            // Let it start and get into a push, then kill it.
            tokio::time::sleep(Duration::from_millis(250 + 150 * round as u64)).await;
            let before = received().await;
            if child.try_wait().unwrap().is_none() {
                child.kill().unwrap(); // SIGKILL
                child.wait().unwrap();
                reader.join().unwrap();
                if before > 0 && before < CHANGES {
                    kills_mid_push += 1;
                }
                continue;
            }
        }
        child.wait().unwrap();
        if reader.join().unwrap() {
            done = true;
            break;
        }
    }
    eprintln!("sync kill test: {kills_mid_push} kills in the middle of the pushes");
    assert!(done, "the workstation never finished");
    assert!(
        kills_mid_push >= 1,
        "no kill landed in the middle of the pushes"
    );
    // Every change arrived exactly once, in order, and the workstation knows it.
    let inbox = store::inbox_all(net.central.store()).await.unwrap();
    assert_eq!(inbox.len(), CHANGES);
    let outbox = store::outbox_all(replica.service.store()).await.unwrap();
    assert!(outbox.iter().all(|c| c.acked_at.is_some()));
    for (change, entry) in outbox.iter().zip(&inbox) {
        assert_eq!((change.id, change.seq), (entry.event_id, entry.seq));
    }
    let broken = net.violations().await.unwrap();
    assert!(broken.is_empty(), "{broken:#?}");
    server.stop().await;
    net.finish().await;
}
