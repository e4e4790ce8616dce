//! One transaction per command: the account's new events, its projection row, its logins and
//! any other projection commit together or not at all.
//!
//! Optimistic concurrency: a write names the sequence number it read (`expected_seq`); the
//! projection update only matches that row version and the event log's unique
//! `(account_id, seq)` index refuses a second writer, so concurrent writers to one account get
//! [`WriteError::Conflict`] instead of interleaving.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, DbErr,
    EntityTrait, IntoActiveModel, QueryFilter, SqlErr, SqliteTransactionMode, Statement,
    TransactionOptions, TransactionTrait,
};
use uuid::Uuid;

use crate::entity::{account, login};
use crate::event_log::{self, AppendError, NewEvent};
use crate::{Store, StoreError};

/// Why a write did not commit. Nothing of it is visible afterwards.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// Another writer changed the account first; re-read and retry.
    #[error("the account changed concurrently")]
    Conflict,
    /// A login is already used by another account.
    #[error("this {kind} is already used by another account")]
    LoginTaken {
        /// `phone`, `email`, `snils` or `inn`.
        kind: String,
    },
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<AppendError> for WriteError {
    fn from(error: AppendError) -> Self {
        match error {
            AppendError::Conflict { .. } => Self::Conflict,
            AppendError::Db(e) => Self::Db(e),
        }
    }
}

/// A change of one account.
#[derive(Debug, Clone)]
pub struct AccountWrite {
    /// The version read before deciding (0: the account is new).
    pub expected_seq: i64,
    /// The events to append.
    pub events: Vec<NewEvent>,
    /// The projection row after the events; its `last_seq` is set by the write.
    pub row: account::Model,
    /// Logins to add: (kind, normalised value).
    pub claim_logins: Vec<(String, String)>,
    /// Logins to remove from this account.
    pub release_logins: Vec<(String, String)>,
}

impl Store {
    /// Starts a write transaction (`BEGIN IMMEDIATE` on SQLite, so writers queue for the lock
    /// up front instead of failing at their first write).
    pub async fn begin_write(&self) -> Result<DatabaseTransaction, StoreError> {
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        Ok(self.connection().begin_with_options(options).await?)
    }

    /// Commits one account change in its own transaction and returns the new version.
    pub async fn write_account(&self, write: AccountWrite) -> Result<i64, WriteError> {
        let tx = self.begin_write().await.map_err(|e| match e {
            StoreError::Db(e) => WriteError::Db(e),
            StoreError::UnsupportedUrl => WriteError::Db(DbErr::Custom(e.to_string())),
        })?;
        let seq = write_account_in(&tx, write).await?;
        tx.commit().await?;
        Ok(seq)
    }
}

/// Applies one account change inside the caller's transaction (to add other projections to the
/// same commit). Returns the new version.
pub async fn write_account_in<C: ConnectionTrait>(
    conn: &C,
    write: AccountWrite,
) -> Result<i64, WriteError> {
    let account_id = write.row.id;
    let new_seq = write.expected_seq + write.events.len() as i64;
    let mut row = write.row;
    row.last_seq = new_seq;
    if write.expected_seq == 0 {
        match row.into_active_model().reset_all().insert(conn).await {
            Ok(_) => {}
            Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                return Err(WriteError::Conflict);
            }
            Err(e) => return Err(e.into()),
        }
    } else {
        let mut active = row.into_active_model().reset_all();
        active.id = sea_orm::ActiveValue::NotSet;
        let updated = account::Entity::update_many()
            .set(active)
            .filter(account::Column::Id.eq(account_id))
            .filter(account::Column::LastSeq.eq(write.expected_seq))
            .exec(conn)
            .await?;
        if updated.rows_affected != 1 {
            return Err(WriteError::Conflict);
        }
    }
    event_log::append(conn, account_id, write.expected_seq, &write.events).await?;
    for (kind, value) in write.release_logins {
        login::Entity::delete_many()
            .filter(login::Column::Kind.eq(kind))
            .filter(login::Column::Value.eq(value))
            .filter(login::Column::AccountId.eq(account_id))
            .exec(conn)
            .await?;
    }
    let now = row_time(conn, account_id).await?;
    for (kind, value) in write.claim_logins {
        let claim = login::Model {
            kind: kind.clone(),
            value,
            account_id,
            created_at: now,
        };
        match claim.into_active_model().reset_all().insert(conn).await {
            Ok(_) => {}
            Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                return Err(WriteError::LoginTaken { kind });
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(new_seq)
}

/// The projection's `updated_at`: logins are stamped with the command's time, not a clock read.
async fn row_time<C: ConnectionTrait>(
    conn: &C,
    account_id: Uuid,
) -> Result<chrono::DateTime<chrono::Utc>, DbErr> {
    account::Entity::find_by_id(account_id)
        .one(conn)
        .await?
        .map(|a| a.updated_at)
        .ok_or_else(|| DbErr::RecordNotFound(format!("account {account_id}")))
}

/// The account a login belongs to.
///
/// The hot path of every sign-in: one fixed statement (no query building per call) that reads
/// only the account id.
pub async fn find_login<C: ConnectionTrait>(
    conn: &C,
    kind: &str,
    value: &str,
) -> Result<Option<Uuid>, DbErr> {
    let backend = conn.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            r#"SELECT "account_id" FROM "logins" WHERE "kind" = $1 AND "value" = $2"#
        }
        _ => r#"SELECT "account_id" FROM "logins" WHERE "kind" = ? AND "value" = ?"#,
    };
    let statement = Statement::from_sql_and_values(backend, sql, [kind.into(), value.into()]);
    conn.query_one_raw(statement)
        .await?
        .map(|row| row.try_get_by_index::<Uuid>(0))
        .transpose()
}

/// One account's projection row.
pub async fn find_account<C: ConnectionTrait>(
    conn: &C,
    id: Uuid,
) -> Result<Option<account::Model>, DbErr> {
    account::Entity::find_by_id(id).one(conn).await
}
