//! A citizen's certificate: what the rules read from it, and the signature check with its key.

use chrono::{DateTime, Utc};
use openssl::bn::BigNum;
use openssl::ecdsa::EcdsaSig;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{Id, PKey, Public};
use openssl::sign::Verifier;
use openssl::x509::{X509, X509NameRef};

use crate::{Refusal, engine};

/// SNILS in a subject (OID 1.2.643.100.3; OpenSSL's NID_SNILS).
const SNILS: Nid = Nid::from_raw(1006);
/// INN of a person in a subject (OID 1.2.643.3.131.1.1; OpenSSL's NID_INN).
const INN: Nid = Nid::from_raw(1004);
/// GOST R 34.10-2012 public keys (OIDs 1.2.643.7.1.1.1.1 and .2).
const GOST_2012_256: i32 = 979;
const GOST_2012_512: i32 = 980;
/// GOST R 34.10-2012 signatures with Streebog (OIDs 1.2.643.7.1.1.3.2 and .3).
const GOST_SIGNATURES: [i32; 2] = [982, 983];

/// How a certificate's key signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// ECDSA on P-256 with SHA-256.
    EcdsaP256,
    /// GOST R 34.10-2012 with a 256-bit key and Streebog-256.
    Gost2012_256,
    /// GOST R 34.10-2012 with a 512-bit key and Streebog-512.
    Gost2012_512,
}

impl Algorithm {
    /// The stable code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EcdsaP256 => "ecdsa_p256_sha256",
            Self::Gost2012_256 => "gost2012_256",
            Self::Gost2012_512 => "gost2012_512",
        }
    }
}

/// A parsed certificate.
#[derive(Clone)]
pub struct Certificate {
    x509: X509,
}

impl std::fmt::Debug for Certificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Certificate")
            .field("serial", &self.serial_hex())
            .finish_non_exhaustive()
    }
}

impl Certificate {
    /// Reads a DER certificate (`certificate_invalid` when it is not one).
    pub fn from_der(der: &[u8]) -> Result<Self, Refusal> {
        // GOST keys decode only with the engine loaded.
        engine::gost_available();
        X509::from_der(der)
            .map(|x509| Self { x509 })
            .map_err(|_| Refusal("certificate_invalid"))
    }

    /// Reads a PEM certificate (`certificate_invalid` when it is not one).
    pub fn from_pem(pem: &[u8]) -> Result<Self, Refusal> {
        engine::gost_available();
        X509::from_pem(pem)
            .map(|x509| Self { x509 })
            .map_err(|_| Refusal("certificate_invalid"))
    }

    pub(crate) fn x509(&self) -> &X509 {
        &self.x509
    }

    /// The DER encoding.
    pub fn to_der(&self) -> Vec<u8> {
        self.x509.to_der().unwrap_or_default()
    }

    /// The SNILS attribute of the subject, as written.
    pub fn snils(&self) -> Option<String> {
        text_of(self.x509.subject_name(), SNILS)
    }

    /// The INN attribute of the subject, as written.
    pub fn inn(&self) -> Option<String> {
        text_of(self.x509.subject_name(), INN)
    }

    /// The holder as the subject names them: surname and given names, else the common name.
    pub fn holder(&self) -> String {
        let name = self.x509.subject_name();
        match (text_of(name, Nid::SURNAME), text_of(name, Nid::GIVENNAME)) {
            (Some(surname), Some(given)) => format!("{surname} {given}"),
            _ => text_of(name, Nid::COMMONNAME).unwrap_or_default(),
        }
    }

    /// The issuing authority's name (its organisation, else its common name).
    pub fn issuer(&self) -> String {
        let name = self.x509.issuer_name();
        text_of(name, Nid::ORGANIZATIONNAME)
            .or_else(|| text_of(name, Nid::COMMONNAME))
            .unwrap_or_default()
    }

    /// The serial number in hex.
    pub fn serial_hex(&self) -> String {
        self.x509
            .serial_number()
            .to_bn()
            .and_then(|bn| bn.to_hex_str().map(|s| s.to_string()))
            .unwrap_or_default()
    }

    /// Valid from.
    pub fn not_before(&self) -> DateTime<Utc> {
        time_of(self.x509.not_before())
    }

    /// Valid until.
    pub fn not_after(&self) -> DateTime<Utc> {
        time_of(self.x509.not_after())
    }

    /// Its key may sign statements: key usage digitalSignature or nonRepudiation, or no key
    /// usage at all (then any). A certification authority's own certificate may not.
    pub fn may_sign(&self) -> bool {
        use openssl::x509::X509KeyUsage;
        match self.x509.key_usage() {
            None => true,
            Some(usage) => {
                usage.intersects(X509KeyUsage::DIGITAL_SIGNATURE | X509KeyUsage::NON_REPUDIATION)
            }
        }
    }

    /// How its key signs (`signature_algorithm_unsupported` for anything but ECDSA P-256 and
    /// GOST R 34.10-2012; `signature_algorithm_unavailable` for GOST without the engine).
    pub fn algorithm(&self) -> Result<Algorithm, Refusal> {
        let key = self.public_key()?;
        match key.id() {
            Id::EC => {
                let curve = key.ec_key().ok().and_then(|k| k.group().curve_name());
                if curve == Some(Nid::X9_62_PRIME256V1) {
                    Ok(Algorithm::EcdsaP256)
                } else {
                    Err(Refusal("signature_algorithm_unsupported"))
                }
            }
            id if id.as_raw() == GOST_2012_256 => Ok(Algorithm::Gost2012_256),
            id if id.as_raw() == GOST_2012_512 => Ok(Algorithm::Gost2012_512),
            _ => Err(Refusal("signature_algorithm_unsupported")),
        }
    }

    fn public_key(&self) -> Result<PKey<Public>, Refusal> {
        self.x509.public_key().map_err(|_| {
            if self.is_gost() && !engine::gost_available() {
                Refusal("signature_algorithm_unavailable")
            } else {
                Refusal("signature_algorithm_unsupported")
            }
        })
    }

    /// Whether the certificate speaks GOST (its own signature does), told without the engine.
    fn is_gost(&self) -> bool {
        let nid = self.x509.signature_algorithm().object().nid().as_raw();
        GOST_SIGNATURES.contains(&nid)
    }

    /// Verifies `signature` over `message` with the certificate's key (`signature_invalid`).
    /// ECDSA signatures are taken as PKCS#11 tokens make them (r‖s, 64 bytes) or DER-encoded;
    /// GOST signatures as PKCS#11 and OpenSSL make them (s‖r, big-endian).
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), Refusal> {
        let algorithm = self.algorithm()?;
        let key = self.public_key()?;
        let invalid = |_| Refusal("signature_invalid");
        let (digest, signature) = match algorithm {
            Algorithm::EcdsaP256 => (MessageDigest::sha256(), ecdsa_der(signature)?),
            Algorithm::Gost2012_256 => (gost_digest("md_gost12_256")?, signature.to_vec()),
            Algorithm::Gost2012_512 => (gost_digest("md_gost12_512")?, signature.to_vec()),
        };
        let mut verifier = Verifier::new(digest, &key).map_err(invalid)?;
        match verifier.verify_oneshot(&signature, message) {
            Ok(true) => Ok(()),
            _ => {
                drop(openssl::error::ErrorStack::get());
                Err(Refusal("signature_invalid"))
            }
        }
    }
}

fn gost_digest(name: &str) -> Result<MessageDigest, Refusal> {
    if !engine::gost_available() {
        return Err(Refusal("signature_algorithm_unavailable"));
    }
    MessageDigest::from_name(name).ok_or(Refusal("signature_algorithm_unavailable"))
}

/// An ECDSA signature in DER: r‖s (64 bytes, as a token's CKM_ECDSA makes it) is re-encoded,
/// anything else is taken as DER already.
fn ecdsa_der(signature: &[u8]) -> Result<Vec<u8>, Refusal> {
    if signature.len() != 64 {
        return Ok(signature.to_vec());
    }
    let invalid = |_| Refusal("signature_invalid");
    let r = BigNum::from_slice(&signature[..32]).map_err(invalid)?;
    let s = BigNum::from_slice(&signature[32..]).map_err(invalid)?;
    EcdsaSig::from_private_components(r, s)
        .and_then(|sig| sig.to_der())
        .map_err(invalid)
}

/// The text of the first attribute `nid` of a name (NumericString, PrintableString, UTF8String
/// alike).
fn text_of(name: &X509NameRef, nid: Nid) -> Option<String> {
    let entry = name.entries_by_nid(nid).next()?;
    let text = entry.data().to_string().ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

pub(crate) fn time_of(time: &openssl::asn1::Asn1TimeRef) -> DateTime<Utc> {
    let epoch = openssl::asn1::Asn1Time::from_unix(0).expect("the epoch is a time");
    epoch
        .diff(time)
        .map(|d| {
            DateTime::<Utc>::UNIX_EPOCH
                + chrono::Duration::days(i64::from(d.days))
                + chrono::Duration::seconds(i64::from(d.secs))
        })
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}
