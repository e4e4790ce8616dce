//! `credentials`: the password hash, the sealed TOTP secret and the secret question.

use sea_orm::entity::prelude::*;

/// An account's secrets, never in plain text.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "credentials")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: Uuid,
    /// argon2id PHC string.
    pub password_phc: Option<String>,
    pub password_changed_at: Option<DateTimeUtc>,
    /// The TOTP secret sealed (XChaCha20-Poly1305) under a key the caller supplies.
    pub totp_sealed: Option<Vec<u8>>,
    /// The last accepted TOTP step (each step is accepted once).
    pub totp_last_step: Option<i64>,
    pub secret_question: Option<String>,
    /// argon2id PHC string of the normalised answer.
    pub secret_answer_phc: Option<String>,
    pub updated_at: DateTimeUtc,
    /// SMS codes as the second factor (opt-in).
    pub sms_second_factor: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
