//! The account state machine: levels Simplified → Standard → Confirmed, the lifecycle statuses,
//! the registry checks and the identity confirmation.
//!
//! [`decide`] turns a command into events or refuses it with a [`DomainError`]; [`apply`] folds
//! one event into the state. Nothing else changes an account, so the event log alone rebuilds
//! it, and every change — a level above all — has an event that says who, when and why.

mod error;
mod event;
mod machine;
mod state;

pub use error::DomainError;
pub use event::{Actor, Event, LevelReason, Recorded, SecurityAction};
pub use machine::{Command, apply, decide, replay};
pub use state::{
    Account, Check, CheckOutcome, CheckStatus, ConfirmationMethod, Consent, ContactKind, Level,
    Status,
};
