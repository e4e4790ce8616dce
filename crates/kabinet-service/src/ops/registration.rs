//! Registration (DOMAIN §3): the form, the code (SMS, or e-mail code and link), resends with a
//! cooldown and a daily cap, the password typed twice, and resuming from any step.

use chrono::Duration;
use kabinet_api::{
    ApiError, Channel, CodeEntry, ContactKind as ApiContact, Context, ErrorCode, LinkToken,
    NewPassword, Registration, RegistrationStart, RegistrationStep, SignedIn, Ticket,
};
use kabinet_core::account::{Actor, Command, Consent, ContactKind, Status};
use kabinet_core::codes::{CodePolicy, CodePurpose, link_token, sms_code};
use kabinet_core::email::Email;
use kabinet_core::name::{NameScript, PersonName};
use kabinet_core::phone::Phone;
use kabinet_core::{FieldErrors, Violation};
use kabinet_store::Conn;
use kabinet_store::accounts::find_login;
use kabinet_store::flows::newest_code;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Service;
use crate::error::{self, Outcome};
use crate::flow::{self, ContactData, Flow, FlowState};
use crate::login::LoginKey;
use crate::messages;
use crate::notify::{Outgoing, code_message, mask};
use crate::otp::{self, CodeChannel};
use crate::ports::entropy::Random;
use crate::repo::{self, Extras};

/// How long a registration ticket lives (resume within a week; after that, start again with
/// the same contact, which resumes the same account).
const REGISTRATION_TTL: Duration = Duration::days(7);

/// A registration: the contact is proved with a code (or an e-mail link), then the password
/// is set.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub(crate) enum RegistrationFlow {
    /// Waiting for the code.
    ConfirmContact(ContactData),
    /// The contact is proved; waiting for the password.
    SetPassword(ContactData),
}

impl FlowState for RegistrationFlow {
    const KIND: &'static str = "registration";
}

impl RegistrationFlow {
    fn contact(&self) -> LoginKey {
        match self {
            Self::ConfirmContact(c) | Self::SetPassword(c) => c.key(),
        }
    }
}

impl Service {
    pub(crate) async fn registration_start(
        &self,
        context: &Context,
        request: RegistrationStart,
    ) -> Outcome<Registration> {
        let floor = self.answer_floor();
        let outcome = self.registration_started(context, request).await;
        // A field error answers at once (it says nothing of anyone), and so does a contact in
        // use (DOMAIN §3 tells it in words); everything else waits for the floor.
        if outcome
            .as_ref()
            .is_err_and(|e| !e.fields.is_empty() || e.code == kabinet_api::ErrorCode::ContactInUse)
        {
            return outcome;
        }
        floor.await;
        outcome
    }

    async fn registration_started(
        &self,
        context: &Context,
        request: RegistrationStart,
    ) -> Outcome<Registration> {
        let now = self.now();
        let mut errors = FieldErrors::default();
        let surname = errors.check(
            "surname",
            PersonName::parse(&request.surname, NameScript::CyrillicOrLatin),
        );
        let first_name = errors.check(
            "first_name",
            PersonName::parse(&request.first_name, NameScript::CyrillicOrLatin),
        );
        let contact = match request.contact_kind {
            ApiContact::Phone => errors
                .check("contact", Phone::parse(&request.contact))
                .map(|p| LoginKey {
                    kind: "phone",
                    value: p.as_str().to_owned(),
                }),
            ApiContact::Email => errors
                .check("contact", Email::parse(&request.contact))
                .map(|e| LoginKey {
                    kind: "email",
                    value: e.login_key(),
                }),
        };
        if !request.consent {
            errors.add("consent", vec![Violation::new("consent_required")]);
        } else if request.consent_version.trim() != self.inner.config.consent_version {
            errors.add(
                "consent",
                vec![
                    Violation::new("consent_outdated")
                        .with("version", &self.inner.config.consent_version),
                ],
            );
        }
        let (Some(surname), Some(first_name), Some(contact), true) =
            (surname, first_name, contact, errors.is_empty())
        else {
            return Err(error::fields(errors));
        };
        self.check_client(context).await?;
        let policy = self.code_policy(request.contact_kind);
        let tx = self.begin().await?;
        let existing = find_login(&tx, contact.kind, &contact.value)
            .await
            .map_err(error::store)?;
        // A free contact reads the account of nobody (the nil id), so both paths read alike.
        let loaded = repo::load(&tx, existing.unwrap_or(Uuid::nil())).await?;
        let existing = match existing {
            Some(_) => {
                Some(loaded.ok_or_else(|| error::internal(&"a login points at no account"))?)
            }
            None => None,
        };
        if existing
            .as_ref()
            .is_some_and(|a| a.state.status != Status::Pending)
        {
            return Err(ApiError::new(ErrorCode::ContactInUse));
        }
        otp::may_send_to(&tx, &send_key(&contact), &policy, now).await?;
        let account = match existing {
            // Nobody has finished a registration with this contact: whoever proves it owns it
            // resumes the same account, with the data entered before.
            Some(loaded) => {
                flow::finish_all::<RegistrationFlow>(&tx, loaded.id, now).await?;
                loaded
            }
            None => {
                let kind = match request.contact_kind {
                    ApiContact::Phone => ContactKind::Phone,
                    ApiContact::Email => ContactKind::Email,
                };
                repo::create(
                    &tx,
                    repo::NewAccount {
                        id: Uuid::now_v7(),
                        surname: surname.as_str(),
                        first_name: first_name.as_str(),
                    },
                    &Command::StartRegistration {
                        contact: kind,
                        consent: Consent {
                            given: true,
                            document_version: request.consent_version.trim().to_owned(),
                        },
                    },
                    &self.by(&Actor::Citizen, context),
                    Extras {
                        claim: vec![(contact.kind.to_owned(), contact.value.clone())],
                        release: Vec::new(),
                    },
                )
                .await?
            }
        };
        let (ticket, flow) = flow::create(
            &tx,
            &self.inner.hasher,
            self.inner.ports.entropy.as_ref(),
            Some(account.id),
            RegistrationFlow::ConfirmContact(ContactData::of(&contact)),
            REGISTRATION_TTL,
            now,
        )
        .await?;
        let message = self.issue_registration_code(&tx, &flow, &contact).await?;
        tx.commit().await.map_err(error::store)?;
        self.deliver(vec![message]).await;
        self.registration_view(&flow, ticket).await
    }

    pub(crate) async fn registration_status(
        &self,
        _context: &Context,
        request: Ticket,
    ) -> Outcome<Registration> {
        let flow = self.registration_flow(&request.ticket).await?;
        self.registration_view(&flow, request.ticket).await
    }

    pub(crate) async fn registration_resend(
        &self,
        _context: &Context,
        request: Ticket,
    ) -> Outcome<Registration> {
        let flow = self.registration_flow(&request.ticket).await?;
        let RegistrationFlow::ConfirmContact(contact) = &flow.state else {
            return Err(flow::wrong_step());
        };
        let contact = contact.key();
        let tx = self.begin().await?;
        otp::may_send_to(
            &tx,
            &send_key(&contact),
            &self.code_policy(api_contact(&contact)),
            self.now(),
        )
        .await?;
        let message = self.issue_registration_code(&tx, &flow, &contact).await?;
        tx.commit().await.map_err(error::store)?;
        self.deliver(vec![message]).await;
        self.registration_view(&flow, request.ticket).await
    }

    pub(crate) async fn registration_confirm(
        &self,
        context: &Context,
        request: CodeEntry,
    ) -> Outcome<Registration> {
        self.check_client(context).await?;
        let flow = self.registration_flow(&request.ticket).await?;
        let RegistrationFlow::ConfirmContact(contact) = &flow.state else {
            return Err(flow::wrong_step());
        };
        let contact = contact.key();
        let policy = self.code_policy(api_contact(&contact));
        self.check_code(
            context,
            flow.id,
            CodePurpose::ConfirmContact,
            &request.code,
            &policy,
        )
        .await?;
        let flow = self.contact_proved(context, flow).await?;
        self.registration_view(&flow, request.ticket).await
    }

    pub(crate) async fn registration_confirm_link(
        &self,
        context: &Context,
        request: LinkToken,
    ) -> Outcome<Registration> {
        let now = self.now();
        let flow_id = otp::check_link(
            self.conn(),
            &self.inner.hasher,
            CodeChannel::EmailLink,
            &request.token,
            &self.inner.config.email_codes,
            now,
        )
        .await?;
        let flow = flow::by_id::<RegistrationFlow>(self.conn(), flow_id, now).await?;
        let flow = self.contact_proved(context, flow).await?;
        // The link may be opened in another browser: it gets its own ticket to the same step,
        // and the ticket of the first tab keeps working too.
        let (ticket, twin) = flow::create(
            self.conn(),
            &self.inner.hasher,
            self.inner.ports.entropy.as_ref(),
            flow.account_id,
            flow.state.clone(),
            REGISTRATION_TTL,
            now,
        )
        .await?;
        self.registration_view(&twin, ticket).await
    }

    pub(crate) async fn registration_set_password(
        &self,
        context: &Context,
        request: NewPassword,
    ) -> Outcome<SignedIn> {
        let flow = self.registration_flow(&request.ticket).await?;
        let RegistrationFlow::SetPassword(contact) = &flow.state else {
            return Err(flow::wrong_step());
        };
        let contact = contact.key();
        self.check_new_password(
            &request.password,
            &request.password_repeat,
            &[&contact.value],
        )?;
        let phc = self.hash_secret(request.password).await?;
        let account_id = flow.account()?;
        let tx = self.begin().await?;
        let account = repo::load(&tx, account_id)
            .await?
            .filter(|a| a.state.status == Status::Pending)
            .ok_or_else(|| ApiError::new(ErrorCode::FlowExpired))?;
        let by = self.by(&Actor::Citizen, context);
        let account = self.set_password(&tx, &account, phc, false, &by).await?;
        // The device that proved the contact is the account's first known device.
        self.remember_device(&tx, account_id, context).await?;
        // The device proved itself with the registration's code.
        let (account, token, expires_at) = self.open_session(&tx, &account, context, true).await?;
        flow::finish_all::<RegistrationFlow>(&tx, account_id, self.now()).await?;
        tx.commit().await.map_err(error::store)?;
        self.signed_in(&account, token, expires_at).await
    }

    // -----------------------------------------------------------------------------------------

    fn code_policy(&self, kind: ApiContact) -> CodePolicy {
        match kind {
            ApiContact::Phone => self.inner.config.sms_codes,
            ApiContact::Email => self.inner.config.email_codes,
        }
    }

    async fn registration_flow(&self, ticket: &str) -> Outcome<Flow<RegistrationFlow>> {
        flow::find(self.conn(), &self.inner.hasher, ticket, self.now()).await
    }

    /// Issues a new code (and link for e-mail) in the flow; returns the message to send.
    async fn issue_registration_code(
        &self,
        conn: &impl Conn,
        flow: &Flow<RegistrationFlow>,
        contact: &LoginKey,
    ) -> Outcome<Outgoing> {
        let now = self.now();
        let account_id = flow.account()?;
        let kind = api_contact(contact);
        let policy = self.code_policy(kind);
        let code = sms_code(&mut Random(self.inner.ports.entropy.as_ref()));
        let channel = match kind {
            ApiContact::Phone => CodeChannel::Sms,
            ApiContact::Email => CodeChannel::Email,
        };
        let purpose = CodePurpose::ConfirmContact;
        self.issue_code(conn, flow, purpose, channel, &code, &policy)
            .await?;
        otp::record_send(conn, &send_key(contact), &policy, now).await?;
        Ok(match kind {
            ApiContact::Phone => code_message(
                Some(account_id),
                Channel::Sms,
                &contact.value,
                messages::registration_sms(&code),
            ),
            ApiContact::Email => {
                let token = link_token(&mut Random(self.inner.ports.entropy.as_ref()));
                self.issue_code(conn, flow, purpose, CodeChannel::EmailLink, &token, &policy)
                    .await?;
                let link = format!(
                    "{}/#/register/confirm/{token}",
                    self.inner.config.public_url.trim_end_matches('/')
                );
                code_message(
                    Some(account_id),
                    Channel::Email,
                    &contact.value,
                    messages::registration_email(&code, &link),
                )
            }
        })
    }

    /// The contact was proved: confirm it (once) and move to the password.
    async fn contact_proved(
        &self,
        context: &Context,
        flow: Flow<RegistrationFlow>,
    ) -> Outcome<Flow<RegistrationFlow>> {
        let account_id = flow.account()?;
        let tx = self.begin().await?;
        let account = repo::load(&tx, account_id)
            .await?
            .filter(|a| a.state.status == Status::Pending)
            .ok_or_else(|| ApiError::new(ErrorCode::FlowExpired))?;
        if !account.state.contact_confirmed {
            repo::execute(
                &tx,
                &account,
                &Command::ConfirmContact,
                &self.by(&Actor::Citizen, context),
                Extras::default(),
            )
            .await?;
        }
        let proved = RegistrationFlow::SetPassword(ContactData::of(&flow.state.contact()));
        let flow = flow::advance(&tx, &flow, proved).await?;
        tx.commit().await.map_err(error::store)?;
        Ok(flow)
    }

    async fn registration_view(
        &self,
        flow: &Flow<RegistrationFlow>,
        ticket: String,
    ) -> Outcome<Registration> {
        let account_id = flow.account()?;
        let account = repo::load(self.conn(), account_id)
            .await?
            .ok_or_else(|| ApiError::new(ErrorCode::FlowExpired))?;
        let contact = flow.state.contact();
        let kind = api_contact(&contact);
        let confirming = matches!(flow.state, RegistrationFlow::ConfirmContact(_));
        let (code_expires_at, resend_at) = if confirming {
            let latest = newest_code(self.conn(), flow.id, None, CodeChannel::EmailLink.as_str())
                .await
                .map_err(error::store)?;
            let policy = self.code_policy(kind);
            (
                latest.as_ref().map(|c| c.expires_at),
                latest.map(|c| c.created_at + policy.resend_cooldown),
            )
        } else {
            (None, None)
        };
        Ok(Registration {
            ticket,
            step: if confirming {
                RegistrationStep::ConfirmContact
            } else {
                RegistrationStep::SetPassword
            },
            surname: account.surname,
            first_name: account.first_name,
            contact_kind: kind,
            contact_masked: mask(&contact.value),
            code_expires_at,
            resend_at,
        })
    }
}

fn send_key(contact: &LoginKey) -> String {
    format!("confirm_contact:{}", contact.key())
}

fn api_contact(contact: &LoginKey) -> ApiContact {
    if contact.kind == "email" {
        ApiContact::Email
    } else {
        ApiContact::Phone
    }
}
