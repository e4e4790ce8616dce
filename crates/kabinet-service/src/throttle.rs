//! Brute-force defence, kept in the database so every replica counts the same failures:
//! a progressive delay per account (or per unknown login, so both behave alike) and a cap on
//! failures per client address.

use chrono::{DateTime, Utc};
use kabinet_api::{ApiError, ErrorCode};
use kabinet_store::entity::throttle;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, sea_query::Expr, sea_query::ExprTrait,
};

use crate::config::{ClientPolicy, LockoutPolicy};
use crate::error::{self, Outcome};

/// The key of an account's counter.
pub fn account_key(id: uuid::Uuid) -> String {
    format!("account:{id}")
}

/// The key of an unknown login's counter.
pub fn login_key(login: &str) -> String {
    format!("login:{login}")
}

fn client_key(address: &str) -> String {
    format!("client:{address}")
}

async fn row<C: ConnectionTrait>(conn: &C, key: &str) -> Outcome<Option<throttle::Model>> {
    throttle::Entity::find_by_id(key.to_owned())
        .one(conn)
        .await
        .map_err(error::db)
}

/// Refuses while the counter's lock runs (`retry_at`), or for good after the hard limit.
pub async fn check_lock<C: ConnectionTrait>(
    conn: &C,
    policy: &LockoutPolicy,
    key: &str,
    now: DateTime<Utc>,
) -> Outcome<()> {
    let Some(row) = row(conn, key).await? else {
        return Ok(());
    };
    if u32::try_from(row.failures).unwrap_or(0) >= policy.hard_limit {
        return Err(ApiError::new(ErrorCode::AccountLocked));
    }
    match row.locked_until {
        Some(until) if until > now => Err(ApiError::new(ErrorCode::AccountLocked).retry_at(until)),
        _ => Ok(()),
    }
}

/// Counts a failure; returns the lock it starts, if any (`Some(None)`: until recovery).
pub async fn record_failure<C: ConnectionTrait>(
    conn: &C,
    policy: &LockoutPolicy,
    key: &str,
    now: DateTime<Utc>,
) -> Outcome<Option<Option<DateTime<Utc>>>> {
    ensure(conn, key, now).await?;
    // A quiet spell of `reset_after` starts the count again.
    throttle::Entity::update_many()
        .col_expr(throttle::Column::Failures, Expr::value(0))
        .filter(throttle::Column::Key.eq(key))
        .filter(throttle::Column::LastFailureAt.lte(now - policy.reset_after))
        .filter(throttle::Column::Failures.lt(i32::try_from(policy.hard_limit).unwrap_or(i32::MAX)))
        .exec(conn)
        .await
        .map_err(error::db)?;
    throttle::Entity::update_many()
        .col_expr(
            throttle::Column::Failures,
            Expr::col(throttle::Column::Failures).add(1),
        )
        .col_expr(throttle::Column::LastFailureAt, Expr::value(now))
        .filter(throttle::Column::Key.eq(key))
        .exec(conn)
        .await
        .map_err(error::db)?;
    let current = row(conn, key)
        .await?
        .ok_or_else(|| error::internal(&"a throttle row vanished"))?;
    let failures = u32::try_from(current.failures).unwrap_or(0);
    let lock = match policy.delay_after(failures) {
        None => Some(None),
        Some(delay) if delay > chrono::Duration::zero() => Some(Some(now + delay)),
        Some(_) => None,
    };
    if let Some(until) = lock {
        let mut active = current.into_active_model();
        active.locked_until = Set(until);
        active.update(conn).await.map_err(error::db)?;
    }
    Ok(lock)
}

/// Clears a counter (a successful sign-in or recovery).
pub async fn reset<C: ConnectionTrait>(conn: &C, key: &str) -> Outcome<()> {
    throttle::Entity::delete_by_id(key.to_owned())
        .exec(conn)
        .await
        .map_err(error::db)?;
    Ok(())
}

/// Refuses a client that failed too often in the current window.
pub async fn check_client<C: ConnectionTrait>(
    conn: &C,
    policy: &ClientPolicy,
    address: &str,
    now: DateTime<Utc>,
) -> Outcome<()> {
    let Some(row) = row(conn, &client_key(address)).await? else {
        return Ok(());
    };
    let window_end = row.window_started_at + policy.window;
    if window_end > now && u32::try_from(row.failures).unwrap_or(0) >= policy.max_failures {
        return Err(ApiError::new(ErrorCode::TooManyRequests).retry_at(window_end));
    }
    Ok(())
}

/// Counts a failure of a client.
pub async fn client_failure<C: ConnectionTrait>(
    conn: &C,
    policy: &ClientPolicy,
    address: &str,
    now: DateTime<Utc>,
) -> Outcome<()> {
    let key = client_key(address);
    ensure(conn, &key, now).await?;
    // A finished window starts a new one.
    throttle::Entity::update_many()
        .col_expr(throttle::Column::Failures, Expr::value(0))
        .col_expr(throttle::Column::WindowStartedAt, Expr::value(now))
        .filter(throttle::Column::Key.eq(&key))
        .filter(throttle::Column::WindowStartedAt.lte(now - policy.window))
        .exec(conn)
        .await
        .map_err(error::db)?;
    throttle::Entity::update_many()
        .col_expr(
            throttle::Column::Failures,
            Expr::col(throttle::Column::Failures).add(1),
        )
        .col_expr(throttle::Column::LastFailureAt, Expr::value(now))
        .filter(throttle::Column::Key.eq(&key))
        .exec(conn)
        .await
        .map_err(error::db)?;
    Ok(())
}

async fn ensure<C: ConnectionTrait>(conn: &C, key: &str, now: DateTime<Utc>) -> Outcome<()> {
    let fresh = throttle::ActiveModel {
        key: Set(key.to_owned()),
        failures: Set(0),
        window_started_at: Set(now),
        last_failure_at: Set(None),
        locked_until: Set(None),
    };
    throttle::Entity::insert(fresh)
        .on_conflict_do_nothing_on([throttle::Column::Key])
        .exec(conn)
        .await
        .map_err(error::db)?;
    Ok(())
}

/// Counts one request of a client in the current minute and refuses it past `per_minute`.
/// The counter is a row per address and minute, bumped in one upsert, so every replica on the
/// database counts together; a client's first request of a minute sweeps finished windows away.
pub async fn admit<C: ConnectionTrait>(
    conn: &C,
    per_minute: u32,
    address: &str,
    now: DateTime<Utc>,
) -> Outcome<()> {
    use sea_orm::sea_query::OnConflict;
    let minute = now.timestamp().div_euclid(60);
    let window_start = DateTime::from_timestamp(minute * 60, 0).unwrap_or(now);
    let fresh = throttle::ActiveModel {
        key: Set(format!("rate:{address}:{minute}")),
        failures: Set(1),
        window_started_at: Set(window_start),
        last_failure_at: Set(None),
        locked_until: Set(None),
    };
    let counted = throttle::Entity::insert(fresh)
        .on_conflict(
            OnConflict::column(throttle::Column::Key)
                .value(
                    throttle::Column::Failures,
                    Expr::col((throttle::Entity, throttle::Column::Failures)).add(1),
                )
                .to_owned(),
        )
        .exec_with_returning(conn)
        .await
        .map_err(error::db)?;
    if counted.failures == 1 {
        throttle::Entity::delete_many()
            .filter(throttle::Column::Key.starts_with("rate:"))
            .filter(
                throttle::Column::WindowStartedAt.lt(window_start - chrono::Duration::minutes(1)),
            )
            .exec(conn)
            .await
            .map_err(error::db)?;
    }
    if u32::try_from(counted.failures).unwrap_or(u32::MAX) > per_minute {
        let next = window_start + chrono::Duration::minutes(1);
        return Err(ApiError::new(ErrorCode::TooManyRequests).retry_at(next));
    }
    Ok(())
}
