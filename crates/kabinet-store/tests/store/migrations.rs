//! Migrations from empty, and a re-run that changes nothing.

use crate::support::db_test;
use kabinet_store::migration::Migrator;
use sea_orm_migration::MigratorTrait;

db_test!(
    migrations_apply_from_empty_and_rerun_changes_nothing,
    |store| {
        let conn = store.connection();
        let applied = Migrator::get_applied_migrations(conn).await.unwrap();
        assert_eq!(applied.len(), Migrator::migrations().len());
        assert!(
            Migrator::get_pending_migrations(conn)
                .await
                .unwrap()
                .is_empty()
        );
        Migrator::up(conn, None).await.unwrap();
        assert_eq!(
            Migrator::get_applied_migrations(conn).await.unwrap().len(),
            applied.len()
        );
    }
);
