//! SoftHSM2 tokens in a temporary directory, for this crate's tests and the desktop's
//! end-to-end ones. Only for tests: every failure panics.
//!
//! SoftHSM reads its configuration once, at C_Initialize, from the file named by the
//! environment variable SOFTHSM2_CONF, and a library is initialised once per process. So the
//! process has one store, [`SoftHsm::shared`], and every test makes its own token in it; a
//! test that starts the desktop as a child process passes [`SoftHsm::config_path`] to it.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, CertificateType, ObjectClass};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;

use crate::Module;

/// Where Debian's `softhsm2` package puts the module.
const DEFAULT_MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
/// The name of a store's directory starts so.
const STORE_PREFIX: &str = "kabinet-softhsm-";
/// The security officer's PIN of every test token.
const SO_PIN: &str = "87654321";
/// CKA_EC_PARAMS of P-256: the OID 1.2.840.10045.3.1.7, DER-encoded.
const P256: [u8; 10] = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];

/// The process's SoftHSM2 store.
pub struct SoftHsm {
    module: Module,
    module_path: PathBuf,
    config_path: PathBuf,
    /// Kept: the store lives as long as the process. A static is never dropped, so the
    /// directory stays behind after the run; the next run a day later sweeps it.
    _dir: tempfile::TempDir,
}

impl SoftHsm {
    /// The store, made at the first call: a temporary directory with a `softhsm2.conf`,
    /// SOFTHSM2_CONF pointing at it, and the module (`KABINET_SOFTHSM_MODULE`, else Debian's
    /// path) opened. Call it before anything else in the process opens SoftHSM.
    pub fn shared() -> &'static SoftHsm {
        static SHARED: OnceLock<SoftHsm> = OnceLock::new();
        SHARED.get_or_init(|| {
            sweep_old_stores();
            let dir = tempfile::Builder::new()
                .prefix(STORE_PREFIX)
                .tempdir()
                .expect("a temporary directory");
            let tokens = dir.path().join("tokens");
            std::fs::create_dir(&tokens).expect("a token directory");
            let config_path = dir.path().join("softhsm2.conf");
            std::fs::write(
                &config_path,
                format!(
                    "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n",
                    tokens.display()
                ),
            )
            .expect("softhsm2.conf written");
            point_softhsm_at(&config_path);
            let module_path = std::env::var_os("KABINET_SOFTHSM_MODULE")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(DEFAULT_MODULE));
            let module = Module::open(&module_path).unwrap_or_else(|e| {
                panic!(
                    "SoftHSM2 at {} (the softhsm2 package; or set KABINET_SOFTHSM_MODULE): {e}",
                    module_path.display()
                )
            });
            SoftHsm {
                module,
                module_path,
                config_path,
                _dir: dir,
            }
        })
    }

    /// The SoftHSM2 module opened.
    pub fn module(&self) -> &Module {
        &self.module
    }

    /// The path of the SoftHSM2 library.
    pub fn module_path(&self) -> &Path {
        &self.module_path
    }

    /// The `softhsm2.conf` of this store (for SOFTHSM2_CONF in a child process).
    pub fn config_path(&self) -> &Path {
        &self.config_path
    }

    /// A new token labelled `label` (32 bytes at most) with the user PIN `pin`, in the first
    /// free slot.
    pub fn new_token(&self, label: &str, pin: &str) -> TestToken {
        // Also keeps two tests from taking the same free slot.
        let _exclusive = self.module.exclusive();
        let p11 = self.module.pkcs11();
        let slot = p11
            .get_all_slots()
            .expect("SoftHSM slots")
            .into_iter()
            .find(|slot| {
                p11.get_token_info(*slot)
                    .is_ok_and(|info| !info.token_initialized())
            })
            .expect("a free SoftHSM slot");
        let so_pin = AuthPin::from(SO_PIN);
        p11.init_token(slot, &so_pin, label)
            .expect("token initialised");
        let session = p11.open_rw_session(slot).expect("a session");
        session
            .login(UserType::So, Some(&so_pin))
            .expect("SO login");
        session.init_pin(&AuthPin::from(pin)).expect("user PIN set");
        session.logout().expect("SO logout");
        let serial = p11
            .get_token_info(slot)
            .expect("token info")
            .serial_number()
            .trim()
            .to_string();
        TestToken {
            serial,
            slot: slot.id(),
            handle: slot,
            pin: pin.to_string(),
            module: self.module.clone(),
        }
    }
}

/// Removes the stores of test runs that ended long ago: a store lives in a static, which is
/// never dropped, so each run leaves its directory behind.
fn sweep_old_stores() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    let day_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(24 * 3600);
    for entry in entries.flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|modified| modified < day_ago);
        if old
            && entry
                .file_name()
                .to_string_lossy()
                .starts_with(STORE_PREFIX)
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Points SoftHSM at `config`, once, before its C_Initialize.
#[allow(unsafe_code)]
fn point_softhsm_at(config: &Path) {
    // SAFETY: called once, from `SoftHsm::shared`'s initialiser, before this process has
    // initialised SoftHSM, the only C code here that reads the variable; threads that want
    // the store wait on the `OnceLock` until it is made. Rust's own environment reads and
    // writes take std's lock, so other test threads using `std::env` do not race with it.
    unsafe { std::env::set_var("SOFTHSM2_CONF", config) };
}

/// A token in the store.
pub struct TestToken {
    /// Its serial number, as [`Module::sign`] takes it.
    pub serial: String,
    /// Its slot id.
    pub slot: u64,
    handle: Slot,
    pin: String,
    module: Module,
}

impl std::fmt::Debug for TestToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestToken")
            .field("serial", &self.serial)
            .field("slot", &self.slot)
            .finish_non_exhaustive()
    }
}

impl TestToken {
    /// Generates a P-256 key pair on the token with CKA_ID `id` (the private key sensitive,
    /// as on a real token) and returns its public point, 04‖X‖Y.
    pub fn generate_p256(&self, id: &[u8]) -> Vec<u8> {
        let _exclusive = self.module.exclusive();
        let session = self.user_session();
        let (public, _private) = session
            .generate_key_pair(
                &Mechanism::EccKeyPairGen,
                &[
                    Attribute::Token(true),
                    Attribute::Verify(true),
                    Attribute::EcParams(P256.to_vec()),
                    Attribute::Id(id.to_vec()),
                ],
                &[
                    Attribute::Token(true),
                    Attribute::Private(true),
                    Attribute::Sensitive(true),
                    Attribute::Extractable(false),
                    Attribute::Sign(true),
                    Attribute::Id(id.to_vec()),
                ],
            )
            .expect("a P-256 key pair");
        let point = session
            .get_attributes(public, &[AttributeType::EcPoint])
            .expect("the public point")
            .into_iter()
            .find_map(|attribute| match attribute {
                Attribute::EcPoint(point) => Some(point),
                _ => None,
            })
            .expect("CKA_EC_POINT");
        session.logout().expect("logout");
        unwrap_octet_string(point)
    }

    /// Stores an X.509 certificate (DER) on the token with CKA_ID `id`, as a public object.
    pub fn import_certificate(&self, id: &[u8], label: &str, der: &[u8]) {
        let subject = crate::certificate::subject_der(der).expect("a certificate");
        let _exclusive = self.module.exclusive();
        let session = self.user_session();
        session
            .create_object(&[
                Attribute::Class(ObjectClass::CERTIFICATE),
                Attribute::CertificateType(CertificateType::X_509),
                Attribute::Token(true),
                Attribute::Private(false),
                Attribute::Id(id.to_vec()),
                Attribute::Label(label.as_bytes().to_vec()),
                Attribute::Subject(subject),
                Attribute::Value(der.to_vec()),
            ])
            .expect("certificate stored");
        session.logout().expect("logout");
    }

    fn user_session(&self) -> Session {
        let session = self
            .module
            .pkcs11()
            .open_rw_session(self.handle)
            .expect("a session");
        session
            .login(UserType::User, Some(&AuthPin::from(self.pin.as_str())))
            .expect("user login");
        session
    }
}

/// CKA_EC_POINT is the point in a DER OCTET STRING (PKCS#11 2.40); a few tokens give it bare
/// (65 bytes, which also start with 0x04).
fn unwrap_octet_string(value: Vec<u8>) -> Vec<u8> {
    match value.as_slice() {
        [0x04, len, rest @ ..]
            if value.len() != 65 && *len < 0x80 && usize::from(*len) == rest.len() =>
        {
            rest.to_vec()
        }
        _ => value,
    }
}
