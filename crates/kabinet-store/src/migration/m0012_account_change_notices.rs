//! On PostgreSQL, every change of what a session check reads — an account's row, its logins,
//! its sessions — is announced on the channel `kabinet_account_changed` with the account's id,
//! delivered when the writing transaction commits (never for one that rolls back). Each server
//! process listens and drops what its session cache holds of that account (`crate::watch`),
//! so a sign-out or a block on one replica holds on every other at once. SQLite has one
//! process per file and needs none.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: [&str; 4] = [
    "CREATE FUNCTION kabinet_account_changed() RETURNS trigger AS $$
     BEGIN
       IF TG_TABLE_NAME = 'accounts' THEN
         PERFORM pg_notify('kabinet_account_changed', COALESCE(NEW.id, OLD.id)::text);
       ELSE
         PERFORM pg_notify('kabinet_account_changed',
                           COALESCE(NEW.account_id, OLD.account_id)::text);
       END IF;
       RETURN NULL;
     END
     $$ LANGUAGE plpgsql",
    "CREATE TRIGGER accounts_changed AFTER UPDATE OR DELETE ON accounts
     FOR EACH ROW EXECUTE FUNCTION kabinet_account_changed()",
    "CREATE TRIGGER logins_changed AFTER INSERT OR UPDATE OR DELETE ON logins
     FOR EACH ROW EXECUTE FUNCTION kabinet_account_changed()",
    "CREATE TRIGGER sessions_changed AFTER UPDATE OR DELETE ON sessions
     FOR EACH ROW EXECUTE FUNCTION kabinet_account_changed()",
];

const DOWN: [&str; 4] = [
    "DROP TRIGGER IF EXISTS sessions_changed ON sessions",
    "DROP TRIGGER IF EXISTS logins_changed ON logins",
    "DROP TRIGGER IF EXISTS accounts_changed ON accounts",
    "DROP FUNCTION IF EXISTS kabinet_account_changed()",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        run(m, &UP).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        run(m, &DOWN).await
    }
}

async fn run(m: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    let db = m.get_connection();
    if db.get_database_backend() == DbBackend::Postgres {
        for statement in statements {
            db.execute_unprepared(statement).await?;
        }
    }
    Ok(())
}
