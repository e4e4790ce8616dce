//! The domain of Kabinet: identifiers parsed at the edge, validation rules, the password policy,
//! one-time codes and the account state machine.
//!
//! This crate does no IO, reads no clock (time is an argument) and draws randomness only from a
//! source the caller passes in. It knows nothing of databases, HTTP, Tauri or async runtimes.
