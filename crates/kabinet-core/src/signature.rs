//! The qualified e-signature (DOMAIN §4 sign-in, §6 method 4): the challenge a citizen's key
//! signs and what the certificate beside the signature must be. The cryptography (the
//! signature, the chain to a trusted authority, revocation lists and OCSP answers) is checked
//! elsewhere and arrives here as [`CertificateFacts`]; these are the rules on the facts.

use chrono::{DateTime, Duration, Utc};

use crate::Violation;
use crate::inn::Inn;
use crate::snils::Snils;

/// How long a challenge may be signed.
pub const CHALLENGE_TTL: Duration = Duration::minutes(5);

/// Random bytes in a challenge: 256 bits, twice the 128 a guess must beat.
pub const CHALLENGE_BYTES: usize = 32;

/// What a signature is for; it is named in the signed statement, so a signature made for one
/// purpose is never accepted for the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Signing in.
    SignIn,
    /// Confirming the identity of an account (the confirmation statement).
    ConfirmIdentity,
}

impl Purpose {
    /// The stable code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "sign_in",
            Self::ConfirmIdentity => "confirm_identity",
        }
    }
}

const SIGN_IN_LINE: &str = "Вход в Кабинет гражданина с электронной подписью.";
const CONFIRM_LINE: &str =
    "Подтверждаю свою личность для учётной записи Кабинета гражданина электронной подписью.";
const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// The statement the key signs: what it is for, which portal asks (so a statement relayed from
/// another site shows whose it is), when it was asked, and the random challenge (hex) that
/// makes it single-use. The citizen sees it before entering the PIN.
pub fn statement(
    purpose: Purpose,
    challenge_hex: &str,
    issued_at: DateTime<Utc>,
    portal: &str,
) -> String {
    let what = match purpose {
        Purpose::SignIn => SIGN_IN_LINE,
        Purpose::ConfirmIdentity => CONFIRM_LINE,
    };
    format!(
        "{what}\nПортал: {portal}\nЗапрос: {challenge_hex}\nВремя запроса (UTC): {}",
        issued_at.format(TIME_FORMAT)
    )
}

/// A statement as [`statement`] writes it, read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// What it is for.
    pub purpose: Purpose,
    /// The portal that asked.
    pub portal: String,
    /// The challenge, 64 hex digits.
    pub challenge: String,
    /// When it was asked.
    pub issued_at: DateTime<Utc>,
}

/// Reads a statement Kabinet issues; any other text is `None`. The desktop signs nothing else,
/// so a page that asks it to sign a document, a contract or a bank's payment gets no signature.
pub fn parse_statement(text: &str) -> Option<Statement> {
    let mut lines = text.split('\n');
    let purpose = match lines.next()? {
        SIGN_IN_LINE => Purpose::SignIn,
        CONFIRM_LINE => Purpose::ConfirmIdentity,
        _ => return None,
    };
    let portal = lines.next()?.strip_prefix("Портал: ")?;
    let challenge = lines.next()?.strip_prefix("Запрос: ")?;
    let time = lines.next()?.strip_prefix("Время запроса (UTC): ")?;
    let well_formed = lines.next().is_none()
        && !portal.trim().is_empty()
        && portal.chars().all(|c| !c.is_control())
        && challenge.len() == 2 * CHALLENGE_BYTES
        && challenge
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c));
    let issued_at = chrono::NaiveDateTime::parse_from_str(time, TIME_FORMAT)
        .ok()?
        .and_utc();
    well_formed.then(|| Statement {
        purpose,
        portal: portal.to_owned(),
        challenge: challenge.to_owned(),
        issued_at,
    })
}

/// A challenge as Kabinet kept it, as far as the rules care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingChallenge<A> {
    /// Whose it is: `None` for a sign-in (nobody is signed in yet).
    pub account: Option<A>,
    /// When it stops being accepted.
    pub expires_at: DateTime<Utc>,
    /// When it was used (a challenge is accepted once).
    pub finished_at: Option<DateTime<Utc>>,
}

/// Whether a signed challenge may be used by `caller` at `now`: Kabinet issued it
/// (`signature_challenge_unknown`), to this caller (`signature_challenge_unknown` too — another
/// account's challenge is told apart from nothing), not used yet (`signature_challenge_used`)
/// and not expired (`signature_challenge_expired`).
pub fn check_challenge<A: PartialEq>(
    challenge: Option<&PendingChallenge<A>>,
    caller: Option<&A>,
    now: DateTime<Utc>,
) -> Result<(), Violation> {
    let Some(challenge) = challenge.filter(|c| c.account.as_ref() == caller) else {
        return Err(Violation::new("signature_challenge_unknown"));
    };
    if challenge.finished_at.is_some() {
        return Err(Violation::new("signature_challenge_used"));
    }
    if challenge.expires_at <= now {
        return Err(Violation::new("signature_challenge_expired"));
    }
    Ok(())
}

/// What the certificate checks found about a revocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revocation {
    /// Neither the revocation list nor the OCSP responder knows it as revoked, and at least one
    /// of them vouched for it.
    Good,
    /// Revoked.
    Revoked,
    /// No configured source could answer (an OCSP responder down, no list for the issuer).
    Unknown,
}

/// What was found about a certificate; the signature over the statement verified against its
/// key before these are asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateFacts {
    /// It chains to an authority on the trust list, every signature of the chain verified.
    pub trusted: bool,
    /// Valid from.
    pub not_before: DateTime<Utc>,
    /// Valid until.
    pub not_after: DateTime<Utc>,
    /// Its key usage allows signing (digitalSignature or nonRepudiation), or it has none.
    pub may_sign: bool,
    /// Revocation.
    pub revocation: Revocation,
    /// The SNILS attribute of the subject (OID 1.2.643.100.3), as written.
    pub snils: Option<String>,
    /// The INN attribute of the subject (OID 1.2.643.3.131.1.1), as written.
    pub inn: Option<String>,
}

/// The person a certificate names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// The SNILS.
    pub snils: Snils,
    /// The INN of a person, when the certificate carries a valid one.
    pub inn: Option<Inn>,
}

/// Whether a certificate may sign in or confirm an identity at `now`, and whose it is. The first
/// rule broken is named, from the most basic: `certificate_untrusted`,
/// `certificate_not_yet_valid`, `certificate_expired`, `certificate_key_usage`,
/// `certificate_revoked`, `certificate_status_unknown`, `certificate_no_snils`,
/// `certificate_snils_invalid`.
pub fn check_certificate(
    facts: &CertificateFacts,
    now: DateTime<Utc>,
) -> Result<Holder, Violation> {
    if !facts.trusted {
        return Err(Violation::new("certificate_untrusted"));
    }
    if now < facts.not_before {
        return Err(Violation::new("certificate_not_yet_valid"));
    }
    if now > facts.not_after {
        return Err(Violation::new("certificate_expired"));
    }
    if !facts.may_sign {
        return Err(Violation::new("certificate_key_usage"));
    }
    match facts.revocation {
        Revocation::Good => {}
        Revocation::Revoked => return Err(Violation::new("certificate_revoked")),
        Revocation::Unknown => return Err(Violation::new("certificate_status_unknown")),
    }
    let Some(snils) = facts.snils.as_deref() else {
        return Err(Violation::new("certificate_no_snils"));
    };
    let snils = Snils::parse(snils).map_err(|_| Violation::new("certificate_snils_invalid"))?;
    // A legal entity's 10-digit INN or a broken one names no person: it is left out.
    let inn = facts.inn.as_deref().and_then(|i| Inn::parse_person(i).ok());
    Ok(Holder { snils, inn })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn t(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, 9, 0, 0).unwrap()
    }

    fn facts() -> CertificateFacts {
        CertificateFacts {
            trusted: true,
            not_before: t(1),
            not_after: t(28),
            may_sign: true,
            revocation: Revocation::Good,
            snils: Some("11223344595".into()),
            inn: Some("500100732259".into()),
        }
    }

    fn rule<T>(r: Result<T, Violation>) -> &'static str {
        r.err().map_or("ok", |v| v.rule)
    }

    #[test]
    fn a_good_certificate_names_its_holder() {
        let holder = check_certificate(&facts(), t(10)).unwrap();
        assert_eq!(holder.snils.formatted(), "112-233-445 95");
        assert_eq!(holder.inn.unwrap().as_str(), "500100732259");
    }

    #[test]
    fn each_broken_rule_is_named() {
        type Case = (fn(&mut CertificateFacts), &'static str);
        let cases: [Case; 7] = [
            (|f| f.trusted = false, "certificate_untrusted"),
            (|f| f.not_before = t(11), "certificate_not_yet_valid"),
            (|f| f.not_after = t(9), "certificate_expired"),
            (|f| f.may_sign = false, "certificate_key_usage"),
            (
                |f| f.revocation = Revocation::Revoked,
                "certificate_revoked",
            ),
            (
                |f| f.revocation = Revocation::Unknown,
                "certificate_status_unknown",
            ),
            (|f| f.snils = None, "certificate_no_snils"),
        ];
        for (change, expected) in cases {
            let mut f = facts();
            change(&mut f);
            assert_eq!(rule(check_certificate(&f, t(10))), expected);
        }
        let mut f = facts();
        f.snils = Some("11223344596".into());
        assert_eq!(
            rule(check_certificate(&f, t(10))),
            "certificate_snils_invalid"
        );
        // An untrusted certificate says nothing else about itself.
        f.trusted = false;
        assert_eq!(rule(check_certificate(&f, t(10))), "certificate_untrusted");
    }

    #[test]
    fn a_company_inn_is_left_out() {
        let mut f = facts();
        f.inn = Some("7707083893".into());
        assert!(check_certificate(&f, t(10)).unwrap().inn.is_none());
    }

    #[test]
    fn a_challenge_is_its_callers_once_and_for_five_minutes() {
        let issued = t(10);
        let c = PendingChallenge {
            account: Some(1u8),
            expires_at: issued + CHALLENGE_TTL,
            finished_at: None,
        };
        let soon = issued + Duration::minutes(4);
        assert_eq!(rule(check_challenge(Some(&c), Some(&1), soon)), "ok");
        assert_eq!(
            rule(check_challenge(Some(&c), Some(&2), soon)),
            "signature_challenge_unknown"
        );
        assert_eq!(
            rule(check_challenge(Some(&c), None, soon)),
            "signature_challenge_unknown"
        );
        assert_eq!(
            rule(check_challenge::<u8>(None, Some(&1), soon)),
            "signature_challenge_unknown"
        );
        assert_eq!(
            rule(check_challenge(Some(&c), Some(&1), issued + CHALLENGE_TTL)),
            "signature_challenge_expired"
        );
        let used = PendingChallenge {
            finished_at: Some(soon),
            ..c
        };
        assert_eq!(
            rule(check_challenge(Some(&used), Some(&1), soon)),
            "signature_challenge_used"
        );
    }

    #[test]
    fn the_statement_names_its_purpose_and_portal_and_reads_back() {
        let hex = "0f".repeat(CHALLENGE_BYTES);
        let sign_in = statement(Purpose::SignIn, &hex, t(1), "https://kabinet.example");
        let confirm = statement(
            Purpose::ConfirmIdentity,
            &hex,
            t(1),
            "https://kabinet.example",
        );
        assert_ne!(sign_in, confirm);
        assert!(sign_in.contains("2026-11-01 09:00:00") && sign_in.contains("kabinet.example"));
        let read = parse_statement(&sign_in).unwrap();
        assert_eq!(
            read,
            Statement {
                purpose: Purpose::SignIn,
                portal: "https://kabinet.example".into(),
                challenge: hex.clone(),
                issued_at: t(1),
            }
        );
        assert_eq!(
            parse_statement(&confirm).unwrap().purpose,
            Purpose::ConfirmIdentity
        );
        // Anything else is not signed: another text, a short challenge, an extra line.
        for other in [
            "Договор купли-продажи".to_owned(),
            sign_in.replace(&hex, "0f"),
            format!("{sign_in}\nи ещё строка"),
            sign_in.replace("https://kabinet.example", ""),
            sign_in.replace("2026-11-01", "2026-13-01"),
        ] {
            assert_eq!(parse_statement(&other), None, "{other}");
        }
    }
}
