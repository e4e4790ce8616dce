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

#[tokio::test]
async fn the_default_file_lives_in_the_app_data_folder_which_is_created() {
    let os_default = kabinet_store::default_sqlite_url("ru.kabinet.desktop").unwrap();
    let data_dir = dirs_data_dir();
    assert_eq!(
        os_default,
        kabinet_store::sqlite_url_in(&data_dir, "ru.kabinet.desktop")
    );
    let dir = TempDir::new();
    let url = kabinet_store::sqlite_url_in(&dir.path, "ru.kabinet.test");
    let expected = dir.path.join("ru.kabinet.test").join("kabinet.db");
    assert_eq!(url, format!("sqlite://{}?mode=rwc", expected.display()));
    Store::connect(&url).await.unwrap().close().await.unwrap();
    assert!(expected.is_file(), "the folder is created on first start");
}

/// The OS data folder as the XDG rules give it on Linux.
fn dirs_data_dir() -> std::path::PathBuf {
    match std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        Some(dir) => dir.into(),
        None => std::path::PathBuf::from(std::env::var_os("HOME").unwrap()).join(".local/share"),
    }
}
