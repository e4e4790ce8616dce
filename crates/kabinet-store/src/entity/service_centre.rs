//! `service_centres`: МФЦ, post offices, bank branches where operators work.

use sea_orm::entity::prelude::*;

/// One centre.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_centres")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub name: String,
    /// `mfc`, `post`, `rostelecom`, `bank`.
    pub kind: String,
    pub address: String,
    /// Opening hours by weekday.
    pub hours: Json,
    pub active: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
