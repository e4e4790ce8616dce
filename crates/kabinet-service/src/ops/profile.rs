//! The profile (DOMAIN §5): drafts saved at any moment, submission with every wrong field
//! named, the warning before verified data is edited, and the registry checks it queues.

use kabinet_api::{
    AddressForm, ApiError, CheckState, CheckView, Context, Empty, ErrorCode, ForeignPassportForm,
    Level as ApiLevel, PassportForm, ProfileForm, ProfileSubmit, ProfileView, RegistryCheck,
};
use kabinet_core::account::{Actor, Check, CheckStatus, Command, Level};
use kabinet_core::address::AddressInput;
use kabinet_core::date::format_date;
use kabinet_core::passport::PassportInput;
use kabinet_core::profile::{ForeignPassportInput, IdentityDocument, Profile, ProfileInput};
use kabinet_store::documents::{self as store, ProfileRow};
use kabinet_store::jobs::{self, NewJob};
use kabinet_store::{Conn, Tx};
use serde_json::json;
use uuid::Uuid;

use crate::Service;
use crate::access::Citizen;
use crate::error::{self, Outcome};
use crate::repo::{self, Extras, Loaded};

/// The largest draft kept (a profile form is a few hundred bytes).
const MAX_DRAFT_BYTES: usize = 16 * 1024;

/// Job kind of a registry check.
pub(crate) const REGISTRY_CHECK: &str = "registry_check";

impl Service {
    pub(crate) async fn profile_get(
        &self,
        citizen: Citizen,
        _context: &Context,
        _request: Empty,
    ) -> Outcome<ProfileView> {
        self.profile_view(&citizen.account).await
    }

    pub(crate) async fn profile_save_draft(
        &self,
        citizen: Citizen,
        _context: &Context,
        request: ProfileForm,
    ) -> Outcome<ProfileView> {
        let draft = serde_json::to_value(&request).map_err(|e| error::internal(&e))?;
        if draft.to_string().len() > MAX_DRAFT_BYTES {
            return Err(ApiError::field("profile", "too_large"));
        }
        let account_id = citizen.account.id;
        let mut row = self.profile_row(self.conn(), account_id).await?;
        row.draft = Some(draft);
        row.draft_saved_at = Some(self.now());
        self.save_profile_row(self.conn(), row).await?;
        self.profile_view(&citizen.account).await
    }

    pub(crate) async fn profile_submit(
        &self,
        citizen: Citizen,
        context: &Context,
        request: ProfileSubmit,
    ) -> Outcome<ProfileView> {
        let today = self.now().date_naive();
        let parsed = Profile::parse(&core_input(&request.profile), today).map_err(error::fields)?;
        let canonical = form_of(&parsed);
        let account = &citizen.account;
        let account_id = account.id;
        let mut row = self.profile_row(self.conn(), account_id).await?;
        let previous: Option<ProfileForm> = row
            .submitted
            .clone()
            .and_then(|v| serde_json::from_value(v).ok());
        if previous.as_ref() == Some(&canonical) && account.state.profile_submitted {
            return self.profile_view(account).await; // nothing changed: nothing to verify again
        }
        let verified = account.state.level > Level::Simplified || account.state.verified();
        let command = if verified {
            if !request.confirm_reverification {
                return Err(ApiError::new(ErrorCode::ReverificationNeeded));
            }
            Command::EditVerifiedData {
                snils_changed: previous.as_ref().map(|p| &p.snils) != Some(&canonical.snils),
            }
        } else {
            Command::SubmitProfile
        };
        let tx = self.begin().await?;
        let extras = Extras {
            claim: Vec::new(),
            // Re-verification withdraws the SNILS login (and the passport's claim) until the
            // new data passes; so does any edit of a profile whose documents an operator
            // claimed at an in-person registration (releasing what is not held changes nothing).
            release: previous.as_ref().map(verified_claims).unwrap_or_default(),
        };
        let account = repo::execute(
            &tx,
            account,
            &command,
            &self.by(&Actor::Citizen, context),
            extras,
        )
        .await?;
        row.submitted = Some(serde_json::to_value(&canonical).map_err(|e| error::internal(&e))?);
        row.submitted_at = Some(self.now());
        row.draft = None;
        row.draft_saved_at = None;
        self.save_profile_row(&tx, row).await?;
        self.queue_registry_checks(&tx, &account).await?;
        tx.commit().await.map_err(error::store)?;
        self.profile_view(&account).await
    }

    /// Queues both registry checks of the account's submitted profile, inside `tx`.
    pub(crate) async fn queue_registry_checks(&self, tx: &Tx, account: &Loaded) -> Outcome<()> {
        let account_id = account.id;
        for check in Check::ALL {
            jobs::enqueue(
                tx,
                NewJob {
                    kind: REGISTRY_CHECK.to_owned(),
                    payload: json!({"account_id": account_id, "check": check.as_str()}),
                    run_at: self.now(),
                    idempotency_key: Some(format!(
                        "check:{account_id}:{}:{}",
                        check.as_str(),
                        repo::version(account)
                    )),
                    max_attempts: 30,
                },
                self.now(),
            )
            .await
            .map_err(error::store)?;
        }
        Ok(())
    }

    // -----------------------------------------------------------------------------------------

    pub(crate) async fn profile_row(
        &self,
        conn: &impl Conn,
        account_id: Uuid,
    ) -> Outcome<ProfileRow> {
        Ok(store::profile(conn, account_id)
            .await
            .map_err(error::store)?
            .unwrap_or(ProfileRow {
                account_id,
                submitted: None,
                submitted_at: None,
                draft: None,
                draft_saved_at: None,
            }))
    }

    pub(crate) async fn save_profile_row(&self, conn: &impl Conn, row: ProfileRow) -> Outcome<()> {
        store::save_profile(conn, row).await.map_err(error::store)
    }

    pub(crate) async fn profile_view(&self, account: &Loaded) -> Outcome<ProfileView> {
        let row = self.profile_row(self.conn(), account.id).await?;
        let form = |v: Option<serde_json::Value>| v.and_then(|v| serde_json::from_value(v).ok());
        let state = &account.state;
        Ok(ProfileView {
            draft: form(row.draft),
            draft_saved_at: row.draft_saved_at,
            submitted: form(row.submitted),
            level: match state.level {
                Level::Simplified => ApiLevel::Simplified,
                Level::Standard => ApiLevel::Standard,
                Level::Confirmed => ApiLevel::Confirmed,
            },
            checks: Check::ALL
                .iter()
                .map(|c| check_view(*c, state.check(*c)))
                .collect(),
            edit_needs_reverification: state.level > Level::Simplified || state.verified(),
        })
    }
}

fn check_view(check: Check, status: &CheckStatus) -> CheckView {
    let (state, fields, retry_at) = match status {
        CheckStatus::NotStarted => (CheckState::NotStarted, Vec::new(), None),
        CheckStatus::Queued => (CheckState::Queued, Vec::new(), None),
        CheckStatus::Checking => (CheckState::Checking, Vec::new(), None),
        CheckStatus::Passed => (CheckState::Passed, Vec::new(), None),
        CheckStatus::Mismatch { fields } => (CheckState::Mismatch, fields.clone(), None),
        CheckStatus::Unavailable { retry_at } => {
            (CheckState::Unavailable, Vec::new(), Some(*retry_at))
        }
    };
    CheckView {
        check: match check {
            Check::Snils => RegistryCheck::Snils,
            Check::Passport => RegistryCheck::Passport,
        },
        state,
        fields,
        retry_at,
    }
}

pub(crate) fn core_input(form: &ProfileForm) -> ProfileInput {
    ProfileInput {
        surname: form.surname.clone(),
        first_name: form.first_name.clone(),
        patronymic: form.patronymic.clone(),
        sex: form.sex.clone(),
        birth_date: form.birth_date.clone(),
        birth_place: form.birth_place.clone(),
        citizenship: form.citizenship.clone(),
        passport: PassportInput {
            series: form.passport.series.clone(),
            number: form.passport.number.clone(),
            issued_on: form.passport.issued_on.clone(),
            issuer: form.passport.issuer.clone(),
            department_code: form.passport.department_code.clone(),
        },
        foreign_passport: ForeignPassportInput {
            country: form.foreign_passport.country.clone(),
            number: form.foreign_passport.number.clone(),
            issued_on: form.foreign_passport.issued_on.clone(),
            expires_on: form.foreign_passport.expires_on.clone(),
        },
        snils: form.snils.clone(),
        inn: form.inn.clone(),
        address: AddressInput {
            postcode: form.address.postcode.clone(),
            region: form.address.region.clone(),
            city: form.address.city.clone(),
            street: form.address.street.clone(),
            house: form.address.house.clone(),
            building: form.address.building.clone(),
            flat: form.address.flat.clone(),
        },
    }
}

/// The canonical writing of a valid profile, in the form's shape.
/// The logins a verified profile holds: its SNILS, and the series and number of a Russian
/// passport (found by staff, and one passport per account).
pub(crate) fn verified_claims(form: &ProfileForm) -> Vec<(String, String)> {
    let digits = |t: &str| t.chars().filter(char::is_ascii_digit).collect::<String>();
    let mut claims = vec![("snils".to_owned(), digits(&form.snils))];
    let passport = digits(&format!("{}{}", form.passport.series, form.passport.number));
    if passport.len() == 10 {
        claims.push(("passport".to_owned(), passport));
    }
    claims
}

pub(crate) fn form_of(p: &Profile) -> ProfileForm {
    let (passport, foreign_passport) = match &p.document {
        IdentityDocument::Russian(r) => (
            PassportForm {
                series: r.series.clone(),
                number: r.number.clone(),
                issued_on: format_date(r.issued_on),
                issuer: r.issuer.clone(),
                department_code: r.department_code.clone(),
            },
            ForeignPassportForm::default(),
        ),
        IdentityDocument::Foreign(f) => (
            PassportForm::default(),
            ForeignPassportForm {
                country: f.country.clone(),
                number: f.number.clone(),
                issued_on: format_date(f.issued_on),
                expires_on: f.expires_on.map(format_date).unwrap_or_default(),
            },
        ),
    };
    ProfileForm {
        surname: p.surname.as_str().to_owned(),
        first_name: p.first_name.as_str().to_owned(),
        patronymic: p
            .patronymic
            .as_ref()
            .map(|n| n.as_str().to_owned())
            .unwrap_or_default(),
        sex: p.sex.as_str().to_owned(),
        birth_date: format_date(p.birth_date),
        birth_place: p.birth_place.clone(),
        citizenship: p.citizenship.clone(),
        passport,
        foreign_passport,
        snils: p.snils.formatted(),
        inn: p
            .inn
            .as_ref()
            .map(|i| i.as_str().to_owned())
            .unwrap_or_default(),
        address: AddressForm {
            postcode: p.address.postcode.clone(),
            region: p.address.region.clone(),
            city: p.address.city.clone(),
            street: p.address.street.clone(),
            house: p.address.house.clone(),
            building: p.address.building.clone().unwrap_or_default(),
            flat: p.address.flat.clone().unwrap_or_default(),
        },
    }
}
