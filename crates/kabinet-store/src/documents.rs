//! What a citizen hands in about themselves: the profile (draft and submitted form), the
//! document scans, the registered letters ordered, and the bank assertions already used.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect,
    sea_query::{Expr, OnConflict},
};
use uuid::Uuid;

use crate::db::{Conn, StoreError, StoreResult, db};
use crate::entity::{bank_assertion, document_scan, letter, profile};

/// A document scan with its bytes.
pub use crate::entity::document_scan::Model as Scan;
/// A registered letter.
pub use crate::entity::letter::Model as Letter;
/// The profile row: the submitted form and the draft, as JSON.
pub use crate::entity::profile::Model as ProfileRow;

/// A scan's metadata, without its bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanInfo {
    /// Its id.
    pub id: Uuid,
    /// Which document.
    pub document: String,
    /// Its MIME type.
    pub content_type: String,
    /// Its size.
    pub size_bytes: i64,
    /// When it was uploaded.
    pub uploaded_at: DateTime<Utc>,
}

/// An account's profile row, if it has one.
pub async fn profile(conn: &impl Conn, account_id: Uuid) -> StoreResult<Option<ProfileRow>> {
    Ok(profile::Entity::find_by_id(account_id)
        .one(db!(conn))
        .await?)
}

/// Writes an account's profile row whole (insert or replace).
pub async fn save_profile(conn: &impl Conn, row: ProfileRow) -> StoreResult<()> {
    profile::Entity::insert(row.into_active_model().reset_all())
        .on_conflict(
            OnConflict::column(profile::Column::AccountId)
                .update_columns([
                    profile::Column::Submitted,
                    profile::Column::SubmittedAt,
                    profile::Column::Draft,
                    profile::Column::DraftSavedAt,
                ])
                .to_owned(),
        )
        .exec(db!(conn))
        .await?;
    Ok(())
}

/// Stores a scan in place of the account's earlier scan of the same document.
pub async fn replace_scan(conn: &impl Conn, row: Scan) -> StoreResult<Scan> {
    let db = db!(conn);
    document_scan::Entity::delete_many()
        .filter(document_scan::Column::AccountId.eq(row.account_id))
        .filter(document_scan::Column::Document.eq(row.document.clone()))
        .exec(db)
        .await?;
    Ok(row.into_active_model().reset_all().insert(db).await?)
}

/// An account's scans, oldest first, without their bytes.
pub async fn scans(conn: &impl Conn, account_id: Uuid) -> StoreResult<Vec<ScanInfo>> {
    let rows: Vec<(Uuid, String, String, i64, DateTime<Utc>)> = document_scan::Entity::find()
        .select_only()
        .columns([
            document_scan::Column::Id,
            document_scan::Column::Document,
            document_scan::Column::ContentType,
            document_scan::Column::SizeBytes,
            document_scan::Column::UploadedAt,
        ])
        .filter(document_scan::Column::AccountId.eq(account_id))
        .order_by_asc(document_scan::Column::UploadedAt)
        .into_tuple()
        .all(db!(conn))
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, document, content_type, size_bytes, uploaded_at)| ScanInfo {
                id,
                document,
                content_type,
                size_bytes,
                uploaded_at,
            },
        )
        .collect())
}

/// Deletes one of an account's scans; whether there was one.
pub async fn delete_scan(conn: &impl Conn, account_id: Uuid, id: Uuid) -> StoreResult<bool> {
    let deleted = document_scan::Entity::delete_many()
        .filter(document_scan::Column::Id.eq(id))
        .filter(document_scan::Column::AccountId.eq(account_id))
        .exec(db!(conn))
        .await?;
    Ok(deleted.rows_affected > 0)
}

/// Records a letter ordered.
pub async fn insert_letter(conn: &impl Conn, row: Letter) -> StoreResult<Letter> {
    Ok(row
        .into_active_model()
        .reset_all()
        .insert(db!(conn))
        .await?)
}

/// Records what the post says of a letter now.
pub async fn set_letter_status(
    conn: &impl Conn,
    id: Uuid,
    status: &str,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    letter::Entity::update_many()
        .col_expr(letter::Column::Status, Expr::value(status))
        .col_expr(letter::Column::StatusAt, Expr::value(at))
        .filter(letter::Column::Id.eq(id))
        .exec(db!(conn))
        .await?;
    Ok(())
}

/// An account's newest letter.
pub async fn latest_letter(conn: &impl Conn, account_id: Uuid) -> StoreResult<Option<Letter>> {
    Ok(letter::Entity::find()
        .filter(letter::Column::AccountId.eq(account_id))
        .order_by_desc(letter::Column::OrderedAt)
        .one(db!(conn))
        .await?)
}

/// Records a bank assertion `(bank, jti)` as used by an account; `false` if it was used
/// before (by anyone).
pub async fn use_bank_assertion(
    conn: &impl Conn,
    bank: &str,
    jti: &str,
    account_id: Uuid,
    at: DateTime<Utc>,
) -> StoreResult<bool> {
    let row = bank_assertion::Model {
        bank: bank.to_owned(),
        jti: jti.to_owned(),
        account_id,
        used_at: at,
    };
    match row.into_active_model().reset_all().insert(db!(conn)).await {
        Ok(_) => Ok(true),
        Err(e) if StoreError::is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}
