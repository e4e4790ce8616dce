//! The account event log.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AccountEvents {
    Table,
    Id,
    AccountId,
    Seq,
    Kind,
    Payload,
    Actor,
    Origin,
    RecordedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// All or nothing, on SQLite too: a crash mid-migration must not leave half a schema.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AccountEvents::Table)
                    .if_not_exists()
                    .col(
                        ColumnDef::new(AccountEvents::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(AccountEvents::AccountId).uuid().not_null())
                    .col(ColumnDef::new(AccountEvents::Seq).big_integer().not_null())
                    .col(
                        ColumnDef::new(AccountEvents::Kind)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AccountEvents::Payload)
                            .json_binary()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AccountEvents::Actor)
                            .json_binary()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AccountEvents::Origin)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AccountEvents::RecordedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("account_events_account_seq")
                    .table(AccountEvents::Table)
                    .col(AccountEvents::AccountId)
                    .col(AccountEvents::Seq)
                    .unique()
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AccountEvents::Table).to_owned())
            .await
    }
}
