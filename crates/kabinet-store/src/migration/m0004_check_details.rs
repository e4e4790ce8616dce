//! The details of each registry check on the account row: the fields a mismatch names and
//! when an unavailable registry is asked again, so the projection keeps all the state machine
//! knows.

use sea_orm_migration::prelude::*;

use super::m0002_accounts_and_friends::col;

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: [&str; 2] = ["snils_check_detail", "passport_check_detail"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in COLUMNS {
            m.alter_table(
                Table::alter()
                    .table(Alias::new("accounts"))
                    .add_column(col(name).json_binary().null().to_owned())
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in COLUMNS {
            m.alter_table(
                Table::alter()
                    .table(Alias::new("accounts"))
                    .drop_column(Alias::new(name))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
