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

/// A raw POST of `body` to a sync operation, with `key` as the workstation's.
async fn raw_sync(url: &str, op: &str, key: &str, body: &str) -> (u16, String) {
    use kabinet_api::http::{CLIENT_HEADER, OPERATIONS_PREFIX, WORKSTATION_HEADER};
    let _ = rustls::crypto::ring::default_provider().install_default();
    let response = reqwest::Client::new()
        .post(format!("{url}{OPERATIONS_PREFIX}{op}"))
        .header(CLIENT_HEADER, "test")
        .header(WORKSTATION_HEADER, key)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

fn error_of(body: &str) -> ApiError {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_sync_requests_over_http_are_refused_and_change_nothing() {
    let net = Network::new(TestDb::sqlite().await, 1).await.unwrap();
    let replica = &net.replicas[0];
    let server = Running::start(net.central.clone(), HttpSettings::default()).await;
    let key = replica.link.workstation.clone().unwrap();
    let home = Context {
        session: None,
        address: "203.0.113.20".into(),
        device_id: "home".into(),
        device_name: "Дома".into(),
        workstation: None,
    };
    // A citizen who registered at home: not this centre's.
    Api::registration_start(
        &net.central,
        &home,
        RegistrationStart {
            surname: "Петрова".into(),
            first_name: "Ольга".into(),
            contact_kind: ContactKind::Phone,
            contact: "+79161112244".into(),
            consent: true,
            consent_version: "2026-01".into(),
        },
    )
    .await
    .unwrap();
    // A registration still waiting for its code has its account all the same.
    let stranger_id =
        kabinet_store::accounts::find_login(net.central.store(), "phone", "+79161112244")
            .await
            .unwrap()
            .expect("the stranger's account");
    let change = |seq: i64, account_id: uuid::Uuid| {
        serde_json::json!({
            "changes": [{
                "id": uuid::Uuid::now_v7(),
                "seq": seq,
                "account_id": account_id,
                "at": chrono::Utc::now(),
                "personnel_number": "101",
                "change": { "kind": "confirmed_in_person", "documents": ["passport"] },
            }]
        })
        .to_string()
    };
    let nothing_received = || async {
        assert!(
            store::inbox_all(net.central.store())
                .await
                .unwrap()
                .is_empty()
        );
    };
    // A truncated body: a clear field error, nothing applied.
    let whole = change(1, uuid::Uuid::now_v7());
    let (status, body) = raw_sync(&server.url, "sync_push", &key, &whole[..whole.len() / 2]).await;
    let error = error_of(&body);
    assert_eq!(status, 422, "{error:?}");
    assert_eq!(error.code, ErrorCode::InvalidInput);
    assert_eq!(error.fields[0].field, "body", "{error:?}");
    nothing_received().await;
    // A forged workstation key: refused before anything is read.
    let (status, body) = raw_sync(&server.url, "sync_push", "ws_forged-key", &whole).await;
    let error = error_of(&body);
    assert_eq!(status, 401, "{error:?}");
    assert_eq!(error.code, ErrorCode::WorkstationRequired);
    nothing_received().await;
    // A change of an account outside the centre's scope: held as a conflict, nothing applied.
    let (status, _) = raw_sync(&server.url, "sync_push", &key, &change(1, stranger_id)).await;
    assert_eq!(status, 200);
    let conflicts = store::conflicts(net.central.store(), net.centre.id, true, 10)
        .await
        .unwrap();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].reason, "out_of_scope");
    let events = kabinet_store::event_log::read(net.central.store(), stranger_id)
        .await
        .unwrap();
    assert!(events.iter().all(|e| e.kind != "identity_confirmed"));
    // An out-of-order number: not taken, the workstation told where the centre stands.
    let (status, body) = raw_sync(&server.url, "sync_push", &key, &change(5, stranger_id)).await;
    assert_eq!(status, 200, "{body}");
    let early: SyncPushed = serde_json::from_str(&body).unwrap();
    assert_eq!(early.applied_through, 1);
    server.stop().await;
    net.finish().await;
}
