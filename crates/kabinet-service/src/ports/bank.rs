//! Online banks that vouch for a person they have identified (DOMAIN §6, method 5). A bank
//! signs an assertion — a JWT with EdDSA (Ed25519) — naming the person; Kabinet trusts the
//! public keys configured per bank. The simulator is a bank with a fresh key pair that signs
//! whatever it is asked to, for tests and demos.

use chrono::{DateTime, Utc};
use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::EncodePrivateKey;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::{Deserialize, Serialize};

/// The audience every assertion must name.
pub const AUDIENCE: &str = "kabinet";

/// Kabinet's client id at a simulated bank.
pub const CLIENT_ID: &str = "kabinet";

/// What a bank asserts about a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankClaims {
    /// The bank's id (must be a configured bank).
    pub iss: String,
    /// The person's SNILS, 11 digits.
    pub sub: String,
    /// Always [`AUDIENCE`].
    pub aud: String,
    /// Фамилия.
    pub surname: String,
    /// Имя.
    pub first_name: String,
    /// Отчество (empty if none).
    pub patronymic: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Expires at (Unix seconds).
    pub exp: i64,
    /// A unique id: an assertion is accepted once.
    pub jti: String,
    /// The nonce Kabinet sent the bank with the citizen: binds the assertion to one flow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
}

/// A bank Kabinet trusts.
#[derive(Clone, PartialEq, Eq)]
pub struct TrustedBank {
    /// Its id, the assertions' `iss`.
    pub id: String,
    /// Its name for people.
    pub name: String,
    /// Its Ed25519 public key.
    pub public_key: [u8; 32],
    /// The bank's authorisation page the citizen is sent to; `None`: the bank cannot be
    /// started from Kabinet (not offered to citizens).
    pub authorize_url: Option<String>,
    /// Kabinet's client id at the bank (the bank knows Kabinet's return address by it).
    pub client_id: String,
}

impl std::fmt::Debug for TrustedBank {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustedBank")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("authorize_url", &self.authorize_url)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// A simulated bank.
#[derive(Clone)]
pub struct BankSimulator {
    id: String,
    name: String,
    signing: SigningKey,
}

impl std::fmt::Debug for BankSimulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BankSimulator")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl BankSimulator {
    /// A bank `id` with a key made from `seed` (32 random bytes).
    pub fn new(id: &str, name: &str, seed: [u8; 32]) -> Self {
        Self {
            id: id.to_owned(),
            name: name.to_owned(),
            signing: SigningKey::from_bytes(&seed),
        }
    }

    /// The demo bank: a fixed key, so a development server and a simulator started on their
    /// own agree on it. Never trusted outside development.
    pub fn demo() -> Self {
        Self::new("demo-bank", "Демо-Банк", [42; 32])
    }

    /// What Kabinet must be configured with to trust this bank (its pages not known).
    pub fn trusted(&self) -> TrustedBank {
        TrustedBank {
            id: self.id.clone(),
            name: self.name.clone(),
            public_key: self.signing.verifying_key().to_bytes(),
            authorize_url: None,
            client_id: CLIENT_ID.to_owned(),
        }
    }

    /// The same, with the bank's authorisation page.
    pub fn trusted_at(&self, authorize_url: &str) -> TrustedBank {
        TrustedBank {
            authorize_url: Some(authorize_url.to_owned()),
            ..self.trusted()
        }
    }

    /// Its id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Its name for people.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Signs claims as this bank.
    pub fn sign(&self, claims: &BankClaims) -> String {
        let der = self
            .signing
            .to_pkcs8_der()
            .unwrap_or_else(|_| unreachable!("an Ed25519 key always encodes"));
        let key = EncodingKey::from_ed_der(der.as_bytes());
        jsonwebtoken::encode(&Header::new(Algorithm::EdDSA), claims, &key)
            .unwrap_or_else(|_| unreachable!("signing with a valid key cannot fail"))
    }

    /// An assertion about a person, valid for `ttl` from `now`.
    #[allow(clippy::too_many_arguments)]
    pub fn assert_person(
        &self,
        snils: &str,
        surname: &str,
        first_name: &str,
        patronymic: &str,
        birth_date: &str,
        now: DateTime<Utc>,
        ttl: chrono::Duration,
        jti: &str,
        nonce: Option<&str>,
    ) -> String {
        self.sign(&BankClaims {
            iss: self.id.clone(),
            sub: snils.to_owned(),
            aud: AUDIENCE.to_owned(),
            surname: surname.to_owned(),
            first_name: first_name.to_owned(),
            patronymic: patronymic.to_owned(),
            birth_date: birth_date.to_owned(),
            iat: now.timestamp(),
            exp: (now + ttl).timestamp(),
            jti: jti.to_owned(),
            nonce: nonce.map(str::to_owned),
        })
    }
}
