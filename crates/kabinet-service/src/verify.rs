//! Registry verification as durable jobs: each check is a `registry_check` job that survives
//! sign-out and restarts. A run marks the check as being checked, asks the registry outside any
//! transaction, then records the answer; an unavailable registry puts the job back with
//! backoff and shows when it is tried again. Both checks passed: Standard, and SNILS (and a
//! known INN) become logins. The citizen is told each outcome.

use chrono::Duration;
use kabinet_api::{ApiError, ProfileForm};
use kabinet_core::account::{Actor, Check, CheckOutcome, CheckStatus, Command, Level};
use kabinet_store::jobs::{self, JobRow};
use uuid::Uuid;

use crate::Service;
use crate::error::{self, Outcome};
use crate::messages;
use crate::ops::profile::REGISTRY_CHECK;
use crate::ports::registry::{PersonQuery, Unavailable, Verdict};
use crate::repo::{self, Extras};

/// How long a worker holds a job before another may take it (a dead worker's job comes back).
const LEASE: Duration = Duration::minutes(5);
/// The first pause after an unavailable registry; it doubles, up to the queue's cap.
const FIRST_RETRY: Duration = Duration::minutes(1);

impl Service {
    /// Runs every due job now; returns how many ran. Call it from a worker loop
    /// ([`Service::spawn_worker`]) or, in tests, after moving the clock.
    pub async fn run_due_jobs(&self, worker: &str) -> Result<usize, ApiError> {
        let mut ran = 0;
        while let Some(job) = jobs::lease(self.conn(), &[REGISTRY_CHECK], worker, self.now(), LEASE)
            .await
            .map_err(error::store)?
        {
            if let Err(e) = self.run_check(worker, &job).await {
                tracing::warn!(job = %job.id, error = %e, "a registry check failed to run");
                jobs::fail(
                    self.conn(),
                    job.id,
                    worker,
                    &e.to_string(),
                    self.now(),
                    FIRST_RETRY,
                )
                .await
                .map_err(error::store)?;
            }
            ran += 1;
        }
        Ok(ran)
    }

    /// Runs due jobs every `period` until the process ends.
    pub fn spawn_worker(
        &self,
        worker: String,
        period: std::time::Duration,
    ) -> tokio::task::JoinHandle<()> {
        let service = self.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = service.run_due_jobs(&worker).await {
                    tracing::error!(error = %e, "the job worker failed");
                }
                tokio::time::sleep(period).await;
            }
        })
    }

    async fn run_check(&self, worker: &str, job: &JobRow) -> Outcome<()> {
        let account_id: Uuid = serde_json::from_value(job.payload["account_id"].clone())
            .map_err(|e| error::internal(&e))?;
        let check = match job.payload["check"].as_str() {
            Some("snils") => Check::Snils,
            Some("passport") => Check::Passport,
            _ => return Err(error::internal(&"a registry job without its check")),
        };
        let system = Actor::System;
        let context = kabinet_api::Context {
            address: "registry".into(),
            device_name: "Kabinet".into(),
            workstation: None,
            ..Default::default()
        };
        let Some(account) = repo::load(self.conn(), account_id).await? else {
            return self.finish_job(job, worker).await;
        };
        // Mark it as being checked, unless a previous run (its worker died) already did.
        let account = match account.state.check(check) {
            CheckStatus::Queued | CheckStatus::Unavailable { .. } => {
                let tx = self.begin().await?;
                let a = repo::execute(
                    &tx,
                    &account,
                    &Command::StartCheck { check },
                    &self.by(&system, &context),
                    Extras::default(),
                )
                .await?;
                tx.commit().await.map_err(error::store)?;
                a
            }
            CheckStatus::Checking => account,
            // Answered already, or superseded by a newer submission.
            _ => return self.finish_job(job, worker).await,
        };
        let profile = self.profile_row(self.conn(), account_id).await?;
        let form: ProfileForm = profile
            .submitted
            .and_then(|v| serde_json::from_value(v).ok())
            .ok_or_else(|| error::internal(&"a registry check without a submitted profile"))?;
        let query = person_query(&form);
        let registries = self.inner.ports.registries.clone();
        let answer = match check {
            Check::Snils => registries.check_snils(&query).await,
            Check::Passport => registries.check_passport(&query).await,
        };
        let by = self.by(&system, &context);
        match answer {
            Err(Unavailable(reason)) => {
                tracing::info!(%account_id, check = check.as_str(), %reason, "registry unavailable");
                let tx = self.begin().await?;
                let retried = jobs::fail(&tx, job.id, worker, &reason, self.now(), FIRST_RETRY)
                    .await
                    .map_err(error::store)?;
                let retry_at = retried.map_or(self.now() + FIRST_RETRY, |j| j.run_at);
                repo::execute(
                    &tx,
                    &account,
                    &Command::RecordCheck {
                        check,
                        outcome: CheckOutcome::Unavailable { retry_at },
                    },
                    &by,
                    Extras::default(),
                )
                .await?;
                tx.commit().await.map_err(error::store)?;
                Ok(())
            }
            Ok(Verdict::Mismatch { fields }) => {
                self.record_mismatch(job, worker, &account, check, fields)
                    .await
            }
            Ok(Verdict::Match) => {
                let other = Check::ALL
                    .into_iter()
                    .find(|c| *c != check)
                    .unwrap_or(check);
                let completes = *account.state.check(other) == CheckStatus::Passed;
                let extras = if completes {
                    let mut claim = crate::ops::profile::verified_claims(&form);
                    if !form.inn.is_empty() {
                        claim.push(("inn".to_owned(), form.inn.clone()));
                    }
                    Extras {
                        claim,
                        release: Vec::new(),
                    }
                } else {
                    Extras::default()
                };
                let claimed = extras.claim.clone();
                match self
                    .record_answer(job, worker, &account, check, CheckOutcome::Passed, extras)
                    .await
                {
                    Ok(after) => {
                        if after.state.level > Level::Simplified
                            && account.state.level == Level::Simplified
                        {
                            self.notify_event(account_id, messages::standard_level_notice())
                                .await;
                        }
                        Ok(())
                    }
                    // The SNILS or INN already belongs to another account: the citizen must
                    // sort it out at a service centre; the check says which field.
                    Err(e) if e.code == kabinet_api::ErrorCode::ContactInUse => {
                        let field = self
                            .login_held_elsewhere(account_id, &claimed)
                            .await?
                            .unwrap_or("snils");
                        let fields = vec![format!("{field}_in_use")];
                        self.record_mismatch(job, worker, &account, check, fields)
                            .await
                    }
                    Err(e) => Err(e),
                }
            }
        }
    }

    /// Records that the registry's data differ in `fields`, and tells the citizen which.
    async fn record_mismatch(
        &self,
        job: &JobRow,
        worker: &str,
        account: &repo::Loaded,
        check: Check,
        fields: Vec<String>,
    ) -> Outcome<()> {
        let notice = messages::check_mismatch_notice(check.as_str(), &fields);
        let outcome = CheckOutcome::Mismatch { fields };
        self.record_answer(job, worker, account, check, outcome, Extras::default())
            .await?;
        self.notify_event(account.id, notice).await;
        Ok(())
    }

    async fn record_answer(
        &self,
        job: &JobRow,
        worker: &str,
        account: &repo::Loaded,
        check: Check,
        outcome: CheckOutcome,
        extras: Extras,
    ) -> Outcome<repo::Loaded> {
        let context = kabinet_api::Context {
            address: "registry".into(),
            device_name: "Kabinet".into(),
            workstation: None,
            ..Default::default()
        };
        let tx = self.begin().await?;
        let after = repo::execute(
            &tx,
            account,
            &Command::RecordCheck { check, outcome },
            &self.by(&Actor::System, &context),
            extras,
        )
        .await?;
        jobs::complete(&tx, job.id, worker, self.now())
            .await
            .map_err(error::store)?;
        tx.commit().await.map_err(error::store)?;
        Ok(after)
    }

    async fn finish_job(&self, job: &JobRow, worker: &str) -> Outcome<()> {
        jobs::complete(self.conn(), job.id, worker, self.now())
            .await
            .map_err(error::store)?;
        Ok(())
    }
}

pub(crate) fn person_query(form: &ProfileForm) -> PersonQuery {
    let iso = |d: &str| {
        let parts: Vec<&str> = d.split('.').collect();
        match parts.as_slice() {
            [day, month, year] => format!("{year}-{month}-{day}"),
            _ => d.to_owned(),
        }
    };
    let (passport, issued) = if form.passport.series.is_empty() {
        (
            form.foreign_passport.number.clone(),
            iso(&form.foreign_passport.issued_on),
        )
    } else {
        (
            format!("{}{}", form.passport.series, form.passport.number),
            iso(&form.passport.issued_on),
        )
    };
    PersonQuery {
        surname: form.surname.clone(),
        first_name: form.first_name.clone(),
        patronymic: form.patronymic.clone(),
        birth_date: iso(&form.birth_date),
        sex: form.sex.clone(),
        snils: form.snils.chars().filter(char::is_ascii_digit).collect(),
        passport,
        passport_issued_on: issued,
    }
}

impl Service {
    /// Which of the logins an account claimed another account holds (read after the claim
    /// was refused, so the other account's claim has committed).
    async fn login_held_elsewhere(
        &self,
        account_id: uuid::Uuid,
        claimed: &[(String, String)],
    ) -> Result<Option<&'static str>, ApiError> {
        for (kind, value) in claimed {
            let holder = kabinet_store::accounts::find_login(self.conn(), kind, value)
                .await
                .map_err(crate::error::store)?;
            if holder.is_some_and(|id| id != account_id) {
                return Ok(Some(match kind.as_str() {
                    "inn" => "inn",
                    "passport" => "passport",
                    _ => "snils",
                }));
            }
        }
        Ok(None)
    }
}
