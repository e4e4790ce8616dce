//! Simplified → Standard through the registries over HTTP → Confirmed by each of the four
//! methods, through the public API only. (The simplified-account journey — register → code →
//! password → sign out → sign in with a second factor → recover — is the scenario suite's, in
//! crates/kabinet-server/tests, run in-process and over HTTP.)

mod to_confirmed {
    use std::sync::Arc;

    use kabinet_api::*;
    use kabinet_service::ports::bank::BankClaims;
    use kabinet_service::ports::post::HttpPostOffice;
    use kabinet_service::ports::registry::HttpRegistries;
    use kabinet_service::{Ports, Service};
    use kabinet_sim::post::PostServer;
    use kabinet_sim::registry::RegistryServer;

    use crate::profile::form_of;
    use crate::support::*;

    /// The service with the registries and the post reached over HTTP on loopback.
    async fn over_http(h: &Harness) -> Service {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let registries = RegistryServer::start(listener, h.registries.clone(), "k")
            .await
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let post = PostServer::start(listener, h.post.clone(), "k")
            .await
            .unwrap();
        let timeout = std::time::Duration::from_secs(5);
        let mut ports = Ports::simulated(Arc::new(h.clock.clone()));
        ports.registries = Arc::new(HttpRegistries::new(&registries.url(), "k", timeout).unwrap());
        ports.post = Arc::new(HttpPostOffice::new(&post.url(), "k", timeout).unwrap());
        Service::new(h.service.store().clone(), test_config(), ports).unwrap()
    }

    async fn sign_in(api: &Service, phone: &str) -> Context {
        let laptop = device(phone);
        let outcome = api
            .sign_in(
                &laptop,
                SignInRequest {
                    login: phone.into(),
                    password: PASSWORD.into(),
                },
            )
            .await
            .unwrap();
        with_session(&laptop, &signed_in(outcome).token)
    }

    /// Registers with `phone`, submits person `i`'s profile and lets the registries answer.
    async fn standard(h: &Harness, api: &Service, phone: &str, i: usize) -> (Context, String) {
        let laptop = device(phone);
        let started = api
            .registration_start(
                &laptop,
                RegistrationStart {
                    surname: "Иванова".into(),
                    first_name: "Анна".into(),
                    contact_kind: ContactKind::Phone,
                    contact: phone.into(),
                    consent: true,
                    consent_version: "2026-01".into(),
                },
            )
            .await
            .unwrap();
        let inbox = api.dev_inbox(&laptop, Empty {}).await.unwrap();
        // The newest message to this phone: a notice to another citizen may be sent after it.
        let message = inbox.messages.iter().find(|m| m.to == phone).unwrap();
        let code = six_digits(&message.body).unwrap();
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
        let person = h.registries.people()[i].clone();
        api.profile_submit(
            &me,
            ProfileSubmit {
                profile: form_of(&person),
                confirm_reverification: false,
            },
        )
        .await
        .unwrap();
        api.run_due_jobs("worker").await.unwrap();
        assert_eq!(
            api.profile_get(&me, Empty {}).await.unwrap().level,
            Level::Standard
        );
        (me, person.snils)
    }

    service_test!(simplified_to_standard_to_confirmed_by_each_method, |h| {
        let api = over_http(h).await;
        let desk = h.desk().await;

        // 1. In person.
        let (me, snils) = standard(h, &api, "+79120000001", 0).await;
        desk.confirm_in_person(&api, &snils, &["passport"])
            .await
            .unwrap();
        assert_eq!(api.me(&me, Empty {}).await.unwrap().level, Level::Confirmed);

        // 2. Activation code.
        let (me, snils) = standard(h, &api, "+79120000002", 1).await;
        let code = desk.activation_code(&api, &snils).await.unwrap();
        let summary = api
            .identity_confirm_activation_code(&me, ActivationCodeEntry { snils, code })
            .await
            .unwrap();
        assert_eq!(summary.level, Level::Confirmed);

        // 3. Online bank.
        let (me, snils) = standard(h, &api, "+79120000003", 2).await;
        let person = h.registries.people()[2].clone();
        let (state, nonce) = bank_start(&api, &me).await;
        let assertion = bank().sign(&BankClaims {
            iss: "test-bank".into(),
            sub: snils,
            aud: "kabinet".into(),
            surname: person.surname,
            first_name: person.first_name,
            patronymic: person.patronymic,
            birth_date: person.birth_date,
            iat: h.now().timestamp(),
            exp: h.now().timestamp() + 300,
            jti: "journey-1".into(),
            nonce: Some(nonce),
        });
        let summary = api
            .identity_confirm_bank(&me, BankAssertion { state, assertion })
            .await
            .unwrap();
        assert_eq!(summary.level, Level::Confirmed);

        // 4. Registered letter, tracked through the post over HTTP.
        let (me, _) = standard(h, &api, "+79120000004", 3).await;
        let ordered = api
            .letter_order(&me, LetterOrderRequest::default())
            .await
            .unwrap();
        h.advance(14 * 24 * 3600);
        let me = sign_in(&api, "+79120000004").await;
        let tracked = api.letter_status(&me, Empty {}).await.unwrap();
        assert_eq!(
            (tracked.tracking, tracked.state),
            (ordered.tracking, LetterState::HandedOver)
        );
        let (_, body) = h.post.handed_over().into_iter().next().unwrap();
        let code: String = body
            .split_whitespace()
            .map(|w| w.trim_matches(|c: char| !c.is_ascii_digit()))
            .find(|w| w.len() == 10)
            .unwrap()
            .to_owned();
        let summary = api
            .identity_confirm_letter(&me, LetterCode { code })
            .await
            .unwrap();
        assert_eq!(summary.level, Level::Confirmed);
    });
}
