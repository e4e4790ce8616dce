//! Opening a database: URL schemes and SQLite's durability settings.

use crate::support::TempDir;
use kabinet_store::{Backend, Store, StoreError};
use sea_orm::{ConnectionTrait, DbBackend, Statement};

async fn pragma(store: &Store, name: &str) -> String {
    let row = store
        .connection()
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            format!("PRAGMA {name}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0)
        .map(|n| n.to_string())
        .or_else(|_| row.try_get_by_index::<String>(0))
        .unwrap()
}

#[tokio::test]
async fn sqlite_files_are_opened_durable() {
    let dir = TempDir::new();
    let url = format!("sqlite://{}/durable.db?mode=rwc", dir.path.display());
    let store = Store::connect(&url).await.unwrap();
    assert_eq!(store.backend(), Backend::Sqlite);
    assert_eq!(pragma(&store, "journal_mode").await, "wal");
    assert_eq!(pragma(&store, "synchronous").await, "2", "synchronous=FULL");
    assert_eq!(pragma(&store, "foreign_keys").await, "1");
    assert_eq!(pragma(&store, "busy_timeout").await, "5000");
    store.close().await.unwrap();
}

#[tokio::test]
async fn unknown_url_schemes_are_refused() {
    let refused = Store::connect("mysql://root@127.0.0.1/test").await;
    assert!(
        matches!(refused, Err(StoreError::UnsupportedUrl)),
        "{refused:?}"
    );
}
