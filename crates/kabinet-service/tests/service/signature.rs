//! Sign-in and identity confirmation with a qualified e-signature: a test authority on the
//! trust list with its revocation list, citizens' certificates carrying a SNILS, and every
//! refusal of the issue's list (certificates expired, not yet valid, revoked, untrusted,
//! without SNILS, of no account; signatures tampered; challenges replayed or expired).

use std::sync::{Arc, OnceLock};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::Duration;
use kabinet_api::*;
use kabinet_service::ServiceConfig;
use kabinet_signature::testing::{Subject, TestAuthority, p256_key, sign_like_a_token};
use kabinet_signature::{Certificate, TrustList};
use openssl::pkey::{PKey, Private};

use crate::confirmation::standard;
use crate::support::*;

/// The authority on the trust list, a look-alike that is not, and a certificate the list
/// revokes (for the SNILS of the registries' first person, which `standard` uses).
struct Pki {
    authority: TestAuthority,
    stranger: TestAuthority,
    revoked: Issued,
    crl: Vec<u8>,
}

fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let authority = TestAuthority::new("Тестовый аккредитованный УЦ", t0());
        let stranger = TestAuthority::new("Тестовый аккредитованный УЦ", t0());
        let key = p256_key();
        let revoked = authority.issue(&Subject::citizen(&person_snils(), t0()), &key);
        let crl = authority.crl(
            &[&Certificate::from_der(&revoked).unwrap()],
            t0() - Duration::days(1),
            t0() + Duration::days(30),
        );
        Pki {
            authority,
            stranger,
            revoked: (revoked, key),
            crl,
        }
    })
}

/// The SNILS `standard` verifies, as 11 digits.
fn person_snils() -> String {
    let people = kabinet_service::ports::registry::population(7, 50);
    people[0]
        .snils
        .chars()
        .filter(char::is_ascii_digit)
        .collect()
}

fn config() -> ServiceConfig {
    let mut config = test_config();
    let pki = pki();
    config.signature_trust =
        Arc::new(TrustList::new(&[&pki.authority.pem()], &[&pki.crl]).unwrap());
    config
}

/// A certificate (DER) and its key.
type Issued = (Vec<u8>, PKey<Private>);

/// A certificate of `subject` from `authority` and its key.
fn issued(authority: &TestAuthority, subject: &Subject) -> Issued {
    let key = p256_key();
    (authority.issue(subject, &key), key)
}

fn signed(
    challenge: &SignatureChallenge,
    (der, key): &(Vec<u8>, PKey<Private>),
) -> SignedChallenge {
    SignedChallenge {
        ticket: challenge.ticket.clone(),
        certificate: BASE64.encode(der),
        signature: BASE64.encode(sign_like_a_token(key, challenge.statement.as_bytes())),
    }
}

fn rules<T: std::fmt::Debug>(result: Result<T, ApiError>) -> Vec<String> {
    let error = result.expect_err("refused");
    assert_eq!(error.code, ErrorCode::InvalidInput, "{error:?}");
    error
        .fields
        .iter()
        .flat_map(|f| f.rules.iter().map(|r| format!("{}:{}", f.field, r.rule)))
        .collect()
}

async fn level(h: &Harness, me: &Context) -> Level {
    h.service.me(me, Empty {}).await.unwrap().level
}

async fn events(h: &Harness, me: &Context) -> Vec<String> {
    // Refused sign-ins are recorded after the answer: wait for those writes first.
    h.service.settle().await;
    h.service
        .security_events(
            me,
            Page {
                page: 0,
                per_page: 50,
            },
        )
        .await
        .unwrap()
        .events
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

service_test!(
    a_signature_confirms_the_identity_then_signs_in,
    config(),
    |h| {
        let (me, _) = standard(h).await;
        let citizen = issued(
            &pki().authority,
            &Subject::citizen(&person_snils(), h.now()),
        );
        let challenge = h
            .service
            .identity_signature_start(&me, Empty {})
            .await
            .unwrap();
        // 256 random bits, named purpose and portal, five minutes.
        let read = kabinet_core::signature::parse_statement(&challenge.statement).unwrap();
        assert_eq!(
            read.purpose,
            kabinet_core::signature::Purpose::ConfirmIdentity
        );
        assert_eq!(read.portal, "http://localhost");
        assert_eq!(read.challenge.len(), 64, "{}", challenge.statement);
        assert_eq!(read.issued_at, h.now());
        assert_eq!(challenge.expires_at, h.now() + Duration::minutes(5));
        let summary = h
            .service
            .identity_confirm_signature(&me, signed(&challenge, &citizen))
            .await
            .unwrap();
        assert_eq!(summary.level, Level::Confirmed);
        let log = kabinet_store::event_log::read(h.service.store(), summary.id)
            .await
            .unwrap();
        let event = log.iter().find(|e| e.kind == "identity_confirmed").unwrap();
        assert_eq!(event.payload["method"], "qualified_signature");
        assert!(
            h.inbox(PHONE_E164)
                .await
                .iter()
                .any(|m| m.body.contains("подтвержд"))
        );

        // Signing in from a new device with the same certificate.
        let phone = device("phone");
        let challenge = h
            .service
            .sign_in_signature_start(&phone, Empty {})
            .await
            .unwrap();
        assert!(challenge.statement.starts_with("Вход в Кабинет"));
        let session = signed_in(
            h.service
                .sign_in_signature(&phone, signed(&challenge, &citizen))
                .await
                .unwrap(),
        );
        assert_eq!(session.account.id, summary.id);
        let on_phone = with_session(&phone, &session.token);
        assert_eq!(level(h, &on_phone).await, Level::Confirmed);
        assert_eq!(events(h, &on_phone).await[0], "signed_in");
        assert!(
            h.inbox(PHONE_E164)
                .await
                .iter()
                .any(|m| m.body.contains("нов")),
            "the new-device notice of every sign-in"
        );
        // The challenge was used.
        let again = h
            .service
            .sign_in_signature(&phone, signed(&challenge, &citizen))
            .await;
        assert_eq!(rules(again), ["ticket:signature_challenge_used"]);
    }
);

service_test!(
    bad_certificates_are_refused_and_change_nothing,
    config(),
    |h| {
        let (me, _) = standard(h).await;
        let snils = person_snils();
        let now = h.now();
        let pki = pki();
        let subject = || Subject::citizen(&snils, now);
        let expired = Subject {
            not_before: now - Duration::days(400),
            not_after: now - Duration::days(1),
            ..subject()
        };
        let early = Subject {
            not_before: now + Duration::days(1),
            not_after: now + Duration::days(400),
            ..subject()
        };
        let no_snils = Subject {
            snils: None,
            ..subject()
        };
        let cannot_sign = Subject {
            may_sign: false,
            ..subject()
        };
        let cases: Vec<(Issued, &str)> = vec![
            (
                issued(&pki.authority, &expired),
                "certificate:certificate_expired",
            ),
            (
                issued(&pki.authority, &early),
                "certificate:certificate_not_yet_valid",
            ),
            (pki.revoked.clone(), "certificate:certificate_revoked"),
            (
                issued(&pki.stranger, &subject()),
                "certificate:certificate_untrusted",
            ),
            (
                issued(&pki.authority, &no_snils),
                "certificate:certificate_no_snils",
            ),
            (
                issued(&pki.authority, &cannot_sign),
                "certificate:certificate_key_usage",
            ),
            (
                issued(&pki.authority, &Subject::citizen("08765430300", now)),
                "certificate:certificate_snils_mismatch",
            ),
        ];
        for (citizen, expected) in &cases {
            let challenge = h
                .service
                .identity_signature_start(&me, Empty {})
                .await
                .unwrap();
            let refused = h
                .service
                .identity_confirm_signature(&me, signed(&challenge, citizen))
                .await;
            assert_eq!(rules(refused), [*expected]);
        }
        // A signature that is not the certificate's key's, or over another statement.
        let good = issued(&pki.authority, &subject());
        let challenge = h
            .service
            .identity_signature_start(&me, Empty {})
            .await
            .unwrap();
        let mut tampered = signed(&challenge, &good);
        let mut bytes = BASE64.decode(&tampered.signature).unwrap();
        bytes[7] ^= 1;
        tampered.signature = BASE64.encode(bytes);
        assert_eq!(
            rules(h.service.identity_confirm_signature(&me, tampered).await),
            ["signature:signature_invalid"]
        );
        // The challenge went with the attempt: a second try with it is a replay.
        assert_eq!(
            rules(
                h.service
                    .identity_confirm_signature(&me, signed(&challenge, &good))
                    .await
            ),
            ["ticket:signature_challenge_used"]
        );
        // Expired: five minutes and a second.
        let challenge = h
            .service
            .identity_signature_start(&me, Empty {})
            .await
            .unwrap();
        h.advance(301);
        assert_eq!(
            rules(
                h.service
                    .identity_confirm_signature(&me, signed(&challenge, &good))
                    .await
            ),
            ["ticket:signature_challenge_expired"]
        );
        // A sign-in's challenge does not confirm, and nobody else's challenge is usable.
        let challenge = h
            .service
            .sign_in_signature_start(&me, Empty {})
            .await
            .unwrap();
        assert_eq!(
            rules(
                h.service
                    .identity_confirm_signature(&me, signed(&challenge, &good))
                    .await
            ),
            ["ticket:signature_challenge_unknown"]
        );
        // Not a certificate, not base64.
        let challenge = h
            .service
            .identity_signature_start(&me, Empty {})
            .await
            .unwrap();
        let junk = SignedChallenge {
            ticket: challenge.ticket.clone(),
            certificate: BASE64.encode(b"not a certificate"),
            signature: "***".into(),
        };
        assert_eq!(
            rules(h.service.identity_confirm_signature(&me, junk).await),
            [
                "certificate:certificate_invalid",
                "signature:signature_invalid"
            ]
        );

        // Nothing changed, and every refusal is in the citizen's security events.
        assert_eq!(level(h, &me).await, Level::Standard);
        let refusals = events(h, &me)
            .await
            .iter()
            .filter(|k| *k == "signature_refused")
            .count();
        assert_eq!(refusals, cases.len() + 1);
        // The good certificate still confirms.
        let challenge = h
            .service
            .identity_signature_start(&me, Empty {})
            .await
            .unwrap();
        let summary = h
            .service
            .identity_confirm_signature(&me, signed(&challenge, &good))
            .await
            .unwrap();
        assert_eq!(summary.level, Level::Confirmed);
    }
);

service_test!(signature_sign_in_refusals_and_the_lockout, config(), |h| {
    let (me, _) = standard(h).await;
    let snils = person_snils();
    let pki = pki();
    let stranger = device("stranger");
    // A SNILS no account holds, on a good certificate.
    let nobody = issued(&pki.authority, &Subject::citizen("08765430300", h.now()));
    let challenge = h
        .service
        .sign_in_signature_start(&stranger, Empty {})
        .await
        .unwrap();
    assert_eq!(
        rules(
            h.service
                .sign_in_signature(&stranger, signed(&challenge, &nobody))
                .await
        ),
        ["certificate:signature_no_account"]
    );
    // A Simplified account's contact is no SNILS login: nothing to sign in to.
    let revoked = pki.revoked.clone();
    let challenge = h
        .service
        .sign_in_signature_start(&stranger, Empty {})
        .await
        .unwrap();
    assert_eq!(
        rules(
            h.service
                .sign_in_signature(&stranger, signed(&challenge, &revoked))
                .await
        ),
        ["certificate:certificate_revoked"]
    );
    // Forged certificates naming the account count as failed sign-ins, up to the lock.
    let forged = issued(&pki.stranger, &Subject::citizen(&snils, h.now()));
    let mut locked = None;
    for _ in 0..5 {
        let challenge = h
            .service
            .sign_in_signature_start(&stranger, Empty {})
            .await
            .unwrap();
        match h
            .service
            .sign_in_signature(&stranger, signed(&challenge, &forged))
            .await
        {
            Err(e) if e.code == ErrorCode::AccountLocked => {
                locked = Some(e);
                break;
            }
            other => assert_eq!(rules(other), ["certificate:certificate_untrusted"]),
        }
    }
    let locked = locked.expect("the strangers' lock");
    assert!(locked.retry_at.is_some());
    // While locked, even a good certificate from a stranger's device waits.
    let good = issued(&pki.authority, &Subject::citizen(&snils, h.now()));
    let challenge = h
        .service
        .sign_in_signature_start(&stranger, Empty {})
        .await
        .unwrap();
    let refused = h
        .service
        .sign_in_signature(&stranger, signed(&challenge, &good))
        .await;
    assert_eq!(refused.unwrap_err().code, ErrorCode::AccountLocked);
    let failures = events(h, &me)
        .await
        .iter()
        .filter(|k| *k == "sign_in_failed")
        .count();
    assert!(failures >= 2, "failures recorded: {failures}");
    // After the lock, the good certificate signs in.
    h.advance(3600);
    let challenge = h
        .service
        .sign_in_signature_start(&stranger, Empty {})
        .await
        .unwrap();
    signed_in(
        h.service
            .sign_in_signature(&stranger, signed(&challenge, &good))
            .await
            .unwrap(),
    );
});

/// An accredited authority certified by a root that is not on the trust list (as the state's
/// root certifies them), with no revocation list configured; its certificates name its OCSP
/// responder, which answers as the authority itself.
fn ocsp_authority() -> &'static TestAuthority {
    static AUTHORITY: OnceLock<TestAuthority> = OnceLock::new();
    AUTHORITY.get_or_init(|| {
        TestAuthority::new("Тестовый головной УЦ", t0()).intermediate("Тестовый УЦ с OCSP", t0())
    })
}

fn ocsp_config() -> ServiceConfig {
    let mut config = test_config();
    config.signature_trust = Arc::new(TrustList::new(&[&ocsp_authority().pem()], &[]).unwrap());
    config
}

service_test!(
    the_authoritys_ocsp_responder_decides_revocation,
    ocsp_config(),
    |h| {
        let (_me, _) = standard(h).await;
        let authority = ocsp_authority();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let responder = kabinet_sim::ocsp::OcspServer::start(
            listener,
            &authority.certificate().to_der(),
            &authority.key_pkcs8_der(),
        )
        .await
        .unwrap();
        let with_ocsp = Subject {
            ocsp_url: Some(responder.url()),
            ..Subject::citizen(&person_snils(), h.now())
        };
        let device = device("laptop");
        let attempt = |citizen: Issued| {
            let device = device.clone();
            async move {
                let challenge = h
                    .service
                    .sign_in_signature_start(&device, Empty {})
                    .await
                    .unwrap();
                h.service
                    .sign_in_signature(&device, signed(&challenge, &citizen))
                    .await
            }
        };
        // «good», signed by the authority: signed in (no revocation list is configured).
        let good = issued(authority, &with_ocsp);
        signed_in(attempt(good.clone()).await.unwrap());
        // Revoked at the responder.
        responder.revoke(&good.0).unwrap();
        assert_eq!(
            rules(attempt(good).await),
            ["certificate:certificate_revoked"]
        );
        // The responder down, and a certificate naming none: nobody vouches, so it is refused.
        let other = issued(authority, &with_ocsp);
        responder.set_down(true);
        assert_eq!(
            rules(attempt(other.clone()).await),
            ["certificate:certificate_status_unknown"]
        );
        let unnamed = issued(authority, &Subject::citizen(&person_snils(), h.now()));
        assert_eq!(
            rules(attempt(unnamed).await),
            ["certificate:certificate_status_unknown"]
        );
        // Back up: the same certificate is good.
        responder.set_down(false);
        signed_in(attempt(other).await.unwrap());
    }
);

/// A GOST R 34.10-2012 authority and a citizen's key and certificate (the SNILS `standard`
/// verifies), made here by OpenSSL's GOST engine as an accredited authority's tools would.
struct GostCitizen {
    dir: tempfile::TempDir,
}

fn openssl(dir: &std::path::Path, args: &[&str]) {
    let out = std::process::Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the openssl command");
    assert!(
        out.status.success(),
        "openssl {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn gost() -> &'static GostCitizen {
    static GOST: OnceLock<GostCitizen> = OnceLock::new();
    GOST.get_or_init(|| {
        assert!(
            kabinet_signature::gost_available(),
            "OpenSSL's GOST engine is not installed (Debian: libengine-gost-openssl)"
        );
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let keygen = [
            "genpkey",
            "-engine",
            "gost",
            "-algorithm",
            "gost2012_256",
            "-pkeyopt",
            "paramset:A",
        ];
        openssl(d, &[&keygen[..], &["-out", "ca.key"]].concat());
        openssl(
            d,
            &[
                "req",
                "-engine",
                "gost",
                "-x509",
                "-new",
                "-key",
                "ca.key",
                "-md_gost12_256",
                "-days",
                "3650",
                "-utf8",
                "-subj",
                "/CN=Тестовый УЦ ГОСТ/O=Тестовый УЦ ГОСТ",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
                "-out",
                "ca.pem",
            ],
        );
        openssl(d, &[&keygen[..], &["-out", "user.key"]].concat());
        let subject = format!(
            "/SN=Иванова/GN=Анна/CN=Иванова Анна/SNILS={}",
            person_snils()
        );
        openssl(
            d,
            &[
                "req",
                "-engine",
                "gost",
                "-new",
                "-key",
                "user.key",
                "-md_gost12_256",
                "-utf8",
                "-subj",
                &subject,
                "-out",
                "user.csr",
            ],
        );
        std::fs::write(
            d.join("user.ext"),
            "keyUsage=critical,digitalSignature,nonRepudiation\n",
        )
        .unwrap();
        openssl(
            d,
            &[
                "x509",
                "-engine",
                "gost",
                "-req",
                "-in",
                "user.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-md_gost12_256",
                "-days",
                "365",
                "-extfile",
                "user.ext",
                "-outform",
                "DER",
                "-out",
                "user.der",
            ],
        );
        // A current revocation list of the authority, naming nobody.
        std::fs::write(d.join("index.txt"), "").unwrap();
        std::fs::write(d.join("crlnumber"), "01\n").unwrap();
        std::fs::write(
            d.join("ca.cnf"),
            "[ca]\ndefault_ca = test\n[test]\ndatabase = index.txt\ncrlnumber = crlnumber\n\
             default_md = md_gost12_256\ndefault_crl_days = 30\n",
        )
        .unwrap();
        openssl(
            d,
            &[
                "ca", "-engine", "gost", "-config", "ca.cnf", "-gencrl", "-keyfile", "ca.key",
                "-cert", "ca.pem", "-out", "ca.crl",
            ],
        );
        GostCitizen { dir }
    })
}

impl GostCitizen {
    fn file(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.dir.path().join(name)).unwrap()
    }

    /// The statement signed by the citizen's GOST key (s‖r, 64 bytes).
    fn sign(&self, statement: &str) -> Vec<u8> {
        let d = self.dir.path();
        let name = format!("statement-{}", rand_suffix());
        std::fs::write(d.join(&name), statement).unwrap();
        let out = format!("{name}.sig");
        openssl(
            d,
            &[
                "dgst",
                "-engine",
                "gost",
                "-md_gost12_256",
                "-sign",
                "user.key",
                "-out",
                &out,
                &name,
            ],
        );
        std::fs::read(d.join(out)).unwrap()
    }
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

fn gost_config() -> ServiceConfig {
    let mut config = test_config();
    let g = gost();
    config.signature_trust =
        Arc::new(TrustList::new(&[&g.file("ca.pem")], &[&g.file("ca.crl")]).unwrap());
    config
}

service_test!(a_gost_signature_signs_in, gost_config(), |h| {
    let (_me, _) = standard(h).await;
    // The certificate was made just now by the system clock: the service's clock moves there.
    let made = Certificate::from_der(&gost().file("user.der"))
        .unwrap()
        .not_before();
    h.advance((made - h.now()).num_seconds().max(0) + 60);
    let laptop = device("laptop");
    let challenge = h
        .service
        .sign_in_signature_start(&laptop, Empty {})
        .await
        .unwrap();
    let signature = gost().sign(&challenge.statement);
    assert_eq!(signature.len(), 64);
    let mut request = SignedChallenge {
        ticket: challenge.ticket.clone(),
        certificate: BASE64.encode(gost().file("user.der")),
        signature: BASE64.encode(&signature),
    };
    let session = signed_in(
        h.service
            .sign_in_signature(&laptop, request.clone())
            .await
            .unwrap(),
    );
    assert_eq!(session.account.level, Level::Standard);
    // Another statement's GOST signature is refused.
    let challenge = h
        .service
        .sign_in_signature_start(&laptop, Empty {})
        .await
        .unwrap();
    request.ticket = challenge.ticket;
    assert_eq!(
        rules(h.service.sign_in_signature(&laptop, request).await),
        ["signature:signature_invalid"]
    );
});

service_test!(
    refusals_on_a_known_device_lock_that_device_only,
    config(),
    |h| {
        // `standard` registered on the laptop: the account knows it.
        let (_me, _) = standard(h).await;
        let laptop = device("laptop");
        let forged = issued(&pki().stranger, &Subject::citizen(&person_snils(), h.now()));
        let mut locked = false;
        for _ in 0..6 {
            let challenge = h
                .service
                .sign_in_signature_start(&laptop, Empty {})
                .await
                .unwrap();
            match h
                .service
                .sign_in_signature(&laptop, signed(&challenge, &forged))
                .await
            {
                Err(e) if e.code == ErrorCode::AccountLocked => {
                    locked = true;
                    break;
                }
                other => assert_eq!(rules(other), ["certificate:certificate_untrusted"]),
            }
        }
        assert!(locked, "the laptop's counter locks");
        h.service.settle().await;
        // The account is not locked: another device still reaches its password check.
        let outcome = h.sign_in(&device("phone"), PHONE, PASSWORD).await;
        assert!(
            !matches!(&outcome, Err(e) if e.code == ErrorCode::AccountLocked),
            "{outcome:?}"
        );
    }
);
