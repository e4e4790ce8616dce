//! Identity confirmation by registered letter (DOMAIN §6, method 2): the letter carries a code;
//! it can be tracked; a new one only 30 days after the previous (at once if the post lost it);
//! the code expires; a confirmation by letter keeps the tax-office account closed.

use chrono::Duration;
use kabinet_api::{
    AccountSummary, ApiError, Context, Empty, ErrorCode, LetterCode, LetterOrderRequest,
    LetterState, LetterView, ProfileForm,
};
use kabinet_core::account::{ConfirmationMethod, Level};
use kabinet_core::address::{Address, AddressInput};
use kabinet_core::codes::{CodePolicy, CodePurpose, numeric_code};
use kabinet_core::date::format_date;
use kabinet_core::letter::{PreviousLetter, REORDER_AFTER, may_order, next_order_at};
use kabinet_store::documents::{self as store, Letter};
use uuid::Uuid;

use crate::Service;
use crate::access::Citizen;
use crate::error::{self, Outcome};
use crate::flow::{self, FlowState};
use crate::otp::CodeChannel;
use crate::ports::entropy::Random;
use crate::ports::post::{LetterOrder, LetterStatus};

/// Letter codes: 10 digits, valid 60 days, 5 attempts.
fn letter_policy() -> CodePolicy {
    CodePolicy {
        ttl: Duration::days(60),
        max_attempts: 5,
        resend_cooldown: REORDER_AFTER,
        daily_cap: 1,
    }
}

fn state_of(status: LetterStatus) -> LetterState {
    match status {
        LetterStatus::Accepted => LetterState::Accepted,
        LetterStatus::InTransit => LetterState::InTransit,
        LetterStatus::Arrived => LetterState::Arrived,
        LetterStatus::HandedOver => LetterState::HandedOver,
        LetterStatus::Lost => LetterState::Lost,
    }
}

/// A registered letter's code, waiting to be entered.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub(crate) enum LetterFlow {
    /// Waiting for the code the letter carries.
    Enter { letter: Uuid },
}

impl FlowState for LetterFlow {
    const KIND: &'static str = "letter";
}

impl Service {
    pub(crate) async fn letter_order(
        &self,
        citizen: Citizen,
        _context: &Context,
        request: LetterOrderRequest,
    ) -> Outcome<LetterView> {
        let account_id = citizen.account.id;
        let now = self.now();
        if citizen.account.state.level != Level::Standard {
            return Err(ApiError::new(ErrorCode::NotAllowed)
                .with_message("Письмо с кодом заказывается для стандартной учётной записи"));
        }
        let previous = self.latest_letter(account_id).await?;
        if let Err(at) = may_order(previous.as_ref().map(previous_letter), now) {
            return Err(ApiError::new(ErrorCode::ResendTooSoon).retry_at(at));
        }
        let profile: ProfileForm = self
            .profile_row(self.conn(), account_id)
            .await?
            .submitted
            .and_then(|v| serde_json::from_value(v).ok())
            .ok_or_else(|| ApiError::new(ErrorCode::NotAllowed))?;
        let form = request.address.unwrap_or_else(|| profile.address.clone());
        let address = Address::parse(&AddressInput {
            postcode: form.postcode.clone(),
            region: form.region.clone(),
            city: form.city.clone(),
            street: form.street.clone(),
            house: form.house.clone(),
            building: form.building.clone(),
            flat: form.flat.clone(),
        })
        .map_err(|e| {
            let mut errors = kabinet_core::FieldErrors::default();
            for f in e.0 {
                errors.add(&format!("address.{}", f.field), f.violations);
            }
            error::fields(errors)
        })?;
        let policy = letter_policy();
        let code = numeric_code(10, &mut Random(self.inner.ports.entropy.as_ref()));
        let expires_at = now + policy.ttl;
        let line = [
            Some(address.region.clone()),
            Some(address.city.clone()),
            Some(format!("ул. {}", address.street)),
            Some(format!("д. {}", address.house)),
            address.building.as_ref().map(|b| format!("корп. {b}")),
            address.flat.as_ref().map(|f| format!("кв. {f}")),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
        let recipient = [&profile.surname, &profile.first_name, &profile.patronymic]
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let letter_id = Uuid::now_v7();
        let tracking = self
            .inner
            .ports
            .post
            .send(&LetterOrder {
                id: letter_id,
                recipient,
                postcode: address.postcode.clone(),
                address: line,
                body: format!(
                    "Код подтверждения личности для личного кабинета: {code}. Введите его в \
                     разделе «Подтверждение личности» до {}. Никому не сообщайте код.",
                    format_date(expires_at.date_naive())
                ),
            })
            .await
            .map_err(|e| {
                tracing::warn!(error = %e, "the post did not take a letter");
                ApiError::new(ErrorCode::Unavailable)
            })?;
        let tx = self.begin().await?;
        flow::finish_all::<LetterFlow>(&tx, account_id, now).await?;
        let (_, code_flow) = flow::create(
            &tx,
            &self.inner.hasher,
            self.inner.ports.entropy.as_ref(),
            Some(account_id),
            LetterFlow::Enter { letter: letter_id },
            policy.ttl,
            now,
        )
        .await?;
        self.issue_code(
            &tx,
            &code_flow,
            CodePurpose::Letter,
            CodeChannel::Nowhere,
            &code,
            &policy,
        )
        .await?;
        let row = Letter {
            id: letter_id,
            account_id,
            tracking,
            address: serde_json::to_value(&form).map_err(|e| error::internal(&e))?,
            status: LetterStatus::Accepted.as_str().to_owned(),
            ordered_at: now,
            status_at: now,
            flow_id: Some(code_flow.id),
        };
        let row = store::insert_letter(&tx, row).await.map_err(error::store)?;
        tx.commit().await.map_err(error::store)?;
        Ok(view(&row))
    }

    pub(crate) async fn letter_status(
        &self,
        citizen: Citizen,
        _context: &Context,
        _request: Empty,
    ) -> Outcome<LetterView> {
        let row = self
            .latest_letter(citizen.account.id)
            .await?
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
        let known = LetterStatus::parse(&row.status);
        if matches!(known, Some(LetterStatus::HandedOver | LetterStatus::Lost)) {
            return Ok(view(&row));
        }
        let status = match self.inner.ports.post.track(&row.tracking).await {
            Ok(s) => s,
            // Tracking is informative: show what is known when the post is down.
            Err(e) => {
                tracing::warn!(error = %e, "tracking failed");
                return Ok(view(&row));
            }
        };
        if Some(status) == known {
            return Ok(view(&row));
        }
        let now = self.now();
        store::set_letter_status(self.conn(), row.id, status.as_str(), now)
            .await
            .map_err(error::store)?;
        let row = Letter {
            status: status.as_str().to_owned(),
            status_at: now,
            ..row
        };
        Ok(view(&row))
    }

    pub(crate) async fn identity_confirm_letter(
        &self,
        citizen: Citizen,
        context: &Context,
        request: LetterCode,
    ) -> Outcome<AccountSummary> {
        let now = self.now();
        self.check_client(context).await?;
        let flow = flow::latest_open::<LetterFlow>(self.conn(), citizen.account.id, now)
            .await?
            .ok_or_else(|| ApiError::new(ErrorCode::CodeExpired))?;
        let code: String = request.code.chars().filter(char::is_ascii_digit).collect();
        self.check_code(
            context,
            flow.id,
            CodePurpose::Letter,
            &code,
            &letter_policy(),
        )
        .await?;
        self.confirm_with_code(
            &citizen,
            context,
            &flow,
            ConfirmationMethod::RegisteredLetter,
        )
        .await
    }

    /// Where the account's latest letter stands, as last tracked.
    pub(crate) async fn latest_letter_state(
        &self,
        account_id: Uuid,
    ) -> Outcome<Option<LetterState>> {
        Ok(self
            .latest_letter(account_id)
            .await?
            .and_then(|row| LetterStatus::parse(&row.status))
            .map(state_of))
    }

    async fn latest_letter(&self, account_id: Uuid) -> Outcome<Option<Letter>> {
        store::latest_letter(self.conn(), account_id)
            .await
            .map_err(error::store)
    }
}

/// A stored letter as the re-order rule sees it.
fn previous_letter(row: &Letter) -> PreviousLetter {
    PreviousLetter {
        ordered_at: row.ordered_at,
        lost_at: (row.status == LetterStatus::Lost.as_str()).then_some(row.status_at),
    }
}

fn view(row: &Letter) -> LetterView {
    LetterView {
        tracking: row.tracking.clone(),
        state: state_of(LetterStatus::parse(&row.status).unwrap_or(LetterStatus::Accepted)),
        ordered_at: row.ordered_at,
        state_at: row.status_at,
        code_expires_at: row.ordered_at + letter_policy().ttl,
        next_order_at: next_order_at(previous_letter(row)),
    }
}
