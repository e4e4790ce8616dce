//! `document_scans`: uploaded scans. The bytes live in the database (at most 5 MB each), so a
//! backup or a replica carries them with the rest of the account.

use sea_orm::entity::prelude::*;

/// One scan.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "document_scans")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub account_id: Uuid,
    /// `passport_main`, `snils`, `selfie_with_passport`.
    pub document: String,
    /// `image/jpeg`, `image/png`, `application/pdf` — from the content.
    pub content_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the bytes.
    pub sha256: Vec<u8>,
    pub bytes: Vec<u8>,
    pub uploaded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
