//! One-time codes and tokens: 6-digit SMS/e-mail codes, 16-digit activation codes and link
//! tokens, stored only as keyed hashes (HMAC-SHA-256 under a server-side key, separated by
//! purpose) and compared in constant time; plus the policy of attempts, expiry and resends.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::random::RandomSource;

/// What a code or token is for; part of its hash, so a code for one purpose never passes for
/// another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodePurpose {
    /// Confirming the phone or e-mail at registration.
    ConfirmContact,
    /// Confirming a new contact in the profile.
    ChangeContact,
    /// The second factor of a sign-in.
    SignIn,
    /// Recovering access.
    Recovery,
    /// Identity confirmation by an activation code from a service centre.
    Activation,
    /// Identity confirmation by a registered letter.
    Letter,
    /// A session token.
    Session,
    /// The ticket of a multi-step flow (registration, sign-in challenge, recovery).
    Ticket,
    /// A device id (known devices are stored only as keyed hashes).
    Device,
    /// A service-centre workstation's enrolment key.
    Workstation,
    /// A staff session token (never valid as a citizen's, nor the reverse).
    StaffSession,
    /// A workstation enrolment or staff set-up code.
    StaffCode,
}

impl CodePurpose {
    /// The stable name stored with the hash.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ConfirmContact => "confirm_contact",
            Self::ChangeContact => "change_contact",
            Self::SignIn => "sign_in",
            Self::Recovery => "recovery",
            Self::Activation => "activation",
            Self::Letter => "letter",
            Self::Session => "session",
            Self::Ticket => "ticket",
            Self::Device => "device",
            Self::Workstation => "workstation",
            Self::StaffSession => "staff_session",
            Self::StaffCode => "staff_code",
        }
    }
}

/// A fresh `n`-digit code, each digit uniform.
pub fn numeric_code(digits: usize, random: &mut impl RandomSource) -> String {
    (0..digits)
        .map(|_| char::from(b'0' + random.below(10) as u8))
        .collect()
}

/// A 6-digit confirmation code.
pub fn sms_code(random: &mut impl RandomSource) -> String {
    numeric_code(6, random)
}

/// A 16-digit activation code (≈ 53 bits).
pub fn activation_code(random: &mut impl RandomSource) -> String {
    numeric_code(16, random)
}

/// A URL-safe token of 256 random bits (43 characters).
pub fn link_token(random: &mut impl RandomSource) -> String {
    let mut bytes = [0u8; 32];
    random.fill(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Hashes codes and tokens under a secret key (the deployment's pepper).
#[derive(Clone)]
pub struct CodeHasher {
    key: [u8; 32],
}

impl std::fmt::Debug for CodeHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CodeHasher([redacted])")
    }
}

impl CodeHasher {
    /// A hasher under `key`.
    pub fn new(key: [u8; 32]) -> Self {
        Self { key }
    }

    /// HMAC-SHA-256(key, purpose ‖ 0 ‖ code): what is stored instead of the code.
    pub fn hash(&self, purpose: CodePurpose, code: &str) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(purpose.as_str().as_bytes());
        mac.update(&[0]);
        mac.update(code.trim().as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// Whether `candidate` hashes to `stored`, compared in constant time.
    pub fn matches(&self, purpose: CodePurpose, candidate: &str, stored: &[u8]) -> bool {
        bool::from(self.hash(purpose, candidate).as_slice().ct_eq(stored))
    }
}

/// Expiry, attempts and resend limits of a kind of code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodePolicy {
    /// How long a code is valid.
    pub ttl: Duration,
    /// Wrong entries allowed per code; the code is spent after the last.
    pub max_attempts: u32,
    /// The shortest time between two sends.
    pub resend_cooldown: Duration,
    /// Sends allowed in any 24 hours.
    pub daily_cap: u32,
}

impl CodePolicy {
    /// SMS codes: 300 s, 3 attempts, 60 s between sends, 10 sends a day.
    pub fn sms() -> Self {
        Self {
            ttl: Duration::seconds(300),
            max_attempts: 3,
            resend_cooldown: Duration::seconds(60),
            daily_cap: 10,
        }
    }

    /// E-mail links and codes: 24 h, 5 attempts, 60 s between sends, 10 sends a day.
    pub fn email() -> Self {
        Self {
            ttl: Duration::hours(24),
            max_attempts: 5,
            resend_cooldown: Duration::seconds(60),
            daily_cap: 10,
        }
    }

    /// The link that proves a phone noted at a service centre's desk: 7 days (the SMS may
    /// wait for the workstation's link to the centre, and the citizen for a quiet moment),
    /// one use.
    pub fn phone_link() -> Self {
        Self {
            ttl: Duration::days(7),
            max_attempts: 1,
            resend_cooldown: Duration::zero(),
            daily_cap: 5,
        }
    }

    /// When a code of this policy issued at `issued` expires.
    pub fn expires_at(&self, issued: DateTime<Utc>) -> DateTime<Utc> {
        issued + self.ttl
    }

    /// Activation codes from a service centre: 90 days, 5 attempts.
    pub fn activation() -> Self {
        Self {
            ttl: Duration::days(90),
            max_attempts: 5,
            resend_cooldown: Duration::zero(),
            daily_cap: 20,
        }
    }
}

/// An issued code as stored: its hash and what has happened to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedCode {
    /// What it is for.
    pub purpose: CodePurpose,
    /// The keyed hash.
    pub hash: [u8; 32],
    /// When it stops being accepted.
    pub expires_at: DateTime<Utc>,
    /// Wrong entries so far.
    pub failed_attempts: u32,
    /// Accepted once already.
    pub consumed: bool,
}

/// Why a code was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeRejection {
    /// Past its expiry.
    Expired,
    /// Already used, or replaced by a newer code.
    Spent,
    /// All attempts were used on wrong entries.
    TooManyAttempts,
    /// Wrong; this many attempts remain.
    Wrong {
        /// Attempts left for this code.
        remaining: u32,
    },
}

impl IssuedCode {
    /// Issues a code: returns the record to store (hash only).
    pub fn issue(
        hasher: &CodeHasher,
        purpose: CodePurpose,
        code: &str,
        now: DateTime<Utc>,
        policy: &CodePolicy,
    ) -> Self {
        Self {
            purpose,
            hash: hasher.hash(purpose, code),
            expires_at: policy.expires_at(now),
            failed_attempts: 0,
            consumed: false,
        }
    }

    /// Checks an entry and updates the record: a right entry consumes the code; a wrong one
    /// spends an attempt. Order: spent, expired, exhausted, then the comparison.
    pub fn try_accept(
        &mut self,
        hasher: &CodeHasher,
        candidate: &str,
        now: DateTime<Utc>,
        policy: &CodePolicy,
    ) -> Result<(), CodeRejection> {
        if self.consumed {
            return Err(CodeRejection::Spent);
        }
        if now >= self.expires_at {
            return Err(CodeRejection::Expired);
        }
        if self.failed_attempts >= policy.max_attempts {
            return Err(CodeRejection::TooManyAttempts);
        }
        if hasher.matches(self.purpose, candidate, &self.hash) {
            self.consumed = true;
            return Ok(());
        }
        self.failed_attempts += 1;
        let remaining = policy.max_attempts - self.failed_attempts;
        if remaining == 0 {
            Err(CodeRejection::TooManyAttempts)
        } else {
            Err(CodeRejection::Wrong { remaining })
        }
    }
}

/// Why a code may not be sent now, and when it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendRefusal {
    /// Too soon after the previous send.
    Cooldown {
        /// The earliest next send.
        retry_at: DateTime<Utc>,
    },
    /// The 24-hour cap is reached.
    DailyCap {
        /// When the oldest send in the window leaves it.
        retry_at: DateTime<Utc>,
    },
}

/// Whether a code may be sent at `now`, given the times of earlier sends (any order).
pub fn may_send(
    previous_sends: &[DateTime<Utc>],
    now: DateTime<Utc>,
    policy: &CodePolicy,
) -> Result<(), SendRefusal> {
    if let Some(last) = previous_sends.iter().max()
        && now < *last + policy.resend_cooldown
    {
        return Err(SendRefusal::Cooldown {
            retry_at: *last + policy.resend_cooldown,
        });
    }
    let day_ago = now - Duration::hours(24);
    let mut in_window: Vec<_> = previous_sends.iter().filter(|t| **t > day_ago).collect();
    if in_window.len() as u32 >= policy.daily_cap {
        in_window.sort();
        let oldest_that_must_leave = in_window[in_window.len() - policy.daily_cap as usize];
        return Err(SendRefusal::DailyCap {
            retry_at: *oldest_that_must_leave + Duration::hours(24),
        });
    }
    Ok(())
}
