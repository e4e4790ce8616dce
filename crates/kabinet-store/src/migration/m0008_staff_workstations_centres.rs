//! Service-centre staff: the centres' directory, staff members, enrolled workstations, staff
//! sessions, one-time enrolment codes, four-eyes requests and the staff audit log (append-only:
//! the database itself refuses to change or remove a row of it). The placeholder tables of
//! 0002 (`service_centres`, `operators`), never written, are dropped.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use super::m0002_accounts_and_friends::{
    bytes, col, index, int, json, table, text, text_null, time, time_null, uuid,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn uuid_null(name: &str) -> ColumnDef {
    col(name).uuid().null().to_owned()
}

const APPEND_ONLY_SQLITE: [&str; 2] = [
    "CREATE TRIGGER IF NOT EXISTS staff_audit_no_update BEFORE UPDATE ON staff_audit \
     BEGIN SELECT RAISE(ABORT, 'the staff audit log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS staff_audit_no_delete BEFORE DELETE ON staff_audit \
     BEGIN SELECT RAISE(ABORT, 'the staff audit log is append-only'); END",
];

const APPEND_ONLY_POSTGRES: [&str; 2] = [
    "CREATE OR REPLACE FUNCTION staff_audit_append_only() RETURNS trigger AS $$ \
     BEGIN RAISE EXCEPTION 'the staff audit log is append-only'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER staff_audit_append_only BEFORE UPDATE OR DELETE ON staff_audit \
     FOR EACH ROW EXECUTE FUNCTION staff_audit_append_only()",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for old in ["service_centres", "operators"] {
            m.drop_table(Table::drop().table(Alias::new(old)).if_exists().to_owned())
                .await?;
        }
        let tables = vec![
            table(
                "centres",
                vec![
                    uuid("id"),
                    text("name"),
                    text("address"),
                    json("services"),
                    json("hours"),
                    int("utc_offset_minutes"),
                    time("created_at"),
                    time("updated_at"),
                ],
                &["id"],
            ),
            table(
                "staff",
                vec![
                    uuid("id"),
                    text("personnel_number"),
                    text("full_name"),
                    uuid("centre_id"),
                    json("scopes"),
                    text("status"),
                    text_null("password_phc"),
                    col("totp_secret").binary().null().to_owned(),
                    col("totp_last_step").big_integer().null().to_owned(),
                    int("failures"),
                    time_null("locked_until"),
                    time("created_at"),
                    time("updated_at"),
                ],
                &["id"],
            ),
            table(
                "staff_codes",
                vec![
                    bytes("code_hash"),
                    text("purpose"),
                    uuid("centre_id"),
                    uuid_null("staff_id"),
                    uuid_null("created_by"),
                    time("created_at"),
                    time("expires_at"),
                    time_null("used_at"),
                ],
                &["code_hash"],
            ),
            table(
                "workstations",
                vec![
                    uuid("id"),
                    uuid("centre_id"),
                    text("name"),
                    bytes("key_hash"),
                    text("status"),
                    time("enrolled_at"),
                    time("last_seen_at"),
                ],
                &["id"],
            ),
            table(
                "staff_sessions",
                vec![
                    uuid("id"),
                    bytes("token_hash"),
                    uuid("staff_id"),
                    uuid("workstation_id"),
                    text("address"),
                    time("created_at"),
                    time("last_seen_at"),
                    time("idle_expires_at"),
                    time("absolute_expires_at"),
                    time_null("revoked_at"),
                ],
                &["id"],
            ),
            table(
                "approvals",
                vec![
                    uuid("id"),
                    text("kind"),
                    uuid("account_id"),
                    json("payload"),
                    uuid("centre_id"),
                    uuid("maker_id"),
                    time("requested_at"),
                    time("expires_at"),
                    text("status"),
                    uuid_null("checker_id"),
                    time_null("decided_at"),
                    text_null("decision_reason"),
                ],
                &["id"],
            ),
            Table::create()
                .table(Alias::new("staff_audit"))
                .if_not_exists()
                .col(
                    col("seq")
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(time("at"))
                .col(uuid_null("staff_id"))
                .col(text("personnel_number"))
                .col(uuid_null("centre_id"))
                .col(uuid_null("workstation_id"))
                .col(text("action"))
                .col(uuid_null("account_id"))
                .col(json("detail"))
                .col(text("outcome"))
                .to_owned(),
        ];
        for t in tables {
            m.create_table(t).await?;
        }
        for i in [
            index(
                "staff_personnel_number",
                "staff",
                &["personnel_number"],
                true,
            ),
            index("staff_centre", "staff", &["centre_id"], false),
            index("workstations_key", "workstations", &["key_hash"], true),
            index(
                "staff_sessions_token",
                "staff_sessions",
                &["token_hash"],
                true,
            ),
            index(
                "staff_sessions_staff",
                "staff_sessions",
                &["staff_id"],
                false,
            ),
            index(
                "approvals_centre_status",
                "approvals",
                &["centre_id", "status"],
                false,
            ),
            index("staff_audit_at", "staff_audit", &["at"], false),
            index("staff_audit_account", "staff_audit", &["account_id"], false),
        ] {
            m.create_index(i).await?;
        }
        let db = m.get_connection();
        let statements: &[&str] = match db.get_database_backend() {
            DbBackend::Postgres => &APPEND_ONLY_POSTGRES,
            _ => &APPEND_ONLY_SQLITE,
        };
        for statement in statements {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            "staff_audit",
            "approvals",
            "staff_sessions",
            "workstations",
            "staff_codes",
            "staff",
            "centres",
        ] {
            m.drop_table(Table::drop().table(Alias::new(name)).if_exists().to_owned())
                .await?;
        }
        if m.get_connection().get_database_backend() == DbBackend::Postgres {
            m.get_connection()
                .execute_unprepared("DROP FUNCTION IF EXISTS staff_audit_append_only()")
                .await?;
        }
        Ok(())
    }
}
