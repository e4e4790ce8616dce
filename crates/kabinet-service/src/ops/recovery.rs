//! Recovery (DOMAIN §4, «Я не знаю пароль»): a code to the confirmed contact, the secret
//! question if one is set, then a new password. For a login nobody has, every answer has the
//! same shape and status and the same database work: a decoy flow with a code nobody receives.

use chrono::Duration;
use kabinet_api::{
    ApiError, Channel, CodeEntry, Context, ErrorCode, NewPassword, Recovery, RecoveryStart,
    RecoveryStep, SecretAnswer, Ticket,
};
use kabinet_core::account::{Actor, Command, SecurityAction, Status};
use kabinet_core::codes::{CodePurpose, sms_code};
use kabinet_core::recovery::normalise_answer;
use kabinet_core::{FieldErrors, Violation};
use kabinet_store::Conn;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Service;
use crate::error::{self, Outcome};
use crate::flow::{self, Flow, FlowState};
use crate::login;
use crate::messages;
use crate::notify::{Outgoing, code_message};
use crate::otp::{self, CodeChannel};
use crate::ports::entropy::Random;
use crate::repo::{self, Extras};
use crate::sessions::{self, Which};
use crate::throttle;

const RECOVERY_TTL: Duration = Duration::minutes(30);

/// A recovery: the code, then the secret question if the citizen set one, then the new
/// password. `send_key` is the recipient key its codes are counted under.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub(crate) enum RecoveryFlow {
    /// Waiting for the code.
    Code { send_key: String },
    /// Waiting for the secret answer.
    SecretQuestion { send_key: String },
    /// Waiting for the new password.
    NewPassword { send_key: String },
}

impl FlowState for RecoveryFlow {
    const KIND: &'static str = "recovery";
}

impl RecoveryFlow {
    fn send_key(&self) -> String {
        match self {
            Self::Code { send_key }
            | Self::SecretQuestion { send_key }
            | Self::NewPassword { send_key } => send_key.clone(),
        }
    }
}

impl Service {
    pub(crate) async fn recovery_start(
        &self,
        context: &Context,
        request: RecoveryStart,
    ) -> Outcome<Recovery> {
        let floor = self.answer_floor();
        let outcome = self.recovery_started(context, request).await;
        // A field error answers at once: it says nothing of anyone.
        if !outcome.as_ref().is_err_and(|e| !e.fields.is_empty()) {
            floor.await;
        }
        outcome
    }

    async fn recovery_started(
        &self,
        context: &Context,
        request: RecoveryStart,
    ) -> Outcome<Recovery> {
        let candidates = login::candidates(&request.login);
        if request.login.trim().is_empty() {
            return Err(ApiError::field("login", "required"));
        }
        if candidates.is_empty() {
            return Err(ApiError::field("login", "login_format"));
        }
        self.check_client(context).await?;
        let found = login::resolve(self.conn(), &candidates).await?;
        // An unknown login reads a row that is not there, in the same statement: both paths
        // do the same database work, so the time of the answer tells nothing.
        let account_id = repo::load(self.conn(), found.map_or(Uuid::nil(), |(id, _)| id))
            .await?
            .filter(|a| recoverable(&a.state.status))
            .map(|a| a.id);
        let send_key = format!("recovery:{}", candidates[0].key());
        self.begin_recovery(account_id, send_key).await
    }

    pub(crate) async fn recovery_resend(
        &self,
        _context: &Context,
        request: Ticket,
    ) -> Outcome<Recovery> {
        let flow = self.recovery_flow(&request.ticket).await?;
        let RecoveryFlow::Code { send_key } = flow.state.clone() else {
            return Err(flow::wrong_step());
        };
        let tx = self.begin().await?;
        let (expires, resend, message) = self.issue_recovery_code(&tx, &flow, &send_key).await?;
        tx.commit().await.map_err(error::store)?;
        self.deliver(message.into_iter().collect()).await;
        Ok(view(
            request.ticket,
            RecoveryStep::Code,
            None,
            Some((expires, resend)),
        ))
    }

    pub(crate) async fn recovery_confirm(
        &self,
        context: &Context,
        request: CodeEntry,
    ) -> Outcome<Recovery> {
        let config = &self.inner.config;
        self.check_client(context).await?;
        let flow = self.recovery_flow(&request.ticket).await?;
        if !matches!(flow.state, RecoveryFlow::Code { .. }) {
            return Err(flow::wrong_step());
        }
        self.check_code(
            context,
            flow.id,
            CodePurpose::Recovery,
            &request.code,
            &config.sms_codes,
        )
        .await?;
        // Only a real account's code can be right: decoys are never sent.
        let account_id = flow
            .account_id
            .ok_or_else(|| error::internal(&"a decoy recovery code was accepted"))?;
        let credentials = self.credentials(self.conn(), account_id).await?;
        let tx = self.begin().await?;
        if let Some(account) = repo::load(&tx, account_id).await? {
            repo::execute(
                &tx,
                &account,
                &Command::RecordSecurity {
                    action: SecurityAction::RecoveryStarted,
                },
                &self.by(&Actor::Citizen, context),
                Extras::default(),
            )
            .await?;
        }
        let (step, question) = match credentials.secret_question {
            Some(q) if credentials.secret_answer_phc.is_some() => {
                (RecoveryStep::SecretQuestion, Some(q))
            }
            _ => (RecoveryStep::NewPassword, None),
        };
        let send_key = flow.state.send_key();
        let next = match step {
            RecoveryStep::SecretQuestion => RecoveryFlow::SecretQuestion { send_key },
            _ => RecoveryFlow::NewPassword { send_key },
        };
        flow::advance(&tx, &flow, next).await?;
        tx.commit().await.map_err(error::store)?;
        Ok(view(request.ticket, step, question, None))
    }

    pub(crate) async fn recovery_answer(
        &self,
        _context: &Context,
        request: SecretAnswer,
    ) -> Outcome<Recovery> {
        let flow = self.recovery_flow(&request.ticket).await?;
        let RecoveryFlow::SecretQuestion { send_key } = flow.state.clone() else {
            return Err(flow::wrong_step());
        };
        let account_id = flow.account()?;
        let credentials = self.credentials(self.conn(), account_id).await?;
        if self
            .verify_secret(
                credentials.secret_answer_phc.clone(),
                normalise_answer(&request.answer),
            )
            .await?
        {
            flow::advance(self.conn(), &flow, RecoveryFlow::NewPassword { send_key }).await?;
            return Ok(view(request.ticket, RecoveryStep::NewPassword, None, None));
        }
        let failures = flow::count_failure(self.conn(), &flow).await?;
        let failures = u32::try_from(failures).unwrap_or(u32::MAX);
        let allowed = self.inner.config.secret_answer_attempts;
        let Some(remaining) = kabinet_core::recovery::answers_remaining(failures, allowed) else {
            flow::finish(self.conn(), &flow, self.now()).await?;
            return Err(ApiError::new(ErrorCode::FlowExpired));
        };
        let mut errors = FieldErrors::default();
        errors.add(
            "answer",
            vec![Violation::new("answer_wrong").with("remaining", remaining)],
        );
        Err(error::fields(errors))
    }

    pub(crate) async fn recovery_set_password(
        &self,
        context: &Context,
        request: NewPassword,
    ) -> Outcome<Recovery> {
        let flow = self.recovery_flow(&request.ticket).await?;
        let RecoveryFlow::NewPassword { .. } = flow.state else {
            return Err(flow::wrong_step());
        };
        let account_id = flow.account()?;
        self.check_account_password(account_id, &request.password, &request.password_repeat)
            .await?;
        let phc = self.hash_secret(request.password).await?;
        let now = self.now();
        let tx = self.begin().await?;
        let account = repo::load(&tx, account_id)
            .await?
            .ok_or_else(|| ApiError::new(ErrorCode::FlowExpired))?;
        let by = self.by(&Actor::Citizen, context);
        // A lockout never blocks recovery; a new password ends it.
        let account = self.set_password(&tx, &account, phc, false, &by).await?;
        if matches!(account.state.status, Status::Locked { .. }) {
            repo::execute(&tx, &account, &Command::Unlock, &by, Extras::default()).await?;
        }
        sessions::revoke(&tx, account_id, Which::All, now).await?;
        throttle::reset_account(&tx, account_id).await?;
        self.remember_device(&tx, account_id, context).await?;
        flow::finish(&tx, &flow, now).await?;
        tx.commit().await.map_err(error::store)?;
        self.notify_event(account_id, messages::password_changed_notice())
            .await;
        Ok(view(request.ticket, RecoveryStep::Done, None, None))
    }

    // -----------------------------------------------------------------------------------------

    /// Opens a recovery flow and sends its code (or stores a decoy for no account).
    pub(crate) async fn begin_recovery(
        &self,
        account_id: Option<Uuid>,
        send_key: String,
    ) -> Outcome<Recovery> {
        let now = self.now();
        let tx = self.begin().await?;
        // Inside the resend cooldown nothing is made: a flow of a real account would be checked
        // against its account (a foreign key) where a decoy's is not, and take longer.
        otp::may_send_to(&tx, &send_key, &self.inner.config.sms_codes, now).await?;
        let (ticket, flow) = flow::create(
            &tx,
            &self.inner.hasher,
            self.inner.ports.entropy.as_ref(),
            account_id,
            RecoveryFlow::Code {
                send_key: send_key.clone(),
            },
            RECOVERY_TTL,
            now,
        )
        .await?;
        let (expires, resend, message) = self.issue_recovery_code(&tx, &flow, &send_key).await?;
        tx.commit().await.map_err(error::store)?;
        self.deliver(message.into_iter().collect()).await;
        Ok(view(
            ticket,
            RecoveryStep::Code,
            None,
            Some((expires, resend)),
        ))
    }

    /// A new code in the flow: sent to the account's contact, or a decoy nobody receives.
    /// The same policy (SMS: 300 s) for every channel, so the expiry tells nothing.
    async fn issue_recovery_code(
        &self,
        conn: &impl Conn,
        flow: &Flow<RecoveryFlow>,
        send_key: &str,
    ) -> Outcome<(
        chrono::DateTime<chrono::Utc>,
        chrono::DateTime<chrono::Utc>,
        Option<Outgoing>,
    )> {
        let now = self.now();
        let policy = self.inner.config.sms_codes;
        otp::may_send_to(conn, send_key, &policy, now).await?;
        let code = sms_code(&mut Random(self.inner.ports.entropy.as_ref()));
        // A decoy reads the contacts of nobody: the same statement, no rows.
        let (phone, email) = self
            .contacts(flow.account_id.unwrap_or(Uuid::nil()))
            .await?;
        let (channel, code_channel, to) = match (phone, email) {
            (Some(phone), _) => (Channel::Sms, CodeChannel::Sms, Some(phone)),
            (None, Some(email)) => (Channel::Email, CodeChannel::Email, Some(email)),
            (None, None) => (Channel::Sms, CodeChannel::Nowhere, None),
        };
        let expires = self
            .issue_code(
                conn,
                flow,
                CodePurpose::Recovery,
                code_channel,
                &code,
                &policy,
            )
            .await?;
        let resend = otp::record_send(conn, send_key, &policy, now).await?;
        let message = to.map(|to| {
            code_message(
                flow.account_id,
                channel,
                &to,
                messages::recovery_code(&code, channel == Channel::Email),
            )
        });
        Ok((expires, resend, message))
    }

    async fn recovery_flow(&self, ticket: &str) -> Outcome<Flow<RecoveryFlow>> {
        flow::find(self.conn(), &self.inner.hasher, ticket, self.now()).await
    }
}

/// Accounts a recovery can reach: active or locked (a lock never blocks recovery).
fn recoverable(status: &Status) -> bool {
    matches!(status, Status::Active | Status::Locked { .. })
}

fn view(
    ticket: String,
    step: RecoveryStep,
    question: Option<String>,
    code: Option<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)>,
) -> Recovery {
    Recovery {
        ticket,
        step,
        question,
        code_expires_at: code.map(|c| c.0),
        resend_at: code.map(|c| c.1),
    }
}
