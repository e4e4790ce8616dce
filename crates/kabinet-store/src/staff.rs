//! Service-centre staff, their workstations and sessions, one-time enrolment codes, four-eyes
//! requests and the staff audit log. Rows in, rows out; the rules are the caller's.
//!
//! Every secret here is kept as a keyed hash (codes, workstation keys, session tokens) or
//! sealed (authenticator secrets); the audit log has only [`append_audit`] and [`audit`]: the
//! database refuses to change or remove its rows.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, sea_query::Expr,
};
use uuid::Uuid;

use crate::db::{Conn, StoreError, StoreResult, db};
use crate::entity::{
    approval, centre, staff_audit, staff_code, staff_member, staff_session, workstation,
};

pub use crate::entity::approval::Model as Approval;
pub use crate::entity::centre::Model as Centre;
pub use crate::entity::staff_audit::Model as AuditEntry;
pub use crate::entity::staff_code::Model as StaffCode;
pub use crate::entity::staff_member::Model as StaffMember;
pub use crate::entity::staff_session::Model as StaffSession;
pub use crate::entity::workstation::Model as Workstation;

// ---- centres ----

/// Adds a centre.
pub async fn insert_centre(conn: &impl Conn, row: Centre) -> StoreResult<()> {
    row.into_active_model()
        .reset_all()
        .insert(db!(conn))
        .await?;
    Ok(())
}

/// Replaces a centre's row.
pub async fn update_centre(conn: &impl Conn, row: Centre) -> StoreResult<()> {
    row.into_active_model()
        .reset_all()
        .update(db!(conn))
        .await?;
    Ok(())
}

/// A centre.
pub async fn centre(conn: &impl Conn, id: Uuid) -> StoreResult<Option<Centre>> {
    Ok(centre::Entity::find_by_id(id).one(db!(conn)).await?)
}

/// Every centre, by name.
pub async fn centres(conn: &impl Conn) -> StoreResult<Vec<Centre>> {
    Ok(centre::Entity::find()
        .order_by_asc(centre::Column::Name)
        .all(db!(conn))
        .await?)
}

// ---- staff ----

/// Whether any staff member exists (the bootstrap runs only on none).
pub async fn any_staff(conn: &impl Conn) -> StoreResult<bool> {
    Ok(staff_member::Entity::find().count(db!(conn)).await? > 0)
}

/// Adds a staff member; `LoginTaken { kind: "personnel_number" }` when the number is in use.
pub async fn insert_staff(conn: &impl Conn, row: StaffMember) -> StoreResult<()> {
    match row.into_active_model().reset_all().insert(db!(conn)).await {
        Ok(_) => Ok(()),
        Err(e) if StoreError::is_unique_violation(&e) => Err(StoreError::LoginTaken {
            kind: "personnel_number".into(),
        }),
        Err(e) => Err(e.into()),
    }
}

/// Replaces a staff member's row.
pub async fn save_staff(conn: &impl Conn, row: StaffMember) -> StoreResult<()> {
    row.into_active_model()
        .reset_all()
        .update(db!(conn))
        .await?;
    Ok(())
}

/// A staff member by id.
pub async fn staff_member(conn: &impl Conn, id: Uuid) -> StoreResult<Option<StaffMember>> {
    Ok(staff_member::Entity::find_by_id(id).one(db!(conn)).await?)
}

/// A staff member by personnel number.
pub async fn staff_by_number(conn: &impl Conn, number: &str) -> StoreResult<Option<StaffMember>> {
    Ok(staff_member::Entity::find()
        .filter(staff_member::Column::PersonnelNumber.eq(number))
        .one(db!(conn))
        .await?)
}

/// Every staff member, by personnel number.
pub async fn all_staff(conn: &impl Conn) -> StoreResult<Vec<StaffMember>> {
    Ok(staff_member::Entity::find()
        .order_by_asc(staff_member::Column::PersonnelNumber)
        .all(db!(conn))
        .await?)
}

// ---- one-time codes ----

/// Stores a code's hash.
pub async fn insert_code(conn: &impl Conn, row: StaffCode) -> StoreResult<()> {
    row.into_active_model()
        .reset_all()
        .insert(db!(conn))
        .await?;
    Ok(())
}

/// Uses up the unexpired, unused code of `purpose` with this hash, once: of two callers with
/// the same code, one gets it.
pub async fn take_code(
    conn: &impl Conn,
    code_hash: &[u8],
    purpose: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<StaffCode>> {
    let used = staff_code::Entity::update_many()
        .col_expr(staff_code::Column::UsedAt, Expr::value(now))
        .filter(staff_code::Column::CodeHash.eq(code_hash.to_vec()))
        .filter(staff_code::Column::Purpose.eq(purpose))
        .filter(staff_code::Column::UsedAt.is_null())
        .filter(staff_code::Column::ExpiresAt.gt(now))
        .exec(db!(conn))
        .await?;
    if used.rows_affected != 1 {
        return Ok(None);
    }
    Ok(staff_code::Entity::find_by_id(code_hash.to_vec())
        .one(db!(conn))
        .await?)
}

/// Withdraws the unused codes of `purpose` for a staff member (a new one replaces them).
pub async fn withdraw_codes(
    conn: &impl Conn,
    staff_id: Uuid,
    purpose: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    staff_code::Entity::update_many()
        .col_expr(staff_code::Column::UsedAt, Expr::value(now))
        .filter(staff_code::Column::StaffId.eq(staff_id))
        .filter(staff_code::Column::Purpose.eq(purpose))
        .filter(staff_code::Column::UsedAt.is_null())
        .exec(db!(conn))
        .await?;
    Ok(())
}

// ---- workstations ----

/// Adds a workstation.
pub async fn insert_workstation(conn: &impl Conn, row: Workstation) -> StoreResult<()> {
    row.into_active_model()
        .reset_all()
        .insert(db!(conn))
        .await?;
    Ok(())
}

/// The workstation whose key has this keyed hash.
pub async fn workstation_by_key(
    conn: &impl Conn,
    key_hash: &[u8],
) -> StoreResult<Option<Workstation>> {
    Ok(workstation::Entity::find()
        .filter(workstation::Column::KeyHash.eq(key_hash.to_vec()))
        .one(db!(conn))
        .await?)
}

/// A workstation by id.
pub async fn workstation(conn: &impl Conn, id: Uuid) -> StoreResult<Option<Workstation>> {
    Ok(workstation::Entity::find_by_id(id).one(db!(conn)).await?)
}

/// Every workstation, by centre and name.
pub async fn workstations(conn: &impl Conn) -> StoreResult<Vec<Workstation>> {
    Ok(workstation::Entity::find()
        .order_by_asc(workstation::Column::CentreId)
        .order_by_asc(workstation::Column::Name)
        .all(db!(conn))
        .await?)
}

/// Sets a workstation's status (`active`, `revoked`).
pub async fn set_workstation_status(conn: &impl Conn, id: Uuid, status: &str) -> StoreResult<()> {
    workstation::Entity::update_many()
        .col_expr(workstation::Column::Status, Expr::value(status))
        .filter(workstation::Column::Id.eq(id))
        .exec(db!(conn))
        .await?;
    Ok(())
}

/// Records that a workstation was seen.
pub async fn touch_workstation(conn: &impl Conn, id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
    workstation::Entity::update_many()
        .col_expr(workstation::Column::LastSeenAt, Expr::value(now))
        .filter(workstation::Column::Id.eq(id))
        .exec(db!(conn))
        .await?;
    Ok(())
}

// ---- staff sessions ----

/// Stores a staff session.
pub async fn insert_session(conn: &impl Conn, row: StaffSession) -> StoreResult<()> {
    row.into_active_model()
        .reset_all()
        .insert(db!(conn))
        .await?;
    Ok(())
}

/// The staff session whose token has this keyed hash, live or not.
pub async fn session_by_token(
    conn: &impl Conn,
    token_hash: &[u8],
) -> StoreResult<Option<StaffSession>> {
    Ok(staff_session::Entity::find()
        .filter(staff_session::Column::TokenHash.eq(token_hash.to_vec()))
        .one(db!(conn))
        .await?)
}

/// Pushes a staff session's idle end forward.
pub async fn touch_session(
    conn: &impl Conn,
    id: Uuid,
    now: DateTime<Utc>,
    idle_expires_at: DateTime<Utc>,
) -> StoreResult<()> {
    staff_session::Entity::update_many()
        .col_expr(staff_session::Column::LastSeenAt, Expr::value(now))
        .col_expr(
            staff_session::Column::IdleExpiresAt,
            Expr::value(idle_expires_at),
        )
        .filter(staff_session::Column::Id.eq(id))
        .exec(db!(conn))
        .await?;
    Ok(())
}

/// Which staff sessions to end.
#[derive(Debug, Clone, Copy)]
pub enum SessionsOf {
    /// One session.
    Session(Uuid),
    /// Every session of a staff member.
    Staff(Uuid),
    /// Every session opened at a workstation.
    Workstation(Uuid),
}

/// Ends staff sessions; returns how many were live.
pub async fn revoke_sessions(
    conn: &impl Conn,
    which: SessionsOf,
    now: DateTime<Utc>,
) -> StoreResult<u64> {
    let update = staff_session::Entity::update_many()
        .col_expr(staff_session::Column::RevokedAt, Expr::value(now))
        .filter(staff_session::Column::RevokedAt.is_null());
    let update = match which {
        SessionsOf::Session(id) => update.filter(staff_session::Column::Id.eq(id)),
        SessionsOf::Staff(id) => update.filter(staff_session::Column::StaffId.eq(id)),
        SessionsOf::Workstation(id) => update.filter(staff_session::Column::WorkstationId.eq(id)),
    };
    Ok(update.exec(db!(conn)).await?.rows_affected)
}

/// Live staff sessions (of one staff member, or all), newest first.
pub async fn live_sessions(
    conn: &impl Conn,
    staff_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> StoreResult<Vec<StaffSession>> {
    let mut query = staff_session::Entity::find()
        .filter(staff_session::Column::RevokedAt.is_null())
        .filter(staff_session::Column::IdleExpiresAt.gt(now))
        .filter(staff_session::Column::AbsoluteExpiresAt.gt(now));
    if let Some(id) = staff_id {
        query = query.filter(staff_session::Column::StaffId.eq(id));
    }
    Ok(query
        .order_by_desc(staff_session::Column::CreatedAt)
        .all(db!(conn))
        .await?)
}

// ---- four-eyes ----

/// Files a request.
pub async fn insert_approval(conn: &impl Conn, row: Approval) -> StoreResult<()> {
    row.into_active_model()
        .reset_all()
        .insert(db!(conn))
        .await?;
    Ok(())
}

/// A request.
pub async fn approval(conn: &impl Conn, id: Uuid) -> StoreResult<Option<Approval>> {
    Ok(approval::Entity::find_by_id(id).one(db!(conn)).await?)
}

/// The pending requests of a centre, oldest first.
pub async fn pending_approvals(conn: &impl Conn, centre_id: Uuid) -> StoreResult<Vec<Approval>> {
    Ok(approval::Entity::find()
        .filter(approval::Column::CentreId.eq(centre_id))
        .filter(approval::Column::Status.eq("pending"))
        .order_by_asc(approval::Column::RequestedAt)
        .all(db!(conn))
        .await?)
}

/// Decides a pending request (`approved`, `rejected`, `expired`); false when it was no longer
/// pending (another checker was first).
pub async fn decide_approval(
    conn: &impl Conn,
    id: Uuid,
    status: &str,
    checker_id: Option<Uuid>,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let done = approval::Entity::update_many()
        .col_expr(approval::Column::Status, Expr::value(status))
        .col_expr(approval::Column::CheckerId, Expr::value(checker_id))
        .col_expr(approval::Column::DecidedAt, Expr::value(now))
        .col_expr(approval::Column::DecisionReason, Expr::value(reason))
        .filter(approval::Column::Id.eq(id))
        .filter(approval::Column::Status.eq("pending"))
        .exec(db!(conn))
        .await?;
    Ok(done.rows_affected == 1)
}

// ---- the audit log ----

/// An audit entry to append (its number is given by the database).
#[derive(Debug, Clone)]
pub struct NewAuditEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// Who (none for a refused sign-in of an unknown number).
    pub staff_id: Option<Uuid>,
    /// Their personnel number (or what was typed).
    pub personnel_number: String,
    /// Where.
    pub centre_id: Option<Uuid>,
    /// At which workstation.
    pub workstation_id: Option<Uuid>,
    /// What (the operation's name).
    pub action: String,
    /// To whom.
    pub account_id: Option<Uuid>,
    /// Details (documents checked, search kind, reasons); never a secret.
    pub detail: serde_json::Value,
    /// `ok` or the error code it ended with.
    pub outcome: String,
}

/// Appends an entry.
pub async fn append_audit(conn: &impl Conn, entry: NewAuditEntry) -> StoreResult<()> {
    use sea_orm::ActiveValue::{NotSet, Set};
    staff_audit::ActiveModel {
        seq: NotSet,
        at: Set(entry.at),
        staff_id: Set(entry.staff_id),
        personnel_number: Set(entry.personnel_number),
        centre_id: Set(entry.centre_id),
        workstation_id: Set(entry.workstation_id),
        action: Set(entry.action),
        account_id: Set(entry.account_id),
        detail: Set(entry.detail),
        outcome: Set(entry.outcome),
    }
    .insert(db!(conn))
    .await?;
    Ok(())
}

/// What an audit search asks for; every part optional.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// By this personnel number.
    pub personnel_number: Option<String>,
    /// This operation.
    pub action: Option<String>,
    /// To this account.
    pub account_id: Option<Uuid>,
    /// At this centre.
    pub centre_id: Option<Uuid>,
    /// At or after.
    pub from: Option<DateTime<Utc>>,
    /// Before.
    pub to: Option<DateTime<Utc>>,
    /// Entries skipped (newest first).
    pub offset: u64,
    /// At most this many.
    pub limit: u64,
}

/// Audit entries matching `query`, newest first.
pub async fn audit(conn: &impl Conn, query: &AuditQuery) -> StoreResult<Vec<AuditEntry>> {
    let mut select = staff_audit::Entity::find();
    if let Some(number) = &query.personnel_number {
        select = select.filter(staff_audit::Column::PersonnelNumber.eq(number.clone()));
    }
    if let Some(action) = &query.action {
        select = select.filter(staff_audit::Column::Action.eq(action.clone()));
    }
    if let Some(id) = query.account_id {
        select = select.filter(staff_audit::Column::AccountId.eq(id));
    }
    if let Some(id) = query.centre_id {
        select = select.filter(staff_audit::Column::CentreId.eq(id));
    }
    if let Some(from) = query.from {
        select = select.filter(staff_audit::Column::At.gte(from));
    }
    if let Some(to) = query.to {
        select = select.filter(staff_audit::Column::At.lt(to));
    }
    Ok(select
        .order_by_desc(staff_audit::Column::Seq)
        .offset(query.offset)
        .limit(query.limit)
        .all(db!(conn))
        .await?)
}
