//! What the account service needs beyond m0002: the tickets of multi-step flows (registration,
//! sign-in challenges, recovery, TOTP set-up), failure counters shared by every server replica,
//! the log of code sends (cooldowns and daily caps), the devices each account has proved, the
//! SMS second-factor switch, and which flow a one-time code belongs to.

use sea_orm_migration::prelude::*;

use super::m0002_accounts_and_friends::{
    bytes, col, flag, index, int, json, table, text, time, time_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// All or nothing, on SQLite too.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(table(
            "auth_flows",
            vec![
                col("id").uuid().not_null().to_owned(),
                text("kind"),
                bytes("ticket_hash"),
                col("account_id").uuid().null().to_owned(),
                text("step"),
                json("data"),
                int("failed_attempts"),
                time("created_at"),
                time("expires_at"),
                time_null("finished_at"),
            ],
            &["id"],
        ))
        .await?;
        m.create_table(table(
            "throttles",
            vec![
                text("key"),
                int("failures"),
                time("window_started_at"),
                time_null("last_failure_at"),
                time_null("locked_until"),
            ],
            &["key"],
        ))
        .await?;
        m.create_table(table(
            "code_sends",
            vec![
                col("id").uuid().not_null().to_owned(),
                text("key"),
                time("sent_at"),
            ],
            &["id"],
        ))
        .await?;
        m.create_table(table(
            "known_devices",
            vec![
                col("account_id").uuid().not_null().to_owned(),
                text("device_hash"),
                text("name"),
                time("first_seen_at"),
                time("last_seen_at"),
            ],
            &["account_id", "device_hash"],
        ))
        .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("credentials"))
                .add_column(flag("sms_second_factor").default(false).to_owned())
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("one_time_codes"))
                .add_column(col("flow_id").uuid().null().to_owned())
                .to_owned(),
        )
        .await?;
        for i in [
            index(
                "auth_flows_ticket_hash",
                "auth_flows",
                &["ticket_hash"],
                true,
            ),
            index(
                "auth_flows_account",
                "auth_flows",
                &["account_id", "kind"],
                false,
            ),
            index(
                "code_sends_key_at",
                "code_sends",
                &["key", "sent_at"],
                false,
            ),
            index("one_time_codes_flow", "one_time_codes", &["flow_id"], false),
            index(
                "one_time_codes_hash",
                "one_time_codes",
                &["code_hash"],
                false,
            ),
        ] {
            m.create_index(i).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in ["known_devices", "code_sends", "throttles", "auth_flows"] {
            m.drop_table(Table::drop().table(Alias::new(name)).if_exists().to_owned())
                .await?;
        }
        for (table, column) in [
            ("one_time_codes", "flow_id"),
            ("credentials", "sms_second_factor"),
        ] {
            m.alter_table(
                Table::alter()
                    .table(Alias::new(table))
                    .drop_column(Alias::new(column))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
