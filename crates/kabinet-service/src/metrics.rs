//! The process's metrics, in the Prometheus text format (`prometheus-client`): HTTP requests by
//! route and status with their latency, every operation by outcome, and the domain's counters —
//! sign-in attempts by method and outcome, lockouts, registrations, level changes and identity
//! confirmations by method, staff actions, codes issued and messages sent by channel, argon2
//! time, hashing slots in use and the wait for one.
//!
//! Every label comes from a closed set — an operation or route name of the one list, an error
//! code, a channel, a level — never from what a person typed: no SNILS, phone, e-mail, token,
//! name or address can reach a label, and the number of series stays bounded. One registry per
//! process, read by the server's admin listener (never the public port).

use std::sync::LazyLock;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Operation {
    operation: &'static str,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SignIn {
    method: &'static str,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Kind {
    kind: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LevelChange {
    to: &'static str,
    reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Message {
    channel: &'static str,
    status: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Request {
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Route {
    route: String,
}

type Histograms<L> = Family<L, Histogram, fn() -> Histogram>;

fn latency() -> Histogram {
    // 1 ms to about 16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

struct Metrics {
    registry: Registry,
    http_requests: Family<Request, Counter>,
    http_latency: Histograms<Route>,
    operations: Family<Operation, Counter>,
    sign_ins: Family<SignIn, Counter>,
    lockouts: Family<Kind, Counter>,
    registrations: Family<Kind, Counter>,
    level_changes: Family<LevelChange, Counter>,
    confirmations: Family<Kind, Counter>,
    staff_actions: Family<Operation, Counter>,
    codes: Family<Kind, Counter>,
    messages: Family<Message, Counter>,
    argon2: Histogram,
    hashing_in_use: Gauge,
    hashing_wait: Histogram,
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let mut registry = Registry::with_prefix("kabinet");
    let m = Metrics {
        registry: Registry::default(),
        http_requests: Family::default(),
        http_latency: Family::new_with_constructor(latency),
        operations: Family::default(),
        sign_ins: Family::default(),
        lockouts: Family::default(),
        registrations: Family::default(),
        level_changes: Family::default(),
        confirmations: Family::default(),
        staff_actions: Family::default(),
        codes: Family::default(),
        messages: Family::default(),
        argon2: Histogram::new(exponential_buckets(0.002, 2.0, 10)),
        hashing_in_use: Gauge::default(),
        hashing_wait: Histogram::new(exponential_buckets(0.0005, 2.0, 12)),
    };
    registry.register(
        "http_requests",
        "HTTP requests by route and status",
        m.http_requests.clone(),
    );
    registry.register(
        "http_request_duration_seconds",
        "Time from a request's arrival to its answer, by route",
        m.http_latency.clone(),
    );
    registry.register(
        "operations",
        "Operations of the API by name and outcome (ok or the error code)",
        m.operations.clone(),
    );
    registry.register(
        "sign_in_attempts",
        "Sign-in attempts by method and outcome (ok or the error code)",
        m.sign_ins.clone(),
    );
    registry.register(
        "lockouts",
        "Locks started, by counter (strangers of an account, a known device, an unknown login)",
        m.lockouts.clone(),
    );
    registry.register(
        "registrations",
        "Registrations finished, by where (online, at a desk)",
        m.registrations.clone(),
    );
    registry.register(
        "level_changes",
        "Account level changes by new level and reason",
        m.level_changes.clone(),
    );
    registry.register(
        "identity_confirmations",
        "Identity confirmations by method",
        m.confirmations.clone(),
    );
    registry.register(
        "staff_actions",
        "Staff operations by name and outcome",
        m.staff_actions.clone(),
    );
    registry.register(
        "codes_issued",
        "One-time codes issued, by channel (nowhere: a decoy for an unknown login)",
        m.codes.clone(),
    );
    registry.register(
        "messages",
        "Messages handed to a gateway, by channel and status",
        m.messages.clone(),
    );
    registry.register(
        "argon2_seconds",
        "Time of one argon2id hash or verification",
        m.argon2.clone(),
    );
    registry.register(
        "hashing_slots_in_use",
        "argon2id computations running now",
        m.hashing_in_use.clone(),
    );
    registry.register(
        "hashing_wait_seconds",
        "Wait for a hashing slot, admitted or refused",
        m.hashing_wait.clone(),
    );
    Metrics { registry, ..m }
});

/// The metrics in the Prometheus text exposition format.
pub fn render() -> String {
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = prometheus_client::encoding::text::encode(&mut out, &METRICS.registry);
    out
}

/// One HTTP request: `route` is the route's template (`/api/v1/sign_in`) or a fixed name.
pub fn http_request(route: &str, status: u16, took: Duration) {
    let route = route.to_owned();
    METRICS
        .http_requests
        .get_or_create(&Request {
            route: route.clone(),
            status,
        })
        .inc();
    METRICS
        .http_latency
        .get_or_create(&Route { route })
        .observe(took.as_secs_f64());
}

/// One operation of the list and how it ended.
pub(crate) fn operation(operation: &'static str, outcome: &'static str) {
    METRICS
        .operations
        .get_or_create(&Operation { operation, outcome })
        .inc();
    match (operation, outcome) {
        ("registration_set_password", "ok") => registration("online"),
        ("citizen_register", "ok") => registration("desk"),
        _ => {}
    }
    let method = match operation {
        "sign_in" => "password",
        "sign_in_second_factor" => "second_factor",
        "sign_in_change_password" => "temporary_password",
        "staff_sign_in" => "staff",
        _ => return,
    };
    METRICS
        .sign_ins
        .get_or_create(&SignIn { method, outcome })
        .inc();
}

/// One staff operation and how it ended.
pub(crate) fn staff_action(operation: &'static str, outcome: &'static str) {
    METRICS
        .staff_actions
        .get_or_create(&Operation { operation, outcome })
        .inc();
}

/// A lock started on the counter of `kind`.
pub(crate) fn lockout(kind: &'static str) {
    METRICS.lockouts.get_or_create(&Kind { kind }).inc();
}

/// A registration finished `kind` (online, at a desk, at a desk offline).
pub(crate) fn registration(kind: &'static str) {
    METRICS.registrations.get_or_create(&Kind { kind }).inc();
}

/// A level change.
pub(crate) fn level_change(to: &'static str, reason: &'static str) {
    METRICS
        .level_changes
        .get_or_create(&LevelChange { to, reason })
        .inc();
}

/// An identity confirmed by `method`.
pub(crate) fn identity_confirmed(method: &'static str) {
    METRICS
        .confirmations
        .get_or_create(&Kind { kind: method })
        .inc();
}

/// A code issued through `channel`.
pub(crate) fn code_issued(channel: &'static str) {
    METRICS.codes.get_or_create(&Kind { kind: channel }).inc();
}

/// A message handed to its gateway.
pub(crate) fn message(channel: &'static str, status: &'static str) {
    METRICS
        .messages
        .get_or_create(&Message { channel, status })
        .inc();
}

/// One argon2id computation.
pub(crate) fn argon2(took: Duration) {
    METRICS.argon2.observe(took.as_secs_f64());
}

/// A hashing slot taken (`+1`) or given back (`-1`).
pub(crate) fn hashing_in_use(delta: i64) {
    METRICS.hashing_in_use.inc_by(delta);
}

/// How long a request waited for a hashing slot.
pub(crate) fn hashing_wait(took: Duration) {
    METRICS.hashing_wait.observe(took.as_secs_f64());
}
