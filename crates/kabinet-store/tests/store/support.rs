//! Fresh databases for tests, and the macro that runs one test body on both backends.

use kabinet_store::Store;
use sea_orm::{ConnectionTrait, Database};
use uuid::Uuid;

/// A database made for one test and dropped after it.
pub struct TestDb {
    pub store: Store,
    drop_pg: Option<(String, String)>,
    _dir: Option<TempDir>,
}

impl TestDb {
    /// A fresh SQLite file in its own temporary folder (WAL needs a file, not memory).
    pub async fn sqlite() -> Self {
        let dir = TempDir::new();
        let url = format!("sqlite://{}/kabinet.db?mode=rwc", dir.path.display());
        let store = Store::connect(&url).await.expect("open SQLite");
        Self {
            store,
            drop_pg: None,
            _dir: Some(dir),
        }
    }

    /// A fresh PostgreSQL database, or `None` when no server is configured outside CI.
    pub async fn postgres() -> Option<Self> {
        let admin_url = match std::env::var("KABINET_TEST_POSTGRES_URL") {
            Ok(url) if !url.is_empty() => url,
            _ if in_ci() => panic!("CI=true but KABINET_TEST_POSTGRES_URL is not set"),
            _ => {
                eprintln!("skipped: KABINET_TEST_POSTGRES_URL is not set");
                return None;
            }
        };
        let name = format!("kabinet_test_{}", Uuid::new_v4().simple());
        let admin = Database::connect(&admin_url)
            .await
            .expect("connect to PostgreSQL");
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create a test database");
        admin.close().await.ok();
        let url = with_database(&admin_url, &name);
        let store = Store::connect(&url).await.expect("open PostgreSQL");
        Some(Self {
            store,
            drop_pg: Some((admin_url, name)),
            _dir: None,
        })
    }

    /// Closes the store and drops a PostgreSQL test database.
    pub async fn finish(self) {
        self.store.close().await.ok();
        if let Some((admin_url, name)) = self.drop_pg
            && let Ok(admin) = Database::connect(&admin_url).await
        {
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await
                .ok();
            admin.close().await.ok();
        }
    }
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Replaces the database name (the URL's path) of a PostgreSQL URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let authority_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_end..]
        .find('/')
        .map_or(base.len(), |i| authority_end + i);
    let mut out = format!("{}/{name}", &base[..path_start]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// A temporary folder removed on drop.
pub struct TempDir {
    pub path: std::path::PathBuf,
}

impl TempDir {
    pub fn new() -> Self {
        let path = std::env::temp_dir().join(format!("kabinet-store-{}", Uuid::new_v4().simple()));
        std::fs::create_dir_all(&path).expect("create a temporary folder");
        Self { path }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.path).ok();
    }
}

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
