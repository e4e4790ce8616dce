//! Fresh databases for tests, and the macro that runs one test body on both backends.

use kabinet_store::testing::with_database;
pub use kabinet_store::testing::{TempDir, TestDb};

/// `db_test!(name, |store| async move { … })` makes `name::sqlite` and `name::postgres`.
macro_rules! db_test {
    ($name:ident, |$store:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($store: &kabinet_store::Store) {
                $body
            }

            #[tokio::test]
            async fn sqlite() {
                let db = $crate::support::TestDb::sqlite().await;
                body(&db.store).await;
                db.finish().await;
            }

            #[tokio::test]
            async fn postgres() {
                let Some(db) = $crate::support::TestDb::postgres().await else {
                    return;
                };
                body(&db.store).await;
                db.finish().await;
            }
        }
    };
}
pub(crate) use db_test;

#[test]
fn database_names_are_replaced_in_urls() {
    assert_eq!(
        with_database("postgres://u@h:5432/test", "x"),
        "postgres://u@h:5432/x"
    );
    assert_eq!(
        with_database("postgres://u@h:5432", "x"),
        "postgres://u@h:5432/x"
    );
    assert_eq!(
        with_database("postgres://u:p@h/db?sslmode=disable", "x"),
        "postgres://u:p@h/x?sslmode=disable"
    );
}
