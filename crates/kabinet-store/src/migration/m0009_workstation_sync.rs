//! Workstation sync: on a workstation's replica the outbox of changes made there and the sync
//! cursor; centrally the inbox of changes applied (exactly once, in order per workstation), the
//! conflicts waiting for an operator, and which accounts each centre's replicas hold.

use sea_orm_migration::prelude::*;

use super::m0002_accounts_and_friends::{
    big, col, index, json, table, text, text_null, time, time_null, uuid,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

pub(super) fn uuid_null(name: &str) -> ColumnDef {
    col(name).uuid().null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            table(
                "sync_outbox",
                vec![
                    uuid("id"),
                    big("seq"),
                    uuid("account_id"),
                    text("kind"),
                    json("payload"),
                    time("created_at"),
                    time_null("acked_at"),
                ],
                &["id"],
            ),
            table(
                "sync_state",
                vec![text("key"), json("value"), time("updated_at")],
                &["key"],
            ),
            table(
                "sync_inbox",
                vec![
                    uuid("event_id"),
                    uuid("workstation_id"),
                    big("seq"),
                    uuid("account_id"),
                    text("kind"),
                    text("outcome"),
                    uuid_null("conflict_id"),
                    time("applied_at"),
                ],
                &["event_id"],
            ),
            table(
                "sync_conflicts",
                vec![
                    uuid("id"),
                    uuid("centre_id"),
                    uuid("workstation_id"),
                    uuid("account_id"),
                    text("kind"),
                    text_null("claim_kind"),
                    uuid_null("existing_account"),
                    json("changes"),
                    text("reason"),
                    text("status"),
                    time("opened_at"),
                    uuid_null("resolved_by"),
                    time_null("resolved_at"),
                    text_null("resolution_reason"),
                ],
                &["id"],
            ),
            table(
                "centre_accounts",
                vec![uuid("centre_id"), uuid("account_id"), time("since")],
                &["centre_id", "account_id"],
            ),
        ];
        for t in tables {
            m.create_table(t).await?;
        }
        for i in [
            index("sync_outbox_seq", "sync_outbox", &["seq"], true),
            index(
                "sync_inbox_order",
                "sync_inbox",
                &["workstation_id", "seq"],
                true,
            ),
            index(
                "sync_conflicts_centre",
                "sync_conflicts",
                &["centre_id", "status"],
                false,
            ),
            index(
                "sync_conflicts_account",
                "sync_conflicts",
                &["account_id", "status"],
                false,
            ),
            index(
                "centre_accounts_account",
                "centre_accounts",
                &["account_id"],
                false,
            ),
            index("change_feed_account", "change_feed", &["account_id"], false),
        ] {
            m.create_index(i).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("change_feed_account")
                .table(Alias::new("change_feed"))
                .to_owned(),
        )
        .await?;
        for name in [
            "centre_accounts",
            "sync_conflicts",
            "sync_inbox",
            "sync_state",
            "sync_outbox",
        ] {
            m.drop_table(Table::drop().table(Alias::new(name)).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
