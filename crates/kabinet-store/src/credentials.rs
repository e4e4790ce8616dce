//! What proves an account is its holder's: the password and secret answer (argon2id PHC), the
//! sealed authenticator seed, the SMS second factor switch; and the devices it has proved.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel, sea_query::OnConflict,
};
use uuid::Uuid;

use crate::db::{Conn, StoreResult, db};
use crate::entity::{credential, known_device};

/// The credentials row of an account.
pub use crate::entity::credential::Model as Credentials;

/// An account's credentials, if it has any yet.
pub async fn credentials(conn: &impl Conn, account_id: Uuid) -> StoreResult<Option<Credentials>> {
    Ok(credential::Entity::find_by_id(account_id)
        .one(db!(conn))
        .await?)
}

/// Writes an account's credentials whole (insert or replace).
pub async fn save_credentials(conn: &impl Conn, row: Credentials) -> StoreResult<()> {
    let columns = [
        credential::Column::PasswordPhc,
        credential::Column::PasswordChangedAt,
        credential::Column::TotpSealed,
        credential::Column::TotpLastStep,
        credential::Column::SecretQuestion,
        credential::Column::SecretAnswerPhc,
        credential::Column::UpdatedAt,
        credential::Column::SmsSecondFactor,
    ];
    credential::Entity::insert(row.into_active_model().reset_all())
        .on_conflict(
            OnConflict::column(credential::Column::AccountId)
                .update_columns(columns)
                .to_owned(),
        )
        .exec(db!(conn))
        .await?;
    Ok(())
}

/// Whether the account has proved the device with this keyed hash.
pub async fn device_known(
    conn: &impl Conn,
    account_id: Uuid,
    device_hash: &str,
) -> StoreResult<bool> {
    Ok(
        known_device::Entity::find_by_id((account_id, device_hash.to_owned()))
            .one(db!(conn))
            .await?
            .is_some(),
    )
}

/// Remembers a device as proved by the account, or notes that it was seen again.
pub async fn remember_device(
    conn: &impl Conn,
    account_id: Uuid,
    device_hash: &str,
    name: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let row = known_device::ActiveModel {
        account_id: Set(account_id),
        device_hash: Set(device_hash.to_owned()),
        name: Set(name.to_owned()),
        first_seen_at: Set(now),
        last_seen_at: Set(now),
    };
    known_device::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                known_device::Column::AccountId,
                known_device::Column::DeviceHash,
            ])
            .update_column(known_device::Column::LastSeenAt)
            .to_owned(),
        )
        .exec(db!(conn))
        .await?;
    Ok(())
}
