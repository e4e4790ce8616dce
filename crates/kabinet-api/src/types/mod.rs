//! Requests and responses. Times are RFC 3339 strings in UTC; ids are UUID strings; secrets
//! (passwords, codes, tokens) travel only inside requests and the responses that hand them out.
//!
//! One module per area; everything is re-exported here, so a type's path is
//! `kabinet_api::types::Name` (and `kabinet_api::Name`) whichever file holds it.

mod common;
mod confirmation;
mod notifications;
mod profile;
mod registration;
mod security;
mod sign_in;
mod staff;
mod sync;

pub use common::*;
pub use confirmation::*;
pub use notifications::*;
pub use profile::*;
pub use registration::*;
pub use security::*;
pub use sign_in::*;
pub use staff::*;
pub use sync::*;

/// What every module of types uses.
mod prelude {
    pub use super::*;
    pub use chrono::{DateTime, Utc};
    pub use schemars::JsonSchema;
    pub use serde::{Deserialize, Serialize};
    pub use ts_rs::TS;
    pub use uuid::Uuid;
}
