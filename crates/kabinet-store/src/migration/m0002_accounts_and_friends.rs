//! Accounts and everything around them: logins, credentials, codes, sessions, profiles, scans,
//! security events, notifications, service centres, operators and the job queue.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

pub(super) fn col(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
}
pub(super) fn uuid(name: &str) -> ColumnDef {
    col(name).uuid().not_null().to_owned()
}
pub(super) fn text(name: &str) -> ColumnDef {
    col(name).string().not_null().to_owned()
}
pub(super) fn text_null(name: &str) -> ColumnDef {
    col(name).string().null().to_owned()
}
pub(super) fn long_text(name: &str) -> ColumnDef {
    col(name).text().not_null().to_owned()
}
pub(super) fn flag(name: &str) -> ColumnDef {
    col(name).boolean().not_null().to_owned()
}
pub(super) fn time(name: &str) -> ColumnDef {
    col(name).timestamp_with_time_zone().not_null().to_owned()
}
pub(super) fn time_null(name: &str) -> ColumnDef {
    col(name).timestamp_with_time_zone().null().to_owned()
}
pub(super) fn int(name: &str) -> ColumnDef {
    col(name).integer().not_null().to_owned()
}
pub(super) fn big(name: &str) -> ColumnDef {
    col(name).big_integer().not_null().to_owned()
}
pub(super) fn bytes(name: &str) -> ColumnDef {
    col(name).binary().not_null().to_owned()
}
pub(super) fn json(name: &str) -> ColumnDef {
    col(name).json_binary().not_null().to_owned()
}
pub(super) fn json_null(name: &str) -> ColumnDef {
    col(name).json_binary().null().to_owned()
}

pub(super) fn table(
    name: &str,
    columns: Vec<ColumnDef>,
    primary_key: &[&str],
) -> TableCreateStatement {
    let mut t = Table::create();
    t.table(Alias::new(name)).if_not_exists();
    for mut c in columns {
        t.col(&mut c);
    }
    let mut pk = Index::create();
    for key in primary_key {
        pk.col(Alias::new(*key));
    }
    t.primary_key(&mut pk);
    t.to_owned()
}

pub(super) fn index(
    name: &str,
    table: &str,
    columns: &[&str],
    unique: bool,
) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(Alias::new(table)).if_not_exists();
    for c in columns {
        i.col(Alias::new(*c));
    }
    if unique {
        i.unique();
    }
    i.to_owned()
}

const TABLES: &[&str] = &[
    "accounts",
    "logins",
    "credentials",
    "one_time_codes",
    "sessions",
    "profiles",
    "document_scans",
    "security_events",
    "notifications",
    "notification_preferences",
    "service_centres",
    "operators",
    "jobs",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// All or nothing, on SQLite too: a crash mid-migration must not leave half a schema.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            table(
                "accounts",
                vec![
                    uuid("id"),
                    text("status"),
                    text("level"),
                    text("surname"),
                    text("first_name"),
                    text("contact_kind"),
                    text("consent_version"),
                    time("consent_at"),
                    flag("contact_confirmed"),
                    flag("password_set"),
                    flag("temporary_password"),
                    flag("profile_submitted"),
                    text("snils_check"),
                    text("passport_check"),
                    text_null("confirmation"),
                    flag("mailed_code_restriction"),
                    time_null("locked_until"),
                    text_null("block_reason"),
                    big("last_seq"),
                    text("origin"),
                    time("created_at"),
                    time("updated_at"),
                ],
                &["id"],
            ),
            table(
                "logins",
                vec![
                    text("kind"),
                    text("value"),
                    uuid("account_id"),
                    time("created_at"),
                ],
                &["kind", "value"],
            ),
            table(
                "credentials",
                vec![
                    uuid("account_id"),
                    text_null("password_phc"),
                    time_null("password_changed_at"),
                    col("totp_sealed").binary().null().to_owned(),
                    col("totp_last_step").big_integer().null().to_owned(),
                    text_null("secret_question"),
                    text_null("secret_answer_phc"),
                    time("updated_at"),
                ],
                &["account_id"],
            ),
            table(
                "one_time_codes",
                vec![
                    uuid("id"),
                    uuid("account_id"),
                    text("purpose"),
                    text("channel"),
                    bytes("code_hash"),
                    int("failed_attempts"),
                    time("expires_at"),
                    time_null("consumed_at"),
                    time("created_at"),
                ],
                &["id"],
            ),
            table(
                "sessions",
                vec![
                    uuid("id"),
                    uuid("account_id"),
                    bytes("token_hash"),
                    text("device"),
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
                "profiles",
                vec![
                    uuid("account_id"),
                    json_null("submitted"),
                    time_null("submitted_at"),
                    json_null("draft"),
                    time_null("draft_saved_at"),
                ],
                &["account_id"],
            ),
            table(
                "document_scans",
                vec![
                    uuid("id"),
                    uuid("account_id"),
                    text("document"),
                    text("content_type"),
                    big("size_bytes"),
                    bytes("sha256"),
                    col("bytes").blob().not_null().to_owned(),
                    time("uploaded_at"),
                ],
                &["id"],
            ),
            table(
                "security_events",
                vec![
                    uuid("id"),
                    col("account_id").uuid().null().to_owned(),
                    text("kind"),
                    text("address"),
                    text("device"),
                    json("details"),
                    time("at"),
                ],
                &["id"],
            ),
            table(
                "notifications",
                vec![
                    uuid("id"),
                    col("account_id").uuid().null().to_owned(),
                    text("category"),
                    text("channel"),
                    text("recipient"),
                    text("subject"),
                    long_text("body"),
                    text("status"),
                    time("created_at"),
                    time_null("sent_at"),
                ],
                &["id"],
            ),
            table(
                "notification_preferences",
                vec![
                    uuid("account_id"),
                    text("category"),
                    text("channel"),
                    flag("enabled"),
                ],
                &["account_id", "category", "channel"],
            ),
            table(
                "service_centres",
                vec![
                    text("id"),
                    text("name"),
                    text("kind"),
                    text("address"),
                    json("hours"),
                    flag("active"),
                ],
                &["id"],
            ),
            table(
                "operators",
                vec![
                    uuid("id"),
                    text("login"),
                    text("full_name"),
                    text("centre_id"),
                    text("role"),
                    text("password_phc"),
                    flag("active"),
                    time("created_at"),
                ],
                &["id"],
            ),
            table(
                "jobs",
                vec![
                    uuid("id"),
                    text("kind"),
                    json("payload"),
                    text_null("idempotency_key"),
                    text("status"),
                    time("run_at"),
                    int("attempts"),
                    int("max_attempts"),
                    text_null("leased_by"),
                    time_null("leased_until"),
                    col("last_error").text().null().to_owned(),
                    time("created_at"),
                    time("updated_at"),
                ],
                &["id"],
            ),
        ];
        for t in tables {
            m.create_table(t).await?;
        }
        for i in [
            index("logins_account", "logins", &["account_id"], false),
            index(
                "one_time_codes_account_purpose",
                "one_time_codes",
                &["account_id", "purpose"],
                false,
            ),
            index("sessions_token_hash", "sessions", &["token_hash"], true),
            index("sessions_account", "sessions", &["account_id"], false),
            index(
                "document_scans_account",
                "document_scans",
                &["account_id"],
                false,
            ),
            index(
                "security_events_account_at",
                "security_events",
                &["account_id", "at"],
                false,
            ),
            index(
                "security_events_address_at",
                "security_events",
                &["address", "at"],
                false,
            ),
            index(
                "notifications_account_created",
                "notifications",
                &["account_id", "created_at"],
                false,
            ),
            index("operators_login", "operators", &["login"], true),
            index("jobs_idempotency_key", "jobs", &["idempotency_key"], true),
            index("jobs_status_run_at", "jobs", &["status", "run_at"], false),
        ] {
            m.create_index(i).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in TABLES.iter().rev() {
            m.drop_table(
                Table::drop()
                    .table(Alias::new(*name))
                    .if_exists()
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
