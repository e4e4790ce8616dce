//! `change_feed`: every event of every account once, numbered by a per-database sequence —
//! what the workstation sync reads after its cursor.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "change_feed")]
pub struct Model {
    /// Assigned by the database, increasing.
    #[sea_orm(primary_key)]
    pub seq: i64,
    pub event_id: Uuid,
    pub account_id: Uuid,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
