//! Certificate status by OCSP (RFC 6960): the certification authority's responder, at the
//! address its certificate names, asked whether a certificate is revoked. The request and the
//! check of the signed answer are `kabinet_signature::ocsp`'s; this port only carries bytes.
//! The real adapter posts over HTTP; tests run it against `kabinet-sim`'s responder on
//! loopback.

use std::time::Duration;

use async_trait::async_trait;

use super::DeliveryError;

/// A responder reached by address.
#[async_trait]
pub trait CertificateStatus: Send + Sync {
    /// Posts the DER `request` to `url`; answers the DER response.
    async fn ask(&self, url: &str, request: Vec<u8>) -> Result<Vec<u8>, DeliveryError>;
}

/// OCSP over HTTP(S), as every authority's responder speaks it: `POST` with
/// `application/ocsp-request`, a short timeout (a sign-in waits for it), no retries.
#[derive(Debug, Clone)]
pub struct HttpOcsp {
    client: reqwest::Client,
}

impl HttpOcsp {
    /// An adapter giving up after `timeout`.
    pub fn new(timeout: Duration) -> Self {
        crate::tls::install_crypto_provider();
        Self {
            client: reqwest::Client::builder()
                .timeout(timeout)
                .connect_timeout(timeout)
                // A responder answers where it is asked; a redirect is not followed.
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap_or_default(),
        }
    }
}

#[async_trait]
impl CertificateStatus for HttpOcsp {
    async fn ask(&self, url: &str, request: Vec<u8>) -> Result<Vec<u8>, DeliveryError> {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(DeliveryError::Refused(format!(
                "not an HTTP address: {url}"
            )));
        }
        let response = self
            .client
            .post(url)
            .header("content-type", "application/ocsp-request")
            .body(request)
            .send()
            .await
            .map_err(|e| DeliveryError::Unavailable(e.without_url().to_string()))?;
        if !response.status().is_success() {
            return Err(DeliveryError::Unavailable(format!(
                "the responder answered {}",
                response.status()
            )));
        }
        // An OCSP answer is small; anything far larger is not one.
        let body = response
            .bytes()
            .await
            .map_err(|e| DeliveryError::Unavailable(e.without_url().to_string()))?;
        if body.len() > 64 * 1024 {
            return Err(DeliveryError::Refused("an answer too large".into()));
        }
        Ok(body.to_vec())
    }
}
