//! An index that serves "every counter of this account" (`key LIKE 'account:<id>%'`, cleared at
//! each recovery and restore) on PostgreSQL: the primary key's b-tree follows the database's
//! collation, which a `LIKE` prefix cannot use unless the collation is `C`; `text_pattern_ops`
//! compares bytes, so the prefix is a range of it. Found by the test that runs the hot paths
//! with sequential scans priced out. SQLite gets none: its `LIKE` ignores case and so uses no
//! index at all, and SQLite holds a desktop's or a workstation's few counters, not a portal's.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if db.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared(
                "CREATE INDEX throttles_key_prefix ON throttles (key text_pattern_ops)",
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if db.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared("DROP INDEX IF EXISTS throttles_key_prefix")
                .await?;
        }
        Ok(())
    }
}
