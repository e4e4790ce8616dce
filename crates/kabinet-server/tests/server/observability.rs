//! What the server tells its operators: Prometheus metrics on the admin listener (not on the
//! public port), traces over OTLP/HTTP to a collector, JSON logs — and none of them ever
//! carries a citizen's SNILS, phone, e-mail, passport, name, code, password or token, even with
//! every log level on. A whole journey runs against the real binary; a collector made here
//! keeps what the exporter sends.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use kabinet_api::*;
use kabinet_client::{Client, ClientOptions};
use kabinet_service::SIMULATED_POPULATION_SEED;
use kabinet_service::ports::registry::population;
use kabinet_service::testing::form_of;

use crate::support::*;

const PHONE: &str = "+79161234567";
const EMAIL: &str = "anna.nablyudaemaya@example.org";

/// An OTLP/HTTP collector that keeps every body it is sent.
async fn collector() -> (String, Arc<Mutex<Vec<Vec<u8>>>>) {
    let kept = Arc::new(Mutex::new(Vec::new()));
    let keep = kept.clone();
    let app = axum::Router::new().route(
        "/v1/traces",
        axum::routing::post(move |body: axum::body::Bytes| {
            let keep = keep.clone();
            async move {
                keep.lock().unwrap().push(body.to_vec());
                // An empty ExportTraceServiceResponse.
                (
                    [("content-type", "application/x-protobuf")],
                    Vec::<u8>::new(),
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, kept)
}

struct Server {
    child: Child,
    url: String,
    metrics: String,
}

impl Server {
    fn start(database_url: &str, otlp: &str) -> Self {
        let child = Command::new(env!("CARGO_BIN_EXE_kabinet-server"))
            .arg("--dev")
            .env("KABINET_DATABASE_URL", database_url)
            .env("KABINET_LISTEN", "127.0.0.1:0")
            .env("KABINET_METRICS_LISTEN", "127.0.0.1:0")
            .env("KABINET_OTLP_ENDPOINT", otlp)
            .env("KABINET_PEPPER", "11".repeat(32))
            .env("KABINET_SEAL_KEY", "22".repeat(32))
            .env("KABINET_ARGON2_MEMORY_KIB", "1024")
            .env("KABINET_ARGON2_ITERATIONS", "1")
            .env("KABINET_JOB_PERIOD_MS", "50")
            // Everything, every crate: nothing personal may appear at any level.
            .env("RUST_LOG", "trace")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start kabinet-server");
        // Made first, so a failure from here on still stops the process (Drop).
        let mut server = Self {
            child,
            url: String::new(),
            metrics: String::new(),
        };
        let mut out = BufReader::new(server.child.stdout.take().unwrap());
        // The first line naming `prefix`; the lines before it (a dev-mode simulator's address)
        // are passed over.
        let mut line = |prefix: &str| {
            for _ in 0..8 {
                let mut line = String::new();
                out.read_line(&mut line).unwrap();
                if let Some(rest) = line.trim().strip_prefix(prefix) {
                    return rest.to_owned();
                }
            }
            panic!("the server never printed {prefix:?}")
        };
        server.url = line("listening on ");
        server.metrics = line("metrics on ");
        // Keep draining stdout so the server never blocks on it.
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        server
    }

    fn stop(mut self) -> String {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let status = self.child.wait().unwrap();
        assert!(status.success(), "the server exited with {status}");
        let mut log = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut log)
            .unwrap();
        log
    }
}

async fn code_for(api: &Client, to: &str) -> String {
    for _ in 0..100 {
        let inbox = api.dev_inbox(&device("inbox"), Empty {}).await.unwrap();
        if let Some(m) = inbox.messages.iter().rev().find(|m| m.to == to) {
            return six_digits(&m.body).unwrap();
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("no message to {to}");
}

/// `kabinet_<name>{<labels>} <value>` from the exposition text (0 when absent).
fn sample(text: &str, name_and_labels: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name_and_labels)?.trim().parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_traces_and_logs_carry_no_personal_data() {
    let dir = std::env::temp_dir().join(format!("kabinet-observe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let database = format!("sqlite://{}?mode=rwc", dir.join("kabinet.db").display());
    let (otlp, kept) = collector().await;
    let server = Server::start(&database, &otlp);
    let api = Client::new(&server.url, ClientOptions::default()).unwrap();
    let laptop = device("laptop");
    let person = population(SIMULATED_POPULATION_SEED, 1).remove(0);

    // Registration, the profile to Standard, an e-mail, a sign-out.
    let started = api
        .registration_start(
            &laptop,
            RegistrationStart {
                surname: person.surname.clone(),
                first_name: person.first_name.clone(),
                contact_kind: ContactKind::Phone,
                contact: PHONE.into(),
                consent: true,
                consent_version: "2026-01".into(),
            },
        )
        .await
        .unwrap();
    let code = code_for(&api, PHONE).await;
    api.registration_confirm(
        &laptop,
        CodeEntry {
            ticket: started.ticket.clone(),
            code: code.clone(),
        },
    )
    .await
    .unwrap();
    let session = api
        .registration_set_password(
            &laptop,
            NewPassword {
                ticket: started.ticket,
                password: PASSWORD.into(),
                password_repeat: PASSWORD.into(),
            },
        )
        .await
        .unwrap();
    let me = with_session(&laptop, &session.token);
    api.profile_submit(
        &me,
        ProfileSubmit {
            profile: form_of(&person),
            confirm_reverification: false,
        },
    )
    .await
    .unwrap();
    let mut level = Level::Simplified;
    for _ in 0..200 {
        level = api.profile_get(&me, Empty {}).await.unwrap().level;
        if level == Level::Standard {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(level, Level::Standard);
    api.contact_change_start(
        &me,
        ContactChangeStart {
            password: PASSWORD.into(),
            contact_kind: ContactKind::Email,
            contact: EMAIL.into(),
        },
    )
    .await
    .unwrap();
    api.sign_out(&me, Empty {}).await.unwrap();

    // A wrong password, then the SNILS as the login from the known device, a recovery.
    expect_error(
        api.sign_in(
            &laptop,
            SignInRequest {
                login: PHONE.into(),
                password: "Wrong-Parol1!".into(),
            },
        )
        .await,
        ErrorCode::CredentialsInvalid,
    );
    let again = api
        .sign_in(
            &laptop,
            SignInRequest {
                login: person.snils.clone(),
                password: PASSWORD.into(),
            },
        )
        .await
        .unwrap();
    let SignInOutcome::SignedIn(again) = again else {
        panic!("the known device signs in with the password: {again:?}");
    };
    api.me(&with_session(&laptop, &again.token), Empty {})
        .await
        .unwrap();
    api.recovery_start(
        &device("phone"),
        RecoveryStart {
            login: PHONE.into(),
        },
    )
    .await
    .unwrap();

    // The metrics: on the admin listener only, with the journey in them.
    let http = reqwest::Client::new();
    let public = http
        .get(format!("{}/metrics", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(public.status(), 404, "metrics are not on the public port");
    let metrics = http
        .get(&server.metrics)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for (series, at_least) in [
        (
            r#"kabinet_sign_in_attempts_total{method="password",outcome="credentials_invalid"}"#,
            1.0,
        ),
        (
            r#"kabinet_sign_in_attempts_total{method="password",outcome="ok"}"#,
            1.0,
        ),
        (r#"kabinet_registrations_total{kind="online"}"#, 1.0),
        (
            r#"kabinet_level_changes_total{to="standard",reason="registry_checks_passed"}"#,
            1.0,
        ),
        (r#"kabinet_codes_issued_total{kind="sms"}"#, 2.0),
        (
            r#"kabinet_http_requests_total{route="/api/v1/sign_in",status="200"}"#,
            1.0,
        ),
        (
            r#"kabinet_operations_total{operation="me",outcome="ok"}"#,
            1.0,
        ),
        ("kabinet_argon2_seconds_count", 3.0),
        ("kabinet_hashing_wait_seconds_count", 3.0),
    ] {
        let value = sample(&metrics, series);
        assert!(value >= at_least, "{series} = {value}\n{metrics}");
    }
    assert!(metrics.contains("kabinet_hashing_slots_in_use"));

    let log = server.stop();
    let traces: Vec<u8> = kept.lock().unwrap().concat();
    assert!(
        !traces.is_empty(),
        "spans were exported to the collector\n{log}"
    );
    assert!(
        contains(&traces, b"/api/v1/sign_in"),
        "the exported spans name the routes"
    );
    assert!(log.contains("/api/v1/sign_in"), "requests are logged");

    // Nothing personal anywhere: as typed and as stored.
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let personal = [
        PHONE.to_owned(),
        digits(PHONE),
        PHONE[2..].to_owned(),
        EMAIL.to_owned(),
        person.snils.clone(),
        digits(&person.snils),
        person.passport.clone(),
        person.surname.clone(),
        person.first_name.clone(),
        code,
        PASSWORD.to_owned(),
        "Wrong-Parol1!".to_owned(),
        session.token.clone(),
        again.token.clone(),
        "11".repeat(32),
    ];
    for (what, output) in [
        ("the log", log.as_bytes()),
        ("the metrics", metrics.as_bytes()),
        ("the traces", &traces[..]),
    ] {
        for value in &personal {
            assert!(
                !contains(output, value.as_bytes()),
                "{what} holds {value:?} (a citizen's data or a secret)"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A failed test leaves no server behind (one did, holding a core, after a panic in `start`).
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
