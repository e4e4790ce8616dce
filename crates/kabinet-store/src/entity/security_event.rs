//! `security_events`: what is not an account state change but matters for security — failed
//! sign-ins for unknown logins, throttling by client address. Events of known accounts live in
//! their event log.

use sea_orm::entity::prelude::*;

/// One security event.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "security_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub account_id: Option<Uuid>,
    pub kind: String,
    /// The client address.
    pub address: String,
    pub device: String,
    pub details: Json,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
