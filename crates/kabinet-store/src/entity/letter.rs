//! `letters`: registered letters ordered for identity confirmation, with their tracking.

use sea_orm::entity::prelude::*;

/// One letter.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "letters")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub account_id: Uuid,
    /// The postal service's tracking number.
    pub tracking: String,
    /// Where it goes (the address form).
    pub address: Json,
    /// `accepted`, `in_transit`, `arrived`, `handed_over`, `lost`.
    pub status: String,
    pub ordered_at: DateTimeUtc,
    pub status_at: DateTimeUtc,
    /// The flow holding the letter's code.
    pub flow_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
