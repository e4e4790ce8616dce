//! Staff rows: the audit log refuses every change and removal at the database itself, a
//! one-time code is taken once, a four-eyes request is decided once.

use chrono::{Duration, TimeZone, Utc};
use kabinet_store::staff::{self, AuditQuery, NewAuditEntry, StaffCode};
use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::support::db_test;

fn entry(action: &str) -> NewAuditEntry {
    NewAuditEntry {
        at: Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap(),
        staff_id: Some(uuid::Uuid::now_v7()),
        personnel_number: "4512".into(),
        centre_id: None,
        workstation_id: None,
        action: action.into(),
        account_id: None,
        detail: json!({}),
        outcome: "ok".into(),
    }
}

db_test!(the_staff_audit_log_is_append_only, |store| {
    staff::append_audit(store, entry("citizen_search"))
        .await
        .unwrap();
    staff::append_audit(store, entry("citizen_card"))
        .await
        .unwrap();
    let conn = store.connection();
    for statement in [
        "UPDATE staff_audit SET outcome = 'forged'",
        "DELETE FROM staff_audit",
    ] {
        assert!(
            conn.execute_unprepared(statement).await.is_err(),
            "{statement} must be refused"
        );
    }
    let rows = staff::audit(
        store,
        &AuditQuery {
            limit: 10,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.outcome == "ok"));
    assert_eq!(rows[0].action, "citizen_card", "newest first");
});

db_test!(a_code_is_taken_once_and_not_after_it_expires, |store| {
    let now = Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap();
    let code = |hash: u8| StaffCode {
        code_hash: vec![hash; 32],
        purpose: "workstation".into(),
        centre_id: uuid::Uuid::now_v7(),
        staff_id: None,
        created_by: None,
        created_at: now,
        expires_at: now + Duration::hours(72),
        used_at: None,
    };
    staff::insert_code(store, code(1)).await.unwrap();
    staff::insert_code(store, code(2)).await.unwrap();
    assert!(
        staff::take_code(store, &[1; 32], "staff_setup", now)
            .await
            .unwrap()
            .is_none(),
        "another purpose"
    );
    assert!(
        staff::take_code(store, &[1; 32], "workstation", now)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        staff::take_code(store, &[1; 32], "workstation", now)
            .await
            .unwrap()
            .is_none(),
        "used"
    );
    let late = now + Duration::hours(72);
    assert!(
        staff::take_code(store, &[2; 32], "workstation", late)
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
});
