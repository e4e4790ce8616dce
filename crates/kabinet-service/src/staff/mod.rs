//! The service-centre half: workstations and their enrolment, staff set-up and sign-in
//! ([`enrolment`]), the procedures at the desk ([`desk`]), four-eyes requests
//! ([`approvals`]), and the administration of staff, centres and the audit log ([`admin`]).
//!
//! Staff act on citizens' accounts only through the core's state machine, as an
//! [`kabinet_core::account::Actor::Operator`] naming the personnel number, centre and
//! workstation, so every action is in the citizen's own log; and every staff operation is in
//! the staff audit log (appended by the generated API delegate).

mod admin;
mod approvals;
pub(crate) mod desk;
mod enrolment;

pub use enrolment::{Bootstrap, Bootstrapped};

use chrono::{DateTime, Utc};
use kabinet_api::{ApiError, CentreRef, ErrorCode, Scope, StaffStatus as ApiStatus};
use kabinet_api::{CitizenBrief, StaffView};
use kabinet_core::staff::StaffStatus;
use kabinet_store::staff::{self as store, Centre, NewAuditEntry, StaffMember};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::Service;
use crate::access::Staff;
use crate::error::{self, Outcome};
use crate::repo::Loaded;

/// A member's scopes as stored (unknown codes, which no version wrote, are dropped).
pub(crate) fn scopes_of(member: &StaffMember) -> Vec<Scope> {
    let codes: Vec<String> = serde_json::from_value(member.scopes.clone()).unwrap_or_default();
    let mut scopes: Vec<Scope> = codes.iter().filter_map(|c| Scope::parse(c)).collect();
    scopes.sort();
    scopes.dedup();
    scopes
}

/// Scopes as stored.
pub(crate) fn scopes_json(scopes: &[Scope]) -> Value {
    let mut scopes = scopes.to_vec();
    scopes.sort();
    scopes.dedup();
    json!(scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>())
}

fn api_status(status: &str) -> ApiStatus {
    match StaffStatus::parse(status) {
        Some(StaffStatus::Active) => ApiStatus::Active,
        Some(StaffStatus::Pending) => ApiStatus::Pending,
        Some(StaffStatus::Suspended) | None => ApiStatus::Suspended,
    }
}

/// What the request of a staff operation tells the audit log: whom it concerns and the
/// details worth keeping (never a password, code or token).
pub(crate) trait Audited {
    /// The citizen's account it is about.
    fn subject(&self) -> Option<Uuid> {
        None
    }
    /// Details.
    fn detail(&self) -> Value {
        json!({})
    }
}

/// What the answer of a staff operation tells the audit log: the account it found.
pub(crate) trait Found {
    /// The account found or made.
    fn found(&self) -> Option<Uuid> {
        None
    }
}

/// An audit entry waiting for its operation's outcome.
pub(crate) struct AuditRecord(NewAuditEntry);

impl Service {
    /// The audit entry of a staff operation, before it runs.
    pub(crate) fn audit_record(
        &self,
        staff: &Staff,
        operation: &str,
        request: &impl Audited,
    ) -> AuditRecord {
        AuditRecord(NewAuditEntry {
            at: self.now(),
            staff_id: Some(staff.member.id),
            personnel_number: staff.member.personnel_number.clone(),
            centre_id: Some(staff.at.centre.id),
            workstation_id: Some(staff.at.workstation.id),
            action: operation.to_owned(),
            account_id: request.subject(),
            detail: request.detail(),
            outcome: String::new(),
        })
    }

    /// Appends the entry with the operation's outcome. A failure to append is logged: the
    /// action itself is already in the citizen's log, in its own transaction.
    pub(crate) async fn audit_result<R: Found>(&self, record: AuditRecord, result: &Outcome<R>) {
        let mut entry = record.0;
        match result {
            Ok(found) => {
                entry.outcome = "ok".into();
                entry.account_id = entry.account_id.or_else(|| found.found());
            }
            Err(e) => entry.outcome = e.code.as_str().to_owned(),
        }
        // A citizen a centre's staff served joins the centre's scope: its workstations keep
        // a copy from their next pull on, to serve the citizen without a link.
        if let (Some(account), Some(centre), "ok") =
            (entry.account_id, entry.centre_id, entry.outcome.as_str())
            && let Err(e) =
                kabinet_store::sync::add_to_scope(self.conn(), centre, account, entry.at).await
        {
            tracing::error!(error = %e, "an account could not join its centre's scope");
        }
        self.append_audit(entry).await;
    }

    /// Appends an entry for `staff` directly (refusals, sign-ins).
    pub(crate) async fn audit(
        &self,
        staff: &Staff,
        operation: &str,
        account_id: Option<Uuid>,
        detail: Value,
        outcome: &str,
    ) {
        let entry = NewAuditEntry {
            at: self.now(),
            staff_id: Some(staff.member.id),
            personnel_number: staff.member.personnel_number.clone(),
            centre_id: Some(staff.at.centre.id),
            workstation_id: Some(staff.at.workstation.id),
            action: operation.to_owned(),
            account_id,
            detail,
            outcome: outcome.to_owned(),
        };
        self.append_audit(entry).await;
    }

    pub(crate) async fn append_audit(&self, entry: NewAuditEntry) {
        if let Err(e) = store::append_audit(self.conn(), entry).await {
            tracing::error!(error = %e, "a staff audit entry could not be written");
        }
    }

    /// A member as the API shows them.
    pub(crate) async fn staff_view(&self, member: &StaffMember) -> Outcome<StaffView> {
        let centre = store::centre(self.conn(), member.centre_id)
            .await
            .map_err(error::store)?;
        Ok(StaffView {
            id: member.id,
            personnel_number: member.personnel_number.clone(),
            full_name: member.full_name.clone(),
            centre: CentreRef {
                id: member.centre_id,
                name: centre.map(|c| c.name).unwrap_or_default(),
            },
            scopes: scopes_of(member),
            status: api_status(&member.status),
        })
    }

    /// A centre by id, or `not_found` on the field.
    pub(crate) async fn centre_or_field(&self, id: Uuid, field: &str) -> Outcome<Centre> {
        store::centre(self.conn(), id)
            .await
            .map_err(error::store)?
            .ok_or_else(|| ApiError::field(field, "unknown_centre"))
    }

    /// A citizen's account by id, or `not_found`.
    pub(crate) async fn citizen_account(&self, id: Uuid) -> Outcome<Loaded> {
        crate::repo::load(self.conn(), id)
            .await?
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound))
    }

    /// A citizen masked for a search result or a queue: first name and the surname's initial,
    /// masked contacts, level and status.
    pub(crate) async fn brief(&self, account: &Loaded) -> Outcome<CitizenBrief> {
        let summary = self.summary(account).await?;
        let initial = account.surname.chars().next();
        let name = match (account.first_name.trim(), initial) {
            ("", _) => String::new(),
            (first, Some(i)) => format!("{first} {i}."),
            (first, None) => first.to_owned(),
        };
        Ok(CitizenBrief {
            account_id: account.id,
            name,
            phone: summary.phone.unwrap_or_default(),
            email: summary.email.unwrap_or_default(),
            level: summary.level,
            status: summary.status,
        })
    }
}

/// A new staff member waiting for their set-up code: no password, no authenticator.
pub(crate) fn pending_member(
    personnel_number: String,
    full_name: &str,
    centre_id: Uuid,
    scopes: &[Scope],
    now: DateTime<Utc>,
) -> StaffMember {
    StaffMember {
        id: Uuid::now_v7(),
        personnel_number,
        full_name: full_name.trim().to_owned(),
        centre_id,
        scopes: scopes_json(scopes),
        status: StaffStatus::Pending.as_str().to_owned(),
        password_phc: None,
        totp_secret: None,
        totp_last_step: None,
        failures: 0,
        locked_until: None,
        created_at: now,
        updated_at: now,
    }
}

/// A member back to waiting for a set-up code: password, authenticator and lock dropped.
pub(crate) fn back_to_pending(member: StaffMember, now: DateTime<Utc>) -> StaffMember {
    StaffMember {
        created_at: member.created_at,
        id: member.id,
        updated_at: now,
        ..pending_member(
            member.personnel_number.clone(),
            &member.full_name,
            member.centre_id,
            &scopes_of(&member),
            now,
        )
    }
}

/// A one-time code of `purpose` as stored: its keyed hash, never the code.
pub(crate) fn code_row(
    service: &Service,
    code: &str,
    purpose: &str,
    centre_id: Uuid,
    staff_id: Option<Uuid>,
    created_by: Option<Uuid>,
    now: DateTime<Utc>,
) -> store::StaffCode {
    store::StaffCode {
        code_hash: service.staff_code_hash(code),
        purpose: purpose.to_owned(),
        centre_id,
        staff_id,
        created_by,
        created_at: now,
        expires_at: now + kabinet_core::staff::ENROLMENT_CODE_TTL,
        used_at: None,
    }
}

impl Service {
    /// The keyed hash of a one-time staff code, as typed (spaces and dashes ignored).
    pub(crate) fn staff_code_hash(&self, code: &str) -> Vec<u8> {
        let canonical: String = code
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        self.inner
            .hasher
            .hash(kabinet_core::codes::CodePurpose::StaffCode, &canonical)
            .to_vec()
    }

    /// A fresh one-time code: 16 characters from an alphabet without look-alikes, in groups
    /// of four (read off paper).
    pub(crate) fn new_staff_code(&self) -> String {
        use kabinet_core::RandomSource;
        const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        let mut random = crate::ports::entropy::Random(self.inner.ports.entropy.as_ref());
        let chars: Vec<char> = (0..16)
            .map(|_| char::from(ALPHABET[random.below(ALPHABET.len() as u64) as usize]))
            .collect();
        chars
            .chunks(4)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join("-")
    }
}

/// `forbidden` with a message.
pub(crate) fn forbidden(message: &str) -> ApiError {
    ApiError::new(ErrorCode::Forbidden).with_message(message)
}
