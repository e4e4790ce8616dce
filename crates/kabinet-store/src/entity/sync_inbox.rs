//! `sync_inbox` (central): every workstation change received, once, with what became of it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sync_inbox")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub event_id: Uuid,
    pub workstation_id: Uuid,
    /// The workstation's number for it; unique with the workstation.
    pub seq: i64,
    pub account_id: Uuid,
    pub kind: String,
    /// `applied`, `conflict` (it opened one) or `held` (it waits behind an open conflict).
    pub outcome: String,
    pub conflict_id: Option<Uuid>,
    pub applied_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
