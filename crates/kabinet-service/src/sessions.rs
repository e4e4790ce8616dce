//! Sessions: a token of 256 random bits handed to the client once, stored as a keyed hash;
//! an idle timeout that each request pushes forward and an absolute end that nothing moves.

use chrono::{DateTime, Duration, Utc};
use kabinet_api::{ApiError, Context, ErrorCode};
use kabinet_core::codes::{CodeHasher, CodePurpose, link_token};
use kabinet_store::entity::session;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, sea_query::Expr,
};
use uuid::Uuid;

use crate::config::ServiceConfig;
use crate::error::{self, Outcome};
use crate::ports::entropy::{Entropy, Random};

/// Requests within this long of the last one do not rewrite the session row.
const TOUCH_GRANULARITY: Duration = Duration::seconds(15);

/// Opens a session; returns the token (shown once) and the row.
pub async fn open<C: ConnectionTrait>(
    conn: &C,
    hasher: &CodeHasher,
    entropy: &dyn Entropy,
    config: &ServiceConfig,
    account_id: Uuid,
    context: &Context,
    now: DateTime<Utc>,
) -> Outcome<(String, session::Model)> {
    let token = link_token(&mut Random(entropy));
    let row = session::Model {
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
    }
    .into_active_model()
    .reset_all()
    .insert(conn)
    .await
    .map_err(error::db)?;
    Ok((token, row))
}

/// The live session of the context's token, pushed forward; `unauthenticated` otherwise.
pub async fn authenticate<C: ConnectionTrait>(
    conn: &C,
    hasher: &CodeHasher,
    config: &ServiceConfig,
    context: &Context,
    now: DateTime<Utc>,
) -> Outcome<session::Model> {
    let unauthenticated = || ApiError::new(ErrorCode::Unauthenticated);
    let token = context.session.as_deref().ok_or_else(unauthenticated)?;
    let hash = hasher.hash(CodePurpose::Session, token.trim()).to_vec();
    let row = session::Entity::find()
        .filter(session::Column::TokenHash.eq(hash))
        .one(conn)
        .await
        .map_err(error::db)?
        .filter(|s| {
            s.revoked_at.is_none() && s.idle_expires_at > now && s.absolute_expires_at > now
        })
        .ok_or_else(unauthenticated)?;
    if now - row.last_seen_at < TOUCH_GRANULARITY {
        return Ok(row);
    }
    let mut active = row.into_active_model();
    active.last_seen_at = Set(now);
    active.idle_expires_at = Set(now + config.session_idle);
    active.update(conn).await.map_err(error::db)
}

/// Which sessions of an account to end.
pub enum Which {
    /// One, by id.
    One(Uuid),
    /// All.
    All,
    /// All but one.
    AllBut(Uuid),
}

/// Ends sessions of an account; returns how many.
pub async fn revoke<C: ConnectionTrait>(
    conn: &C,
    account_id: Uuid,
    which: Which,
    now: DateTime<Utc>,
) -> Outcome<u64> {
    let mut update = session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(now))
        .filter(session::Column::AccountId.eq(account_id))
        .filter(session::Column::RevokedAt.is_null());
    update = match which {
        Which::One(id) => update.filter(session::Column::Id.eq(id)),
        Which::All => update,
        Which::AllBut(id) => update.filter(session::Column::Id.ne(id)),
    };
    Ok(update.exec(conn).await.map_err(error::db)?.rows_affected)
}

/// The live sessions of an account, newest first.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    account_id: Uuid,
    now: DateTime<Utc>,
) -> Outcome<Vec<session::Model>> {
    use sea_orm::QueryOrder;
    session::Entity::find()
        .filter(session::Column::AccountId.eq(account_id))
        .filter(session::Column::RevokedAt.is_null())
        .filter(session::Column::IdleExpiresAt.gt(now))
        .filter(session::Column::AbsoluteExpiresAt.gt(now))
        .order_by_desc(session::Column::CreatedAt)
        .all(conn)
        .await
        .map_err(error::db)
}
