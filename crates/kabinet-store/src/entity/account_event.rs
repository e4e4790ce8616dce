//! `account_events`: the append-only log of every state change of every account.

use sea_orm::entity::prelude::*;

/// One event of one account, numbered by `seq` within that account.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account_events")]
pub struct Model {
    /// UUIDv7: sortable by creation time across installations.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub account_id: Uuid,
    /// 1, 2, 3… per account; unique with `account_id`, so two writers cannot both append `n`.
    pub seq: i64,
    pub kind: String,
    pub payload: Json,
    pub actor: Json,
    /// Which installation wrote the event (server, a workstation, a desktop).
    pub origin: String,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
