//! Brute-force defence, kept in the database so every replica counts the same failures:
//! a progressive delay per account for devices it has not seen (or per unknown login, so both
//! behave alike), one per device it knows, and a cap on failures per client address.

use chrono::{DateTime, Utc};
use kabinet_api::{ApiError, ErrorCode};
use kabinet_store::Conn;
use kabinet_store::throttles as store;

use kabinet_core::lockout::{ClientPolicy, Lock, LockoutPolicy};

use crate::error::{self, Outcome};

/// The key of an account's counter.
pub fn account_key(id: uuid::Uuid) -> String {
    format!("account:{id}")
}

/// The key of the counter of one device the account knows: its failures are its own, so a
/// stranger's guesses (counted under [`account_key`]) never lock the owner's device out.
pub fn device_key(id: uuid::Uuid, device_hash: &str) -> String {
    format!("account:{id}:device:{device_hash}")
}

/// Clears every counter of an account, its devices' too (a recovery, a restore at a centre).
pub async fn reset_account(conn: &impl Conn, id: uuid::Uuid) -> Outcome<()> {
    store::clear_prefix(conn, &account_key(id))
        .await
        .map_err(error::store)
}

/// The key of an unknown login's counter.
pub fn login_key(login: &str) -> String {
    format!("login:{login}")
}

/// Which kind of counter a key is, for the metrics (never the key: it names an account).
fn counter_kind(key: &str) -> &'static str {
    if key.starts_with("login:") {
        "unknown_login"
    } else if key.contains(":device:") {
        "known_device"
    } else if key.starts_with("account:") {
        "strangers"
    } else {
        "other"
    }
}

fn client_key(address: &str) -> String {
    format!("client:{address}")
}

/// Refuses while the counter's lock runs (`retry_at`), or for good after the hard limit;
/// otherwise says whether there is a counter at all (a success then clears it).
pub async fn check_lock(
    conn: &impl Conn,
    policy: &LockoutPolicy,
    key: &str,
    now: DateTime<Utc>,
) -> Outcome<Counted> {
    let row = store::throttle(conn, key).await.map_err(error::store)?;
    lock_of(policy, row.as_ref(), now)
}

fn lock_of(
    policy: &LockoutPolicy,
    row: Option<&store::Throttle>,
    now: DateTime<Utc>,
) -> Outcome<Counted> {
    let Some(row) = row else {
        return Ok(Counted::Nothing);
    };
    let failures = u32::try_from(row.failures).unwrap_or(0);
    match policy.lock_at(failures, row.locked_until, now) {
        Lock::Open => Ok(Counted::Failures),
        Lock::Until(until) => Err(ApiError::new(ErrorCode::AccountLocked).retry_at(until)),
        Lock::UntilRecovery => Err(ApiError::new(ErrorCode::AccountLocked)),
    }
}

/// A sign-in's two counters read in one statement: the client's failures (`Err` in the outer
/// result: too many from this address) and the lock of `key` (the inner result, as
/// [`check_lock`]).
pub async fn check_client_and_lock(
    conn: &impl Conn,
    client: &ClientPolicy,
    address: &str,
    policy: &LockoutPolicy,
    key: &str,
    now: DateTime<Utc>,
) -> Outcome<Outcome<Counted>> {
    let client_key = client_key(address);
    let rows = store::throttles(conn, &[&client_key, key])
        .await
        .map_err(error::store)?;
    let row = |k: &str| rows.iter().find(|r| r.key == k);
    client_refusal(client, row(&client_key), now)?;
    Ok(lock_of(policy, row(key), now))
}

fn client_refusal(
    policy: &ClientPolicy,
    row: Option<&store::Throttle>,
    now: DateTime<Utc>,
) -> Outcome<()> {
    let Some(row) = row else {
        return Ok(());
    };
    let failures = u32::try_from(row.failures).unwrap_or(0);
    if let Some(until) = policy.refused_until(failures, row.window_started_at, now) {
        return Err(ApiError::new(ErrorCode::TooManyRequests).retry_at(until));
    }
    Ok(())
}

/// What a counter held when it was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    /// No counter: nothing to clear after a success.
    Nothing,
    /// Failures below a lock: a success clears them.
    Failures,
}

/// Counts a failure; returns the lock it starts (`Lock::Open`: none).
pub async fn record_failure(
    conn: &impl Conn,
    policy: &LockoutPolicy,
    key: &str,
    now: DateTime<Utc>,
) -> Outcome<Lock> {
    let current = store::count_failure(
        conn,
        key,
        now,
        policy.quiet_since(now),
        i32::try_from(policy.hard_limit).unwrap_or(i32::MAX),
    )
    .await
    .map_err(error::store)?;
    let lock = policy.lock_after(u32::try_from(current.failures).unwrap_or(0), now);
    let until = match lock {
        Lock::Open => return Ok(lock),
        Lock::Until(until) => Some(until),
        Lock::UntilRecovery => None,
    };
    crate::metrics::lockout(counter_kind(key));
    store::set_lock(conn, key, until)
        .await
        .map_err(error::store)?;
    Ok(lock)
}

/// Clears a counter (a successful sign-in or recovery).
pub async fn reset(conn: &impl Conn, key: &str) -> Outcome<()> {
    store::clear(conn, key).await.map_err(error::store)
}

/// Refuses a client that failed too often in the current window.
pub async fn check_client(
    conn: &impl Conn,
    policy: &ClientPolicy,
    address: &str,
    now: DateTime<Utc>,
) -> Outcome<()> {
    let row = store::throttle(conn, &client_key(address))
        .await
        .map_err(error::store)?;
    client_refusal(policy, row.as_ref(), now)
}

/// Counts a failure of a client.
pub async fn client_failure(
    conn: &impl Conn,
    policy: &ClientPolicy,
    address: &str,
    now: DateTime<Utc>,
) -> Outcome<()> {
    // A finished window starts a new one.
    store::count_in_window(conn, &client_key(address), now, policy.stale_before(now))
        .await
        .map_err(error::store)
}
