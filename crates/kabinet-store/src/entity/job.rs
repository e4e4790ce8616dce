//! `jobs`: the durable job queue (registry checks, letters, notifications).

use sea_orm::entity::prelude::*;

/// One job.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "jobs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: String,
    pub payload: Json,
    /// Enqueuing twice with one key makes one job.
    #[sea_orm(unique)]
    pub idempotency_key: Option<String>,
    /// `queued`, `leased`, `done`, `dead`.
    pub status: String,
    pub run_at: DateTimeUtc,
    pub attempts: i32,
    pub max_attempts: i32,
    pub leased_by: Option<String>,
    pub leased_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
