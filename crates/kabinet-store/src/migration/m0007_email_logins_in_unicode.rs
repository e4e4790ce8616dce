//! E-mail logins whose domain was written in punycode (`xn--…`) move to the one canonical form
//! the core now gives every address — the domain in Unicode — so a mailbox written either way
//! is one login. A row that would collide with an existing one is left as it was (two accounts
//! already hold the mailbox; a person sorts that out).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let backend = db.get_database_backend();
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT value FROM logins WHERE kind = 'email' AND value LIKE '%xn--%'",
            ))
            .await?;
        for row in rows {
            let old: String = row.try_get_by_index(0)?;
            let Ok(email) = kabinet_core::email::Email::parse(&old) else {
                continue;
            };
            let new = email.login_key();
            if new == old {
                continue;
            }
            let sql = match backend {
                sea_orm_migration::sea_orm::DbBackend::Postgres => {
                    "UPDATE logins SET value = $1 WHERE kind = 'email' AND value = $2 \
                     AND NOT EXISTS (SELECT 1 FROM logins WHERE kind = 'email' AND value = $1)"
                }
                _ => {
                    "UPDATE logins SET value = ?1 WHERE kind = 'email' AND value = ?2 \
                     AND NOT EXISTS (SELECT 1 FROM logins WHERE kind = 'email' AND value = ?1)"
                }
            };
            db.execute_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [new.into(), old.into()],
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, _: &SchemaManager) -> Result<(), DbErr> {
        // The punycode spellings are not kept; both forms were always the same mailbox.
        Ok(())
    }
}
