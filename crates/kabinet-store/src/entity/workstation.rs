//! `workstations`: installations enrolled to a centre; their key kept only as a keyed hash.

use sea_orm::entity::prelude::*;

/// One row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workstations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub centre_id: Uuid,
    pub name: String,
    #[sea_orm(unique)]
    pub key_hash: Vec<u8>,
    pub status: String,
    pub enrolled_at: DateTimeUtc,
    pub last_seen_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
