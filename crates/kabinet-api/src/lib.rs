//! Kabinet's API boundary: the serde types every transport carries, the `{code, message,
//! fields}` error, and the one list of operations ([`with_operations!`]) from which the service
//! trait ([`Api`]), the Tauri commands, the HTTP routes, the remote client and the TypeScript
//! bindings are made, so none of them can drift from another.
//!
//! This crate does no IO and holds no rule of the domain: it only names shapes.

pub mod error;
pub mod http;
pub mod openapi;
pub mod operations;
pub mod types;
pub mod typescript;

pub use error::{ApiError, ErrorCode, FieldError, RuleViolation};
pub use operations::{
    Access, Api, BodyLimit, NewSession, OPERATIONS, OpensSession, Operation, SessionEffect,
};
pub use types::*;
