//! The HTTP edge, with a plain HTTP client acting as a browser or a hostile program.

use std::collections::HashMap;

use kabinet_api::http::*;
use kabinet_api::*;
use kabinet_server::HttpSettings;
use kabinet_store::testing::TestDb;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::*;

fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().build().unwrap()
}

/// A service on SQLite with a server in front; `tune` adjusts the configuration.
async fn server(
    tune: impl FnOnce(&mut kabinet_service::ServiceConfig, &mut HttpSettings),
) -> (Running, TestDb, kabinet_service::Service) {
    let db = TestDb::sqlite().await;
    let mut config = test_config();
    let mut settings = HttpSettings::default();
    tune(&mut config, &mut settings);
    let clock = kabinet_service::ports::clock::ManualClock::at(t0());
    let ports = kabinet_service::Ports::simulated(std::sync::Arc::new(clock));
    let service = kabinet_service::Service::new(db.store.clone(), config, ports).unwrap();
    (Running::start(service.clone(), settings).await, db, service)
}

/// The `Set-Cookie` headers by cookie name.
fn set_cookies(response: &reqwest::Response) -> HashMap<String, String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| (v.split('=').next().unwrap_or("").to_owned(), v.to_owned()))
        .collect()
}

fn value_of(set_cookie: &str) -> String {
    set_cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_owned()
}

/// A browser: it keeps the cookies it was given and echoes the anti-forgery one.
struct Browser {
    http: reqwest::Client,
    base: String,
    cookies: HashMap<String, String>,
}

impl Browser {
    async fn open(base: &str) -> Self {
        let mut browser = Self {
            http: http(),
            base: base.to_owned(),
            cookies: HashMap::new(),
        };
        // Any API answer hands out the missing cookies, even a refusal.
        let first = browser.call("app_info", json!({})).await;
        assert_eq!(first.0, StatusCode::FORBIDDEN);
        assert_eq!(first.1["code"], "csrf_failed");
        browser
    }

    async fn call(
        &mut self,
        op: &str,
        body: Value,
    ) -> (StatusCode, Value, HashMap<String, String>) {
        let cookie_header: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let mut request = self
            .http
            .post(format!("{}{OPERATIONS_PREFIX}{op}", self.base))
            .header("cookie", cookie_header.join("; "))
            .header("user-agent", "Mozilla/5.0 Test")
            .json(&body);
        if let Some(token) = self.cookies.get(CSRF_COOKIE) {
            request = request.header(CSRF_HEADER, token);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let set = set_cookies(&response);
        for (name, header) in &set {
            let value = value_of(header);
            if header.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.clone(), value);
            }
        }
        (status, response.json().await.unwrap_or(Value::Null), set)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_session_lives_in_an_http_only_cookie_behind_the_csrf_token() {
    let (server, db, service) = server(|_, _| {}).await;
    let mut browser = Browser::open(&server.url).await;
    assert!(
        browser.cookies.contains_key(CSRF_COOKIE) && browser.cookies.contains_key(DEVICE_COOKIE)
    );
    let (status, started, _) = browser
        .call(
            "registration_start",
            serde_json::to_value(registration("+79123456789")).unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{started}");
    service.settle().await;
    let inbox = service.inbox().unwrap().to("+79123456789");
    let code = six_digits(&inbox[0].body).unwrap();
    let ticket = started["ticket"].as_str().unwrap().to_owned();
    browser
        .call(
            "registration_confirm",
            json!({ "ticket": ticket, "code": code }),
        )
        .await;
    let (status, signed, set) = browser
        .call(
            "registration_set_password",
            json!({ "ticket": ticket, "password": PASSWORD, "password_repeat": PASSWORD }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{signed}");
    // The token never reaches the page's script: the answer carries none.
    assert!(signed.get("token").is_none(), "{signed}");
    let cookie = &set[SESSION_COOKIE];
    for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    let (status, me, _) = browser.call("me", json!({})).await;
    assert_eq!(
        (status, me["surname"].as_str()),
        (StatusCode::OK, Some("Иванова"))
    );
    // The same cookies without the header are a forgery.
    let saved = browser.cookies.remove(CSRF_COOKIE).unwrap();
    let forged = browser
        .http
        .post(format!("{}{OPERATIONS_PREFIX}me", server.url))
        .header(
            "cookie",
            format!(
                "{SESSION_COOKIE}={}; {CSRF_COOKIE}={saved}",
                browser.cookies[SESSION_COOKIE]
            ),
        )
        .header(CSRF_HEADER, "guessed")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    browser.cookies.insert(CSRF_COOKIE.to_owned(), saved);
    // Signing out removes the cookie; the old token is dead.
    let (status, _, set) = browser.call("sign_out", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert!(set[SESSION_COOKIE].contains("Max-Age=0"));
    let (status, error, _) = browser.call("me", json!({})).await;
    assert_eq!(
        (status, error["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthenticated"))
    );
    server.stop().await;
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_on_every_route_is_a_json_error_never_a_500() {
    let (server, db, _) = server(|_, settings| settings.limits.default_bytes = 4096).await;
    let client = http();
    let bodies: Vec<Vec<u8>> = vec![
        b"[]".to_vec(),
        b"\"x\"".to_vec(),
        b"{\"ticket\": 5, \"page\": -1, \"login\": [1]}".to_vec(),
        b"{".to_vec(),
        vec![0xff, 0xfe, 0x00, 0x7b],
        "{\"surname\": \"\u{0}\u{202e}\", \"contact\": \"\u{1F600}\"}"
            .as_bytes()
            .to_vec(),
        format!("{}{}", "[".repeat(200), "]".repeat(200)).into_bytes(),
        format!("{{\"password\": \"{}\"}}", "a".repeat(5000)).into_bytes(),
    ];
    for op in OPERATIONS {
        for body in &bodies {
            let response = client
                .post(format!("{}{OPERATIONS_PREFIX}{}", server.url, op.name))
                .header(CLIENT_HEADER, "test")
                .header("authorization", "Bearer not-a-session")
                .header("content-type", "application/json")
                .body(body.clone())
                .send()
                .await
                .unwrap();
            let status = response.status();
            assert!(!status.is_server_error(), "{}: {status}", op.name);
            if status.is_success() {
                // Operations without input take any JSON that can be read as nothing.
                continue;
            }
            let error: ApiError = response
                .json()
                .await
                .unwrap_or_else(|e| panic!("{}: not an ApiError ({e})", op.name));
            assert!(
                status.is_client_error() || status == StatusCode::NOT_FOUND,
                "{}: {status} {error:?}",
                op.name
            );
            assert_eq!(
                status.as_u16(),
                kabinet_api::http::status(error.code),
                "{}",
                op.name
            );
        }
    }
    // Named fields for wrong shapes.
    let response = client
        .post(format!("{}{OPERATIONS_PREFIX}sign_in", server.url))
        .header(CLIENT_HEADER, "test")
        .json(&json!({ "login": "x" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error: ApiError = response.json().await.unwrap();
    assert_eq!(field_rules(&error, "password"), ["required"]);
    let too_big = client
        .post(format!("{}{OPERATIONS_PREFIX}sign_in", server.url))
        .header(CLIENT_HEADER, "test")
        .json(&json!({ "login": "x", "password": "p".repeat(10_000) }))
        .send()
        .await
        .unwrap();
    assert_eq!(too_big.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // The unread rest of the body makes the connection unusable: the answer says so.
    assert_eq!(
        too_big.headers().get("connection").map(|v| v.as_bytes()),
        Some(&b"close"[..])
    );
    assert_eq!(
        too_big.json::<ApiError>().await.unwrap().code,
        ErrorCode::TooLarge
    );
    // Unknown operations and wrong methods are JSON too.
    let missing = client
        .post(format!("{}{OPERATIONS_PREFIX}drop_tables", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        missing.json::<ApiError>().await.unwrap().code,
        ErrorCode::NotFound
    );
    let get = client
        .get(format!("{}{OPERATIONS_PREFIX}sign_in", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        get.json::<ApiError>().await.unwrap().code,
        ErrorCode::MethodNotAllowed
    );
    server.stop().await;
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_readiness_security_headers_and_the_committed_openapi_document() {
    let ui = kabinet_store::testing::TempDir::new();
    std::fs::write(
        ui.path.join("index.html"),
        "<!doctype html><title>Кабинет</title>",
    )
    .unwrap();
    let dir = ui.path.clone();
    let (server, db, _) = server(move |_, settings| settings.ui_dir = Some(dir)).await;
    let client = http();
    for path in [HEALTH_PATH, READY_PATH] {
        let response = client
            .get(format!("{}{path}", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }
    // The UI, for any path the UI routes itself, with the cookies its first call needs.
    let page = client
        .get(format!("{}/profile/edit", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let cookies = set_cookies(&page);
    assert!(
        cookies.contains_key(CSRF_COOKIE) && cookies[DEVICE_COOKIE].contains("HttpOnly"),
        "{cookies:?}"
    );
    assert!(
        page.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    assert!(page.text().await.unwrap().contains("Кабинет"));
    // The document served is the one committed, and it has every operation.
    let served: Value = client
        .get(format!("{}{OPENAPI_PATH}", server.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let committed_path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(kabinet_api::openapi::COMMITTED_PATH);
    // Compared as JSON values: the key order may follow serde_json's features in this build.
    let committed: Value = std::fs::read_to_string(&committed_path)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    assert!(
        committed == kabinet_api::openapi::document() && served == committed,
        "{} is stale: run `cargo xtask codegen`",
        committed_path.display()
    );
    let paths = served["paths"].as_object().unwrap();
    assert_eq!(paths.len(), OPERATIONS.len());
    for op in OPERATIONS {
        assert!(
            paths.contains_key(&format!("{OPERATIONS_PREFIX}{}", op.name)),
            "{}",
            op.name
        );
    }
    server.stop().await;
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_past_its_rate_limit_is_told_when_to_come_back() {
    let (server, db, _) = server(|config, _| config.requests_per_minute = 5).await;
    let client = http();
    let mut statuses = Vec::new();
    for _ in 0..7 {
        let response = client
            .post(format!("{}{OPERATIONS_PREFIX}app_info", server.url))
            .header(CLIENT_HEADER, "test")
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            assert!(response.headers().contains_key("retry-after"));
            let error: ApiError = response.json().await.unwrap();
            assert_eq!(error.code, ErrorCode::TooManyRequests);
            assert!(error.retry_at.is_some());
        }
    }
    // The manual clock does not move, so all seven fall in one minute.
    assert_eq!(statuses, [200, 200, 200, 200, 200, 429, 429]);
    server.stop().await;
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overload_is_refused_at_once_and_shutdown_finishes_requests_in_flight() {
    // One hashing slot, a heavy hash, a short budget: concurrent sign-ins that would wait
    // longer than it are refused with 503 instead of queueing.
    let (server, db, _) = server(|config, _| {
        config.hashing_slots = 1;
        config.hashing_budget = std::time::Duration::from_millis(20);
        config.hash_params = kabinet_core::secret::HashParams {
            memory_kib: 64 * 1024,
            iterations: 8,
            parallelism: 1,
        };
    })
    .await;
    let client = http();
    let sign_in = |n: usize| {
        let client = client.clone();
        let url = format!("{}{OPERATIONS_PREFIX}sign_in", server.url);
        async move {
            client
                .post(url)
                .header(CLIENT_HEADER, "test")
                .json(&json!({ "login": format!("+7912000{n:04}"), "password": "Wrong-Parol1!" }))
                .send()
                .await
                .unwrap()
        }
    };
    let answers = futures_join(6, sign_in).await;
    let statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
    assert!(statuses.contains(&401), "{statuses:?}");
    assert!(statuses.contains(&503), "{statuses:?}");
    for response in answers
        .iter()
        .filter(|r| r.status() == StatusCode::SERVICE_UNAVAILABLE)
    {
        assert!(response.headers().contains_key("retry-after"));
    }
    // A slow request in flight when the shutdown begins still gets its answer.
    let in_flight = tokio::spawn(sign_in(9999));
    // The hash takes hundreds of milliseconds; the request is inside the server by now.
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let url = server.url.clone();
    server.stop().await;
    assert_eq!(in_flight.await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert!(
        client
            .post(format!("{url}{OPERATIONS_PREFIX}app_info"))
            .send()
            .await
            .is_err()
    );
    db.finish().await;
}

async fn futures_join<F, Fut>(n: usize, make: F) -> Vec<reqwest::Response>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = reqwest::Response> + Send + 'static,
{
    let handles: Vec<_> = (0..n).map(|i| tokio::spawn(make(i))).collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_retries_reads_but_never_writes() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    // A server that is always unavailable, counting what reaches it.
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let app = axum::Router::new().fallback(move || {
        let counter = counter.clone();
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(ApiError::new(ErrorCode::Unavailable)),
            )
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let options = kabinet_client::ClientOptions {
        retries: 2,
        backoff: std::time::Duration::from_millis(5),
        ..Default::default()
    };
    let client = kabinet_client::Client::new(&url, options).unwrap();
    let me = with_session(&device("laptop"), "token");
    expect_error(client.me(&me, Empty {}).await, ErrorCode::Unavailable);
    assert_eq!(
        hits.swap(0, Ordering::SeqCst),
        3,
        "a read is tried three times"
    );
    let request = SignInRequest {
        login: "+79123456789".into(),
        password: PASSWORD.into(),
    };
    expect_error(
        client.sign_in(&device("laptop"), request).await,
        ErrorCode::Unavailable,
    );
    assert_eq!(hits.load(Ordering::SeqCst), 1, "a write is sent once");
    // Nobody listening is `unavailable` too, not a panic.
    let gone = kabinet_client::Client::new("http://127.0.0.1:9", Default::default()).unwrap();
    expect_error(
        gone.app_info(&device("laptop"), Empty {}).await,
        ErrorCode::Unavailable,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_waits_out_a_busy_server_that_says_when() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    // Busy twice ("come back in 200 ms", before doing anything), then the answer.
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let app = axum::Router::new().fallback(move || {
        let counter = counter.clone();
        async move {
            if counter.fetch_add(1, Ordering::SeqCst) < 2 {
                let busy = ApiError::new(ErrorCode::Unavailable)
                    .retry_at(chrono::Utc::now() + chrono::Duration::milliseconds(200));
                (
                    axum::http::StatusCode::SERVICE_UNAVAILABLE,
                    axum::Json(json!(busy)),
                )
            } else {
                (axum::http::StatusCode::OK, axum::Json(json!({})))
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = kabinet_client::Client::new(&url, Default::default()).unwrap();
    let me = with_session(&device("laptop"), "token");
    // A write too: the server refused before doing anything.
    client.sign_out(&me, Empty {}).await.unwrap();
    assert_eq!(hits.swap(10, Ordering::SeqCst), 3);
    // A "come back" far away is the citizen's to see, not the client's to wait out.
    let app = axum::Router::new().fallback(|| async {
        let later = ApiError::new(ErrorCode::TooManyRequests)
            .retry_at(chrono::Utc::now() + chrono::Duration::minutes(10));
        (axum::http::StatusCode::TOO_MANY_REQUESTS, axum::Json(later))
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = kabinet_client::Client::new(&url, Default::default()).unwrap();
    let started = std::time::Instant::now();
    expect_error(
        client.sign_out(&me, Empty {}).await,
        ErrorCode::TooManyRequests,
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
}

#[test]
fn configuration_comes_from_the_file_and_hides_its_secrets() {
    use kabinet_server::config::ServerConfig;
    let dir = kabinet_store::testing::TempDir::new();
    let file = dir.path.join("kabinet.toml");
    std::fs::write(
        &file,
        r#"
listen = "0.0.0.0:9090"
database_url = "postgres://kabinet@db/kabinet"
requests_per_minute = 120
lockout_free_failures = 5
lockout_first_delay_seconds = 30
client_max_failures = 50
client_window_minutes = 10
secret_answer_attempts = 2
pepper = "0101010101010101010101010101010101010101010101010101010101010101"
seal_key = "0202020202020202020202020202020202020202020202020202020202020202"
[sms]
url = "https://sms.example"
api_key = "sms-secret-key"
"#,
    )
    .unwrap();
    let config = ServerConfig::load(Some(&file)).unwrap();
    assert_eq!(config.listen.to_string(), "0.0.0.0:9090");
    assert_eq!(config.requests_per_minute, 120);
    assert_eq!(config.sms.as_ref().unwrap().url, "https://sms.example");
    let shown = format!("{config:?}");
    for secret in ["sms-secret-key", "0101010101", "0202020202"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    let service = config.service().unwrap();
    assert_eq!(service.requests_per_minute, 120);
    // Every limit is a setting.
    assert_eq!(service.lockout.free_failures, 5);
    assert_eq!(service.lockout.first_delay, chrono::Duration::seconds(30));
    assert_eq!(service.lockout.hard_limit, 100);
    assert_eq!(service.client.max_failures, 50);
    assert_eq!(service.client.window, chrono::Duration::minutes(10));
    assert_eq!(service.secret_answer_attempts, 2);
    // Outside dev mode every missing party is named rather than silently simulated.
    let missing = config.ports().map(|_| ()).unwrap_err();
    for party in ["registries", "post", "smtp"] {
        assert!(missing.contains(party), "{missing}");
    }
    // Keys are required outside dev mode, and must be 64 hex digits.
    std::fs::write(&file, "pepper = \"abc\"\n").unwrap();
    let problems = ServerConfig::load(Some(&file))
        .unwrap()
        .service()
        .unwrap_err();
    assert!(
        problems.contains("pepper must be 64 hex digits"),
        "{problems}"
    );
    assert!(problems.contains("seal_key is required"), "{problems}");
    assert!(ServerConfig::load(Some(&dir.path.join("absent.toml"))).is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_json_object_is_a_request() {
    let (server, db, _) = server(|_, _| {}).await;
    let client = http();
    // An array used to be read as the fields in order: this signed in.
    let bodies = [
        json!(["+7 916 123-45-67", "Zelenyj-Sad7!"]),
        json!([]),
        json!("x"),
        json!(5),
        json!(null),
    ];
    for op in OPERATIONS {
        for body in &bodies {
            let response = client
                .post(format!("{}{OPERATIONS_PREFIX}{}", server.url, op.name))
                .header(CLIENT_HEADER, "test")
                .json(body)
                .send()
                .await
                .unwrap();
            assert_eq!(
                response.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{} took {body}",
                op.name
            );
            let error: ApiError = response.json().await.unwrap();
            assert_eq!(error.code, ErrorCode::InvalidInput, "{}", op.name);
            assert_eq!(field_rules(&error, "body"), ["not_object"], "{}", op.name);
        }
    }
    // An empty body is still "no input", and an object still works.
    let info = client
        .post(format!("{}{OPERATIONS_PREFIX}app_info", server.url))
        .header(CLIENT_HEADER, "test")
        .send()
        .await
        .unwrap();
    assert_eq!(info.status(), StatusCode::OK);
    server.stop().await;
    db.finish().await;
}
