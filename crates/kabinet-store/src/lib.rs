//! Kabinet's persistence: SeaORM entities and migrations that give the same schema on SQLite and
//! PostgreSQL, and the repositories the service uses.
//!
//! The account event log is append-only: nothing here updates or deletes an event. Every
//! connection is configured for durability before it is handed out (see [`connect`]).

pub mod connect;
pub mod entity;
pub mod event_log;
pub mod jobs;
pub mod migration;
pub mod seal;
pub mod testing;
pub mod write;

pub use connect::{Backend, Store, StoreError, default_sqlite_url, sqlite_url_in};
pub use write::{AccountWrite, WriteError};
