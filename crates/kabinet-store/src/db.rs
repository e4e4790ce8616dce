//! Where a store operation runs — the pool or an open write transaction — and how it fails.
//!
//! Callers hold a [`Store`] or a [`Tx`] and pass either to the typed operations of this crate
//! (both implement [`Conn`]); the SeaORM connection inside never leaves the crate.

use sea_orm::{
    DatabaseExecutor, DatabaseTransaction, DbErr, SqlErr, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};

use crate::Store;

/// Why a store operation failed. Nothing of a failed write is visible afterwards.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names no supported database.
    #[error("unsupported database URL scheme (expected sqlite: or postgres:)")]
    UnsupportedUrl,
    /// Another writer changed the account first; re-read and retry.
    #[error("the account changed concurrently")]
    Conflict,
    /// The database gave up on the whole transaction (a serialization failure or a deadlock):
    /// nothing more can be done in it; run the transaction again from its start.
    #[error("the database gave up on the transaction; run it again")]
    Retry,
    /// A login is already used by another account.
    #[error("this {kind} is already used by another account")]
    LoginTaken {
        /// `phone`, `email`, `snils` or `inn`.
        kind: String,
    },
    /// A row holds a value this version does not know (a status, a level…): refused rather
    /// than read as a default that would hide the damage.
    #[error("stored data is not understood: {0}")]
    Corrupt(String),
    /// The database refused or failed.
    #[error(transparent)]
    Db(DbFailure),
}

/// A database failure, kept whole for the log; callers learn only that it happened.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct DbFailure(DbErr);

impl From<DbErr> for StoreError {
    fn from(error: DbErr) -> Self {
        if is_serialization_failure(&error) {
            Self::Retry
        } else {
            Self::Db(DbFailure(error))
        }
    }
}

/// Whether the database gave up on the transaction because another one would have made its
/// result depend on the order (SQLSTATE 40001, serialization failure; 40P01, deadlock): the
/// whole transaction may simply be run again. PostgreSQL at `serializable` and the distributed
/// SQL databases that speak its protocol (CockroachDB, YugabyteDB) answer this way.
fn is_serialization_failure(error: &DbErr) -> bool {
    use sea_orm::RuntimeErr;
    let (DbErr::Query(RuntimeErr::SqlxError(e))
    | DbErr::Exec(RuntimeErr::SqlxError(e))
    | DbErr::Conn(RuntimeErr::SqlxError(e))) = error
    else {
        return false;
    };
    e.as_database_error()
        .and_then(|d| d.code())
        .is_some_and(|code| code == "40001" || code == "40P01")
}

impl StoreError {
    /// Whether a unique index refused the statement.
    pub(crate) fn is_unique_violation(error: &DbErr) -> bool {
        matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
    }
}

/// The result of a store operation.
pub type StoreResult<T> = Result<T, StoreError>;

/// A handle the operations run on: the pool ([`Store`]) or a write transaction ([`Tx`]).
pub trait Conn: Send + Sync + sealed::Sealed {
    /// The connection inside (usable only in this crate).
    #[doc(hidden)]
    fn executor(&self) -> Executor<'_>;

    /// Tells the store's watchers that this account's sign-in state (its row, logins or
    /// sessions) was written: at once on the pool, after the commit in a transaction (see
    /// [`crate::watch`]). Only this crate's writes call it.
    #[doc(hidden)]
    fn changed(&self, account: uuid::Uuid);
}

/// The SeaORM executor of a [`Conn`]; its field is private to the store.
#[doc(hidden)]
pub struct Executor<'a>(pub(crate) DatabaseExecutor<'a>);

mod sealed {
    pub trait Sealed {}
    impl Sealed for crate::Store {}
    impl Sealed for super::Tx {}
}

impl Conn for Store {
    fn executor(&self) -> Executor<'_> {
        Executor(DatabaseExecutor::Connection(self.connection()))
    }

    fn changed(&self, account: uuid::Uuid) {
        self.watchers.tell(Some(account));
    }
}

/// An open write transaction: everything done through it commits together or not at all.
/// Dropped without [`Tx::commit`], it rolls back.
pub struct Tx {
    tx: DatabaseTransaction,
    round_trips: std::sync::Arc<std::sync::atomic::AtomicU64>,
    watchers: crate::watch::Watchers,
    /// The accounts whose sign-in state this transaction wrote, told after the commit.
    changed: std::sync::Mutex<Vec<uuid::Uuid>>,
}

impl Conn for Tx {
    fn executor(&self) -> Executor<'_> {
        Executor(DatabaseExecutor::Transaction(&self.tx))
    }

    fn changed(&self, account: uuid::Uuid) {
        let mut changed = self.changed.lock().unwrap_or_else(|e| e.into_inner());
        if !changed.contains(&account) {
            changed.push(account);
        }
    }
}

impl Tx {
    /// Makes every change of the transaction durable.
    pub async fn commit(self) -> StoreResult<()> {
        self.round_trips
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.tx.commit().await?;
        let changed = self.changed.into_inner().unwrap_or_else(|e| e.into_inner());
        for account in changed {
            self.watchers.tell(Some(account));
        }
        Ok(())
    }
}

impl Store {
    /// Starts a write transaction (`BEGIN IMMEDIATE` on SQLite, so writers queue for the lock
    /// up front instead of failing at their first write).
    pub async fn begin_write(&self) -> StoreResult<Tx> {
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        let tx = self.connection().begin_with_options(options).await?;
        self.round_trips
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(Tx {
            tx,
            round_trips: self.round_trips.clone(),
            watchers: self.watchers.clone(),
            changed: std::sync::Mutex::default(),
        })
    }
}

/// `let db = db!(conn);` — the SeaORM executor of a [`Conn`], for the operations in this crate.
macro_rules! db {
    ($conn:expr) => {
        &$crate::db::Conn::executor($conn).0
    };
}
pub(crate) use db;
