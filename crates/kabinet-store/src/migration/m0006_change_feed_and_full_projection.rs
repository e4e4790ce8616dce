//! The change feed the workstation sync reads (one row per event, numbered by a per-database
//! sequence in commit order of its writer), and the account columns the projection lacked to
//! be the exact replay of the log: the status before a block and the confirmation's details
//! (the centre and documents of an in-person confirmation, the bank of an online one).

use sea_orm_migration::prelude::*;

use super::m0002_accounts_and_friends::{col, time, uuid};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("change_feed"))
                .if_not_exists()
                .col(
                    col("seq")
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(uuid("event_id").unique_key().to_owned())
                .col(uuid("account_id"))
                .col(time("recorded_at"))
                .to_owned(),
        )
        .await?;
        for column in [
            col("status_before_block").string().null().to_owned(),
            col("confirmation_detail").json_binary().null().to_owned(),
        ] {
            m.alter_table(
                Table::alter()
                    .table(Alias::new("accounts"))
                    .add_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in ["status_before_block", "confirmation_detail"] {
            m.alter_table(
                Table::alter()
                    .table(Alias::new("accounts"))
                    .drop_column(Alias::new(name))
                    .to_owned(),
            )
            .await?;
        }
        m.drop_table(Table::drop().table(Alias::new("change_feed")).to_owned())
            .await
    }
}
