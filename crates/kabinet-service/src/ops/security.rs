//! Security settings: the password change, SMS and authenticator second factors, the secret
//! question. Each asks for the current password again and is recorded as a security event.

use chrono::Duration;
use kabinet_api::{
    ApiError, CodeEntry, Context, Empty, ErrorCode, PasswordChange, Reauth, SecondFactor,
    SecondFactorOff, SecretQuestionSet, SecuritySettings, TotpSetup,
};
use kabinet_core::FieldErrors;
use kabinet_core::account::{Actor, Command, SecurityAction};
use kabinet_core::recovery;
use kabinet_core::totp::TotpSecret;
use kabinet_store::credentials::Credentials;

use crate::Service;
use crate::access::Citizen;
use crate::error::{self, Outcome};
use crate::flow::{self, Flow, FlowState};
use crate::messages;
use crate::ports::entropy::Random;
use crate::repo::{self, Extras};
use crate::sessions::{self, Which};

const TOTP_SETUP_TTL: Duration = Duration::minutes(15);
const ISSUER: &str = "Kabinet";

/// An authenticator being set up: its secret, sealed, waits for a first code.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub(crate) enum TotpSetupFlow {
    /// Waiting for the first code.
    Confirm { sealed: String },
}

impl FlowState for TotpSetupFlow {
    const KIND: &'static str = "totp_setup";
}

impl Service {
    pub(crate) async fn security_settings(
        &self,
        citizen: Citizen,
        _context: &Context,
        _request: Empty,
    ) -> Outcome<SecuritySettings> {
        let credentials = self.credentials(self.conn(), citizen.account.id).await?;
        Ok(settings_view(&credentials))
    }

    pub(crate) async fn password_change(
        &self,
        citizen: Citizen,
        context: &Context,
        request: PasswordChange,
    ) -> Outcome<Empty> {
        let account_id = citizen.account.id;
        self.reauthenticate(
            context,
            account_id,
            &request.current_password,
            "current_password",
        )
        .await?;
        self.check_account_password(account_id, &request.password, &request.password_repeat)
            .await?;
        if request.password == request.current_password {
            return Err(ApiError::field("password", "password_unchanged"));
        }
        let phc = self.hash_secret(request.password).await?;
        let now = self.now();
        let tx = self.begin().await?;
        let by = self.by(&Actor::Citizen, context);
        self.set_password(&tx, &citizen.account, phc, false, &by)
            .await?;
        sessions::revoke(&tx, account_id, Which::AllBut(citizen.session.id), now).await?;
        tx.commit().await.map_err(error::store)?;
        self.notify_event(account_id, messages::password_changed_notice())
            .await;
        Ok(Empty {})
    }

    pub(crate) async fn sms_second_factor_enable(
        &self,
        citizen: Citizen,
        context: &Context,
        request: Reauth,
    ) -> Outcome<SecuritySettings> {
        let account_id = citizen.account.id;
        let mut credentials = self
            .reauthenticate(context, account_id, &request.password, "password")
            .await?;
        if self.contacts(account_id).await?.0.is_none() {
            return Err(ApiError::new(ErrorCode::NotAllowed)
                .with_message("Для входа по SMS-коду добавьте номер телефона"));
        }
        credentials.sms_second_factor = true;
        self.change_protection(
            context,
            &citizen.account,
            credentials,
            SecurityAction::SmsSecondFactorOn,
            "включён вход с SMS-кодом",
        )
        .await
    }

    pub(crate) async fn totp_setup_begin(
        &self,
        citizen: Citizen,
        context: &Context,
        request: Reauth,
    ) -> Outcome<TotpSetup> {
        let account_id = citizen.account.id;
        self.reauthenticate(context, account_id, &request.password, "password")
            .await?;
        let secret = TotpSecret::generate(&mut Random(self.inner.ports.entropy.as_ref()));
        let label = self
            .contacts(account_id)
            .await?
            .0
            .unwrap_or_else(|| citizen.account.first_name.clone());
        let (Some(otpauth_url), Some(base32)) =
            (secret.otpauth_url(&label, ISSUER), secret.base32())
        else {
            return Err(error::internal(&"could not encode a TOTP secret"));
        };
        let sealed = self.inner.sealer.seal(account_id, &secret.0);
        let (ticket, _) = flow::create(
            self.conn(),
            &self.inner.hasher,
            self.inner.ports.entropy.as_ref(),
            Some(account_id),
            TotpSetupFlow::Confirm {
                sealed: hex::encode(&sealed),
            },
            TOTP_SETUP_TTL,
            self.now(),
        )
        .await?;
        Ok(TotpSetup {
            ticket,
            secret: base32,
            otpauth_url,
        })
    }

    pub(crate) async fn totp_setup_confirm(
        &self,
        citizen: Citizen,
        context: &Context,
        request: CodeEntry,
    ) -> Outcome<SecuritySettings> {
        let account_id = citizen.account.id;
        let flow: Flow<TotpSetupFlow> =
            flow::find(self.conn(), &self.inner.hasher, &request.ticket, self.now()).await?;
        if flow.account_id != Some(account_id) {
            return Err(ApiError::new(ErrorCode::FlowExpired));
        }
        let TotpSetupFlow::Confirm { sealed } = &flow.state;
        let sealed = hex::decode(sealed)
            .map_err(|_| error::internal(&"a TOTP set-up without its secret"))?;
        let secret = self
            .inner
            .sealer
            .open(account_id, &sealed)
            .map(TotpSecret)
            .ok_or_else(|| error::internal(&"a TOTP secret that does not open"))?;
        let now = u64::try_from(self.now().timestamp()).unwrap_or_default();
        let step = secret
            .verify(&request.code, now, None)
            .map_err(|_| ApiError::field("code", "totp_wrong"))?;
        let mut credentials = self.credentials(self.conn(), account_id).await?;
        credentials.totp_sealed = Some(sealed);
        credentials.totp_last_step = i64::try_from(step).ok();
        flow::finish(self.conn(), &flow, self.now()).await?;
        self.change_protection(
            context,
            &citizen.account,
            credentials,
            SecurityAction::TotpOn,
            "подключено приложение-аутентификатор",
        )
        .await
    }

    pub(crate) async fn second_factor_disable(
        &self,
        citizen: Citizen,
        context: &Context,
        request: SecondFactorOff,
    ) -> Outcome<SecuritySettings> {
        let account_id = citizen.account.id;
        let mut credentials = self
            .reauthenticate(context, account_id, &request.password, "password")
            .await?;
        let (action, what) = match request.method {
            SecondFactor::Sms => {
                credentials.sms_second_factor = false;
                (
                    SecurityAction::SmsSecondFactorOff,
                    "отключён вход с SMS-кодом",
                )
            }
            SecondFactor::Totp => {
                credentials.totp_sealed = None;
                credentials.totp_last_step = None;
                (
                    SecurityAction::TotpOff,
                    "отключено приложение-аутентификатор",
                )
            }
            SecondFactor::Email => return Err(ApiError::field("method", "method_not_offered")),
        };
        self.change_protection(context, &citizen.account, credentials, action, what)
            .await
    }

    pub(crate) async fn secret_question_set(
        &self,
        citizen: Citizen,
        context: &Context,
        request: SecretQuestionSet,
    ) -> Outcome<SecuritySettings> {
        let account_id = citizen.account.id;
        let mut credentials = self
            .reauthenticate(context, account_id, &request.password, "password")
            .await?;
        let question = recovery::normalise_question(&request.question);
        let answer = recovery::normalise_answer(&request.answer);
        let mut errors = FieldErrors::default();
        errors.add(
            "question",
            recovery::length_violations(&question, recovery::QUESTION_CHARS),
        );
        errors.add(
            "answer",
            recovery::length_violations(&answer, recovery::ANSWER_CHARS),
        );
        if !errors.is_empty() {
            return Err(error::fields(errors));
        }
        credentials.secret_question = Some(question);
        credentials.secret_answer_phc = Some(self.hash_secret(answer).await?);
        self.change_protection(
            context,
            &citizen.account,
            credentials,
            SecurityAction::SecretQuestionSet,
            "задан контрольный вопрос",
        )
        .await
    }

    pub(crate) async fn secret_question_remove(
        &self,
        citizen: Citizen,
        context: &Context,
        request: Reauth,
    ) -> Outcome<SecuritySettings> {
        let account_id = citizen.account.id;
        let mut credentials = self
            .reauthenticate(context, account_id, &request.password, "password")
            .await?;
        credentials.secret_question = None;
        credentials.secret_answer_phc = None;
        self.change_protection(
            context,
            &citizen.account,
            credentials,
            SecurityAction::SecretQuestionRemoved,
            "удалён контрольный вопрос",
        )
        .await
    }

    /// Saves changed credentials with their security event, then tells the citizen.
    async fn change_protection(
        &self,
        context: &Context,
        account: &repo::Loaded,
        credentials: Credentials,
        action: SecurityAction,
        what: &str,
    ) -> Outcome<SecuritySettings> {
        let account_id = account.id;
        let view = settings_view(&credentials);
        let tx = self.begin().await?;
        repo::execute(
            &tx,
            account,
            &Command::RecordSecurity { action },
            &self.by(&Actor::Citizen, context),
            Extras::default(),
        )
        .await?;
        self.save_credentials(&tx, credentials).await?;
        tx.commit().await.map_err(error::store)?;
        self.notify_event(account_id, messages::security_changed_notice(what))
            .await;
        Ok(view)
    }
}

fn settings_view(credentials: &Credentials) -> SecuritySettings {
    SecuritySettings {
        sms_second_factor: credentials.sms_second_factor,
        totp_second_factor: credentials.totp_sealed.is_some(),
        secret_question: credentials
            .secret_answer_phc
            .as_ref()
            .and(credentials.secret_question.clone()),
        password_changed_at: credentials.password_changed_at,
    }
}
