//! `known_devices`: devices an account has proved with a code or a second factor; a sign-in
//! from any other device asks for a code.

use sea_orm::entity::prelude::*;

/// One device of one account.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "known_devices")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: Uuid,
    /// Keyed hash of the device id, hex.
    #[sea_orm(primary_key, auto_increment = false)]
    pub device_hash: String,
    /// What the client called itself, for the sessions list.
    pub name: String,
    pub first_seen_at: DateTimeUtc,
    pub last_seen_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
