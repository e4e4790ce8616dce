//! Registration (DOMAIN §3).

use kabinet_api::*;

use crate::support::*;

service_test!(phone_registration_ends_signed_in, |h| {
    let context = device("laptop");
    let started = h.start(&context, PHONE).await.unwrap();
    assert_eq!(started.step, RegistrationStep::ConfirmContact);
    assert_eq!(
        started.code_expires_at,
        Some(h.now() + chrono::Duration::seconds(300))
    );
    assert_eq!(
        started.resend_at,
        Some(h.now() + chrono::Duration::seconds(60))
    );
    assert!(
        !started.contact_masked.contains("345-67"),
        "{}",
        started.contact_masked
    );
    let sms = h.inbox(PHONE_E164).await;
    assert_eq!(sms.len(), 1);
    assert!(sms[0].body.contains("Код"), "Russian text: {}", sms[0].body);
    let code = h.last_code(PHONE_E164).await;
    let confirmed = h
        .service
        .registration_confirm(
            &context,
            CodeEntry {
                ticket: started.ticket.clone(),
                code: code.clone(),
            },
        )
        .await
        .unwrap();
    assert_eq!(confirmed.step, RegistrationStep::SetPassword);
    // The code is single use.
    expect_error(
        h.service
            .registration_confirm(
                &context,
                CodeEntry {
                    ticket: started.ticket.clone(),
                    code,
                },
            )
            .await,
        ErrorCode::WrongStep,
    );
    let session = h
        .service
        .registration_set_password(
            &context,
            NewPassword {
                ticket: started.ticket.clone(),
                password: PASSWORD.into(),
                password_repeat: PASSWORD.into(),
            },
        )
        .await
        .unwrap();
    assert!(session.token.len() >= 43, "256-bit token");
    assert_eq!(session.account.surname, "Иванова");
    assert_eq!(session.account.level, Level::Simplified);
    assert_eq!(session.account.status, AccountStatus::Active);
    let me = h
        .service
        .me(&with_session(&context, &session.token), Empty {})
        .await
        .unwrap();
    assert_eq!(me.id, session.account.id);
    // The ticket is finished.
    expect_error(
        h.service
            .registration_status(
                &context,
                Ticket {
                    ticket: started.ticket,
                },
            )
            .await,
        ErrorCode::FlowExpired,
    );
});

service_test!(every_wrong_field_is_named_and_nothing_is_created, |h| {
    let context = device("laptop");
    let error = h
        .service
        .registration_start(
            &context,
            RegistrationStart {
                surname: "Иванова2".into(),
                first_name: " ".into(),
                contact_kind: ContactKind::Phone,
                contact: "+7 (812) 123-45-67".into(),
                consent: false,
                consent_version: "2026-01".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidInput);
    for field in ["surname", "first_name", "contact", "consent"] {
        assert!(
            !field_rules(&error, field).is_empty(),
            "{field} in {error:?}"
        );
    }
    assert_eq!(field_rules(&error, "consent"), ["consent_required"]);
    assert!(h.inbox(PHONE_E164).await.is_empty());
    // An outdated agreement is refused too.
    let outdated = h
        .service
        .registration_start(
            &context,
            RegistrationStart {
                surname: "Иванова".into(),
                first_name: "Анна".into(),
                contact_kind: ContactKind::Phone,
                contact: PHONE.into(),
                consent: true,
                consent_version: "2019-01".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(field_rules(&outdated, "consent"), ["consent_outdated"]);
});

service_test!(a_used_contact_offers_sign_in_and_creates_nothing, |h| {
    let context = device("laptop");
    h.register(&context, PHONE).await;
    let sent_before = h.inbox(PHONE_E164).await.len();
    // Any writing of the same number.
    let error = h
        .start(&device("other"), "8 912 345 67 89")
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::ContactInUse);
    assert_eq!(h.inbox(PHONE_E164).await.len(), sent_before, "no code sent");
});

service_test!(codes_expire_after_300_seconds, |h| {
    let context = device("laptop");
    let started = h.start(&context, PHONE).await.unwrap();
    let code = h.last_code(PHONE_E164).await;
    h.advance(300);
    expect_error(
        h.service
            .registration_confirm(
                &context,
                CodeEntry {
                    ticket: started.ticket,
                    code,
                },
            )
            .await,
        ErrorCode::CodeExpired,
    );
});

service_test!(three_wrong_codes_spend_the_code, |h| {
    let context = device("laptop");
    let started = h.start(&context, PHONE).await.unwrap();
    let code = h.last_code(PHONE_E164).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let entry = |code: &str| CodeEntry {
        ticket: started.ticket.clone(),
        code: code.into(),
    };
    let first = expect_error(
        h.service.registration_confirm(&context, entry(wrong)).await,
        ErrorCode::CodeWrong,
    );
    assert_eq!(first.remaining, Some(2));
    let second = expect_error(
        h.service.registration_confirm(&context, entry(wrong)).await,
        ErrorCode::CodeWrong,
    );
    assert_eq!(second.remaining, Some(1));
    expect_error(
        h.service.registration_confirm(&context, entry(wrong)).await,
        ErrorCode::CodeAttemptsExhausted,
    );
    expect_error(
        h.service.registration_confirm(&context, entry(&code)).await,
        ErrorCode::CodeAttemptsExhausted,
    );
});

service_test!(a_resend_waits_for_the_cooldown_and_replaces_the_code, |h| {
    let context = device("laptop");
    let started = h.start(&context, PHONE).await.unwrap();
    let old = h.last_code(PHONE_E164).await;
    let ticket = Ticket {
        ticket: started.ticket.clone(),
    };
    let early = expect_error(
        h.service
            .registration_resend(&context, ticket.clone())
            .await,
        ErrorCode::ResendTooSoon,
    );
    assert_eq!(
        early.retry_at,
        Some(h.now() + chrono::Duration::seconds(60))
    );
    h.advance(60);
    let resent = h
        .service
        .registration_resend(&context, ticket)
        .await
        .unwrap();
    assert_eq!(
        resent.resend_at,
        Some(h.now() + chrono::Duration::seconds(60))
    );
    let new = h.last_code(PHONE_E164).await;
    if old != new {
        expect_error(
            h.service
                .registration_confirm(
                    &context,
                    CodeEntry {
                        ticket: started.ticket.clone(),
                        code: old,
                    },
                )
                .await,
            ErrorCode::CodeWrong,
        );
    }
    h.service
        .registration_confirm(
            &context,
            CodeEntry {
                ticket: started.ticket,
                code: new,
            },
        )
        .await
        .unwrap();
});

service_test!(sends_stop_at_the_daily_cap, |h| {
    let context = device("laptop");
    let started = h.start(&context, PHONE).await.unwrap();
    let ticket = Ticket {
        ticket: started.ticket,
    };
    for _ in 1..10 {
        h.advance(61);
        h.service
            .registration_resend(&context, ticket.clone())
            .await
            .unwrap();
    }
    h.advance(61);
    let capped = expect_error(
        h.service
            .registration_resend(&context, ticket.clone())
            .await,
        ErrorCode::SendLimitReached,
    );
    assert!(capped.retry_at.unwrap() > h.now());
    assert_eq!(h.inbox(PHONE_E164).await.len(), 10);
    // Restarting the registration does not get round the cap.
    expect_error(h.start(&context, PHONE).await, ErrorCode::SendLimitReached);
    h.advance(24 * 3600);
    h.service
        .registration_resend(&context, ticket)
        .await
        .unwrap();
});

service_test!(an_interrupted_registration_resumes, |h| {
    let context = device("laptop");
    let started = h.start(&context, PHONE).await.unwrap();
    let code = h.last_code(PHONE_E164).await;
    h.service
        .registration_confirm(
            &context,
            CodeEntry {
                ticket: started.ticket.clone(),
                code,
            },
        )
        .await
        .unwrap();
    // Later, with the ticket kept: the step is the password, the names are kept.
    let status = h
        .service
        .registration_status(
            &context,
            Ticket {
                ticket: started.ticket.clone(),
            },
        )
        .await
        .unwrap();
    assert_eq!(status.step, RegistrationStep::SetPassword);
    assert_eq!(status.first_name, "Анна");
    // With the ticket lost: starting again with the same phone resumes the same account
    // once the phone is proved again.
    h.advance(61);
    let again = h.start(&device("phone"), "89123456789").await.unwrap();
    assert_eq!(again.step, RegistrationStep::ConfirmContact);
    assert_eq!(again.surname, "Иванова");
    let code = h.last_code(PHONE_E164).await;
    h.service
        .registration_confirm(
            &context,
            CodeEntry {
                ticket: again.ticket.clone(),
                code,
            },
        )
        .await
        .unwrap();
    let session = h
        .service
        .registration_set_password(
            &context,
            NewPassword {
                ticket: again.ticket,
                password: PASSWORD.into(),
                password_repeat: PASSWORD.into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(session.account.first_name, "Анна");
    expect_error(
        h.service
            .registration_status(
                &context,
                Ticket {
                    ticket: started.ticket,
                },
            )
            .await,
        ErrorCode::FlowExpired,
    );
});

service_test!(email_registration_by_link_or_code, |h| {
    let context = device("laptop");
    let start = |email: &str| RegistrationStart {
        surname: "Smith".into(),
        first_name: "John".into(),
        contact_kind: ContactKind::Email,
        contact: email.into(),
        consent: true,
        consent_version: "2026-01".into(),
    };
    let started = h
        .service
        .registration_start(&context, start("John.Smith@Example.COM"))
        .await
        .unwrap();
    assert_eq!(
        started.code_expires_at,
        Some(h.now() + chrono::Duration::hours(24))
    );
    let letters = h.inbox("john.smith@example.com").await;
    assert_eq!(letters.len(), 1);
    let letter = &letters[0];
    assert!(!letter.subject.is_empty());
    let token = letter
        .body
        .split("/#/register/confirm/")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("a link in the letter")
        .to_owned();
    // The link opened in another browser gets its own ticket to the password step.
    let other = device("phone");
    let linked = h
        .service
        .registration_confirm_link(
            &other,
            LinkToken {
                token: token.clone(),
            },
        )
        .await
        .unwrap();
    assert_eq!(linked.step, RegistrationStep::SetPassword);
    expect_error(
        h.service
            .registration_confirm_link(&other, LinkToken { token })
            .await,
        ErrorCode::CodeSpent,
    );
    // The first tab moved on too.
    let first = h
        .service
        .registration_status(
            &context,
            Ticket {
                ticket: started.ticket,
            },
        )
        .await
        .unwrap();
    assert_eq!(first.step, RegistrationStep::SetPassword);
    h.service
        .registration_set_password(
            &other,
            NewPassword {
                ticket: linked.ticket,
                password: PASSWORD.into(),
                password_repeat: PASSWORD.into(),
            },
        )
        .await
        .unwrap();
    // The same letter carries a 6-digit code for the desktop app.
    let second = h
        .service
        .registration_start(&context, start("desk@example.com"))
        .await
        .unwrap();
    let code = h.last_code("desk@example.com").await;
    let confirmed = h
        .service
        .registration_confirm(
            &context,
            CodeEntry {
                ticket: second.ticket,
                code,
            },
        )
        .await
        .unwrap();
    assert_eq!(confirmed.step, RegistrationStep::SetPassword);
});

service_test!(the_password_obeys_the_policy_and_is_typed_twice, |h| {
    let context = device("laptop");
    let started = h.start(&context, PHONE).await.unwrap();
    let code = h.last_code(PHONE_E164).await;
    h.service
        .registration_confirm(
            &context,
            CodeEntry {
                ticket: started.ticket.clone(),
                code,
            },
        )
        .await
        .unwrap();
    let attempt = |password: &str, repeat: &str| NewPassword {
        ticket: started.ticket.clone(),
        password: password.into(),
        password_repeat: repeat.into(),
    };
    let differ = h
        .service
        .registration_set_password(&context, attempt(PASSWORD, "Zelenyj-Sad8!"))
        .await
        .unwrap_err();
    assert_eq!(
        field_rules(&differ, "password_repeat"),
        ["passwords_differ"]
    );
    let weak = h
        .service
        .registration_set_password(&context, attempt("aa*", "aa*"))
        .await
        .unwrap_err();
    let rules = field_rules(&weak, "password");
    for rule in [
        "password_too_short",
        "password_needs_upper",
        "password_needs_digit",
        "password_repeated_characters",
        "password_forbidden_characters",
    ] {
        assert!(rules.contains(&rule.to_owned()), "{rule} in {rules:?}");
    }
    let login = h
        .service
        .registration_set_password(&context, attempt("Q!9123456789", "Q!9123456789"))
        .await
        .unwrap_err();
    assert!(field_rules(&login, "password").contains(&"password_contains_login".to_owned()));
    // The live check says the same, rule by rule.
    let check = h
        .service
        .password_check(
            &context,
            PasswordCheckRequest {
                password: "aa*".into(),
                logins: vec![],
            },
        )
        .await
        .unwrap();
    assert!(!check.acceptable);
    assert!(
        check
            .rules
            .iter()
            .any(|r| r.rule == "password_too_short" && !r.met && r.params["min"] == "8")
    );
    assert!(
        check
            .rules
            .iter()
            .any(|r| r.rule == "password_common" && r.met)
    );
    let good = h
        .service
        .password_check(
            &context,
            PasswordCheckRequest {
                password: PASSWORD.into(),
                logins: vec![],
            },
        )
        .await
        .unwrap();
    assert!(good.acceptable && good.rules.iter().all(|r| r.met));
});
