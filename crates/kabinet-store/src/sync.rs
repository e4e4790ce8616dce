//! Workstation sync, as rows: the replica's outbox and cursor, the centre's inbox, conflicts
//! and which accounts each centre's replicas hold. The protocol's rules are the core's
//! (`kabinet_core::sync`) and the service's; this module only reads and writes.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
    sea_query::{Expr, OnConflict},
};
use uuid::Uuid;

use crate::db::{Conn, StoreError, StoreResult, db};
use crate::entity::{
    centre_account, change_feed, sync_conflict, sync_inbox, sync_outbox, sync_state,
};

/// A conflict in a centre's queue.
pub use crate::entity::sync_conflict::Model as Conflict;
/// A change the centre received, with its outcome.
pub use crate::entity::sync_inbox::Model as InboxEntry;
/// A change in a replica's outbox.
pub use crate::entity::sync_outbox::Model as OutboxEntry;

// ---- a workstation's replica ----

/// Appends a change to the outbox inside the caller's transaction, numbered after the last
/// one; returns its number. Writers on the replica (SQLite, `BEGIN IMMEDIATE`) take turns, so
/// the numbers have no gaps.
pub async fn outbox_append(
    conn: &impl Conn,
    id: Uuid,
    account_id: Uuid,
    kind: &str,
    payload: serde_json::Value,
    at: DateTime<Utc>,
) -> StoreResult<i64> {
    let conn = db!(conn);
    let last: Option<i64> = sync_outbox::Entity::find()
        .select_only()
        .column_as(sync_outbox::Column::Seq.max(), "max")
        .into_tuple::<Option<i64>>()
        .one(conn)
        .await?
        .flatten();
    let seq = last.unwrap_or(0) + 1;
    sync_outbox::Model {
        id,
        seq,
        account_id,
        kind: kind.to_owned(),
        payload,
        created_at: at,
        acked_at: None,
    }
    .into_active_model()
    .reset_all()
    .insert(conn)
    .await?;
    Ok(seq)
}

/// The changes not yet acknowledged, oldest first.
pub async fn outbox_waiting(conn: &impl Conn, limit: u64) -> StoreResult<Vec<OutboxEntry>> {
    Ok(sync_outbox::Entity::find()
        .filter(sync_outbox::Column::AckedAt.is_null())
        .order_by_asc(sync_outbox::Column::Seq)
        .limit(limit)
        .all(db!(conn))
        .await?)
}

/// How many changes wait for the centre.
pub async fn outbox_waiting_count(conn: &impl Conn) -> StoreResult<u64> {
    Ok(sync_outbox::Entity::find()
        .filter(sync_outbox::Column::AckedAt.is_null())
        .count(db!(conn))
        .await?)
}

/// Every change ever made here, oldest first (for checks and tests).
pub async fn outbox_all(conn: &impl Conn) -> StoreResult<Vec<OutboxEntry>> {
    Ok(sync_outbox::Entity::find()
        .order_by_asc(sync_outbox::Column::Seq)
        .all(db!(conn))
        .await?)
}

/// Marks every change up to `seq` acknowledged.
pub async fn outbox_ack_through(conn: &impl Conn, seq: i64, at: DateTime<Utc>) -> StoreResult<()> {
    sync_outbox::Entity::update_many()
        .col_expr(sync_outbox::Column::AckedAt, Expr::value(at))
        .filter(sync_outbox::Column::Seq.lte(seq))
        .filter(sync_outbox::Column::AckedAt.is_null())
        .exec(db!(conn))
        .await?;
    Ok(())
}

/// A value of the replica's sync state.
pub async fn state(conn: &impl Conn, key: &str) -> StoreResult<Option<serde_json::Value>> {
    Ok(sync_state::Entity::find_by_id(key.to_owned())
        .one(db!(conn))
        .await?
        .map(|row| row.value))
}

/// Sets a value of the replica's sync state.
pub async fn set_state(
    conn: &impl Conn,
    key: &str,
    value: serde_json::Value,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let row = sync_state::Model {
        key: key.to_owned(),
        value,
        updated_at: at,
    };
    sync_state::Entity::insert(row.into_active_model().reset_all())
        .on_conflict(
            OnConflict::column(sync_state::Column::Key)
                .update_columns([sync_state::Column::Value, sync_state::Column::UpdatedAt])
                .to_owned(),
        )
        .exec(db!(conn))
        .await?;
    Ok(())
}

// ---- the centre ----

/// What the centre did with a change, if it has received it.
pub async fn inbox_entry(conn: &impl Conn, event_id: Uuid) -> StoreResult<Option<InboxEntry>> {
    Ok(sync_inbox::Entity::find_by_id(event_id)
        .one(db!(conn))
        .await?)
}

/// The number of the last change received from a workstation (0: none).
pub async fn inbox_last_seq(conn: &impl Conn, workstation_id: Uuid) -> StoreResult<i64> {
    Ok(sync_inbox::Entity::find()
        .select_only()
        .column_as(sync_inbox::Column::Seq.max(), "max")
        .filter(sync_inbox::Column::WorkstationId.eq(workstation_id))
        .into_tuple::<Option<i64>>()
        .one(db!(conn))
        .await?
        .flatten()
        .unwrap_or(0))
}

/// Records a change received, inside the transaction that applies it. A second record of the
/// same change, or of the same number from the same workstation, is [`StoreError::Conflict`].
pub async fn inbox_insert(conn: &impl Conn, entry: InboxEntry) -> StoreResult<()> {
    match entry
        .into_active_model()
        .reset_all()
        .insert(db!(conn))
        .await
    {
        Ok(_) => Ok(()),
        Err(e) if StoreError::is_unique_violation(&e) => Err(StoreError::Conflict),
        Err(e) => Err(e.into()),
    }
}

/// Every change received (for checks and tests), by workstation and number.
pub async fn inbox_all(conn: &impl Conn) -> StoreResult<Vec<InboxEntry>> {
    Ok(sync_inbox::Entity::find()
        .order_by_asc(sync_inbox::Column::WorkstationId)
        .order_by_asc(sync_inbox::Column::Seq)
        .all(db!(conn))
        .await?)
}

/// An account's conflicts that still decide where its changes go — open (they wait) or merged
/// (they go to the existing account) — read in one statement.
pub async fn standing_conflicts(conn: &impl Conn, account_id: Uuid) -> StoreResult<Vec<Conflict>> {
    Ok(sync_conflict::Entity::find()
        .filter(sync_conflict::Column::AccountId.eq(account_id))
        .filter(sync_conflict::Column::Status.is_in(["open", "merged"]))
        .all(db!(conn))
        .await?)
}

/// Opens a conflict.
pub async fn insert_conflict(conn: &impl Conn, row: Conflict) -> StoreResult<()> {
    row.into_active_model()
        .reset_all()
        .insert(db!(conn))
        .await?;
    Ok(())
}

/// Adds a later change to the ones an open conflict holds.
pub async fn hold_in_conflict(
    conn: &impl Conn,
    id: Uuid,
    change: serde_json::Value,
) -> StoreResult<()> {
    let conn = db!(conn);
    let row = sync_conflict::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(StoreError::Conflict)?;
    let mut changes = match row.changes.clone() {
        serde_json::Value::Array(items) => items,
        _ => {
            return Err(StoreError::Corrupt(format!(
                "conflict {id}: changes not a list"
            )));
        }
    };
    changes.push(change);
    let mut active = row.into_active_model();
    active.changes = sea_orm::ActiveValue::Set(serde_json::Value::Array(changes));
    active.update(conn).await?;
    Ok(())
}

/// One conflict.
pub async fn conflict(conn: &impl Conn, id: Uuid) -> StoreResult<Option<Conflict>> {
    Ok(sync_conflict::Entity::find_by_id(id).one(db!(conn)).await?)
}

/// A centre's conflicts: the open ones, or all, oldest first, at most `limit`.
pub async fn conflicts(
    conn: &impl Conn,
    centre_id: Uuid,
    open_only: bool,
    limit: u64,
) -> StoreResult<Vec<Conflict>> {
    let mut query =
        sync_conflict::Entity::find().filter(sync_conflict::Column::CentreId.eq(centre_id));
    if open_only {
        query = query.filter(sync_conflict::Column::Status.eq("open"));
    }
    Ok(query
        .order_by_asc(sync_conflict::Column::OpenedAt)
        .order_by_asc(sync_conflict::Column::Id)
        .limit(limit)
        .all(db!(conn))
        .await?)
}

/// How many conflicts are open at a centre.
pub async fn open_conflict_count(conn: &impl Conn, centre_id: Uuid) -> StoreResult<u64> {
    Ok(sync_conflict::Entity::find()
        .filter(sync_conflict::Column::CentreId.eq(centre_id))
        .filter(sync_conflict::Column::Status.eq("open"))
        .count(db!(conn))
        .await?)
}

/// Closes an open conflict (`merged` or `rejected`); false when it was no longer open
/// (another operator was first).
pub async fn resolve_conflict(
    conn: &impl Conn,
    id: Uuid,
    status: &str,
    by: Uuid,
    reason: Option<String>,
    at: DateTime<Utc>,
) -> StoreResult<bool> {
    let done = sync_conflict::Entity::update_many()
        .col_expr(sync_conflict::Column::Status, Expr::value(status))
        .col_expr(sync_conflict::Column::ResolvedBy, Expr::value(Some(by)))
        .col_expr(sync_conflict::Column::ResolvedAt, Expr::value(Some(at)))
        .col_expr(sync_conflict::Column::ResolutionReason, Expr::value(reason))
        .filter(sync_conflict::Column::Id.eq(id))
        .filter(sync_conflict::Column::Status.eq("open"))
        .exec(db!(conn))
        .await?;
    Ok(done.rows_affected == 1)
}

/// The accounts a workstation made whose conflicts were resolved without creating them
/// centrally (merged into another account or rejected): its replica drops its copies.
pub async fn resolved_conflict_accounts(
    conn: &impl Conn,
    workstation_id: Uuid,
    limit: u64,
) -> StoreResult<Vec<Uuid>> {
    Ok(sync_conflict::Entity::find()
        .select_only()
        .column(sync_conflict::Column::AccountId)
        .filter(sync_conflict::Column::WorkstationId.eq(workstation_id))
        .filter(sync_conflict::Column::Status.ne("open"))
        .order_by_desc(sync_conflict::Column::ResolvedAt)
        .limit(limit)
        .into_tuple::<Uuid>()
        .all(db!(conn))
        .await?)
}

/// Puts an account in a centre's scope (its workstations keep a copy from now on).
pub async fn add_to_scope(
    conn: &impl Conn,
    centre_id: Uuid,
    account_id: Uuid,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let row = centre_account::Model {
        centre_id,
        account_id,
        since: at,
    };
    centre_account::Entity::insert(row.into_active_model().reset_all())
        .on_conflict_do_nothing_on([
            centre_account::Column::CentreId,
            centre_account::Column::AccountId,
        ])
        .exec(db!(conn))
        .await?;
    Ok(())
}

/// Which of `accounts` are in a centre's scope.
pub async fn in_scope(
    conn: &impl Conn,
    centre_id: Uuid,
    accounts: Vec<Uuid>,
) -> StoreResult<Vec<Uuid>> {
    if accounts.is_empty() {
        return Ok(Vec::new());
    }
    Ok(centre_account::Entity::find()
        .select_only()
        .column(centre_account::Column::AccountId)
        .filter(centre_account::Column::CentreId.eq(centre_id))
        .filter(centre_account::Column::AccountId.is_in(accounts))
        .into_tuple::<Uuid>()
        .all(db!(conn))
        .await?)
}

/// The accounts that joined a centre's scope at or after `since`, at most `limit`.
pub async fn scope_joined_since(
    conn: &impl Conn,
    centre_id: Uuid,
    since: DateTime<Utc>,
    limit: u64,
) -> StoreResult<Vec<Uuid>> {
    Ok(centre_account::Entity::find()
        .select_only()
        .column(centre_account::Column::AccountId)
        .filter(centre_account::Column::CentreId.eq(centre_id))
        .filter(centre_account::Column::Since.gte(since))
        .order_by_asc(centre_account::Column::Since)
        .limit(limit)
        .into_tuple::<Uuid>()
        .all(db!(conn))
        .await?)
}

/// Every account in a centre's scope (for checks and tests).
pub async fn scope(conn: &impl Conn, centre_id: Uuid) -> StoreResult<Vec<Uuid>> {
    Ok(centre_account::Entity::find()
        .select_only()
        .column(centre_account::Column::AccountId)
        .filter(centre_account::Column::CentreId.eq(centre_id))
        .into_tuple::<Uuid>()
        .all(db!(conn))
        .await?)
}

/// The change feed's entries after `after` (at most `limit`) and those at the numbers in
/// `holes`: (number, account). The feed is not filtered here, so the caller sees the gaps.
pub async fn feed_entries(
    conn: &impl Conn,
    after: i64,
    holes: &[i64],
    limit: u64,
) -> StoreResult<Vec<(i64, Uuid)>> {
    let conn = db!(conn);
    let mut entries: Vec<(i64, Uuid)> = change_feed::Entity::find()
        .select_only()
        .column(change_feed::Column::Seq)
        .column(change_feed::Column::AccountId)
        .filter(change_feed::Column::Seq.gt(after))
        .order_by_asc(change_feed::Column::Seq)
        .limit(limit)
        .into_tuple::<(i64, Uuid)>()
        .all(conn)
        .await?;
    if !holes.is_empty() {
        let filled: Vec<(i64, Uuid)> = change_feed::Entity::find()
            .select_only()
            .column(change_feed::Column::Seq)
            .column(change_feed::Column::AccountId)
            .filter(change_feed::Column::Seq.is_in(holes.iter().copied()))
            .into_tuple::<(i64, Uuid)>()
            .all(conn)
            .await?;
        entries.extend(filled);
    }
    Ok(entries)
}
