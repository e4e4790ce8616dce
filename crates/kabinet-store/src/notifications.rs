//! The history of messages sent to citizens and their notification switches.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, OnConflict},
};
use uuid::Uuid;

use crate::db::{Conn, StoreResult, db};
use crate::entity::{notification, notification_preference};

/// A message in the history.
pub use crate::entity::notification::Model as Notification;

/// Records a message.
pub async fn insert_notification(conn: &impl Conn, row: Notification) -> StoreResult<()> {
    row.into_active_model()
        .reset_all()
        .insert(db!(conn))
        .await?;
    Ok(())
}

/// Records a message's outcome (`sent` with its time, or `failed`).
pub async fn set_notification_status(
    conn: &impl Conn,
    id: Uuid,
    status: &str,
    sent_at: Option<DateTime<Utc>>,
) -> StoreResult<()> {
    notification::Entity::update_many()
        .col_expr(notification::Column::Status, Expr::value(status))
        .col_expr(notification::Column::SentAt, Expr::value(sent_at))
        .filter(notification::Column::Id.eq(id))
        .exec(db!(conn))
        .await?;
    Ok(())
}

/// An account's messages, newest first: `limit` after skipping `offset`.
pub async fn notifications_page(
    conn: &impl Conn,
    account_id: Uuid,
    offset: u64,
    limit: u64,
) -> StoreResult<Vec<Notification>> {
    Ok(notification::Entity::find()
        .filter(notification::Column::AccountId.eq(account_id))
        .order_by_desc(notification::Column::CreatedAt)
        .order_by_desc(notification::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db!(conn))
        .await?)
}

/// A category × channel switch, if the citizen ever set it.
pub async fn preference(
    conn: &impl Conn,
    account_id: Uuid,
    category: &str,
    channel: &str,
) -> StoreResult<Option<bool>> {
    Ok(notification_preference::Entity::find_by_id((
        account_id,
        category.to_owned(),
        channel.to_owned(),
    ))
    .one(db!(conn))
    .await?
    .map(|p| p.enabled))
}

/// Sets a category × channel switch.
pub async fn set_preference(
    conn: &impl Conn,
    account_id: Uuid,
    category: &str,
    channel: &str,
    enabled: bool,
) -> StoreResult<()> {
    let row = notification_preference::ActiveModel {
        account_id: Set(account_id),
        category: Set(category.to_owned()),
        channel: Set(channel.to_owned()),
        enabled: Set(enabled),
    };
    notification_preference::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                notification_preference::Column::AccountId,
                notification_preference::Column::Category,
                notification_preference::Column::Channel,
            ])
            .update_column(notification_preference::Column::Enabled)
            .to_owned(),
        )
        .exec(db!(conn))
        .await?;
    Ok(())
}
