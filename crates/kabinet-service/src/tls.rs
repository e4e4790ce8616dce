//! rustls needs one process-wide crypto provider; Kabinet uses ring (already built for the
//! database driver), so neither OpenSSL nor aws-lc is needed.

/// Installs ring as the default provider, once; later calls do nothing.
pub fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Err only when another provider was installed first, which is just as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}
