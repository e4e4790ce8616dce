//! The procedures at the desk, each done by an operator after checking the citizen's
//! originals: search, the citizen's card, registration in person, identity confirmation in
//! person, restoring access, activation codes, and blocks.

use chrono::Duration;
use kabinet_api::{
    AccessRestore, AccessRestored, AccountBlockRequest, ActivationSlip, ApiError, ApprovalView,
    CardEvent, CitizenCard, CitizenMatch, CitizenSearch, Context, DeskChange, ErrorCode,
    ForAccount, IdentityDocumentsChange, IdentityDocumentsChanged, InPersonConfirmation,
    InPersonPhone, InPersonRegistered, InPersonRegistration, SearchBy, Ticket,
};
use kabinet_core::RandomSource;
use kabinet_core::account::{Command, ConfirmationMethod, Level, SecurityAction, Status};
use kabinet_core::codes::{CodePolicy, CodePurpose, activation_code, sms_code};
use kabinet_core::email::Email;
use kabinet_core::phone::Phone;
use kabinet_core::profile::Profile;
use kabinet_core::snils::Snils;
use kabinet_core::staff::{self as rules, FourEyes};
use kabinet_store::accounts::find_login;
use kabinet_store::{event_log, throttles};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::Service;
use crate::access::Staff;
use crate::error::{self, Outcome};
use crate::flow::{self, Flow, FlowState};
use crate::messages;
use crate::notify::code_message;
use crate::ops::profile::core_input;
use crate::otp::{self, CodeChannel};
use crate::ports::entropy::Random;
use crate::repo::{self, Extras, Loaded, NewAccount};
use crate::sessions::{self, Which};
use crate::staff::{Audited, Found};

/// The originals an operator may record as checked.
const DOCUMENTS: [&str; 3] = ["passport", "snils", "foreign_passport"];

/// How long the phone code of an in-person registration may wait.
const PHONE_CODE_TTL: Duration = Duration::minutes(30);

/// A citizen's phone being proved at the desk: the code went to it, the citizen reads it out.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub(crate) enum InPersonPhoneFlow {
    /// Waiting for the code.
    Confirm {
        /// E.164.
        phone: String,
        /// The workstation it was asked at.
        workstation_id: Uuid,
    },
}

impl FlowState for InPersonPhoneFlow {
    const KIND: &'static str = "in_person_phone";
}

impl Service {
    pub(crate) async fn citizen_search(
        &self,
        staff: Staff,
        _context: &Context,
        request: CitizenSearch,
    ) -> Outcome<CitizenMatch> {
        let (kind, value) = search_key(&request)?;
        self.count_search(&staff).await?;
        let Some(id) = find_login(self.conn(), kind, &value)
            .await
            .map_err(error::store)?
        else {
            return Ok(CitizenMatch { citizen: None });
        };
        let account = self.citizen_account(id).await?;
        Ok(CitizenMatch {
            citizen: Some(self.brief(&account).await?),
        })
    }

    pub(crate) async fn citizen_card(
        &self,
        _staff: Staff,
        _context: &Context,
        request: ForAccount,
    ) -> Outcome<CitizenCard> {
        let account = self.citizen_account(request.account_id).await?;
        self.card(&account).await
    }

    pub(crate) async fn citizen_register_phone(
        &self,
        staff: Staff,
        _context: &Context,
        request: InPersonPhone,
    ) -> Outcome<Ticket> {
        let phone = Phone::parse(&request.phone).map_err(|v| {
            let mut errors = kabinet_core::FieldErrors::default();
            errors.add("phone", v);
            error::fields(errors)
        })?;
        let phone = phone.as_str().to_owned();
        if find_login(self.conn(), "phone", &phone)
            .await
            .map_err(error::store)?
            .is_some()
        {
            return Err(ApiError::new(ErrorCode::ContactInUse).with_message(
                "Этот номер уже зарегистрирован: найдите учётную запись гражданина поиском",
            ));
        }
        let now = self.now();
        let policy = self.inner.config.sms_codes;
        let send_key = format!("in_person:phone:{phone}");
        let tx = self.begin().await?;
        otp::may_send_to(&tx, &send_key, &policy, now).await?;
        let (ticket, flow) = flow::create(
            &tx,
            &self.inner.hasher,
            self.inner.ports.entropy.as_ref(),
            None,
            InPersonPhoneFlow::Confirm {
                phone: phone.clone(),
                workstation_id: staff.at.workstation.id,
            },
            PHONE_CODE_TTL,
            now,
        )
        .await?;
        let code = sms_code(&mut Random(self.inner.ports.entropy.as_ref()));
        self.issue_code(
            &tx,
            &flow,
            CodePurpose::ConfirmContact,
            CodeChannel::Sms,
            &code,
            &policy,
        )
        .await?;
        otp::record_send(&tx, &send_key, &policy, now).await?;
        tx.commit().await.map_err(error::store)?;
        let message = code_message(
            None,
            kabinet_api::Channel::Sms,
            &phone,
            messages::in_person_phone_code(&code, &staff.at.centre.name),
        );
        self.deliver(vec![message]).await;
        Ok(Ticket { ticket })
    }

    pub(crate) async fn citizen_register(
        &self,
        staff: Staff,
        context: &Context,
        request: InPersonRegistration,
    ) -> Outcome<InPersonRegistered> {
        let today = self.now().date_naive();
        let profile =
            Profile::parse(&core_input(&request.profile), today).map_err(error::fields)?;
        let canonical = crate::ops::profile::form_of(&profile);
        // A phone the desk cannot prove now, proved later by a link (not with a code as well).
        let phone_later = crate::ops::phone_link::noted_phone(&request.phone_later)?;
        if phone_later.is_some() && !request.phone_ticket.trim().is_empty() {
            return Err(ApiError::field("phone_later", "phone_later_with_code"));
        }
        // The phone, proved by the code the citizen read out (none: the citizen has no phone).
        let phone_flow = if request.phone_ticket.trim().is_empty() {
            None
        } else {
            let flow: Flow<InPersonPhoneFlow> = flow::find(
                self.conn(),
                &self.inner.hasher,
                &request.phone_ticket,
                self.now(),
            )
            .await?;
            let InPersonPhoneFlow::Confirm { workstation_id, .. } = &flow.state;
            if *workstation_id != staff.at.workstation.id {
                return Err(ApiError::new(ErrorCode::FlowExpired));
            }
            self.check_code(
                context,
                flow.id,
                CodePurpose::ConfirmContact,
                &request.phone_code,
                &self.inner.config.sms_codes,
            )
            .await
            .map_err(|e| match e.code {
                ErrorCode::CodeWrong => ApiError {
                    fields: ApiError::field("phone_code", "code_wrong").fields,
                    ..e
                },
                _ => e,
            })?;
            Some(flow)
        };
        // The SNILS and a Russian passport are claimed now: the operator saw the originals,
        // and a second registration of the same person (at another desk, or offline) must be
        // refused or become a conflict rather than a second account.
        let documents = crate::ops::profile::verified_claims(&canonical);
        for (kind, value) in &documents {
            if find_login(self.conn(), kind, value)
                .await
                .map_err(error::store)?
                .is_some()
            {
                let (field, rule) = match kind.as_str() {
                    "snils" => ("snils", "snils_in_use"),
                    _ => ("passport.number", "passport_in_use"),
                };
                return Err(ApiError::field(field, rule));
            }
        }
        let (password, phc) = self.new_temporary_password().await?;
        let actor = staff.actor();
        let by = self.by(&actor, context);
        let mut claim = documents;
        if let Some(flow) = &phone_flow {
            let InPersonPhoneFlow::Confirm { phone, .. } = &flow.state;
            claim.push(("phone".to_owned(), phone.clone()));
        }
        let tx = self.begin().await?;
        let account = repo::create_then(
            &tx,
            NewAccount {
                id: Uuid::now_v7(),
                surname: &canonical.surname,
                first_name: &canonical.first_name,
            },
            &Command::RegisterInPerson {
                centre: staff.at.centre.id.to_string(),
            },
            &[Command::SubmitProfile],
            &by,
            Extras {
                claim,
                release: Vec::new(),
            },
        )
        .await
        .map_err(|e| match e.code {
            ErrorCode::ContactInUse => ApiError::field("phone", "phone_in_use"),
            _ => e,
        })?;
        let account = self
            .finish_in_person_registration(&tx, &by, &account, &canonical, phc.clone())
            .await?;
        // At the centre the link goes out now; a replica's outbox carries the phone there.
        let link = match &phone_later {
            Some(phone) if !self.is_replica(&tx).await? => {
                Some(self.phone_link(&tx, account.id, phone, by.at).await?)
            }
            _ => None,
        };
        self.record_desk_change(
            &tx,
            &by,
            account.id,
            DeskChange::RegisteredInPerson {
                surname: canonical.surname.clone(),
                first_name: canonical.first_name.clone(),
                profile: Box::new(canonical.clone()),
                password_phc: phc,
                phone_later,
            },
        )
        .await?;
        if let Some(flow) = &phone_flow {
            flow::finish(&tx, flow, by.at).await?;
        }
        tx.commit().await.map_err(error::store)?;
        self.deliver(link.into_iter().collect()).await;
        Ok(InPersonRegistered {
            card: self.card(&account).await?,
            temporary_password: password,
        })
    }

    pub(crate) async fn identity_confirm_in_person(
        &self,
        staff: Staff,
        context: &Context,
        request: InPersonConfirmation,
    ) -> Outcome<CitizenCard> {
        let documents = checked_documents(&request.documents)?;
        let account = self.citizen_account(request.account_id).await?;
        let actor = staff.actor();
        let by = self.by(&actor, context);
        let tx = self.begin().await?;
        let account = repo::execute(
            &tx,
            &account,
            &Command::ConfirmIdentity {
                method: ConfirmationMethod::InPerson {
                    centre: staff.at.centre.id.to_string(),
                    documents: documents.clone(),
                },
            },
            &by,
            Extras::default(),
        )
        .await?;
        self.record_desk_change(
            &tx,
            &by,
            account.id,
            DeskChange::ConfirmedInPerson { documents },
        )
        .await?;
        tx.commit().await.map_err(error::store)?;
        self.notify_event(account.id, messages::confirmed_notice())
            .await;
        self.card(&account).await
    }

    pub(crate) async fn identity_documents_change(
        &self,
        staff: Staff,
        context: &Context,
        request: IdentityDocumentsChange,
    ) -> Outcome<IdentityDocumentsChanged> {
        let documents = checked_documents(&request.documents)?;
        let today = self.now().date_naive();
        let profile =
            Profile::parse(&core_input(&request.profile), today).map_err(error::fields)?;
        let canonical = crate::ops::profile::form_of(&profile);
        let account = self.citizen_account(request.account_id).await?;
        let previous = self.submitted_profile(account.id).await?;
        let verified = account.state.level > Level::Simplified || account.state.verified();
        let Some(previous) = previous.filter(|_| verified) else {
            return Err(ApiError::new(ErrorCode::NotAllowed)
                .with_message("Документы меняются только у проверенной учётной записи"));
        };
        if crate::ops::profile::verified_claims(&previous)
            == crate::ops::profile::verified_claims(&canonical)
        {
            return Err(ApiError::field("snils", "identity_documents_unchanged"));
        }
        if account.state.level == Level::Confirmed {
            let approval = self
                .request_approval(
                    &staff,
                    FourEyes::IdentityDocumentChange,
                    &account,
                    json!({ "profile": canonical, "documents": documents }),
                    "Изменение СНИЛС или паспорта подтверждённой учётной записи",
                )
                .await?;
            return Ok(IdentityDocumentsChanged {
                card: None,
                approval: Some(approval),
            });
        }
        let tx = self.begin().await?;
        let account = self
            .apply_document_change(&tx, &staff.actor(), context, &account, &previous, canonical)
            .await?;
        tx.commit().await.map_err(error::store)?;
        Ok(IdentityDocumentsChanged {
            card: Some(self.card(&account).await?),
            approval: None,
        })
    }

    /// The submitted profile of an account, if any.
    pub(crate) async fn submitted_profile(
        &self,
        account_id: Uuid,
    ) -> Outcome<Option<kabinet_api::ProfileForm>> {
        let row = self.profile_row(self.conn(), account_id).await?;
        Ok(row.submitted.and_then(|v| serde_json::from_value(v).ok()))
    }

    /// The changes of a new SNILS or passport, inside `tx`: the verified data edited (a new
    /// SNILS withdraws the identity confirmation; a new passport with the same SNILS keeps it
    /// through the re-check), the old document logins released, the checks queued.
    pub(crate) async fn apply_document_change(
        &self,
        tx: &kabinet_store::Tx,
        actor: &kabinet_core::account::Actor,
        context: &Context,
        account: &Loaded,
        previous: &kabinet_api::ProfileForm,
        canonical: kabinet_api::ProfileForm,
    ) -> Outcome<Loaded> {
        let digits = |t: &str| t.chars().filter(char::is_ascii_digit).collect::<String>();
        let by = self.by(actor, context);
        let account = repo::execute(
            tx,
            account,
            &Command::EditVerifiedData {
                snils_changed: digits(&previous.snils) != digits(&canonical.snils),
            },
            &by,
            Extras {
                claim: Vec::new(),
                release: crate::ops::profile::verified_claims(previous),
            },
        )
        .await?;
        let mut row = self.profile_row(tx, account.id).await?;
        row.submitted = Some(serde_json::to_value(&canonical).map_err(|e| error::internal(&e))?);
        row.submitted_at = Some(by.at);
        self.save_profile_row(tx, row).await?;
        self.queue_registry_checks(tx, &account).await?;
        Ok(account)
    }

    pub(crate) async fn access_restore(
        &self,
        staff: Staff,
        context: &Context,
        request: AccessRestore,
    ) -> Outcome<AccessRestored> {
        let documents = checked_documents(&request.documents)?;
        let account = self.citizen_account(request.account_id).await?;
        if account.state.level == Level::Confirmed {
            // Four eyes need the centre's queue; a workstation's replica cannot give them.
            if self.is_replica(self.conn()).await? {
                return Err(ApiError::new(ErrorCode::Unavailable).with_message(
                    "Восстановление доступа к подтверждённой записи — только при связи с центром",
                ));
            }
            let approval = self
                .request_approval(
                    &staff,
                    FourEyes::RestoreConfirmed,
                    &account,
                    json!({ "documents": documents }),
                    "Восстановление доступа к подтверждённой учётной записи",
                )
                .await?;
            return Ok(AccessRestored {
                temporary_password: String::new(),
                approval: Some(approval),
            });
        }
        let password = self
            .restore_access(&staff.actor(), context, &account)
            .await?;
        Ok(AccessRestored {
            temporary_password: password,
            approval: None,
        })
    }

    pub(crate) async fn activation_code_issue(
        &self,
        staff: Staff,
        context: &Context,
        request: ForAccount,
    ) -> Outcome<ActivationSlip> {
        let account = self.citizen_account(request.account_id).await?;
        let (code, expires_at) = self
            .issue_activation_code(&staff.actor(), context, &account)
            .await?;
        Ok(ActivationSlip {
            code,
            expires_at,
            citizen: self.brief(&account).await?,
        })
    }

    pub(crate) async fn account_block(
        &self,
        staff: Staff,
        context: &Context,
        request: AccountBlockRequest,
    ) -> Outcome<CitizenCard> {
        let account = self.citizen_account(request.account_id).await?;
        let actor = staff.actor();
        let now = self.now();
        let tx = self.begin().await?;
        let account = repo::execute(
            &tx,
            &account,
            &Command::Block {
                reason: request.reason.clone(),
            },
            &self.by(&actor, context),
            Extras::default(),
        )
        .await?;
        // A block ends every session at once.
        sessions::revoke(&tx, account.id, Which::All, now).await?;
        tx.commit().await.map_err(error::store)?;
        self.card(&account).await
    }

    pub(crate) async fn account_unblock(
        &self,
        staff: Staff,
        _context: &Context,
        request: AccountBlockRequest,
    ) -> Outcome<ApprovalView> {
        let account = self.citizen_account(request.account_id).await?;
        if !matches!(account.state.status, Status::Blocked { .. }) {
            return Err(error::domain(
                kabinet_core::account::DomainError::NotBlocked,
            ));
        }
        if request.reason.trim().is_empty() {
            return Err(ApiError::field("reason", "required"));
        }
        self.request_approval(
            &staff,
            FourEyes::Unblock,
            &account,
            json!({ "reason": request.reason.trim() }),
            request.reason.trim(),
        )
        .await
    }

    // -----------------------------------------------------------------------------------------

    /// Restores access: a temporary password (returned once, to print) that must be changed at
    /// the next sign-in; every session ends; a lock ends; the second factors are turned off, as
    /// the citizen may have lost the phone or authenticator they restore access without.
    pub(crate) async fn restore_access(
        &self,
        actor: &kabinet_core::account::Actor,
        context: &Context,
        account: &Loaded,
    ) -> Outcome<String> {
        let (password, phc) = self.new_temporary_password().await?;
        let tx = self.begin().await?;
        let by = self.by(actor, context);
        self.apply_restore(&tx, &by, account, phc.clone()).await?;
        self.record_desk_change(
            &tx,
            &by,
            account.id,
            DeskChange::AccessRestored { password_phc: phc },
        )
        .await?;
        tx.commit().await.map_err(error::store)?;
        Ok(password)
    }

    /// A temporary password and its hash.
    pub(crate) async fn new_temporary_password(&self) -> Outcome<(String, String)> {
        let password = temporary_password(&mut Random(self.inner.ports.entropy.as_ref()));
        let phc = self.hash_secret(password.clone()).await?;
        Ok((password, phc))
    }

    /// The rest of an in-person registration once the account exists, made in `tx` with its
    /// profile submitted ([`repo::create_then`]): the temporary password, the profile's row and
    /// (at the centre, not on a workstation's replica) the registry checks.
    pub(crate) async fn finish_in_person_registration(
        &self,
        tx: &kabinet_store::Tx,
        by: &repo::By<'_>,
        account: &Loaded,
        canonical: &kabinet_api::ProfileForm,
        phc: String,
    ) -> Outcome<Loaded> {
        // The account was made in this transaction: it has no credentials or profile yet.
        let mut credentials = self.blank_credentials(account.id);
        credentials.password_phc = Some(phc);
        credentials.password_changed_at = Some(by.at);
        self.save_credentials(tx, credentials).await?;
        self.save_profile_row(
            tx,
            kabinet_store::documents::ProfileRow {
                account_id: account.id,
                submitted: Some(serde_json::to_value(canonical).map_err(|e| error::internal(&e))?),
                submitted_at: Some(by.at),
                draft: None,
                draft_saved_at: None,
            },
        )
        .await?;
        if !self.is_replica(tx).await? {
            self.queue_registry_checks(tx, account).await?;
        }
        Ok(account.clone())
    }

    /// The changes of a restore, inside `tx`: `phc` is the temporary password's hash, `by`
    /// who restores and when (a workstation's change applied later keeps its desk time).
    pub(crate) async fn apply_restore(
        &self,
        tx: &kabinet_store::Tx,
        by: &repo::By<'_>,
        account: &Loaded,
        phc: String,
    ) -> Outcome<Loaded> {
        let now = by.at;
        let mut account = account.clone();
        if account.state.locked_at(now).is_some() {
            account = repo::execute(tx, &account, &Command::Unlock, by, Extras::default()).await?;
        }
        let mut account = self.set_password(tx, &account, phc, true, by).await?;
        let mut credentials = self.credentials(tx, account.id).await?;
        if credentials.sms_second_factor || credentials.totp_sealed.is_some() {
            credentials.sms_second_factor = false;
            credentials.totp_sealed = None;
            credentials.totp_last_step = None;
            self.save_credentials(tx, credentials).await?;
            account = repo::execute(
                tx,
                &account,
                &Command::RecordSecurity {
                    action: SecurityAction::SecondFactorsReset,
                },
                by,
                Extras::default(),
            )
            .await?;
        }
        sessions::revoke(tx, account.id, Which::All, now).await?;
        crate::throttle::reset_account(tx, account.id).await?;
        Ok(account)
    }

    /// Counts a search against the member's window; `too_many_requests` past it.
    async fn count_search(&self, staff: &Staff) -> Outcome<()> {
        let now = self.now();
        let key = format!("staff_search:{}", staff.member.id);
        throttles::count_in_window(self.conn(), &key, now, now - rules::SEARCH_WINDOW)
            .await
            .map_err(error::store)?;
        let row = throttles::throttle(self.conn(), &key)
            .await
            .map_err(error::store)?;
        match row {
            Some(row) if row.failures > rules::SEARCHES_PER_WINDOW => {
                Err(ApiError::new(ErrorCode::TooManyRequests)
                    .retry_at(row.window_started_at + rules::SEARCH_WINDOW))
            }
            _ => Ok(()),
        }
    }

    /// The card of an account.
    pub(crate) async fn card(&self, account: &Loaded) -> Outcome<CitizenCard> {
        let profile = self.profile_view(account).await?;
        let patronymic = profile
            .submitted
            .as_ref()
            .map(|p| p.patronymic.clone())
            .unwrap_or_default();
        let initials: String = [account.first_name.as_str(), patronymic.as_str()]
            .iter()
            .filter_map(|n| n.chars().next())
            .map(|c| format!(" {c}."))
            .collect();
        let events = event_log::page_except(
            self.conn(),
            account.id,
            &["check_queued", "check_started"],
            0,
            10,
        )
        .await
        .map_err(error::store)?
        .into_iter()
        .map(|row| CardEvent {
            kind: match row.payload["action"].as_str() {
                Some(action) if row.kind == "security_action" => action.to_owned(),
                _ => row.kind.clone(),
            },
            at: row.recorded_at,
            actor: row.actor["kind"].as_str().unwrap_or_default().to_owned(),
        })
        .collect();
        Ok(CitizenCard {
            citizen: self.brief(account).await?,
            name_with_initials: format!("{}{initials}", account.surname),
            checks: profile.checks,
            confirmation: account
                .state
                .confirmation
                .as_ref()
                .map(|m| m.as_str().to_owned()),
            temporary_password: account.state.temporary_password,
            letter: self.latest_letter_state(account.id).await?,
            events,
        })
    }

    /// Issues a 16-digit activation code for a Standard account; a new code replaces the
    /// previous one. Returns the code (shown once) and when it expires. A workstation's
    /// replica hands out one of the blanks the centre gave it in advance instead.
    pub(crate) async fn issue_activation_code(
        &self,
        actor: &kabinet_core::account::Actor,
        context: &Context,
        account: &Loaded,
    ) -> Outcome<(String, chrono::DateTime<chrono::Utc>)> {
        activation_allowed(account)?;
        if self.is_replica(self.conn()).await? {
            return self.hand_out_blank(actor, context, account).await;
        }
        let code = activation_code(&mut Random(self.inner.ports.entropy.as_ref()));
        let hash = self.inner.hasher.hash(CodePurpose::Activation, &code);
        let tx = self.begin().await?;
        let expires_at = self
            .start_activation(&tx, account, &self.by(actor, context), hash)
            .await?;
        tx.commit().await.map_err(error::store)?;
        Ok((code, expires_at))
    }

    /// Inside `tx`: the activation flow of a code whose keyed hash is `hash`, handed over at
    /// `by.at` (ending any earlier one), and the account's event. Returns when the code
    /// expires.
    pub(crate) async fn start_activation(
        &self,
        tx: &kabinet_store::Tx,
        account: &Loaded,
        by: &repo::By<'_>,
        hash: [u8; 32],
    ) -> Outcome<chrono::DateTime<chrono::Utc>> {
        use crate::ops::ActivationFlow;
        let policy = CodePolicy::activation();
        let snils = kabinet_store::accounts::login_of(tx, account.id, "snils")
            .await
            .map_err(error::store)?;
        flow::finish_all::<ActivationFlow>(tx, account.id, by.at).await?;
        let (_, flow) = flow::create(
            tx,
            &self.inner.hasher,
            self.inner.ports.entropy.as_ref(),
            Some(account.id),
            ActivationFlow::Enter {
                snils,
                issued_by: repo::actor_json(by.actor),
            },
            policy.ttl + Duration::days(1),
            by.at,
        )
        .await?;
        let code = otp::NewCode {
            flow_id: flow.id,
            account_id: account.id,
            purpose: CodePurpose::Activation,
            channel: CodeChannel::Nowhere,
            code: "",
            policy: &policy,
        };
        let expires_at = otp::issue_hashed(tx, &code, hash, by.at).await?;
        activation_recorded(tx, account, by).await?;
        Ok(expires_at)
    }
}

/// Inside `tx`: the account's event saying an activation code was handed over.
pub(crate) async fn activation_recorded(
    tx: &kabinet_store::Tx,
    account: &Loaded,
    by: &repo::By<'_>,
) -> Outcome<()> {
    repo::execute(
        tx,
        account,
        &Command::RecordSecurity {
            action: SecurityAction::ActivationCodeIssued,
        },
        by,
        Extras::default(),
    )
    .await?;
    Ok(())
}

/// An activation code is for a Standard account: its data checked by the registries, its
/// identity not yet confirmed.
pub(crate) fn activation_allowed(account: &Loaded) -> Outcome<()> {
    if account.state.level == Level::Standard {
        Ok(())
    } else {
        Err(ApiError::new(ErrorCode::NotAllowed)
            .with_message("Код активации выдаётся для стандартной учётной записи"))
    }
}

/// The login kind and canonical value a search looks up; a partial or malformed value is a
/// field error, never a list.
fn search_key(request: &CitizenSearch) -> Outcome<(&'static str, String)> {
    let field = |violations: Vec<kabinet_core::Violation>| {
        let mut errors = kabinet_core::FieldErrors::default();
        errors.add("value", violations);
        error::fields(errors)
    };
    Ok(match request.by {
        SearchBy::Snils => (
            "snils",
            Snils::parse(&request.value).map_err(field)?.digits(),
        ),
        SearchBy::Phone => (
            "phone",
            Phone::parse(&request.value)
                .map_err(field)?
                .as_str()
                .to_owned(),
        ),
        SearchBy::Email => (
            "email",
            Email::parse(&request.value).map_err(field)?.login_key(),
        ),
        SearchBy::Passport => {
            let digits: String = request.value.chars().filter(char::is_ascii_digit).collect();
            let only_digits_and_spaces = request
                .value
                .chars()
                .all(|c| c.is_ascii_digit() || c.is_whitespace() || c == '-' || c == '№');
            if digits.len() != 10 || !only_digits_and_spaces {
                return Err(field(vec![kabinet_core::Violation::new(
                    "passport_series_number",
                )]));
            }
            ("passport", digits)
        }
    })
}

/// The documents an operator records as checked: known names, the passport among them.
pub(crate) fn checked_documents(documents: &[String]) -> Outcome<Vec<String>> {
    let mut checked: Vec<String> = documents
        .iter()
        .map(|d| d.trim().to_owned())
        .filter(|d| !d.is_empty())
        .collect();
    checked.sort();
    checked.dedup();
    if checked.iter().any(|d| !DOCUMENTS.contains(&d.as_str())) {
        return Err(ApiError::field("documents", "unknown_document"));
    }
    if !checked
        .iter()
        .any(|d| d == "passport" || d == "foreign_passport")
    {
        return Err(ApiError::field("documents", "identity_document_required"));
    }
    Ok(checked)
}

/// Twelve characters cycling through upper case, lower case, digit and punctuation, so the
/// default policy holds and no two neighbours are equal. Easy-to-confuse characters are left
/// out, since it is read off paper.
pub(crate) fn temporary_password(random: &mut impl RandomSource) -> String {
    const CLASSES: [&[u8]; 4] = [
        b"ABCDEFGHJKLMNPQRSTUVWXYZ",
        b"abcdefghijkmnpqrstuvwxyz",
        b"23456789",
        b"!?-_.",
    ];
    (0..12)
        .map(|i| {
            let class = CLASSES[i % 4];
            char::from(class[random.below(class.len() as u64) as usize])
        })
        .collect()
}

impl Audited for CitizenSearch {
    fn detail(&self) -> Value {
        // What was searched by, not the value typed (the found account is recorded).
        json!({ "by": self.by })
    }
}
impl Audited for ForAccount {
    fn subject(&self) -> Option<Uuid> {
        Some(self.account_id)
    }
}
impl Audited for InPersonPhone {}
impl Audited for InPersonRegistration {
    fn detail(&self) -> Value {
        json!({ "with_phone": !self.phone_ticket.trim().is_empty() })
    }
}
impl Audited for InPersonConfirmation {
    fn subject(&self) -> Option<Uuid> {
        Some(self.account_id)
    }
    fn detail(&self) -> Value {
        json!({ "documents": self.documents })
    }
}
impl Audited for AccessRestore {
    fn subject(&self) -> Option<Uuid> {
        Some(self.account_id)
    }
    fn detail(&self) -> Value {
        json!({ "documents": self.documents })
    }
}
impl Audited for AccountBlockRequest {
    fn subject(&self) -> Option<Uuid> {
        Some(self.account_id)
    }
    fn detail(&self) -> Value {
        json!({ "reason": self.reason })
    }
}
impl Found for CitizenMatch {
    fn found(&self) -> Option<Uuid> {
        self.citizen.as_ref().map(|c| c.account_id)
    }
}
impl Found for CitizenCard {
    fn found(&self) -> Option<Uuid> {
        Some(self.citizen.account_id)
    }
}
impl Found for InPersonRegistered {
    fn found(&self) -> Option<Uuid> {
        Some(self.card.citizen.account_id)
    }
}
impl Audited for IdentityDocumentsChange {
    fn subject(&self) -> Option<Uuid> {
        Some(self.account_id)
    }
    fn detail(&self) -> Value {
        json!({ "documents": self.documents })
    }
}
impl Found for IdentityDocumentsChanged {}
impl Found for Ticket {}
impl Found for AccessRestored {}
impl Found for ActivationSlip {}
impl Found for ApprovalView {}
