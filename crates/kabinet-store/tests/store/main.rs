//! The store suite: every test runs on SQLite, and on PostgreSQL when
//! `KABINET_TEST_POSTGRES_URL` is set (with `CI=true` it must be), each in a fresh database.

mod fixtures;
mod support;

mod connect;
mod crash;
mod event_log;
mod jobs;
mod migrations;
mod seal;
mod staff;
mod sync;
mod write;
