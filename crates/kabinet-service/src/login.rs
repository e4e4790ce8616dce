//! A login as typed — phone in any writing, e-mail, SNILS or INN — to the normalised values it
//! could be, and the account that holds one of them.

use kabinet_core::email::Email;
use kabinet_core::inn::Inn;
use kabinet_core::phone::Phone;
use kabinet_core::snils::Snils;
use kabinet_store::Conn;
use kabinet_store::accounts::find_login;
use uuid::Uuid;

use crate::error::{self, Outcome};

/// A normalised login: kind and value as the `logins` table keeps them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginKey {
    /// `phone`, `email`, `snils`, `inn`.
    pub kind: &'static str,
    /// E.164, lower-cased e-mail, 11 or 12 digits.
    pub value: String,
}

impl LoginKey {
    /// `kind:value`, the key of counters and send logs.
    pub fn key(&self) -> String {
        format!("{}:{}", self.kind, self.value)
    }
}

/// Every reading of `input`, most likely first. `89123456789` is a phone, but eleven digits
/// may also be a SNILS, so both are tried.
pub fn candidates(input: &str) -> Vec<LoginKey> {
    let input = input.trim();
    if input.contains('@') {
        return Email::parse(input)
            .map(|e| LoginKey {
                kind: "email",
                value: e.login_key(),
            })
            .into_iter()
            .collect();
    }
    let mut out = Vec::new();
    if let Ok(phone) = Phone::parse(input) {
        out.push(LoginKey {
            kind: "phone",
            value: phone.as_str().to_owned(),
        });
    }
    if let Ok(snils) = Snils::parse(input) {
        out.push(LoginKey {
            kind: "snils",
            value: snils.digits(),
        });
    }
    if let Ok(inn) = Inn::parse_person(input) {
        out.push(LoginKey {
            kind: "inn",
            value: inn.as_str().to_owned(),
        });
    }
    out
}

/// The account holding the first reading that exists. Every reading is looked up even after
/// one is found, so a login that exists takes as many statements as one that does not.
pub async fn resolve(
    conn: &impl Conn,
    candidates: &[LoginKey],
) -> Outcome<Option<(Uuid, LoginKey)>> {
    let mut first = None;
    for candidate in candidates {
        let found = find_login(conn, candidate.kind, &candidate.value)
            .await
            .map_err(error::store)?;
        if let (None, Some(id)) = (&first, found) {
            first = Some((id, candidate.clone()));
        }
    }
    Ok(first)
}
