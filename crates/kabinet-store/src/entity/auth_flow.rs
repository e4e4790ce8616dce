//! `auth_flows`: a multi-step flow a client holds a ticket for — a registration, a sign-in
//! waiting for its second factor or password change, a recovery, a TOTP set-up. The ticket is
//! stored only as a keyed hash.

use sea_orm::entity::prelude::*;

/// One flow.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "auth_flows")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `registration`, `sign_in`, `recovery`, `totp_setup`.
    pub kind: String,
    #[sea_orm(unique)]
    pub ticket_hash: Vec<u8>,
    /// None for a recovery asked for a login nobody has (it looks the same from outside).
    pub account_id: Option<Uuid>,
    /// Where the flow stands, e.g. `confirm_contact`, `set_password`, `second_factor`.
    pub step: String,
    /// Step data: methods offered, device, sealed secrets.
    pub data: Json,
    /// Wrong answers given in this flow (secret question).
    pub failed_attempts: i32,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
