//! Activation codes made in advance for workstations (see the migration's note): the centre's
//! hashes and bindings, a replica's sealed blanks. How many to make and when a blank may be
//! handed out are the core's rules (`kabinet_core::sync::blanks_to_issue`).

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, sea_query::Expr,
};
use uuid::Uuid;

use crate::db::{Conn, StoreResult, db};
use crate::entity::{activation_blank, held_blank};

/// A blank as the centre keeps it.
pub use crate::entity::activation_blank::Model as Blank;
/// A blank as a replica holds it.
pub use crate::entity::held_blank::Model as HeldBlank;

// ---- the centre ----

/// Records blanks just made for a workstation.
pub async fn insert_blanks(conn: &impl Conn, blanks: Vec<Blank>) -> StoreResult<()> {
    let conn = db!(conn);
    for blank in blanks {
        blank.into_active_model().reset_all().insert(conn).await?;
    }
    Ok(())
}

/// How many of a workstation's blanks are neither handed out nor past their date.
pub async fn outstanding(
    conn: &impl Conn,
    workstation_id: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<u64> {
    Ok(activation_blank::Entity::find()
        .filter(activation_blank::Column::WorkstationId.eq(workstation_id))
        .filter(activation_blank::Column::ExpiresAt.gt(now))
        .filter(activation_blank::Column::AccountId.is_null())
        .count(db!(conn))
        .await?)
}

/// A blank by id.
pub async fn blank(conn: &impl Conn, id: Uuid) -> StoreResult<Option<Blank>> {
    Ok(activation_blank::Entity::find_by_id(id)
        .one(db!(conn))
        .await?)
}

/// Binds a blank to the account it was handed to, if nobody holds it yet; says whether it did.
pub async fn bind(
    conn: &impl Conn,
    id: Uuid,
    account_id: Uuid,
    at: DateTime<Utc>,
) -> StoreResult<bool> {
    let done = activation_blank::Entity::update_many()
        .col_expr(activation_blank::Column::AccountId, Expr::value(account_id))
        .col_expr(activation_blank::Column::BoundAt, Expr::value(at))
        .filter(activation_blank::Column::Id.eq(id))
        .filter(activation_blank::Column::AccountId.is_null())
        .exec(db!(conn))
        .await?;
    Ok(done.rows_affected == 1)
}

/// Every blank bound to an account (for checks).
pub async fn bound(conn: &impl Conn) -> StoreResult<Vec<Blank>> {
    Ok(activation_blank::Entity::find()
        .filter(activation_blank::Column::AccountId.is_not_null())
        .order_by_asc(activation_blank::Column::Id)
        .all(db!(conn))
        .await?)
}

// ---- a workstation's replica ----

/// Keeps blanks the centre handed over (one already kept is left as it is).
pub async fn hold(conn: &impl Conn, blanks: Vec<HeldBlank>) -> StoreResult<()> {
    let conn = db!(conn);
    for blank in blanks {
        if held_blank::Entity::find_by_id(blank.id)
            .one(conn)
            .await?
            .is_none()
        {
            blank.into_active_model().reset_all().insert(conn).await?;
        }
    }
    Ok(())
}

/// How many blanks this replica can still hand out.
pub async fn held_count(conn: &impl Conn, now: DateTime<Utc>) -> StoreResult<u64> {
    Ok(held_blank::Entity::find()
        .filter(held_blank::Column::TakenAt.is_null())
        .filter(held_blank::Column::ExpiresAt.gt(now))
        .count(db!(conn))
        .await?)
}

/// Takes the blank that expires first for `account_id`, inside the caller's transaction; none
/// when the replica has no blank left.
pub async fn take(
    conn: &impl Conn,
    account_id: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<Option<HeldBlank>> {
    let conn = db!(conn);
    let Some(blank) = held_blank::Entity::find()
        .filter(held_blank::Column::TakenAt.is_null())
        .filter(held_blank::Column::ExpiresAt.gt(now))
        .order_by_asc(held_blank::Column::ExpiresAt)
        .order_by_asc(held_blank::Column::Id)
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let taken = held_blank::Entity::update_many()
        .col_expr(held_blank::Column::AccountId, Expr::value(account_id))
        .col_expr(held_blank::Column::TakenAt, Expr::value(now))
        .filter(held_blank::Column::Id.eq(blank.id))
        .filter(held_blank::Column::TakenAt.is_null())
        .exec(conn)
        .await?;
    Ok((taken.rows_affected == 1).then_some(blank))
}
