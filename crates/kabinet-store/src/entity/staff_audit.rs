//! `staff_audit`: who on the staff did what, to whom, where and when; append-only.

use sea_orm::entity::prelude::*;

/// One row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_audit")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub seq: i64,
    pub at: DateTimeUtc,
    pub staff_id: Option<Uuid>,
    pub personnel_number: String,
    pub centre_id: Option<Uuid>,
    pub workstation_id: Option<Uuid>,
    pub action: String,
    pub account_id: Option<Uuid>,
    pub detail: Json,
    pub outcome: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
