//! Identity confirmation (DOMAIN §6) — the methods done so far: a 16-digit activation code
//! handed over at a service centre and entered with the SNILS, and confirmation in person by an
//! operator who checked the originals — and the service catalogue that shows what each level
//! opens.

use kabinet_api::{
    AccountSummary, ActivationCodeEntry, ApiError, Catalogue, CatalogueEntry, Context, Empty,
    ErrorCode, Level as ApiLevel,
};
use kabinet_core::account::{Actor, Command, ConfirmationMethod, Level};
use kabinet_core::catalogue::{CATALOGUE, next_level, opens};
use kabinet_core::codes::{CodePolicy, CodePurpose};
use kabinet_core::snils::Snils;
use uuid::Uuid;

use crate::Service;
use crate::access::Citizen;
use crate::error::{self, Outcome};
use crate::flow::{self, Flow, FlowState};
use crate::messages;
use crate::repo::{self, Extras, Loaded};

fn api_level(level: Level) -> ApiLevel {
    match level {
        Level::Simplified => ApiLevel::Simplified,
        Level::Standard => ApiLevel::Standard,
        Level::Confirmed => ApiLevel::Confirmed,
    }
}

/// An activation code issued at a service centre, waiting to be entered: the SNILS it was
/// issued for and who issued it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub(crate) enum ActivationFlow {
    /// Waiting for the code.
    Enter {
        snils: Option<String>,
        issued_by: serde_json::Value,
    },
}

impl FlowState for ActivationFlow {
    const KIND: &'static str = "activation";
}

impl Service {
    pub(crate) async fn service_catalogue(
        &self,
        citizen: Citizen,
        _context: &Context,
        _request: Empty,
    ) -> Outcome<Catalogue> {
        let state = &citizen.account.state;
        let next = next_level(state.level);
        let services = CATALOGUE
            .iter()
            .map(|s| CatalogueEntry {
                code: s.code.to_owned(),
                title: s.title.to_owned(),
                level: api_level(s.level),
                available: opens(state, s),
            })
            .collect();
        let next_level_adds = CATALOGUE
            .iter()
            .filter(|s| Some(s.level) == next && !opens(state, s))
            .map(|s| s.code.to_owned())
            .collect();
        Ok(Catalogue {
            level: api_level(state.level),
            next_level: next.map(api_level),
            services,
            next_level_adds,
        })
    }

    pub(crate) async fn identity_confirm_activation_code(
        &self,
        citizen: Citizen,
        context: &Context,
        request: ActivationCodeEntry,
    ) -> Outcome<AccountSummary> {
        let now = self.now();
        let account_id = citizen.account.id;
        self.check_client(context).await?;
        let snils = Snils::parse(&request.snils).map_err(|v| {
            let mut errors = kabinet_core::FieldErrors::default();
            errors.add("snils", v);
            error::fields(errors)
        })?;
        // No code waiting for this account: the typed one is «already used» only if it is
        // this account's code that was spent; otherwise (none issued, or another) it is wrong.
        let Some(flow) = flow::latest_open::<ActivationFlow>(self.conn(), account_id, now).await?
        else {
            let digits: String = request.code.chars().filter(char::is_ascii_digit).collect();
            let hash = self.inner.hasher.hash(CodePurpose::Activation, &digits);
            let spent = kabinet_store::flows::code_by_hash(self.conn(), "none", &hash)
                .await
                .map_err(error::store)?
                .is_some_and(|c| c.account_id == account_id && c.consumed_at.is_some());
            if spent {
                return Err(ApiError::new(ErrorCode::CodeSpent));
            }
            self.count_client_failure(context).await?;
            return Err(ApiError {
                fields: ApiError::field("code", "code_wrong").fields,
                ..ApiError::new(ErrorCode::CodeWrong)
            });
        };
        let ActivationFlow::Enter {
            snils: issued_for, ..
        } = &flow.state;
        // The code was issued for this SNILS; one for another person never passes here.
        if issued_for.as_deref() != Some(snils.digits().as_str())
            || self.snils_of(account_id).await?.as_deref() != Some(snils.digits().as_str())
        {
            self.count_client_failure(context).await?;
            return Err(ApiError::field("snils", "snils_mismatch"));
        }
        let code: String = request.code.chars().filter(char::is_ascii_digit).collect();
        self.check_code(
            context,
            flow.id,
            CodePurpose::Activation,
            &code,
            &CodePolicy::activation(),
        )
        .await?;
        self.confirm_with_code(&citizen, context, &flow, ConfirmationMethod::ActivationCode)
            .await
    }

    /// A code that proves the identity was right: the confirmation, the code's flow ended,
    /// the citizen told.
    pub(crate) async fn confirm_with_code<S>(
        &self,
        citizen: &Citizen,
        context: &Context,
        flow: &Flow<S>,
        method: ConfirmationMethod,
    ) -> Outcome<AccountSummary> {
        let tx = self.begin().await?;
        let account = repo::execute(
            &tx,
            &citizen.account,
            &Command::ConfirmIdentity { method },
            &self.by(&Actor::Citizen, context),
            Extras::default(),
        )
        .await?;
        flow::finish(&tx, flow, self.now()).await?;
        tx.commit().await.map_err(error::store)?;
        self.confirmed(&account).await
    }

    async fn confirmed(&self, account: &Loaded) -> Outcome<AccountSummary> {
        self.notify_event(account.id, messages::confirmed_notice())
            .await;
        self.summary(account).await
    }

    async fn snils_of(&self, account_id: Uuid) -> Outcome<Option<String>> {
        kabinet_store::accounts::login_of(self.conn(), account_id, "snils")
            .await
            .map_err(error::store)
    }
}
