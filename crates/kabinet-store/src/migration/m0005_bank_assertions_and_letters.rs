//! Identity confirmation by bank and by registered letter: the ids of bank assertions already
//! accepted (each is accepted once), and the letters ordered with their tracking.

use sea_orm_migration::prelude::*;

use super::m0002_accounts_and_friends::{col, index, json, table, text, time, uuid};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(table(
            "bank_assertions",
            vec![
                text("jti"),
                text("bank"),
                uuid("account_id"),
                time("used_at"),
            ],
            &["bank", "jti"],
        ))
        .await?;
        m.create_table(table(
            "letters",
            vec![
                uuid("id"),
                uuid("account_id"),
                text("tracking"),
                json("address"),
                text("status"),
                time("ordered_at"),
                time("status_at"),
                col("flow_id").uuid().null().to_owned(),
            ],
            &["id"],
        ))
        .await?;
        m.create_index(index(
            "letters_account_ordered",
            "letters",
            &["account_id", "ordered_at"],
            false,
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in ["letters", "bank_assertions"] {
            m.drop_table(Table::drop().table(Alias::new(name)).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
