//! The token crate against SoftHSM2: a token per test in the process's one store, a P-256 key
//! generated on it, a certificate for that key issued by the signature crate's test authority,
//! and the token's signature verified as the server verifies it.

use chrono::{Duration, Utc};
use kabinet_signature::Certificate;
use kabinet_signature::testing::{Subject, TestAuthority, p256_public};
use kabinet_token::testing::{SoftHsm, TestToken};
use kabinet_token::{Module, PinState, TokenError, pin_state};

const PIN: &str = "1234";
const KEY_ID: [u8; 2] = [0x4b, 0x01];
const SNILS: &str = "11223344595";

/// A token labelled `label` with a P-256 key and a citizen's certificate for it under
/// [`KEY_ID`]; the certificate's DER.
fn token_with_certificate(label: &str) -> (TestToken, Vec<u8>) {
    let token = SoftHsm::shared().new_token(label, PIN);
    let point = token.generate_p256(&KEY_ID);
    assert_eq!(point.len(), 65, "an uncompressed P-256 point");
    let now = Utc::now();
    let authority = TestAuthority::new("Тестовый УЦ", now);
    let der = authority.issue(&Subject::citizen(SNILS, now), &p256_public(&point));
    token.import_certificate(&KEY_ID, "citizen", &der);
    (token, der)
}

fn module() -> Module {
    Module::open(SoftHsm::shared().module_path()).expect("SoftHSM opens again")
}

#[test]
fn a_token_lists_its_certificate_and_signs_as_the_server_verifies() {
    let (token, der) = token_with_certificate("kabinet-sign");
    let module = module();

    let tokens = module.tokens().expect("tokens");
    let listed = tokens
        .iter()
        .find(|t| t.serial == token.serial)
        .expect("the token listed");
    assert_eq!(listed.label, "kabinet-sign");
    assert_eq!(listed.model, "SoftHSM v2");
    assert_eq!(listed.pin, PinState::Ok);
    assert_eq!(listed.certificates.len(), 1);
    let cert = &listed.certificates[0];
    assert_eq!(cert.id, "4b01");
    assert_eq!(cert.holder, "Иванов Иван Иванович");
    assert_eq!(cert.snils.as_deref(), Some(SNILS));
    assert_eq!(cert.issuer, "Тестовый УЦ");
    let now = Utc::now();
    assert!((cert.not_before - (now - Duration::days(30)).timestamp()).abs() < 600);
    assert!((cert.not_after - (now + Duration::days(335)).timestamp()).abs() < 600);
    assert_eq!(cert.der, der);

    // What the desktop hands its UI: snake_case, no DER.
    let json = serde_json::to_value(listed).expect("JSON");
    assert_eq!(json["pin"], "ok");
    assert_eq!(json["certificates"][0]["snils"], SNILS);
    assert!(json["certificates"][0].get("der").is_none());

    let message = b"kabinet challenge 0123456789";
    let signed = module
        .sign(&token.serial, &cert.id, PIN, message)
        .expect("signed");
    assert_eq!(signed.mechanism, "ecdsa_p256_sha256");
    assert_eq!(signed.signature.len(), 64, "r||s");
    assert_eq!(signed.certificate, der);
    let certificate = Certificate::from_der(&signed.certificate).expect("a certificate");
    certificate
        .verify(message, &signed.signature)
        .expect("the server accepts the signature");
    assert!(
        certificate
            .verify(b"kabinet challenge 0123456780", &signed.signature)
            .is_err(),
        "a changed message is refused"
    );

    // Upper-case hex names the same certificate; a second signing logs in afresh.
    let again = module
        .sign(&token.serial, "4B01", PIN, message)
        .expect("signed again");
    certificate
        .verify(message, &again.signature)
        .expect("accepted");
}

#[test]
fn a_wrong_pin_is_refused_and_the_right_one_still_works() {
    let (token, _) = token_with_certificate("kabinet-wrong-pin");
    let module = module();

    let err = module
        .sign(&token.serial, "4b01", "0000", b"challenge")
        .expect_err("a wrong PIN");
    assert!(matches!(err, TokenError::PinIncorrect(_)), "{err:?}");
    assert_eq!(err.code(), "token_pin_incorrect");
    // SoftHSM counts a failure with CKF_USER_PIN_COUNT_LOW only.
    assert!(
        matches!(err, TokenError::PinIncorrect(PinState::CountLow)),
        "{err:?}"
    );
    assert!(!err.to_string().contains("0000"));
    let state = |module: &Module| {
        module
            .tokens()
            .expect("tokens")
            .into_iter()
            .find(|t| t.serial == token.serial)
            .expect("the token")
            .pin
    };
    assert_eq!(state(&module), PinState::CountLow);

    let signed = module
        .sign(&token.serial, "4b01", PIN, b"challenge")
        .expect("the right PIN works");
    assert_eq!(signed.signature.len(), 64);
    assert_eq!(state(&module), PinState::Ok);
}

#[test]
fn what_is_not_a_pkcs11_module_is_told() {
    let dir = tempfile::tempdir().expect("a directory");
    let text = dir.path().join("module.so");
    std::fs::write(&text, "hello").expect("written");
    let missing = dir.path().join("missing.so");
    let zlib = zlib();
    for path in [text.as_path(), missing.as_path(), zlib.as_path()] {
        let err = Module::open(path).expect_err("not a module");
        assert!(
            matches!(err, TokenError::NotAModule(_)),
            "{path:?}: {err:?}"
        );
        assert_eq!(err.code(), "token_not_a_module");
    }
    let err = Module::open(&zlib).expect_err("not a module");
    assert!(err.to_string().contains("C_GetFunctionList"), "{err}");
}

/// zlib: a real shared library without C_GetFunctionList.
fn zlib() -> std::path::PathBuf {
    let usual = std::path::PathBuf::from("/usr/lib/x86_64-linux-gnu/libz.so.1");
    if usual.exists() {
        return usual;
    }
    let out = std::process::Command::new("ldconfig")
        .arg("-p")
        .output()
        .expect("ldconfig -p");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find(|line| line.trim_start().starts_with("libz.so.1 "))
        .and_then(|line| line.rsplit(" => ").next())
        .map(std::path::PathBuf::from)
        .expect("libz.so.1 on the machine")
}

#[test]
fn unknown_certificates_and_tokens_are_told() {
    let (token, der) = token_with_certificate("kabinet-unknown");
    // A certificate without a private key beside it.
    token.import_certificate(&[0x09], "no key", &der);
    let module = module();

    for id in ["ff", "4b02", "", "not hex", "+b01", "09"] {
        let err = module
            .sign(&token.serial, id, PIN, b"challenge")
            .expect_err("no such certificate");
        assert!(matches!(err, TokenError::NoCertificate), "{id}: {err:?}");
        assert_eq!(err.code(), "token_certificate_absent");
    }
    let err = module
        .sign("0000000000000000", "4b01", PIN, b"challenge")
        .expect_err("no such token");
    assert!(matches!(err, TokenError::NoToken), "{err:?}");
    assert_eq!(err.code(), "token_absent");
}

#[test]
fn the_pin_state_is_the_gravest_flag() {
    assert_eq!(pin_state(false, false, false), PinState::Ok);
    assert_eq!(pin_state(true, false, false), PinState::CountLow);
    assert_eq!(pin_state(true, true, false), PinState::FinalTry);
    assert_eq!(pin_state(false, true, false), PinState::FinalTry);
    assert_eq!(pin_state(true, true, true), PinState::Locked);
    assert_eq!(pin_state(false, false, true), PinState::Locked);
    assert_eq!(
        serde_json::to_value(PinState::FinalTry).expect("JSON"),
        "final_try"
    );
}

#[test]
fn every_error_has_its_code() {
    let codes = [
        (TokenError::NotAModule("x".into()), "token_not_a_module"),
        (TokenError::NoToken, "token_absent"),
        (TokenError::NoCertificate, "token_certificate_absent"),
        (
            TokenError::PinIncorrect(PinState::FinalTry),
            "token_pin_incorrect",
        ),
        (TokenError::PinLocked, "token_pin_locked"),
        (
            TokenError::MechanismUnsupported,
            "token_mechanism_unsupported",
        ),
        (TokenError::Device("x".into()), "token_failed"),
    ];
    for (err, code) in codes {
        assert_eq!(err.code(), code);
    }
}

#[test]
fn a_module_can_be_shared_between_threads() {
    fn shared<T: Send + Sync + Clone + 'static>() {}
    shared::<Module>();
}
