//! `sync_conflicts` (central): workstation changes the centre could not apply as they were,
//! waiting in the centre's queue for an operator.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sync_conflicts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub centre_id: Uuid,
    pub workstation_id: Uuid,
    /// The account the workstation's changes name.
    pub account_id: Uuid,
    /// `claim` (a login another account holds) or `refused` (the account's state refused it).
    pub kind: String,
    pub claim_kind: Option<String>,
    pub existing_account: Option<Uuid>,
    /// The changes held: the first one and every later one for the same account, in order.
    pub changes: Json,
    /// Why: the claim's kind or the refusal's code.
    pub reason: String,
    /// `open`, `merged`, `rejected`.
    pub status: String,
    pub opened_at: DateTimeUtc,
    pub resolved_by: Option<Uuid>,
    pub resolved_at: Option<DateTimeUtc>,
    pub resolution_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
