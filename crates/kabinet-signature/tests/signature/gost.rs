//! GOST R 34.10-2012 material made here by OpenSSL's GOST engine (`openssl` on the command
//! line with `-engine gost`), verified through the crate.

use std::path::Path;
use std::process::Command;

use chrono::Utc;
use kabinet_signature::{Algorithm, Certificate, Refusal, TrustList, gost_available};

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
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

/// An authority, a citizen's certificate with SNILS and INN, and a signature over a
/// statement, all GOST R 34.10-2012 of `bits` (256 or 512).
fn material(dir: &Path, bits: u32) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let algorithm = format!("gost2012_{bits}");
    let md = format!("-md_gost12_{bits}");
    openssl(
        dir,
        &[
            "genpkey",
            "-engine",
            "gost",
            "-algorithm",
            &algorithm,
            "-pkeyopt",
            "paramset:A",
            "-out",
            "ca.key",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-engine",
            "gost",
            "-x509",
            "-new",
            "-key",
            "ca.key",
            &md,
            "-days",
            "365",
            "-subj",
            "/CN=Тестовый УЦ ГОСТ/O=Тестовый УЦ ГОСТ",
            "-utf8",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
            "-out",
            "ca.pem",
        ],
    );
    openssl(
        dir,
        &[
            "genpkey",
            "-engine",
            "gost",
            "-algorithm",
            &algorithm,
            "-pkeyopt",
            "paramset:A",
            "-out",
            "user.key",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-engine",
            "gost",
            "-new",
            "-key",
            "user.key",
            &md,
            "-utf8",
            "-subj",
            "/SN=Петрова/GN=Анна Сергеевна/CN=Петрова Анна Сергеевна/SNILS=11223344595/INN=500100732259",
            "-out",
            "user.csr",
        ],
    );
    std::fs::write(
        dir.join("user.ext"),
        "keyUsage=critical,digitalSignature,nonRepudiation\n",
    )
    .unwrap();
    openssl(
        dir,
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
            &md,
            "-days",
            "30",
            "-extfile",
            "user.ext",
            "-outform",
            "DER",
            "-out",
            "user.der",
        ],
    );
    std::fs::write(
        dir.join("statement"),
        "Вход в Кабинет гражданина с электронной подписью.",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "dgst",
            "-engine",
            "gost",
            &md,
            "-sign",
            "user.key",
            "-out",
            "sig.bin",
            "statement",
        ],
    );
    (
        std::fs::read(dir.join("ca.pem")).unwrap(),
        std::fs::read(dir.join("user.der")).unwrap(),
        std::fs::read(dir.join("sig.bin")).unwrap(),
    )
}

fn check(bits: u32, expected: Algorithm) {
    assert!(
        gost_available(),
        "OpenSSL's GOST engine is not installed (Debian: libengine-gost-openssl)"
    );
    let dir = tempfile::tempdir().unwrap();
    let (ca, der, signature) = material(dir.path(), bits);
    assert_eq!(signature.len() as u32, bits / 4);
    let cert = Certificate::from_der(&der).unwrap();
    assert_eq!(cert.algorithm(), Ok(expected));
    assert_eq!(cert.snils().as_deref(), Some("11223344595"));
    assert_eq!(cert.inn().as_deref(), Some("500100732259"));
    assert_eq!(cert.holder(), "Петрова Анна Сергеевна");
    assert!(cert.may_sign());
    let statement = std::fs::read(dir.path().join("statement")).unwrap();
    assert_eq!(cert.verify(&statement, &signature), Ok(()));
    let mut tampered = signature.clone();
    tampered[3] ^= 0x40;
    assert_eq!(
        cert.verify(&statement, &tampered),
        Err(Refusal("signature_invalid"))
    );
    assert_eq!(
        cert.verify(b"another statement", &signature),
        Err(Refusal("signature_invalid"))
    );
    let trust = TrustList::new(&[&ca], &[]).unwrap();
    assert!(
        trust.issuer_of(&cert, Utc::now()).is_some(),
        "a GOST chain verifies"
    );
}

#[test]
fn gost_2012_256_signatures_and_chains_verify() {
    check(256, Algorithm::Gost2012_256);
}

#[test]
fn gost_2012_512_signatures_and_chains_verify() {
    check(512, Algorithm::Gost2012_512);
}
