//! A loaded PKCS#11 library: the tokens it sees, and signing on one of them.

use std::collections::HashMap;
use std::ffi::c_ulong;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error, RvError};
use cryptoki::mechanism::vendor_defined::VendorDefinedMechanism;
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, CertificateType, KeyType, ObjectClass};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;

use crate::certificate::{self, unhex};
use crate::{PinState, Token, TokenError, pin_state};

/// TC26 (the Russian standardisation committee) vendor values, from the Rutoken and JaCarta
/// headers: CKK_GOSTR3410_512.
const CKK_GOSTR3410_512: c_ulong = 0xD432_1003;
/// CKM_GOSTR3410_512: raw GOST R 34.10-2012-512 over a 64-byte digest.
const CKM_GOSTR3410_512: c_ulong = 0xD432_1006;
/// CKM_GOSTR3410_WITH_GOSTR3411_12_256: Streebog-256 and GOST R 34.10-2012-256 on the token.
const CKM_GOSTR3410_WITH_GOSTR3411_12_256: c_ulong = 0xD432_1008;
/// CKM_GOSTR3410_WITH_GOSTR3411_12_512: Streebog-512 and GOST R 34.10-2012-512 on the token.
const CKM_GOSTR3410_WITH_GOSTR3411_12_512: c_ulong = 0xD432_1009;

/// CKA_EC_PARAMS of a P-256 key: the OID 1.2.840.10045.3.1.7, DER-encoded.
const P256: [u8; 10] = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];

/// A loaded PKCS#11 library. Cheap to clone: clones share the library.
#[derive(Clone)]
pub struct Module {
    inner: Arc<Inner>,
}

struct Inner {
    pkcs11: Pkcs11,
    path: PathBuf,
    /// Held for each whole operation. PKCS#11 login state belongs to the application and the
    /// token, not to a session, so two signings at once on one token would share (and end)
    /// each other's login; and token makers' libraries are not all safe across threads
    /// (SoftHSM 2.6.1 fails concurrent object creation and reads, SoftHSMv2 issue #573). A
    /// citizen uses one token at a time: nothing is lost.
    calls: Mutex<()>,
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module")
            .field("path", &self.inner.path)
            .finish_non_exhaustive()
    }
}

/// A signature made on a token.
#[derive(Debug, Clone)]
pub struct Signed {
    /// The certificate whose key signed, in DER.
    pub certificate: Vec<u8>,
    /// The signature as the token made it: r‖s for ECDSA, s‖r for GOST, big-endian halves.
    pub signature: Vec<u8>,
    /// How it was made: `ecdsa_p256_sha256`, `gost2012_256` or `gost2012_512` (the server's
    /// names for the certificate's algorithm).
    pub mechanism: &'static str,
}

impl Module {
    /// Loads a PKCS#11 library. Only one C_Initialize per library per process works, so modules
    /// are kept per canonical path for the life of the process and opened once;
    /// CKR_CRYPTOKI_ALREADY_INITIALIZED (someone else in the process loaded it) is not an error.
    pub fn open(path: &Path) -> Result<Module, TokenError> {
        static MODULES: OnceLock<Mutex<HashMap<PathBuf, Module>>> = OnceLock::new();
        let canonical = std::fs::canonicalize(path)
            .map_err(|e| TokenError::NotAModule(format!("{}: {e}", path.display())))?;
        // Held while loading, so that two threads opening one library initialise it once.
        let mut modules = MODULES
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(module) = modules.get(&canonical) {
            return Ok(module.clone());
        }
        let pkcs11 = Pkcs11::new(&canonical).map_err(|e| match e {
            Error::LibraryLoading(_) | Error::MissingSymbol(_) => {
                TokenError::NotAModule(format!("{}: {e}", canonical.display()))
            }
            other => device(other),
        })?;
        match pkcs11.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
            Ok(()) | Err(Error::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
            Err(e) => return Err(device(e)),
        }
        let module = Module {
            inner: Arc::new(Inner {
                pkcs11,
                path: canonical.clone(),
                calls: Mutex::new(()),
            }),
        };
        modules.insert(canonical, module.clone());
        Ok(module)
    }

    pub(crate) fn pkcs11(&self) -> &Pkcs11 {
        &self.inner.pkcs11
    }

    /// The module to oneself for one operation.
    pub(crate) fn exclusive(&self) -> MutexGuard<'_, ()> {
        self.inner
            .calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The tokens present, with their certificates (those with a CKA_VALUE that parses; `id`
    /// is the hex of CKA_ID). A token pulled out while being read is left out.
    pub fn tokens(&self) -> Result<Vec<Token>, TokenError> {
        let _exclusive = self.exclusive();
        let p11 = self.pkcs11();
        let mut tokens = Vec::new();
        for slot in p11.get_slots_with_token().map_err(device)? {
            match self.token(slot) {
                Ok(Some(token)) => tokens.push(token),
                Ok(None) | Err(TokenError::NoToken) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(tokens)
    }

    fn token(&self, slot: Slot) -> Result<Option<Token>, TokenError> {
        let info = self.pkcs11().get_token_info(slot).map_err(token_error)?;
        // A blank token (SoftHSM always offers one) has nothing to sign with.
        if !info.token_initialized() {
            return Ok(None);
        }
        let session = self.pkcs11().open_ro_session(slot).map_err(token_error)?;
        let handles = session
            .find_objects(&[
                Attribute::Class(ObjectClass::CERTIFICATE),
                Attribute::CertificateType(CertificateType::X_509),
            ])
            .map_err(token_error)?;
        let mut certificates = Vec::new();
        for handle in handles {
            let attributes =
                match session.get_attributes(handle, &[AttributeType::Id, AttributeType::Value]) {
                    Ok(attributes) => attributes,
                    // Deleted since the search (by another application): not there to choose.
                    Err(Error::Pkcs11(RvError::ObjectHandleInvalid, _)) => continue,
                    Err(e) => return Err(token_error(e)),
                };
            let (mut id, mut der) = (Vec::new(), None);
            for attribute in attributes {
                match attribute {
                    Attribute::Id(value) => id = value,
                    Attribute::Value(value) if !value.is_empty() => der = Some(value),
                    _ => {}
                }
            }
            if let Some(cert) = der.and_then(|der| certificate::read(&id, der)) {
                certificates.push(cert);
            }
        }
        Ok(Some(Token {
            serial: info.serial_number().trim().to_string(),
            label: info.label().trim().to_string(),
            model: info.model().trim().to_string(),
            pin: pin_state(
                info.user_pin_count_low(),
                info.user_pin_final_try(),
                info.user_pin_locked(),
            ),
            certificates,
        }))
    }

    /// Logs in with `pin` on the token with this serial, finds the private key with the
    /// certificate's CKA_ID, signs `message` and logs out. The PIN goes to the token only.
    pub fn sign(
        &self,
        token_serial: &str,
        certificate_id: &str,
        pin: &str,
        message: &[u8],
    ) -> Result<Signed, TokenError> {
        let _exclusive = self.exclusive();
        let p11 = self.pkcs11();
        let slot = self.slot(token_serial)?;
        let info = p11.get_token_info(slot).map_err(token_error)?;
        if info.user_pin_locked() {
            return Err(TokenError::PinLocked);
        }
        let id = unhex(certificate_id).ok_or(TokenError::NoCertificate)?;
        let session = p11.open_ro_session(slot).map_err(token_error)?;
        let certificate = find_certificate(&session, &id)?;
        self.login(&session, slot, pin)?;
        let signed = self.sign_logged_in(&session, slot, &id, message);
        // Closing the session would end the login too (it is the only one this module has
        // open, as operations are one at a time); logging out says so first.
        let _ = session.logout();
        let (signature, mechanism) = signed?;
        Ok(Signed {
            certificate,
            signature,
            mechanism,
        })
    }

    fn slot(&self, serial: &str) -> Result<Slot, TokenError> {
        let p11 = self.pkcs11();
        for slot in p11.get_slots_with_token().map_err(device)? {
            match p11.get_token_info(slot) {
                Ok(info) if info.token_initialized() && info.serial_number().trim() == serial => {
                    return Ok(slot);
                }
                Ok(_) => {}
                Err(e) => match token_error(e) {
                    TokenError::NoToken => {}
                    other => return Err(other),
                },
            }
        }
        Err(TokenError::NoToken)
    }

    fn login(&self, session: &Session, slot: Slot, pin: &str) -> Result<(), TokenError> {
        let pin = AuthPin::from(pin);
        let mut result = session.login(UserType::User, Some(&pin));
        if let Err(Error::Pkcs11(RvError::UserAlreadyLoggedIn, _)) = result {
            // Someone else in the process left the token logged in. Signing on that login
            // would skip the citizen's PIN: log out and check it.
            let _ = session.logout();
            result = session.login(UserType::User, Some(&pin));
        }
        match result {
            Ok(()) => Ok(()),
            // A PIN of a length the token refuses is as wrong as any other to the citizen
            // (and is not counted as a try).
            Err(Error::Pkcs11(RvError::PinIncorrect | RvError::PinLenRange, _)) => {
                let info = self.pkcs11().get_token_info(slot).map_err(token_error)?;
                match pin_state(
                    info.user_pin_count_low(),
                    info.user_pin_final_try(),
                    info.user_pin_locked(),
                ) {
                    PinState::Locked => Err(TokenError::PinLocked),
                    state => Err(TokenError::PinIncorrect(state)),
                }
            }
            Err(Error::Pkcs11(RvError::PinLocked, _)) => Err(TokenError::PinLocked),
            Err(e) => Err(token_error(e)),
        }
    }

    fn sign_logged_in(
        &self,
        session: &Session,
        slot: Slot,
        id: &[u8],
        message: &[u8],
    ) -> Result<(Vec<u8>, &'static str), TokenError> {
        let keys = session
            .find_objects(&[
                Attribute::Class(ObjectClass::PRIVATE_KEY),
                Attribute::Id(id.to_vec()),
            ])
            .map_err(token_error)?;
        let key = *keys.first().ok_or(TokenError::NoCertificate)?;
        let attributes = session
            .get_attributes(key, &[AttributeType::KeyType, AttributeType::EcParams])
            .map_err(|e| match e {
                // cryptoki refuses key types it does not know (below the vendor range).
                Error::NotSupported => TokenError::MechanismUnsupported,
                other => token_error(other),
            })?;
        let (mut key_type, mut ec_params) = (None, None);
        for attribute in attributes {
            match attribute {
                Attribute::KeyType(value) => key_type = Some(value),
                Attribute::EcParams(value) => ec_params = Some(value),
                _ => {}
            }
        }
        let key_type = key_type.ok_or(TokenError::MechanismUnsupported)?;
        let plan = plan(key_type, ec_params.as_deref(), |mechanism| {
            self.has_mechanism(slot, mechanism)
        })?;
        let (mechanism, data) = match plan {
            Plan::EcdsaSha256 => {
                use sha2::Digest as _;
                (Mechanism::Ecdsa, sha2::Sha256::digest(message).to_vec())
            }
            Plan::OverMessage(value, _) => (vendor(value)?, message.to_vec()),
            Plan::OverStreebog512(value, _) => {
                use streebog::Digest as _;
                (
                    vendor(value)?,
                    streebog::Streebog512::digest(message).to_vec(),
                )
            }
        };
        let signature = session.sign(&mechanism, key, &data).map_err(token_error)?;
        Ok((signature, plan.name()))
    }

    /// Whether the slot's token signs with this vendor mechanism.
    fn has_mechanism(&self, slot: Slot, mechanism: c_ulong) -> bool {
        MechanismType::new_vendor_defined(mechanism)
            .and_then(|t| self.pkcs11().get_mechanism_info(slot, t))
            .is_ok_and(|info| info.sign())
    }
}

/// How a key signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    /// CKM_ECDSA over SHA-256 of the message.
    EcdsaSha256,
    /// A vendor mechanism that hashes the message on the token.
    OverMessage(c_ulong, &'static str),
    /// A raw vendor mechanism over the Streebog-512 digest computed here.
    OverStreebog512(c_ulong, &'static str),
}

impl Plan {
    fn name(self) -> &'static str {
        match self {
            Plan::EcdsaSha256 => "ecdsa_p256_sha256",
            Plan::OverMessage(_, name) | Plan::OverStreebog512(_, name) => name,
        }
    }
}

/// The mechanism for a key of `key_type` (with `ec_params` for EC keys), given which vendor
/// mechanisms the slot `has`.
fn plan(
    key_type: KeyType,
    ec_params: Option<&[u8]>,
    has: impl Fn(c_ulong) -> bool,
) -> Result<Plan, TokenError> {
    if key_type == KeyType::EC {
        // Another curve would sign, but nothing on the server would accept it.
        return match ec_params {
            Some(params) if params != P256 => Err(TokenError::MechanismUnsupported),
            _ => Ok(Plan::EcdsaSha256),
        };
    }
    if key_type == KeyType::GOSTR3410 {
        if has(CKM_GOSTR3410_WITH_GOSTR3411_12_256) {
            return Ok(Plan::OverMessage(
                CKM_GOSTR3410_WITH_GOSTR3411_12_256,
                "gost2012_256",
            ));
        }
        // The raw CKM_GOSTR3410 (0x1201) cannot be named in cryptoki 0.12 (see the crate doc).
        return Err(TokenError::MechanismUnsupported);
    }
    if KeyType::new_vendor_defined(CKK_GOSTR3410_512).is_ok_and(|gost512| key_type == gost512) {
        if has(CKM_GOSTR3410_WITH_GOSTR3411_12_512) {
            return Ok(Plan::OverMessage(
                CKM_GOSTR3410_WITH_GOSTR3411_12_512,
                "gost2012_512",
            ));
        }
        if has(CKM_GOSTR3410_512) {
            return Ok(Plan::OverStreebog512(CKM_GOSTR3410_512, "gost2012_512"));
        }
    }
    Err(TokenError::MechanismUnsupported)
}

fn vendor(value: c_ulong) -> Result<Mechanism<'static>, TokenError> {
    let mechanism_type = MechanismType::new_vendor_defined(value).map_err(device)?;
    Ok(Mechanism::VendorDefined(VendorDefinedMechanism::new::<()>(
        mechanism_type,
        None,
    )))
}

/// The DER of the X.509 certificate with CKA_ID `id`.
fn find_certificate(session: &Session, id: &[u8]) -> Result<Vec<u8>, TokenError> {
    let handles = session
        .find_objects(&[
            Attribute::Class(ObjectClass::CERTIFICATE),
            Attribute::CertificateType(CertificateType::X_509),
            Attribute::Id(id.to_vec()),
        ])
        .map_err(token_error)?;
    for handle in handles {
        let attributes = session
            .get_attributes(handle, &[AttributeType::Value])
            .map_err(token_error)?;
        for attribute in attributes {
            if let Attribute::Value(der) = attribute
                && !der.is_empty()
            {
                return Ok(der);
            }
        }
    }
    Err(TokenError::NoCertificate)
}

/// A PKCS#11 error, with a token pulled out (or its slot gone) told apart.
fn token_error(e: Error) -> TokenError {
    match e {
        Error::Pkcs11(
            RvError::TokenNotPresent
            | RvError::TokenNotRecognized
            | RvError::DeviceRemoved
            | RvError::SlotIdInvalid,
            _,
        ) => TokenError::NoToken,
        Error::Pkcs11(RvError::MechanismInvalid | RvError::KeyTypeInconsistent, _) => {
            TokenError::MechanismUnsupported
        }
        other => device(other),
    }
}

fn device(e: Error) -> TokenError {
    // cryptoki's text names the function and the return value, never an argument.
    TokenError::Device(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gost512() -> KeyType {
        KeyType::new_vendor_defined(CKK_GOSTR3410_512).unwrap()
    }

    #[test]
    fn p256_keys_sign_a_sha256_digest_with_ecdsa() {
        assert_eq!(
            plan(KeyType::EC, Some(&P256), |_| false).unwrap(),
            Plan::EcdsaSha256
        );
        assert_eq!(
            plan(KeyType::EC, None, |_| false).unwrap(),
            Plan::EcdsaSha256
        );
        let p384 = [0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22];
        assert!(matches!(
            plan(KeyType::EC, Some(&p384), |_| true),
            Err(TokenError::MechanismUnsupported)
        ));
        assert_eq!(Plan::EcdsaSha256.name(), "ecdsa_p256_sha256");
    }

    #[test]
    fn gost_256_keys_need_the_vendor_mechanism_over_the_message() {
        let plan256 = plan(KeyType::GOSTR3410, None, |m| m == 0xD432_1008).unwrap();
        assert_eq!(plan256, Plan::OverMessage(0xD432_1008, "gost2012_256"));
        assert!(matches!(
            plan(KeyType::GOSTR3410, None, |m| m == 0xD432_1006),
            Err(TokenError::MechanismUnsupported)
        ));
    }

    #[test]
    fn gost_512_keys_prefer_the_message_then_a_digest() {
        assert_eq!(
            plan(gost512(), None, |_| true).unwrap(),
            Plan::OverMessage(0xD432_1009, "gost2012_512")
        );
        assert_eq!(
            plan(gost512(), None, |m| m == 0xD432_1006).unwrap(),
            Plan::OverStreebog512(0xD432_1006, "gost2012_512")
        );
        assert!(matches!(
            plan(gost512(), None, |m| m == 0xD432_1008),
            Err(TokenError::MechanismUnsupported)
        ));
    }

    #[test]
    fn other_keys_are_unsupported() {
        assert!(matches!(
            plan(KeyType::RSA, None, |_| true),
            Err(TokenError::MechanismUnsupported)
        ));
    }

    #[test]
    fn streebog_512_bytes_are_as_openssl_outputs_them() {
        // `printf abc | openssl dgst -engine gost -md_gost12_512` (Debian's
        // libengine-gost-openssl, the server's GOST): no byte reversal between the two.
        use streebog::Digest as _;
        let digest = streebog::Streebog512::digest(b"abc");
        assert_eq!(
            certificate::hex(&digest),
            "28156e28317da7c98f4fe2bed6b542d0dab85bb224445fcedaf75d46e26d7eb8\
             d5997f3e0915dd6b7f0aab08d9c8beb0d8c64bae2ab8b3c8c6bc53b3bf0db728"
        );
    }
}
