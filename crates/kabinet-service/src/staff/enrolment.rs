//! Getting a centre going: the first administrator's bootstrap, workstation enrolment, staff
//! set-up (authenticator, then password), and staff sign-in with the mandatory second factor.

use chrono::Duration;
use kabinet_api::{
    ApiError, CentreRef, Context, Empty, ErrorCode, Scope, StaffSetup, StaffSetupFinish,
    StaffSetupStart, StaffSignIn, StaffSignedIn, StaffView, WorkstationEnrolled,
    WorkstationEnrolment, WorkstationInfo,
};
use kabinet_core::codes::{CodePurpose, link_token};
use kabinet_core::staff::{self as rules, StaffStatus};
use kabinet_core::totp::TotpSecret;
use kabinet_store::staff::{self as store, SessionsOf, StaffMember, StaffSession, Workstation};
use serde_json::json;
use uuid::Uuid;

use crate::Service;
use crate::access::{AtWorkstation, Staff};
use crate::error::{self, Outcome};
use crate::flow::{self, Flow, FlowState};
use crate::ports::entropy::Random;
use crate::staff::{Audited, Found, code_row, pending_member};

/// Code purposes as stored.
pub(crate) const WORKSTATION_CODE: &str = "workstation";
pub(crate) const SETUP_CODE: &str = "staff_setup";

/// How long a set-up may sit between its two steps.
const SETUP_TTL: Duration = Duration::minutes(30);

/// The first administrator and their centre, made once from the command line.
#[derive(Debug, Clone)]
pub struct Bootstrap {
    /// The head office's name.
    pub centre_name: String,
    /// Its address.
    pub centre_address: String,
    /// The administrator's personnel number.
    pub personnel_number: String,
    /// Their full name.
    pub full_name: String,
}

/// What the bootstrap hands over, once: a code that enrols the first workstation and a code
/// that sets the administrator up at it.
#[derive(Debug, Clone)]
pub struct Bootstrapped {
    /// The centre made.
    pub centre_id: Uuid,
    /// Enrols a workstation of that centre.
    pub workstation_code: String,
    /// Sets the administrator up (authenticator and password).
    pub setup_code: String,
}

/// A staff set-up between its steps: the authenticator secret, sealed, waits for its first
/// code.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub(crate) enum StaffSetupFlow {
    /// Waiting for the password and a first code.
    Finish {
        /// Whose.
        staff_id: Uuid,
        /// The workstation it began at.
        workstation_id: Uuid,
        /// The secret, sealed to the staff member.
        sealed_secret: String,
    },
}

impl FlowState for StaffSetupFlow {
    const KIND: &'static str = "staff_setup";
}

impl Service {
    /// Makes the first centre and its administrator (`staff:manage`, `centre:manage`);
    /// refused once any staff member exists.
    pub async fn bootstrap(&self, request: Bootstrap) -> Outcome<Bootstrapped> {
        let number = rules::personnel_number(&request.personnel_number).map_err(|v| {
            let mut errors = kabinet_core::FieldErrors::default();
            errors.add("personnel_number", vec![v]);
            error::fields(errors)
        })?;
        if request.full_name.trim().is_empty() {
            return Err(ApiError::field("full_name", "required"));
        }
        let now = self.now();
        let tx = self.begin().await?;
        if store::any_staff(&tx).await.map_err(error::store)? {
            return Err(ApiError::new(ErrorCode::NotAllowed)
                .with_message("Администратор уже создан: сотрудников добавляют в приложении"));
        }
        let centre = self.default_centre(&request.centre_name, &request.centre_address, now)?;
        let centre_id = centre.id;
        store::insert_centre(&tx, centre)
            .await
            .map_err(error::store)?;
        let member = pending_member(
            number,
            &request.full_name,
            centre_id,
            &[Scope::StaffManage, Scope::CentreManage],
            now,
        );
        let staff_id = member.id;
        store::insert_staff(&tx, member)
            .await
            .map_err(error::store)?;
        let workstation_code = self.new_staff_code();
        let setup_code = self.new_staff_code();
        for (code, purpose, staff) in [
            (&workstation_code, WORKSTATION_CODE, None),
            (&setup_code, SETUP_CODE, Some(staff_id)),
        ] {
            store::insert_code(
                &tx,
                code_row(self, code, purpose, centre_id, staff, None, now),
            )
            .await
            .map_err(error::store)?;
        }
        tx.commit().await.map_err(error::store)?;
        Ok(Bootstrapped {
            centre_id,
            workstation_code,
            setup_code,
        })
    }

    pub(crate) async fn workstation_enrol(
        &self,
        context: &Context,
        request: WorkstationEnrolment,
    ) -> Outcome<WorkstationEnrolled> {
        let name = request.name.trim();
        if name.is_empty() {
            return Err(ApiError::field("name", "required"));
        }
        if name.chars().count() > 60 {
            return Err(ApiError::field("name", "too_long"));
        }
        self.check_client(context).await?;
        let now = self.now();
        let tx = self.begin().await?;
        let hash = self.staff_code_hash(&request.code);
        let Some(code) = store::take_code(&tx, &hash, WORKSTATION_CODE, now)
            .await
            .map_err(error::store)?
        else {
            drop(tx);
            self.count_client_failure(context).await?;
            return Err(ApiError::field("code", "enrolment_code_wrong"));
        };
        let centre = self.centre_or_field(code.centre_id, "code").await?;
        let key = link_token(&mut Random(self.inner.ports.entropy.as_ref()));
        let workstation = Workstation {
            id: Uuid::now_v7(),
            centre_id: centre.id,
            name: name.to_owned(),
            key_hash: self
                .inner
                .hasher
                .hash(CodePurpose::Workstation, &key)
                .to_vec(),
            status: "active".into(),
            enrolled_at: now,
            last_seen_at: now,
        };
        let workstation_id = workstation.id;
        store::insert_workstation(&tx, workstation)
            .await
            .map_err(error::store)?;
        store::append_audit(
            &tx,
            store::NewAuditEntry {
                at: now,
                staff_id: None,
                personnel_number: String::new(),
                centre_id: Some(centre.id),
                workstation_id: Some(workstation_id),
                action: "workstation_enrol".into(),
                account_id: None,
                detail: json!({ "name": name, "created_by": code.created_by }),
                outcome: "ok".into(),
            },
        )
        .await
        .map_err(error::store)?;
        tx.commit().await.map_err(error::store)?;
        Ok(WorkstationEnrolled {
            workstation_id,
            key,
            name: name.to_owned(),
            centre: CentreRef {
                id: centre.id,
                name: centre.name,
            },
        })
    }

    pub(crate) async fn workstation_info(
        &self,
        at: AtWorkstation,
        _context: &Context,
        _request: Empty,
    ) -> Outcome<WorkstationInfo> {
        Ok(WorkstationInfo {
            workstation_id: at.workstation.id,
            name: at.workstation.name.clone(),
            centre: self.centre_view(&at.centre),
        })
    }

    pub(crate) async fn staff_setup_start(
        &self,
        at: AtWorkstation,
        context: &Context,
        request: StaffSetupStart,
    ) -> Outcome<StaffSetup> {
        self.check_client(context).await?;
        let now = self.now();
        let tx = self.begin().await?;
        let hash = self.staff_code_hash(&request.code);
        let code = store::take_code(&tx, &hash, SETUP_CODE, now)
            .await
            .map_err(error::store)?;
        let member = match code.and_then(|c| c.staff_id) {
            Some(id) => store::staff_member(&tx, id).await.map_err(error::store)?,
            None => None,
        };
        let Some(member) = member else {
            drop(tx);
            self.count_client_failure(context).await?;
            return Err(ApiError::field("code", "setup_code_wrong"));
        };
        if member.centre_id != at.centre.id {
            // The code stays used: it was shown at a workstation it was not meant for.
            tx.commit().await.map_err(error::store)?;
            return Err(super::forbidden(
                "Код выдан для другого центра обслуживания",
            ));
        }
        let secret = TotpSecret::generate(&mut Random(self.inner.ports.entropy.as_ref()));
        let base32 = secret.base32().unwrap_or_default();
        let otpauth_url = secret
            .otpauth_url(&member.personnel_number, "Кабинет — сотрудник")
            .unwrap_or_default();
        let sealed = self.inner.sealer.seal(member.id, &secret.0);
        let (ticket, _) = flow::create(
            &tx,
            &self.inner.hasher,
            self.inner.ports.entropy.as_ref(),
            None,
            StaffSetupFlow::Finish {
                staff_id: member.id,
                workstation_id: at.workstation.id,
                sealed_secret: hex::encode(sealed),
            },
            SETUP_TTL,
            now,
        )
        .await?;
        tx.commit().await.map_err(error::store)?;
        Ok(StaffSetup {
            ticket,
            full_name: member.full_name,
            personnel_number: member.personnel_number,
            totp_secret: base32,
            otpauth_url,
        })
    }

    pub(crate) async fn staff_setup_finish(
        &self,
        at: AtWorkstation,
        _context: &Context,
        request: StaffSetupFinish,
    ) -> Outcome<Empty> {
        let now = self.now();
        let flow: Flow<StaffSetupFlow> =
            flow::find(self.conn(), &self.inner.hasher, &request.ticket, now).await?;
        let StaffSetupFlow::Finish {
            staff_id,
            workstation_id,
            sealed_secret,
        } = &flow.state;
        if *workstation_id != at.workstation.id {
            return Err(ApiError::new(ErrorCode::FlowExpired));
        }
        let member = store::staff_member(self.conn(), *staff_id)
            .await
            .map_err(error::store)?
            .ok_or_else(|| ApiError::new(ErrorCode::FlowExpired))?;
        let mut errors = kabinet_core::FieldErrors::default();
        if let Err(violations) = self
            .inner
            .config
            .password_policy
            .check(&request.password, &[member.personnel_number.as_str()])
        {
            errors.add("password", violations);
        }
        if !errors.is_empty() {
            return Err(error::fields(errors));
        }
        let secret = self.open_staff_secret(member.id, sealed_secret)?;
        let step = secret
            .verify(&request.totp_code, unix(now), None)
            .map_err(|_| ApiError::field("totp_code", "code_wrong"))?;
        let phc = self.hash_secret(request.password.clone()).await?;
        let tx = self.begin().await?;
        let member = StaffMember {
            status: StaffStatus::Active.as_str().to_owned(),
            password_phc: Some(phc),
            totp_secret: hex::decode(sealed_secret).ok(),
            totp_last_step: Some(i64::try_from(step).unwrap_or(i64::MAX)),
            failures: 0,
            locked_until: None,
            updated_at: now,
            ..member
        };
        store::save_staff(&tx, member.clone())
            .await
            .map_err(error::store)?;
        flow::finish(&tx, &flow, now).await?;
        tx.commit().await.map_err(error::store)?;
        self.audit_at(&at, &member, "staff_setup_finish", json!({}), "ok")
            .await;
        Ok(Empty {})
    }

    pub(crate) async fn staff_sign_in(
        &self,
        at: AtWorkstation,
        context: &Context,
        request: StaffSignIn,
    ) -> Outcome<StaffSignedIn> {
        self.check_client(context).await?;
        let now = self.now();
        let number = request.personnel_number.trim().to_owned();
        let member = store::staff_by_number(self.conn(), &number)
            .await
            .map_err(error::store)?;
        if let Some(until) = member.as_ref().and_then(|m| m.locked_until)
            && until > now
        {
            return Err(ApiError::new(ErrorCode::AccountLocked).retry_at(until));
        }
        // The password is checked even for an unknown number (a decoy), so both take as long.
        let password_ok = self
            .verify_secret(
                member.as_ref().and_then(|m| m.password_phc.clone()),
                request.password.clone(),
            )
            .await?;
        // On a workstation's replica (no link to the centre) the second factor is the enrolled
        // workstation itself, and only within the offline window of the member's last sign-in
        // at the centre from here; the authenticator's secret never leaves the centre.
        let replica = self.is_replica(self.conn()).await?;
        let totp_step = match (&member, password_ok) {
            (Some(m), true) if replica => match self.offline_sign_in_until(m.id).await? {
                Some(_) => Some(m.totp_last_step.unwrap_or(0).max(0) as u64),
                None => {
                    return Err(ApiError::new(ErrorCode::NotAllowed).with_message(
                        "Без связи с центром войти можно в течение 12 часов после входа при связи на этом рабочем месте",
                    ));
                }
            },
            (Some(m), true) => self.staff_totp_step(m, &request.totp_code, now),
            _ => None,
        };
        let (Some(member), Some(step)) = (member.clone(), totp_step) else {
            self.staff_sign_in_failed(&at, member, &number, context)
                .await?;
            return Err(ApiError::new(ErrorCode::CredentialsInvalid));
        };
        if StaffStatus::parse(&member.status) != Some(StaffStatus::Active) {
            self.audit_at(&at, &member, "staff_sign_in", json!({}), "not_allowed")
                .await;
            return Err(ApiError::new(ErrorCode::NotAllowed)
                .with_message("Учётная запись сотрудника приостановлена или не настроена"));
        }
        if member.centre_id != at.centre.id {
            self.audit_at(
                &at,
                &member,
                "staff_sign_in",
                json!({ "refused": "another_centre" }),
                "forbidden",
            )
            .await;
            return Err(super::forbidden(
                "Вход возможен только на рабочем месте своего центра обслуживания",
            ));
        }
        let token = link_token(&mut Random(self.inner.ports.entropy.as_ref()));
        let session = StaffSession {
            id: Uuid::now_v7(),
            token_hash: self
                .inner
                .hasher
                .hash(CodePurpose::StaffSession, &token)
                .to_vec(),
            staff_id: member.id,
            workstation_id: at.workstation.id,
            address: context.address.clone(),
            created_at: now,
            last_seen_at: now,
            idle_expires_at: now + rules::IDLE_TIMEOUT,
            absolute_expires_at: now + rules::ABSOLUTE_TIMEOUT,
            revoked_at: None,
        };
        let expires_at = session.absolute_expires_at;
        let tx = self.begin().await?;
        store::save_staff(
            &tx,
            StaffMember {
                failures: 0,
                locked_until: None,
                totp_last_step: Some(i64::try_from(step).unwrap_or(i64::MAX)),
                updated_at: now,
                ..member.clone()
            },
        )
        .await
        .map_err(error::store)?;
        store::insert_session(&tx, session)
            .await
            .map_err(error::store)?;
        tx.commit().await.map_err(error::store)?;
        self.audit_at(&at, &member, "staff_sign_in", json!({}), "ok")
            .await;
        Ok(StaffSignedIn {
            token,
            expires_at,
            staff: self.staff_view(&member).await?,
        })
    }

    pub(crate) async fn staff_me(
        &self,
        staff: Staff,
        _context: &Context,
        _request: Empty,
    ) -> Outcome<StaffView> {
        self.staff_view(&staff.member).await
    }

    pub(crate) async fn staff_sign_out(
        &self,
        staff: Staff,
        _context: &Context,
        _request: Empty,
    ) -> Outcome<Empty> {
        store::revoke_sessions(
            self.conn(),
            SessionsOf::Session(staff.session.id),
            self.now(),
        )
        .await
        .map_err(error::store)?;
        Ok(Empty {})
    }

    // -----------------------------------------------------------------------------------------

    fn open_staff_secret(&self, staff_id: Uuid, sealed_hex: &str) -> Outcome<TotpSecret> {
        let sealed = hex::decode(sealed_hex).map_err(|e| error::internal(&e))?;
        self.inner
            .sealer
            .open(staff_id, &sealed)
            .map(TotpSecret)
            .ok_or_else(|| error::internal(&"a staff authenticator secret does not open"))
    }

    /// The step of a right, unused authenticator code of `member`, if it is one.
    fn staff_totp_step(
        &self,
        member: &StaffMember,
        code: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Option<u64> {
        let sealed = hex::encode(member.totp_secret.as_deref()?);
        let secret = self.open_staff_secret(member.id, &sealed).ok()?;
        let last = member.totp_last_step.and_then(|s| u64::try_from(s).ok());
        secret.verify(code, unix(now), last).ok()
    }

    /// Counts a failed staff sign-in: against the client, and against the member (a lock
    /// after [`rules::SIGN_IN_ATTEMPTS`]); audited.
    async fn staff_sign_in_failed(
        &self,
        at: &AtWorkstation,
        member: Option<StaffMember>,
        typed_number: &str,
        context: &Context,
    ) -> Outcome<()> {
        let now = self.now();
        if let Some(member) = &member {
            let failures = member.failures + 1;
            let locked_until =
                (failures >= rules::SIGN_IN_ATTEMPTS).then(|| now + rules::SIGN_IN_LOCK);
            store::save_staff(
                self.conn(),
                StaffMember {
                    failures: if locked_until.is_some() { 0 } else { failures },
                    locked_until,
                    updated_at: now,
                    ..member.clone()
                },
            )
            .await
            .map_err(error::store)?;
        }
        self.append_audit(store::NewAuditEntry {
            at: now,
            staff_id: member.as_ref().map(|m| m.id),
            personnel_number: member.as_ref().map_or_else(
                || typed_number.chars().take(20).collect(),
                |m| m.personnel_number.clone(),
            ),
            centre_id: Some(at.centre.id),
            workstation_id: Some(at.workstation.id),
            action: "staff_sign_in".into(),
            account_id: None,
            detail: json!({}),
            outcome: ErrorCode::CredentialsInvalid.as_str().into(),
        })
        .await;
        self.count_client_failure(context).await
    }

    /// An audit entry for `member` at a workstation (before a session exists).
    async fn audit_at(
        &self,
        at: &AtWorkstation,
        member: &StaffMember,
        action: &str,
        detail: serde_json::Value,
        outcome: &str,
    ) {
        self.append_audit(store::NewAuditEntry {
            at: self.now(),
            staff_id: Some(member.id),
            personnel_number: member.personnel_number.clone(),
            centre_id: Some(at.centre.id),
            workstation_id: Some(at.workstation.id),
            action: action.to_owned(),
            account_id: None,
            detail,
            outcome: outcome.to_owned(),
        })
        .await;
    }
}

fn unix(now: chrono::DateTime<chrono::Utc>) -> u64 {
    u64::try_from(now.timestamp()).unwrap_or(0)
}

impl Audited for Empty {}
impl Found for Empty {}
impl Found for StaffView {}
