//! `approvals`: four-eyes requests: what a maker asked, waiting for a different checker.

use sea_orm::entity::prelude::*;

/// One row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "approvals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: String,
    pub account_id: Uuid,
    pub payload: Json,
    pub centre_id: Uuid,
    pub maker_id: Uuid,
    pub requested_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub status: String,
    pub checker_id: Option<Uuid>,
    pub decided_at: Option<DateTimeUtc>,
    pub decision_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
