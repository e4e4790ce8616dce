//! Identity confirmation by activation code and in person, and the service catalogue.

use kabinet_api::*;

use crate::profile::form_of;
use crate::support::*;

/// A signed-in citizen at the standard level; returns the context and their SNILS.
pub(crate) async fn standard(h: &Harness) -> (Context, String) {
    let laptop = device("laptop");
    let session = h.register(&laptop, PHONE).await;
    let me = with_session(&laptop, &session.token);
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
    (me, person.snils)
}

service_test!(the_catalogue_says_what_each_level_opens, |h| {
    let laptop = device("laptop");
    let session = h.register(&laptop, PHONE).await;
    let me = with_session(&laptop, &session.token);
    let catalogue = h.service.service_catalogue(&me, Empty {}).await.unwrap();
    assert_eq!(catalogue.level, Level::Simplified);
    assert_eq!(catalogue.next_level, Some(Level::Standard));
    let open: Vec<&str> = catalogue
        .services
        .iter()
        .filter(|s| s.available)
        .map(|s| s.code.as_str())
        .collect();
    assert!(open.contains(&"traffic_fines") && !open.contains(&"doctor_appointment"));
    assert!(
        catalogue
            .next_level_adds
            .contains(&"doctor_appointment".to_owned())
    );
    assert!(
        !catalogue
            .next_level_adds
            .contains(&"foreign_passport".to_owned())
    );
});

service_test!(an_activation_code_confirms_with_the_snils, |h| {
    let (me, snils) = standard(h).await;
    let account_id = h.service.me(&me, Empty {}).await.unwrap().id;
    // A citizen's session is no staff session.
    expect_error(
        h.service
            .activation_code_issue(&me, ForAccount { account_id })
            .await,
        ErrorCode::WorkstationRequired,
    );
    // Before any code was issued, a typed one is simply wrong (never «already used»).
    let never = expect_error(
        h.service
            .identity_confirm_activation_code(
                &me,
                ActivationCodeEntry {
                    snils: snils.clone(),
                    code: "1234567890123456".into(),
                },
            )
            .await,
        ErrorCode::CodeWrong,
    );
    assert_eq!(field_rules(&never, "code"), ["code_wrong"]);
    let desk = h.desk().await;
    let code = desk.activation_code(&h.service, &snils).await.unwrap();
    assert_eq!(code.len(), 16);
    assert!(code.chars().all(|c| c.is_ascii_digit()));
    let entry = |snils: &str, code: &str| ActivationCodeEntry {
        snils: snils.into(),
        code: code.into(),
    };
    let other_snils = h.registries.people()[1].snils.clone();
    let wrong_person = h
        .service
        .identity_confirm_activation_code(&me, entry(&other_snils, &code))
        .await
        .unwrap_err();
    assert_eq!(field_rules(&wrong_person, "snils"), ["snils_mismatch"]);
    let wrong = if code.starts_with('0') {
        "1".repeat(16)
    } else {
        "0".repeat(16)
    };
    let refused = expect_error(
        h.service
            .identity_confirm_activation_code(&me, entry(&snils, &wrong))
            .await,
        ErrorCode::CodeWrong,
    );
    assert_eq!(refused.remaining, Some(4));
    let spaced = format!(
        "{} {} {} {}",
        &code[..4],
        &code[4..8],
        &code[8..12],
        &code[12..]
    );
    let summary = h
        .service
        .identity_confirm_activation_code(&me, entry(&snils, &spaced))
        .await
        .unwrap();
    assert_eq!(summary.level, Level::Confirmed);
    // Single use.
    expect_error(
        h.service
            .identity_confirm_activation_code(&me, entry(&snils, &code))
            .await,
        ErrorCode::CodeSpent,
    );
    assert!(
        h.inbox(PHONE_E164)
            .await
            .iter()
            .any(|m| m.body.contains("Личность подтверждена"))
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
            .any(|e| e.kind == "activation_code_issued" && e.actor == "operator")
    );
    let catalogue = h.service.service_catalogue(&me, Empty {}).await.unwrap();
    assert!(
        catalogue.services.iter().all(|s| s.available),
        "every service, the tax account too"
    );
});

service_test!(activation_codes_expire_and_allow_five_attempts, |h| {
    let (me, snils) = standard(h).await;
    let mut desk = h.desk().await;
    let code = desk.activation_code(&h.service, &snils).await.unwrap();
    let wrong = if code.starts_with('0') {
        "1".repeat(16)
    } else {
        "0".repeat(16)
    };
    for remaining in (1..5).rev() {
        let e = expect_error(
            h.service
                .identity_confirm_activation_code(
                    &me,
                    ActivationCodeEntry {
                        snils: snils.clone(),
                        code: wrong.clone(),
                    },
                )
                .await,
            ErrorCode::CodeWrong,
        );
        assert_eq!(e.remaining, Some(remaining));
    }
    expect_error(
        h.service
            .identity_confirm_activation_code(
                &me,
                ActivationCodeEntry {
                    snils: snils.clone(),
                    code: wrong.clone(),
                },
            )
            .await,
        ErrorCode::CodeAttemptsExhausted,
    );
    expect_error(
        h.service
            .identity_confirm_activation_code(
                &me,
                ActivationCodeEntry {
                    snils: snils.clone(),
                    code: code.clone(),
                },
            )
            .await,
        ErrorCode::CodeAttemptsExhausted,
    );
    // A new code replaces it; it expires after 90 days.
    desk.keep_signed_in(&h.service, &h.service).await.unwrap();
    let code = desk.activation_code(&h.service, &snils).await.unwrap();
    h.advance(90 * 24 * 3600);
    // The session ended long ago: sign in again, then the code is out of date.
    let session = signed_in(h.sign_in(&device("laptop"), PHONE, PASSWORD).await.unwrap());
    let me = with_session(&device("laptop"), &session.token);
    expect_error(
        h.service
            .identity_confirm_activation_code(
                &me,
                ActivationCodeEntry {
                    snils: snils.clone(),
                    code,
                },
            )
            .await,
        ErrorCode::CodeExpired,
    );
});

service_test!(
    an_operator_confirms_in_person_recording_the_documents,
    |h| {
        let (me, snils) = standard(h).await;
        let account_id = h.service.me(&me, Empty {}).await.unwrap().id;
        let confirm = |documents: &[&str]| InPersonConfirmation {
            account_id,
            documents: documents.iter().map(|d| (*d).to_owned()).collect(),
        };
        expect_error(
            h.service
                .identity_confirm_in_person(&me, confirm(&["passport"]))
                .await,
            ErrorCode::WorkstationRequired,
        );
        let desk = h.desk().await;
        let none = desk
            .confirm_in_person(&h.service, &snils, &[])
            .await
            .unwrap_err();
        assert_eq!(
            field_rules(&none, "documents"),
            ["identity_document_required"]
        );
        let unknown = desk
            .confirm_in_person(&h.service, &snils, &["passport", "library_card"])
            .await
            .unwrap_err();
        assert_eq!(field_rules(&unknown, "documents"), ["unknown_document"]);
        let card = desk
            .confirm_in_person(&h.service, &snils, &["passport", "snils"])
            .await
            .unwrap();
        let summary = card.citizen;
        assert_eq!(summary.level, Level::Confirmed);
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
        let confirmed = events
            .events
            .iter()
            .find(|e| e.kind == "identity_confirmed")
            .unwrap();
        assert_eq!(confirmed.actor, "operator");
        // Who, where and which documents are in the log.
        let conn = h.service.store();
        let log = kabinet_store::event_log::read(conn, summary.account_id)
            .await
            .unwrap();
        let event = log.iter().find(|e| e.kind == "identity_confirmed").unwrap();
        assert_eq!(event.actor["centre_name"], "МФЦ района Тверской");
        assert_eq!(event.payload["centre"], event.actor["centre"]);
        assert_eq!(
            event.payload["documents"],
            serde_json::json!(["passport", "snils"])
        );
        assert_eq!(event.actor["operator"], "4512");
        assert_eq!(
            confirmed.by_staff.as_ref().map(|s| s.staff_number.as_str()),
            Some("4512")
        );
        // A simplified account cannot be confirmed.
        let other = h.register(&device("x"), "+7 912 000-11-22").await;
        let _ = other;
    }
);

mod bank {
    use kabinet_api::*;
    use kabinet_service::ports::bank::{BankClaims, BankSimulator};

    use super::standard;
    use crate::support::*;

    fn claims_for(h: &Harness, snils: &str, jti: &str, nonce: &str) -> BankClaims {
        let person = h
            .registries
            .people()
            .into_iter()
            .find(|p| p.snils == snils)
            .unwrap();
        BankClaims {
            iss: "test-bank".into(),
            sub: person.snils,
            aud: "kabinet".into(),
            surname: person.surname,
            first_name: person.first_name,
            patronymic: person.patronymic,
            birth_date: person.birth_date,
            iat: h.now().timestamp(),
            exp: (h.now() + chrono::Duration::minutes(5)).timestamp(),
            jti: jti.into(),
            nonce: Some(nonce.into()),
        }
    }

    fn rules(result: Result<AccountSummary, ApiError>) -> (Vec<String>, Vec<String>) {
        let error = result.unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidInput);
        (
            field_rules(&error, "state"),
            field_rules(&error, "assertion"),
        )
    }

    async fn level(h: &Harness, me: &Context) -> Level {
        h.service.me(me, Empty {}).await.unwrap().level
    }

    service_test!(a_bank_confirmation_by_redirect_confirms_once, |h| {
        let (me, snils) = standard(h).await;
        let info = h.service.app_info(&me, Empty {}).await.unwrap();
        assert_eq!(
            info.banks,
            [BankChoice {
                id: "test-bank".into(),
                name: "Тест-Банк".into()
            }]
        );
        let redirect = h
            .service
            .identity_bank_start(
                &me,
                BankStart {
                    bank: "test-bank".into(),
                },
            )
            .await
            .unwrap();
        assert!(redirect.url.starts_with(&format!("{BANK_PAGE}?")));
        assert_eq!(redirect.return_url, "http://localhost/#/bank-return");
        let (state, nonce) = bank_flow_of(&redirect);
        // 256 random bits each (base64url), not the same.
        assert!(state.len() >= 43 && nonce.len() >= 43, "{state} {nonce}");
        assert_ne!(state, nonce);
        let assertion = bank().sign(&claims_for(h, &snils, "a-1", &nonce));
        let summary = h
            .service
            .identity_confirm_bank(
                &me,
                BankAssertion {
                    state: state.clone(),
                    assertion: assertion.clone(),
                },
            )
            .await
            .unwrap();
        assert_eq!(summary.level, Level::Confirmed);
        let log = kabinet_store::event_log::read(h.service.store(), summary.id)
            .await
            .unwrap();
        let event = log.iter().find(|e| e.kind == "identity_confirmed").unwrap();
        assert_eq!(event.payload["method"], "online_bank");
        assert_eq!(event.payload["bank"], "test-bank");
        // The same answer again: the state was used.
        let again = h
            .service
            .identity_confirm_bank(&me, BankAssertion { state, assertion })
            .await;
        assert_eq!(rules(again).0, ["bank_state_used"]);
    });

    service_test!(
        tampered_forged_expired_foreign_and_replayed_assertions_change_nothing,
        |h| {
            let (me, snils) = standard(h).await;
            let (state, nonce) = bank_start(&h.service, &me).await;
            let try_it = |assertion: String| {
                let me = me.clone();
                let state = state.clone();
                async move {
                    rules(
                        h.service
                            .identity_confirm_bank(&me, BankAssertion { state, assertion })
                            .await,
                    )
                    .1
                }
            };
            // Signed by a bank nobody configured.
            let stranger = BankSimulator::new("test-bank", "Чужой банк", [6; 32]);
            assert_eq!(
                try_it(stranger.sign(&claims_for(h, &snils, "x-1", &nonce))).await,
                ["assertion_untrusted"]
            );
            // Tampered after signing.
            let good = bank().sign(&claims_for(h, &snils, "x-2", &nonce));
            let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
            parts[1] = parts[1].chars().rev().collect();
            assert_eq!(try_it(parts.join(".")).await, ["assertion_untrusted"]);
            assert_eq!(try_it("not a jwt".into()).await, ["assertion_invalid"]);
            // Expired.
            let mut old = claims_for(h, &snils, "x-3", &nonce);
            old.iat -= 600;
            old.exp = h.now().timestamp() - 1;
            assert_eq!(try_it(bank().sign(&old)).await, ["assertion_expired"]);
            // About someone else.
            let mut other = claims_for(h, &snils, "x-4", &nonce);
            other.surname = "Другая".into();
            assert_eq!(try_it(bank().sign(&other)).await, ["assertion_mismatch"]);
            // Another audience.
            let mut elsewhere = claims_for(h, &snils, "x-5", &nonce);
            elsewhere.aud = "another-portal".into();
            assert_eq!(
                try_it(bank().sign(&elsewhere)).await,
                ["assertion_untrusted"]
            );
            // Made for another flow, or for none.
            assert_eq!(
                try_it(bank().sign(&claims_for(h, &snils, "x-6", "another-nonce"))).await,
                ["assertion_nonce_mismatch"]
            );
            let mut bare = claims_for(h, &snils, "x-7", &nonce);
            bare.nonce = None;
            assert_eq!(
                try_it(bank().sign(&bare)).await,
                ["assertion_nonce_mismatch"]
            );
            // Nothing changed: still Standard, and the flow still takes the right answer.
            assert_eq!(level(h, &me).await, Level::Standard);
            let once = bank().sign(&claims_for(h, &snils, "x-8", &nonce));
            h.service
                .identity_confirm_bank(
                    &me,
                    BankAssertion {
                        state: state.clone(),
                        assertion: once,
                    },
                )
                .await
                .unwrap();
            assert_eq!(level(h, &me).await, Level::Confirmed);
        }
    );

    service_test!(
        unknown_foreign_and_expired_states_are_refused_and_change_nothing,
        |h| {
            let (me, snils) = standard(h).await;
            let (state, nonce) = bank_start(&h.service, &me).await;
            let assertion = bank().sign(&claims_for(h, &snils, "s-1", &nonce));
            // A state Kabinet never gave.
            let made_up = h
                .service
                .identity_confirm_bank(
                    &me,
                    BankAssertion {
                        state: "bm90LWEtc3RhdGUtYW55b25lLWtub3dz".into(),
                        assertion: assertion.clone(),
                    },
                )
                .await;
            assert_eq!(rules(made_up).0, ["bank_state_unknown"]);
            // Another citizen with this citizen's answer from the bank.
            let phone = device("phone");
            let other = h.register(&phone, "+7 912 000-11-22").await;
            let other = with_session(&phone, &other.token);
            let foreign = h
                .service
                .identity_confirm_bank(
                    &other,
                    BankAssertion {
                        state: state.clone(),
                        assertion: assertion.clone(),
                    },
                )
                .await;
            assert_eq!(rules(foreign).0, ["bank_state_other_account"]);
            assert_eq!(level(h, &other).await, Level::Simplified);
            // After ten minutes the flow is over.
            h.advance(10 * 60 + 1);
            let late = bank().sign(&claims_for(h, &snils, "s-2", &nonce));
            let expired = h
                .service
                .identity_confirm_bank(
                    &me,
                    BankAssertion {
                        state: state.clone(),
                        assertion: late,
                    },
                )
                .await;
            assert_eq!(rules(expired).0, ["bank_state_expired"]);
            assert_eq!(level(h, &me).await, Level::Standard);
            // A new flow works; an assertion accepted once is not accepted again (its `jti`),
            // even in another flow of the same citizen started meanwhile.
            let (second, second_nonce) = bank_start(&h.service, &me).await;
            let (third, third_nonce) = bank_start(&h.service, &me).await;
            h.service
                .identity_confirm_bank(
                    &me,
                    BankAssertion {
                        state: second,
                        assertion: bank().sign(&claims_for(h, &snils, "s-3", &second_nonce)),
                    },
                )
                .await
                .unwrap();
            let replayed = h
                .service
                .identity_confirm_bank(
                    &me,
                    BankAssertion {
                        state: third,
                        assertion: bank().sign(&claims_for(h, &snils, "s-3", &third_nonce)),
                    },
                )
                .await;
            assert_eq!(rules(replayed).1, ["assertion_replayed"]);
        }
    );

    service_test!(
        a_bank_start_needs_a_known_bank_and_the_standard_level,
        |h| {
            let laptop = device("laptop");
            let session = h.register(&laptop, PHONE).await;
            let me = with_session(&laptop, &session.token);
            let simplified = h
                .service
                .identity_bank_start(
                    &me,
                    BankStart {
                        bank: "test-bank".into(),
                    },
                )
                .await
                .unwrap_err();
            assert_eq!(simplified.code, ErrorCode::NotAllowed);
            let unknown = h
                .service
                .identity_bank_start(
                    &me,
                    BankStart {
                        bank: "no-such-bank".into(),
                    },
                )
                .await
                .unwrap_err();
            assert_eq!(field_rules(&unknown, "bank"), ["bank_unknown"]);
        }
    );
}

mod letter {
    use kabinet_api::*;

    use super::standard;
    use crate::support::*;

    const DAY: i64 = 24 * 3600;

    fn letter_code(h: &Harness) -> String {
        let (_, body) = h
            .post
            .handed_over()
            .into_iter()
            .next()
            .expect("a letter handed over");
        body.split_whitespace()
            .map(|w| w.trim_matches(|c: char| !c.is_ascii_digit()))
            .find(|w| w.len() == 10)
            .expect("a 10-digit code in the letter")
            .to_owned()
    }

    async fn fresh_session(h: &Harness) -> Context {
        let session = signed_in(h.sign_in(&device("laptop"), PHONE, PASSWORD).await.unwrap());
        with_session(&device("laptop"), &session.token)
    }

    service_test!(
        a_tracked_letter_confirms_but_keeps_the_tax_account_closed,
        |h| {
            let (me, _) = standard(h).await;
            let ordered = h
                .service
                .letter_order(&me, LetterOrderRequest::default())
                .await
                .unwrap();
            assert_eq!(ordered.state, LetterState::Accepted);
            assert_eq!(ordered.next_order_at, h.now() + chrono::Duration::days(30));
            for (days, state) in [
                (2, LetterState::InTransit),
                (9, LetterState::Arrived),
                (4, LetterState::HandedOver),
            ] {
                h.advance(days * DAY);
                let me = fresh_session(h).await;
                assert_eq!(
                    h.service.letter_status(&me, Empty {}).await.unwrap().state,
                    state
                );
            }
            let me = fresh_session(h).await;
            let code = letter_code(h);
            let wrong = if code.starts_with('0') {
                "1".repeat(10)
            } else {
                "0".repeat(10)
            };
            expect_error(
                h.service
                    .identity_confirm_letter(&me, LetterCode { code: wrong })
                    .await,
                ErrorCode::CodeWrong,
            );
            let summary = h
                .service
                .identity_confirm_letter(&me, LetterCode { code: code.clone() })
                .await
                .unwrap();
            assert_eq!(summary.level, Level::Confirmed);
            let catalogue = h.service.service_catalogue(&me, Empty {}).await.unwrap();
            let tax = catalogue
                .services
                .iter()
                .find(|s| s.code == "tax_account")
                .unwrap();
            assert!(
                !tax.available,
                "a mailed code does not open the tax-office account"
            );
            assert!(
                catalogue
                    .services
                    .iter()
                    .find(|s| s.code == "foreign_passport")
                    .unwrap()
                    .available
            );
            expect_error(
                h.service
                    .identity_confirm_letter(&me, LetterCode { code })
                    .await,
                ErrorCode::CodeExpired,
            );
        }
    );

    service_test!(a_new_letter_only_after_30_days_unless_lost, |h| {
        let (me, _) = standard(h).await;
        h.service
            .letter_order(&me, LetterOrderRequest::default())
            .await
            .unwrap();
        let early = expect_error(
            h.service
                .letter_order(&me, LetterOrderRequest::default())
                .await,
            ErrorCode::ResendTooSoon,
        );
        assert_eq!(early.retry_at, Some(h.now() + chrono::Duration::days(30)));
        h.advance(30 * DAY);
        let me = fresh_session(h).await;
        // To another address this time, checked like any address.
        let bad = h
            .service
            .letter_order(
                &me,
                LetterOrderRequest {
                    address: Some(AddressForm {
                        postcode: "12".into(),
                        ..Default::default()
                    }),
                },
            )
            .await
            .unwrap_err();
        assert!(!field_rules(&bad, "address.postcode").is_empty());
        h.post.lose_next(1);
        let second = h
            .service
            .letter_order(
                &me,
                LetterOrderRequest {
                    address: Some(AddressForm {
                        postcode: "190000".into(),
                        region: "Санкт-Петербург".into(),
                        city: "Санкт-Петербург".into(),
                        street: "Невский проспект".into(),
                        house: "1".into(),
                        ..Default::default()
                    }),
                },
            )
            .await
            .unwrap();
        h.advance(2 * DAY);
        let me = fresh_session(h).await;
        let lost = h.service.letter_status(&me, Empty {}).await.unwrap();
        assert_eq!(lost.tracking, second.tracking);
        assert_eq!(lost.state, LetterState::Lost);
        // A lost letter may be replaced at once.
        let third = h
            .service
            .letter_order(&me, LetterOrderRequest::default())
            .await
            .unwrap();
        assert_ne!(third.tracking, second.tracking);
    });

    service_test!(the_letter_code_expires, |h| {
        let (me, _) = standard(h).await;
        h.service
            .letter_order(&me, LetterOrderRequest::default())
            .await
            .unwrap();
        h.advance(60 * DAY);
        let me = fresh_session(h).await;
        let code = letter_code(h);
        expect_error(
            h.service
                .identity_confirm_letter(&me, LetterCode { code })
                .await,
            ErrorCode::CodeExpired,
        );
    });

    service_test!(a_simplified_account_cannot_order_a_letter, |h| {
        let laptop = device("laptop");
        let session = h.register(&laptop, PHONE).await;
        expect_error(
            h.service
                .letter_order(
                    &with_session(&laptop, &session.token),
                    LetterOrderRequest::default(),
                )
                .await,
            ErrorCode::NotAllowed,
        );
    });
}
