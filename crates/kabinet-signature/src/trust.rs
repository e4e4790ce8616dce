//! The trust list: the accredited certification authorities whose certificates Kabinet
//! accepts, with their certificate revocation lists.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use openssl::stack::Stack;
use openssl::x509::store::{X509Store, X509StoreBuilder};
use openssl::x509::verify::X509VerifyFlags;
use openssl::x509::{CrlStatus as OpensslCrlStatus, X509, X509Crl, X509StoreContext};

use crate::certificate::{Certificate, time_of};

/// What the revocation lists say of a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrlStatus {
    /// A current list of its issuer, verified, names it.
    Revoked,
    /// A current list of its issuer, verified, does not name it.
    NotRevoked,
    /// No current, verified list of its issuer (none configured, or out of date).
    NoList,
}

/// Why a trust list could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TrustListError {
    /// A file could not be read.
    #[error("cannot read {path}: {reason}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A revocation list no authority of the list signed.
    #[error("{what} is not signed by any authority of the trust list")]
    Unsigned {
        /// The file or text.
        what: String,
    },
    /// A file holds no certificate or list OpenSSL can read.
    #[error("{what} is not a PEM or DER {kind}")]
    Parse {
        /// The file or text.
        what: String,
        /// Certificates or a revocation list.
        kind: &'static str,
    },
}

/// The authorities and their lists.
pub struct TrustList {
    authorities: Vec<X509>,
    store: X509Store,
    /// Each list with the DER of the authority that signed it (verified when loaded).
    crls: Vec<(X509Crl, Vec<u8>)>,
}

impl std::fmt::Debug for TrustList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustList")
            .field("authorities", &self.authorities.len())
            .field("crls", &self.crls.len())
            .finish()
    }
}

impl TrustList {
    /// A list from PEM certificates of authorities and revocation lists (PEM or DER).
    pub fn new(authorities_pem: &[&[u8]], crls: &[&[u8]]) -> Result<Self, TrustListError> {
        crate::engine::gost_available();
        let mut authorities = Vec::new();
        for (i, pem) in authorities_pem.iter().enumerate() {
            let found = X509::stack_from_pem(pem).unwrap_or_default();
            if found.is_empty() {
                return Err(TrustListError::Parse {
                    what: format!("authority #{}", i + 1),
                    kind: "certificate",
                });
            }
            authorities.extend(found);
        }
        let crls = crls
            .iter()
            .enumerate()
            .map(|(i, data)| {
                X509Crl::from_pem(data)
                    .or_else(|_| X509Crl::from_der(data))
                    .map_err(|_| TrustListError::Parse {
                        what: format!("revocation list #{}", i + 1),
                        kind: "revocation list",
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        // Each list is verified once, here, against the authority that signed it: a list no
        // authority of the trust list signed is a configuration error, said at start.
        let crls = crls
            .into_iter()
            .enumerate()
            .map(|(i, crl)| {
                let crl_issuer = crl.issuer_name().to_der().unwrap_or_default();
                authorities
                    .iter()
                    .find(|a| {
                        a.subject_name().to_der().unwrap_or_default() == crl_issuer
                            && a.public_key()
                                .is_ok_and(|key| crl.verify(&key).unwrap_or(false))
                    })
                    .map(|a| (crl, a.to_der().unwrap_or_default()))
                    .ok_or_else(|| TrustListError::Unsigned {
                        what: format!("revocation list #{}", i + 1),
                    })
            })
            .collect::<Result<Vec<_>, _>>();
        drop(openssl::error::ErrorStack::get());
        Ok(Self {
            store: store_of(&authorities),
            authorities,
            crls: crls?,
        })
    }

    /// A list from files: authorities in PEM (one file may hold several), lists in PEM or DER.
    pub fn from_files(authorities: &[PathBuf], crls: &[PathBuf]) -> Result<Self, TrustListError> {
        let read = |path: &Path| {
            std::fs::read(path).map_err(|e| TrustListError::Read {
                path: path.to_owned(),
                reason: e.to_string(),
            })
        };
        let authority_files = authorities
            .iter()
            .map(|p| read(p))
            .collect::<Result<Vec<_>, _>>()?;
        let crl_files = crls
            .iter()
            .map(|p| read(p))
            .collect::<Result<Vec<_>, _>>()?;
        let a: Vec<&[u8]> = authority_files.iter().map(Vec::as_slice).collect();
        let c: Vec<&[u8]> = crl_files.iter().map(Vec::as_slice).collect();
        Self::new(&a, &c).map_err(|e| match e {
            TrustListError::Parse { what, kind } => TrustListError::Parse {
                what: name_file(&what, authorities, crls),
                kind,
            },
            TrustListError::Unsigned { what } => TrustListError::Unsigned {
                what: name_file(&what, authorities, crls),
            },
            other => other,
        })
    }

    /// How many authorities it holds.
    pub fn len(&self) -> usize {
        self.authorities.len()
    }

    /// Whether it holds none (then no certificate is trusted).
    pub fn is_empty(&self) -> bool {
        self.authorities.is_empty()
    }

    /// The authority that issued `cert`, when its chain ends at this list with every signature
    /// verified, every authority on the way is one and valid at `now`. The certificate's own
    /// dates are the rules' to judge.
    pub fn issuer_of(&self, cert: &Certificate, now: DateTime<Utc>) -> Option<Certificate> {
        let chain = Stack::new().ok()?;
        let mut context = X509StoreContext::new().ok()?;
        let path = context
            .init(&self.store, cert.x509(), &chain, |ctx| {
                if !ctx.verify_cert()? {
                    return Ok(None);
                }
                Ok(ctx
                    .chain()
                    .map(|c| c.iter().map(|x| x.to_owned()).collect::<Vec<X509>>()))
            })
            .ok()
            .flatten();
        drop(openssl::error::ErrorStack::get());
        let path = path?;
        let authorities = path.get(1..)?;
        let valid = authorities
            .iter()
            .all(|a| time_of(a.not_before()) <= now && now <= time_of(a.not_after()));
        (valid && !authorities.is_empty()).then(|| {
            Certificate::from_der(&authorities[0].to_der().unwrap_or_default())
                .expect("a certificate OpenSSL holds is one")
        })
    }

    /// What the revocation lists of `issuer` say of `cert` at `now` (their signatures were
    /// verified when the list was loaded; only their dates are judged here).
    pub fn crl_status(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
        now: DateTime<Utc>,
    ) -> CrlStatus {
        let issuer_der = issuer.to_der();
        let mut status = CrlStatus::NoList;
        for (crl, signer) in &self.crls {
            let current = time_of(crl.last_update()) <= now
                && crl.next_update().is_some_and(|next| now <= time_of(next));
            if *signer != issuer_der || !current {
                continue;
            }
            match crl.get_by_cert(cert.x509()) {
                OpensslCrlStatus::Revoked(_) => {
                    drop(openssl::error::ErrorStack::get());
                    return CrlStatus::Revoked;
                }
                // A certificate on hold and released again is good.
                OpensslCrlStatus::NotRevoked | OpensslCrlStatus::RemoveFromCrl(_) => {
                    status = CrlStatus::NotRevoked;
                }
            }
        }
        drop(openssl::error::ErrorStack::get());
        status
    }
}

fn store_of(authorities: &[X509]) -> X509Store {
    let mut builder = X509StoreBuilder::new().expect("an empty store");
    for authority in authorities {
        // A duplicate is already there.
        let _ = builder.add_cert(authority.clone());
    }
    // An accredited authority is trusted as listed, root or not; dates are checked against the
    // service's clock, not the system's.
    let _ = builder.set_flags(X509VerifyFlags::PARTIAL_CHAIN | X509VerifyFlags::NO_CHECK_TIME);
    builder.build()
}

/// Names the file behind "authority #n" or "revocation list #n".
fn name_file(what: &str, authorities: &[PathBuf], crls: &[PathBuf]) -> String {
    let index = |prefix: &str| {
        what.strip_prefix(prefix)
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| n.checked_sub(1))
    };
    index("authority #")
        .and_then(|i| authorities.get(i))
        .or_else(|| index("revocation list #").and_then(|i| crls.get(i)))
        .map_or_else(|| what.to_owned(), |p| p.display().to_string())
}
