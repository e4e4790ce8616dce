//! `throttles`: failure counters shared by every replica — one per account (or per unknown
//! login, so both look alike) and one per client address.

use sea_orm::entity::prelude::*;

/// One counter.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "throttles")]
pub struct Model {
    /// `account:<uuid>`, `login:<kind>:<value>` or `client:<address>`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    /// Consecutive failures (accounts) or failures in the window (clients).
    pub failures: i32,
    pub window_started_at: DateTimeUtc,
    pub last_failure_at: Option<DateTimeUtc>,
    pub locked_until: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
