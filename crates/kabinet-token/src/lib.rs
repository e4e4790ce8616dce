//! A citizen's PKCS#11 token (Rutoken, JaCarta; SoftHSM2 in tests) as the desktop uses it
//! for the e-signature sign-in (DOMAIN §4; the server's side is `kabinet-signature`):
//!
//! - [`Module::open`] loads the token maker's PKCS#11 library;
//! - [`Module::tokens`] lists the tokens present, the state of their PIN and the certificates
//!   on them, read for what the citizen chooses by (holder, SNILS, issuer, validity);
//! - [`Module::sign`] logs in with the citizen's PIN, signs the server's challenge with the
//!   private key beside the chosen certificate and logs out. The PIN is passed to the token
//!   and nowhere else: never logged, never kept, never in an error's text.
//!
//! A module does one operation at a time: PKCS#11 login state is shared by the whole process,
//! and token makers' libraries (SoftHSM 2.6.1 among them) are not all safe across threads.
//!
//! This crate verifies nothing: neither the certificate (chain, revocation, SNILS rules) nor the
//! signature. The server does both, on what [`Signed`] carries. It never writes to a token, and
//! reads no certificate that is private (visible only after login): qualified certificates are
//! public objects.
//!
//! # Mechanisms
//!
//! The private key's CKA_KEY_TYPE decides:
//!
//! - **EC (P-256)**: SHA-256 of the message is computed here and signed with CKM_ECDSA, which
//!   returns r‖s, 64 bytes (`ecdsa_p256_sha256`). CKM_ECDSA_SHA256 would hash on the token,
//!   but SoftHSM2 and several tokens lack it; CKM_ECDSA is everywhere.
//! - **GOST R 34.10-2012, 256-bit key** (CKK_GOSTR3410, 0x30): the TC26 vendor mechanism
//!   CKM_GOSTR3410_WITH_GOSTR3411_12_256 (0xD4321008), which hashes the message itself with
//!   Streebog-256 (`gost2012_256`). The standard raw CKM_GOSTR3410 (0x1201) over a digest would
//!   be the fallback, but cryptoki 0.12 cannot express it: `MechanismType::new_vendor_defined`
//!   refuses values below CKM_VENDOR_DEFINED and the `Mechanism` enum has no GOST variant. A
//!   token without the vendor mechanism gets `token_mechanism_unsupported`.
//! - **GOST R 34.10-2012, 512-bit key** (TC26 vendor CKK_GOSTR3410_512, 0xD4321003):
//!   CKM_GOSTR3410_WITH_GOSTR3411_12_512 (0xD4321009) over the message (`gost2012_512`), else
//!   the raw CKM_GOSTR3410_512 (0xD4321006) over the Streebog-512 digest computed here, its
//!   bytes as the hash function outputs them (as the token's own CKM_GOSTR3411_12_512 would).
//!
//! Vendor mechanisms are probed with C_GetMechanismInfo: cryptoki's mechanism list drops every
//! value it does not know, vendor ones included. A GOST signature is s‖r, each half
//! big-endian, as PKCS#11 defines it (RFC 4491 §2.2.2); OpenSSL's GOST engine, which the server
//! verifies with, reads that layout unchanged.
//!
//! Debian's SoftHSM2 has no GOST, so only ECDSA is tested end to end; the choice of a GOST
//! mechanism is tested against the slot's answers alone. SoftHSM also never sets the
//! final-try or locked PIN flags, so their mapping is the pure [`pin_state`]. The `testing`
//! feature makes SoftHSM2 tokens for tests (`testing::SoftHsm`).

mod certificate;
mod module;
#[cfg(feature = "testing")]
pub mod testing;

pub use module::{Module, Signed};

/// A token present in a reader.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Token {
    /// The token's serial number, which [`Module::sign`] names it by.
    pub serial: String,
    /// The label its owner or issuer gave it.
    pub label: String,
    /// The maker's model name.
    pub model: String,
    /// How many PIN tries are left, as the token tells.
    pub pin: PinState,
    /// The X.509 certificates on it.
    pub certificates: Vec<TokenCertificate>,
}

/// The state of a token's user PIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PinState {
    /// No wrong PIN counted (or the token does not tell).
    Ok,
    /// A wrong PIN was given since the last right one.
    CountLow,
    /// One more wrong PIN locks the token.
    FinalTry,
    /// Locked: only the security officer (the issuer) can unlock it.
    Locked,
}

/// The PIN state from the token's CKF_USER_PIN_COUNT_LOW, _FINAL_TRY and _LOCKED flags, the
/// gravest winning.
pub fn pin_state(count_low: bool, final_try: bool, locked: bool) -> PinState {
    if locked {
        PinState::Locked
    } else if final_try {
        PinState::FinalTry
    } else if count_low {
        PinState::CountLow
    } else {
        PinState::Ok
    }
}

/// A certificate on a token, as read (not verified).
#[derive(Debug, Clone, serde::Serialize)]
pub struct TokenCertificate {
    /// The hex of its CKA_ID, which pairs it with its private key.
    pub id: String,
    /// The holder: surname and given names, else the common name.
    pub holder: String,
    /// The SNILS in its subject (OID 1.2.643.100.3).
    pub snils: Option<String>,
    /// The issuing authority: its organisation, else its common name.
    pub issuer: String,
    /// Valid from (Unix seconds).
    pub not_before: i64,
    /// Valid until (Unix seconds).
    pub not_after: i64,
    /// The DER encoding.
    #[serde(skip)]
    pub der: Vec<u8>,
}

/// Why the token could not be read or could not sign.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The path is missing, is not a shared library, or has no C_GetFunctionList.
    #[error("not a PKCS#11 module: {0}")]
    NotAModule(String),
    /// No token with that serial is present.
    #[error("the token is not present")]
    NoToken,
    /// No certificate with that id on the token, or no private key beside it.
    #[error("no such certificate with its key on the token")]
    NoCertificate,
    /// The PIN is wrong; the state is read after the failure.
    #[error("incorrect PIN ({0:?})")]
    PinIncorrect(PinState),
    /// The PIN is locked.
    #[error("the PIN is locked")]
    PinLocked,
    /// The token cannot sign with the key's algorithm in a way this crate speaks.
    #[error("the token has no mechanism for this key")]
    MechanismUnsupported,
    /// Any other PKCS#11 failure (the text never holds the PIN).
    #[error("token failed: {0}")]
    Device(String),
}

impl TokenError {
    /// The stable code the UI words in the citizen's language.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotAModule(_) => "token_not_a_module",
            Self::NoToken => "token_absent",
            Self::NoCertificate => "token_certificate_absent",
            Self::PinIncorrect(_) => "token_pin_incorrect",
            Self::PinLocked => "token_pin_locked",
            Self::MechanismUnsupported => "token_mechanism_unsupported",
            Self::Device(_) => "token_failed",
        }
    }
}
