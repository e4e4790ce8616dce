//! Sealed secrets.

use kabinet_store::seal::Sealer;
use uuid::Uuid;

#[test]
fn sealed_values_open_only_with_the_key_and_account() {
    let sealer = Sealer::new(&[1; 32]);
    let (account, other) = (Uuid::now_v7(), Uuid::now_v7());
    let secret = b"JBSWY3DPEHPK3PXP-totp-seed";
    let sealed = sealer.seal(account, secret);
    assert!(
        !sealed.windows(secret.len()).any(|w| w == secret),
        "plaintext visible"
    );
    assert_ne!(
        sealer.seal(account, secret),
        sealed,
        "fresh nonce each time"
    );
    assert_eq!(sealer.open(account, &sealed).as_deref(), Some(&secret[..]));
    assert_eq!(sealer.open(other, &sealed), None);
    assert_eq!(Sealer::new(&[2; 32]).open(account, &sealed), None);
    let mut flipped = sealed.clone();
    *flipped.last_mut().unwrap() ^= 1;
    assert_eq!(sealer.open(account, &flipped), None);
    assert_eq!(sealer.open(account, &sealed[..10]), None);
    assert_eq!(format!("{sealer:?}"), "Sealer([redacted])");
}
