//! Adding or replacing the phone or e-mail: a sensitive change, so the current password
//! confirms it; a code to the new contact proves it; the old contact is told.

use chrono::Duration;
use kabinet_api::{
    AccountSummary, ApiError, Channel, CodeEntry, ContactChange, ContactChangeStart, ContactKind,
    Context, ErrorCode, Ticket,
};
use kabinet_core::account::{Actor, Command, SecurityAction};
use kabinet_core::codes::{CodePurpose, sms_code};
use kabinet_core::email::Email;
use kabinet_core::phone::Phone;
use kabinet_store::Conn;
use kabinet_store::accounts::find_login;

use crate::Service;
use crate::access::Citizen;
use crate::error::{self, Outcome};
use crate::flow::{self, ContactData, Flow, FlowState};
use crate::login::LoginKey;
use crate::messages;
use crate::notify::{Outgoing, code_message, mask};
use crate::otp::{self, CodeChannel};
use crate::ports::entropy::Random;
use crate::repo::{self, Extras};

const CONTACT_CHANGE_TTL: Duration = Duration::minutes(30);

/// A new phone or e-mail waiting for the code sent to it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub(crate) enum ContactChangeFlow {
    /// Waiting for the code.
    Confirm(ContactData),
}

impl FlowState for ContactChangeFlow {
    const KIND: &'static str = "contact_change";
}

impl Service {
    pub(crate) async fn contact_change_start(
        &self,
        citizen: Citizen,
        context: &Context,
        request: ContactChangeStart,
    ) -> Outcome<ContactChange> {
        let account_id = citizen.account.id;
        self.reauthenticate(context, account_id, &request.password, "password")
            .await?;
        let contact = match request.contact_kind {
            ContactKind::Phone => Phone::parse(&request.contact).map(|p| LoginKey {
                kind: "phone",
                value: p.as_str().to_owned(),
            }),
            ContactKind::Email => Email::parse(&request.contact).map(|e| LoginKey {
                kind: "email",
                value: e.login_key(),
            }),
        }
        .map_err(|violations| {
            let mut errors = kabinet_core::FieldErrors::default();
            errors.add("contact", violations);
            error::fields(errors)
        })?;
        match find_login(self.conn(), contact.kind, &contact.value)
            .await
            .map_err(error::store)?
        {
            Some(owner) if owner == account_id => {
                return Err(ApiError::field("contact", "contact_unchanged"));
            }
            Some(_) => return Err(ApiError::new(ErrorCode::ContactInUse)),
            None => {}
        }
        let tx = self.begin().await?;
        let (ticket, flow) = flow::create(
            &tx,
            &self.inner.hasher,
            self.inner.ports.entropy.as_ref(),
            Some(account_id),
            ContactChangeFlow::Confirm(ContactData::of(&contact)),
            CONTACT_CHANGE_TTL,
            self.now(),
        )
        .await?;
        let (view, message) = self.send_contact_code(&tx, &flow, ticket, &contact).await?;
        tx.commit().await.map_err(error::store)?;
        self.deliver(vec![message]).await;
        Ok(view)
    }

    pub(crate) async fn contact_change_resend(
        &self,
        citizen: Citizen,
        _context: &Context,
        request: Ticket,
    ) -> Outcome<ContactChange> {
        let (flow, contact) = self.contact_flow(&citizen, &request.ticket).await?;
        let tx = self.begin().await?;
        let (view, message) = self
            .send_contact_code(&tx, &flow, request.ticket, &contact)
            .await?;
        tx.commit().await.map_err(error::store)?;
        self.deliver(vec![message]).await;
        Ok(view)
    }

    pub(crate) async fn contact_change_confirm(
        &self,
        citizen: Citizen,
        context: &Context,
        request: CodeEntry,
    ) -> Outcome<AccountSummary> {
        let now = self.now();
        let (flow, contact) = self.contact_flow(&citizen, &request.ticket).await?;
        let policy = self.contact_policy(&contact);
        self.check_code(
            context,
            flow.id,
            CodePurpose::ChangeContact,
            &request.code,
            &policy,
        )
        .await?;
        let account_id = citizen.account.id;
        let (phone, email) = self.contacts(account_id).await?;
        let old = if contact.kind == "phone" {
            phone
        } else {
            email
        };
        let action = if contact.kind == "phone" {
            SecurityAction::PhoneChanged
        } else {
            SecurityAction::EmailChanged
        };
        let tx = self.begin().await?;
        let account = repo::execute(
            &tx,
            &citizen.account,
            &Command::RecordSecurity { action },
            &self.by(&Actor::Citizen, context),
            Extras {
                claim: vec![(contact.kind.to_owned(), contact.value.clone())],
                release: old
                    .iter()
                    .map(|v| (contact.kind.to_owned(), v.clone()))
                    .collect(),
            },
        )
        .await?;
        flow::finish(&tx, &flow, now).await?;
        tx.commit().await.map_err(error::store)?;
        if let Some(old) = old {
            let channel = if contact.kind == "phone" {
                Channel::Sms
            } else {
                Channel::Email
            };
            self.deliver(vec![Outgoing {
                account_id: Some(account_id),
                category: kabinet_api::NotificationCategory::Events,
                channel,
                to: old,
                text: messages::contact_replaced_notice(&mask(&contact.value)),
            }])
            .await;
        }
        self.summary(&account).await
    }

    // -----------------------------------------------------------------------------------------

    async fn contact_flow(
        &self,
        citizen: &Citizen,
        ticket: &str,
    ) -> Outcome<(Flow<ContactChangeFlow>, LoginKey)> {
        let flow: Flow<ContactChangeFlow> =
            flow::find(self.conn(), &self.inner.hasher, ticket, self.now()).await?;
        if flow.account_id != Some(citizen.account.id) {
            return Err(ApiError::new(ErrorCode::FlowExpired));
        }
        let ContactChangeFlow::Confirm(contact) = &flow.state;
        let contact = contact.key();
        Ok((flow, contact))
    }

    fn contact_policy(&self, contact: &LoginKey) -> kabinet_core::codes::CodePolicy {
        if contact.kind == "email" {
            self.inner.config.email_codes
        } else {
            self.inner.config.sms_codes
        }
    }

    async fn send_contact_code(
        &self,
        conn: &impl Conn,
        flow: &Flow<ContactChangeFlow>,
        ticket: String,
        contact: &LoginKey,
    ) -> Outcome<(ContactChange, Outgoing)> {
        let now = self.now();
        let policy = self.contact_policy(contact);
        let send_key = format!("change_contact:{}", contact.key());
        otp::may_send_to(conn, &send_key, &policy, now).await?;
        let email = contact.kind == "email";
        let code = sms_code(&mut Random(self.inner.ports.entropy.as_ref()));
        let expires_at = self
            .issue_code(
                conn,
                flow,
                CodePurpose::ChangeContact,
                if email {
                    CodeChannel::Email
                } else {
                    CodeChannel::Sms
                },
                &code,
                &policy,
            )
            .await?;
        let resend_at = otp::record_send(conn, &send_key, &policy, now).await?;
        let message = code_message(
            flow.account_id,
            if email { Channel::Email } else { Channel::Sms },
            &contact.value,
            messages::contact_change_code(&code, email),
        );
        Ok((
            ContactChange {
                ticket,
                contact_kind: if email {
                    ContactKind::Email
                } else {
                    ContactKind::Phone
                },
                contact_masked: mask(&contact.value),
                code_expires_at: expires_at,
                resend_at,
            },
            message,
        ))
    }
}
