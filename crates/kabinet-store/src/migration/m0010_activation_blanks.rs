//! Blocks of activation codes handed to a workstation in advance: centrally each blank's keyed
//! hash, which workstation holds it and which account it was handed to; on the replica the
//! blanks themselves, sealed under the workstation's own key.

use sea_orm_migration::prelude::*;

use super::m0002_accounts_and_friends::{bytes, index, table, time, time_null, uuid};
use super::m0009_workstation_sync::uuid_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(table(
            "activation_blanks",
            vec![
                uuid("id"),
                uuid("workstation_id"),
                bytes("code_hash"),
                time("issued_at"),
                time("expires_at"),
                uuid_null("account_id"),
                time_null("bound_at"),
            ],
            &["id"],
        ))
        .await?;
        m.create_table(table(
            "held_blanks",
            vec![
                uuid("id"),
                bytes("sealed"),
                time("expires_at"),
                uuid_null("account_id"),
                time_null("taken_at"),
            ],
            &["id"],
        ))
        .await?;
        m.create_index(index(
            "activation_blanks_workstation",
            "activation_blanks",
            &["workstation_id", "expires_at"],
            false,
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in ["held_blanks", "activation_blanks"] {
            m.drop_table(Table::drop().table(Alias::new(name)).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
