//! A certification authority and a citizen's signature token, for the end-to-end tests and
//! demos of the qualified e-signature: a test authority (ECDSA P-256), a SoftHSM2 token with a
//! key generated on it, and a certificate for that key naming a person by SNILS, issued by the
//! authority and stored beside the key. What it writes is what a real portal is configured with
//! (the authority's certificate for the trust list, its revocation list) and what the desktop
//! is pointed at (the PKCS#11 library and SoftHSM's configuration).

use std::path::{Path, PathBuf};

use chrono::{Duration, Utc};
use kabinet_signature::testing::{Subject, TestAuthority, p256_public};
use kabinet_token::testing::SoftHsm;
use serde::Serialize;

/// What the authority made, as the tests read it (printed as one JSON line).
#[derive(Debug, Serialize)]
pub struct Issued {
    /// The authority's certificate (PEM), for `signature_authorities`.
    pub authority: PathBuf,
    /// Its revocation list (PEM, nothing revoked), for `signature_crls`.
    pub crl: PathBuf,
    /// Its private key (PKCS#8 DER), for its OCSP responder (`kabinet-sim ocsp`).
    pub key: PathBuf,
    /// The PKCS#11 library to load.
    pub module: PathBuf,
    /// SoftHSM's configuration, for `SOFTHSM2_CONF`.
    pub softhsm_conf: PathBuf,
    /// The token's serial number.
    pub token_serial: String,
}

/// Who the certificate is for.
#[derive(Debug, Clone)]
pub struct Holder {
    /// SNILS, 11 digits.
    pub snils: String,
    /// Surname.
    pub surname: String,
    /// Given names.
    pub given_name: String,
}

/// Makes the authority (its certificate, revocation list and key in `out`) and a token
/// labelled `label` with PIN `pin` holding a key and a certificate for `holder`, naming
/// `ocsp_url` as its authority's responder when given.
pub fn issue_on_token(
    out: &Path,
    holder: &Holder,
    label: &str,
    pin: &str,
    ocsp_url: Option<&str>,
) -> Result<Issued, String> {
    let now = Utc::now();
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    // Each run's authority is another one, named apart (a trust list may hold several).
    let authority = TestAuthority::new(
        &format!("Тестовый удостоверяющий центр № {}", std::process::id()),
        now,
    );
    let hsm = SoftHsm::shared();
    let token = hsm.new_token(label, pin);
    let id = b"kabinet-1";
    let point = token.generate_p256(id);
    let subject = Subject {
        surname: holder.surname.clone(),
        given_name: holder.given_name.clone(),
        snils: Some(holder.snils.chars().filter(char::is_ascii_digit).collect()),
        ocsp_url: ocsp_url.map(str::to_owned),
        ..Subject::citizen(&holder.snils, now)
    };
    let certificate = authority.issue(&subject, &p256_public(&point));
    token.import_certificate(id, "Квалифицированный сертификат", &certificate);
    let write = |name: &str, bytes: &[u8]| {
        let path = out.join(name);
        std::fs::write(&path, bytes)
            .map(|()| path)
            .map_err(|e| format!("cannot write {name}: {e}"))
    };
    Ok(Issued {
        authority: write("authority.pem", &authority.pem())?,
        crl: write(
            "authority.crl",
            &authority.crl(&[], now - Duration::hours(1), now + Duration::days(7)),
        )?,
        key: write("authority.key", &authority.key_pkcs8_der())?,
        module: hsm.module_path().to_owned(),
        softhsm_conf: hsm.config_path().to_owned(),
        token_serial: token.serial.clone(),
    })
}
