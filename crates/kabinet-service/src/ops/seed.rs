//! Many accounts at once, for measuring Kabinet at the size of a national portal (the scale
//! benchmark, `kabinet-server --dev admin seed`). Each account is what a finished phone
//! registration leaves: the same commands decided by the core (start, contact confirmed,
//! password set, signed in), committed through the one write path (projection, events, change
//! feed, the phone's login), with its credentials, its registering device known and the session
//! the registration opened; one in 25 also has a failed sign-in counted on its device and
//! another in 25 on the account (the brute-force counters a portal holds). What differs from a citizen's registration, on purpose: the
//! commands' events go in one write per account instead of three, the accounts come in
//! batches of one transaction, no code or flow is left behind (they would have expired), and
//! every seeded account shares one password hash (argon2id of a million passwords would take
//! hours; a hash is verified the same whatever its salt).

use kabinet_api::Context;
use kabinet_core::account::{Actor, Command, Consent, ContactKind};
use uuid::Uuid;

use crate::Service;
use crate::error::{self, Outcome};
use crate::repo::{self, Extras, NewAccount};
use crate::{sessions, throttle};

/// The phone of seeded account `n` (up to ten million: +7 916 000-00-00 onwards).
pub fn seeded_phone(n: u64) -> String {
    format!("+7916{:07}", n % 10_000_000)
}

/// The device seeded account `n` registered from (and so signs in from as a known device).
pub fn seeded_device(n: u64) -> Context {
    Context {
        session: None,
        address: "seed".into(),
        device_id: format!("seed-{n}"),
        device_name: "load generator".into(),
        workstation: None,
    }
}

impl Service {
    /// The argon2id hash of the password every seeded account gets (the service's parameters).
    pub async fn seed_password(&self, password: &str) -> Outcome<String> {
        self.hash_secret(password.to_owned()).await
    }

    /// Writes seeded accounts `first .. first + count` in one transaction, each with the
    /// password whose argon2id hash is `password_phc` (see the module's documentation).
    pub async fn seed_accounts(&self, first: u64, count: u64, password_phc: &str) -> Outcome<()> {
        let tx = self.begin().await?;
        for n in first..first + count {
            let context = seeded_device(n);
            let by = self.by(&Actor::Citizen, &context);
            let phone = kabinet_core::phone::Phone::parse(&seeded_phone(n))
                .map_err(|_| error::internal(&"a seeded phone is not a phone"))?;
            let account = repo::create_then(
                &tx,
                NewAccount {
                    id: Uuid::now_v7(),
                    surname: "Нагрузкина",
                    first_name: "Анна",
                },
                &Command::StartRegistration {
                    contact: ContactKind::Phone,
                    consent: Consent {
                        given: true,
                        document_version: "2026-01".into(),
                    },
                },
                &[
                    Command::ConfirmContact,
                    Command::SetPassword { temporary: false },
                    Command::SignIn { known_device: true },
                ],
                &by,
                Extras {
                    claim: vec![("phone".into(), phone.as_str().to_owned())],
                    release: Vec::new(),
                },
            )
            .await?;
            let mut credentials = self.blank_credentials(account.id);
            credentials.password_phc = Some(password_phc.to_owned());
            credentials.password_changed_at = Some(by.at);
            self.save_credentials(&tx, credentials).await?;
            self.remember_device(&tx, account.id, &context).await?;
            sessions::open(
                &tx,
                &self.inner.hasher,
                self.inner.ports.entropy.as_ref(),
                &self.inner.config,
                account.id,
                &context,
                self.now(),
            )
            .await?;
            // Some counters, as a portal has them: one account in 25 once typed a wrong password
            // on its own device, another in 25 was guessed at from elsewhere.
            let counter = match n % 25 {
                0 => Some(throttle::device_key(
                    account.id,
                    &self.device_hash(&context),
                )),
                12 => Some(throttle::account_key(account.id)),
                _ => None,
            };
            if let Some(key) = counter {
                throttle::record_failure(&tx, &self.inner.config.lockout, &key, by.at).await?;
            }
        }
        tx.commit().await.map_err(error::store)
    }
}
