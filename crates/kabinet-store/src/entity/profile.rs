//! `profiles`: the submitted profile and the draft being typed, as JSON documents.

use sea_orm::entity::prelude::*;

/// One account's profile.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "profiles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: Uuid,
    /// The last submitted profile.
    pub submitted: Option<Json>,
    pub submitted_at: Option<DateTimeUtc>,
    /// What the citizen is typing; kept between visits.
    pub draft: Option<Json>,
    pub draft_saved_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
