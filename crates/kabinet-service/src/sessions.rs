//! Sessions: a token of 256 random bits handed to the client once, stored as a keyed hash;
//! an idle timeout that each request pushes forward and an absolute end that nothing moves.

use chrono::{DateTime, Duration, Utc};
use kabinet_api::{ApiError, Context, ErrorCode};
use kabinet_core::codes::{CodeHasher, CodePurpose, link_token};
use kabinet_store::Conn;
pub use kabinet_store::sessions::Which;
use kabinet_store::sessions::{self as store, Session};
use uuid::Uuid;

use crate::config::ServiceConfig;
use crate::error::{self, Outcome};
use crate::ports::entropy::{Entropy, Random};

/// A session's row is rewritten (its idle end pushed forward) at most once a minute: a session
/// check is otherwise a read.
const TOUCH_GRANULARITY: Duration = Duration::minutes(1);

/// Opens a session; returns the token (shown once) and the row.
pub async fn open(
    conn: &impl Conn,
    hasher: &CodeHasher,
    entropy: &dyn Entropy,
    config: &ServiceConfig,
    account_id: Uuid,
    context: &Context,
    now: DateTime<Utc>,
) -> Outcome<(String, Session)> {
    let token = link_token(&mut Random(entropy));
    let row = Session {
        id: Uuid::now_v7(),
        account_id,
        token_hash: hasher.hash(CodePurpose::Session, &token).to_vec(),
        device: context.device_name.clone(),
        address: context.address.clone(),
        created_at: now,
        last_seen_at: now,
        idle_expires_at: now + config.session_idle,
        absolute_expires_at: now + config.session_absolute,
        revoked_at: None,
    };
    let row = store::insert_session(conn, row)
        .await
        .map_err(error::store)?;
    Ok((token, row))
}

/// The keyed hash a session's token is stored under; `unauthenticated` without a token.
pub fn token_hash(hasher: &CodeHasher, context: &Context) -> Outcome<Vec<u8>> {
    let token = context
        .session
        .as_deref()
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
    Ok(hasher.hash(CodePurpose::Session, token.trim()).to_vec())
}

/// Whether a session row still admits requests at `now`.
pub fn is_live(row: &Session, now: DateTime<Utc>) -> bool {
    row.revoked_at.is_none() && row.idle_expires_at > now && row.absolute_expires_at > now
}

/// Pushes a live session's idle end forward — a write at most once a minute per session.
pub async fn touch(
    conn: &impl Conn,
    config: &ServiceConfig,
    row: Session,
    now: DateTime<Utc>,
) -> Outcome<Session> {
    if now - row.last_seen_at < TOUCH_GRANULARITY {
        return Ok(row);
    }
    let idle_expires_at = now + config.session_idle;
    store::touch_session(conn, &row, now, idle_expires_at)
        .await
        .map_err(error::store)?;
    Ok(Session {
        last_seen_at: now,
        idle_expires_at,
        ..row
    })
}

/// Ends sessions of an account; returns how many.
pub async fn revoke(
    conn: &impl Conn,
    account_id: Uuid,
    which: Which,
    now: DateTime<Utc>,
) -> Outcome<u64> {
    store::revoke_sessions(conn, account_id, which, now)
        .await
        .map_err(error::store)
}

/// The live sessions of an account, newest first.
pub async fn list(conn: &impl Conn, account_id: Uuid, now: DateTime<Utc>) -> Outcome<Vec<Session>> {
    store::live_sessions(conn, account_id, now)
        .await
        .map_err(error::store)
}
