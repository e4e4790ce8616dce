//! Loads OpenSSL's GOST engine once. OpenSSL 3 offers GOST signatures only through the engine
//! (Debian's `gostprov` provider has digests alone), and the `openssl` crate binds no engine
//! calls, so the three used here are declared by hand: the only unsafe code in Kabinet.

#![allow(unsafe_code)]

use std::ffi::{c_char, c_int, c_uint, c_void};
use std::sync::OnceLock;

// libcrypto, linked by openssl-sys.
use openssl_sys as _;

unsafe extern "C" {
    fn ENGINE_by_id(id: *const c_char) -> *mut c_void;
    fn ENGINE_init(engine: *mut c_void) -> c_int;
    fn ENGINE_set_default(engine: *mut c_void, flags: c_uint) -> c_int;
    fn ENGINE_free(engine: *mut c_void) -> c_int;
}

/// ENGINE_METHOD_DIGESTS | ENGINE_METHOD_PKEY_METHS | ENGINE_METHOD_PKEY_ASN1_METHS: Streebog,
/// GOST keys and signatures; nothing else (randomness, ciphers) moves to the engine.
const METHODS: c_uint = 0x0080 | 0x0200 | 0x0400;

/// Whether GOST R 34.10-2012 and Streebog can be used: the engine is loaded at the first call.
pub fn gost_available() -> bool {
    static LOADED: OnceLock<bool> = OnceLock::new();
    LOADED.get_or_init(|| {
        openssl::init();
        // SAFETY: OpenSSL is initialised; the id is a NUL-terminated literal; the engine
        // pointer is checked before use and its structural reference freed after
        // `ENGINE_init` took the functional one that keeps it loaded for the process.
        unsafe {
            let engine = ENGINE_by_id(c"gost".as_ptr());
            if engine.is_null() {
                return false;
            }
            let ready = ENGINE_init(engine) == 1 && ENGINE_set_default(engine, METHODS) == 1;
            ENGINE_free(engine);
            ready
        }
    });
    // A failed lookup leaves its reason on OpenSSL's error queue; later calls must not read it.
    drop(openssl::error::ErrorStack::get());
    *LOADED.get().unwrap_or(&false)
}
