//! Sign-in (DOMAIN §4): any login plus the password; a second factor when the citizen enabled
//! one or the device is new; a temporary password changed before anything else; the lockout
//! and the client throttle; every attempt a security event.

use chrono::{DateTime, Duration, Utc};
use kabinet_api::{
    ApiError, Channel, Context, ErrorCode, NewPassword, SecondFactor, SecondFactorChallenge,
    SecondFactorEntry, SignInOutcome, SignInRequest, SignedIn, Ticket,
};
use kabinet_core::account::{Actor, Command, SecurityAction, Status};
use kabinet_core::codes::{CodePurpose, sms_code};
use kabinet_core::lockout::Lock;
use kabinet_core::sign_in::{Eligibility, Protection, eligibility, second_factors};
use kabinet_core::totp::TotpSecret;
use kabinet_core::{FieldErrors, Violation};
use kabinet_store::credentials::Credentials;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Service;
use crate::error::{self, Outcome};
use crate::flow::{self, Flow, FlowState};
use crate::login;
use crate::messages;
use crate::notify::{code_message, mask};
use crate::otp::{self, CodeChannel};
use crate::ports::entropy::Random;
use crate::repo::{self, Extras, Loaded};
use crate::throttle;

/// How often a known device's last sighting is written (a sign-in from it is otherwise one
/// statement lighter).
const DEVICE_SEEN_GRANULARITY: Duration = Duration::days(1);

/// How long a sign-in may wait for its second factor or password change.
pub(crate) const CHALLENGE_TTL: Duration = Duration::minutes(10);

/// A sign-in past its password: waiting for a second factor, or for the temporary password to
/// be replaced.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub(crate) enum SignInFlow {
    /// Waiting for one of `methods`; `new_device` when the device is what asks for it.
    SecondFactor {
        methods: Vec<SecondFactor>,
        new_device: bool,
    },
    /// Waiting for a new password in place of the temporary one.
    ChangePassword {},
}

impl FlowState for SignInFlow {
    const KIND: &'static str = "sign_in";
}

impl Service {
    pub(crate) async fn sign_in(
        &self,
        context: &Context,
        request: SignInRequest,
    ) -> Outcome<SignInOutcome> {
        let floor = self.answer_floor();
        let outcome = self.sign_in_checked(context, request).await;
        if let Err(e) = &outcome
            && matches!(
                e.code,
                ErrorCode::CredentialsInvalid | ErrorCode::AccountLocked
            )
        {
            floor.await;
        }
        outcome
    }

    async fn sign_in_checked(
        &self,
        context: &Context,
        request: SignInRequest,
    ) -> Outcome<SignInOutcome> {
        let candidates = login::candidates(&request.login);
        let mut errors = FieldErrors::default();
        if request.login.trim().is_empty() {
            errors.add("login", vec![Violation::new("required")]);
        } else if candidates.is_empty() {
            errors.add("login", vec![Violation::new("login_format")]);
        }
        if request.password.is_empty() {
            errors.add("password", vec![Violation::new("required")]);
        }
        if !errors.is_empty() {
            return Err(error::fields(errors));
        }
        self.refuse_when_hashing_is_full()?;
        // One statement reads every reading of the login with its account, credentials, the
        // device's standing and the contacts; an unknown login runs the same statement and
        // finds no row, so the answer's timing tells nothing.
        let readings: Vec<(&str, String)> = candidates
            .iter()
            .map(|c| (c.kind, c.value.clone()))
            .collect();
        let holder = kabinet_store::accounts::sign_in_holder(
            self.conn(),
            &readings,
            &self.device_hash(context),
        )
        .await
        .map_err(error::store)?;
        let (account, credentials, device_seen_at, contacts) = match holder {
            Some(h) => {
                let credentials = h
                    .credentials
                    .unwrap_or_else(|| self.blank_credentials(h.account.id));
                // A device without an id is never known.
                let seen = h
                    .device_seen_at
                    .filter(|_| !context.device_id.trim().is_empty());
                (Some(h.account), Some(credentials), seen, (h.phone, h.email))
            }
            None => (None, None, None, (None, None)),
        };
        let known_device = device_seen_at.is_some();
        // A device the account knows has its own counter; every other device shares the
        // strangers' one, and unknown logins count under their own key, so a lock looks the
        // same.
        let key = match &account {
            Some(a) if known_device => throttle::device_key(a.id, &self.device_hash(context)),
            Some(a) => throttle::account_key(a.id),
            None => throttle::login_key(&candidates[0].key()),
        };
        let counted = self.admit_sign_in(context, account.as_ref(), &key).await?;
        let phc = credentials.as_ref().and_then(|c| c.password_phc.clone());
        let password_ok = self.verify_secret(phc, request.password).await?;
        match (
            eligibility(account.as_ref().map(|a| &a.state), password_ok),
            account,
            credentials,
        ) {
            (Eligibility::Proceed, Some(account), Some(credentials)) => {
                if counted == throttle::Counted::Failures {
                    throttle::reset(self.conn(), &key).await?;
                }
                self.after_password(context, account, credentials, device_seen_at, contacts)
                    .await
            }
            (Eligibility::Blocked, ..) => Err(ApiError::new(ErrorCode::AccountBlocked)),
            (Eligibility::Gone, ..) => Err(ApiError::new(ErrorCode::CredentialsInvalid)),
            (_, account, _) => Err(self
                .sign_in_failed(context, account.as_ref(), &key, !known_device)
                .await?),
        }
    }

    pub(crate) async fn sign_in_second_factor(
        &self,
        context: &Context,
        request: SecondFactorEntry,
    ) -> Outcome<SignInOutcome> {
        let now = self.now();
        let config = &self.inner.config;
        self.check_client(context).await?;
        let flow = self.sign_in_flow(&request.ticket).await?;
        let SignInFlow::SecondFactor {
            methods,
            new_device,
        } = flow.state.clone()
        else {
            return Err(flow::wrong_step());
        };
        let account_id = flow.account()?;
        let key = if new_device {
            throttle::account_key(account_id)
        } else {
            throttle::device_key(account_id, &self.device_hash(context))
        };
        let counted = throttle::check_lock(self.conn(), &config.lockout, &key, now).await?;
        if !methods.contains(&request.method) {
            return Err(ApiError::field("method", "method_not_offered"));
        }
        let checked = match request.method {
            SecondFactor::Totp => self.check_totp(account_id, &request.code).await,
            SecondFactor::Sms | SecondFactor::Email => {
                otp::check(
                    self.conn(),
                    &self.inner.hasher,
                    flow.id,
                    CodePurpose::SignIn,
                    &request.code,
                    &config.sms_codes,
                    now,
                )
                .await
            }
        };
        let account = repo::load(self.conn(), account_id)
            .await?
            .ok_or_else(|| ApiError::new(ErrorCode::FlowExpired))?;
        if let Err(rejection) = checked {
            let failure = self
                .sign_in_failed(context, Some(&account), &key, new_device)
                .await?;
            // A lock that this failure started is what the citizen must hear about.
            return Err(if failure.code == ErrorCode::AccountLocked {
                failure
            } else {
                rejection
            });
        }
        if counted == throttle::Counted::Failures {
            throttle::reset(self.conn(), &key).await?;
        }
        let tx = self.begin().await?;
        let mut account = account;
        if new_device {
            account = repo::execute(
                &tx,
                &account,
                &Command::RecordSecurity {
                    action: SecurityAction::NewDeviceConfirmed,
                },
                &self.by(&Actor::Citizen, context),
                Extras::default(),
            )
            .await?;
        }
        self.remember_device(&tx, account_id, context).await?;
        if account.state.temporary_password {
            flow::advance(&tx, &flow, SignInFlow::ChangePassword {}).await?;
            tx.commit().await.map_err(error::store)?;
            return Ok(SignInOutcome::ChangePassword(Ticket {
                ticket: request.ticket,
            }));
        }
        // The device proved itself just now.
        let (account, token, expires_at) = self.open_session(&tx, &account, context, true).await?;
        flow::finish(&tx, &flow, now).await?;
        tx.commit().await.map_err(error::store)?;
        if new_device {
            self.notify_event(
                account_id,
                messages::new_device_notice(&context.device_name, &context.address),
            )
            .await;
        }
        Ok(SignInOutcome::SignedIn(
            self.signed_in(&account, token, expires_at).await?,
        ))
    }

    pub(crate) async fn sign_in_resend(
        &self,
        _context: &Context,
        request: Ticket,
    ) -> Outcome<SignInOutcome> {
        let flow = self.sign_in_flow(&request.ticket).await?;
        let challenge = self.send_sign_in_code(&flow, request.ticket).await?;
        Ok(SignInOutcome::SecondFactor(challenge))
    }

    pub(crate) async fn sign_in_change_password(
        &self,
        context: &Context,
        request: NewPassword,
    ) -> Outcome<SignedIn> {
        let flow = self.sign_in_flow(&request.ticket).await?;
        let SignInFlow::ChangePassword {} = flow.state else {
            return Err(flow::wrong_step());
        };
        let account_id = flow.account()?;
        self.check_account_password(account_id, &request.password, &request.password_repeat)
            .await?;
        let old = self.credentials(self.conn(), account_id).await?;
        if self
            .verify_secret(old.password_phc.clone(), request.password.clone())
            .await?
        {
            return Err(ApiError::field("password", "password_same_as_temporary"));
        }
        let phc = self.hash_secret(request.password).await?;
        let tx = self.begin().await?;
        let account = repo::load(&tx, account_id)
            .await?
            .ok_or_else(|| ApiError::new(ErrorCode::FlowExpired))?;
        let by = self.by(&Actor::Citizen, context);
        let account = self.set_password(&tx, &account, phc, false, &by).await?;
        let known_device = self.device_known(account_id, context).await?;
        let (account, token, expires_at) = self
            .open_session(&tx, &account, context, known_device)
            .await?;
        flow::finish(&tx, &flow, self.now()).await?;
        tx.commit().await.map_err(error::store)?;
        self.notify_event(account_id, messages::password_changed_notice())
            .await;
        self.signed_in(&account, token, expires_at).await
    }

    // -----------------------------------------------------------------------------------------

    /// The password was right: a second factor, a password change, or a session.
    async fn after_password(
        &self,
        context: &Context,
        account: Loaded,
        credentials: Credentials,
        device_seen_at: Option<DateTime<Utc>>,
        (phone, email): (Option<String>, Option<String>),
    ) -> Outcome<SignInOutcome> {
        let now = self.now();
        let account_id = account.id;
        let new_device = device_seen_at.is_none();
        let methods: Vec<SecondFactor> = second_factors(Protection {
            totp: credentials.totp_sealed.is_some(),
            sms_always: credentials.sms_second_factor,
            has_phone: phone.is_some(),
            has_email: email.is_some(),
            new_device,
            issued_in_person: account.state.temporary_password,
        })
        .into_iter()
        .map(api_factor)
        .collect();
        if !methods.is_empty() {
            let (ticket, flow) = flow::create(
                self.conn(),
                &self.inner.hasher,
                self.inner.ports.entropy.as_ref(),
                Some(account_id),
                SignInFlow::SecondFactor {
                    methods: methods.clone(),
                    new_device,
                },
                CHALLENGE_TTL,
                now,
            )
            .await?;
            let challenge = if methods.iter().any(|m| *m != SecondFactor::Totp) {
                self.first_sign_in_code(&flow, ticket).await?
            } else {
                SecondFactorChallenge {
                    ticket,
                    methods,
                    new_device,
                    sent_to: None,
                    code_expires_at: None,
                    resend_at: None,
                }
            };
            return Ok(SignInOutcome::SecondFactor(challenge));
        }
        if account.state.temporary_password {
            let (ticket, _) = flow::create(
                self.conn(),
                &self.inner.hasher,
                self.inner.ports.entropy.as_ref(),
                Some(account_id),
                SignInFlow::ChangePassword {},
                CHALLENGE_TTL,
                now,
            )
            .await?;
            return Ok(SignInOutcome::ChangePassword(Ticket { ticket }));
        }
        let tx = self.begin().await?;
        // A known device's row is rewritten at most once a day: its last sighting is a record,
        // not something each sign-in needs.
        if device_seen_at.is_none_or(|at| now - at >= DEVICE_SEEN_GRANULARITY) {
            self.remember_device(&tx, account_id, context).await?;
        }
        let (account, token, expires_at) = self
            .open_session(&tx, &account, context, !new_device)
            .await?;
        tx.commit().await.map_err(error::store)?;
        Ok(SignInOutcome::SignedIn(SignedIn {
            token,
            expires_at,
            account: self.summary_of(&account, phone.as_deref(), email.as_deref()),
        }))
    }

    /// Sends (or re-sends) the code of a second-factor step.
    /// The first code of a challenge. The password was right, so a cooldown on sending (a
    /// second sign-in a minute after the first, from another tab) never refuses it: the
    /// challenge comes without a code sent, saying when one can be, and with the other factor
    /// if the citizen has one.
    async fn first_sign_in_code(
        &self,
        flow: &Flow<SignInFlow>,
        ticket: String,
    ) -> Outcome<SecondFactorChallenge> {
        match self.send_sign_in_code(flow, ticket.clone()).await {
            Err(e)
                if matches!(
                    e.code,
                    ErrorCode::ResendTooSoon | ErrorCode::SendLimitReached
                ) =>
            {
                let SignInFlow::SecondFactor {
                    methods,
                    new_device,
                } = flow.state.clone()
                else {
                    return Err(flow::wrong_step());
                };
                Ok(SecondFactorChallenge {
                    ticket,
                    methods,
                    new_device,
                    sent_to: None,
                    code_expires_at: None,
                    resend_at: e.retry_at,
                })
            }
            other => other,
        }
    }

    async fn send_sign_in_code(
        &self,
        flow: &Flow<SignInFlow>,
        ticket: String,
    ) -> Outcome<SecondFactorChallenge> {
        let now = self.now();
        let account_id = flow.account()?;
        let SignInFlow::SecondFactor {
            methods,
            new_device,
        } = flow.state.clone()
        else {
            return Err(flow::wrong_step());
        };
        let (phone, email) = self.contacts(account_id).await?;
        let (channel, code_channel, to) = match (methods.contains(&SecondFactor::Sms), phone, email)
        {
            (true, Some(phone), _) => (Channel::Sms, CodeChannel::Sms, phone),
            (false, _, Some(email)) if methods.contains(&SecondFactor::Email) => {
                (Channel::Email, CodeChannel::Email, email)
            }
            _ => return Err(ApiError::new(ErrorCode::WrongStep)),
        };
        let policy = self.inner.config.sms_codes;
        let send_key = format!("sign_in:{account_id}");
        let tx = self.begin().await?;
        otp::may_send_to(&tx, &send_key, &policy, now).await?;
        let code = sms_code(&mut Random(self.inner.ports.entropy.as_ref()));
        let expires_at = self
            .issue_code(&tx, flow, CodePurpose::SignIn, code_channel, &code, &policy)
            .await?;
        let resend_at = otp::record_send(&tx, &send_key, &policy, now).await?;
        tx.commit().await.map_err(error::store)?;
        self.deliver(vec![code_message(
            Some(account_id),
            channel,
            &to,
            messages::sign_in_code(&code, channel == Channel::Email),
        )])
        .await;
        Ok(SecondFactorChallenge {
            ticket,
            methods,
            new_device,
            sent_to: Some(mask(&to)),
            code_expires_at: Some(expires_at),
            resend_at: Some(resend_at),
        })
    }

    /// Checks an authenticator code, refusing a replayed step.
    async fn check_totp(&self, account_id: Uuid, code: &str) -> Outcome<()> {
        let mut credentials = self.credentials(self.conn(), account_id).await?;
        let secret = credentials
            .totp_sealed
            .as_deref()
            .and_then(|sealed| self.inner.sealer.open(account_id, sealed))
            .map(TotpSecret)
            .ok_or_else(|| ApiError::field("method", "method_not_offered"))?;
        let now = u64::try_from(self.now().timestamp()).unwrap_or_default();
        let last = credentials
            .totp_last_step
            .and_then(|s| u64::try_from(s).ok());
        let step = secret
            .verify(code, now, last)
            .map_err(|_| ApiError::new(ErrorCode::CodeWrong))?;
        credentials.totp_last_step = i64::try_from(step).ok();
        self.save_credentials(self.conn(), credentials).await
    }

    /// Counts a failed attempt under `key` and against the client, and returns the error to
    /// answer with. The account's log entry — and, for the strangers' counter only, the lock
    /// it starts shown in the account's state (a known device's lock is that device's alone)
    /// — is written right after the answer: the counters that stop guessing are written
    /// before it, and an unknown login's answer, which has no log to write, takes as long.
    pub(crate) async fn sign_in_failed(
        &self,
        context: &Context,
        account: Option<&Loaded>,
        key: &str,
        strangers: bool,
    ) -> Outcome<ApiError> {
        let now = self.now();
        let config = &self.inner.config;
        let tx = self.begin().await?;
        let lock = throttle::record_failure(&tx, &config.lockout, key, now).await?;
        throttle::client_failure(&tx, &config.client, &context.address, now).await?;
        tx.commit().await.map_err(error::store)?;
        let until = match lock {
            Lock::Open => None,
            Lock::Until(until) => Some(until),
            // The account's state shows a lock; only a recovery lifts the counter's.
            Lock::UntilRecovery => Some(now + Duration::days(365 * 100)),
        };
        let lock_shown = until.filter(|_| strangers);
        let logged = account.filter(|a| a.state.status != Status::Pending);
        self.after_answer(context, logged, move |service, context, account| {
            Box::pin(async move {
                let by = service.by(&Actor::Citizen, &context);
                let tx = service.begin().await?;
                let account = repo::execute(
                    &tx,
                    &account,
                    &Command::RecordSignInFailure,
                    &by,
                    Extras::default(),
                )
                .await?;
                if let Some(until) = lock_shown {
                    // Refused only for blocked or deleted accounts, which have nothing to lock.
                    let _ = repo::execute(
                        &tx,
                        &account,
                        &Command::Lock { until },
                        &by,
                        Extras::default(),
                    )
                    .await;
                }
                tx.commit().await.map_err(error::store)
            })
        })
        .await;
        Ok(match lock {
            Lock::Until(until) => ApiError::new(ErrorCode::AccountLocked).retry_at(until),
            Lock::UntilRecovery => ApiError::new(ErrorCode::AccountLocked),
            Lock::Open => ApiError::new(ErrorCode::CredentialsInvalid),
        })
    }

    /// An attempt refused because its counter `key` is locked is a failure too (DOMAIN §4:
    /// every failure is a security event), counted against the client; in the account's log it
    /// is aggregated — the first refusal of an hour and every tenth after it — so guessing
    /// cannot flood the citizen's events. An unknown login's refusals are counted the same way
    /// (under its own key), so a lock answers as fast for a login that exists as for one that
    /// does not; the log entry is written right after the answer.
    /// The client's failures and `key`'s lock, read together, before any secret is checked:
    /// a locked key is refused (the refusal recorded), an open one says whether it has
    /// failures to reset on success. Every way of signing in goes through it.
    pub(crate) async fn admit_sign_in(
        &self,
        context: &Context,
        account: Option<&Loaded>,
        key: &str,
    ) -> Outcome<throttle::Counted> {
        let config = &self.inner.config;
        let lock = throttle::check_client_and_lock(
            self.conn(),
            &config.client,
            &context.address,
            &config.lockout,
            key,
            self.now(),
        )
        .await?;
        match lock {
            Ok(counted) => Ok(counted),
            Err(refused) => {
                self.record_refused(context, account, key).await?;
                Err(refused)
            }
        }
    }

    async fn record_refused(
        &self,
        context: &Context,
        account: Option<&Loaded>,
        key: &str,
    ) -> Outcome<()> {
        let now = self.now();
        let refused_key = format!("refused:{key}");
        let tx = self.begin().await?;
        kabinet_store::throttles::count_in_window(&tx, &refused_key, now, now - Duration::hours(1))
            .await
            .map_err(error::store)?;
        let refusals = kabinet_store::throttles::throttle(&tx, &refused_key)
            .await
            .map_err(error::store)?
            .map_or(1, |row| row.failures);
        throttle::client_failure(&tx, &self.inner.config.client, &context.address, now).await?;
        tx.commit().await.map_err(error::store)?;
        let logged = account
            .filter(|a| a.state.status != Status::Pending)
            .filter(|_| refusals == 1 || refusals % 10 == 0);
        self.after_answer(context, logged, |service, context, account| {
            Box::pin(async move {
                let tx = service.begin().await?;
                repo::execute(
                    &tx,
                    &account,
                    &Command::RecordSignInFailure,
                    &service.by(&Actor::Citizen, &context),
                    Extras::default(),
                )
                .await?;
                tx.commit().await.map_err(error::store)
            })
        })
        .await;
        Ok(())
    }

    async fn sign_in_flow(&self, ticket: &str) -> Outcome<Flow<SignInFlow>> {
        flow::find(self.conn(), &self.inner.hasher, ticket, self.now()).await
    }
}

fn api_factor(factor: kabinet_core::sign_in::SecondFactor) -> SecondFactor {
    match factor {
        kabinet_core::sign_in::SecondFactor::Sms => SecondFactor::Sms,
        kabinet_core::sign_in::SecondFactor::Email => SecondFactor::Email,
        kabinet_core::sign_in::SecondFactor::Totp => SecondFactor::Totp,
    }
}
