//! The account service through its public API ([`kabinet_api::Api`]) on SQLite and, whenever
//! `KABINET_TEST_POSTGRES_URL` is set, PostgreSQL, with a hand-moved clock and the simulators'
//! dev inbox; plus the SMS and SMTP adapters against servers on loopback.

mod support;

mod adapters;
mod admission;
mod bank_redirect;
mod boundaries;
mod brute_force;
mod confirmation;
mod journey;
mod plans;
mod profile;
mod recovery;
mod registration;
mod replay;
mod security;
mod seed;
mod sessions;
mod sign_in;
mod signature;
mod staff;
mod sync;
