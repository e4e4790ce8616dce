//! `one_time_codes`: issued codes and link tokens, as keyed hashes.

use sea_orm::entity::prelude::*;

/// One issued code.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "one_time_codes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub account_id: Uuid,
    /// `confirm_contact`, `sign_in`, `recovery`, `activation`, `letter`, …
    pub purpose: String,
    /// `sms`, `email`, `letter`, `operator`.
    pub channel: String,
    /// HMAC-SHA-256 of the code under the deployment's pepper.
    pub code_hash: Vec<u8>,
    pub failed_attempts: i32,
    pub expires_at: DateTimeUtc,
    pub consumed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// The flow the code was issued in, if any.
    pub flow_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
