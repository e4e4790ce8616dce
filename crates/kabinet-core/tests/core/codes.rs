//! One-time codes, their policy, TOTP and password hashing.

use crate::support::{Seeded, at};
use chrono::Duration;
use kabinet_core::codes::{
    CodeHasher, CodePolicy, CodePurpose, CodeRejection, IssuedCode, SendRefusal, activation_code,
    link_token, may_send, sms_code,
};
use kabinet_core::secret::{
    HashParams, Redacted, Verifier, at_least, hash_password, needs_rehash, verify_password,
};
use kabinet_core::totp::{TotpRejection, TotpSecret};

fn hasher() -> CodeHasher {
    CodeHasher::new([7; 32])
}

#[test]
fn codes_have_their_shapes() {
    let mut rng = Seeded(42);
    let code = sms_code(&mut rng);
    assert!(
        code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
        "{code}"
    );
    let activation = activation_code(&mut rng);
    assert!(activation.len() == 16 && activation.bytes().all(|b| b.is_ascii_digit()));
    let token = link_token(&mut rng);
    assert_eq!(token.len(), 43); // 256 bits in base64url without padding
    assert!(
        token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    assert_ne!(link_token(&mut rng), token);
}

#[test]
fn sms_code_digits_are_uniform() {
    let mut rng = Seeded(7);
    let mut counts = [0u32; 10];
    for _ in 0..10_000 {
        for b in sms_code(&mut rng).bytes() {
            counts[usize::from(b - b'0')] += 1;
        }
    }
    // 60,000 digits: each should be near 6,000.
    assert!(
        counts.iter().all(|&c| (5_600..6_400).contains(&c)),
        "{counts:?}"
    );
}

#[test]
fn hashes_are_keyed_and_separated_by_purpose() {
    let h = hasher();
    let stored = h.hash(CodePurpose::ConfirmContact, "123456");
    assert!(h.matches(CodePurpose::ConfirmContact, "123456", &stored));
    assert!(h.matches(CodePurpose::ConfirmContact, " 123456 ", &stored));
    assert!(!h.matches(CodePurpose::Recovery, "123456", &stored));
    assert!(!h.matches(CodePurpose::ConfirmContact, "123457", &stored));
    assert!(!CodeHasher::new([8; 32]).matches(CodePurpose::ConfirmContact, "123456", &stored));
    assert!(!h.matches(CodePurpose::ConfirmContact, "123456", &stored[..31]));
    assert_eq!(format!("{h:?}"), "CodeHasher([redacted])");
}

#[test]
fn a_code_expires_after_300_seconds() {
    let policy = CodePolicy::sms();
    let t0 = at(2026, 11, 24, 12, 0, 0);
    let mut code = IssuedCode::issue(
        &hasher(),
        CodePurpose::ConfirmContact,
        "123456",
        t0,
        &policy,
    );
    let mut late = code.clone();
    assert_eq!(
        late.try_accept(&hasher(), "123456", t0 + Duration::seconds(300), &policy),
        Err(CodeRejection::Expired)
    );
    assert_eq!(
        code.try_accept(&hasher(), "123456", t0 + Duration::seconds(299), &policy),
        Ok(())
    );
    assert_eq!(
        code.try_accept(&hasher(), "123456", t0 + Duration::seconds(299), &policy),
        Err(CodeRejection::Spent)
    );
}

#[test]
fn a_code_allows_three_wrong_attempts() {
    let policy = CodePolicy::sms();
    let t0 = at(2026, 11, 24, 12, 0, 0);
    let mut code = IssuedCode::issue(&hasher(), CodePurpose::SignIn, "123456", t0, &policy);
    assert_eq!(
        code.try_accept(&hasher(), "000000", t0, &policy),
        Err(CodeRejection::Wrong { remaining: 2 })
    );
    assert_eq!(
        code.try_accept(&hasher(), "000001", t0, &policy),
        Err(CodeRejection::Wrong { remaining: 1 })
    );
    assert_eq!(
        code.try_accept(&hasher(), "000002", t0, &policy),
        Err(CodeRejection::TooManyAttempts)
    );
    // Even the right code is refused now.
    assert_eq!(
        code.try_accept(&hasher(), "123456", t0, &policy),
        Err(CodeRejection::TooManyAttempts)
    );
}

#[test]
fn resends_wait_for_the_cooldown_and_stop_at_the_daily_cap() {
    let policy = CodePolicy::sms();
    let t0 = at(2026, 11, 24, 12, 0, 0);
    assert_eq!(may_send(&[], t0, &policy), Ok(()));
    assert_eq!(
        may_send(&[t0], t0 + Duration::seconds(59), &policy),
        Err(SendRefusal::Cooldown {
            retry_at: t0 + Duration::seconds(60)
        })
    );
    assert_eq!(may_send(&[t0], t0 + Duration::seconds(60), &policy), Ok(()));
    let sends: Vec<_> = (0..10).map(|i| t0 + Duration::minutes(10 * i)).collect();
    let now = t0 + Duration::hours(3);
    assert_eq!(
        may_send(&sends, now, &policy),
        Err(SendRefusal::DailyCap {
            retry_at: t0 + Duration::hours(24)
        })
    );
    assert_eq!(
        may_send(
            &sends,
            t0 + Duration::hours(24) + Duration::seconds(1),
            &policy
        ),
        Ok(())
    );
}

#[test]
fn totp_accepts_one_step_of_skew_and_each_step_once() {
    let secret = TotpSecret::generate(&mut Seeded(3));
    let now = 1_795_000_000u64;
    let code = secret.code_at(now).unwrap();
    let step = now / 30;
    assert_eq!(secret.verify(&code, now, None), Ok(step));
    assert_eq!(
        secret.verify(&code, now, Some(step)),
        Err(TotpRejection::Reused)
    );
    let previous = secret.code_at(now - 30).unwrap();
    assert_eq!(secret.verify(&previous, now, None), Ok(step - 1));
    let too_old = secret.code_at(now - 60).unwrap();
    assert_eq!(
        secret.verify(&too_old, now, None),
        Err(TotpRejection::Wrong)
    );
    assert_eq!(secret.verify("12345", now, None), Err(TotpRejection::Wrong));
    let url = secret.otpauth_url("+79123456789", "Кабинет").unwrap();
    assert!(url.starts_with("otpauth://totp/"), "{url}");
    assert_eq!(format!("{secret:?}"), "TotpSecret([redacted])");
}

/// Cheap parameters keep the suite fast; the defaults are checked by `needs_rehash`.
const FAST: HashParams = HashParams {
    memory_kib: 1024,
    iterations: 1,
    parallelism: 1,
};

#[test]
fn passwords_hash_to_argon2id_phc_strings() {
    let mut rng = Seeded(11);
    let phc = hash_password("Kabinet-2026!", FAST, &mut rng).unwrap();
    assert!(phc.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"), "{phc}");
    assert!(verify_password(&phc, "Kabinet-2026!"));
    assert!(!verify_password(&phc, "Kabinet-2026?"));
    assert!(!verify_password("not a phc string", "Kabinet-2026!"));
    assert_ne!(
        hash_password("Kabinet-2026!", FAST, &mut rng).unwrap(),
        phc,
        "salts differ"
    );
    assert!(needs_rehash(&phc, HashParams::default()));
    assert!(!needs_rehash(&phc, FAST));
    assert_eq!(
        HashParams::default(),
        HashParams {
            memory_kib: 19 * 1024,
            iterations: 2,
            parallelism: 1
        }
    );
    assert_eq!(format!("{:?}", Redacted("Kabinet-2026!")), "[redacted]");
}

#[test]
fn a_verifier_that_keeps_its_memory_decides_as_a_fresh_verification() {
    let mut rng = Seeded(12);
    let mut verifier = Verifier::new(FAST);
    let phc = hash_password("Kabinet-2026!", FAST, &mut rng).unwrap();
    // Larger (more memory than it keeps), smaller, argon2i and argon2d hashes, and an older
    // version: every one is decided as a fresh verification decides it.
    let bigger = HashParams {
        memory_kib: 2048,
        ..FAST
    };
    let others = [
        phc.clone(),
        hash_password("Kabinet-2026!", bigger, &mut rng).unwrap(),
        hash_password(
            "Kabinet-2026!",
            HashParams {
                memory_kib: 64,
                ..FAST
            },
            &mut rng,
        )
        .unwrap(),
        phc.replacen("$argon2id$", "$argon2i$", 1),
        phc.replacen("$argon2id$", "$argon2d$", 1),
        phc.replacen("$v=19$", "$v=16$", 1),
        phc.replacen("$v=19$", "$v=17$", 1),
        phc.replacen("$argon2id$", "$scrypt$", 1),
        phc[..phc.len() - 4].to_owned(),
        phc.replacen("m=1024", "m=1023", 1),
        "not a phc string".into(),
        String::new(),
    ];
    for candidate in &others {
        for secret in ["Kabinet-2026!", "Kabinet-2026?", ""] {
            assert_eq!(
                verifier.verify(candidate, secret),
                verify_password(candidate, secret),
                "{candidate} with {secret:?}"
            );
        }
    }
    // The same memory again after other hashes: still right, and still wrong for others.
    assert!(verifier.verify(&phc, "Kabinet-2026!"));
    assert!(!verifier.verify(&phc, "kabinet-2026!"));
    // Hashing in the kept memory makes the very string a fresh hash makes from the same salt.
    for params in [FAST, bigger] {
        let kept = verifier
            .hash("Kabinet-2026!", params, &mut Seeded(40))
            .unwrap();
        assert_eq!(
            kept,
            hash_password("Kabinet-2026!", params, &mut Seeded(40)).unwrap()
        );
        assert!(verify_password(&kept, "Kabinet-2026!"));
    }
}

#[test]
fn totp_secrets_read_out_as_base32() {
    use kabinet_core::totp::TotpSecret;
    let secret = TotpSecret(b"12345678901234567890".to_vec());
    assert_eq!(
        secret.base32().as_deref(),
        Some("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
    );
}

#[test]
fn a_hash_made_elsewhere_is_kept_only_when_at_least_as_costly() {
    let mut rng = Seeded(12);
    let phc = hash_password("Vremennyj-1!", FAST, &mut rng).unwrap();
    assert!(at_least(&phc, FAST));
    let weaker = HashParams {
        memory_kib: 512,
        iterations: 1,
        parallelism: 1,
    };
    assert!(
        at_least(&phc, weaker),
        "a stronger hash than the policy is kept"
    );
    let stronger = HashParams {
        memory_kib: 2048,
        ..FAST
    };
    assert!(
        !at_least(&phc, stronger),
        "a weaker hash than the policy is refused"
    );
    for bad in [
        "",
        "plain text",
        "$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "$argon2id$v=16$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA",
    ] {
        assert!(!at_least(bad, FAST), "{bad:?} was kept");
    }
}
