//! Migrations, oldest first. Each one is written once and never edited after it ships.

use sea_orm_migration::prelude::*;

mod m0001_account_events;

/// Runs Kabinet's migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(m0001_account_events::Migration)]
    }
}
