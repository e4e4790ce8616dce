//! Security events, "this wasn't me", notification preferences and history.

use kabinet_api::*;

use crate::support::*;

service_test!(this_wasnt_me_ends_every_session_and_starts_recovery, |h| {
    let laptop = device("laptop");
    let mine = h.register(&laptop, PHONE).await;
    let theirs = signed_in(h.sign_in(&laptop, PHONE, PASSWORD).await.unwrap());
    let me = with_session(&laptop, &mine.token);
    let events = h
        .service
        .security_events(
            &me,
            Page {
                page: 0,
                per_page: 20,
            },
        )
        .await
        .unwrap();
    assert_eq!(events.events[0].kind, "signed_in", "newest first");
    assert!(events.events.windows(2).all(|w| w[0].at >= w[1].at));
    let sent_before = h.inbox(PHONE_E164).await.len();
    let recovery = h
        .service
        .security_event_not_me(
            &me,
            ById {
                id: events.events[0].id,
            },
        )
        .await
        .unwrap();
    assert_eq!(recovery.step, RecoveryStep::Code);
    for token in [&mine.token, &theirs.token] {
        expect_error(
            h.service.me(&with_session(&laptop, token), Empty {}).await,
            ErrorCode::Unauthenticated,
        );
    }
    assert_eq!(
        h.inbox(PHONE_E164).await.len(),
        sent_before + 1,
        "a recovery code was sent"
    );
    let code = h.last_code(PHONE_E164).await;
    let next = h
        .service
        .recovery_confirm(
            &laptop,
            CodeEntry {
                ticket: recovery.ticket,
                code,
            },
        )
        .await
        .unwrap();
    assert_eq!(next.step, RecoveryStep::NewPassword);
    // Another account's event is not found.
    let other = h.register(&device("x"), "+7 912 000-11-22").await;
    expect_error(
        h.service
            .security_event_not_me(
                &with_session(&laptop, &other.token),
                ById {
                    id: events.events[0].id,
                },
            )
            .await,
        ErrorCode::NotFound,
    );
});

service_test!(security_events_page_newest_first, |h| {
    let laptop = device("laptop");
    let session = h.register(&laptop, PHONE).await;
    for _ in 0..3 {
        let _ = h.sign_in(&laptop, PHONE, "Wrong-Pass1!").await;
        h.advance(1);
    }
    let me = with_session(&laptop, &session.token);
    h.service.settle().await; // the failures are recorded after the answers
    let first = h
        .service
        .security_events(
            &me,
            Page {
                page: 0,
                per_page: 2,
            },
        )
        .await
        .unwrap();
    assert_eq!(first.events.len(), 2);
    assert!(first.has_more);
    assert!(first.events.iter().all(|e| e.kind == "sign_in_failed"));
    let second = h
        .service
        .security_events(
            &me,
            Page {
                page: 1,
                per_page: 2,
            },
        )
        .await
        .unwrap();
    assert!(second.events[0].at <= first.events[1].at);
    let all = h
        .service
        .security_events(
            &me,
            Page {
                page: 0,
                per_page: 100,
            },
        )
        .await
        .unwrap();
    let kinds: Vec<&str> = all.events.iter().map(|e| e.kind.as_str()).collect();
    for kind in [
        "registration_started",
        "contact_confirmed",
        "password_set",
        "activated",
        "signed_in",
    ] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
});

service_test!(
    notices_follow_the_preferences_and_the_history_masks_codes,
    |h| {
        let laptop = device("laptop");
        let session = h.register(&laptop, PHONE).await;
        let me = with_session(&laptop, &session.token);
        let defaults = h
            .service
            .notification_preferences(&me, Empty {})
            .await
            .unwrap();
        assert_eq!(defaults.preferences.len(), 9);
        assert!(defaults.preferences.iter().all(|p| p.enabled));
        let changed = h
            .service
            .notification_preferences_set(
                &me,
                NotificationPreferences {
                    preferences: vec![NotificationPreference {
                        category: NotificationCategory::Events,
                        channel: Channel::Sms,
                        enabled: false,
                    }],
                },
            )
            .await
            .unwrap();
        assert!(
            changed
                .preferences
                .iter()
                .any(|p| p.category == NotificationCategory::Events
                    && p.channel == Channel::Sms
                    && !p.enabled)
        );
        let texts_before = h.inbox(PHONE_E164).await.len();
        h.service
            .password_change(
                &me,
                PasswordChange {
                    current_password: PASSWORD.into(),
                    password: "Novyj-Parol5?".into(),
                    password_repeat: "Novyj-Parol5?".into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(
            h.inbox(PHONE_E164).await.len(),
            texts_before,
            "SMS notices are off"
        );
        let history = h
            .service
            .notification_history(
                &me,
                Page {
                    page: 0,
                    per_page: 50,
                },
            )
            .await
            .unwrap();
        let code = history
            .notifications
            .iter()
            .find(|n| n.body.contains("Код подтверждения"))
            .expect("the registration code is in the history");
        assert!(
            code.body.contains("••••••") && six_digits(&code.body).is_none(),
            "{}",
            code.body
        );
        assert!(!code.recipient.contains("345-67"), "{}", code.recipient);
        assert_eq!(code.status, "sent");
        assert!(
            history
                .notifications
                .iter()
                .any(|n| n.subject == "Пароль изменён" && n.channel == Channel::Push)
        );
        assert!(
            !history
                .notifications
                .iter()
                .any(|n| n.subject == "Пароль изменён" && n.channel == Channel::Sms)
        );
    }
);

service_test!(
    a_new_contact_needs_the_password_and_a_code_and_the_old_one_is_told,
    |h| {
        let laptop = device("laptop");
        let session = h.register(&laptop, PHONE).await;
        let me = with_session(&laptop, &session.token);
        let start = |password: &str, kind: ContactKind, contact: &str| ContactChangeStart {
            password: password.into(),
            contact_kind: kind,
            contact: contact.into(),
        };
        expect_error(
            h.service
                .contact_change_start(&me, start("wrong", ContactKind::Email, "anna@example.com"))
                .await,
            ErrorCode::PasswordWrong,
        );
        let bad = h
            .service
            .contact_change_start(&me, start(PASSWORD, ContactKind::Phone, "12"))
            .await
            .unwrap_err();
        assert!(!field_rules(&bad, "contact").is_empty());
        // Adding an e-mail.
        let change = h
            .service
            .contact_change_start(&me, start(PASSWORD, ContactKind::Email, "Anna@Example.com"))
            .await
            .unwrap();
        let code = h.last_code("anna@example.com").await;
        let summary = h
            .service
            .contact_change_confirm(
                &me,
                CodeEntry {
                    ticket: change.ticket,
                    code,
                },
            )
            .await
            .unwrap();
        assert!(summary.email.is_some());
        signed_in(
            h.sign_in(&laptop, "ANNA@example.com", PASSWORD)
                .await
                .unwrap(),
        );
        // Replacing the phone: the new one signs in, the old one no longer does and was told.
        let new_phone = "+7 912 765-43-21";
        let change = h
            .service
            .contact_change_start(&me, start(PASSWORD, ContactKind::Phone, new_phone))
            .await
            .unwrap();
        let code = h.last_code("+79127654321").await;
        h.service
            .contact_change_confirm(
                &me,
                CodeEntry {
                    ticket: change.ticket,
                    code,
                },
            )
            .await
            .unwrap();
        assert!(
            h.inbox(PHONE_E164).await[0].body.contains("заменён"),
            "the old phone is told"
        );
        expect_error(
            h.sign_in(&laptop, PHONE, PASSWORD).await,
            ErrorCode::CredentialsInvalid,
        );
        signed_in(h.sign_in(&laptop, new_phone, PASSWORD).await.unwrap());
        // Someone else's contact is refused.
        let other = h.register(&device("x"), "+7 912 000-11-22").await;
        expect_error(
            h.service
                .contact_change_start(
                    &with_session(&device("x"), &other.token),
                    start(PASSWORD, ContactKind::Phone, new_phone),
                )
                .await,
            ErrorCode::ContactInUse,
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
        assert!(events.events.iter().any(|e| e.kind == "phone_changed"));
        assert!(events.events.iter().any(|e| e.kind == "email_changed"));
    }
);
