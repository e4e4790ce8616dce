//! Rows and writes for the tests.

use chrono::{DateTime, Duration, TimeZone, Utc};
use kabinet_store::AccountWrite;
use kabinet_store::entity::account;
use kabinet_store::event_log::NewEvent;
use serde_json::json;
use uuid::Uuid;

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap()
}

pub fn row(id: Uuid, at: DateTime<Utc>) -> account::Model {
    account::Model {
        id,
        status: "pending".into(),
        level: "simplified".into(),
        surname: "Иванова".into(),
        first_name: "Анна".into(),
        contact_kind: "phone".into(),
        consent_version: "2026-01".into(),
        consent_at: at,
        contact_confirmed: false,
        password_set: false,
        temporary_password: false,
        profile_submitted: false,
        snils_check: "not_started".into(),
        passport_check: "not_started".into(),
        confirmation: None,
        mailed_code_restriction: false,
        locked_until: None,
        block_reason: None,
        last_seq: 0,
        origin: "test".into(),
        created_at: at,
        updated_at: at,
        snils_check_detail: None,
        passport_check_detail: None,
    }
}

pub fn event(kind: &str, at: DateTime<Utc>) -> NewEvent {
    NewEvent {
        kind: kind.into(),
        payload: json!({}),
        actor: json!({"citizen": null}),
        origin: "test".into(),
        at,
    }
}

/// A new account registered with `phone`.
pub fn register(id: Uuid, phone: &str) -> AccountWrite {
    AccountWrite {
        expected_seq: 0,
        events: vec![event("registration_started", t0())],
        row: row(id, t0()),
        claim_logins: vec![("phone".into(), phone.into())],
        release_logins: vec![],
    }
}

/// The next change of an account read at `seq`.
pub fn change(id: Uuid, seq: i64, status: &str, kinds: &[&str]) -> AccountWrite {
    let at = t0() + Duration::seconds(seq);
    let mut row = row(id, t0());
    row.status = status.into();
    row.updated_at = at;
    AccountWrite {
        expected_seq: seq,
        events: kinds.iter().map(|k| event(k, at)).collect(),
        row,
        claim_logins: vec![],
        release_logins: vec![],
    }
}
