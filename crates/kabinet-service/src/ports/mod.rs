//! The world outside the service, each behind a trait with a real adapter and a simulator:
//! the clock, randomness, the SMS gateway and mail. Simulators put every message in the
//! [`inbox::DevInbox`], which the UI's dev panel and the tests read.

pub mod bank;
pub mod clock;
pub mod entropy;
pub mod inbox;
pub mod mail;
pub mod ocsp;
pub mod post;
pub mod registry;
pub mod retry;
pub mod sms;

use thiserror::Error;

/// Why a message was not handed over.
#[derive(Debug, Error)]
pub enum DeliveryError {
    /// The other side refused the message; retrying will not help.
    #[error("refused: {0}")]
    Refused(String),
    /// The other side did not answer or failed; a later retry may work.
    #[error("unavailable: {0}")]
    Unavailable(String),
}
