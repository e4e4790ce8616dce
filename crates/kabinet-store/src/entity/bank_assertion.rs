//! `bank_assertions`: assertions of online banks already accepted, so none is accepted twice.

use sea_orm::entity::prelude::*;

/// One accepted assertion.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bank_assertions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub bank: String,
    /// The assertion's unique id (`jti`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub jti: String,
    pub account_id: Uuid,
    pub used_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
