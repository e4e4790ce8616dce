//! Identity confirmation through an online bank by redirect, against kabinet-sim's bank over
//! real HTTP on loopback: Kabinet starts the flow, the "browser" (reqwest, following nothing
//! by itself) opens the bank's page, signs in, consents or refuses, and brings back what the
//! bank's redirect carries; on SQLite and PostgreSQL. Also the bank's own refusals: a return
//! address it does not know, an unknown client, a wrong password, the control API's key.

use std::collections::HashMap;
use std::sync::Arc;

use kabinet_api::*;
use kabinet_sim::bank::{BankClient, BankCustomer, BankServer};
use kabinet_store::testing::TestDb;
use tokio::net::TcpListener;

use crate::profile::form_of;
use crate::support::*;

const KEY: &str = "bank-control-key";
const RETURN: &str = "http://localhost/#/bank-return";

fn client() -> reqwest::Client {
    kabinet_service::tls::install_crypto_provider();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A service trusting the test bank, whose pages are served by the simulator on loopback with
/// the service's clock; the citizen of `standard` is a customer with login `ivanov`.
async fn harness_with_bank(db: TestDb) -> (Harness, BankServer) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let mut config = test_config();
    config.trusted_banks = vec![bank().trusted_at(&format!("http://{address}/authorize"))];
    let h = Harness::on(db, config).await;
    let server = BankServer::start(listener, bank(), Arc::new(h.clock.clone()), KEY)
        .await
        .unwrap();
    server.register_client(BankClient {
        client_id: "kabinet".into(),
        redirect_uri: RETURN.into(),
    });
    (h, server)
}

/// Registers a bank customer through the control API.
async fn add_customer(server: &BankServer, customer: &BankCustomer) -> reqwest::StatusCode {
    client()
        .post(format!("{}/control/customers", server.url()))
        .bearer_auth(KEY)
        .json(customer)
        .send()
        .await
        .unwrap()
        .status()
}

fn customer_of(person: &kabinet_service::ports::registry::Person) -> BankCustomer {
    BankCustomer {
        login: "ivanov".into(),
        password: "bank-Password-1".into(),
        // Any writing of the SNILS and either writing of the date.
        snils: format!(
            "{}-{}-{} {}",
            &person.snils[0..3],
            &person.snils[3..6],
            &person.snils[6..9],
            &person.snils[9..11]
        ),
        surname: person.surname.clone(),
        first_name: person.first_name.clone(),
        patronymic: person.patronymic.clone(),
        birth_date: person
            .birth_date
            .split('-')
            .rev()
            .collect::<Vec<_>>()
            .join("."),
    }
}

fn form(pairs: &[(&str, &str)]) -> String {
    let mut body = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        body.append_pair(k, v);
    }
    body.finish()
}

async fn post_form(url: &str, pairs: &[(&str, &str)]) -> reqwest::Response {
    client()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(pairs))
        .send()
        .await
        .unwrap()
}

/// The hidden request id of a bank page's form.
fn request_of(html: &str) -> String {
    let at = html.find("name=\"request\" value=\"").unwrap() + 22;
    html[at..].split('"').next().unwrap().to_owned()
}

/// What the bank's redirect hands back in the return address's fragment.
fn answer_of(response: &reqwest::Response) -> HashMap<String, String> {
    assert_eq!(response.status(), reqwest::StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap();
    let (before, query) = location.split_once('?').unwrap();
    assert_eq!(before, RETURN, "back to the registered address only");
    url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

/// The citizen at the bank: opens the page Kabinet answered, signs in; the consent page.
async fn through_sign_in(redirect: &BankRedirect, password: &str) -> (String, String) {
    let page = client().get(&redirect.url).send().await.unwrap();
    assert_eq!(page.status(), reqwest::StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("<html lang=\"ru\">"));
    assert!(html.contains("<label for=\"login\">Логин</label>"));
    assert!(html.contains("name=\"viewport\""));
    assert_eq!(html.matches("<h1>").count(), 1);
    let request = request_of(&html);
    let base = redirect.url.split("/authorize").next().unwrap().to_owned();
    let signed_in = post_form(
        &format!("{base}/authorize/sign-in"),
        &[
            ("request", &request),
            ("login", "ivanov"),
            ("password", password),
        ],
    )
    .await;
    assert_eq!(signed_in.status(), reqwest::StatusCode::OK);
    (base, signed_in.text().await.unwrap())
}

async fn start(h: &Harness, me: &Context) -> BankRedirect {
    h.service
        .identity_bank_start(
            me,
            BankStart {
                bank: "test-bank".into(),
            },
        )
        .await
        .unwrap()
}

async fn standard_citizen(h: &Harness) -> (Context, kabinet_service::ports::registry::Person) {
    let laptop = device("laptop");
    let session = h.register(&laptop, PHONE).await;
    let me = with_session(&laptop, &session.token);
    let person = h.registries.people()[0].clone();
    h.service
        .profile_submit(
            &me,
            ProfileSubmit {
                profile: form_of(&person),
                confirm_reverification: false,
            },
        )
        .await
        .unwrap();
    h.service.run_due_jobs("w").await.unwrap();
    (me, person)
}

async fn journey(h: &Harness, server: &BankServer) {
    let (me, person) = standard_citizen(h).await;
    assert_eq!(
        add_customer(server, &customer_of(&person)).await,
        reqwest::StatusCode::CREATED
    );

    // A wrong bank password: said on the bank's page, nobody sent anywhere.
    let redirect = start(h, &me).await;
    let (base, wrong) = through_sign_in(&redirect, "not-the-password").await;
    assert!(wrong.contains("role=\"alert\""));
    assert!(wrong.contains("Неверный логин или пароль"));
    assert!(!wrong.contains("Разрешить"));

    // Refused at the bank: back with access_denied and the state, no assertion.
    let (_, consent) = through_sign_in(&redirect, "bank-Password-1").await;
    let request = request_of(&consent);
    let refused = post_form(
        &format!("{base}/authorize/consent"),
        &[("request", &request), ("decision", "deny")],
    )
    .await;
    let answer = answer_of(&refused);
    assert_eq!(answer["error"], "access_denied");
    assert!(!answer.contains_key("assertion"));
    let (state, _) = bank_flow_of(&redirect);
    assert_eq!(answer["state"], state);
    assert_eq!(server.issued(), 0);
    assert_eq!(
        h.service.me(&me, Empty {}).await.unwrap().level,
        Level::Standard
    );

    // Allowed: the consent page names what is passed on; back with the assertion.
    let redirect = start(h, &me).await;
    let (_, consent) = through_sign_in(&redirect, "bank-Password-1").await;
    for shown in [
        "Фамилия, имя, отчество",
        "Дата рождения",
        "СНИЛС",
        person.surname.as_str(),
    ] {
        assert!(consent.contains(shown), "{shown}");
    }
    let request = request_of(&consent);
    let allowed = post_form(
        &format!("{base}/authorize/consent"),
        &[("request", &request), ("decision", "allow")],
    )
    .await;
    let answer = answer_of(&allowed);
    let (state, _) = bank_flow_of(&redirect);
    assert_eq!(answer["state"], state);
    let assertion = answer["assertion"].clone();
    // The consent was used up.
    let again = post_form(
        &format!("{base}/authorize/consent"),
        &[("request", &request), ("decision", "allow")],
    )
    .await;
    assert_eq!(again.status(), reqwest::StatusCode::BAD_REQUEST);

    // The answer of an older flow does not fit this one (its nonce).
    let tampered = format!("{}x", &assertion[..assertion.len() - 1]);
    let forged = h
        .service
        .identity_confirm_bank(
            &me,
            BankAssertion {
                state: state.clone(),
                assertion: tampered,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(field_rules(&forged, "assertion"), ["assertion_untrusted"]);
    let summary = h
        .service
        .identity_confirm_bank(
            &me,
            BankAssertion {
                state: state.clone(),
                assertion: assertion.clone(),
            },
        )
        .await
        .unwrap();
    assert_eq!(summary.level, Level::Confirmed);
    let replayed = h
        .service
        .identity_confirm_bank(&me, BankAssertion { state, assertion })
        .await
        .unwrap_err();
    assert_eq!(field_rules(&replayed, "state"), ["bank_state_used"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_confirms_at_the_bank_by_redirect_sqlite() {
    let (h, server) = harness_with_bank(TestDb::sqlite().await).await;
    journey(&h, &server).await;
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_confirms_at_the_bank_by_redirect_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let (h, server) = harness_with_bank(db).await;
    journey(&h, &server).await;
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bank_sends_nobody_to_an_address_it_does_not_know() {
    let (h, server) = harness_with_bank(TestDb::sqlite().await).await;
    let base = server.url();
    let ask = |client_id: &str, redirect_uri: &str| {
        form(&[
            ("client_id", client_id),
            ("redirect_uri", redirect_uri),
            ("state", "s"),
            ("nonce", "n"),
        ])
    };
    for (query, why) in [
        (
            ask("kabinet", "https://evil.example/#/bank-return"),
            "Адрес возврата не совпадает",
        ),
        (
            ask("kabinet", "http://localhost/#/bank-return/../x"),
            "Адрес возврата не совпадает",
        ),
        (ask("stranger", RETURN), "банку неизвестен"),
        ("client_id=kabinet".to_owned(), "не хватает данных"),
    ] {
        let answer = client()
            .get(format!("{base}/authorize?{query}"))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), reqwest::StatusCode::BAD_REQUEST);
        assert!(answer.headers().get("location").is_none());
        let html = answer.text().await.unwrap();
        assert!(html.contains(why), "{why}: {html}");
    }
    // A consent or sign-in for a request the bank never opened.
    let nothing = post_form(
        &format!("{}/authorize/consent", server.url()),
        &[("request", "nothing"), ("decision", "allow")],
    )
    .await;
    assert_eq!(nothing.status(), reqwest::StatusCode::BAD_REQUEST);
    // The control API wants its key.
    let person = h.registries.people()[0].clone();
    let anonymous = client()
        .post(format!("{}/control/customers", server.url()))
        .json(&customer_of(&person))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), reqwest::StatusCode::UNAUTHORIZED);
    let unregistered = client()
        .post(format!("{}/control/clients", server.url()))
        .bearer_auth("wrong")
        .json(&BankClient {
            client_id: "x".into(),
            redirect_uri: "https://evil.example/".into(),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(unregistered.status(), reqwest::StatusCode::UNAUTHORIZED);
    h.finish().await;
}
