//! `accounts`: the projection of each account's event log, one row per account.

use sea_orm::entity::prelude::*;

/// The current state of an account, as its events made it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accounts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `pending`, `active`, `locked`, `blocked`, `deleted`.
    pub status: String,
    /// `simplified`, `standard`, `confirmed`.
    pub level: String,
    pub surname: String,
    pub first_name: String,
    /// `phone` or `email`: how the citizen registered.
    pub contact_kind: String,
    pub consent_version: String,
    pub consent_at: DateTimeUtc,
    pub contact_confirmed: bool,
    pub password_set: bool,
    pub temporary_password: bool,
    pub profile_submitted: bool,
    /// `not_started`, `queued`, `checking`, `passed`, `mismatch`, `unavailable`.
    pub snils_check: String,
    pub passport_check: String,
    /// The confirmation method in force, if any.
    pub confirmation: Option<String>,
    pub mailed_code_restriction: bool,
    pub locked_until: Option<DateTimeUtc>,
    pub block_reason: Option<String>,
    /// The sequence number of the last event folded in: the optimistic-concurrency version.
    pub last_seq: i64,
    /// Which installation created the account.
    pub origin: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// `{"fields": [...]}` for a mismatch, `{"retry_at": …}` for an unavailable registry.
    pub snils_check_detail: Option<Json>,
    pub passport_check_detail: Option<Json>,
    /// What the status was when a block began (`pending`, `active`, `locked:<RFC 3339>`).
    pub status_before_block: Option<String>,
    /// The confirmation's details: `{centre, documents}` in person, `{bank}` online.
    pub confirmation_detail: Option<Json>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
