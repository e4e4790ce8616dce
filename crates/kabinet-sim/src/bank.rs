//! An online bank (docs/contracts/bank.md) that vouches for its customers by redirect: the
//! citizen arrives at `GET /authorize?client_id&redirect_uri&state&nonce` from Kabinet, signs in
//! with the bank's login and password, and sees what the bank would pass on (ФИО, дата
//! рождения, СНИЛС). «Разрешить» sends them back to the return address with the bank's signed
//! assertion (carrying the nonce), «Отказаться» with `error=access_denied`; both in the
//! address's fragment, with the state. The return address must be the one registered for the
//! client id (no open redirect); a wrong password is said on the bank's page.
//!
//! The pages are plain server-rendered HTML in Russian. Customers and clients are added through
//! the control API (`POST /control/customers`, `POST /control/clients`, with the bearer key)
//! or the methods of [`BankServer`].

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use kabinet_service::ports::bank::{AUDIENCE, BankClaims, BankSimulator};
use kabinet_service::ports::clock::Clock;
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;
use uuid::Uuid;

/// How long an assertion the bank hands out is valid.
const ASSERTION_TTL_MINUTES: i64 = 5;

/// A customer of the bank: how they sign in there and who the bank knows them to be.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankCustomer {
    /// The bank login.
    pub login: String,
    /// The bank password.
    pub password: String,
    /// СНИЛС, any writing.
    pub snils: String,
    /// Фамилия.
    pub surname: String,
    /// Имя.
    pub first_name: String,
    /// Отчество (empty if none).
    #[serde(default)]
    pub patronymic: String,
    /// Дата рождения, `YYYY-MM-DD` or `DD.MM.YYYY`.
    pub birth_date: String,
}

impl std::fmt::Debug for BankCustomer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BankCustomer")
            .field("login", &self.login)
            .finish_non_exhaustive()
    }
}

/// A site allowed to send customers to the bank, and the one address they go back to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankClient {
    /// Its client id.
    pub client_id: String,
    /// Its registered return address.
    pub redirect_uri: String,
}

/// A customer on their way through the bank's pages.
struct Pending {
    redirect_uri: String,
    state: String,
    nonce: String,
    /// Set once they signed in.
    customer: Option<String>,
}

#[derive(Default)]
struct Books {
    clients: HashMap<String, String>,
    customers: HashMap<String, BankCustomer>,
    pending: HashMap<String, Pending>,
    issued: u32,
}

#[derive(Clone)]
struct AppState {
    simulator: BankSimulator,
    clock: Arc<dyn Clock>,
    api_key: String,
    books: Arc<Mutex<Books>>,
}

impl AppState {
    fn books(&self) -> std::sync::MutexGuard<'_, Books> {
        self.books.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running bank.
#[derive(Clone)]
pub struct BankServer {
    /// Where it listens.
    pub address: SocketAddr,
    state: AppState,
}

impl BankServer {
    /// Serves the bank `simulator` (its id, name and signing key) on `listener`, stamping
    /// assertions with `clock`; the control API accepts `api_key`.
    pub async fn start(
        listener: TcpListener,
        simulator: BankSimulator,
        clock: Arc<dyn Clock>,
        api_key: &str,
    ) -> std::io::Result<Self> {
        let address = listener.local_addr()?;
        let state = AppState {
            simulator,
            clock,
            api_key: api_key.to_owned(),
            books: Arc::default(),
        };
        let app = Router::new()
            .route("/authorize", get(authorize))
            .route("/authorize/sign-in", post(sign_in))
            .route("/authorize/consent", post(consent))
            .route("/control/customers", post(add_customer))
            .route("/control/clients", post(add_client))
            .with_state(state.clone());
        tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                eprintln!("bank simulator stopped: {error}");
            }
        });
        Ok(Self { address, state })
    }

    /// The base URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The authorisation page Kabinet sends citizens to.
    pub fn authorize_url(&self) -> String {
        format!("{}/authorize", self.url())
    }

    /// The bank behind it.
    pub fn simulator(&self) -> &BankSimulator {
        &self.state.simulator
    }

    /// Registers (or replaces) a client and its return address.
    pub fn register_client(&self, client: BankClient) {
        self.state
            .books()
            .clients
            .insert(client.client_id, client.redirect_uri);
    }

    /// Adds (or replaces) a customer.
    pub fn add_customer(&self, customer: BankCustomer) {
        self.state
            .books()
            .customers
            .insert(customer.login.clone(), customer);
    }

    /// Assertions handed out so far.
    pub fn issued(&self) -> u32 {
        self.state.books().issued
    }
}

/// The password of the demo customers.
pub const DEMO_PASSWORD: &str = "demo-bank";

/// Customers for a demo: the first `count` people of the simulated registries' population
/// (the ones `kabinet-server demo-people` lists), each signing in with the 11 digits of their
/// SNILS and [`DEMO_PASSWORD`].
pub fn demo_customers(count: usize) -> Vec<BankCustomer> {
    kabinet_service::ports::registry::population(kabinet_service::SIMULATED_POPULATION_SEED, count)
        .into_iter()
        .map(|p| BankCustomer {
            login: p.snils.clone(),
            password: DEMO_PASSWORD.to_owned(),
            snils: p.snils,
            surname: p.surname,
            first_name: p.first_name,
            patronymic: p.patronymic,
            birth_date: p.birth_date,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Pages

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "*{box-sizing:border-box}\
body{margin:0;font:1rem/1.5 system-ui,sans-serif;color:#1a1a1a;background:#f4f6f5}\
header{background:#0b5d3b;color:#fff;padding:.75rem 1rem;font-weight:600}\
main{max-width:28rem;margin:0 auto;padding:1rem;overflow-wrap:anywhere}\
h1{font-size:1.4rem;margin:.5rem 0 1rem}\
label{display:block;margin:.75rem 0 .25rem;font-weight:600}\
input{width:100%;font:inherit;padding:.6rem;border:1px solid #555;border-radius:.3rem}\
button{font:inherit;padding:.6rem 1.2rem;margin:1rem .5rem 0 0;border-radius:.3rem;border:1px solid #0b5d3b;cursor:pointer}\
.primary{background:#0b5d3b;color:#fff}.secondary{background:#fff;color:#0b5d3b}\
.error{color:#a30000;border-left:4px solid #a30000;padding-left:.5rem}\
:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}\
dl{margin:0}dt{font-weight:600;margin-top:.5rem}dd{margin:0}";

fn page(bank: &str, title: &str, body: &str, status: StatusCode) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"ru\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} — {bank}</title><style>{STYLE}</style></head>\
         <body><header>{bank}</header><main><h1>{title}</h1>{body}</main></body></html>",
        bank = escape(bank),
        title = escape(title),
    );
    let mut response = (status, Html(html)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

fn refusal(state: &AppState, text: &str) -> Response {
    page(
        state.simulator.name(),
        "Запрос не может быть выполнен",
        &format!("<p role=\"alert\" class=\"error\">{}</p>", escape(text)),
        StatusCode::BAD_REQUEST,
    )
}

fn sign_in_page(state: &AppState, request: &str, login: &str, wrong: bool) -> Response {
    let mut body = String::from(
        "<p>Портал «Кабинет» просит банк подтвердить вашу личность. \
         Войдите в интернет-банк, чтобы продолжить.</p>",
    );
    if wrong {
        body.push_str(
            "<p role=\"alert\" class=\"error\" id=\"sign-in-error\">⚠ Неверный логин или пароль. \
             Проверьте их и попробуйте ещё раз.</p>",
        );
    }
    let described = if wrong {
        " aria-describedby=\"sign-in-error\" aria-invalid=\"true\""
    } else {
        ""
    };
    let _ = write!(
        body,
        "<form method=\"post\" action=\"/authorize/sign-in\">\
         <input type=\"hidden\" name=\"request\" value=\"{request}\">\
         <label for=\"login\">Логин</label>\
         <input id=\"login\" name=\"login\" autocomplete=\"username\" required value=\"{login}\"{described}>\
         <label for=\"password\">Пароль</label>\
         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required{described}>\
         <button class=\"primary\" type=\"submit\">Войти</button></form>",
        request = escape(request),
        login = escape(login),
    );
    page(
        state.simulator.name(),
        "Вход в интернет-банк",
        &body,
        StatusCode::OK,
    )
}

/// `YYYY-MM-DD` from either writing.
fn iso_date(text: &str) -> String {
    let parts: Vec<&str> = text.trim().split('.').collect();
    match parts.as_slice() {
        [d, m, y] => format!("{y}-{m}-{d}"),
        _ => text.trim().to_owned(),
    }
}

fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

fn consent_page(state: &AppState, request: &str, customer: &BankCustomer) -> Response {
    let snils = digits(&customer.snils);
    let snils_shown = if snils.len() == 11 {
        format!(
            "{}-{}-{} {}",
            &snils[0..3],
            &snils[3..6],
            &snils[6..9],
            &snils[9..11]
        )
    } else {
        snils
    };
    let birth = iso_date(&customer.birth_date);
    let birth_shown = birth.split('-').rev().collect::<Vec<_>>().join(".");
    let full_name = [
        customer.surname.as_str(),
        customer.first_name.as_str(),
        customer.patronymic.as_str(),
    ]
    .iter()
    .filter(|s| !s.trim().is_empty())
    .copied()
    .collect::<Vec<_>>()
    .join(" ");
    let body = format!(
        "<p>Портал «Кабинет» запрашивает подтверждение вашей личности. \
         С вашего разрешения банк передаст порталу только эти данные:</p>\
         <dl data-testid=\"consent-data\">\
         <dt>Фамилия, имя, отчество</dt><dd>{name}</dd>\
         <dt>Дата рождения</dt><dd>{birth}</dd>\
         <dt>СНИЛС</dt><dd>{snils}</dd></dl>\
         <form method=\"post\" action=\"/authorize/consent\">\
         <input type=\"hidden\" name=\"request\" value=\"{request}\">\
         <button class=\"primary\" type=\"submit\" name=\"decision\" value=\"allow\">Разрешить</button>\
         <button class=\"secondary\" type=\"submit\" name=\"decision\" value=\"deny\">Отказаться</button>\
         </form>",
        name = escape(&full_name),
        birth = escape(&birth_shown),
        snils = escape(&snils_shown),
        request = escape(request),
    );
    page(
        state.simulator.name(),
        "Передача данных порталу",
        &body,
        StatusCode::OK,
    )
}

/// The return address with the answer in its fragment (a hash route keeps its own path:
/// `…/#/bank-return` becomes `…/#/bank-return?state=…&assertion=…`).
fn back_to(redirect_uri: &str, answer: &[(&str, &str)]) -> Response {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in answer {
        query.append_pair(name, value);
    }
    let query = query.finish();
    let location = match redirect_uri.split_once('#') {
        Some((_, fragment)) if fragment.contains('?') => format!("{redirect_uri}&{query}"),
        Some(_) => format!("{redirect_uri}?{query}"),
        None => format!("{redirect_uri}#{query}"),
    };
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

// ---------------------------------------------------------------------------------------------
// Handlers

#[derive(Deserialize)]
struct AuthorizeQuery {
    client_id: Option<String>,
    redirect_uri: Option<String>,
    state: Option<String>,
    nonce: Option<String>,
}

async fn authorize(State(state): State<AppState>, Query(query): Query<AuthorizeQuery>) -> Response {
    let (Some(client_id), Some(redirect_uri), Some(flow_state), Some(nonce)) = (
        query.client_id,
        query.redirect_uri,
        query.state,
        query.nonce,
    ) else {
        return refusal(&state, "В запросе портала не хватает данных.");
    };
    if flow_state.is_empty() || nonce.is_empty() {
        return refusal(&state, "В запросе портала не хватает данных.");
    }
    let request = {
        let mut books = state.books();
        match books.clients.get(&client_id) {
            None => return refusal(&state, "Сайт, который вас направил, банку неизвестен."),
            Some(registered) if *registered != redirect_uri => {
                return refusal(
                    &state,
                    "Адрес возврата не совпадает с адресом, зарегистрированным в банке.",
                );
            }
            Some(_) => {}
        }
        let id = Uuid::new_v4().simple().to_string();
        books.pending.insert(
            id.clone(),
            Pending {
                redirect_uri,
                state: flow_state,
                nonce,
                customer: None,
            },
        );
        id
    };
    sign_in_page(&state, &request, "", false)
}

#[derive(Deserialize)]
struct SignInForm {
    request: String,
    login: String,
    password: String,
}

async fn sign_in(State(state): State<AppState>, Form(form): Form<SignInForm>) -> Response {
    let customer = {
        let mut books = state.books();
        let customer = books
            .customers
            .get(form.login.trim())
            .filter(|c| c.password == form.password)
            .cloned();
        let Some(pending) = books.pending.get_mut(&form.request) else {
            drop(books);
            return refusal(
                &state,
                "Запрос устарел. Вернитесь на портал и начните подтверждение заново.",
            );
        };
        if let Some(c) = &customer {
            pending.customer = Some(c.login.clone());
        }
        customer
    };
    match customer {
        Some(customer) => consent_page(&state, &form.request, &customer),
        None => sign_in_page(&state, &form.request, form.login.trim(), true),
    }
}

#[derive(Deserialize)]
struct ConsentForm {
    request: String,
    decision: String,
}

async fn consent(State(state): State<AppState>, Form(form): Form<ConsentForm>) -> Response {
    let (pending, customer) = {
        let mut books = state.books();
        let signed_in = books
            .pending
            .get(&form.request)
            .and_then(|p| p.customer.clone())
            .and_then(|login| books.customers.get(&login).cloned());
        let Some(customer) = signed_in else {
            drop(books);
            return refusal(
                &state,
                "Запрос устарел. Вернитесь на портал и начните подтверждение заново.",
            );
        };
        let Some(pending) = books.pending.remove(&form.request) else {
            drop(books);
            return refusal(&state, "Запрос устарел.");
        };
        if form.decision == "allow" {
            books.issued += 1;
        }
        (pending, customer)
    };
    if form.decision != "allow" {
        return back_to(
            &pending.redirect_uri,
            &[("error", "access_denied"), ("state", &pending.state)],
        );
    }
    let now = state.clock.now();
    let assertion = state.simulator.sign(&BankClaims {
        iss: state.simulator.id().to_owned(),
        sub: digits(&customer.snils),
        aud: AUDIENCE.to_owned(),
        surname: customer.surname.trim().to_owned(),
        first_name: customer.first_name.trim().to_owned(),
        patronymic: customer.patronymic.trim().to_owned(),
        birth_date: iso_date(&customer.birth_date),
        iat: now.timestamp(),
        exp: (now + chrono::Duration::minutes(ASSERTION_TTL_MINUTES)).timestamp(),
        jti: Uuid::new_v4().to_string(),
        nonce: Some(pending.nonce),
    });
    back_to(
        &pending.redirect_uri,
        &[("state", &pending.state), ("assertion", &assertion)],
    )
}

fn authorised(state: &AppState, headers: &HeaderMap) -> Result<(), StatusCode> {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if given == Some(state.api_key.as_str()) {
        Ok(())
    } else {
        Err(StatusCode::UNAUTHORIZED)
    }
}

async fn add_customer(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(customer): Json<BankCustomer>,
) -> Result<StatusCode, StatusCode> {
    authorised(&state, &headers)?;
    if customer.login.trim().is_empty() || customer.password.is_empty() {
        return Err(StatusCode::UNPROCESSABLE_ENTITY);
    }
    state
        .books()
        .customers
        .insert(customer.login.trim().to_owned(), customer);
    Ok(StatusCode::CREATED)
}

async fn add_client(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(client): Json<BankClient>,
) -> Result<StatusCode, StatusCode> {
    authorised(&state, &headers)?;
    if url::Url::parse(&client.redirect_uri).is_err() {
        return Err(StatusCode::UNPROCESSABLE_ENTITY);
    }
    state
        .books()
        .clients
        .insert(client.client_id, client.redirect_uri);
    Ok(StatusCode::CREATED)
}
