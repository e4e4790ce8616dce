//! What the citizen chooses a certificate by, read from its DER with no check of any kind.

use std::borrow::Cow;

use x509_parser::oid_registry::{
    OID_X509_COMMON_NAME, OID_X509_GIVEN_NAME, OID_X509_ORGANIZATION_NAME, OID_X509_SURNAME, Oid,
};
use x509_parser::prelude::{FromDer, X509Certificate};
use x509_parser::x509::X509Name;

use crate::TokenCertificate;

/// SNILS in a subject: 1.2.643.100.3, DER-encoded.
const SNILS: Oid<'static> = Oid::new(Cow::Borrowed(&[0x2a, 0x85, 0x03, 0x64, 0x03]));

/// The certificate with CKA_ID `id`, or none when `der` does not parse: such an object cannot
/// sign the citizen in anyway, and one bad object must not hide the others.
pub(crate) fn read(id: &[u8], der: Vec<u8>) -> Option<TokenCertificate> {
    let (_, cert) = X509Certificate::from_der(&der).ok()?;
    let subject = cert.subject();
    let holder = match (
        text(subject, &OID_X509_SURNAME),
        text(subject, &OID_X509_GIVEN_NAME),
    ) {
        (Some(surname), Some(given)) => format!("{surname} {given}"),
        _ => text(subject, &OID_X509_COMMON_NAME).unwrap_or_default(),
    };
    let issuer = text(cert.issuer(), &OID_X509_ORGANIZATION_NAME)
        .or_else(|| text(cert.issuer(), &OID_X509_COMMON_NAME))
        .unwrap_or_default();
    let snils = text(subject, &SNILS);
    let not_before = cert.validity().not_before.timestamp();
    let not_after = cert.validity().not_after.timestamp();
    drop(cert);
    Some(TokenCertificate {
        id: hex(id),
        holder,
        snils,
        issuer,
        not_before,
        not_after,
        der,
    })
}

/// The DER of a certificate's subject (for CKA_SUBJECT).
#[cfg(feature = "testing")]
pub(crate) fn subject_der(der: &[u8]) -> Option<Vec<u8>> {
    let (_, cert) = X509Certificate::from_der(der).ok()?;
    Some(cert.subject().as_raw().to_vec())
}

/// The first value of attribute `oid` in `name` as text (Numeric, Printable, UTF8 or IA5
/// strings; SNILS is NumericString in real certificates, other kinds in some test ones).
fn text(name: &X509Name<'_>, oid: &Oid<'_>) -> Option<String> {
    name.iter_by_oid(oid)
        .find_map(|value| value.as_str().ok())
        .map(|s| s.trim().to_string())
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes from hex, either case; none for anything else.
pub(crate) fn unhex(text: &str) -> Option<Vec<u8>> {
    // from_str_radix alone would take a sign ("+1").
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_goes_both_ways() {
        assert_eq!(hex(&[0x01, 0xab]), "01ab");
        assert_eq!(unhex("01AB"), Some(vec![0x01, 0xab]));
        assert_eq!(unhex(""), Some(vec![]));
        assert_eq!(unhex("1"), None);
        assert_eq!(unhex("zz"), None);
        assert_eq!(unhex("+1"), None);
        assert_eq!(unhex("ё1"), None);
    }

    #[test]
    fn garbage_is_no_certificate() {
        assert!(read(b"\x01", b"not DER".to_vec()).is_none());
    }
}
