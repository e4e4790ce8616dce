//! `operators`: staff accounts, bound to a service centre; never citizen accounts.

use sea_orm::entity::prelude::*;

/// One operator.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "operators")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub login: String,
    pub full_name: String,
    pub centre_id: String,
    /// `operator` or `administrator`.
    pub role: String,
    pub password_phc: String,
    pub active: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
