//! Kabinet's persistence: typed operations over SQLite and PostgreSQL that take and return
//! plain records and domain types. SeaORM (its entities, connections and queries) is private
//! to this crate: callers hold a [`Store`] or a [`Tx`] and pass either to the operations.
//!
//! - [`accounts`] — the one write path of an account change: events, projection, logins and
//!   the change feed in one transaction; nothing else writes those tables.
//! - [`event_log`] — reading the append-only log and the change feed; [`events`] — the core's
//!   events as stored and read back, and the replay of an account from its log.
//! - [`credentials`], [`sessions`], [`flows`], [`throttles`], [`notifications`],
//!   [`documents`], [`jobs`] — the rows around an account.
//! - [`staff`] — service-centre staff, workstations, their sessions and codes, four-eyes
//!   requests and the append-only staff audit log.
//! - [`sync`] — workstation sync: a replica's outbox and cursor, the centre's inbox, conflicts
//!   and scopes; [`accounts::mirror`] replaces a replica's copy of an account; [`blanks`] —
//!   activation codes made in advance for a workstation to hand out offline.
//!
//! Every connection is configured for durability before it is handed out (see [`connect`]).

pub mod accounts;
pub mod blanks;
pub mod connect;
pub mod credentials;
pub mod db;
pub mod documents;
mod entity;
pub mod event_log;
pub mod events;
pub mod flows;
pub mod jobs;
pub mod migration;
pub mod notifications;
pub mod seal;
pub mod sessions;
pub mod staff;
pub mod sync;
pub mod testing;
pub mod throttles;
pub mod watch;

pub use accounts::{AccountWrite, StoredAccount};
pub use connect::{Backend, Store, default_sqlite_url, sqlite_url_in};
pub use db::{Conn, StoreError, StoreResult, Tx};
