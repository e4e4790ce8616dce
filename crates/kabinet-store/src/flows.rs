//! Multi-step flows (registration, sign-in challenge, recovery, …) keyed by the keyed hash of
//! their ticket, and the one-time codes issued inside them.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    sea_query::Expr,
};
use serde_json::Value;
use uuid::Uuid;

use crate::db::{Conn, StoreResult, db};
use crate::entity::{auth_flow, code_send, one_time_code};

/// A flow row: its kind and step as names, its data as JSON.
pub use crate::entity::auth_flow::Model as FlowRow;
/// A one-time code row (its keyed hash only).
pub use crate::entity::one_time_code::Model as CodeRow;

/// Stores a new flow.
pub async fn insert_flow(conn: &impl Conn, row: FlowRow) -> StoreResult<FlowRow> {
    Ok(row
        .into_active_model()
        .reset_all()
        .insert(db!(conn))
        .await?)
}

/// The flow of `kind` whose ticket has this keyed hash, live or not.
pub async fn flow_by_ticket(
    conn: &impl Conn,
    kind: &str,
    ticket_hash: &[u8],
) -> StoreResult<Option<FlowRow>> {
    Ok(auth_flow::Entity::find()
        .filter(auth_flow::Column::TicketHash.eq(ticket_hash.to_vec()))
        .filter(auth_flow::Column::Kind.eq(kind))
        .one(db!(conn))
        .await?)
}

/// A flow by id.
pub async fn flow_by_id(conn: &impl Conn, id: Uuid) -> StoreResult<Option<FlowRow>> {
    Ok(auth_flow::Entity::find_by_id(id).one(db!(conn)).await?)
}

/// Moves a flow to `step` with `data`.
pub async fn advance_flow(conn: &impl Conn, id: Uuid, step: &str, data: Value) -> StoreResult<()> {
    auth_flow::Entity::update_many()
        .col_expr(auth_flow::Column::Step, Expr::value(step))
        .col_expr(auth_flow::Column::Data, Expr::value(data))
        .filter(auth_flow::Column::Id.eq(id))
        .exec(db!(conn))
        .await?;
    Ok(())
}

/// Sets the count of wrong answers given in a flow.
pub async fn set_flow_failures(conn: &impl Conn, id: Uuid, failures: i32) -> StoreResult<()> {
    auth_flow::Entity::update_many()
        .col_expr(auth_flow::Column::FailedAttempts, Expr::value(failures))
        .filter(auth_flow::Column::Id.eq(id))
        .exec(db!(conn))
        .await?;
    Ok(())
}

/// Ends one flow: its ticket stops working.
pub async fn finish_flow(conn: &impl Conn, id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
    auth_flow::Entity::update_many()
        .col_expr(auth_flow::Column::FinishedAt, Expr::value(now))
        .filter(auth_flow::Column::Id.eq(id))
        .exec(db!(conn))
        .await?;
    Ok(())
}

/// Ends one flow if it is still open; `false` when another request ended it first (a ticket
/// used once even by two requests at the same time).
pub async fn finish_open_flow(conn: &impl Conn, id: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
    let done = auth_flow::Entity::update_many()
        .col_expr(auth_flow::Column::FinishedAt, Expr::value(now))
        .filter(auth_flow::Column::Id.eq(id))
        .filter(auth_flow::Column::FinishedAt.is_null())
        .exec(db!(conn))
        .await?;
    Ok(done.rows_affected == 1)
}

/// The newest open, unexpired flow of `kind` of an account.
pub async fn latest_open_flow(
    conn: &impl Conn,
    account_id: Uuid,
    kind: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<FlowRow>> {
    Ok(auth_flow::Entity::find()
        .filter(auth_flow::Column::AccountId.eq(account_id))
        .filter(auth_flow::Column::Kind.eq(kind))
        .filter(auth_flow::Column::FinishedAt.is_null())
        .filter(auth_flow::Column::ExpiresAt.gt(now))
        .order_by_desc(auth_flow::Column::CreatedAt)
        .one(db!(conn))
        .await?)
}

/// Ends every open flow of `kind` of an account.
pub async fn finish_flows(
    conn: &impl Conn,
    account_id: Uuid,
    kind: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    auth_flow::Entity::update_many()
        .col_expr(auth_flow::Column::FinishedAt, Expr::value(now))
        .filter(auth_flow::Column::AccountId.eq(account_id))
        .filter(auth_flow::Column::Kind.eq(kind))
        .filter(auth_flow::Column::FinishedAt.is_null())
        .exec(db!(conn))
        .await?;
    Ok(())
}

/// Spends every unspent code of a flow for `purpose` on `channel` (a new one supersedes them).
pub async fn supersede_codes(
    conn: &impl Conn,
    flow_id: Uuid,
    purpose: &str,
    channel: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    one_time_code::Entity::update_many()
        .col_expr(one_time_code::Column::ConsumedAt, Expr::value(now))
        .filter(one_time_code::Column::FlowId.eq(flow_id))
        .filter(one_time_code::Column::Purpose.eq(purpose))
        .filter(one_time_code::Column::Channel.eq(channel))
        .filter(one_time_code::Column::ConsumedAt.is_null())
        .exec(db!(conn))
        .await?;
    Ok(())
}

/// Stores a code.
pub async fn insert_code(conn: &impl Conn, row: CodeRow) -> StoreResult<()> {
    row.into_active_model()
        .reset_all()
        .insert(db!(conn))
        .await?;
    Ok(())
}

/// The newest code of a flow that is not sent on `except_channel` (and, when given, is for
/// `purpose`).
pub async fn newest_code(
    conn: &impl Conn,
    flow_id: Uuid,
    purpose: Option<&str>,
    except_channel: &str,
) -> StoreResult<Option<CodeRow>> {
    let mut query = one_time_code::Entity::find()
        .filter(one_time_code::Column::FlowId.eq(flow_id))
        .filter(one_time_code::Column::Channel.ne(except_channel));
    if let Some(purpose) = purpose {
        query = query.filter(one_time_code::Column::Purpose.eq(purpose));
    }
    Ok(query
        .order_by_desc(one_time_code::Column::CreatedAt)
        .order_by_desc(one_time_code::Column::Id)
        .one(db!(conn))
        .await?)
}

/// The code on `channel` with this keyed hash.
pub async fn code_by_hash(
    conn: &impl Conn,
    channel: &str,
    hash: &[u8],
) -> StoreResult<Option<CodeRow>> {
    Ok(one_time_code::Entity::find()
        .filter(one_time_code::Column::CodeHash.eq(hash.to_vec()))
        .filter(one_time_code::Column::Channel.eq(channel))
        .one(db!(conn))
        .await?)
}

/// Records the outcome of an entry: the wrong attempts so far and, if accepted, when it was
/// spent.
pub async fn record_code_entry(
    conn: &impl Conn,
    id: Uuid,
    failed_attempts: i32,
    consumed_at: Option<DateTime<Utc>>,
) -> StoreResult<()> {
    let mut update = one_time_code::Entity::update_many()
        .col_expr(
            one_time_code::Column::FailedAttempts,
            Expr::value(failed_attempts),
        )
        .filter(one_time_code::Column::Id.eq(id));
    if let Some(at) = consumed_at {
        update = update.col_expr(one_time_code::Column::ConsumedAt, Expr::value(at));
    }
    update.exec(db!(conn)).await?;
    Ok(())
}

/// When codes went to `key` after `since`.
pub async fn sends_since(
    conn: &impl Conn,
    key: &str,
    since: DateTime<Utc>,
) -> StoreResult<Vec<DateTime<Utc>>> {
    Ok(code_send::Entity::find()
        .filter(code_send::Column::Key.eq(key))
        .filter(code_send::Column::SentAt.gt(since))
        .all(db!(conn))
        .await?
        .into_iter()
        .map(|s| s.sent_at)
        .collect())
}

/// Records a code sent to `key`.
pub async fn record_send(conn: &impl Conn, key: &str, at: DateTime<Utc>) -> StoreResult<()> {
    code_send::Model {
        id: Uuid::now_v7(),
        key: key.to_owned(),
        sent_at: at,
    }
    .into_active_model()
    .reset_all()
    .insert(db!(conn))
    .await?;
    Ok(())
}
