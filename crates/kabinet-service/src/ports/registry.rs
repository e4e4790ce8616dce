//! The state registries (docs/contracts/registries.md): the pension fund checks a SNILS against
//! the person, the interior ministry checks a passport, the tax service finds an INN. A real
//! HTTP adapter, and a simulator backed by a seeded population of consistent people.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;

use super::retry::{Failed, RetryPolicy};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Who is asked about: the profile's data as the registries know it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonQuery {
    /// Фамилия.
    pub surname: String,
    /// Имя.
    pub first_name: String,
    /// Отчество (empty if none).
    pub patronymic: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    /// `male` / `female`.
    pub sex: String,
    /// 11 digits.
    pub snils: String,
    /// Series and number, `4510123456` (Russian passports) or the foreign number.
    pub passport: String,
    /// `YYYY-MM-DD`.
    pub passport_issued_on: String,
}

/// What a registry answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Verdict {
    /// The data matches the registry.
    Match,
    /// These profile fields disagree with the registry.
    Mismatch {
        /// Field names as the profile calls them (`surname`, `birth_date`, `passport`, `snils`).
        fields: Vec<String>,
    },
}

/// The registry could not answer now.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[error("registry unavailable: {0}")]
pub struct Unavailable(pub String);

/// The three registries.
#[async_trait]
pub trait Registries: Send + Sync {
    /// The pension fund: does this SNILS belong to this person?
    async fn check_snils(&self, person: &PersonQuery) -> Result<Verdict, Unavailable>;
    /// The interior ministry: is this passport this person's, and valid?
    async fn check_passport(&self, person: &PersonQuery) -> Result<Verdict, Unavailable>;
    /// The tax service: the person's INN, if they have one.
    async fn find_inn(&self, person: &PersonQuery) -> Result<Option<String>, Unavailable>;
}

// ---------------------------------------------------------------------------------------------
// The HTTP adapter

/// The answer of an INN look-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InnAnswer {
    /// The INN, or null when the person has none.
    pub inn: Option<String>,
}

/// JSON over HTTPS with a bearer key; each attempt has a timeout; timeouts, 429 and 5xx are
/// retried with backoff; any other answer is a definite one.
#[derive(Debug, Clone)]
pub struct HttpRegistries {
    client: reqwest::Client,
    base: String,
    api_key: String,
    retry: RetryPolicy,
}

impl HttpRegistries {
    /// Registries at `base_url` (one gateway for the three, as the inter-agency bus offers).
    pub fn new(base_url: &str, api_key: &str, timeout: Duration) -> Result<Self, Unavailable> {
        crate::tls::install_crypto_provider();
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()
            .map_err(|e| Unavailable(e.to_string()))?;
        Ok(Self {
            client,
            base: base_url.trim_end_matches('/').to_owned(),
            api_key: api_key.to_owned(),
            retry: RetryPolicy::default(),
        })
    }

    /// Sets the attempts per request and the first pause (doubling).
    pub fn with_retries(mut self, attempts: u32, backoff: Duration) -> Self {
        self.retry = RetryPolicy {
            attempts: attempts.max(1),
            first_pause: backoff,
        };
        self
    }

    async fn post<T: for<'de> Deserialize<'de>>(
        &self,
        path: &str,
        person: &PersonQuery,
    ) -> Result<Option<T>, Unavailable> {
        let url = format!("{}{path}", self.base);
        self.retry
            .run("registry", || self.attempt(&url, person))
            .await
            .map_err(|failed| Unavailable(failed.reason))
    }

    /// One request: the answer, `None` for "no such person", or why not.
    async fn attempt<T: for<'de> Deserialize<'de>>(
        &self,
        url: &str,
        person: &PersonQuery,
    ) -> Result<Option<T>, Failed> {
        let response = self
            .client
            .post(url)
            .bearer_auth(&self.api_key)
            .json(person)
            .send()
            .await
            .map_err(Failed::unanswered)?;
        let status = response.status();
        if status.as_u16() == 404 {
            return Ok(None);
        }
        if !status.is_success() {
            // A refusal (bad key, bad request) will not change on retry.
            return Err(Failed::status("registry", status));
        }
        response
            .json::<T>()
            .await
            .map(Some)
            .map_err(|e| Failed::refused(format!("malformed answer: {e}")))
    }
}

#[async_trait]
impl Registries for HttpRegistries {
    async fn check_snils(&self, person: &PersonQuery) -> Result<Verdict, Unavailable> {
        self.post("/v1/pfr/snils-checks", person)
            .await?
            .ok_or_else(|| Unavailable("no answer".into()))
    }

    async fn check_passport(&self, person: &PersonQuery) -> Result<Verdict, Unavailable> {
        self.post("/v1/mvd/passport-checks", person)
            .await?
            .ok_or_else(|| Unavailable("no answer".into()))
    }

    async fn find_inn(&self, person: &PersonQuery) -> Result<Option<String>, Unavailable> {
        Ok(self
            .post::<InnAnswer>("/v1/fns/inn-lookups", person)
            .await?
            .and_then(|a| a.inn))
    }
}

// ---------------------------------------------------------------------------------------------
// The simulator

/// One person the simulated registries know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Фамилия.
    pub surname: String,
    /// Имя.
    pub first_name: String,
    /// Отчество.
    pub patronymic: String,
    /// `male` / `female`.
    pub sex: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    /// 11 digits.
    pub snils: String,
    /// 10 digits: series and number.
    pub passport: String,
    /// `YYYY-MM-DD`.
    pub passport_issued_on: String,
    /// 12 digits, if the person has one.
    pub inn: Option<String>,
}

/// A deterministic population: the same seed gives the same people, with valid SNILS and INN
/// check digits and passports issued at 45 (so they never expire).
pub fn population(seed: u64, size: usize) -> Vec<Person> {
    const MALE: [(&str, &str, &str); 6] = [
        ("Иванов", "Иван", "Петрович"),
        ("Смирнов", "Алексей", "Сергеевич"),
        ("Кузнецов", "Дмитрий", "Андреевич"),
        ("Попов", "Сергей", "Иванович"),
        ("Соколов", "Михаил", "Олегович"),
        ("Лебедев", "Николай", "Викторович"),
    ];
    const FEMALE: [(&str, &str, &str); 6] = [
        ("Иванова", "Анна", "Сергеевна"),
        ("Смирнова", "Мария", "Алексеевна"),
        ("Кузнецова", "Елена", "Дмитриевна"),
        ("Попова", "Ольга", "Ивановна"),
        ("Соколова", "Татьяна", "Михайловна"),
        ("Лебедева", "Наталья", "Николаевна"),
    ];
    let mut state = seed;
    let mut next = |bound: u64| {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % bound
    };
    (0..size)
        .map(|_| {
            let female = next(2) == 0;
            let names = if female { FEMALE } else { MALE }[next(6) as usize];
            let year = 1950 + next(25) as i32;
            let (month, day) = (1 + next(12) as u32, 1 + next(28) as u32);
            let digits = |n: usize, next: &mut dyn FnMut(u64) -> u64| -> Vec<u32> {
                (0..n).map(|_| next(10) as u32).collect()
            };
            let mut snils = digits(9, &mut next);
            snils[0] = 1 + snils[0] % 9; // above the unchecked range
            let snils: Vec<u8> = snils.iter().map(|d| *d as u8).collect();
            let check = kabinet_core::snils::checksum(&snils);
            let snils = format!(
                "{}{check:02}",
                snils.iter().map(|d| d.to_string()).collect::<String>()
            );
            let inn = (next(4) != 0).then(|| {
                let mut d = digits(10, &mut next);
                d[0] = 1 + d[0] % 9;
                let w1 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
                let c1 = kabinet_core::inn::check_digit(&d, &w1);
                d.push(c1);
                let w2 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
                let c2 = kabinet_core::inn::check_digit(&d, &w2);
                d.push(c2);
                d.iter().map(|x| x.to_string()).collect::<String>()
            });
            let passport: String = (0..10).map(|_| next(10).to_string()).collect();
            Person {
                surname: names.0.to_owned(),
                first_name: names.1.to_owned(),
                patronymic: names.2.to_owned(),
                sex: if female { "female" } else { "male" }.to_owned(),
                birth_date: format!("{year:04}-{month:02}-{day:02}"),
                snils,
                passport,
                passport_issued_on: format!("{:04}-{month:02}-{:02}", year + 45, day.min(28)),
                inn,
            }
        })
        .collect()
}

#[derive(Debug, Default)]
struct Faults {
    fail_next: u32,
    failure_rate_percent: u32,
    counter: u64,
}

/// Registries that know a population, with configurable latency and failures.
#[derive(Debug, Clone)]
pub struct RegistrySimulator {
    people: Arc<Mutex<Vec<Person>>>,
    latency: Duration,
    faults: Arc<Mutex<Faults>>,
}

impl RegistrySimulator {
    /// A simulator knowing `people`, answering after `latency`.
    pub fn new(people: Vec<Person>, latency: Duration) -> Self {
        Self {
            people: Arc::new(Mutex::new(people)),
            latency,
            faults: Arc::default(),
        }
    }

    /// The people it knows.
    pub fn people(&self) -> Vec<Person> {
        self.people
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Adds a person.
    pub fn add(&self, person: Person) {
        self.people
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(person);
    }

    /// The next `n` requests fail as unavailable.
    pub fn fail_next(&self, n: u32) {
        self.faults().fail_next = n;
    }

    /// Fails this share of requests (0–100), deterministically spread.
    pub fn set_failure_rate(&self, percent: u32) {
        self.faults().failure_rate_percent = percent.min(100);
    }

    fn faults(&self) -> std::sync::MutexGuard<'_, Faults> {
        self.faults.lock().unwrap_or_else(|e| e.into_inner())
    }

    async fn answer(&self) -> Result<Vec<Person>, Unavailable> {
        if !self.latency.is_zero() {
            tokio::time::sleep(self.latency).await;
        }
        {
            let mut faults = self.faults();
            faults.counter += 1;
            if faults.fail_next > 0 {
                faults.fail_next -= 1;
                return Err(Unavailable("simulated outage".into()));
            }
            if faults.counter * u64::from(faults.failure_rate_percent) % 100
                < u64::from(faults.failure_rate_percent)
                && faults.failure_rate_percent > 0
            {
                return Err(Unavailable("simulated failure".into()));
            }
        }
        Ok(self.people())
    }
}

fn compare(pairs: &[(&str, &str, &str)]) -> Verdict {
    let fields: Vec<String> = pairs
        .iter()
        .filter(|(_, ours, theirs)| ours.to_lowercase() != theirs.to_lowercase())
        .map(|(name, _, _)| (*name).to_owned())
        .collect();
    if fields.is_empty() {
        Verdict::Match
    } else {
        Verdict::Mismatch { fields }
    }
}

#[async_trait]
impl Registries for RegistrySimulator {
    async fn check_snils(&self, q: &PersonQuery) -> Result<Verdict, Unavailable> {
        let people = self.answer().await?;
        Ok(match people.iter().find(|p| p.snils == q.snils) {
            None => Verdict::Mismatch {
                fields: vec!["snils".into()],
            },
            Some(p) => compare(&[
                ("surname", &q.surname, &p.surname),
                ("first_name", &q.first_name, &p.first_name),
                ("patronymic", &q.patronymic, &p.patronymic),
                ("birth_date", &q.birth_date, &p.birth_date),
                ("sex", &q.sex, &p.sex),
            ]),
        })
    }

    async fn check_passport(&self, q: &PersonQuery) -> Result<Verdict, Unavailable> {
        let people = self.answer().await?;
        Ok(match people.iter().find(|p| p.passport == q.passport) {
            None => Verdict::Mismatch {
                fields: vec!["passport".into()],
            },
            Some(p) => compare(&[
                ("surname", &q.surname, &p.surname),
                ("first_name", &q.first_name, &p.first_name),
                ("patronymic", &q.patronymic, &p.patronymic),
                ("birth_date", &q.birth_date, &p.birth_date),
                (
                    "passport.issued_on",
                    &q.passport_issued_on,
                    &p.passport_issued_on,
                ),
            ]),
        })
    }

    async fn find_inn(&self, q: &PersonQuery) -> Result<Option<String>, Unavailable> {
        let people = self.answer().await?;
        Ok(people
            .iter()
            .find(|p| p.snils == q.snils && p.surname.to_lowercase() == q.surname.to_lowercase())
            .and_then(|p| p.inn.clone()))
    }
}
