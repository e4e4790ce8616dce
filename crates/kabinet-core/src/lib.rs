//! The domain of Kabinet: identifiers parsed at the edge, validation rules, the password policy,
//! one-time codes and the account state machine.
//!
//! This crate does no IO, reads no clock (time is an argument) and draws randomness only from a
//! [`RandomSource`] the caller passes in. It knows nothing of databases, HTTP, Tauri or async
//! runtimes. Every parser returns the value in canonical form or *every* rule the input broke, as
//! [`Violation`]s: a rule code plus parameters, never a sentence, so each UI says it in its own
//! language.

pub mod account;
pub mod address;
pub mod bank;
pub mod catalogue;
pub mod centre;
pub mod codes;
pub mod date;
pub mod email;
pub mod inn;
pub mod letter;
pub mod lockout;
pub mod name;
pub mod passport;
pub mod password;
pub mod phone;
pub mod profile;
pub mod random;
pub mod recovery;
pub mod scan;
pub mod secret;
pub mod sign_in;
pub mod signature;
pub mod snils;
pub mod staff;
pub mod sync;
pub mod totp;
pub mod violation;

pub use random::RandomSource;
pub use violation::{FieldError, FieldErrors, Violation};
