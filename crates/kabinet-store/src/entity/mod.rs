//! SeaORM entities, one module per table. Enums are stored as strings (the same on SQLite and
//! PostgreSQL); times as UTC timestamps; secrets only as hashes or sealed bytes.

pub mod account;
pub mod account_event;
pub mod activation_blank;
pub mod approval;
pub mod auth_flow;
pub mod bank_assertion;
pub mod centre;
pub mod centre_account;
pub mod change_feed;
pub mod code_send;
pub mod credential;
pub mod document_scan;
pub mod held_blank;
pub mod job;
pub mod known_device;
pub mod letter;
pub mod login;
pub mod notification;
pub mod notification_preference;
pub mod one_time_code;
pub mod profile;
pub mod session;
pub mod staff_audit;
pub mod staff_code;
pub mod staff_member;
pub mod staff_session;
pub mod sync_conflict;
pub mod sync_inbox;
pub mod sync_outbox;
pub mod sync_state;
pub mod throttle;
pub mod workstation;
