//! Counters shared by every replica: failures per account, unknown login or client address.
//! The policy (what a count means) is the caller's.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};

use crate::db::{Conn, StoreError, StoreResult, db};
use crate::entity::throttle;

/// A counter row.
pub use crate::entity::throttle::Model as Throttle;

/// A counter, if it exists.
pub async fn throttle(conn: &impl Conn, key: &str) -> StoreResult<Option<Throttle>> {
    Ok(throttle::Entity::find_by_id(key.to_owned())
        .one(db!(conn))
        .await?)
}

/// The counters of `keys` that exist, in one statement.
pub async fn throttles(conn: &impl Conn, keys: &[&str]) -> StoreResult<Vec<Throttle>> {
    Ok(throttle::Entity::find()
        .filter(throttle::Column::Key.is_in(keys.iter().map(|k| (*k).to_owned())))
        .all(db!(conn))
        .await?)
}

async fn ensure(conn: &impl Conn, key: &str, now: DateTime<Utc>) -> StoreResult<()> {
    let fresh = throttle::ActiveModel {
        key: Set(key.to_owned()),
        failures: Set(0),
        window_started_at: Set(now),
        last_failure_at: Set(None),
        locked_until: Set(None),
    };
    throttle::Entity::insert(fresh)
        .on_conflict_do_nothing_on([throttle::Column::Key])
        .exec(db!(conn))
        .await?;
    Ok(())
}

/// Counts a failure against `key` and returns the counter after it. A count whose last
/// failure was at or before `quiet_since` starts again from zero, unless it has reached
/// `hard_limit` (which only a [`clear`] ends).
pub async fn count_failure(
    conn: &impl Conn,
    key: &str,
    now: DateTime<Utc>,
    quiet_since: DateTime<Utc>,
    hard_limit: i32,
) -> StoreResult<Throttle> {
    ensure(conn, key, now).await?;
    let db = db!(conn);
    throttle::Entity::update_many()
        .col_expr(throttle::Column::Failures, Expr::value(0))
        .filter(throttle::Column::Key.eq(key))
        .filter(throttle::Column::LastFailureAt.lte(quiet_since))
        .filter(throttle::Column::Failures.lt(hard_limit))
        .exec(db)
        .await?;
    bump(conn, key, now).await?;
    throttle(conn, key)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("the counter {key} vanished")))
}

/// One more failure on a counter, now.
async fn bump(conn: &impl Conn, key: &str, now: DateTime<Utc>) -> StoreResult<()> {
    throttle::Entity::update_many()
        .col_expr(
            throttle::Column::Failures,
            Expr::col(throttle::Column::Failures).add(1),
        )
        .col_expr(throttle::Column::LastFailureAt, Expr::value(now))
        .filter(throttle::Column::Key.eq(key))
        .exec(db!(conn))
        .await?;
    Ok(())
}

/// Sets (or with `None` lifts) the lock of a counter.
pub async fn set_lock(
    conn: &impl Conn,
    key: &str,
    until: Option<DateTime<Utc>>,
) -> StoreResult<()> {
    throttle::Entity::update_many()
        .col_expr(throttle::Column::LockedUntil, Expr::value(until))
        .filter(throttle::Column::Key.eq(key))
        .exec(db!(conn))
        .await?;
    Ok(())
}

/// Removes a counter.
pub async fn clear(conn: &impl Conn, key: &str) -> StoreResult<()> {
    throttle::Entity::delete_by_id(key.to_owned())
        .exec(db!(conn))
        .await?;
    Ok(())
}

/// Removes every counter whose key starts with `prefix` (an account's counters, all devices).
pub async fn clear_prefix(conn: &impl Conn, prefix: &str) -> StoreResult<()> {
    throttle::Entity::delete_many()
        .filter(throttle::Column::Key.starts_with(prefix))
        .exec(db!(conn))
        .await?;
    Ok(())
}

/// Counts a failure in a window of time: a window that started at or before `stale_before`
/// starts again at `now`.
pub async fn count_in_window(
    conn: &impl Conn,
    key: &str,
    now: DateTime<Utc>,
    stale_before: DateTime<Utc>,
) -> StoreResult<()> {
    ensure(conn, key, now).await?;
    let db = db!(conn);
    throttle::Entity::update_many()
        .col_expr(throttle::Column::Failures, Expr::value(0))
        .col_expr(throttle::Column::WindowStartedAt, Expr::value(now))
        .filter(throttle::Column::Key.eq(key))
        .filter(throttle::Column::WindowStartedAt.lte(stale_before))
        .exec(db)
        .await?;
    bump(conn, key, now).await?;
    Ok(())
}
