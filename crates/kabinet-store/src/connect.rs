//! Opening a database: the URL picks the backend; SQLite gets WAL, `synchronous=FULL`, foreign
//! keys and a busy timeout on every connection; migrations run before the store is returned.

use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbBackend, DbErr};
use sea_orm_migration::MigratorTrait;

use crate::db::StoreError;
use crate::migration::Migrator;

/// How long a writer waits for SQLite's write lock before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Connections to one SQLite file: WAL lets readers work beside the one writer.
const SQLITE_POOL_SIZE: u32 = 4;

/// The two databases Kabinet runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The embedded file of the desktop and the workstation replica.
    Sqlite,
    /// The central database of the server and the service centres.
    Postgres,
}

/// An open, migrated database.
#[derive(Debug, Clone)]
pub struct Store {
    db: DatabaseConnection,
    backend: Backend,
    pub(crate) round_trips: std::sync::Arc<std::sync::atomic::AtomicU64>,
    pub(crate) watchers: crate::watch::Watchers,
}

impl Store {
    /// Connects to `url` (`sqlite:///path/file.db?mode=rwc`, `sqlite::memory:`,
    /// `postgres://…`) and runs every pending migration.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let backend = backend_of(url)?;
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .sqlx_logging(false)
            .connect_timeout(Duration::from_secs(10));
        if backend == Backend::Sqlite {
            options.map_sqlx_sqlite_opts(|o| {
                o.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT)
            });
            // An in-memory database lives in one connection; a pool of several would see
            // several empty databases. A file in WAL mode serves readers beside the writer.
            if url.contains(":memory:") {
                options.max_connections(1).min_connections(1);
            } else {
                options.max_connections(SQLITE_POOL_SIZE);
            }
        }
        if backend == Backend::Sqlite
            && let Some(parent) = sqlite_file(url).and_then(|p| p.parent().map(ToOwned::to_owned))
        {
            // The app-data folder may not exist on a fresh install.
            std::fs::create_dir_all(&parent)
                .map_err(|e| DbErr::Custom(format!("{}: {e}", parent.display())))?;
        }
        let mut db = Database::connect(options).await?;
        Migrator::up(&db, None).await?;
        // Every statement sent, counted from here on (with each BEGIN and COMMIT, in `db.rs`):
        // the benchmarks report the round trips of a sign-in and of a session check.
        let round_trips = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let counted = round_trips.clone();
        db.set_metric_callback(move |_| {
            counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        });
        Ok(Self {
            db,
            backend,
            round_trips,
            watchers: crate::watch::Watchers::default(),
        })
    }

    /// Has `watcher` told about every change of an account's sign-in state — its row, logins
    /// or sessions — made through this store and, on PostgreSQL, by any process (see
    /// [`crate::watch`]; the listener starts with the first watcher, on the current Tokio
    /// runtime). Returns the flag that says whether every change is being heard now.
    pub fn watch_accounts(
        &self,
        watcher: impl Fn(Option<uuid::Uuid>) + Send + Sync + 'static,
    ) -> crate::watch::Watchers {
        self.watchers.add(std::sync::Arc::new(watcher));
        match self.backend {
            Backend::Sqlite => self.watchers.in_process_only(),
            Backend::Postgres => self
                .watchers
                .listen(self.db.get_postgres_connection_pool().clone()),
        }
        self.watchers.clone()
    }

    /// Round trips to the database since it was opened: statements, BEGINs and COMMITs.
    pub fn round_trips(&self) -> u64 {
        self.round_trips.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The SeaORM connection, for this crate's operations and its own tests and benchmarks
    /// (no other crate depends on `sea_orm`, so none can use it).
    #[doc(hidden)]
    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> bool {
        self.db.ping().await.is_ok()
    }

    /// Closes every pooled connection (the change listener's too).
    pub async fn close(self) -> Result<(), StoreError> {
        self.watchers.stop();
        Ok(self.db.close().await?)
    }
}

/// The embedded database's default file: `kabinet.db` in the OS app-data folder of the app
/// `identifier` (the same folder Tauri's `app_data_dir` gives: `~/.local/share/<identifier>` on
/// Linux, `~/Library/Application Support/<identifier>` on macOS, `%APPDATA%\\<identifier>` on
/// Windows). Returns the `sqlite:` URL, or `None` when the OS has no such folder.
pub fn default_sqlite_url(identifier: &str) -> Option<String> {
    Some(sqlite_url_in(&dirs::data_dir()?, identifier))
}

/// The `sqlite:` URL of `kabinet.db` in `<data_dir>/<identifier>/`.
pub fn sqlite_url_in(data_dir: &std::path::Path, identifier: &str) -> String {
    format!(
        "sqlite://{}?mode=rwc",
        data_dir.join(identifier).join("kabinet.db").display()
    )
}

fn backend_of(url: &str) -> Result<Backend, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else {
        Err(StoreError::UnsupportedUrl)
    }
}

/// The file of a `sqlite://path?…` URL (none for in-memory databases).
fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && !path.starts_with(':')).then(|| std::path::PathBuf::from(path))
}

impl From<Backend> for DbBackend {
    fn from(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => DbBackend::Sqlite,
            Backend::Postgres => DbBackend::Postgres,
        }
    }
}
