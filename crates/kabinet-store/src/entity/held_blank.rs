//! `held_blanks` (a workstation's replica): the activation codes the centre handed this
//! workstation, sealed under the replica's key (bound to the blank's id), until one is taken
//! for a citizen.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "held_blanks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub sealed: Vec<u8>,
    pub expires_at: DateTimeUtc,
    pub account_id: Option<Uuid>,
    pub taken_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
