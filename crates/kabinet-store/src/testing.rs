//! Fresh databases for tests — a SQLite file in its own folder, or a PostgreSQL database made
//! on the server named by `KABINET_TEST_POSTGRES_URL` and dropped afterwards — shared by the
//! test suites of every crate that runs on both backends.

use sea_orm::{ConnectionTrait, Database};
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
        let db = Self::postgres().await?;
        let (admin_url, name) = db.drop_pg.clone()?;
        db.store.close().await.ok();
        let admin = Database::connect(&admin_url)
            .await
            .expect("connect to PostgreSQL");
        admin
            .execute_unprepared(&format!(
                "ALTER DATABASE {name} SET default_transaction_isolation = 'serializable'"
            ))
            .await
            .expect("make the test database serializable");
        admin.close().await.ok();
        let store = Store::connect(&db.url).await.expect("open PostgreSQL");
        Some(Self { store, ..db })
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
