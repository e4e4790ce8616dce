//! Workstation sync: the fault simulation on fixed seeds (SQLite, and PostgreSQL at
//! `serializable`), and the protocol's single rules through the API.

use kabinet_service::testing::sync_sim::{SimConfig, SimReport, run};
use kabinet_store::testing::TestDb;

/// The seeds CI runs; `cargo xtask bench` runs hundreds more.
const CI_SEEDS: [u64; 6] = [1, 2, 3, 5, 8, 13];

fn judged(seed: u64, report: &SimReport) {
    eprintln!(
        "seed {seed}: {} desk changes, {} applied, {} conflicts, {} resolved, {} faults, {} restarts, {} failed syncs, {} blanks bound",
        report.desk_changes,
        report.applied,
        report.conflicts,
        report.resolved,
        report.faults,
        report.restarts,
        report.failed_syncs,
        report.blanks_bound
    );
    assert!(
        report.violations.is_empty(),
        "seed {seed}: {:#?}\n{report:?}",
        report.violations
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_survives_lost_duplicated_and_reordered_deliveries_and_restarts() {
    let mut total = SimReport::default();
    for seed in CI_SEEDS {
        let report = run(SimConfig::seed(seed), TestDb::sqlite().await)
            .await
            .expect("the simulation sets up");
        judged(seed, &report);
        total.desk_changes += report.desk_changes;
        total.conflicts += report.conflicts;
        total.faults += report.faults;
        total.restarts += report.restarts;
        total.resolved += report.resolved;
        total.applied += report.applied;
        total.blanks_bound += report.blanks_bound;
    }
    // The runs did what they are for: work on both sides, faults, conflicts and restarts.
    assert!(total.desk_changes >= 30, "{total:?}");
    assert!(total.applied >= 20, "{total:?}");
    assert!(total.faults >= 10, "{total:?}");
    assert!(total.conflicts >= 2, "{total:?}");
    assert!(total.restarts >= 2, "{total:?}");
    assert!(total.resolved >= 1, "{total:?}");
    assert!(total.blanks_bound >= 1, "{total:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_survives_faults_with_the_centre_on_serializable_postgres() {
    let _ = tracing_subscriber::fmt().with_test_writer().try_init();
    for seed in [21, 34] {
        let Some(db) = TestDb::postgres_serializable().await else {
            return;
        };
        let report = run(SimConfig::seed(seed), db)
            .await
            .expect("the simulation sets up");
        judged(seed, &report);
        assert!(report.applied > 0, "{report:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// The protocol's rules, one by one, on a centre with two workstations.

use kabinet_api::*;
use kabinet_service::SIMULATED_POPULATION_SEED;
use kabinet_service::ports::registry::population;
use kabinet_service::sync::Through;
use kabinet_service::testing::sync_sim::{Network, form_of};
use kabinet_store::sync as store;

/// Each body on a centre on SQLite and on PostgreSQL (workstations always on SQLite).
macro_rules! sync_test {
    ($name:ident, |$net:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($net: &mut Network) {
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let mut net = Network::new(TestDb::sqlite().await, 2).await.unwrap();
                body(&mut net).await;
                net.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(db) = TestDb::postgres().await else {
                    return;
                };
                let mut net = Network::new(db, 2).await.unwrap();
                body(&mut net).await;
                net.finish().await;
            }
        }
    };
}

fn person(i: usize) -> kabinet_service::ports::registry::Person {
    population(SIMULATED_POPULATION_SEED, 10).swap_remove(i)
}

/// Registers person `i` at workstation `w`'s desk (its replica): the account id and the
/// temporary password.
async fn register_at(net: &Network, w: usize, i: usize) -> (uuid::Uuid, String) {
    let replica = &net.replicas[w];
    let done = Api::citizen_register(
        &replica.service,
        &replica.desk.context,
        InPersonRegistration {
            profile: form_of(&person(i)),
            phone_ticket: String::new(),
            phone_code: String::new(),
            phone_later: String::new(),
        },
    )
    .await
    .expect("registered at the desk");
    (done.card.citizen.account_id, done.temporary_password)
}

async fn sync(net: &Network, w: usize) -> kabinet_service::sync::SyncReport {
    let replica = &net.replicas[w];
    replica
        .service
        .sync_once(&replica.link_to(&net.central))
        .await
        .expect("synced")
}

async fn central_search(net: &Network, snils: &str) -> Option<uuid::Uuid> {
    net.operator
        .find(&net.central, SearchBy::Snils, snils)
        .await
        .ok()
}

fn change(id: uuid::Uuid, seq: i64, account_id: uuid::Uuid) -> OutboxChange {
    OutboxChange {
        id,
        seq,
        account_id,
        at: chrono::Utc::now(),
        personnel_number: "101".into(),
        change: DeskChange::ConfirmedInPerson {
            documents: vec!["passport".into()],
        },
    }
}

sync_test!(
    an_offline_registration_reaches_the_centre_and_the_citizen_signs_in_there,
    |net| {
        let (id, password) = register_at(net, 0, 0).await;
        let snils = person(0).snils;
        // Made at the desk without the centre: the centre does not know it yet.
        assert_eq!(central_search(net, &snils).await, None);
        assert_eq!(
            store::outbox_waiting_count(net.replicas[0].service.store())
                .await
                .unwrap(),
            1
        );
        let report = sync(net, 0).await;
        assert_eq!(
            (report.pushed, report.waiting, report.conflicts_open),
            (1, 0, 0)
        );
        assert_eq!(
            central_search(net, &snils).await,
            Some(id),
            "the same account id"
        );
        // The citizen signs in at the centre with the printed password and must replace it.
        let outcome = Api::sign_in(
            &net.central,
            &Context {
                session: None,
                address: "203.0.113.9".into(),
                device_id: "home".into(),
                device_name: "Дома".into(),
                workstation: None,
            },
            SignInRequest {
                login: snils.clone(),
                password,
            },
        )
        .await
        .expect("signs in with the temporary password");
        assert!(
            matches!(outcome, SignInOutcome::ChangePassword(_)),
            "{outcome:?}"
        );
        // The centre runs the registry checks; the workstation's copy follows.
        net.central.run_due_jobs("test").await.unwrap();
        let card = Api::citizen_card(
            &net.central,
            &net.operator.context,
            ForAccount { account_id: id },
        )
        .await
        .unwrap();
        assert_eq!(card.citizen.level, Level::Standard);
        sync(net, 0).await;
        let replica = &net.replicas[0];
        let local = Api::citizen_card(
            &replica.service,
            &replica.desk.context,
            ForAccount { account_id: id },
        )
        .await
        .unwrap();
        assert_eq!(local.citizen.level, Level::Standard);
        // The other workstation of the centre gets it too.
        sync(net, 1).await;
        let other = &net.replicas[1];
        assert_eq!(
            other
                .desk
                .find(&other.service, SearchBy::Snils, &snils)
                .await
                .ok(),
            Some(id)
        );
        let broken = net.violations().await.unwrap();
        assert!(broken.is_empty(), "{broken:#?}");
    }
);

/// Registers person `i` at workstation `w`, syncs, and lets the centre's registry checks pass
/// (a confirmation needs the Standard level, which only the registries give).
async fn standard_at(net: &Network, w: usize, i: usize) -> uuid::Uuid {
    let (id, _) = register_at(net, w, i).await;
    sync(net, w).await;
    net.central.run_due_jobs("test").await.unwrap();
    sync(net, w).await;
    let replica = &net.replicas[w];
    let card = Api::citizen_card(
        &replica.service,
        &replica.desk.context,
        ForAccount { account_id: id },
    )
    .await
    .unwrap();
    assert_eq!(card.citizen.level, Level::Standard, "{card:?}");
    id
}

sync_test!(a_change_is_applied_once_however_often_it_arrives, |net| {
    let id = standard_at(net, 0, 1).await;
    let link = net.replicas[0].link_to(&net.central);
    let confirm = change(uuid::Uuid::now_v7(), 2, id);
    for _ in 0..3 {
        let pushed = Api::sync_push(
            &link.api,
            &link.context,
            SyncPush {
                changes: vec![confirm.clone()],
            },
        )
        .await
        .unwrap();
        assert_eq!(pushed.applied_through, 2);
    }
    let confirmations = kabinet_store::event_log::read(net.central.store(), id)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == "identity_confirmed")
        .count();
    assert_eq!(confirmations, 1);
    let inbox = store::inbox_all(net.central.store()).await.unwrap();
    assert_eq!(inbox.iter().filter(|e| e.event_id == confirm.id).count(), 1);
});

sync_test!(a_change_out_of_order_waits_for_the_ones_before_it, |net| {
    let id = standard_at(net, 0, 2).await;
    let link = net.replicas[0].link_to(&net.central);
    let (second, third) = (
        change(uuid::Uuid::now_v7(), 2, id),
        change(uuid::Uuid::now_v7(), 3, id),
    );
    let early = Api::sync_push(
        &link.api,
        &link.context,
        SyncPush {
            changes: vec![third.clone()],
        },
    )
    .await
    .unwrap();
    assert_eq!(early.applied_through, 1, "#3 before #2 is not taken");
    // Sent in the wrong order within a batch, they are taken in the right one.
    let both = Api::sync_push(
        &link.api,
        &link.context,
        SyncPush {
            changes: vec![third, second],
        },
    )
    .await
    .unwrap();
    assert_eq!(both.applied_through, 3);
    // A number taken by another change is refused outright.
    let reused = Api::sync_push(
        &link.api,
        &link.context,
        SyncPush {
            changes: vec![change(uuid::Uuid::now_v7(), 2, id)],
        },
    )
    .await
    .unwrap_err();
    assert_eq!(reused.code, ErrorCode::Conflict);
});

sync_test!(
    one_citizen_registered_at_two_desks_offline_is_a_conflict_an_operator_merges,
    |net| {
        let first = standard_at(net, 0, 3).await;
        // Another desk, offline, registers the same citizen again.
        let (second, _) = register_at(net, 1, 3).await;
        let report = sync(net, 1).await;
        assert_eq!((report.pushed, report.conflicts_open), (1, 1), "{report:?}");
        // A later change of the duplicate (here straight from the workstation's outbox
        // numbering) waits behind the conflict.
        let link = net.replicas[1].link_to(&net.central);
        let held = Api::sync_push(
            &link.api,
            &link.context,
            SyncPush {
                changes: vec![change(uuid::Uuid::now_v7(), 2, second)],
            },
        )
        .await
        .unwrap();
        assert_eq!((held.applied_through, held.conflicts_open), (2, 1));
        let before = Api::citizen_card(
            &net.central,
            &net.operator.context,
            ForAccount { account_id: first },
        )
        .await
        .unwrap();
        assert!(before.confirmation.is_none());
        let queue = Api::sync_conflicts(&net.central, &net.operator.context, Empty {})
            .await
            .unwrap();
        let conflict = queue.conflicts[0].clone();
        assert_eq!(conflict.kind, ConflictKind::Claim);
        assert_eq!(conflict.reason, "snils");
        assert_eq!(conflict.local.account_id, second);
        let existing = conflict.existing.clone().expect("both sides");
        assert_eq!(existing.account_id, first);
        assert_eq!(existing.full_name, conflict.local.full_name);
        assert!(existing.snils.starts_with('•') && !existing.snils.contains(&person(3).snils[..6]));
        assert_eq!(
            conflict.changes,
            ["registered_in_person", "confirmed_in_person"]
        );
        // Merging needs the originals compared.
        let unchecked = Api::sync_conflict_resolve(
            &net.central,
            &net.operator.context,
            SyncConflictResolve {
                id: conflict.id,
                resolution: ConflictResolution::Merge {
                    checked_in_person: false,
                },
            },
        )
        .await
        .unwrap_err();
        assert_eq!(unchecked.fields[0].field, "resolution.checked_in_person");
        let merged = Api::sync_conflict_resolve(
            &net.central,
            &net.operator.context,
            SyncConflictResolve {
                id: conflict.id,
                resolution: ConflictResolution::Merge {
                    checked_in_person: true,
                },
            },
        )
        .await
        .unwrap();
        assert_eq!(merged.status, ConflictStatus::Merged);
        // The held confirmation went to the existing account.
        let card = Api::citizen_card(
            &net.central,
            &net.operator.context,
            ForAccount { account_id: first },
        )
        .await
        .unwrap();
        assert!(card.confirmation.is_some(), "{card:?}");
        // Deciding twice is refused.
        let again = Api::sync_conflict_resolve(
            &net.central,
            &net.operator.context,
            SyncConflictResolve {
                id: conflict.id,
                resolution: ConflictResolution::Reject {
                    reason: "Ошибка оператора".into(),
                },
            },
        )
        .await
        .unwrap_err();
        assert_eq!(again.code, ErrorCode::Conflict);
        // The second workstation forgets its duplicate and holds the centre's account.
        sync(net, 1).await;
        let replica = &net.replicas[1];
        assert!(
            kabinet_store::accounts::find_account(replica.service.store(), second)
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(
            replica
                .desk
                .find(&replica.service, SearchBy::Snils, &person(3).snils)
                .await
                .ok(),
            Some(first)
        );
        // The decision is in the staff audit log.
        let audit = Api::staff_audit(&net.central, &net.centre.admin, AuditSearch::default())
            .await
            .unwrap();
        assert!(
            audit
                .entries
                .iter()
                .any(|e| e.action == "sync_conflict_resolve" && e.outcome == "ok")
        );
        sync(net, 0).await;
        // (The change pushed by hand above is not in the workstation's outbox, so the
        // network's exactly-once check does not apply here; the simulation makes that check.)
    }
);

sync_test!(
    a_change_the_centre_refuses_is_rejected_with_a_reason_the_citizen_is_told,
    |net| {
        let id = standard_at(net, 0, 4).await;
        // Meanwhile the centre blocks the account; the workstation, offline, confirms it.
        Api::account_block(
            &net.central,
            &net.operator.context,
            AccountBlockRequest {
                account_id: id,
                reason: "Проверка документов".into(),
            },
        )
        .await
        .unwrap();
        let replica = &net.replicas[0];
        Api::identity_confirm_in_person(
            &replica.service,
            &replica.desk.context,
            InPersonConfirmation {
                account_id: id,
                documents: vec!["passport".into()],
            },
        )
        .await
        .unwrap();
        let report = sync(net, 0).await;
        assert_eq!(report.conflicts_open, 1);
        let conflict = Api::sync_conflicts(&net.central, &net.operator.context, Empty {})
            .await
            .unwrap()
            .conflicts
            .remove(0);
        assert_eq!(
            (conflict.kind, conflict.reason.as_str()),
            (ConflictKind::Refused, "account_blocked")
        );
        // Merging a refusal makes no sense; a reason needs words.
        let merge = Api::sync_conflict_resolve(
            &net.central,
            &net.operator.context,
            SyncConflictResolve {
                id: conflict.id,
                resolution: ConflictResolution::Merge {
                    checked_in_person: true,
                },
            },
        )
        .await
        .unwrap_err();
        assert_eq!(merge.code, ErrorCode::NotAllowed);
        let short = Api::sync_conflict_resolve(
            &net.central,
            &net.operator.context,
            SyncConflictResolve {
                id: conflict.id,
                resolution: ConflictResolution::Reject {
                    reason: " a ".into(),
                },
            },
        )
        .await
        .unwrap_err();
        assert_eq!(short.fields[0].field, "resolution.reason");
        let reason = "Учётная запись заблокирована до проверки документов";
        Api::sync_conflict_resolve(
            &net.central,
            &net.operator.context,
            SyncConflictResolve {
                id: conflict.id,
                resolution: ConflictResolution::Reject {
                    reason: reason.into(),
                },
            },
        )
        .await
        .unwrap();
        net.central.settle().await;
        let told = kabinet_store::notifications::notifications_page(net.central.store(), id, 0, 20)
            .await
            .unwrap();
        assert!(told.iter().any(|n| n.body.contains(reason)), "{told:?}");
        // The centre's state stands, and the workstation's copy returns to it.
        sync(net, 0).await;
        let replica = &net.replicas[0];
        let card = Api::citizen_card(
            &replica.service,
            &replica.desk.context,
            ForAccount { account_id: id },
        )
        .await
        .unwrap();
        assert_eq!(card.citizen.status, AccountStatus::Blocked);
        assert!(card.confirmation.is_none());
        sync(net, 1).await;
        let broken = net.violations().await.unwrap();
        assert!(broken.is_empty(), "{broken:#?}");
    }
);

sync_test!(a_replica_refuses_what_only_the_centre_can_do, |net| {
    let id = standard_at(net, 0, 5).await;
    let replica = &net.replicas[0];
    let block = Api::account_block(
        &replica.service,
        &replica.desk.context,
        AccountBlockRequest {
            account_id: id,
            reason: "Проверка".into(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(block.code, ErrorCode::Unavailable, "{block:?}");
    let phone = Api::citizen_register_phone(
        &replica.service,
        &replica.desk.context,
        InPersonPhone {
            phone: "+79161234567".into(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(phone.code, ErrorCode::Unavailable);
    // A Confirmed account's restore needs four eyes at the centre.
    Api::identity_confirm_in_person(
        &replica.service,
        &replica.desk.context,
        InPersonConfirmation {
            account_id: id,
            documents: vec!["passport".into()],
        },
    )
    .await
    .unwrap();
    let restore = Api::access_restore(
        &replica.service,
        &replica.desk.context,
        AccessRestore {
            account_id: id,
            documents: vec!["passport".into()],
        },
    )
    .await
    .unwrap_err();
    assert_eq!(restore.code, ErrorCode::Unavailable);
    // A Simplified account cannot be confirmed at the desk offline: the registries must
    // answer first, which only the centre asks.
    let (fresh, _) = register_at(net, 0, 7).await;
    let early = Api::identity_confirm_in_person(
        &replica.service,
        &replica.desk.context,
        InPersonConfirmation {
            account_id: fresh,
            documents: vec!["passport".into()],
        },
    )
    .await
    .unwrap_err();
    assert_eq!(early.code, ErrorCode::NotAllowed);
    // Only what the outbox carries was written: three changes.
    assert_eq!(
        store::outbox_all(replica.service.store())
            .await
            .unwrap()
            .len(),
        3
    );
});

sync_test!(bad_pushes_and_pulls_are_refused_field_by_field, |net| {
    let link = net.replicas[0].link_to(&net.central);
    let id = uuid::Uuid::now_v7();
    let many = SyncPush {
        changes: (1..=201)
            .map(|n| change(uuid::Uuid::now_v7(), n, id))
            .collect(),
    };
    let refused = Api::sync_push(&link.api, &link.context, many)
        .await
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::InvalidInput);
    assert_eq!(refused.fields[0].field, "changes");
    let negative = Api::sync_pull(
        &link.api,
        &link.context,
        SyncPull {
            cursor: SyncCursor {
                after: -1,
                ..Default::default()
            },
            accounts: Vec::new(),
            blanks_wanted: 0,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(negative.fields[0].field, "cursor.after");
    let holes = SyncCursor {
        after: 5000,
        holes: (0..1001)
            .map(|seq| SyncHole {
                seq,
                since: chrono::Utc::now(),
            })
            .collect(),
        scope_since: None,
    };
    let too_many = Api::sync_pull(
        &link.api,
        &link.context,
        SyncPull {
            cursor: holes,
            accounts: Vec::new(),
            blanks_wanted: 0,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(too_many.fields[0].field, "cursor.holes");
    // Without the workstation's key nothing is taken.
    let anonymous = Through {
        api: net.central.clone(),
        context: Context {
            workstation: None,
            ..link.context.clone()
        },
    };
    let nobody = Api::sync_push(
        &anonymous.api,
        &anonymous.context,
        SyncPush {
            changes: Vec::new(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(nobody.code, ErrorCode::WorkstationRequired);
    // A change for an account the centre does not have is a conflict, not an error.
    let unknown = Api::sync_push(
        &link.api,
        &link.context,
        SyncPush {
            changes: vec![change(uuid::Uuid::now_v7(), 1, id)],
        },
    )
    .await
    .unwrap();
    assert_eq!((unknown.applied_through, unknown.conflicts_open), (1, 1));
});

sync_test!(a_pull_sends_the_centres_citizens_and_no_one_else, |net| {
    // A citizen registered online at home: not the centre's.
    let (id, _) = register_at(net, 0, 6).await;
    sync(net, 0).await;
    let stranger = net.central.clone();
    let home = Context {
        session: None,
        address: "203.0.113.10".into(),
        device_id: "home-2".into(),
        device_name: "Дома".into(),
        workstation: None,
    };
    Api::registration_start(
        &stranger,
        &home,
        RegistrationStart {
            surname: "Петрова".into(),
            first_name: "Ольга".into(),
            contact_kind: ContactKind::Phone,
            contact: "+79161112233".into(),
            consent: true,
            consent_version: "2026-01".into(),
        },
    )
    .await
    .unwrap();
    sync(net, 1).await;
    let replica = &net.replicas[1];
    let held = kabinet_store::accounts::all_ids(replica.service.store())
        .await
        .unwrap();
    assert_eq!(held, vec![id], "only the account served at the centre");
});

/// A citizen at home: signs in at the centre with the printed password and replaces it.
async fn citizen_at_home(net: &Network, login: &str, temporary: &str) -> Context {
    let home = Context {
        session: None,
        address: "203.0.113.11".into(),
        device_id: "home-3".into(),
        device_name: "Дома".into(),
        workstation: None,
    };
    let outcome = Api::sign_in(
        &net.central,
        &home,
        SignInRequest {
            login: login.into(),
            password: temporary.into(),
        },
    )
    .await
    .unwrap();
    let SignInOutcome::ChangePassword(change) = outcome else {
        panic!("the printed password must be replaced first: {outcome:?}");
    };
    let own = "Vecher-Doma-Parol-42";
    let signed = Api::sign_in_change_password(
        &net.central,
        &home,
        NewPassword {
            ticket: change.ticket,
            password: own.into(),
            password_repeat: own.into(),
        },
    )
    .await
    .unwrap();
    Context {
        session: Some(signed.token),
        ..home
    }
}

sync_test!(
    an_activation_code_handed_out_without_the_link_works_once_the_change_arrives,
    |net| {
        let (id, temporary) = register_at(net, 0, 8).await;
        sync(net, 0).await;
        net.central.run_due_jobs("test").await.unwrap();
        sync(net, 0).await;
        let replica = &net.replicas[0];
        // The first sync brought a block of blanks, sealed on the replica.
        assert_eq!(
            replica.service.blanks_held().await.unwrap(),
            u64::from(kabinet_core::sync::Blanks::BLOCK)
        );
        // The link is down (nothing syncs): the desk hands a code from a blank.
        let slip = Api::activation_code_issue(
            &replica.service,
            &replica.desk.context,
            ForAccount { account_id: id },
        )
        .await
        .expect("a code without the link");
        assert_eq!(slip.code.len(), 16);
        assert!(slip.code.chars().all(|c| c.is_ascii_digit()));
        assert!(slip.expires_at > net.central.now() + chrono::Duration::days(80));
        assert_eq!(
            replica.service.blanks_held().await.unwrap(),
            u64::from(kabinet_core::sync::Blanks::BLOCK) - 1
        );
        // The code is in none of the replica's files (database, journal) in the clear.
        let path = replica.url.trim_start_matches("sqlite://");
        let dir = std::path::Path::new(path.split('?').next().unwrap())
            .parent()
            .unwrap();
        let mut read = 0;
        for file in std::fs::read_dir(dir).unwrap() {
            let bytes = std::fs::read(file.unwrap().path()).unwrap_or_default();
            read += bytes.len();
            assert!(
                !bytes
                    .windows(slip.code.len())
                    .any(|w| w == slip.code.as_bytes()),
                "the code lies in the replica's files in the clear"
            );
        }
        assert!(read > 0, "read the replica's files in {dir:?}");
        // Until the change arrives, the centre does not know the code.
        let me = citizen_at_home(net, &person(8).snils, &temporary).await;
        let entry = ActivationCodeEntry {
            snils: person(8).snils,
            code: slip.code.clone(),
        };
        let early = Api::identity_confirm_activation_code(&net.central, &me, entry.clone())
            .await
            .unwrap_err();
        assert_eq!(early.code, ErrorCode::CodeWrong);
        let report = sync(net, 0).await;
        assert_eq!((report.pushed, report.conflicts_open), (1, 0), "{report:?}");
        let summary = Api::identity_confirm_activation_code(&net.central, &me, entry)
            .await
            .expect("the code works once its change arrived");
        assert_eq!(summary.level, Level::Confirmed);
        // The centre's log says who handed it out, and where.
        let issued = kabinet_store::event_log::read(net.central.store(), id)
            .await
            .unwrap()
            .into_iter()
            .find(|e| e.payload.to_string().contains("activation_code_issued"))
            .expect("the hand-out is on the account's log");
        assert!(issued.origin.starts_with("workstation:"), "{issued:?}");
        sync(net, 0).await;
        sync(net, 1).await;
        let broken = net.violations().await.unwrap();
        assert!(broken.is_empty(), "{broken:#?}");
    }
);

sync_test!(
    blanks_are_bounded_and_a_foreign_or_reused_blank_is_a_conflict,
    |net| {
        use kabinet_core::sync::Blanks;
        let id = standard_at(net, 0, 9).await;
        // However much a workstation asks, it never holds more than the bound.
        let link = net.replicas[0].link_to(&net.central);
        let mut received = Blanks::BLOCK as usize;
        for _ in 0..4 {
            let pulled = Api::sync_pull(
                &link.api,
                &link.context,
                SyncPull {
                    cursor: SyncCursor::default(),
                    accounts: Vec::new(),
                    blanks_wanted: 1000,
                },
            )
            .await
            .unwrap();
            assert!(pulled.blanks.len() <= Blanks::BLOCK as usize);
            received += pulled.blanks.len();
        }
        assert_eq!(received as u64, Blanks::MAX_OUTSTANDING);
        // Another workstation's blank, named by this one: a conflict, nothing bound.
        sync(net, 1).await;
        let now = net.central.now();
        let foreign = kabinet_store::blanks::take(net.replicas[1].service.store(), id, now)
            .await
            .unwrap()
            .expect("workstation 1 holds blanks");
        let own = kabinet_store::blanks::take(net.replicas[0].service.store(), id, now)
            .await
            .unwrap()
            .expect("workstation 0 holds blanks");
        let handed = |seq: i64, blank: uuid::Uuid| OutboxChange {
            id: uuid::Uuid::now_v7(),
            seq,
            account_id: id,
            at: net.central.now(),
            personnel_number: "101".into(),
            change: DeskChange::ActivationCodeIssued { blank },
        };
        let seq = store::inbox_last_seq(net.central.store(), net.replicas[0].central_id)
            .await
            .unwrap();
        let pushed = Api::sync_push(
            &link.api,
            &link.context,
            SyncPush {
                changes: vec![handed(seq + 1, foreign.id)],
            },
        )
        .await
        .unwrap();
        assert_eq!(
            (pushed.applied_through, pushed.conflicts_open),
            (seq + 1, 1)
        );
        let queue = Api::sync_conflicts(&net.central, &net.operator.context, Empty {})
            .await
            .unwrap();
        assert_eq!(queue.conflicts[0].reason, "blank_unknown");
        assert_eq!(queue.conflicts[0].changes, ["activation_code_issued"]);
        let blank = kabinet_store::blanks::blank(net.central.store(), foreign.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(blank.account_id, None, "nothing bound");
        // The operator rejects it; the workstation's own blank then applies once, and the
        // same blank named again is refused.
        Api::sync_conflict_resolve(
            &net.central,
            &net.operator.context,
            SyncConflictResolve {
                id: queue.conflicts[0].id,
                resolution: ConflictResolution::Reject {
                    reason: "Код выдан не с этого рабочего места".into(),
                },
            },
        )
        .await
        .unwrap();
        let pushed = Api::sync_push(
            &link.api,
            &link.context,
            SyncPush {
                changes: vec![handed(seq + 2, own.id), handed(seq + 3, own.id)],
            },
        )
        .await
        .unwrap();
        assert_eq!(
            (pushed.applied_through, pushed.conflicts_open),
            (seq + 3, 1)
        );
        let bound = kabinet_store::blanks::blank(net.central.store(), own.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(bound.account_id, Some(id));
        let queue = Api::sync_conflicts(&net.central, &net.operator.context, Empty {})
            .await
            .unwrap();
        let open: Vec<_> = queue
            .conflicts
            .iter()
            .filter(|c| c.status == ConflictStatus::Open)
            .collect();
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].reason, "blank_used");
    }
);

sync_test!(
    a_workstation_without_blanks_says_so_and_changes_nothing,
    |net| {
        let id = standard_at(net, 1, 9).await;
        let replica = &net.replicas[1];
        let now = net.central.now();
        while kabinet_store::blanks::take(replica.service.store(), id, now)
            .await
            .unwrap()
            .is_some()
        {}
        let before = store::outbox_waiting_count(replica.service.store())
            .await
            .unwrap();
        let refused = Api::activation_code_issue(
            &replica.service,
            &replica.desk.context,
            ForAccount { account_id: id },
        )
        .await
        .unwrap_err();
        assert_eq!(refused.code, ErrorCode::Unavailable);
        assert!(refused.message.contains("закончились"), "{refused:?}");
        assert_eq!(
            store::outbox_waiting_count(replica.service.store())
                .await
                .unwrap(),
            before
        );
    }
);

/// The token of the newest phone link the centre sent to `phone`, if any.
async fn phone_link_to(net: &Network, phone: &str) -> Option<String> {
    let inbox = Api::dev_inbox(&net.central, &net.operator.context, Empty {})
        .await
        .unwrap();
    inbox
        .messages
        .into_iter()
        .filter(|m| m.to == phone)
        .find_map(|m| {
            let (_, after) = m.body.split_once("#/phone/confirm/")?;
            Some(after.split_whitespace().next()?.to_owned())
        })
}

sync_test!(
    a_phone_noted_without_the_link_is_proved_by_an_sms_link_after_the_sync,
    |net| {
        let registration = |i: usize, phone_later: &str| InPersonRegistration {
            profile: form_of(&person(i)),
            phone_ticket: String::new(),
            phone_code: String::new(),
            phone_later: phone_later.into(),
        };
        let replica = &net.replicas[0];
        // Not a phone: a field error, nothing made.
        let bad = Api::citizen_register(
            &replica.service,
            &replica.desk.context,
            registration(8, "12-34"),
        )
        .await
        .unwrap_err();
        assert_eq!(bad.fields[0].field, "phone_later", "{bad:?}");
        // With a code as well: refused, the phone is proved once.
        let both = Api::citizen_register(
            &replica.service,
            &replica.desk.context,
            InPersonRegistration {
                phone_ticket: "ticket".into(),
                ..registration(8, "+79161234500")
            },
        )
        .await
        .unwrap_err();
        assert_eq!(both.fields[0].rules[0].rule, "phone_later_with_code");
        let phone = "+79161234500";
        let done = Api::citizen_register(
            &replica.service,
            &replica.desk.context,
            registration(8, "8 916 123-45-00"),
        )
        .await
        .expect("registered with a phone noted");
        // No SMS leaves a workstation; the centre sends the link when the registration arrives.
        assert_eq!(phone_link_to(net, phone).await, None);
        sync(net, 0).await;
        let token = phone_link_to(net, phone)
            .await
            .expect("the centre sent the link after the sync");
        // Until the link is opened, the phone is no login.
        let home = Context {
            session: None,
            address: "203.0.113.12".into(),
            device_id: "phone-1".into(),
            device_name: "Телефон".into(),
            workstation: None,
        };
        let sign_in = |login: &str| SignInRequest {
            login: login.into(),
            password: done.temporary_password.clone(),
        };
        assert!(
            Api::sign_in(&net.central, &home, sign_in(phone))
                .await
                .is_err()
        );
        let confirmed = Api::phone_confirm_link(
            &net.central,
            &home,
            LinkToken {
                token: token.clone(),
            },
        )
        .await
        .expect("the link proves the phone");
        assert!(confirmed.phone.ends_with("00") && !confirmed.phone.contains("123"));
        let again = Api::phone_confirm_link(&net.central, &home, LinkToken { token })
            .await
            .unwrap_err();
        assert!(
            matches!(again.code, ErrorCode::CodeSpent | ErrorCode::FlowExpired),
            "{again:?}"
        );
        let outcome = Api::sign_in(&net.central, &home, sign_in(phone))
            .await
            .expect("the phone is a login now");
        assert!(matches!(outcome, SignInOutcome::ChangePassword(_)));
        // At the centre's own desk the link goes out at once; a forged token proves nothing.
        let other = "+79161234599";
        Api::citizen_register(&net.central, &net.operator.context, registration(9, other))
            .await
            .unwrap();
        assert!(phone_link_to(net, other).await.is_some());
        let forged = Api::phone_confirm_link(
            &net.central,
            &home,
            LinkToken {
                token: "A".repeat(43),
            },
        )
        .await
        .unwrap_err();
        assert_eq!(forged.code, ErrorCode::FlowExpired);
        sync(net, 0).await;
        sync(net, 1).await;
        let broken = net.violations().await.unwrap();
        assert!(broken.is_empty(), "{broken:#?}");
    }
);
