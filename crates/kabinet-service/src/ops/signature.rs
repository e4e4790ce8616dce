//! The qualified e-signature (DOMAIN §4 sign-in, §6 method 4). The service issues a challenge —
//! a statement naming its purpose and 256 random bits, kept as a flow (five minutes, used
//! once, bound to the account for a confirmation) — the citizen's token signs it, and the
//! service checks the signature with the certificate's key, the certificate against the trust
//! list, its revocation lists and the rules of `kabinet_core::signature`, then reads the SNILS:
//!
//! - `sign_in_signature` signs in to the account whose verified SNILS it is (a login once the
//!   account is Standard), as a password would: the same lockout counters, the same events
//!   and new-device notice; the token and its PIN are two factors, so no code is asked;
//! - `identity_confirm_signature` confirms the identity of the signed-in Standard account
//!   whose SNILS it is (method `qualified_signature`).
//!
//! A refusal names what was wrong (field `ticket`, `certificate` or `signature`); a refused
//! sign-in for an account counts as a failed sign-in, a refused confirmation is a security
//! event in the account's log. Nothing else changes.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use kabinet_api::{
    AccountSummary, ApiError, Context, Empty, ErrorCode, ProfileForm, SignInOutcome,
    SignatureChallenge, SignedChallenge, SignedIn, Ticket,
};
use kabinet_core::account::{Actor, Command, ConfirmationMethod, Level, SecurityAction};
use kabinet_core::signature::{
    CHALLENGE_BYTES, CHALLENGE_TTL, CertificateFacts, Holder, PendingChallenge, Purpose,
    Revocation, check_certificate, check_challenge, statement,
};
use kabinet_signature::{Certificate, CrlStatus, Refusal, ocsp};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Service;
use crate::access::Citizen;
use crate::error::{self, Outcome};
use crate::flow::{self, FlowState};
use crate::messages;
use crate::ops::sign_in::SignInFlow;
use crate::repo::{self, Extras, Loaded};
use crate::throttle;

/// A challenge waiting for its signature.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub(crate) enum SignatureFlow {
    /// Issued.
    Issued {
        /// `sign_in` or `confirm_identity`.
        purpose: String,
        /// The statement to be signed.
        statement: String,
    },
}

impl FlowState for SignatureFlow {
    const KIND: &'static str = "signature_challenge";
}

fn refused(field: &str, refusal: &str) -> ApiError {
    ApiError::field(field, refusal)
}

/// A certificate and signature that verified, and the person the certificate names.
struct Verified {
    holder: Holder,
}

impl Service {
    pub(crate) async fn sign_in_signature_start(
        &self,
        _context: &Context,
        _request: Empty,
    ) -> Outcome<SignatureChallenge> {
        self.signature_challenge(None, Purpose::SignIn).await
    }

    pub(crate) async fn identity_signature_start(
        &self,
        citizen: Citizen,
        _context: &Context,
        _request: Empty,
    ) -> Outcome<SignatureChallenge> {
        if citizen.account.state.level != Level::Standard {
            return Err(ApiError::new(ErrorCode::NotAllowed).with_message(
                "Подтвердить личность электронной подписью можно для стандартной учётной записи",
            ));
        }
        self.signature_challenge(Some(citizen.account.id), Purpose::ConfirmIdentity)
            .await
    }

    async fn signature_challenge(
        &self,
        account: Option<Uuid>,
        purpose: Purpose,
    ) -> Outcome<SignatureChallenge> {
        let now = self.now();
        let mut random = [0u8; CHALLENGE_BYTES];
        self.inner.ports.entropy.fill(&mut random);
        let text = statement(
            purpose,
            &hex::encode(random),
            now,
            &self.inner.config.public_url,
        );
        let (ticket, _) = flow::create(
            self.conn(),
            &self.inner.hasher,
            self.inner.ports.entropy.as_ref(),
            account,
            SignatureFlow::Issued {
                purpose: purpose.as_str().to_owned(),
                statement: text.clone(),
            },
            CHALLENGE_TTL,
            now,
        )
        .await?;
        Ok(SignatureChallenge {
            ticket,
            statement: text,
            expires_at: now + CHALLENGE_TTL,
        })
    }

    pub(crate) async fn sign_in_signature(
        &self,
        context: &Context,
        request: SignedChallenge,
    ) -> Outcome<SignInOutcome> {
        let now = self.now();
        let (certificate, signature) = decode(&request)?;
        let statement = self
            .use_challenge(&request.ticket, None, Purpose::SignIn)
            .await?;
        // Whose account the certificate names, read before anything is verified, so a refusal
        // counts against it like a wrong password.
        let snils = certificate
            .snils()
            .and_then(|s| kabinet_core::snils::Snils::parse(&s).ok());
        let holder = match &snils {
            Some(snils) => kabinet_store::accounts::sign_in_holder(
                self.conn(),
                &[("snils", snils.digits())],
                &self.device_hash(context),
            )
            .await
            .map_err(error::store)?,
            None => None,
        };
        let device_seen_at = holder
            .as_ref()
            .and_then(|h| h.device_seen_at)
            .filter(|_| !context.device_id.trim().is_empty());
        let known_device = device_seen_at.is_some();
        let key = match (&holder, &snils) {
            (Some(h), _) if device_seen_at.is_some() => {
                throttle::device_key(h.account.id, &self.device_hash(context))
            }
            (Some(h), _) => throttle::account_key(h.account.id),
            (None, Some(snils)) => throttle::login_key(&format!("snils:{}", snils.digits())),
            (None, None) => throttle::login_key("signature:without-snils"),
        };
        let account = holder.as_ref().map(|h| h.account.clone());
        let counted = self.admit_sign_in(context, account.as_ref(), &key).await?;
        let verified = match self
            .verify_signed(&certificate, &signature, &statement)
            .await
        {
            Ok(verified) => verified,
            Err(refusal) => {
                return Err(self
                    .signature_sign_in_failed(
                        context,
                        account.as_ref(),
                        &key,
                        known_device,
                        refusal,
                    )
                    .await);
            }
        };
        let Some(holder) = holder else {
            return Err(refused("certificate", "signature_no_account"));
        };
        let account = holder.account;
        if verified.holder.snils.digits() != snils.map(|s| s.digits()).unwrap_or_default()
            || account.state.level == Level::Simplified
        {
            return Err(refused("certificate", "signature_no_account"));
        }
        match account.state.status {
            kabinet_core::account::Status::Blocked { .. } => {
                return Err(ApiError::new(ErrorCode::AccountBlocked));
            }
            kabinet_core::account::Status::Deleted => {
                return Err(refused("certificate", "signature_no_account"));
            }
            _ => {}
        }
        if counted == throttle::Counted::Failures {
            throttle::reset(self.conn(), &key).await?;
        }
        let new_device = device_seen_at.is_none();
        if account.state.temporary_password {
            // The password handed over at the desk is still replaced before anything else.
            let (ticket, _) = flow::create(
                self.conn(),
                &self.inner.hasher,
                self.inner.ports.entropy.as_ref(),
                Some(account.id),
                SignInFlow::ChangePassword {},
                crate::ops::sign_in::CHALLENGE_TTL,
                now,
            )
            .await?;
            return Ok(SignInOutcome::ChangePassword(Ticket { ticket }));
        }
        let tx = self.begin().await?;
        self.remember_device(&tx, account.id, context).await?;
        let (account, token, expires_at) = self
            .open_session(&tx, &account, context, !new_device)
            .await?;
        tx.commit().await.map_err(error::store)?;
        if new_device {
            self.notify_event(
                account.id,
                messages::new_device_notice(&context.device_name, &context.address),
            )
            .await;
        }
        Ok(SignInOutcome::SignedIn(SignedIn {
            token,
            expires_at,
            account: self.summary_of(&account, holder.phone.as_deref(), holder.email.as_deref()),
        }))
    }

    pub(crate) async fn identity_confirm_signature(
        &self,
        citizen: Citizen,
        context: &Context,
        request: SignedChallenge,
    ) -> Outcome<AccountSummary> {
        let account_id = citizen.account.id;
        let (certificate, signature) = decode(&request)?;
        let statement = self
            .use_challenge(&request.ticket, Some(account_id), Purpose::ConfirmIdentity)
            .await?;
        if citizen.account.state.level != Level::Standard {
            return Err(ApiError::new(ErrorCode::NotAllowed));
        }
        let signed_snils = match self
            .verify_signed(&certificate, &signature, &statement)
            .await
        {
            Ok(verified) => verified.holder.snils.digits(),
            Err(refusal) => {
                self.record_signature_refused(context, &citizen.account)
                    .await?;
                return Err(refused(refusal.field, refusal.rule));
            }
        };
        if self.submitted_snils(account_id).await?.as_deref() != Some(signed_snils.as_str()) {
            self.record_signature_refused(context, &citizen.account)
                .await?;
            return Err(refused("certificate", "certificate_snils_mismatch"));
        }
        let tx = self.begin().await?;
        let account = repo::execute(
            &tx,
            &citizen.account,
            &Command::ConfirmIdentity {
                method: ConfirmationMethod::QualifiedSignature,
            },
            &self.by(&Actor::Citizen, context),
            Extras::default(),
        )
        .await?;
        tx.commit().await.map_err(error::store)?;
        self.notify_event(account_id, messages::confirmed_notice())
            .await;
        self.summary(&account).await
    }

    /// The SNILS of the profile the registries verified, as digits.
    async fn submitted_snils(&self, account_id: Uuid) -> Outcome<Option<String>> {
        let profile: Option<ProfileForm> = self
            .profile_row(self.conn(), account_id)
            .await?
            .submitted
            .and_then(|v| serde_json::from_value(v).ok());
        Ok(profile.map(|p| p.snils.chars().filter(char::is_ascii_digit).collect()))
    }

    /// Takes the challenge of `ticket` for `caller` and `purpose`, ending it: a challenge is
    /// used once, whatever comes of its signature. Answers its statement.
    async fn use_challenge(
        &self,
        ticket: &str,
        caller: Option<Uuid>,
        purpose: Purpose,
    ) -> Outcome<String> {
        let now = self.now();
        let found = flow::lookup::<SignatureFlow>(self.conn(), &self.inner.hasher, ticket).await?;
        let pending = found.as_ref().and_then(|(f, expires_at, finished_at)| {
            let SignatureFlow::Issued { purpose: p, .. } = &f.state;
            (p == purpose.as_str()).then_some(PendingChallenge {
                account: f.account_id,
                expires_at: *expires_at,
                finished_at: *finished_at,
            })
        });
        check_challenge(pending.as_ref(), caller.as_ref(), now)
            .map_err(|v| refused("ticket", v.rule))?;
        let Some((challenge, _, _)) = found else {
            return Err(refused("ticket", "signature_challenge_unknown"));
        };
        if !flow::finish_once(self.conn(), &challenge, now).await? {
            return Err(refused("ticket", "signature_challenge_used"));
        }
        let SignatureFlow::Issued { statement, .. } = challenge.state;
        Ok(statement)
    }

    /// Verifies the signature over the statement with the certificate's key, then the
    /// certificate: chain to the trust list, revocation, the rules.
    async fn verify_signed(
        &self,
        certificate: &Certificate,
        signature: &[u8],
        statement: &str,
    ) -> Result<Verified, FieldRefusal> {
        let now = self.now();
        // The public-key work (the signature, the chain) runs off the async threads: a GOST
        // 512 verification or a long chain must not stall other requests.
        let trust = self.inner.config.signature_trust.clone();
        let (cert, signature, text) = (
            certificate.clone(),
            signature.to_vec(),
            statement.to_owned(),
        );
        let (checked, issuer) = tokio::task::spawn_blocking(move || {
            let checked = cert.verify(text.as_bytes(), &signature);
            let issuer = checked
                .is_ok()
                .then(|| trust.issuer_of(&cert, now))
                .flatten();
            (checked, issuer)
        })
        .await
        .unwrap_or((Err(Refusal("certificate_invalid")), None));
        checked.map_err(|Refusal(rule)| FieldRefusal {
            field: if rule == "signature_invalid" {
                "signature"
            } else {
                "certificate"
            },
            rule,
        })?;
        let mut facts = CertificateFacts {
            trusted: issuer.is_some(),
            not_before: certificate.not_before(),
            not_after: certificate.not_after(),
            may_sign: certificate.may_sign(),
            revocation: Revocation::Good,
            snils: certificate.snils(),
            inn: certificate.inn(),
        };
        let refused = |v: kabinet_core::Violation| FieldRefusal {
            field: "certificate",
            rule: v.rule,
        };
        // Every other rule first: a certificate they refuse costs no request to a responder.
        check_certificate(&facts, now).map_err(refused)?;
        facts.revocation = match &issuer {
            None => Revocation::Unknown,
            Some(issuer) => self.revocation(certificate, issuer).await,
        };
        let holder = check_certificate(&facts, now).map_err(refused)?;
        Ok(Verified { holder })
    }

    /// Whether the certificate is revoked: a current revocation list of its issuer that names
    /// it says so at once; otherwise the responder the certificate names (OCSP) is asked, and
    /// its signed answer decides. Good when either vouches for it; unknown when neither can.
    async fn revocation(&self, certificate: &Certificate, issuer: &Certificate) -> Revocation {
        let crl = self
            .inner
            .config
            .signature_trust
            .crl_status(certificate, issuer, self.now());
        if crl == CrlStatus::Revoked {
            return Revocation::Revoked;
        }
        let mut answer = ocsp::Answer::Unknown;
        if let (Some(url), Ok(request)) = (
            ocsp::responders(certificate).into_iter().next(),
            ocsp::request(certificate, issuer),
        ) {
            match self.inner.ports.ocsp.ask(&url, request).await {
                Ok(response) => answer = ocsp::answer(&response, certificate, issuer),
                Err(error) => tracing::warn!(%error, "the OCSP responder did not answer"),
            }
        }
        match (answer, crl) {
            (ocsp::Answer::Revoked, _) => Revocation::Revoked,
            (ocsp::Answer::Good, _) | (_, CrlStatus::NotRevoked) => Revocation::Good,
            _ => Revocation::Unknown,
        }
    }

    /// A refused signature sign-in: counted as a failed sign-in of the account the certificate
    /// names (or of its SNILS), answered with what was wrong — or with the lock it started.
    async fn signature_sign_in_failed(
        &self,
        context: &Context,
        account: Option<&Loaded>,
        key: &str,
        known_device: bool,
        refusal: FieldRefusal,
    ) -> ApiError {
        // A known device's failures lock that device only, as with a password.
        match self
            .sign_in_failed(context, account, key, !known_device)
            .await
        {
            Ok(e) if e.code == ErrorCode::AccountLocked => e,
            Ok(_) => refused(refusal.field, refusal.rule),
            Err(e) => e,
        }
    }

    /// A refused confirmation is a security event of the account.
    async fn record_signature_refused(&self, context: &Context, account: &Loaded) -> Outcome<()> {
        let tx = self.begin().await?;
        repo::execute(
            &tx,
            account,
            &Command::RecordSecurity {
                action: SecurityAction::SignatureRefused,
            },
            &self.by(&Actor::Citizen, context),
            Extras::default(),
        )
        .await?;
        tx.commit().await.map_err(error::store)
    }
}

/// A refusal and the field it is about.
#[derive(Debug, Clone, Copy)]
struct FieldRefusal {
    field: &'static str,
    rule: &'static str,
}

/// The certificate and signature of a request, decoded (field errors when they are not
/// base64 or not a certificate).
fn decode(request: &SignedChallenge) -> Outcome<(Certificate, Vec<u8>)> {
    let mut errors = Vec::new();
    let certificate = BASE64
        .decode(request.certificate.trim())
        .ok()
        .and_then(|der| Certificate::from_der(&der).ok());
    if request.certificate.trim().is_empty() {
        errors.push(("certificate", "required"));
    } else if certificate.is_none() {
        errors.push(("certificate", "certificate_invalid"));
    }
    let signature = BASE64.decode(request.signature.trim()).ok();
    if request.signature.trim().is_empty() {
        errors.push(("signature", "required"));
    } else if signature.as_ref().is_none_or(Vec::is_empty) {
        errors.push(("signature", "signature_invalid"));
    }
    if request.ticket.trim().is_empty() {
        errors.push(("ticket", "required"));
    }
    match (certificate, signature) {
        (Some(c), Some(s)) if errors.is_empty() => Ok((c, s)),
        _ => Err(ApiError::fields(
            errors
                .into_iter()
                .map(|(field, rule)| kabinet_api::FieldError {
                    field: field.to_owned(),
                    rules: vec![error::rule(&kabinet_core::Violation::new(rule))],
                })
                .collect(),
        )),
    }
}
