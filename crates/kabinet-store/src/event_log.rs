//! Appending to and reading an account's event log.
//!
//! An append names the sequence number it expects to follow: if another writer got there first,
//! the unique `(account_id, seq)` index refuses the insert and the caller gets
//! [`AppendError::Conflict`], which it may retry after re-reading the account.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    SqlErr,
};
use uuid::Uuid;

use crate::entity::account_event::{self, Entity as AccountEvent};

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

/// Why an append did not happen.
#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    /// Another writer appended to this account first; re-read and retry.
    #[error("the account changed concurrently (expected to follow event {expected})")]
    Conflict {
        /// The sequence number the caller expected to be the last one.
        expected: i64,
    },
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Appends `events` after event number `last_seq` (0 for a new account) and returns the new last
/// sequence number. Run it inside the transaction that updates the projections, so both commit
/// together or not at all.
pub async fn append<C: ConnectionTrait>(
    conn: &C,
    account_id: Uuid,
    last_seq: i64,
    events: &[NewEvent],
) -> Result<i64, AppendError> {
    if events.is_empty() {
        return Ok(last_seq);
    }
    let rows = events
        .iter()
        .zip(last_seq + 1..)
        .map(|(event, seq)| account_event::ActiveModel {
            id: Set(Uuid::now_v7()),
            account_id: Set(account_id),
            seq: Set(seq),
            kind: Set(event.kind.clone()),
            payload: Set(event.payload.clone()),
            actor: Set(event.actor.clone()),
            origin: Set(event.origin.clone()),
            recorded_at: Set(event.at),
        });
    match AccountEvent::insert_many(rows).exec(conn).await {
        Ok(_) => Ok(last_seq + events.len() as i64),
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Err(AppendError::Conflict { expected: last_seq })
        }
        Err(err) => Err(err.into()),
    }
}

/// Every event of one account, oldest first.
pub async fn read<C: ConnectionTrait>(
    conn: &C,
    account_id: Uuid,
) -> Result<Vec<StoredEvent>, DbErr> {
    AccountEvent::find()
        .filter(account_event::Column::AccountId.eq(account_id))
        .order_by_asc(account_event::Column::Seq)
        .all(conn)
        .await
}
