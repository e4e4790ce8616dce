//! Seeded accounts (the scale benchmark's million) are what a finished phone registration
//! leaves: they sign in from their device as registered accounts do, and their history and
//! standing read the same.

use kabinet_api::*;
use kabinet_service::{seeded_device, seeded_phone};

use crate::support::*;

async fn kinds(h: &Harness, me: &Context) -> Vec<String> {
    h.service.settle().await;
    let page = Page {
        page: 0,
        per_page: 50,
    };
    let mut kinds: Vec<String> = h
        .service
        .security_events(me, page)
        .await
        .unwrap()
        .events
        .into_iter()
        .map(|e| e.kind)
        .collect();
    kinds.sort();
    kinds
}

service_test!(seeded_accounts_are_registered_accounts, |h| {
    let phc = h.service.seed_password(PASSWORD).await.unwrap();
    h.service.seed_accounts(0, 3, &phc).await.unwrap();
    h.service.seed_accounts(3, 2, &phc).await.unwrap();
    // A seeded number is taken: registering it is refused as any used contact is.
    assert_eq!(
        h.start(&device("someone"), &seeded_phone(4))
            .await
            .unwrap_err()
            .code,
        ErrorCode::ContactInUse
    );

    let registered = h.register(&device("laptop"), PHONE).await;
    let seeded = signed_in(
        h.sign_in(&seeded_device(2), &seeded_phone(2), PASSWORD)
            .await
            .unwrap(),
    );
    let reference = signed_in(h.sign_in(&device("laptop"), PHONE, PASSWORD).await.unwrap());
    assert_eq!(seeded.account.level, reference.account.level);
    assert_eq!(seeded.account.status, reference.account.status);
    assert_eq!(
        kinds(h, &with_session(&seeded_device(2), &seeded.token)).await,
        kinds(h, &with_session(&device("laptop"), &registered.token)).await,
        "the same events as a registration and a sign-in"
    );
    // A wrong password and another device are treated as for anyone.
    expect_error(
        h.sign_in(&seeded_device(3), &seeded_phone(3), "Wrong-Parol1!")
            .await,
        ErrorCode::CredentialsInvalid,
    );
    assert!(matches!(
        h.sign_in(&device("elsewhere"), &seeded_phone(3), PASSWORD)
            .await
            .unwrap(),
        SignInOutcome::SecondFactor(_)
    ));
});
