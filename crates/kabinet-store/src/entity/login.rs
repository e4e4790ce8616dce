//! `logins`: every identifier a citizen signs in with, normalised, unique across all accounts.

use sea_orm::entity::prelude::*;

/// One login of one account.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "logins")]
pub struct Model {
    /// `phone`, `email`, `snils`, `inn`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    /// E.164 phone, lower-cased e-mail, 11 SNILS digits, 12 INN digits.
    #[sea_orm(primary_key, auto_increment = false)]
    pub value: String,
    pub account_id: Uuid,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
