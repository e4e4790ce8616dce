//! Certificate status by OCSP (RFC 6960): the certification authority's responder, at the
//! address its certificate names, asked whether a certificate is revoked. The request and the
//! check of the signed answer are `kabinet_signature::ocsp`'s; this port only carries bytes.
//! The real adapter posts over HTTP; tests run it against `kabinet-sim`'s responder on
//! loopback.

use std::time::Duration;

use async_trait::async_trait;

use super::DeliveryError;

/// The largest answer read: a responder's answer about one certificate is a few KiB.
const MAX_ANSWER: usize = 64 * 1024;

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
    pub fn new(timeout: Duration) -> Result<Self, DeliveryError> {
        crate::tls::install_crypto_provider();
        Ok(Self {
            client: reqwest::Client::builder()
                .timeout(timeout)
                .connect_timeout(timeout)
                // A responder answers where it is asked; a redirect is not followed.
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| DeliveryError::Unavailable(e.to_string()))?,
        })
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
        // An OCSP answer is small; anything far larger is not one, and is not read whole.
        if response
            .content_length()
            .is_some_and(|n| n > MAX_ANSWER as u64)
        {
            return Err(DeliveryError::Refused("an answer too large".into()));
        }
        let mut response = response;
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| DeliveryError::Unavailable(e.without_url().to_string()))?
        {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_ANSWER {
                return Err(DeliveryError::Refused("an answer too large".into()));
            }
        }
        Ok(body)
    }
}
