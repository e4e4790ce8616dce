//! Identity confirmation through an online bank (DOMAIN §6, method 5), by redirect:
//! `identity_bank_start` makes a flow bound to the account — its ticket is the `state`, with a
//! random `nonce` — and answers the bank's authorisation page; the citizen signs in at the bank
//! and consents, and the bank sends them back to Kabinet's return address with its signed
//! assertion. `identity_confirm_bank` takes the state and the assertion: the state must be this
//! account's live, unused flow and the assertion must carry its nonce (rules in
//! `kabinet_core::bank`), verify against the flow's bank's key, be fresh, be new (each `jti`
//! once), and name the person of the profile.

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use kabinet_api::{
    AccountSummary, ApiError, BankAssertion, BankRedirect, BankStart, Context, ErrorCode,
    ProfileForm,
};
use kabinet_core::Violation;
use kabinet_core::account::{Actor, Command, ConfirmationMethod, Level};
use kabinet_core::bank::{FLOW_TTL, PendingFlow, check_nonce, check_state};
use kabinet_core::codes::link_token;
use kabinet_store::documents::use_bank_assertion;
use serde::{Deserialize, Serialize};

use crate::Service;
use crate::access::Citizen;
use crate::error::{self, Outcome};
use crate::flow::{self, FlowState};
use crate::ports::bank::{AUDIENCE, BankClaims, TrustedBank};
use crate::ports::entropy::Random;
use crate::repo::{self, Extras};

/// Clocks of banks and Kabinet may differ this much.
const CLOCK_SKEW_SECONDS: i64 = 60;

fn refused(rule: &str) -> ApiError {
    ApiError::field("assertion", rule)
}

fn field(name: &str, violation: &Violation) -> ApiError {
    ApiError::fields(vec![kabinet_api::FieldError {
        field: name.to_owned(),
        rules: vec![error::rule(violation)],
    }])
}

/// A citizen sent to a bank, waiting for them to come back.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub(crate) enum BankFlow {
    /// At the bank's pages.
    AtBank {
        /// The bank's id.
        bank: String,
        /// What the bank must sign into its assertion.
        nonce: String,
    },
}

impl FlowState for BankFlow {
    const KIND: &'static str = "bank_confirmation";
}

impl Service {
    pub(crate) async fn identity_bank_start(
        &self,
        citizen: Citizen,
        _context: &Context,
        request: BankStart,
    ) -> Outcome<BankRedirect> {
        let now = self.now();
        let config = &self.inner.config;
        let bank = config
            .trusted_banks
            .iter()
            .find(|b| b.id == request.bank && b.authorize_url.is_some())
            .ok_or_else(|| ApiError::field("bank", "bank_unknown"))?;
        if citizen.account.state.level != Level::Standard {
            return Err(ApiError::new(ErrorCode::NotAllowed).with_message(
                "Подтвердить личность через банк можно для стандартной учётной записи",
            ));
        }
        let nonce = link_token(&mut Random(self.inner.ports.entropy.as_ref()));
        let tx = self.begin().await?;
        let (state, _) = flow::create(
            &tx,
            &self.inner.hasher,
            self.inner.ports.entropy.as_ref(),
            Some(citizen.account.id),
            BankFlow::AtBank {
                bank: bank.id.clone(),
                nonce: nonce.clone(),
            },
            FLOW_TTL,
            now,
        )
        .await?;
        tx.commit().await.map_err(error::store)?;
        let return_url = config.bank_return_url();
        let authorize = bank.authorize_url.as_deref().unwrap_or_default();
        let mut url = url::Url::parse(authorize).map_err(|e| error::internal(&e))?;
        url.query_pairs_mut()
            .append_pair("client_id", &bank.client_id)
            .append_pair("redirect_uri", &return_url)
            .append_pair("state", &state)
            .append_pair("nonce", &nonce);
        Ok(BankRedirect {
            url: url.into(),
            return_url,
        })
    }

    pub(crate) async fn identity_confirm_bank(
        &self,
        citizen: Citizen,
        context: &Context,
        request: BankAssertion,
    ) -> Outcome<AccountSummary> {
        let now = self.now();
        let account_id = citizen.account.id;
        // Whose flow the state names, and whether it is live: before the assertion is read.
        let found =
            flow::lookup::<BankFlow>(self.conn(), &self.inner.hasher, &request.state).await?;
        let pending = found
            .as_ref()
            .map(|(f, expires_at, finished_at)| PendingFlow {
                account: f.account_id,
                expires_at: *expires_at,
                finished_at: *finished_at,
            });
        check_state(pending.as_ref(), &Some(account_id), now).map_err(|v| field("state", &v))?;
        let Some((bank_flow, _, _)) = found else {
            return Err(ApiError::field("state", "bank_state_unknown"));
        };
        let BankFlow::AtBank {
            bank: flow_bank,
            nonce,
        } = &bank_flow.state;
        let (bank, claims) = self.verify_assertion(request.assertion.trim())?;
        if &bank.id != flow_bank {
            return Err(refused("assertion_untrusted"));
        }
        check_nonce(nonce, claims.nonce.as_deref()).map_err(|v| field("assertion", &v))?;
        let (iat, exp) = (claims.iat, claims.exp);
        if exp <= now.timestamp() {
            return Err(refused("assertion_expired"));
        }
        if iat > now.timestamp() + CLOCK_SKEW_SECONDS
            || exp - iat > self.inner.config.bank_assertion_max_age.num_seconds()
        {
            return Err(refused("assertion_invalid"));
        }
        // The person the bank vouches for must be this account's person.
        let profile: Option<ProfileForm> = self
            .profile_row(self.conn(), account_id)
            .await?
            .submitted
            .and_then(|v| serde_json::from_value(v).ok());
        let Some(profile) = profile else {
            return Err(refused("assertion_mismatch"));
        };
        let same = |a: &str, b: &str| a.trim().to_lowercase() == b.trim().to_lowercase();
        let birth_iso = {
            let p: Vec<&str> = profile.birth_date.split('.').collect();
            if p.len() == 3 {
                format!("{}-{}-{}", p[2], p[1], p[0])
            } else {
                String::new()
            }
        };
        let snils: String = profile.snils.chars().filter(char::is_ascii_digit).collect();
        if claims.sub != snils
            || !same(&claims.surname, &profile.surname)
            || !same(&claims.first_name, &profile.first_name)
            || !same(&claims.patronymic, &profile.patronymic)
            || claims.birth_date != birth_iso
        {
            return Err(refused("assertion_mismatch"));
        }
        let tx = self.begin().await?;
        if !flow::finish_once(&tx, &bank_flow, now).await? {
            return Err(ApiError::field("state", "bank_state_used"));
        }
        let fresh = use_bank_assertion(&tx, &bank.id, &claims.jti, account_id, now)
            .await
            .map_err(error::store)?;
        if !fresh {
            return Err(refused("assertion_replayed"));
        }
        let account = repo::execute(
            &tx,
            &citizen.account,
            &Command::ConfirmIdentity {
                method: ConfirmationMethod::OnlineBank {
                    bank: bank.id.clone(),
                },
            },
            &self.by(&Actor::Citizen, context),
            Extras::default(),
        )
        .await?;
        tx.commit().await.map_err(error::store)?;
        self.notify_event(account_id, crate::messages::confirmed_notice())
            .await;
        self.summary(&account).await
    }

    /// The bank whose key verifies the assertion, with its claims. Time is checked by the
    /// caller against the service's clock, not the system's.
    fn verify_assertion(&self, token: &str) -> Outcome<(TrustedBank, BankClaims)> {
        let header =
            jsonwebtoken::decode_header(token).map_err(|_| refused("assertion_invalid"))?;
        if header.alg != Algorithm::EdDSA {
            return Err(refused("assertion_invalid"));
        }
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "aud", "iss", "sub"]);
        for bank in &self.inner.config.trusted_banks {
            let key = DecodingKey::from_ed_der(&bank.public_key);
            if let Ok(data) = jsonwebtoken::decode::<BankClaims>(token, &key, &validation) {
                if data.claims.iss != bank.id {
                    return Err(refused("assertion_untrusted"));
                }
                return Ok((bank.clone(), data.claims));
            }
        }
        Err(refused("assertion_untrusted"))
    }
}
