//! `notifications`: the outbox and the history of messages sent to citizens.

use sea_orm::entity::prelude::*;

/// One message.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub account_id: Option<Uuid>,
    /// `applications`, `payments`, `events`, or `security` (always sent).
    pub category: String,
    /// `sms`, `email`, `push`.
    pub channel: String,
    /// A masked recipient for the history; the real one is resolved when sending.
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// `pending`, `sent`, `failed`.
    pub status: String,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
