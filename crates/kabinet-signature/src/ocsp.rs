//! OCSP (RFC 6960) for one certificate: the request to send to its authority's responder and
//! the check of the answer. Sending is the caller's (a port with a real HTTP adapter).
//!
//! The answer must be signed by the issuing authority itself or by a responder it delegated
//! to, and fresh by OpenSSL's measure (its `thisUpdate` within five minutes of the system
//! clock, no older than a day when it gives no `nextUpdate`).

use openssl::hash::MessageDigest;
use openssl::ocsp::{
    OcspCertId, OcspCertStatus, OcspFlag, OcspRequest, OcspResponse, OcspResponseStatus,
};
use openssl::stack::Stack;
use openssl::x509::X509;
use openssl::x509::store::X509StoreBuilder;

use crate::{Certificate, Refusal};

/// Clock difference allowed between Kabinet and the responder, in seconds.
const SKEW_SECONDS: u32 = 300;
/// How old an answer without `nextUpdate` may be, in seconds.
const MAX_AGE_SECONDS: u32 = 86_400;

/// What a responder said of a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Good.
    Good,
    /// Revoked.
    Revoked,
    /// Not known to it, or its answer could not be verified: no vouching either way.
    Unknown,
}

/// The responder addresses the certificate names (its authority information access).
pub fn responders(cert: &Certificate) -> Vec<String> {
    cert.x509()
        .ocsp_responders()
        .map(|list| list.iter().map(|s| s.to_string()).collect())
        .unwrap_or_default()
}

fn cert_id(cert: &Certificate, issuer: &Certificate) -> Result<OcspCertId, Refusal> {
    OcspCertId::from_cert(MessageDigest::sha1(), cert.x509(), issuer.x509())
        .map_err(|_| Refusal("certificate_invalid"))
}

/// The DER request asking about `cert`, issued by `issuer`.
pub fn request(cert: &Certificate, issuer: &Certificate) -> Result<Vec<u8>, Refusal> {
    let mut request = OcspRequest::new().map_err(|_| Refusal("certificate_invalid"))?;
    request
        .add_id(cert_id(cert, issuer)?)
        .map_err(|_| Refusal("certificate_invalid"))?;
    request.to_der().map_err(|_| Refusal("certificate_invalid"))
}

/// What a DER answer says about `cert`.
pub fn answer(response: &[u8], cert: &Certificate, issuer: &Certificate) -> Answer {
    let answer = read_answer(response, cert, issuer).unwrap_or(Answer::Unknown);
    drop(openssl::error::ErrorStack::get());
    answer
}

fn read_answer(response: &[u8], cert: &Certificate, issuer: &Certificate) -> Option<Answer> {
    let response = OcspResponse::from_der(response).ok()?;
    if response.status() != OcspResponseStatus::SUCCESSFUL {
        return None;
    }
    let basic = response.basic().ok()?;
    let issuer_x509: X509 = issuer.x509().to_owned();
    let mut certs = Stack::new().ok()?;
    certs.push(issuer_x509.clone()).ok()?;
    let mut store = X509StoreBuilder::new().ok()?;
    store.add_cert(issuer_x509).ok()?;
    // The issuer is the anchor whether or not it is a root (an accredited authority is
    // usually an intermediate under the state's root): the answer must be signed by it or by
    // a responder it certified.
    store
        .set_flags(openssl::x509::verify::X509VerifyFlags::PARTIAL_CHAIN)
        .ok()?;
    let store = store.build();
    basic.verify(&certs, &store, OcspFlag::empty()).ok()?;
    let id = cert_id(cert, issuer).ok()?;
    let status = basic.find_status(&id)?;
    status
        .check_validity(SKEW_SECONDS, Some(MAX_AGE_SECONDS))
        .ok()?;
    Some(match status.status {
        OcspCertStatus::GOOD => Answer::Good,
        OcspCertStatus::REVOKED => Answer::Revoked,
        _ => Answer::Unknown,
    })
}
