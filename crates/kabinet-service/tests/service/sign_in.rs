//! Sign-in (DOMAIN §4): logins in any writing, new devices, second factors, temporary passwords.

use kabinet_api::*;
use kabinet_core::totp::TotpSecret;

use crate::support::*;

service_test!(any_writing_of_the_phone_signs_in_on_a_known_device, |h| {
    let laptop = device("laptop");
    h.register(&laptop, PHONE).await;
    for login in [
        "8 912 345-67-89",
        "+79123456789",
        "7 (912) 3456789",
        "9123456789",
    ] {
        let session = signed_in(h.sign_in(&laptop, login, PASSWORD).await.unwrap());
        assert_eq!(session.account.first_name, "Анна");
    }
});

service_test!(
    a_sign_in_reads_the_login_account_credentials_device_and_contacts_in_one_statement,
    |h| {
        let laptop = device("laptop");
        h.register(&laptop, PHONE).await;
        h.service.settle().await;
        // One read before the password (login, account, credentials, device, contacts), the
        // throttles' read, and the write: BEGIN, the account with its event and change feed
        // entry (one statement on PostgreSQL, three on SQLite, where a statement is a call
        // into the library, not a trip over the network), the session, COMMIT.
        let postgres = h.db().url.starts_with("postgres");
        let trips = if postgres { 6 } else { 8 };
        // A reading that is also a SNILS (11 digits) and one that is not: the same count.
        for login in ["89123456789", PHONE] {
            let before = h.service.store().round_trips();
            signed_in(h.sign_in(&laptop, login, PASSWORD).await.unwrap());
            let spent = h.service.store().round_trips() - before;
            assert_eq!(spent, trips, "{login}: {spent} round trips");
        }
        // A day on, the device's last sighting is written too, once.
        h.advance(24 * 60 * 60);
        for expected in [trips + 1, trips] {
            let before = h.service.store().round_trips();
            signed_in(h.sign_in(&laptop, PHONE, PASSWORD).await.unwrap());
            assert_eq!(h.service.store().round_trips() - before, expected);
        }
    }
);

service_test!(
    wrong_passwords_and_unknown_logins_get_the_same_answer,
    |h| {
        let laptop = device("laptop");
        h.register(&laptop, PHONE).await;
        let wrong = h.sign_in(&laptop, PHONE, "Wrong-Pass1!").await.unwrap_err();
        let unknown = h
            .sign_in(&laptop, "+7 916 000-00-00", PASSWORD)
            .await
            .unwrap_err();
        assert_eq!(wrong.code, ErrorCode::CredentialsInvalid);
        assert_eq!(
            serde_json::to_value(&wrong).unwrap(),
            serde_json::to_value(&unknown).unwrap()
        );
        let format = h
            .sign_in(&laptop, "not a login", PASSWORD)
            .await
            .unwrap_err();
        assert_eq!(field_rules(&format, "login"), ["login_format"]);
    }
);

service_test!(a_new_device_proves_itself_with_an_sms_code, |h| {
    let laptop = device("laptop");
    h.register(&laptop, PHONE).await;
    let phone = device("phone");
    let SignInOutcome::SecondFactor(challenge) = h.sign_in(&phone, PHONE, PASSWORD).await.unwrap()
    else {
        panic!("a new device must be asked for a code");
    };
    assert!(challenge.new_device);
    assert_eq!(challenge.methods, [SecondFactor::Sms]);
    assert!(challenge.sent_to.is_some());
    let code = h.last_code(PHONE_E164).await;
    let session = signed_in(
        h.service
            .sign_in_second_factor(
                &phone,
                SecondFactorEntry {
                    ticket: challenge.ticket,
                    method: SecondFactor::Sms,
                    code,
                },
            )
            .await
            .unwrap(),
    );
    assert_eq!(
        session.account.phone.as_deref().map(|p| p.contains("89")),
        Some(true)
    );
    // Proved once: the next sign-in from it goes straight in, and the citizen was told.
    signed_in(h.sign_in(&phone, PHONE, PASSWORD).await.unwrap());
    let notices = h.inbox(PHONE_E164).await;
    assert!(
        notices.iter().any(|m| m.body.contains("нового устройства")),
        "{notices:?}"
    );
    // The sign-ins are security events with device and address.
    let events = h
        .service
        .security_events(
            &with_session(&phone, &session.token),
            Page {
                page: 0,
                per_page: 50,
            },
        )
        .await
        .unwrap();
    let signed = events
        .events
        .iter()
        .find(|e| e.kind == "signed_in")
        .unwrap();
    assert_eq!(signed.device, "Test browser phone");
    assert_eq!(signed.address, "203.0.113.7");
    assert!(
        events
            .events
            .iter()
            .any(|e| e.kind == "new_device_confirmed")
    );
});

service_test!(sms_second_factor_is_asked_every_time_once_enabled, |h| {
    let laptop = device("laptop");
    let session = h.register(&laptop, PHONE).await;
    let me = with_session(&laptop, &session.token);
    expect_error(
        h.service
            .sms_second_factor_enable(
                &me,
                Reauth {
                    password: "wrong".into(),
                },
            )
            .await,
        ErrorCode::PasswordWrong,
    );
    let settings = h
        .service
        .sms_second_factor_enable(
            &me,
            Reauth {
                password: PASSWORD.into(),
            },
        )
        .await
        .unwrap();
    assert!(settings.sms_second_factor);
    h.advance(61);
    let SignInOutcome::SecondFactor(challenge) = h.sign_in(&laptop, PHONE, PASSWORD).await.unwrap()
    else {
        panic!("2FA must be asked on a known device too");
    };
    assert!(!challenge.new_device);
    let code = h.last_code(PHONE_E164).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    expect_error(
        h.service
            .sign_in_second_factor(
                &laptop,
                SecondFactorEntry {
                    ticket: challenge.ticket.clone(),
                    method: SecondFactor::Sms,
                    code: wrong.into(),
                },
            )
            .await,
        ErrorCode::CodeWrong,
    );
    signed_in(
        h.service
            .sign_in_second_factor(
                &laptop,
                SecondFactorEntry {
                    ticket: challenge.ticket,
                    method: SecondFactor::Sms,
                    code,
                },
            )
            .await
            .unwrap(),
    );
});

service_test!(
    an_authenticator_app_is_a_second_factor_and_codes_do_not_replay,
    |h| {
        let laptop = device("laptop");
        let session = h.register(&laptop, PHONE).await;
        let me = with_session(&laptop, &session.token);
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
        assert!(setup.otpauth_url.starts_with("otpauth://totp/"));
        let secret = TotpSecret(base32(&setup.secret));
        let code_now = |h: &Harness| secret.code_at(h.now().timestamp() as u64).unwrap();
        let wrong = if code_now(h) == "000000" {
            "111111"
        } else {
            "000000"
        };
        let refused = h
            .service
            .totp_setup_confirm(
                &me,
                CodeEntry {
                    ticket: setup.ticket.clone(),
                    code: wrong.into(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(field_rules(&refused, "code"), ["totp_wrong"]);
        let settings = h
            .service
            .totp_setup_confirm(
                &me,
                CodeEntry {
                    ticket: setup.ticket,
                    code: code_now(h),
                },
            )
            .await
            .unwrap();
        assert!(settings.totp_second_factor);
        h.advance(30);
        let SignInOutcome::SecondFactor(challenge) =
            h.sign_in(&laptop, PHONE, PASSWORD).await.unwrap()
        else {
            panic!("TOTP must be asked");
        };
        assert_eq!(challenge.methods, [SecondFactor::Totp]);
        let code = code_now(h);
        signed_in(
            h.service
                .sign_in_second_factor(
                    &laptop,
                    SecondFactorEntry {
                        ticket: challenge.ticket,
                        method: SecondFactor::Totp,
                        code: code.clone(),
                    },
                )
                .await
                .unwrap(),
        );
        let SignInOutcome::SecondFactor(again) = h.sign_in(&laptop, PHONE, PASSWORD).await.unwrap()
        else {
            panic!("TOTP must be asked");
        };
        expect_error(
            h.service
                .sign_in_second_factor(
                    &laptop,
                    SecondFactorEntry {
                        ticket: again.ticket,
                        method: SecondFactor::Totp,
                        code,
                    },
                )
                .await,
            ErrorCode::CodeWrong,
        );
    }
);

service_test!(a_temporary_password_must_be_changed_first, |h| {
    let laptop = device("laptop");
    h.register(&laptop, PHONE).await;
    let desk = h.desk().await;
    let temporary = desk.restore_by_phone(&h.service, PHONE).await.unwrap();
    expect_error(
        h.sign_in(&laptop, PHONE, PASSWORD).await,
        ErrorCode::CredentialsInvalid,
    );
    let SignInOutcome::ChangePassword(ticket) =
        h.sign_in(&laptop, PHONE, &temporary).await.unwrap()
    else {
        panic!("a temporary password must be changed first");
    };
    let same = h
        .service
        .sign_in_change_password(
            &laptop,
            NewPassword {
                ticket: ticket.ticket.clone(),
                password: temporary.clone(),
                password_repeat: temporary.clone(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        field_rules(&same, "password"),
        ["password_same_as_temporary"]
    );
    let session = h
        .service
        .sign_in_change_password(
            &laptop,
            NewPassword {
                ticket: ticket.ticket,
                password: "Novyj-Parol5?".into(),
                password_repeat: "Novyj-Parol5?".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(session.account.status, AccountStatus::Active);
    signed_in(h.sign_in(&laptop, PHONE, "Novyj-Parol5?").await.unwrap());
});

service_test!(snils_inn_and_email_are_logins_too, |h| {
    let laptop = device("laptop");
    let session = h.register(&laptop, PHONE).await;
    // SNILS and INN become logins with the standard level (issue 6); stand them in directly,
    // through the store's one write path.
    let store = h.service.store();
    let account = kabinet_store::accounts::find_account(store, session.account.id)
        .await
        .unwrap()
        .unwrap();
    let version = account.state.version as i64;
    store
        .write_account(kabinet_store::AccountWrite {
            expected_seq: version,
            events: vec![kabinet_store::event_log::NewEvent {
                kind: "security_action".into(),
                payload: serde_json::json!({"action": "inn_added"}),
                actor: serde_json::json!({"kind": "system"}),
                origin: "test".into(),
                at: h.now(),
            }],
            account: kabinet_store::StoredAccount {
                state: kabinet_core::account::Account {
                    version: account.state.version + 1,
                    ..account.state.clone()
                },
                ..account
            },
            claim_logins: vec![
                ("snils".into(), "11223344595".into()),
                ("inn".into(), "500100732259".into()),
            ],
            release_logins: vec![],
        })
        .await
        .unwrap();
    for login in ["112-233-445 95", "11223344595", "500100732259"] {
        let signed = signed_in(h.sign_in(&laptop, login, PASSWORD).await.unwrap());
        assert_eq!(signed.account.id, session.account.id, "{login}");
        let recovery = h
            .service
            .recovery_start(
                &laptop,
                RecoveryStart {
                    login: login.into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(recovery.step, RecoveryStep::Code);
        h.advance(61);
    }
    assert!(
        h.inbox(PHONE_E164)
            .await
            .iter()
            .filter(|m| m.body.contains("восстановления"))
            .count()
            >= 3
    );
});

service_test!(an_email_account_recovers_by_email, |h| {
    let laptop = device("laptop");
    let started = h
        .service
        .registration_start(
            &laptop,
            RegistrationStart {
                surname: "Smith".into(),
                first_name: "John".into(),
                contact_kind: ContactKind::Email,
                contact: "john@example.com".into(),
                consent: true,
                consent_version: "2026-01".into(),
            },
        )
        .await
        .unwrap();
    let code = h.last_code("john@example.com").await;
    h.service
        .registration_confirm(
            &laptop,
            CodeEntry {
                ticket: started.ticket.clone(),
                code,
            },
        )
        .await
        .unwrap();
    h.service
        .registration_set_password(
            &laptop,
            NewPassword {
                ticket: started.ticket,
                password: PASSWORD.into(),
                password_repeat: PASSWORD.into(),
            },
        )
        .await
        .unwrap();
    // A new device without a phone proves itself by an e-mail code.
    let SignInOutcome::SecondFactor(challenge) = h
        .sign_in(&device("tablet"), "JOHN@example.com", PASSWORD)
        .await
        .unwrap()
    else {
        panic!("a new device must prove itself");
    };
    assert_eq!(challenge.methods, [SecondFactor::Email]);
    let code = h.last_code("john@example.com").await;
    signed_in(
        h.service
            .sign_in_second_factor(
                &device("tablet"),
                SecondFactorEntry {
                    ticket: challenge.ticket,
                    method: SecondFactor::Email,
                    code,
                },
            )
            .await
            .unwrap(),
    );
    let recovery = h
        .service
        .recovery_start(
            &laptop,
            RecoveryStart {
                login: "john@example.com".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        recovery.code_expires_at,
        Some(h.now() + chrono::Duration::seconds(300)),
        "same expiry as SMS"
    );
    let code = h.last_code("john@example.com").await;
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
});

/// `n` sign-ins of one login from one device, all at once.
async fn at_once(
    h: &Harness,
    n: usize,
    login: &str,
    password: &str,
) -> Vec<Result<SignInOutcome, ApiError>> {
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (service, laptop) = (h.service.clone(), device("laptop"));
            let request = SignInRequest {
                login: login.into(),
                password: password.into(),
            };
            tokio::spawn(async move { service.sign_in(&laptop, request).await })
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    outcomes
}

service_test!(
    one_citizen_signing_in_from_several_places_at_once_gets_in_everywhere,
    |h| {
        // Two tabs, a phone and a PC: sign-ins of one account that race on its version are
        // retried inside the service, never answered with a conflict.
        h.register(&device("laptop"), "+79123450099").await;
        for outcome in at_once(h, 6, "+79123450099", PASSWORD).await {
            assert!(
                matches!(outcome, Ok(SignInOutcome::SignedIn(_))),
                "{outcome:?}"
            );
        }
        // And wrong passwords racing each other are each counted as what they are.
        for outcome in at_once(h, 3, "+79123450099", "Nepravilnyj-1!").await {
            let error = outcome.unwrap_err();
            assert_eq!(error.code, ErrorCode::CredentialsInvalid, "{error:?}");
        }
    }
);

service_test!(a_send_cooldown_never_refuses_a_right_password, |h| {
    let laptop = device("laptop");
    h.register(&laptop, PHONE).await;
    // Two new devices sign in within the minute: the second must not be told "too soon".
    let SignInOutcome::SecondFactor(first) =
        h.sign_in(&device("phone"), PHONE, PASSWORD).await.unwrap()
    else {
        panic!("a new device must be asked for a code");
    };
    assert!(first.sent_to.is_some());
    let SignInOutcome::SecondFactor(second) =
        h.sign_in(&device("tablet"), PHONE, PASSWORD).await.unwrap()
    else {
        panic!("the right password goes on to the code, cooldown or not");
    };
    assert!(second.sent_to.is_none(), "no code sent inside the cooldown");
    let resend_at = second.resend_at.expect("it says when a code can be sent");
    assert!(resend_at > h.now());
    // When the cooldown is over, the tablet asks and gets its own code.
    h.advance((resend_at - h.now()).num_seconds() + 1);
    let resent = h
        .service
        .sign_in_resend(
            &device("tablet"),
            Ticket {
                ticket: second.ticket.clone(),
            },
        )
        .await
        .unwrap();
    let SignInOutcome::SecondFactor(resent) = resent else {
        panic!("a resend answers with the challenge");
    };
    assert!(resent.sent_to.is_some());
    let code = h.last_code(PHONE_E164).await;
    signed_in(
        h.service
            .sign_in_second_factor(
                &device("tablet"),
                SecondFactorEntry {
                    ticket: second.ticket,
                    method: SecondFactor::Sms,
                    code,
                },
            )
            .await
            .unwrap(),
    );
});
