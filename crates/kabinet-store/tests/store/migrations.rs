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

db_test!(punycode_email_logins_move_to_the_unicode_form, |store| {
    use crate::fixtures::register;
    use kabinet_store::accounts::find_login;
    let id = uuid::Uuid::now_v7();
    let mut write = register(id, "+79123456786");
    write
        .claim_logins
        .push(("email".into(), "anna@xn--e1afmkfd.xn--p1ai".into()));
    store.write_account(write).await.unwrap();
    // Run m0007 (and every one after it) again over the row an older version wrote.
    let from_m0007 = (Migrator::migrations().len() - 6) as u32;
    Migrator::down(store.connection(), Some(from_m0007))
        .await
        .unwrap();
    Migrator::up(store.connection(), None).await.unwrap();
    assert_eq!(
        find_login(store, "email", "anna@пример.рф").await.unwrap(),
        Some(id)
    );
    assert_eq!(
        find_login(store, "email", "anna@xn--e1afmkfd.xn--p1ai")
            .await
            .unwrap(),
        None
    );
});
