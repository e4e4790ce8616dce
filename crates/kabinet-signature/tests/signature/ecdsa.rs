use chrono::{Duration, TimeZone, Utc};
use kabinet_signature::testing::{Subject, TestAuthority, p256_key, sign_like_a_token};
use kabinet_signature::{Algorithm, Certificate, CrlStatus, Refusal, TrustList};

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap()
}

#[test]
fn a_citizens_certificate_is_read_verified_and_chained() {
    let ca = TestAuthority::new("Тестовый УЦ", now());
    let key = p256_key();
    let der = ca.issue(&Subject::citizen("11223344595", now()), &key);
    let cert = Certificate::from_der(&der).unwrap();
    assert_eq!(cert.snils().as_deref(), Some("11223344595"));
    assert_eq!(cert.inn().as_deref(), Some("500100732259"));
    assert_eq!(cert.holder(), "Иванов Иван Иванович");
    assert_eq!(cert.issuer(), "Тестовый УЦ");
    assert_eq!(cert.algorithm(), Ok(Algorithm::EcdsaP256));
    assert!(cert.may_sign());
    assert!(cert.not_before() < now() && now() < cert.not_after());

    let statement = "Вход в Кабинет: 00ff".as_bytes();
    let signature = sign_like_a_token(&key, statement);
    assert_eq!(signature.len(), 64);
    assert_eq!(cert.verify(statement, &signature), Ok(()));
    // DER-encoded signatures are accepted too.
    let der_signature = {
        let r = openssl::bn::BigNum::from_slice(&signature[..32]).unwrap();
        let s = openssl::bn::BigNum::from_slice(&signature[32..]).unwrap();
        openssl::ecdsa::EcdsaSig::from_private_components(r, s)
            .unwrap()
            .to_der()
            .unwrap()
    };
    assert_eq!(cert.verify(statement, &der_signature), Ok(()));

    let trust = TrustList::new(&[&ca.pem()], &[]).unwrap();
    let issuer = trust.issuer_of(&cert, now()).expect("chains to the list");
    assert_eq!(issuer.serial_hex(), ca.certificate().serial_hex());
}

#[test]
fn tampering_and_strangers_are_refused() {
    let ca = TestAuthority::new("Тестовый УЦ", now());
    let stranger = TestAuthority::new("Тестовый УЦ", now()); // the same name, another key
    let key = p256_key();
    let cert =
        Certificate::from_der(&ca.issue(&Subject::citizen("11223344595", now()), &key)).unwrap();
    let statement = b"statement";
    let mut signature = sign_like_a_token(&key, statement);
    assert_eq!(
        cert.verify(b"another statement", &signature),
        Err(Refusal("signature_invalid"))
    );
    signature[10] ^= 1;
    assert_eq!(
        cert.verify(statement, &signature),
        Err(Refusal("signature_invalid"))
    );
    assert_eq!(
        cert.verify(statement, b"junk"),
        Err(Refusal("signature_invalid"))
    );
    // Signed by another key than the certificate's.
    let other = p256_key();
    assert_eq!(
        cert.verify(statement, &sign_like_a_token(&other, statement)),
        Err(Refusal("signature_invalid"))
    );

    let trust = TrustList::new(&[&stranger.pem()], &[]).unwrap();
    assert!(
        trust.issuer_of(&cert, now()).is_none(),
        "a look-alike authority"
    );
    assert!(
        TrustList::new(&[], &[])
            .unwrap()
            .issuer_of(&cert, now())
            .is_none()
    );
    assert_eq!(
        Certificate::from_der(b"not a certificate").unwrap_err(),
        Refusal("certificate_invalid")
    );
    assert!(TrustList::new(&[b"not PEM"], &[]).is_err());
}

#[test]
fn an_expired_authority_vouches_for_nobody() {
    let ca = TestAuthority::new("Тестовый УЦ", now());
    let key = p256_key();
    let cert =
        Certificate::from_der(&ca.issue(&Subject::citizen("11223344595", now()), &key)).unwrap();
    let trust = TrustList::new(&[&ca.pem()], &[]).unwrap();
    assert!(
        trust
            .issuer_of(&cert, now() + Duration::days(3651))
            .is_none()
    );
    assert!(
        trust
            .issuer_of(&cert, now() - Duration::days(366))
            .is_none()
    );
}

#[test]
fn revocation_lists_are_read_only_when_current_and_signed_by_the_issuer() {
    let ca = TestAuthority::new("Тестовый УЦ", now());
    let forger = TestAuthority::new("Тестовый УЦ", now());
    let key = p256_key();
    let revoked =
        Certificate::from_der(&ca.issue(&Subject::citizen("11223344595", now()), &key)).unwrap();
    let good =
        Certificate::from_der(&ca.issue(&Subject::citizen("11223344595", now()), &key)).unwrap();
    let issuer = ca.certificate();
    let day = Duration::days(1);
    let list = ca.crl(&[&revoked], now() - day, now() + day);
    let trust = TrustList::new(&[&ca.pem()], &[&list]).unwrap();
    assert_eq!(
        trust.crl_status(&revoked, &issuer, now()),
        CrlStatus::Revoked
    );
    assert_eq!(
        trust.crl_status(&good, &issuer, now()),
        CrlStatus::NotRevoked
    );
    // Out of date: it vouches for nothing.
    assert_eq!(
        trust.crl_status(&good, &issuer, now() + day * 2),
        CrlStatus::NoList
    );
    // A list signed by someone else is refused when the trust list is loaded.
    let forged = forger.crl(&[], now() - day, now() + day);
    let error = TrustList::new(&[&ca.pem()], &[&forged]).unwrap_err();
    assert!(error.to_string().contains("revocation list #1"), "{error}");
    // A list of another authority of the trust list says nothing of this one's certificates.
    let other = forger.crl(&[&revoked], now() - day, now() + day);
    let trust = TrustList::new(&[&ca.pem(), &forger.pem()], &[&other]).unwrap();
    assert_eq!(
        trust.crl_status(&revoked, &issuer, now()),
        CrlStatus::NoList
    );
}

#[test]
fn key_usage_and_missing_attributes_are_seen() {
    let ca = TestAuthority::new("Тестовый УЦ", now());
    let key = p256_key();
    let mut subject = Subject::citizen("11223344595", now());
    subject.may_sign = false;
    subject.snils = None;
    subject.inn = None;
    let cert = Certificate::from_der(&ca.issue(&subject, &key)).unwrap();
    assert!(!cert.may_sign());
    assert_eq!(cert.snils(), None);
    assert_eq!(cert.inn(), None);
    assert!(
        !ca.certificate().may_sign(),
        "an authority's own key signs certificates only"
    );
}
