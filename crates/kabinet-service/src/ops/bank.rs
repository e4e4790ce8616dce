//! Identity confirmation through an online bank (DOMAIN §6, method 5): the bank's signed
//! assertion must verify against a configured bank key, be fresh, be new (each `jti` once),
//! and name the person of the profile.

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use kabinet_api::{AccountSummary, ApiError, BankAssertion, Context, ProfileForm};
use kabinet_core::account::{Actor, Command, ConfirmationMethod};
use kabinet_store::documents::use_bank_assertion;

use crate::Service;
use crate::access::Citizen;
use crate::error::{self, Outcome};
use crate::ports::bank::{AUDIENCE, BankClaims, TrustedBank};
use crate::repo::{self, Extras};

/// Clocks of banks and Kabinet may differ this much.
const CLOCK_SKEW_SECONDS: i64 = 60;

fn refused(rule: &str) -> ApiError {
    ApiError::field("assertion", rule)
}

impl Service {
    pub(crate) async fn identity_confirm_bank(
        &self,
        citizen: Citizen,
        context: &Context,
        request: BankAssertion,
    ) -> Outcome<AccountSummary> {
        let now = self.now();
        let (bank, claims) = self.verify_assertion(request.assertion.trim())?;
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
        let account_id = citizen.account.id;
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
