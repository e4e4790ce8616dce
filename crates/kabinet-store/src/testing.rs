//! Fresh databases for tests — a SQLite file in its own folder, or a PostgreSQL database made
//! on the server named by `KABINET_TEST_POSTGRES_URL` and dropped afterwards — shared by the
//! test suites of every crate that runs on both backends.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, Database, Statement};
use uuid::Uuid;

use crate::Store;

/// A database made for one test and dropped after it.
pub struct TestDb {
    /// The open, migrated store.
    pub store: Store,
    /// Its URL, for processes that open it themselves.
    pub url: String,
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
            url,
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
            url,
            drop_pg: Some((admin_url, name)),
            _dir: None,
        })
    }

    /// A fresh PostgreSQL database whose transactions are all `serializable` (as on the
    /// distributed SQL databases), or `None` when no server is configured outside CI.
    pub async fn postgres_serializable() -> Option<Self> {
        Self::postgres_with(&[("default_transaction_isolation", "serializable")]).await
    }

    /// A fresh PostgreSQL database whose sessions all start with these settings (`ALTER
    /// DATABASE … SET`, after the migrations ran), its statistics counted from then on (see
    /// [`TestDb::table_scans`]), or `None` when no server is configured outside CI.
    pub async fn postgres_with(settings: &[(&str, &str)]) -> Option<Self> {
        let db = Self::postgres().await?;
        let (admin_url, name) = db.drop_pg.clone()?;
        db.store.close().await.ok();
        let admin = one_connection(&with_database(&admin_url, &name)).await;
        for (setting, value) in settings {
            admin
                .execute_unprepared(&format!("ALTER DATABASE {name} SET {setting} = '{value}'"))
                .await
                .expect("set a setting of the test database");
        }
        // The migrations' scans are not the application's.
        wait_for_no_backends(&admin).await;
        admin
            .execute_unprepared("SELECT pg_stat_reset()")
            .await
            .expect("reset the statistics");
        admin.close().await.ok();
        let store = Store::connect(&db.url).await.expect("open PostgreSQL");
        Some(Self { store, ..db })
    }

    /// PostgreSQL's count of the scans of every table of this database, once every backend
    /// has reported (`None` on SQLite). The store is closed first: a backend reports its
    /// counters when it exits (or after about a second idle), so closing and waiting for the
    /// backends to go makes the figures complete. The store cannot be used afterwards.
    pub async fn table_scans(&self) -> Option<HashMap<String, TableScans>> {
        let (admin_url, name) = self.drop_pg.as_ref()?;
        self.store.clone().close().await.ok();
        let admin = one_connection(&with_database(admin_url, name)).await;
        wait_for_no_backends(&admin).await;
        let mut last = table_scans(&admin).await;
        // Read until two readings a second apart agree (a backend that was slow to exit).
        for _ in 0..10 {
            tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
            let now = table_scans(&admin).await;
            if now == last {
                break;
            }
            last = now;
        }
        admin.close().await.ok();
        Some(last)
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

/// How often PostgreSQL scanned one table (`pg_stat_user_tables`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableScans {
    /// Sequential scans.
    pub sequential: i64,
    /// Index scans.
    pub by_index: i64,
}

async fn table_scans(admin: &sea_orm::DatabaseConnection) -> HashMap<String, TableScans> {
    let rows = admin
        .query_all_raw(Statement::from_string(
            admin.get_database_backend(),
            "SELECT relname, seq_scan, COALESCE(idx_scan, 0) AS idx_scan FROM pg_stat_user_tables",
        ))
        .await
        .expect("read the table statistics");
    rows.iter()
        .map(|row| {
            let name: String = row.try_get("", "relname").expect("relname");
            let scans = TableScans {
                sequential: row.try_get("", "seq_scan").expect("seq_scan"),
                by_index: row.try_get("", "idx_scan").expect("idx_scan"),
            };
            (name, scans)
        })
        .collect()
}

/// A connection of its own (a pool of one), so that "every other backend" means the store's.
async fn one_connection(url: &str) -> sea_orm::DatabaseConnection {
    let mut options = sea_orm::ConnectOptions::new(url);
    options
        .max_connections(1)
        .min_connections(1)
        .sqlx_logging(false);
    Database::connect(options)
        .await
        .expect("connect to the test database")
}

/// Waits until no other backend is connected to this database (a closed pool's backends have
/// exited).
async fn wait_for_no_backends(admin: &sea_orm::DatabaseConnection) {
    for _ in 0..100 {
        let count = admin
            .query_one_raw(Statement::from_string(
                admin.get_database_backend(),
                "SELECT count(*) AS n FROM pg_stat_activity \
                 WHERE datname = current_database() AND pid <> pg_backend_pid()",
            ))
            .await
            .expect("read the backends")
            .and_then(|row| row.try_get::<i64>("", "n").ok());
        if count == Some(0) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let left = admin
        .query_all_raw(Statement::from_string(
            admin.get_database_backend(),
            "SELECT state, query FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        ))
        .await
        .map(|rows| {
            rows.iter()
                .map(|r| {
                    let state: Option<String> = r.try_get("", "state").ok();
                    let query: Option<String> = r.try_get("", "query").ok();
                    format!("{state:?}: {query:?}")
                })
                .collect::<Vec<_>>()
        });
    panic!("the store's connections did not close: {left:?}");
}

/// Whether this run is CI (`CI=true`), where skipping PostgreSQL is an error.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Replaces the database name (the URL's path) of a PostgreSQL URL.
pub fn with_database(url: &str, name: &str) -> String {
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
    /// Where it is.
    pub path: std::path::PathBuf,
}

impl TempDir {
    /// A new, empty folder.
    #[allow(clippy::new_without_default)]
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

/// A new account as its first event leaves it (pending, simplified, registered by phone), for
/// the tests and benchmarks of the store.
pub fn new_account(id: Uuid, at: chrono::DateTime<chrono::Utc>) -> crate::StoredAccount {
    use kabinet_core::account::{Account, ContactKind};
    crate::StoredAccount {
        id,
        surname: "Иванова".into(),
        first_name: "Анна".into(),
        consent_at: at,
        origin: "test".into(),
        created_at: at,
        updated_at: at,
        state: Account {
            version: 1,
            ..Account::new(ContactKind::Phone, "2026-01".into())
        },
    }
}
