//! The staff half of access, in-process and over HTTP on both databases: the scope matrix
//! (every staff operation × every scope, made from the list), citizens at staff operations and
//! staff at citizens', staff of one centre at another centre's workstation, a suspended
//! member's session, and refusals in the audit log.

use kabinet_api::*;
use kabinet_service::testing::{self, Desk};

use crate::access::{access_of, sample};
use crate::support::*;

macro_rules! staff_walk {
    ($($(#[$doc:meta])* $name:ident($request:ty) -> $response:ty, $access:ident $(($scope:ident))?, $idempotent:literal, $session:ident, $body:ident;)*) => {
        /// Calls every staff operation (but signing out) with `context`; what each answered.
        async fn call_every_staff_operation<A: Api>(api: &A, context: &Context) -> Vec<(&'static str, Result<(), ApiError>)> {
            let mut answers = Vec::new();
            $(
                let access = Access::$access $((Scope::$scope))?;
                if matches!(access, Access::Staff(_) | Access::AnyStaff) && stringify!($name) != "staff_sign_out" {
                    let request: $request = sample(stringify!($request));
                    let answer = api.$name(context, request).await.map(|_| ());
                    answers.push((stringify!($name), answer));
                }
            )*
            answers
        }

        /// Calls every citizen operation with `context`.
        async fn call_every_citizen_operation<A: Api>(api: &A, context: &Context) -> Vec<(&'static str, Result<(), ApiError>)> {
            let mut answers = Vec::new();
            $(
                if Access::$access $((Scope::$scope))? == Access::Citizen {
                    let request: $request = sample(stringify!($request));
                    let answer = api.$name(context, request).await.map(|_| ());
                    answers.push((stringify!($name), answer));
                }
            )*
            answers
        }
    };
}

with_operations!(staff_walk);

fn code(answer: &Result<(), ApiError>) -> Option<ErrorCode> {
    answer.as_ref().err().map(|e| e.code)
}

scenario!(every_staff_operation_against_every_scope, |w| {
    let api = &w.api;
    let centre = testing::open_centre(&w.service, api, "МФЦ района Тверской")
        .await
        .unwrap();
    let mut checked = 0;
    for (i, scope) in Scope::ALL.into_iter().enumerate() {
        let number = format!("{}", 100 + i);
        let desk = centre
            .staff(&w.service, api, &number, &[scope])
            .await
            .unwrap();
        for (name, answer) in call_every_staff_operation(api, &desk.context).await {
            let allowed = match access_of(name) {
                Access::Staff(needed) => needed == scope,
                _ => true,
            };
            if allowed {
                assert!(
                    !matches!(
                        code(&answer),
                        Some(ErrorCode::Forbidden | ErrorCode::Unauthenticated)
                    ),
                    "{name} refused a member holding {}: {answer:?}",
                    scope.as_str()
                );
            } else {
                assert_eq!(
                    code(&answer),
                    Some(ErrorCode::Forbidden),
                    "{name} let a member holding only {} in",
                    scope.as_str()
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 9 * 20, "the matrix covers the list: {checked}");
    // Every refusal is in the audit log, with who and which scope was missing.
    let audit = api
        .staff_audit(
            &centre.admin,
            AuditSearch {
                personnel_number: "100".into(),
                ..AuditSearch::default()
            },
        )
        .await
        .unwrap();
    assert!(
        audit
            .entries
            .iter()
            .any(|e| e.outcome == "forbidden" && e.action == "staff_create"),
        "{audit:?}"
    );
});

scenario!(citizens_and_staff_never_use_each_others_operations, |w| {
    let api = &w.api;
    let centre = testing::open_centre(&w.service, api, "МФЦ района Тверской")
        .await
        .unwrap();
    let desk = centre
        .staff(&w.service, api, "4512", &Scope::ALL)
        .await
        .unwrap();
    let laptop = device("laptop");
    let session = w.register(&laptop, "+7 912 345-67-81").await;
    let citizen = with_session(&laptop, &session.token);
    // A citizen's session at a staff operation: no workstation; at the workstation, still no
    // staff session.
    for (name, answer) in call_every_staff_operation(api, &citizen).await {
        assert_eq!(
            code(&answer),
            Some(ErrorCode::WorkstationRequired),
            "{name}"
        );
    }
    let citizen_at_desk = Context {
        workstation: centre.workstation.workstation.clone(),
        ..citizen.clone()
    };
    for (name, answer) in call_every_staff_operation(api, &citizen_at_desk).await {
        assert_eq!(code(&answer), Some(ErrorCode::Unauthenticated), "{name}");
    }
    // A staff session at every citizen operation.
    for (name, answer) in call_every_citizen_operation(api, &desk.context).await {
        assert_eq!(code(&answer), Some(ErrorCode::Unauthenticated), "{name}");
    }
    // Both still work for what they are.
    assert_eq!(
        api.me(&citizen, Empty {}).await.unwrap().id,
        session.account.id
    );
    assert_eq!(
        api.staff_me(&desk.context, Empty {})
            .await
            .unwrap()
            .personnel_number,
        "4512"
    );
});

scenario!(staff_act_only_at_their_own_centres_workstations, |w| {
    let api = &w.api;
    let tverskoy = testing::open_centre(&w.service, api, "МФЦ района Тверской")
        .await
        .unwrap();
    let other = api
        .centre_save(
            &tverskoy.admin,
            CentreForm {
                id: None,
                name: "МФЦ района Арбат".into(),
                address: "Москва, Новый Арбат, 36".into(),
                services: vec!["registration".into()],
                week: vec![None; 7],
                exceptions: Vec::new(),
                utc_offset_minutes: 180,
            },
        )
        .await
        .unwrap();
    let code_b = api
        .workstation_code(
            &tverskoy.admin,
            ForCentre {
                centre_id: other.id,
            },
        )
        .await
        .unwrap();
    let arbat = testing::enrol(api, &code_b.code, "Арбат, окно 2")
        .await
        .unwrap();
    let desk: Desk = tverskoy
        .staff(&w.service, api, "4512", &[Scope::CitizenSearch])
        .await
        .unwrap();
    // The session is bound to the workstation it was opened at.
    let moved = Context {
        workstation: arbat.workstation.clone(),
        ..desk.context.clone()
    };
    expect_error(
        api.staff_me(&moved, Empty {}).await,
        ErrorCode::Unauthenticated,
    );
    // Signing in at the other centre's workstation is refused.
    w.advance(30);
    let at = u64::try_from((w.service.now() + chrono::Duration::seconds(30)).timestamp()).unwrap();
    let totp = kabinet_core::totp::TotpSecret::from_base32(&desk.totp_secret)
        .and_then(|s| s.code_at(at))
        .unwrap();
    expect_error(
        api.staff_sign_in(
            &arbat,
            StaffSignIn {
                personnel_number: "4512".into(),
                password: testing::STAFF_PASSWORD.into(),
                totp_code: totp,
            },
        )
        .await,
        ErrorCode::Forbidden,
    );
    // A made-up workstation key is no workstation.
    let forged = Context {
        workstation: Some("B".repeat(43)),
        ..desk.context.clone()
    };
    expect_error(
        api.staff_me(&forged, Empty {}).await,
        ErrorCode::WorkstationRequired,
    );
    // An enrolment code works once.
    expect_error(
        api.workstation_enrol(
            &device("again"),
            WorkstationEnrolment {
                code: code_b.code.clone(),
                name: "ещё одно".into(),
            },
        )
        .await,
        ErrorCode::InvalidInput,
    );
});

scenario!(a_suspended_members_sessions_end_at_once, |w| {
    let api = &w.api;
    let centre = testing::open_centre(&w.service, api, "МФЦ района Тверской")
        .await
        .unwrap();
    let desk = centre
        .staff(&w.service, api, "4512", &[Scope::CitizenSearch])
        .await
        .unwrap();
    api.staff_me(&desk.context, Empty {}).await.unwrap();
    let suspended = api
        .staff_suspend(&centre.admin, ById { id: desk.id })
        .await
        .unwrap();
    assert_eq!(suspended.status, StaffStatus::Suspended);
    expect_error(
        api.staff_me(&desk.context, Empty {}).await,
        ErrorCode::Unauthenticated,
    );
    // An administrator never suspends themselves (so a centre keeps one).
    let me = api.staff_me(&centre.admin, Empty {}).await.unwrap();
    expect_error(
        api.staff_suspend(&centre.admin, ById { id: me.id }).await,
        ErrorCode::NotAllowed,
    );
    // The administrator lists live sessions and ends one.
    let sessions = api.staff_sessions(&centre.admin, Empty {}).await.unwrap();
    assert_eq!(
        sessions.sessions.len(),
        1,
        "only the administrator's is live"
    );
    api.staff_session_end(
        &centre.admin,
        ById {
            id: sessions.sessions[0].id,
        },
    )
    .await
    .unwrap();
    expect_error(
        api.staff_me(&centre.admin, Empty {}).await,
        ErrorCode::Unauthenticated,
    );
});

scenario!(a_staff_session_ends_after_fifteen_idle_minutes, |w| {
    let api = &w.api;
    let centre = testing::open_centre(&w.service, api, "МФЦ района Тверской")
        .await
        .unwrap();
    let desk = centre
        .staff(&w.service, api, "4512", &[Scope::CitizenSearch])
        .await
        .unwrap();
    // Each request pushes the idle end forward.
    w.advance(14 * 60);
    api.staff_me(&desk.context, Empty {}).await.unwrap();
    w.advance(14 * 60);
    api.staff_me(&desk.context, Empty {}).await.unwrap();
    w.advance(15 * 60 + 1);
    expect_error(
        api.staff_me(&desk.context, Empty {}).await,
        ErrorCode::Unauthenticated,
    );
});
