//! Migrations, oldest first. Each one is written once and never edited after it ships.

use sea_orm_migration::prelude::*;

mod m0001_account_events;
mod m0002_accounts_and_friends;
mod m0003_flows_and_throttles;
mod m0004_check_details;
mod m0005_bank_assertions_and_letters;
mod m0006_change_feed_and_full_projection;
mod m0007_email_logins_in_unicode;
mod m0008_staff_workstations_centres;
mod m0009_workstation_sync;
mod m0010_activation_blanks;
mod m0011_throttle_key_prefix;
mod m0012_account_change_notices;

/// Runs Kabinet's migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_account_events::Migration),
            Box::new(m0002_accounts_and_friends::Migration),
            Box::new(m0003_flows_and_throttles::Migration),
            Box::new(m0004_check_details::Migration),
            Box::new(m0005_bank_assertions_and_letters::Migration),
            Box::new(m0006_change_feed_and_full_projection::Migration),
            Box::new(m0007_email_logins_in_unicode::Migration),
            Box::new(m0008_staff_workstations_centres::Migration),
            Box::new(m0009_workstation_sync::Migration),
            Box::new(m0010_activation_blanks::Migration),
            Box::new(m0011_throttle_key_prefix::Migration),
            Box::new(m0012_account_change_notices::Migration),
        ]
    }
}
