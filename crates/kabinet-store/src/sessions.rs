//! Sessions: rows keyed by the keyed hash of their token.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    sea_query::Expr,
};
use uuid::Uuid;

use crate::db::{Conn, StoreResult, db};
use crate::entity::session;

/// A session row.
pub use crate::entity::session::Model as Session;

/// Which sessions of an account to end.
#[derive(Debug, Clone, Copy)]
pub enum Which {
    /// One, by id.
    One(Uuid),
    /// All.
    All,
    /// All but one.
    AllBut(Uuid),
}

/// Stores a new session.
pub async fn insert_session(conn: &impl Conn, row: Session) -> StoreResult<Session> {
    Ok(row
        .into_active_model()
        .reset_all()
        .insert(db!(conn))
        .await?)
}

/// Pushes a session's idle end forward.
pub async fn touch_session(
    conn: &impl Conn,
    row: &Session,
    now: DateTime<Utc>,
    idle_expires_at: DateTime<Utc>,
) -> StoreResult<()> {
    session::Entity::update_many()
        .col_expr(session::Column::LastSeenAt, Expr::value(now))
        .col_expr(session::Column::IdleExpiresAt, Expr::value(idle_expires_at))
        .filter(session::Column::Id.eq(row.id))
        .exec(db!(conn))
        .await?;
    // Told after the write: a reader told earlier could cache the row as it was.
    conn.changed(row.account_id);
    Ok(())
}

/// Ends sessions of an account; returns how many.
pub async fn revoke_sessions(
    conn: &impl Conn,
    account_id: Uuid,
    which: Which,
    now: DateTime<Utc>,
) -> StoreResult<u64> {
    let mut update = session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(now))
        .filter(session::Column::AccountId.eq(account_id))
        .filter(session::Column::RevokedAt.is_null());
    update = match which {
        Which::One(id) => update.filter(session::Column::Id.eq(id)),
        Which::All => update,
        Which::AllBut(id) => update.filter(session::Column::Id.ne(id)),
    };
    let ended = update.exec(db!(conn)).await?.rows_affected;
    // Told after the write: a reader told earlier could cache the session as live.
    conn.changed(account_id);
    Ok(ended)
}

/// The live sessions of an account, newest first.
pub async fn live_sessions(
    conn: &impl Conn,
    account_id: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<Vec<Session>> {
    Ok(session::Entity::find()
        .filter(session::Column::AccountId.eq(account_id))
        .filter(session::Column::RevokedAt.is_null())
        .filter(session::Column::IdleExpiresAt.gt(now))
        .filter(session::Column::AbsoluteExpiresAt.gt(now))
        .order_by_desc(session::Column::CreatedAt)
        .all(db!(conn))
        .await?)
}
