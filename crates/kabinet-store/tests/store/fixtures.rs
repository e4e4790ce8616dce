//! Accounts and writes for the tests.

use chrono::{DateTime, Duration, TimeZone, Utc};
use kabinet_core::account::Status;
use kabinet_store::AccountWrite;
use kabinet_store::event_log::NewEvent;
use kabinet_store::testing::new_account;
use serde_json::json;
use uuid::Uuid;

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap()
}

pub fn event(kind: &str, at: DateTime<Utc>) -> NewEvent {
    NewEvent {
        kind: kind.into(),
        payload: json!({ "surname": "Иванова" }),
        actor: json!({"kind": "citizen"}),
        origin: "test".into(),
        at,
    }
}

/// A new account registered with `phone`.
pub fn register(id: Uuid, phone: &str) -> AccountWrite {
    AccountWrite {
        expected_seq: 0,
        events: vec![event("registration_started", t0())],
        account: new_account(id, t0()),
        claim_logins: vec![("phone".into(), phone.into())],
        release_logins: vec![],
    }
}

/// The next change of an account read at `seq`: `kinds` appended, the status set to `status`.
pub fn change(id: Uuid, seq: i64, status: Status, kinds: &[&str]) -> AccountWrite {
    let at = t0() + Duration::seconds(seq);
    let mut account = new_account(id, t0());
    account.state.status = status;
    account.state.version = (seq + kinds.len() as i64) as u64;
    account.updated_at = at;
    AccountWrite {
        expected_seq: seq,
        events: kinds.iter().map(|k| event(k, at)).collect(),
        account,
        claim_logins: vec![],
        release_logins: vec![],
    }
}
