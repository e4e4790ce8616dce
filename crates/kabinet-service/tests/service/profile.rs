//! The profile and registry verification (DOMAIN §5): drafts, field errors, checks as durable
//! jobs with faults and restarts, the standard level and re-verification.

use std::sync::Arc;

use kabinet_api::*;
use kabinet_service::ports::registry::{HttpRegistries, RegistrySimulator, population};
use kabinet_service::{Ports, Service};
use kabinet_sim::registry::RegistryServer;

use crate::support::*;

/// The form a person of the population would fill in.
pub use kabinet_service::testing::form_of;

fn states(view: &ProfileView) -> Vec<CheckState> {
    view.checks.iter().map(|c| c.state).collect()
}

async fn signed_in_citizen(h: &Harness) -> Context {
    let laptop = device("laptop");
    let session = h.register(&laptop, PHONE).await;
    with_session(&laptop, &session.token)
}

async fn submit(h: &Harness, me: &Context, form: ProfileForm) -> Result<ProfileView, ApiError> {
    h.service
        .profile_submit(
            me,
            ProfileSubmit {
                profile: form,
                confirm_reverification: false,
            },
        )
        .await
}

service_test!(a_draft_is_kept_between_visits, |h| {
    let me = signed_in_citizen(h).await;
    let draft = ProfileForm {
        surname: "Ива".into(),
        snils: "112".into(),
        ..Default::default()
    };
    h.service
        .profile_save_draft(&me, draft.clone())
        .await
        .unwrap();
    h.service.sign_out(&me, Empty {}).await.unwrap();
    let again = signed_in(h.sign_in(&device("laptop"), PHONE, PASSWORD).await.unwrap());
    let view = h
        .service
        .profile_get(&with_session(&device("laptop"), &again.token), Empty {})
        .await
        .unwrap();
    assert_eq!(view.draft, Some(draft));
    assert!(view.draft_saved_at.is_some());
    assert_eq!(
        states(&view),
        [CheckState::NotStarted, CheckState::NotStarted]
    );
    let huge = ProfileForm {
        birth_place: "x".repeat(20_000),
        ..Default::default()
    };
    let error = h
        .service
        .profile_save_draft(&with_session(&device("laptop"), &again.token), huge)
        .await
        .unwrap_err();
    assert_eq!(field_rules(&error, "profile"), ["too_large"]);
});

service_test!(every_wrong_field_is_named_and_nothing_is_queued, |h| {
    let me = signed_in_citizen(h).await;
    let mut form = form_of(&h.registries.people()[0]);
    form.passport.series = "45".into();
    form.snils = "123-456-789 00".into();
    form.birth_date = "31.02.1990".into();
    form.address.postcode = "".into();
    let error = submit(h, &me, form).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidInput);
    for field in ["passport.series", "snils", "birth_date", "address.postcode"] {
        assert!(
            !field_rules(&error, field).is_empty(),
            "{field} in {error:?}"
        );
    }
    let view = h.service.profile_get(&me, Empty {}).await.unwrap();
    assert_eq!(
        states(&view),
        [CheckState::NotStarted, CheckState::NotStarted]
    );
    assert_eq!(h.service.run_due_jobs("w").await.unwrap(), 0);
});

service_test!(both_checks_pass_and_the_account_becomes_standard, |h| {
    let me = signed_in_citizen(h).await;
    let person = h.registries.people()[1].clone();
    let view = submit(h, &me, form_of(&person)).await.unwrap();
    assert_eq!(states(&view), [CheckState::Queued, CheckState::Queued]);
    assert_eq!(
        view.submitted.as_ref().unwrap().passport.department_code,
        "772-001"
    );
    // The checks continue after sign-out: they are jobs, not requests.
    h.service.sign_out(&me, Empty {}).await.unwrap();
    assert_eq!(h.service.run_due_jobs("w").await.unwrap(), 2);
    let session = signed_in(h.sign_in(&device("laptop"), PHONE, PASSWORD).await.unwrap());
    let me = with_session(&device("laptop"), &session.token);
    let view = h.service.profile_get(&me, Empty {}).await.unwrap();
    assert_eq!(states(&view), [CheckState::Passed, CheckState::Passed]);
    assert_eq!(view.level, Level::Standard);
    assert!(view.edit_needs_reverification);
    // SNILS is a login now, in any writing.
    let formatted = format!(
        "{}-{}-{} {}",
        &person.snils[..3],
        &person.snils[3..6],
        &person.snils[6..9],
        &person.snils[9..]
    );
    let by_snils = signed_in(
        h.sign_in(&device("laptop"), &formatted, PASSWORD)
            .await
            .unwrap(),
    );
    assert_eq!(by_snils.account.level, Level::Standard);
    assert!(
        h.inbox(PHONE_E164)
            .await
            .iter()
            .any(|m| m.body.contains("стандартной"))
    );
    let events = h
        .service
        .security_events(
            &me,
            Page {
                page: 0,
                per_page: 50,
            },
        )
        .await
        .unwrap();
    assert!(
        events
            .events
            .iter()
            .any(|e| e.kind == "level_changed" && e.actor == "system")
    );
});

service_test!(a_mismatch_names_the_field_and_a_correction_passes, |h| {
    let me = signed_in_citizen(h).await;
    let person = h.registries.people()[2].clone();
    let mut form = form_of(&person);
    form.patronymic = if person.patronymic == "Петрович" {
        "Ильич".into()
    } else {
        "Петрович".into()
    };
    submit(h, &me, form).await.unwrap();
    h.service.run_due_jobs("w").await.unwrap();
    let view = h.service.profile_get(&me, Empty {}).await.unwrap();
    assert_eq!(states(&view), [CheckState::Mismatch, CheckState::Mismatch]);
    assert_eq!(view.checks[0].fields, ["patronymic"]);
    assert_eq!(view.level, Level::Simplified);
    assert!(
        h.inbox(PHONE_E164)
            .await
            .iter()
            .any(|m| m.body.contains("отчество") && !m.body.contains("patronymic"))
    );
    submit(h, &me, form_of(&person)).await.unwrap();
    h.service.run_due_jobs("w").await.unwrap();
    let view = h.service.profile_get(&me, Empty {}).await.unwrap();
    assert_eq!(view.level, Level::Standard);
});

service_test!(an_unavailable_registry_is_retried_with_backoff, |h| {
    let me = signed_in_citizen(h).await;
    submit(h, &me, form_of(&h.registries.people()[3]))
        .await
        .unwrap();
    h.registries.fail_next(2);
    assert_eq!(h.service.run_due_jobs("w").await.unwrap(), 2);
    let view = h.service.profile_get(&me, Empty {}).await.unwrap();
    assert_eq!(
        states(&view),
        [CheckState::Unavailable, CheckState::Unavailable]
    );
    let retry_at = view.checks[0].retry_at.unwrap();
    assert_eq!(retry_at, h.now() + chrono::Duration::minutes(1));
    assert_eq!(
        h.service.run_due_jobs("w").await.unwrap(),
        0,
        "not before its time"
    );
    h.advance(60);
    h.registries.fail_next(1);
    h.service.run_due_jobs("w").await.unwrap();
    let view = h.service.profile_get(&me, Empty {}).await.unwrap();
    let failed_twice = view
        .checks
        .iter()
        .find(|c| c.state == CheckState::Unavailable)
        .unwrap();
    assert_eq!(
        failed_twice.retry_at,
        Some(h.now() + chrono::Duration::minutes(2)),
        "the pause doubles"
    );
    h.advance(120);
    h.service.run_due_jobs("w").await.unwrap();
    let view = h.service.profile_get(&me, Empty {}).await.unwrap();
    assert_eq!(view.level, Level::Standard);
});

service_test!(a_check_whose_worker_died_is_taken_up_after_its_lease, |h| {
    let me = signed_in_citizen(h).await;
    submit(h, &me, form_of(&h.registries.people()[4]))
        .await
        .unwrap();
    // A worker takes both jobs and dies before answering.
    let conn = h.service.store();
    for _ in 0..2 {
        kabinet_store::jobs::lease(
            conn,
            &["registry_check"],
            "crashed",
            h.now(),
            chrono::Duration::minutes(5),
        )
        .await
        .unwrap()
        .unwrap();
    }
    assert_eq!(h.service.run_due_jobs("w2").await.unwrap(), 0);
    h.advance(5 * 60);
    assert_eq!(h.service.run_due_jobs("w2").await.unwrap(), 2);
    assert_eq!(
        h.service.profile_get(&me, Empty {}).await.unwrap().level,
        Level::Standard
    );
});

service_test!(editing_verified_data_warns_then_verifies_again, |h| {
    let me = signed_in_citizen(h).await;
    let person = h.registries.people()[5].clone();
    submit(h, &me, form_of(&person)).await.unwrap();
    h.service.run_due_jobs("w").await.unwrap();
    let mut moved = form_of(&person);
    moved.address.flat = "7".into();
    expect_error(
        submit(h, &me, moved.clone()).await,
        ErrorCode::ReverificationNeeded,
    );
    assert_eq!(
        h.service.profile_get(&me, Empty {}).await.unwrap().level,
        Level::Standard,
        "nothing saved"
    );
    let view = h
        .service
        .profile_submit(
            &me,
            ProfileSubmit {
                profile: moved,
                confirm_reverification: true,
            },
        )
        .await
        .unwrap();
    assert_eq!(view.level, Level::Simplified);
    assert_eq!(states(&view), [CheckState::Queued, CheckState::Queued]);
    expect_error(
        h.sign_in(&device("laptop"), &person.snils, PASSWORD).await,
        ErrorCode::CredentialsInvalid,
    );
    let events = h
        .service
        .security_events(
            &me,
            Page {
                page: 0,
                per_page: 50,
            },
        )
        .await
        .unwrap();
    assert!(
        events
            .events
            .iter()
            .any(|e| e.kind == "verified_data_edited")
    );
    h.service.run_due_jobs("w").await.unwrap();
    assert_eq!(
        h.service.profile_get(&me, Empty {}).await.unwrap().level,
        Level::Standard
    );
    signed_in(
        h.sign_in(&device("laptop"), &person.snils, PASSWORD)
            .await
            .unwrap(),
    );
});

service_test!(a_snils_of_another_account_is_refused, |h| {
    let person = h.registries.people()[6].clone();
    let first = signed_in_citizen(h).await;
    submit(h, &first, form_of(&person)).await.unwrap();
    h.service.run_due_jobs("w").await.unwrap();
    let other_device = device("other");
    let second = h.register(&other_device, "+7 912 000-11-22").await;
    let second = with_session(&other_device, &second.token);
    submit(h, &second, form_of(&person)).await.unwrap();
    h.service.run_due_jobs("w").await.unwrap();
    let view = h.service.profile_get(&second, Empty {}).await.unwrap();
    assert_eq!(view.level, Level::Simplified);
    assert!(
        view.checks.iter().any(|c| c.fields == ["snils_in_use"]),
        "{:?}",
        view.checks
    );
});

service_test!(foreign_citizens_verify_with_a_foreign_passport, |h| {
    let me = signed_in_citizen(h).await;
    let mut person = population(99, 1)[0].clone();
    person.surname = "Mueller".into();
    person.first_name = "Anna".into();
    person.patronymic = String::new();
    person.passport = "C01X00T47".into();
    person.passport_issued_on = "2020-02-01".into();
    h.registries.add(person.clone());
    let mut form = form_of(&person);
    form.citizenship = "DE".into();
    form.passport = PassportForm::default();
    form.foreign_passport = ForeignPassportForm {
        country: "DE".into(),
        number: "C01X00T47".into(),
        issued_on: "01.02.2020".into(),
        expires_on: "31.01.2030".into(),
    };
    submit(h, &me, form).await.unwrap();
    h.service.run_due_jobs("w").await.unwrap();
    assert_eq!(
        h.service.profile_get(&me, Empty {}).await.unwrap().level,
        Level::Standard
    );
});

#[tokio::test]
async fn the_http_registry_adapter_reaches_standard_through_the_simulator_server() {
    let simulator = RegistrySimulator::new(population(11, 20), std::time::Duration::ZERO);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = RegistryServer::start(listener, simulator.clone(), "registry-key")
        .await
        .unwrap();
    let adapter = HttpRegistries::new(
        &server.url(),
        "registry-key",
        std::time::Duration::from_secs(2),
    )
    .unwrap()
    .with_retries(3, std::time::Duration::from_millis(10));
    let db = kabinet_store::testing::TestDb::sqlite().await;
    let clock = Arc::new(kabinet_service::ports::clock::ManualClock::at(t0()));
    let mut ports = Ports::simulated(clock);
    ports.registries = Arc::new(adapter);
    let service = Service::new(db.store.clone(), test_config(), ports).unwrap();
    let laptop = device("laptop");
    let registration = service
        .registration_start(
            &laptop,
            RegistrationStart {
                surname: "Иванова".into(),
                first_name: "Анна".into(),
                contact_kind: ContactKind::Phone,
                contact: PHONE.into(),
                consent: true,
                consent_version: "2026-01".into(),
            },
        )
        .await
        .unwrap();
    service.settle().await;
    let code = six_digits(&service.inbox().unwrap().to(PHONE_E164)[0].body).unwrap();
    service
        .registration_confirm(
            &laptop,
            CodeEntry {
                ticket: registration.ticket.clone(),
                code,
            },
        )
        .await
        .unwrap();
    let session = service
        .registration_set_password(
            &laptop,
            NewPassword {
                ticket: registration.ticket,
                password: PASSWORD.into(),
                password_repeat: PASSWORD.into(),
            },
        )
        .await
        .unwrap();
    let me = with_session(&laptop, &session.token);
    let person = simulator.people()[0].clone();
    // One outage is absorbed by the adapter's own retries.
    simulator.fail_next(1);
    service
        .profile_submit(
            &me,
            ProfileSubmit {
                profile: form_of(&person),
                confirm_reverification: false,
            },
        )
        .await
        .unwrap();
    service.run_due_jobs("w").await.unwrap();
    assert_eq!(
        service.profile_get(&me, Empty {}).await.unwrap().level,
        Level::Standard
    );
    // A wrong key is a definite refusal, reported as unavailable and retried by the queue.
    let wrong =
        HttpRegistries::new(&server.url(), "other", std::time::Duration::from_secs(2)).unwrap();
    use kabinet_service::ports::registry::{PersonQuery, Registries};
    let query = PersonQuery {
        surname: person.surname.clone(),
        first_name: person.first_name.clone(),
        patronymic: person.patronymic.clone(),
        birth_date: person.birth_date.clone(),
        sex: person.sex.clone(),
        snils: person.snils.clone(),
        passport: person.passport.clone(),
        passport_issued_on: person.passport_issued_on.clone(),
    };
    assert!(wrong.check_snils(&query).await.is_err());
    let inn = HttpRegistries::new(
        &server.url(),
        "registry-key",
        std::time::Duration::from_secs(2),
    )
    .unwrap()
    .find_inn(&query)
    .await
    .unwrap();
    assert_eq!(inn, person.inn);
    db.finish().await;
}

service_test!(scans_are_judged_by_content_and_size, |h| {
    use base64::Engine;
    let me = signed_in_citizen(h).await;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let upload = |document, name: &str, bytes: &[u8]| ScanUpload {
        document,
        file_name: name.into(),
        content_base64: b64(bytes),
    };
    let jpeg = include_bytes!("../../../kabinet-core/tests/fixtures/scan.jpg");
    let png = include_bytes!("../../../kabinet-core/tests/fixtures/scan.png");
    let pdf = include_bytes!("../../../kabinet-core/tests/fixtures/scan.pdf");
    let first = h
        .service
        .profile_scan_upload(
            &me,
            upload(ScanDocument::PassportMain, "passport.jpg", jpeg),
        )
        .await
        .unwrap();
    assert_eq!(first.content_type, "image/jpeg");
    assert_eq!(first.size_bytes, jpeg.len() as u64);
    // A JPEG signature in front of something else is a damaged file.
    let forged = h
        .service
        .profile_scan_upload(
            &me,
            upload(
                ScanDocument::PassportMain,
                "passport.jpg",
                b"\xFF\xD8\xFF\xE0<?php",
            ),
        )
        .await
        .unwrap_err();
    assert_eq!(field_rules(&forged, "content"), ["file_damaged"]);
    // A text file named .pdf is not a PDF.
    let fake = h
        .service
        .profile_scan_upload(&me, upload(ScanDocument::Snils, "snils.pdf", b"hello"))
        .await
        .unwrap_err();
    assert_eq!(field_rules(&fake, "content"), ["file_type"]);
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(5 * 1024 * 1024 + 1, b'x');
    let huge = h
        .service
        .profile_scan_upload(&me, upload(ScanDocument::Snils, "snils.pdf", &big))
        .await
        .unwrap_err();
    assert_eq!(field_rules(&huge, "content"), ["file_too_large"]);
    let bad = h
        .service
        .profile_scan_upload(
            &me,
            ScanUpload {
                document: ScanDocument::Snils,
                file_name: String::new(),
                content_base64: "***".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(field_rules(&bad, "content"), ["not_base64"]);
    h.service
        .profile_scan_upload(&me, upload(ScanDocument::Snils, "s", pdf))
        .await
        .unwrap();
    // A new scan of the same document replaces the old one.
    let replaced = h
        .service
        .profile_scan_upload(&me, upload(ScanDocument::PassportMain, "p.png", png))
        .await
        .unwrap();
    let scans = h.service.profile_scans(&me, Empty {}).await.unwrap();
    assert_eq!(scans.scans.len(), 2);
    assert!(
        scans
            .scans
            .iter()
            .any(|s| s.id == replaced.id && s.content_type == "image/png")
    );
    assert!(!scans.scans.iter().any(|s| s.id == first.id));
    h.service
        .profile_scan_delete(&me, ById { id: replaced.id })
        .await
        .unwrap();
    expect_error(
        h.service
            .profile_scan_delete(&me, ById { id: replaced.id })
            .await,
        ErrorCode::NotFound,
    );
    assert_eq!(
        h.service
            .profile_scans(&me, Empty {})
            .await
            .unwrap()
            .scans
            .len(),
        1
    );
});

service_test!(the_tax_registry_finds_the_inn_which_becomes_a_login, |h| {
    let me = signed_in_citizen(h).await;
    expect_error(
        h.service.profile_find_inn(&me, Empty {}).await,
        ErrorCode::NotAllowed,
    );
    let person = h
        .registries
        .people()
        .into_iter()
        .find(|p| p.inn.is_some())
        .unwrap();
    submit(h, &me, form_of(&person)).await.unwrap();
    h.service.run_due_jobs("w").await.unwrap();
    let found = h.service.profile_find_inn(&me, Empty {}).await.unwrap();
    assert_eq!(found.inn, person.inn);
    let view = h.service.profile_get(&me, Empty {}).await.unwrap();
    assert_eq!(view.submitted.unwrap().inn, person.inn.clone().unwrap());
    signed_in(
        h.sign_in(&device("laptop"), &person.inn.unwrap(), PASSWORD)
            .await
            .unwrap(),
    );
    h.registries.fail_next(1);
    let mut without = h
        .registries
        .people()
        .into_iter()
        .find(|p| p.inn.is_none())
        .unwrap();
    without.surname = person.surname.clone();
    let _ = without;
    expect_error(
        h.service.profile_find_inn(&me, Empty {}).await,
        ErrorCode::Unavailable,
    );
});

#[tokio::test]
async fn a_slow_registry_times_out_and_the_check_waits_for_its_retry() {
    let simulator =
        RegistrySimulator::new(population(12, 5), std::time::Duration::from_millis(1500));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = RegistryServer::start(listener, simulator.clone(), "k")
        .await
        .unwrap();
    let adapter = HttpRegistries::new(&server.url(), "k", std::time::Duration::from_millis(300))
        .unwrap()
        .with_retries(2, std::time::Duration::from_millis(10));
    let person = simulator.people()[0].clone();
    let query = kabinet_service::ports::registry::PersonQuery {
        surname: person.surname.clone(),
        first_name: person.first_name.clone(),
        patronymic: person.patronymic.clone(),
        birth_date: person.birth_date.clone(),
        sex: person.sex.clone(),
        snils: person.snils.clone(),
        passport: person.passport.clone(),
        passport_issued_on: person.passport_issued_on.clone(),
    };
    use kabinet_service::ports::registry::Registries;
    let started = std::time::Instant::now();
    assert!(
        adapter.check_snils(&query).await.is_err(),
        "a timeout is unavailable"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_millis(1400),
        "it did not wait for the slow answer"
    );
}
