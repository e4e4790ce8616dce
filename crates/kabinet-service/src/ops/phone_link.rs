//! A phone proved after the visit. A citizen registered at a workstation without the link to
//! the centre cannot read out an SMS code there (no SMS leaves a workstation), so the operator
//! notes the phone; when the registration reaches the centre, an SMS carries a one-use link
//! (256 random bits, 7 days) to that phone, and opening it makes the phone the account's login
//! — the same proof of possession an e-mail link gives. Until then the account has no phone.

use chrono::{DateTime, Utc};
use kabinet_api::{ApiError, Channel, Context, ErrorCode, LinkToken, PhoneConfirmed};
use kabinet_core::account::{Actor, Command, SecurityAction};
use kabinet_core::codes::{CodePolicy, CodePurpose, link_token};
use kabinet_core::phone::Phone;
use kabinet_store::Conn;
use uuid::Uuid;

use crate::Service;
use crate::error::{self, Outcome};
use crate::flow::{self, FlowState};
use crate::messages;
use crate::notify::{Outgoing, code_message};
use crate::otp::{self, CodeChannel, NewCode};
use crate::ports::entropy::Random;
use crate::repo::{self, Extras};

/// A noted phone waiting for its link to be opened.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub(crate) enum PhoneLinkFlow {
    /// The link is out.
    Sent {
        /// E.164.
        phone: String,
    },
}

impl FlowState for PhoneLinkFlow {
    const KIND: &'static str = "phone_link";
}

/// A phone noted at the desk, parsed: a field error on `phone_later` when it is no phone.
pub(crate) fn noted_phone(input: &str) -> Outcome<Option<String>> {
    if input.trim().is_empty() {
        return Ok(None);
    }
    let phone = Phone::parse(input).map_err(|violations| {
        let mut errors = kabinet_core::FieldErrors::default();
        errors.add("phone_later", violations);
        error::fields(errors)
    })?;
    Ok(Some(phone.as_str().to_owned()))
}

impl Service {
    /// Inside `tx`: the link that proves `phone` for the account, and the SMS carrying it, to
    /// send once the transaction commits.
    pub(crate) async fn phone_link(
        &self,
        conn: &impl Conn,
        account_id: Uuid,
        phone: &str,
        at: DateTime<Utc>,
    ) -> Outcome<Outgoing> {
        let policy = CodePolicy::phone_link();
        let (_, flow) = flow::create(
            conn,
            &self.inner.hasher,
            self.inner.ports.entropy.as_ref(),
            Some(account_id),
            PhoneLinkFlow::Sent {
                phone: phone.to_owned(),
            },
            policy.ttl,
            at,
        )
        .await?;
        let token = link_token(&mut Random(self.inner.ports.entropy.as_ref()));
        let code = NewCode {
            flow_id: flow.id,
            account_id,
            purpose: CodePurpose::ConfirmContact,
            channel: CodeChannel::SmsLink,
            code: &token,
            policy: &policy,
        };
        otp::issue(conn, &self.inner.hasher, code, at).await?;
        let link = format!(
            "{}/#/phone/confirm/{token}",
            self.inner.config.public_url.trim_end_matches('/')
        );
        Ok(code_message(
            Some(account_id),
            Channel::Sms,
            phone,
            messages::phone_link_sms(&link),
        ))
    }

    pub(crate) async fn phone_confirm_link(
        &self,
        context: &Context,
        request: LinkToken,
    ) -> Outcome<PhoneConfirmed> {
        let now = self.now();
        let flow_id = otp::check_link(
            self.conn(),
            &self.inner.hasher,
            CodeChannel::SmsLink,
            &request.token,
            &CodePolicy::phone_link(),
            now,
        )
        .await?;
        let flow = flow::by_id::<PhoneLinkFlow>(self.conn(), flow_id, now).await?;
        let PhoneLinkFlow::Sent { phone } = &flow.state;
        let account_id = flow.account()?;
        let (old, _) = self.contacts(account_id).await?;
        let tx = self.begin().await?;
        let account = repo::load(&tx, account_id)
            .await?
            .ok_or_else(|| ApiError::new(ErrorCode::FlowExpired))?;
        repo::execute(
            &tx,
            &account,
            &Command::RecordSecurity {
                action: SecurityAction::PhoneChanged,
            },
            &self.by(&Actor::Citizen, context),
            Extras {
                claim: vec![("phone".to_owned(), phone.clone())],
                release: old
                    .filter(|old| old != phone)
                    .map(|old| ("phone".to_owned(), old))
                    .into_iter()
                    .collect(),
            },
        )
        .await
        .map_err(|e| match e.code {
            ErrorCode::ContactInUse => ApiError::new(ErrorCode::ContactInUse).with_message(
                "Этот номер уже указан в другой учётной записи: войдите в кабинет и укажите другой номер в разделе «Безопасность»",
            ),
            _ => e,
        })?;
        flow::finish(&tx, &flow, now).await?;
        tx.commit().await.map_err(error::store)?;
        Ok(PhoneConfirmed {
            phone: crate::notify::mask(phone),
        })
    }
}
