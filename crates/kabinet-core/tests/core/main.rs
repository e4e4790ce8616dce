//! kabinet-core's tests: table tests with known vectors, property tests for every parser and a
//! model-based test of the account state machine.

mod account;
mod codes;
mod identifiers;
mod password;
mod profile;
mod properties;
mod rules;
mod state_machine;
mod support;
