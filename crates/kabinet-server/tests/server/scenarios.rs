//! The citizen's journey and its error paths, written once against [`kabinet_api::Api`] and run
//! in-process and over HTTP, on SQLite and PostgreSQL: what the service answers, the wire
//! answers identically — values, error codes, fields, attempts left, retry times.

use kabinet_api::*;
use kabinet_service::ports::bank::BankClaims;

use crate::support::*;

const PHONE: &str = "+7 (912) 345-67-89";
const PHONE_E164: &str = "+79123456789";

scenario!(register_sign_out_sign_in_with_2fa_and_recover, |w| {
    let api = &w.api;
    let laptop = device("laptop");
    let info = api.app_info(&laptop, Empty {}).await.unwrap();
    assert!(info.simulators);
    let session = w.register(&laptop, "8 (912) 345-67-89").await;
    let me = with_session(&laptop, &session.token);
    assert_eq!(api.me(&me, Empty {}).await.unwrap().surname, "Иванова");
    api.sms_second_factor_enable(
        &me,
        Reauth {
            password: PASSWORD.into(),
        },
    )
    .await
    .unwrap();
    api.sign_out(&me, Empty {}).await.unwrap();
    expect_error(api.me(&me, Empty {}).await, ErrorCode::Unauthenticated);

    w.advance(61);
    let SignInOutcome::SecondFactor(challenge) =
        w.sign_in(&laptop, PHONE_E164, PASSWORD).await.unwrap()
    else {
        panic!("the second factor must be asked");
    };
    let code = w.last_code(PHONE_E164).await;
    let session = signed_in(
        api.sign_in_second_factor(
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
    let me = with_session(&laptop, &session.token);
    let sessions = api.sessions_list(&me, Empty {}).await.unwrap();
    assert_eq!(sessions.sessions.iter().filter(|s| s.current).count(), 1);

    w.advance(61);
    let recovery = api
        .recovery_start(
            &laptop,
            RecoveryStart {
                login: "89123456789".into(),
            },
        )
        .await
        .unwrap();
    let code = w.last_code(PHONE_E164).await;
    api.recovery_confirm(
        &laptop,
        CodeEntry {
            ticket: recovery.ticket.clone(),
            code,
        },
    )
    .await
    .unwrap();
    api.recovery_set_password(
        &laptop,
        NewPassword {
            ticket: recovery.ticket,
            password: "Novyj-Parol5?".into(),
            password_repeat: "Novyj-Parol5?".into(),
        },
    )
    .await
    .unwrap();
    // The recovery ended every session.
    expect_error(api.me(&me, Empty {}).await, ErrorCode::Unauthenticated);
    w.advance(61);
    let SignInOutcome::SecondFactor(challenge) =
        w.sign_in(&laptop, PHONE, "Novyj-Parol5?").await.unwrap()
    else {
        panic!("the second factor stays on after recovery");
    };
    let code = w.last_code(PHONE_E164).await;
    signed_in(
        api.sign_in_second_factor(
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
    let events = api
        .security_events(
            &with_session(&laptop, &session.token),
            Page {
                page: 0,
                per_page: 20,
            },
        )
        .await;
    expect_error(events, ErrorCode::Unauthenticated);
});

use kabinet_service::testing::form_of;

scenario!(
    profile_to_standard_then_confirmed_by_code_and_by_bank,
    |w| {
        let api = &w.api;
        let centre = kabinet_service::testing::open_centre(&w.service, api, "МФЦ района Тверской")
            .await
            .unwrap();
        let desk = centre
            .staff(
                &w.service,
                api,
                "4512",
                &[Scope::CitizenSearch, Scope::ActivationCodeIssue],
            )
            .await
            .unwrap();
        for (i, phone) in ["+79120000001", "+79120000002"].into_iter().enumerate() {
            let laptop = device(phone);
            let me = with_session(&laptop, &w.register(&laptop, phone).await.token);
            let person = w.registries.people()[i].clone();
            // A draft first, then the wrong passport series is named, then the whole profile.
            let mut form = form_of(&person);
            api.profile_save_draft(&me, form.clone()).await.unwrap();
            form.passport.series = "12a4".into();
            let wrong = expect_error(
                api.profile_submit(
                    &me,
                    ProfileSubmit {
                        profile: form,
                        confirm_reverification: false,
                    },
                )
                .await,
                ErrorCode::InvalidInput,
            );
            assert!(
                !field_rules(&wrong, "passport.series").is_empty(),
                "{wrong:?}"
            );
            let view = api
                .profile_submit(
                    &me,
                    ProfileSubmit {
                        profile: form_of(&person),
                        confirm_reverification: false,
                    },
                )
                .await
                .unwrap();
            assert_eq!(view.level, Level::Simplified);
            w.service.run_due_jobs("worker").await.unwrap();
            assert_eq!(
                api.profile_get(&me, Empty {}).await.unwrap().level,
                Level::Standard
            );
            let catalogue = api.service_catalogue(&me, Empty {}).await.unwrap();
            assert_eq!(catalogue.level, Level::Standard);
            // SNILS is a login now.
            w.advance(61);
            api.sign_in(
                &laptop,
                SignInRequest {
                    login: person.snils.clone(),
                    password: PASSWORD.into(),
                },
            )
            .await
            .unwrap();

            let confirmed = if i == 0 {
                let code = desk.activation_code(api, &person.snils).await.unwrap();
                let wrong = expect_error(
                    api.identity_confirm_activation_code(
                        &me,
                        ActivationCodeEntry {
                            snils: person.snils.clone(),
                            code: "0000000000000000".into(),
                        },
                    )
                    .await,
                    ErrorCode::CodeWrong,
                );
                assert!(wrong.remaining.is_some());
                api.identity_confirm_activation_code(
                    &me,
                    ActivationCodeEntry {
                        snils: person.snils,
                        code,
                    },
                )
                .await
                .unwrap()
            } else {
                let redirect = api
                    .identity_bank_start(
                        &me,
                        BankStart {
                            bank: "test-bank".into(),
                        },
                    )
                    .await
                    .unwrap();
                let query: std::collections::HashMap<String, String> =
                    url::Url::parse(&redirect.url)
                        .unwrap()
                        .query_pairs()
                        .into_owned()
                        .collect();
                let state = query["state"].clone();
                let claims = BankClaims {
                    iss: "test-bank".into(),
                    sub: person.snils.clone(),
                    aud: "kabinet".into(),
                    surname: person.surname.clone(),
                    first_name: person.first_name.clone(),
                    patronymic: person.patronymic.clone(),
                    birth_date: person.birth_date.clone(),
                    iat: w.now().timestamp(),
                    exp: w.now().timestamp() + 300,
                    jti: "scenario-1".into(),
                    nonce: Some(query["nonce"].clone()),
                };
                let assertion = bank().sign(&claims);
                let summary = api
                    .identity_confirm_bank(
                        &me,
                        BankAssertion {
                            state: state.clone(),
                            assertion: assertion.clone(),
                        },
                    )
                    .await
                    .unwrap();
                // A replayed answer is refused: its state was used.
                let replay = expect_error(
                    api.identity_confirm_bank(&me, BankAssertion { state, assertion })
                        .await,
                    ErrorCode::InvalidInput,
                );
                assert_eq!(field_rules(&replay, "state"), ["bank_state_used"]);
                summary
            };
            assert_eq!(confirmed.level, Level::Confirmed);
        }
    }
);

scenario!(registration_errors_name_fields_codes_and_times, |w| {
    let api = &w.api;
    let laptop = device("laptop");
    // Every wrong field is named, nothing is created.
    let wrong = expect_error(
        api.registration_start(
            &laptop,
            RegistrationStart {
                surname: "Ivanov1".into(),
                first_name: String::new(),
                contact_kind: ContactKind::Phone,
                contact: "+7 (812) 123-45-67".into(),
                consent: false,
                consent_version: "2026-01".into(),
            },
        )
        .await,
        ErrorCode::InvalidInput,
    );
    for field in ["surname", "first_name", "contact", "consent"] {
        assert!(
            !field_rules(&wrong, field).is_empty(),
            "{field} in {wrong:?}"
        );
    }
    // A wrong code says how many attempts are left; a resend too soon says when.
    let started = api
        .registration_start(&laptop, registration(PHONE))
        .await
        .unwrap();
    let wrong = expect_error(
        api.registration_confirm(
            &laptop,
            CodeEntry {
                ticket: started.ticket.clone(),
                code: "000000".into(),
            },
        )
        .await,
        ErrorCode::CodeWrong,
    );
    assert!(wrong.remaining.is_some_and(|r| r > 0), "{wrong:?}");
    let soon = expect_error(
        api.registration_resend(
            &laptop,
            Ticket {
                ticket: started.ticket.clone(),
            },
        )
        .await,
        ErrorCode::ResendTooSoon,
    );
    assert_eq!(soon.retry_at, started.resend_at);
    // After 300 s the code is dead.
    w.advance(301);
    let code = w.last_code(PHONE_E164).await;
    expect_error(
        api.registration_confirm(
            &laptop,
            CodeEntry {
                ticket: started.ticket.clone(),
                code,
            },
        )
        .await,
        ErrorCode::CodeExpired,
    );
    // A fresh code works; a weak password is refused rule by rule.
    api.registration_resend(
        &laptop,
        Ticket {
            ticket: started.ticket.clone(),
        },
    )
    .await
    .unwrap();
    let code = w.last_code(PHONE_E164).await;
    api.registration_confirm(
        &laptop,
        CodeEntry {
            ticket: started.ticket.clone(),
            code,
        },
    )
    .await
    .unwrap();
    let weak = expect_error(
        api.registration_set_password(
            &laptop,
            NewPassword {
                ticket: started.ticket.clone(),
                password: "password".into(),
                password_repeat: "password".into(),
            },
        )
        .await,
        ErrorCode::InvalidInput,
    );
    assert!(field_rules(&weak, "password").len() >= 3, "{weak:?}");
    api.registration_set_password(
        &laptop,
        NewPassword {
            ticket: started.ticket,
            password: PASSWORD.into(),
            password_repeat: PASSWORD.into(),
        },
    )
    .await
    .unwrap();
    // The phone is taken now: an offer to sign in, nothing created.
    w.advance(61);
    expect_error(
        api.registration_start(&device("other"), registration("89123456789"))
            .await,
        ErrorCode::ContactInUse,
    );
});

scenario!(sign_in_errors_lockout_and_session_expiry, |w| {
    let api = &w.api;
    let laptop = device("laptop");
    let session = w.register(&laptop, PHONE).await;
    let me = with_session(&laptop, &session.token);
    expect_error(api.me(&laptop, Empty {}).await, ErrorCode::Unauthenticated);
    expect_error(
        api.me(&with_session(&laptop, "forged"), Empty {}).await,
        ErrorCode::Unauthenticated,
    );
    // A wrong password and an unknown login answer alike.
    let known = expect_error(
        w.sign_in(&laptop, PHONE, "Wrong-Parol1!").await,
        ErrorCode::CredentialsInvalid,
    );
    let unknown = expect_error(
        w.sign_in(&laptop, "+79990001122", "Wrong-Parol1!").await,
        ErrorCode::CredentialsInvalid,
    );
    assert_eq!(known, unknown);
    // The fourth consecutive failure locks with a time to retry, even for the right password.
    for _ in 0..3 {
        let _ = w.sign_in(&laptop, PHONE, "Wrong-Parol1!").await;
    }
    let locked = expect_error(
        w.sign_in(&laptop, PHONE, PASSWORD).await,
        ErrorCode::AccountLocked,
    );
    assert!(locked.retry_at.is_some_and(|at| at > w.now()), "{locked:?}");
    // The session made before still works until it idles out.
    api.me(&me, Empty {}).await.unwrap();
    w.advance(31 * 60);
    expect_error(api.me(&me, Empty {}).await, ErrorCode::Unauthenticated);
    // A sensitive change needs the password again.
    w.advance(3600);
    let fresh = with_session(
        &laptop,
        &signed_in(w.sign_in(&laptop, PHONE, PASSWORD).await.unwrap()).token,
    );
    expect_error(
        api.password_change(
            &fresh,
            PasswordChange {
                current_password: "Wrong-Parol1!".into(),
                password: "Novyj-Parol5?".into(),
                password_repeat: "Novyj-Parol5?".into(),
            },
        )
        .await,
        ErrorCode::PasswordWrong,
    );
});
