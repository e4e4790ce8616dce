//! `activation_blanks` (the centre): an activation code made in advance for a workstation to
//! hand out without the link. Only its keyed hash is kept; the account is set when the
//! workstation's change saying who got it arrives.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activation_blanks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workstation_id: Uuid,
    pub code_hash: Vec<u8>,
    pub issued_at: DateTimeUtc,
    /// The last moment the workstation may hand it out.
    pub expires_at: DateTimeUtc,
    pub account_id: Option<Uuid>,
    pub bound_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
