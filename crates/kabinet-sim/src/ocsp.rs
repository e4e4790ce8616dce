//! A certification authority's OCSP responder (RFC 6960) over HTTP: `POST /` takes a DER
//! request (`application/ocsp-request`) and answers a response signed with the authority's own
//! P-256 key: `good`, `revoked` for the serial numbers it was told of, `unknown` for another
//! authority's certificates. Tests revoke certificates and take the responder down through its
//! methods, so the real adapter meets every answer over loopback.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::post;
use der::{Decode, Encode};
use p256::ecdsa::{DerSignature, SigningKey};
use p256::pkcs8::DecodePrivateKey;
use sha1::{Digest, Sha1};
use tokio::net::TcpListener;
use x509_cert::Certificate;
use x509_ocsp::builder::OcspResponseBuilder;
use x509_ocsp::{
    CertStatus, OcspGeneralizedTime, OcspRequest, OcspResponse, RevokedInfo, SingleResponse,
};

/// What the responder knows.
struct Responder {
    issuer: Certificate,
    key: SigningKey,
    revoked: Mutex<HashSet<Vec<u8>>>,
    down: AtomicBool,
}

/// A running responder.
#[derive(Clone)]
pub struct OcspServer {
    /// Where it listens.
    pub address: SocketAddr,
    responder: Arc<Responder>,
}

fn now() -> OcspGeneralizedTime {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let whole = std::time::Duration::from_secs(since.as_secs());
    OcspGeneralizedTime::from(der::DateTime::from_unix_duration(whole).expect("a time after 1970"))
}

impl Responder {
    fn answer(&self, request: &[u8]) -> OcspResponse {
        let Ok(request) = OcspRequest::from_der(request) else {
            return OcspResponse::malformed_request();
        };
        let key_hash = Sha1::digest(
            self.issuer
                .tbs_certificate
                .subject_public_key_info
                .subject_public_key
                .raw_bytes(),
        );
        let revoked = self
            .revoked
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let mut builder = OcspResponseBuilder::new(self.issuer.tbs_certificate.subject.clone());
        for single in &request.tbs_request.request_list {
            let id = &single.req_cert;
            let status = if id.issuer_key_hash.as_bytes() != &key_hash[..] {
                CertStatus::unknown()
            } else if revoked.contains(id.serial_number.as_bytes()) {
                CertStatus::revoked(RevokedInfo {
                    revocation_time: now(),
                    revocation_reason: None,
                })
            } else {
                CertStatus::good()
            };
            builder = builder.with_single_response(SingleResponse::new(id.clone(), status, now()));
        }
        let mut key = self.key.clone();
        builder
            .sign::<_, DerSignature>(&mut key, None, now())
            .unwrap_or_else(|_| OcspResponse::internal_error())
    }
}

impl OcspServer {
    /// Serves the responder of the authority whose certificate (DER) and PKCS#8 key (DER)
    /// are given.
    pub async fn start(
        listener: TcpListener,
        issuer_der: &[u8],
        key_pkcs8_der: &[u8],
    ) -> Result<Self, String> {
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        let responder = Arc::new(Responder {
            issuer: Certificate::from_der(issuer_der).map_err(|e| format!("issuer: {e}"))?,
            key: SigningKey::from_pkcs8_der(key_pkcs8_der).map_err(|e| format!("key: {e}"))?,
            revoked: Mutex::new(HashSet::new()),
            down: AtomicBool::new(false),
        });
        let app = Router::new()
            .route("/", post(answer))
            .with_state(responder.clone());
        tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                eprintln!("OCSP simulator stopped: {error}");
            }
        });
        Ok(Self { address, responder })
    }

    /// Its address, as a certificate names it.
    pub fn url(&self) -> String {
        format!("http://{}/", self.address)
    }

    /// Answers `revoked` from now on for this certificate (DER).
    pub fn revoke(&self, certificate_der: &[u8]) -> Result<(), String> {
        let certificate = Certificate::from_der(certificate_der).map_err(|e| e.to_string())?;
        self.responder
            .revoked
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(
                certificate
                    .tbs_certificate
                    .serial_number
                    .as_bytes()
                    .to_vec(),
            );
        Ok(())
    }

    /// Answers 503 to everything while `down`.
    pub fn set_down(&self, down: bool) {
        self.responder.down.store(down, Ordering::SeqCst);
    }
}

async fn answer(State(responder): State<Arc<Responder>>, body: Bytes) -> impl IntoResponse {
    if responder.down.load(Ordering::SeqCst) {
        return (StatusCode::SERVICE_UNAVAILABLE, Vec::new()).into_response();
    }
    let der = responder.answer(&body).to_der().unwrap_or_default();
    ([(header::CONTENT_TYPE, "application/ocsp-response")], der).into_response()
}
