//! The whole simplified-account journey through the public API only: register → code →
//! password → sign out → sign in with a second factor → recover.

use kabinet_api::*;

use crate::support::*;

service_test!(register_sign_out_sign_in_with_2fa_and_recover, |h| {
    let api = &h.service;
    let laptop = device("laptop");
    let info = api.app_info(&laptop, Empty {}).await.unwrap();
    assert!(info.simulators);
    // Register.
    let started = api
        .registration_start(
            &laptop,
            RegistrationStart {
                surname: "Петров".into(),
                first_name: "Иван".into(),
                contact_kind: ContactKind::Phone,
                contact: "8 (912) 345-67-89".into(),
                consent: true,
                consent_version: info.consent_version.clone(),
            },
        )
        .await
        .unwrap();
    let code = h.last_code(PHONE_E164).await;
    api.registration_confirm(
        &laptop,
        CodeEntry {
            ticket: started.ticket.clone(),
            code,
        },
    )
    .await
    .unwrap();
    let session = api
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
    let me = with_session(&laptop, &session.token);
    assert_eq!(api.me(&me, Empty {}).await.unwrap().surname, "Петров");
    api.sms_second_factor_enable(
        &me,
        Reauth {
            password: PASSWORD.into(),
        },
    )
    .await
    .unwrap();
    // Sign out.
    api.sign_out(&me, Empty {}).await.unwrap();
    expect_error(api.me(&me, Empty {}).await, ErrorCode::Unauthenticated);
    // Sign in with the second factor.
    h.advance(61);
    let SignInOutcome::SecondFactor(challenge) =
        h.sign_in(&laptop, "+79123456789", PASSWORD).await.unwrap()
    else {
        panic!("the second factor must be asked");
    };
    let code = h.last_code(PHONE_E164).await;
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
    api.me(&with_session(&laptop, &session.token), Empty {})
        .await
        .unwrap();
    // Forget the password and recover it.
    h.advance(61);
    let recovery = api
        .recovery_start(
            &laptop,
            RecoveryStart {
                login: "89123456789".into(),
            },
        )
        .await
        .unwrap();
    let code = h.last_code(PHONE_E164).await;
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
    expect_error(
        api.me(&with_session(&laptop, &session.token), Empty {})
            .await,
        ErrorCode::Unauthenticated,
    );
    h.advance(61);
    let SignInOutcome::SecondFactor(challenge) =
        h.sign_in(&laptop, PHONE, "Novyj-Parol5?").await.unwrap()
    else {
        panic!("the second factor stays on after recovery");
    };
    let code = h.last_code(PHONE_E164).await;
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
});
