//! The use cases, one module per area, and what they share: the signed-in citizen, the
//! password typed twice, the account summary, hashing off the async threads.

mod account;
mod bank;
mod confirmation;
mod contacts;
mod events;
pub(crate) mod letter;
mod notifications;
pub(crate) mod phone_link;
pub(crate) mod profile;
mod recovery;
mod registration;
mod scans;
mod security;
pub mod seed;
mod sign_in;
mod signature;

pub(crate) use confirmation::ActivationFlow;
#[cfg(test)]
pub(crate) use recovery::RecoveryFlow;
#[cfg(test)]
pub(crate) use sign_in::SignInFlow;

use chrono::{DateTime, Utc};
use kabinet_api::{
    AccountStatus, AccountSummary, ApiError, Context, ErrorCode, Level as ApiLevel, SignedIn,
};
use kabinet_core::account::{Actor, Command, Level, Status};
use kabinet_core::codes::CodePurpose;
use kabinet_core::{FieldErrors, Violation};
use kabinet_store::credentials::{self as store, Credentials};
use kabinet_store::{Conn, Store, Tx};
use uuid::Uuid;

use crate::Service;
use crate::error::{self, Outcome};
use crate::notify::mask;
use crate::ports::entropy::Random;
use crate::repo::{self, By, Extras, Loaded};
use crate::sessions;

impl Service {
    pub(crate) fn conn(&self) -> &Store {
        &self.inner.store
    }

    pub(crate) async fn begin(&self) -> Outcome<Tx> {
        self.inner.store.begin_write().await.map_err(error::store)
    }

    pub(crate) fn by<'a>(&'a self, actor: &'a Actor, context: &'a Context) -> By<'a> {
        By {
            actor,
            context,
            at: self.now(),
            origin: &self.inner.config.origin,
        }
    }

    /// The credentials row of an account (a blank one if none yet).
    pub(crate) async fn credentials(
        &self,
        conn: &impl Conn,
        account_id: Uuid,
    ) -> Outcome<Credentials> {
        Ok(store::credentials(conn, account_id)
            .await
            .map_err(error::store)?
            .unwrap_or_else(|| self.blank_credentials(account_id)))
    }

    /// The credentials of an account that has none yet.
    pub(crate) fn blank_credentials(&self, account_id: Uuid) -> Credentials {
        Credentials {
            account_id,
            password_phc: None,
            password_changed_at: None,
            totp_sealed: None,
            totp_last_step: None,
            secret_question: None,
            secret_answer_phc: None,
            updated_at: self.now(),
            sms_second_factor: false,
        }
    }

    /// Writes the credentials row (insert or update).
    pub(crate) async fn save_credentials(
        &self,
        conn: &impl Conn,
        mut row: Credentials,
    ) -> Outcome<()> {
        row.updated_at = self.now();
        store::save_credentials(conn, row)
            .await
            .map_err(error::store)
    }

    /// argon2id of a secret, on a hashing thread (it takes tens of milliseconds of CPU).
    pub(crate) async fn hash_secret(&self, secret: String) -> Outcome<String> {
        let params = self.inner.config.hash_params;
        let entropy = self.inner.ports.entropy.clone();
        let slot = self.hashing_slot().await?;
        let gauge = self.inner.hashing_gauge.clone();
        self.inner
            .hashing_pool
            .run(move |verifier| {
                let _slot = slot;
                let started = std::time::Instant::now();
                let hashed = verifier.hash(&secret, params, &mut Random(entropy.as_ref()));
                gauge.record(started.elapsed());
                hashed
            })
            .await
            .ok_or_else(|| error::internal(&"the hashing thread gave no answer"))?
            .map_err(|e| error::internal(&e))
    }

    /// Whether `secret` matches `phc` (or the decoy hash when there is none).
    /// Refuses with `unavailable` when the hashing slots stay full for the configured wait, so
    /// an overloaded server answers at once instead of queueing (and its hashing memory stays
    /// bounded by slots × argon2 memory).
    pub(crate) async fn verify_secret(&self, phc: Option<String>, secret: String) -> Outcome<bool> {
        let found = phc.is_some();
        let decoy = self.inner.decoy_phc.clone();
        let (params, entropy) = (
            self.inner.config.hash_params,
            self.inner.ports.entropy.clone(),
        );
        let slot = self.hashing_slot().await?;
        let gauge = self.inner.hashing_gauge.clone();
        let verdict = self
            .inner
            .hashing_pool
            .run(move |verifier| {
                let _slot = slot;
                // The decoy is ready long before anyone signs in; if it is still being made,
                // this waits for it; if making it failed, it is made here.
                let phc = phc.unwrap_or_else(|| crate::decoy_phc(&decoy, params, entropy.as_ref()));
                let started = std::time::Instant::now();
                let verdict = verifier.verify(&phc, &secret);
                gauge.record(started.elapsed());
                verdict
            })
            .await
            .unwrap_or(false);
        Ok(verdict && found)
    }

    /// Whether a hash asked for now would wait longer than the budget.
    fn hashing_full(&self) -> bool {
        let config = &self.inner.config;
        self.inner
            .hashing_gauge
            .expected_wait(config.hashing_slots.max(1))
            > config.hashing_budget
    }

    fn overloaded(&self) -> ApiError {
        ApiError::new(ErrorCode::Unavailable)
            .with_message("Сервер перегружен. Повторите через несколько секунд")
            .retry_at(self.now() + chrono::Duration::seconds(1))
    }

    /// Refuses a password check before any of its database work when its hash could not start
    /// within the budget: under overload the refused requests cost nothing but this answer, so
    /// the database keeps serving the admitted ones.
    pub(crate) fn refuse_when_hashing_is_full(&self) -> Outcome<()> {
        if self.hashing_full() {
            Err(self.overloaded())
        } else {
            Ok(())
        }
    }

    /// A future that completes `answer_floor` after now (see [`crate::ServiceConfig`]).
    pub(crate) fn answer_floor(&self) -> tokio::time::Sleep {
        tokio::time::sleep(self.inner.config.answer_floor)
    }

    /// One of the argon2 slots (as many as cores by default). A request is admitted while its
    /// expected wait — the hashes ahead of it, `hashing_slots` at a time, at the measured mean
    /// time of one — fits `hashing_budget`, and refused at once otherwise (`unavailable` with
    /// `Retry-After`), so a burst queues as long as it can still be answered in time and
    /// overload is told immediately. An admitted request that still waits four budgets (the
    /// hashes suddenly much slower) is refused then. Hashing memory stays ≤ slots × argon2's.
    async fn hashing_slot(&self) -> Outcome<crate::HashingSlot> {
        use std::sync::atomic::Ordering::Relaxed;
        let config = &self.inner.config;
        let gauge = &self.inner.hashing_gauge;
        let started = std::time::Instant::now();
        let overloaded = || {
            crate::metrics::hashing_wait(started.elapsed());
            self.overloaded()
        };
        if self.hashing_full() {
            return Err(overloaded());
        }
        gauge.waiting.fetch_add(1, Relaxed);
        let acquired = tokio::time::timeout(
            config.hashing_budget * 4,
            self.inner.hashing.clone().acquire_owned(),
        )
        .await;
        gauge.waiting.fetch_sub(1, Relaxed);
        match acquired {
            Ok(Ok(permit)) => {
                crate::metrics::hashing_wait(started.elapsed());
                Ok(crate::HashingSlot::taken(permit, gauge.clone()))
            }
            _ => Err(overloaded()),
        }
    }

    /// The current password, confirming a sensitive change (typed in the request's `field`). An
    /// empty one is a missing field, not a wrong password, and counts against nobody.
    pub(crate) async fn reauthenticate(
        &self,
        context: &Context,
        account_id: Uuid,
        password: &str,
        field: &str,
    ) -> Outcome<Credentials> {
        if password.is_empty() {
            return Err(ApiError::field(field, "required"));
        }
        self.check_client(context).await?;
        let credentials = self.credentials(self.conn(), account_id).await?;
        if self
            .verify_secret(credentials.password_phc.clone(), password.to_owned())
            .await?
        {
            return Ok(credentials);
        }
        self.count_client_failure(context).await?;
        Err(ApiError::new(ErrorCode::PasswordWrong))
    }

    /// Records a new password (its argon2id `phc`) on the account: the `SetPassword` event and
    /// the credentials row, inside `tx`. Returns the account after the event.
    pub(crate) async fn set_password(
        &self,
        tx: &Tx,
        account: &Loaded,
        phc: String,
        temporary: bool,
        by: &By<'_>,
    ) -> Outcome<Loaded> {
        let account = repo::execute(
            tx,
            account,
            &Command::SetPassword { temporary },
            by,
            Extras::default(),
        )
        .await?;
        let mut credentials = self.credentials(tx, account.id).await?;
        credentials.password_phc = Some(phc);
        credentials.password_changed_at = Some(by.at);
        self.save_credentials(tx, credentials).await?;
        Ok(account)
    }

    /// Checks a new password typed twice against the policy and the account's phone and
    /// e-mail (a password must not be one of them).
    pub(crate) async fn check_account_password(
        &self,
        account_id: Uuid,
        password: &str,
        repeat: &str,
    ) -> Outcome<()> {
        let (phone, email) = self.contacts(account_id).await?;
        let logins: Vec<&str> = [phone.as_deref(), email.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        self.check_new_password(password, repeat, &logins)
    }

    /// Checks a new password typed twice against the policy and the account's logins.
    pub(crate) fn check_new_password(
        &self,
        password: &str,
        repeat: &str,
        logins: &[&str],
    ) -> Outcome<()> {
        let mut errors = FieldErrors::default();
        if let Err(violations) = self.inner.config.password_policy.check(password, logins) {
            errors.add("password", violations);
        }
        if password != repeat {
            errors.add("password_repeat", vec![Violation::new("passwords_differ")]);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(error::fields(errors))
        }
    }

    /// The keyed hash of the request's device id.
    pub(crate) fn device_hash(&self, context: &Context) -> String {
        let id = if context.device_id.trim().is_empty() {
            "unknown-device"
        } else {
            context.device_id.trim()
        };
        hex::encode(self.inner.hasher.hash(CodePurpose::Device, id))
    }

    /// Whether the account has proved this device before.
    pub(crate) async fn device_known(&self, account_id: Uuid, context: &Context) -> Outcome<bool> {
        if context.device_id.trim().is_empty() {
            return Ok(false);
        }
        store::device_known(self.conn(), account_id, &self.device_hash(context))
            .await
            .map_err(error::store)
    }

    /// Remembers the device as proved.
    pub(crate) async fn remember_device(
        &self,
        conn: &impl Conn,
        account_id: Uuid,
        context: &Context,
    ) -> Outcome<()> {
        if context.device_id.trim().is_empty() {
            return Ok(());
        }
        let hash = self.device_hash(context);
        store::remember_device(conn, account_id, &hash, &context.device_name, self.now())
            .await
            .map_err(error::store)
    }

    /// Records the sign-in and opens a session, inside `tx`; `known_device`: the device proved
    /// itself for the account before or in this very flow (a lock on strangers does not apply).
    pub(crate) async fn open_session(
        &self,
        tx: &Tx,
        account: &Loaded,
        context: &Context,
        known_device: bool,
    ) -> Outcome<(Loaded, String, DateTime<Utc>)> {
        let account = repo::execute(
            tx,
            account,
            &Command::SignIn { known_device },
            &self.by(&Actor::Citizen, context),
            Extras::default(),
        )
        .await?;
        let (token, session) = sessions::open(
            tx,
            &self.inner.hasher,
            self.inner.ports.entropy.as_ref(),
            &self.inner.config,
            account.id,
            context,
            self.now(),
        )
        .await?;
        Ok((account, token, session.absolute_expires_at))
    }

    /// What the client gets after a sign-in.
    pub(crate) async fn signed_in(
        &self,
        account: &Loaded,
        token: String,
        expires_at: DateTime<Utc>,
    ) -> Outcome<SignedIn> {
        Ok(SignedIn {
            token,
            expires_at,
            account: self.summary(account).await?,
        })
    }

    /// The account home's header.
    pub(crate) async fn summary(&self, account: &Loaded) -> Outcome<AccountSummary> {
        let (phone, email) = self.contacts(account.id).await?;
        Ok(self.summary_of(account, phone.as_deref(), email.as_deref()))
    }

    /// The account home's header, with the account's phone and e-mail already read.
    pub(crate) fn summary_of(
        &self,
        account: &Loaded,
        phone: Option<&str>,
        email: Option<&str>,
    ) -> AccountSummary {
        AccountSummary {
            id: account.id,
            surname: account.surname.clone(),
            first_name: account.first_name.clone(),
            level: match account.state.level {
                Level::Simplified => ApiLevel::Simplified,
                Level::Standard => ApiLevel::Standard,
                Level::Confirmed => ApiLevel::Confirmed,
            },
            status: match account.state.status {
                Status::Pending => AccountStatus::Pending,
                Status::Active => AccountStatus::Active,
                Status::Locked { until } if until > self.now() => AccountStatus::Locked,
                Status::Locked { .. } => AccountStatus::Active,
                Status::Blocked { .. } => AccountStatus::Blocked,
                Status::Deleted => AccountStatus::Deleted,
            },
            phone: phone.map(mask),
            email: email.map(mask),
        }
    }
}
