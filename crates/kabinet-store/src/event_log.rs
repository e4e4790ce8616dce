//! Appending to and reading an account's event log.
//!
//! Events are appended only through [`crate::accounts::write_account`], never edited or
//! deleted; everything else here reads.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Alias;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use crate::db::{Conn, StoreError, StoreResult, db};
use crate::entity::account_event::{self, Entity as AccountEvent};
use crate::entity::change_feed;

/// An event about to be appended.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    /// The event's type name, e.g. `registration_started`.
    pub kind: String,
    /// The event's data.
    pub payload: serde_json::Value,
    /// Who caused it: a citizen, an operator at a centre, or the system.
    pub actor: serde_json::Value,
    /// The installation that wrote it.
    pub origin: String,
    /// When it happened (the caller's clock).
    pub at: DateTime<Utc>,
}

/// An event as stored.
pub type StoredEvent = account_event::Model;

/// Appends `events` after event number `last_seq` (0 for a new account) and returns each new
/// event's id and time. Only [`crate::accounts::write_account`] calls it, inside the
/// transaction that updates the projections, so both commit together or not at all; a second
/// writer that read the same `last_seq` is refused by the unique `(account_id, seq)` index.
pub(crate) async fn append<C: ConnectionTrait>(
    conn: &C,
    account_id: Uuid,
    last_seq: i64,
    events: &[NewEvent],
) -> Result<Vec<(Uuid, DateTime<Utc>)>, StoreError> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<(Uuid, DateTime<Utc>)> = events.iter().map(|e| (Uuid::now_v7(), e.at)).collect();
    let rows = events
        .iter()
        .zip(last_seq + 1..)
        .zip(&ids)
        .map(|((event, seq), (id, _))| account_event::ActiveModel {
            id: Set(*id),
            account_id: Set(account_id),
            seq: Set(seq),
            kind: Set(event.kind.clone()),
            payload: Set(event.payload.clone()),
            actor: Set(event.actor.clone()),
            origin: Set(event.origin.clone()),
            recorded_at: Set(event.at),
        });
    match AccountEvent::insert_many(rows).exec(conn).await {
        Ok(_) => Ok(ids),
        Err(err) if StoreError::is_unique_violation(&err) => Err(StoreError::Conflict),
        Err(err) => Err(err.into()),
    }
}

/// On PostgreSQL, what [`append`] and the change feed's insert do after the projection's
/// `update` (an `UPDATE … WHERE id = ? AND last_seq = ?`), in **one** statement: the update
/// returns the row it changed, and the events and their feed entries are inserted only beside
/// that row (data-modifying `WITH` clauses run as one statement, one round trip). No row
/// updated — another writer got there first — inserts nothing and is [`StoreError::Conflict`],
/// as is a second writer's `(account_id, seq)`. `events` is not empty.
pub(crate) async fn update_and_append_postgres<C: ConnectionTrait>(
    conn: &C,
    update: sea_orm::sea_query::UpdateStatement,
    account_id: Uuid,
    last_seq: i64,
    events: &[NewEvent],
) -> Result<(), StoreError> {
    use sea_orm::sea_query::PostgresQueryBuilder;
    use std::fmt::Write;

    let mut update = update;
    update.returning_col(Alias::new("id"));
    let (update_sql, values) = update.build(PostgresQueryBuilder);
    let mut values = values.0;
    let mut param = |value: sea_orm::Value| {
        values.push(value);
        format!("${}", values.len())
    };
    let mut event_rows = String::new();
    let mut feed_rows = String::new();
    for (event, seq) in events.iter().zip(last_seq + 1..) {
        let id = Uuid::now_v7();
        let sep = if event_rows.is_empty() { "" } else { ", " };
        let _ = write!(
            event_rows,
            "{sep}({}, {}, {}, {}, {}, {}, {}, {})",
            param(id.into()),
            param(account_id.into()),
            param(seq.into()),
            param(event.kind.clone().into()),
            param(event.payload.clone().into()),
            param(event.actor.clone().into()),
            param(event.origin.clone().into()),
            param(event.at.into()),
        );
        let _ = write!(
            feed_rows,
            "{sep}({}, {}, {})",
            param(id.into()),
            param(account_id.into()),
            param(event.at.into()),
        );
    }
    let sql = format!(
        "WITH changed AS ({update_sql}), \
         appended AS (INSERT INTO account_events \
           (id, account_id, seq, kind, payload, actor, origin, recorded_at) \
           SELECT e.* FROM changed CROSS JOIN (VALUES {event_rows}) \
             AS e(id, account_id, seq, kind, payload, actor, origin, recorded_at)) \
         INSERT INTO change_feed (event_id, account_id, recorded_at) \
           SELECT f.* FROM changed CROSS JOIN (VALUES {feed_rows}) \
             AS f(event_id, account_id, recorded_at)"
    );
    let statement =
        sea_orm::Statement::from_sql_and_values(sea_orm::DbBackend::Postgres, sql, values);
    match conn.execute_raw(statement).await {
        Ok(done) if done.rows_affected() == events.len() as u64 => Ok(()),
        Ok(_) => Err(StoreError::Conflict),
        Err(err) if StoreError::is_unique_violation(&err) => Err(StoreError::Conflict),
        Err(err) => Err(err.into()),
    }
}

/// Every event of one account, oldest first.
pub async fn read(conn: &impl Conn, account_id: Uuid) -> StoreResult<Vec<StoredEvent>> {
    Ok(AccountEvent::find()
        .filter(account_event::Column::AccountId.eq(account_id))
        .order_by_asc(account_event::Column::Seq)
        .all(db!(conn))
        .await?)
}

/// The newest events of one account but those of the `except` kinds, newest first: `limit` of
/// them after skipping `offset`.
pub async fn page_except(
    conn: &impl Conn,
    account_id: Uuid,
    except: &[&str],
    offset: u64,
    limit: u64,
) -> StoreResult<Vec<StoredEvent>> {
    Ok(AccountEvent::find()
        .filter(account_event::Column::AccountId.eq(account_id))
        .filter(account_event::Column::Kind.is_not_in(except.iter().copied()))
        .order_by_desc(account_event::Column::Seq)
        .offset(offset)
        .limit(limit)
        .all(db!(conn))
        .await?)
}

/// One event by id.
pub async fn get(conn: &impl Conn, id: Uuid) -> StoreResult<Option<StoredEvent>> {
    Ok(AccountEvent::find_by_id(id).one(db!(conn)).await?)
}

/// The change feed after `cursor`: up to `limit` events in feed order, each with its feed
/// number (the next cursor is the last number read).
pub async fn feed_after(
    conn: &impl Conn,
    cursor: i64,
    limit: u64,
) -> StoreResult<Vec<(i64, StoredEvent)>> {
    let conn = db!(conn);
    let entries = change_feed::Entity::find()
        .filter(change_feed::Column::Seq.gt(cursor))
        .order_by_asc(change_feed::Column::Seq)
        .limit(limit)
        .all(conn)
        .await?;
    let ids: Vec<Uuid> = entries.iter().map(|e| e.event_id).collect();
    let mut events: std::collections::HashMap<Uuid, StoredEvent> = AccountEvent::find()
        .filter(account_event::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    Ok(entries
        .into_iter()
        .filter_map(|e| events.remove(&e.event_id).map(|event| (e.seq, event)))
        .collect())
}
