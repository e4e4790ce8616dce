//! The server's tests: the scenario suite in-process and over HTTP on both databases, the HTTP
//! edge (cookies, anti-forgery, limits, bad input on every route, OpenAPI, shutdown, overload),
//! two server processes on one PostgreSQL, and what the server's metrics, traces and logs
//! carry.

#[macro_use]
mod support;

mod access;
mod edge;
mod hostile;
mod observability;
mod replicas;
mod scenarios;
mod staff;
mod sync;
