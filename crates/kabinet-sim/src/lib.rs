//! Kabinet's external parties as HTTP servers. Each keeps what it received in memory, answers
//! by the contract in `docs/contracts/`, and can be told to fail, so the real network adapters
//! are tested against it over loopback and a demo can run without the real parties.
//!
//! Only this crate and `kabinet-server` depend on axum.

pub mod authority;
pub mod bank;
pub mod ocsp;
pub mod post;
pub mod registry;
pub mod sms;
