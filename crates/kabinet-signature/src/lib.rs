//! Qualified e-signatures checked on the server's side (DOMAIN §4 and §6; the desktop's side,
//! the token, is `kabinet-token`):
//!
//! - [`Certificate`]: a citizen's X.509 certificate, read for what the rules need — the SNILS
//!   (OID 1.2.643.100.3) and INN (1.2.643.3.131.1.1) of its subject, its validity, its key usage
//!   — and used to verify a signature over a statement: ECDSA P-256 with SHA-256, or GOST R
//!   34.10-2012 (256 or 512) with Streebog;
//! - [`TrustList`]: the accredited certification authorities and their revocation lists; a
//!   certificate is trusted when its chain ends at one of them with every signature verified;
//! - [`ocsp`]: an OCSP request for a certificate and the check of its answer.
//!
//! All cryptography is OpenSSL's; GOST comes from its GOST engine (Debian's
//! `libengine-gost-openssl`), loaded once at first use ([`gost_available`]). Without the engine
//! a GOST certificate is refused as `signature_algorithm_unavailable`. This crate reads no
//! clock: time is an argument.

mod certificate;
mod engine;
pub mod ocsp;
#[cfg(feature = "testing")]
pub mod testing;
mod trust;

pub use certificate::{Algorithm, Certificate};
pub use engine::gost_available;
pub use trust::{CrlStatus, TrustList, TrustListError};

/// Why a certificate or a signature was refused: a rule code the UI words in the citizen's
/// language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refusal(pub &'static str);
