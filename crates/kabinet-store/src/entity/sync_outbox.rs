//! `sync_outbox` (a workstation's replica): every change made there, in the transaction that
//! made it, numbered in order, until the centre acknowledges it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sync_outbox")]
pub struct Model {
    /// UUIDv7: the change's identity everywhere, what the centre deduplicates by.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// 1, 2, 3… on this workstation, with no gaps.
    pub seq: i64,
    pub account_id: Uuid,
    pub kind: String,
    pub payload: Json,
    pub created_at: DateTimeUtc,
    pub acked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
