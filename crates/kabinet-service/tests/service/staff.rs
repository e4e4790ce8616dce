//! The service centre's procedures at the desk, on both databases: registration in person to
//! Confirmed in one visit (with a phone and without), search, the citizen's card, restoring
//! access, blocks, four-eyes requests, centres' hours, and what the citizen sees of it.

use kabinet_api::*;
use kabinet_core::totp::TotpSecret;
use kabinet_service::testing::Desk;

use crate::profile::form_of;
use crate::support::*;

async fn search(
    h: &Harness,
    desk: &Desk,
    by: SearchBy,
    value: &str,
) -> Result<CitizenMatch, ApiError> {
    h.service
        .citizen_search(
            &desk.context,
            CitizenSearch {
                by,
                value: value.into(),
            },
        )
        .await
}

async fn card(h: &Harness, desk: &Desk, account_id: uuid::Uuid) -> CitizenCard {
    h.service
        .citizen_card(&desk.context, ForAccount { account_id })
        .await
        .unwrap()
}

async fn sign_in_with(h: &Harness, login: &str, password: &str) -> Result<SignInOutcome, ApiError> {
    h.service
        .sign_in(
            &device("citizen-laptop"),
            SignInRequest {
                login: login.into(),
                password: password.into(),
            },
        )
        .await
}

service_test!(registered_in_person_and_confirmed_in_one_visit, |h| {
    let desk = h.desk().await;
    let person = h.registries.people()[3].clone();
    let phone = "+79161112233";
    let ticket = h
        .service
        .citizen_register_phone(
            &desk.context,
            InPersonPhone {
                phone: "8 916 111-22-33".into(),
            },
        )
        .await
        .unwrap();
    // The citizen reads the code off their phone; a wrong one is named on its field.
    let wrong = expect_error(
        h.service
            .citizen_register(
                &desk.context,
                InPersonRegistration {
                    profile: form_of(&person),
                    phone_ticket: ticket.ticket.clone(),
                    phone_code: "000000".into(),
                    phone_later: String::new(),
                },
            )
            .await,
        ErrorCode::CodeWrong,
    );
    assert_eq!(field_rules(&wrong, "phone_code"), ["code_wrong"]);
    let code = h.last_code(phone).await;
    let registered = h
        .service
        .citizen_register(
            &desk.context,
            InPersonRegistration {
                profile: form_of(&person),
                phone_ticket: ticket.ticket,
                phone_code: code,
                phone_later: String::new(),
            },
        )
        .await
        .unwrap();
    let account_id = registered.card.citizen.account_id;
    assert_eq!(registered.temporary_password.len(), 12);
    assert_eq!(registered.card.citizen.level, Level::Simplified);
    assert!(registered.card.temporary_password);
    // The registries answer while the citizen waits; then the operator confirms.
    h.service.run_due_jobs("desk").await.unwrap();
    let checked = card(h, &desk, account_id).await;
    assert_eq!(checked.citizen.level, Level::Standard);
    assert!(checked.checks.iter().all(|c| c.state == CheckState::Passed));
    let confirmed = h
        .service
        .identity_confirm_in_person(
            &desk.context,
            InPersonConfirmation {
                account_id,
                documents: vec!["passport".into(), "snils".into()],
            },
        )
        .await
        .unwrap();
    assert_eq!(confirmed.citizen.level, Level::Confirmed);
    assert_eq!(confirmed.confirmation.as_deref(), Some("in_person"));
    // At home: the phone and the printed password, then a password of their own.
    let SignInOutcome::ChangePassword(change) =
        sign_in_with(h, phone, &registered.temporary_password)
            .await
            .unwrap()
    else {
        panic!("the printed password must be replaced first");
    };
    let signed = h
        .service
        .sign_in_change_password(
            &device("citizen-laptop"),
            NewPassword {
                ticket: change.ticket,
                password: PASSWORD.into(),
                password_repeat: PASSWORD.into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(signed.account.level, Level::Confirmed);
    // What the citizen sees: who did it, where.
    let me = with_session(&device("citizen-laptop"), &signed.token);
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
        .unwrap()
        .events;
    for kind in ["registered_in_person", "identity_confirmed"] {
        let event = events.iter().find(|e| e.kind == kind).unwrap();
        let staff = event
            .by_staff
            .as_ref()
            .expect("a staff action names its centre");
        assert_eq!(staff.centre, "МФЦ района Тверской");
        assert_eq!(staff.staff_number, "4512");
        assert!(!staff.workstation.is_empty());
    }
    // The same person cannot be registered twice.
    let twice = expect_error(
        h.service
            .citizen_register(
                &desk.context,
                InPersonRegistration {
                    profile: form_of(&person),
                    phone_ticket: String::new(),
                    phone_code: String::new(),
                    phone_later: String::new(),
                },
            )
            .await,
        ErrorCode::InvalidInput,
    );
    assert_eq!(field_rules(&twice, "snils"), ["snils_in_use"]);
});

service_test!(
    registered_in_person_without_a_phone_signs_in_by_snils,
    |h| {
        let desk = h.desk().await;
        let person = h.registries.people()[4].clone();
        let registered = h
            .service
            .citizen_register(
                &desk.context,
                InPersonRegistration {
                    profile: form_of(&person),
                    phone_ticket: String::new(),
                    phone_code: String::new(),
                    phone_later: String::new(),
                },
            )
            .await
            .unwrap();
        assert_eq!(registered.card.citizen.phone, "");
        h.service.run_due_jobs("desk").await.unwrap();
        // The SNILS became a login with the checks; the printed password must be replaced.
        let outcome = sign_in_with(h, &person.snils, &registered.temporary_password)
            .await
            .unwrap();
        assert!(
            matches!(outcome, SignInOutcome::ChangePassword(_)),
            "{outcome:?}"
        );
        // Bad input at the desk: every wrong field named, nothing made.
        let mut form = form_of(&h.registries.people()[5]);
        form.snils = "123-456-789 00".into();
        form.birth_date = "31.02.1990".into();
        let bad = expect_error(
            h.service
                .citizen_register(
                    &desk.context,
                    InPersonRegistration {
                        profile: form,
                        phone_ticket: String::new(),
                        phone_code: String::new(),
                        phone_later: String::new(),
                    },
                )
                .await,
            ErrorCode::InvalidInput,
        );
        assert!(!field_rules(&bad, "snils").is_empty(), "{bad:?}");
        assert!(!field_rules(&bad, "birth_date").is_empty(), "{bad:?}");
    }
);

service_test!(
    search_finds_one_masked_citizen_and_refuses_partial_values,
    |h| {
        let desk = h.desk().await;
        let laptop = device("laptop");
        let signed = h.register(&laptop, PHONE).await;
        let found = search(h, &desk, SearchBy::Phone, "8 (912) 345-67-89")
            .await
            .unwrap()
            .citizen
            .unwrap();
        assert_eq!(found.account_id, signed.account.id);
        assert_eq!(found.name, "Анна И.");
        assert!(!found.phone.contains("345-67"), "masked: {}", found.phone);
        assert!(
            search(h, &desk, SearchBy::Email, "nobody@example.ru")
                .await
                .unwrap()
                .citizen
                .is_none()
        );
        for (by, partial) in [
            (SearchBy::Snils, "123-456"),
            (SearchBy::Phone, "912"),
            (SearchBy::Email, "anna@"),
            (SearchBy::Passport, "4510 12"),
            (SearchBy::Passport, "4510 ABCDEF"),
        ] {
            let e = expect_error(search(h, &desk, by, partial).await, ErrorCode::InvalidInput);
            assert!(!field_rules(&e, "value").is_empty(), "{partial}: {e:?}");
        }
        // A verified passport is found by series and number.
        let me = with_session(&laptop, &signed.token);
        let person = h.registries.people()[0].clone();
        h.service
            .profile_submit(
                &me,
                ProfileSubmit {
                    profile: form_of(&person),
                    confirm_reverification: false,
                },
            )
            .await
            .unwrap();
        h.service.run_due_jobs("w").await.unwrap();
        let by_passport = format!("{} {}", &person.passport[..4], &person.passport[4..]);
        let found = search(h, &desk, SearchBy::Passport, &by_passport)
            .await
            .unwrap()
            .citizen
            .unwrap();
        assert_eq!(found.level, Level::Standard);
        // Searches are counted per operator.
        let mut refused = None;
        for _ in 0..40 {
            if let Err(e) = search(h, &desk, SearchBy::Phone, PHONE).await {
                refused = Some(e);
                break;
            }
        }
        let refused = refused.expect("the search limit");
        assert_eq!(refused.code, ErrorCode::TooManyRequests);
        assert!(refused.retry_at.is_some());
        // Every search is in the audit log with whom it found (the value typed is not kept).
        let entries = kabinet_store::staff::audit(
            h.service.store(),
            &kabinet_store::staff::AuditQuery {
                action: Some("citizen_search".into()),
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(
            entries
                .iter()
                .any(|e| e.account_id == Some(signed.account.id) && e.outcome == "ok")
        );
        assert!(entries.iter().any(|e| e.outcome == "invalid_input"));
        assert!(entries.iter().any(|e| e.outcome == "too_many_requests"));
        assert!(
            entries
                .iter()
                .all(|e| !e.detail.to_string().contains("345"))
        );
    }
);

service_test!(
    restoring_access_keeps_the_level_and_resets_what_was_lost,
    |h| {
        let desk = h.desk().await;
        let laptop = device("laptop");
        let signed = h.register(&laptop, PHONE).await;
        let me = with_session(&laptop, &signed.token);
        // The citizen had an authenticator, and lost the phone it was on.
        let setup = h
            .service
            .totp_setup_begin(
                &me,
                Reauth {
                    password: PASSWORD.into(),
                },
            )
            .await
            .unwrap();
        let secret = TotpSecret(base32(&setup.secret));
        let code = secret.code_at(h.now().timestamp() as u64).unwrap();
        h.service
            .totp_setup_confirm(
                &me,
                CodeEntry {
                    ticket: setup.ticket,
                    code,
                },
            )
            .await
            .unwrap();
        let account_id = signed.account.id;
        let restored = h
            .service
            .access_restore(
                &desk.context,
                AccessRestore {
                    account_id,
                    documents: vec!["passport".into()],
                },
            )
            .await
            .unwrap();
        assert!(
            restored.approval.is_none(),
            "a simplified account needs no second person"
        );
        // Every session ended.
        expect_error(
            h.service.me(&me, Empty {}).await,
            ErrorCode::Unauthenticated,
        );
        // The printed password, then a new one; no authenticator code is asked for.
        let SignInOutcome::ChangePassword(change) =
            sign_in_with(h, PHONE, &restored.temporary_password)
                .await
                .unwrap()
        else {
            panic!("the temporary password must be changed first");
        };
        let fresh = "Novyj-Parol-8?";
        let signed = h
            .service
            .sign_in_change_password(
                &device("citizen-laptop"),
                NewPassword {
                    ticket: change.ticket,
                    password: fresh.into(),
                    password_repeat: fresh.into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(signed.account.level, Level::Simplified);
        let me = with_session(&device("citizen-laptop"), &signed.token);
        let settings = h.service.security_settings(&me, Empty {}).await.unwrap();
        assert!(!settings.totp_second_factor && !settings.sms_second_factor);
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
            .unwrap()
            .events;
        assert!(
            events
                .iter()
                .any(|e| e.kind == "second_factors_reset" && e.by_staff.is_some())
        );
    }
);

service_test!(four_eyes_for_a_confirmed_restore_and_an_unblock, |h| {
    let centre = h.centre().await;
    let maker = centre
        .staff(
            &h.service,
            &h.service,
            "4512",
            &[
                Scope::CitizenSearch,
                Scope::AccessRestore,
                Scope::AccountBlock,
                Scope::ApprovalGrant,
                Scope::IdentityConfirm,
            ],
        )
        .await
        .unwrap();
    let bystander = centre
        .staff(&h.service, &h.service, "4513", &[Scope::CitizenSearch])
        .await
        .unwrap();
    let checker = centre
        .staff(&h.service, &h.service, "4514", &[Scope::ApprovalGrant])
        .await
        .unwrap();
    // A Confirmed citizen.
    let laptop = device("laptop");
    let signed = h.register(&laptop, PHONE).await;
    let me = with_session(&laptop, &signed.token);
    let person = h.registries.people()[0].clone();
    h.service
        .profile_submit(
            &me,
            ProfileSubmit {
                profile: form_of(&person),
                confirm_reverification: false,
            },
        )
        .await
        .unwrap();
    h.service.run_due_jobs("w").await.unwrap();
    maker
        .confirm_in_person(&h.service, &person.snils, &["passport"])
        .await
        .unwrap();
    let account_id = signed.account.id;

    let asked = h
        .service
        .access_restore(
            &maker.context,
            AccessRestore {
                account_id,
                documents: vec!["passport".into()],
            },
        )
        .await
        .unwrap();
    assert!(
        asked.temporary_password.is_empty(),
        "nothing before a second person agrees"
    );
    let approval = asked.approval.unwrap();
    assert_eq!(approval.kind, "restore_confirmed");
    assert_eq!(approval.maker, "4512");
    let decide = |approve: bool| ApprovalDecision {
        id: approval.id,
        approve,
        reason: String::new(),
    };
    // The maker can never approve their own request, even holding approval:grant.
    expect_error(
        h.service
            .approval_decide(&maker.context, decide(true))
            .await,
        ErrorCode::Forbidden,
    );
    // Without approval:grant, no one may.
    expect_error(
        h.service
            .approval_decide(&bystander.context, decide(true))
            .await,
        ErrorCode::Forbidden,
    );
    // The queue shows it to a checker.
    let queue = h
        .service
        .approvals_list(&checker.context, Empty {})
        .await
        .unwrap();
    assert_eq!(queue.approvals.len(), 1);
    // A rejection needs a reason.
    let no_reason = expect_error(
        h.service
            .approval_decide(&checker.context, decide(false))
            .await,
        ErrorCode::InvalidInput,
    );
    assert_eq!(field_rules(&no_reason, "reason"), ["required"]);
    let done = h
        .service
        .approval_decide(&checker.context, decide(true))
        .await
        .unwrap();
    assert_eq!(done.approval.status, "approved");
    assert_eq!(done.temporary_password.len(), 12);
    // Decided once.
    expect_error(
        h.service
            .approval_decide(&checker.context, decide(true))
            .await,
        ErrorCode::NotAllowed,
    );
    let outcome = sign_in_with(h, PHONE, &done.temporary_password)
        .await
        .unwrap();
    assert!(matches!(outcome, SignInOutcome::ChangePassword(_)));
    assert_eq!(
        card(h, &maker, account_id).await.citizen.level,
        Level::Confirmed,
        "the level is kept"
    );

    // A block ends the sessions at once; lifting it takes two people.
    let blocked = h
        .service
        .account_block(
            &maker.context,
            AccountBlockRequest {
                account_id,
                reason: "Заявление гражданина об утере паспорта".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(blocked.citizen.status, AccountStatus::Blocked);
    expect_error(
        sign_in_with(h, PHONE, &done.temporary_password).await,
        ErrorCode::AccountBlocked,
    );
    let unblock = h
        .service
        .account_unblock(
            &maker.context,
            AccountBlockRequest {
                account_id,
                reason: "Паспорт найден".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        card(h, &maker, account_id).await.citizen.status,
        AccountStatus::Blocked,
        "still blocked until approved"
    );
    // An undecided request expires.
    h.advance(25 * 3600);
    let mut checker = checker;
    checker
        .keep_signed_in(&h.service, &h.service)
        .await
        .unwrap();
    expect_error(
        h.service
            .approval_decide(
                &checker.context,
                ApprovalDecision {
                    id: unblock.id,
                    approve: true,
                    reason: String::new(),
                },
            )
            .await,
        ErrorCode::NotAllowed,
    );
    let mut maker = maker;
    maker.keep_signed_in(&h.service, &h.service).await.unwrap();
    let again = h
        .service
        .account_unblock(
            &maker.context,
            AccountBlockRequest {
                account_id,
                reason: "Паспорт найден".into(),
            },
        )
        .await
        .unwrap();
    h.service
        .approval_decide(
            &checker.context,
            ApprovalDecision {
                id: again.id,
                approve: true,
                reason: String::new(),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        card(h, &maker, account_id).await.citizen.status,
        AccountStatus::Active
    );
    // The audit log names who asked and who decided.
    let admin_audit = h.service.store();
    let entries = kabinet_store::staff::audit(
        admin_audit,
        &kabinet_store::staff::AuditQuery {
            action: Some("approval_decide".into()),
            limit: 50,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e.personnel_number == "4514" && e.outcome == "ok")
    );
    assert!(
        entries
            .iter()
            .any(|e| e.personnel_number == "4512" && e.outcome == "forbidden")
    );
});

service_test!(centres_hours_are_checked_field_by_field, |h| {
    let centre = h.centre().await;
    let bad = expect_error(
        h.service
            .centre_save(
                &centre.admin,
                CentreForm {
                    id: None,
                    name: " ".into(),
                    address: "Москва".into(),
                    services: vec![],
                    week: vec![
                        Some(DayHours {
                            opens: "18:00".into(),
                            closes: "09:00".into(),
                        }),
                        Some(DayHours {
                            opens: "9".into(),
                            closes: "18:00".into(),
                        }),
                        None,
                        None,
                        None,
                        None,
                        None,
                    ],
                    exceptions: vec![HoursException {
                        date: "2026-12-31".into(),
                        hours: None,
                    }],
                    utc_offset_minutes: 180,
                },
            )
            .await,
        ErrorCode::InvalidInput,
    );
    assert_eq!(field_rules(&bad, "name"), ["required"]);
    assert_eq!(field_rules(&bad, "week.0"), ["hours_order"]);
    assert_eq!(field_rules(&bad, "week.1"), ["time"]);
    assert_eq!(field_rules(&bad, "exceptions.0.date"), ["date_format"]);
    // The directory says whether a centre is open, in its own time, holidays included.
    let day = || {
        Some(DayHours {
            opens: "09:00".into(),
            closes: "18:00".into(),
        })
    };
    let saved = h
        .service
        .centre_save(
            &centre.admin,
            CentreForm {
                id: None,
                name: "МФЦ района Арбат".into(),
                address: "Москва, Новый Арбат, 36".into(),
                services: vec!["registration".into()],
                week: vec![day(), day(), day(), day(), day(), None, None],
                exceptions: vec![HoursException {
                    date: "26.11.2026".into(),
                    hours: None,
                }],
                utc_offset_minutes: 180,
            },
        )
        .await
        .unwrap();
    // t0 is Wednesday 25 November, 12:00 in Moscow.
    assert!(saved.open_now);
    let open = |centres: &Centres| {
        centres
            .centres
            .iter()
            .find(|c| c.id == saved.id)
            .unwrap()
            .open_now
    };
    h.advance(24 * 3600); // Thursday 26 November: a holiday
    assert!(!open(
        &h.service
            .centres_list(&device("x"), Empty {})
            .await
            .unwrap()
    ));
    h.advance(24 * 3600); // Friday
    assert!(open(
        &h.service
            .centres_list(&device("x"), Empty {})
            .await
            .unwrap()
    ));
    h.advance(8 * 3600); // Friday 20:00 in Moscow
    assert!(!open(
        &h.service
            .centres_list(&device("x"), Empty {})
            .await
            .unwrap()
    ));
});

service_test!(
    a_confirmed_citizens_new_passport_waits_for_a_second_person,
    |h| {
        let centre = h.centre().await;
        let maker = centre
            .staff(
                &h.service,
                &h.service,
                "4512",
                &[Scope::CitizenSearch, Scope::IdentityConfirm],
            )
            .await
            .unwrap();
        let checker = centre
            .staff(&h.service, &h.service, "4514", &[Scope::ApprovalGrant])
            .await
            .unwrap();
        let laptop = device("laptop");
        let signed = h.register(&laptop, PHONE).await;
        let me = with_session(&laptop, &signed.token);
        let person = h.registries.people()[1].clone();
        h.service
            .profile_submit(
                &me,
                ProfileSubmit {
                    profile: form_of(&person),
                    confirm_reverification: false,
                },
            )
            .await
            .unwrap();
        h.service.run_due_jobs("w").await.unwrap();
        maker
            .confirm_in_person(&h.service, &person.snils, &["passport"])
            .await
            .unwrap();
        let account_id = signed.account.id;
        // The citizen brings a new passport; the registries know it.
        let renewed = kabinet_service::ports::registry::Person {
            passport: "4521999888".into(),
            ..person.clone()
        };
        h.registries.add(renewed.clone());
        let change = |profile: ProfileForm| IdentityDocumentsChange {
            account_id,
            profile,
            documents: vec!["passport".into()],
        };
        let same = expect_error(
            h.service
                .identity_documents_change(&maker.context, change(form_of(&person)))
                .await,
            ErrorCode::InvalidInput,
        );
        assert_eq!(
            field_rules(&same, "snils"),
            ["identity_documents_unchanged"]
        );
        let asked = h
            .service
            .identity_documents_change(&maker.context, change(form_of(&renewed)))
            .await
            .unwrap();
        assert!(
            asked.card.is_none(),
            "nothing changes before a second person agrees"
        );
        let approval = asked.approval.unwrap();
        assert_eq!(approval.kind, "identity_document_change");
        assert_eq!(
            card(h, &maker, account_id).await.citizen.level,
            Level::Confirmed
        );
        expect_error(
            h.service
                .approval_decide(
                    &maker.context,
                    ApprovalDecision {
                        id: approval.id,
                        approve: true,
                        reason: String::new(),
                    },
                )
                .await,
            ErrorCode::Forbidden,
        );
        h.service
            .approval_decide(
                &checker.context,
                ApprovalDecision {
                    id: approval.id,
                    approve: true,
                    reason: String::new(),
                },
            )
            .await
            .unwrap();
        // The new passport is checked again; the confirmation (same SNILS) is kept through it.
        let checking = card(h, &maker, account_id).await;
        assert_eq!(checking.citizen.level, Level::Simplified);
        assert_eq!(checking.confirmation.as_deref(), Some("in_person"));
        h.service.run_due_jobs("w").await.unwrap();
        assert_eq!(
            card(h, &maker, account_id).await.citizen.level,
            Level::Confirmed
        );
        // The passport login moved with it.
        let find = |passport: &str| CitizenSearch {
            by: SearchBy::Passport,
            value: passport.to_owned(),
        };
        let found = h
            .service
            .citizen_search(&maker.context, find(&renewed.passport))
            .await
            .unwrap();
        assert!(found.citizen.is_some());
        let old = h
            .service
            .citizen_search(&maker.context, find(&person.passport))
            .await
            .unwrap();
        assert!(old.citizen.is_none());
    }
);
