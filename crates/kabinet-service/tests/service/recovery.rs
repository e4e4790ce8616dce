//! Recovery («Я не знаю пароль»): codes, the secret question, no enumeration, never blocked by
//! a lockout.

use kabinet_api::*;

use crate::support::*;

async fn recover(h: &Harness, context: &Context, login: &str, new_password: &str) {
    let started = h
        .service
        .recovery_start(
            context,
            RecoveryStart {
                login: login.into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(started.step, RecoveryStep::Code);
    let code = h.last_code(PHONE_E164).await;
    let confirmed = h
        .service
        .recovery_confirm(
            context,
            CodeEntry {
                ticket: started.ticket.clone(),
                code,
            },
        )
        .await
        .unwrap();
    assert_eq!(confirmed.step, RecoveryStep::NewPassword);
    let done = h
        .service
        .recovery_set_password(
            context,
            NewPassword {
                ticket: started.ticket,
                password: new_password.into(),
                password_repeat: new_password.into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(done.step, RecoveryStep::Done);
}

service_test!(a_code_to_the_phone_then_a_new_password, |h| {
    let laptop = device("laptop");
    let session = h.register(&laptop, PHONE).await;
    recover(h, &laptop, "8-912-345-67-89", "Novyj-Parol5?").await;
    // Every session ended; the old password is gone; the new one works.
    expect_error(
        h.service
            .me(&with_session(&laptop, &session.token), Empty {})
            .await,
        ErrorCode::Unauthenticated,
    );
    expect_error(
        h.sign_in(&laptop, PHONE, PASSWORD).await,
        ErrorCode::CredentialsInvalid,
    );
    signed_in(h.sign_in(&laptop, PHONE, "Novyj-Parol5?").await.unwrap());
});

service_test!(known_and_unknown_logins_look_the_same, |h| {
    let laptop = device("laptop");
    h.register(&laptop, PHONE).await;
    let known = h
        .service
        .recovery_start(
            &laptop,
            RecoveryStart {
                login: PHONE.into(),
            },
        )
        .await
        .unwrap();
    let unknown = h
        .service
        .recovery_start(
            &laptop,
            RecoveryStart {
                login: "+7 916 000-00-00".into(),
            },
        )
        .await
        .unwrap();
    let shape = |r: &Recovery| {
        let mut json = serde_json::to_value(r).unwrap();
        json["ticket"] = serde_json::Value::Null;
        json
    };
    assert_eq!(shape(&known), shape(&unknown));
    assert_eq!(known.ticket.len(), unknown.ticket.len());
    // Wrong codes, resends and cooldowns answer alike too.
    for ticket in [&known.ticket, &unknown.ticket] {
        let wrong = h
            .service
            .recovery_confirm(
                &laptop,
                CodeEntry {
                    ticket: ticket.clone(),
                    code: "000000".into(),
                },
            )
            .await;
        let wrong = wrong.map(|_| ()).unwrap_err();
        assert!(matches!(wrong.code, ErrorCode::CodeWrong), "{wrong:?}");
        let early = h
            .service
            .recovery_resend(
                &laptop,
                Ticket {
                    ticket: ticket.clone(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(early.code, ErrorCode::ResendTooSoon);
    }
    let email_unknown = h
        .service
        .recovery_start(
            &laptop,
            RecoveryStart {
                login: "nobody@example.com".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(shape(&email_unknown), shape(&unknown));
});

service_test!(a_lockout_never_blocks_recovery, |h| {
    let laptop = device("laptop");
    h.register(&laptop, PHONE).await;
    for _ in 0..4 {
        let _ = h.sign_in(&laptop, PHONE, "Wrong-Pass1!").await;
    }
    expect_error(
        h.sign_in(&laptop, PHONE, PASSWORD).await,
        ErrorCode::AccountLocked,
    );
    recover(h, &laptop, PHONE, "Novyj-Parol5?").await;
    signed_in(h.sign_in(&laptop, PHONE, "Novyj-Parol5?").await.unwrap());
});

service_test!(the_secret_question_is_asked_after_the_code, |h| {
    let laptop = device("laptop");
    let session = h.register(&laptop, PHONE).await;
    let me = with_session(&laptop, &session.token);
    let bad = h
        .service
        .secret_question_set(
            &me,
            SecretQuestionSet {
                password: PASSWORD.into(),
                question: "?".into(),
                answer: "".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(field_rules(&bad, "question"), ["too_short"]);
    assert_eq!(field_rules(&bad, "answer"), ["required"]);
    let settings = h
        .service
        .secret_question_set(
            &me,
            SecretQuestionSet {
                password: PASSWORD.into(),
                question: "Девичья фамилия матери?".into(),
                answer: "  Петрова ".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        settings.secret_question.as_deref(),
        Some("Девичья фамилия матери?")
    );
    let started = h
        .service
        .recovery_start(
            &laptop,
            RecoveryStart {
                login: PHONE.into(),
            },
        )
        .await
        .unwrap();
    let code = h.last_code(PHONE_E164).await;
    let asked = h
        .service
        .recovery_confirm(
            &laptop,
            CodeEntry {
                ticket: started.ticket.clone(),
                code,
            },
        )
        .await
        .unwrap();
    assert_eq!(asked.step, RecoveryStep::SecretQuestion);
    assert_eq!(asked.question.as_deref(), Some("Девичья фамилия матери?"));
    let early = h
        .service
        .recovery_set_password(
            &laptop,
            NewPassword {
                ticket: started.ticket.clone(),
                password: "Novyj-Parol5?".into(),
                password_repeat: "Novyj-Parol5?".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(early.code, ErrorCode::WrongStep);
    let wrong = h
        .service
        .recovery_answer(
            &laptop,
            SecretAnswer {
                ticket: started.ticket.clone(),
                answer: "Сидорова".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(field_rules(&wrong, "answer"), ["answer_wrong"]);
    let right = h
        .service
        .recovery_answer(
            &laptop,
            SecretAnswer {
                ticket: started.ticket.clone(),
                answer: "ПЕТРОВА".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(right.step, RecoveryStep::NewPassword);
});

service_test!(three_wrong_answers_end_the_recovery, |h| {
    let laptop = device("laptop");
    let session = h.register(&laptop, PHONE).await;
    let me = with_session(&laptop, &session.token);
    h.service
        .secret_question_set(
            &me,
            SecretQuestionSet {
                password: PASSWORD.into(),
                question: "Любимая книга?".into(),
                answer: "Онегин".into(),
            },
        )
        .await
        .unwrap();
    let started = h
        .service
        .recovery_start(
            &laptop,
            RecoveryStart {
                login: PHONE.into(),
            },
        )
        .await
        .unwrap();
    let code = h.last_code(PHONE_E164).await;
    h.service
        .recovery_confirm(
            &laptop,
            CodeEntry {
                ticket: started.ticket.clone(),
                code,
            },
        )
        .await
        .unwrap();
    let answer = |a: &str| SecretAnswer {
        ticket: started.ticket.clone(),
        answer: a.into(),
    };
    expect_error(
        h.service.recovery_answer(&laptop, answer("x1")).await,
        ErrorCode::InvalidInput,
    );
    expect_error(
        h.service.recovery_answer(&laptop, answer("x2")).await,
        ErrorCode::InvalidInput,
    );
    expect_error(
        h.service.recovery_answer(&laptop, answer("x3")).await,
        ErrorCode::FlowExpired,
    );
    expect_error(
        h.service.recovery_answer(&laptop, answer("Онегин")).await,
        ErrorCode::FlowExpired,
    );
});
