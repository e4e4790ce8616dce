//! What an account is at a moment: the fold of its events.

use chrono::{DateTime, Utc};

/// The account level (DOMAIN §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Name, a confirmed contact, a password.
    Simplified,
    /// Personal data verified by the registries.
    Standard,
    /// Identity confirmed.
    Confirmed,
}

impl Level {
    /// The stable code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Simplified => "simplified",
            Self::Standard => "standard",
            Self::Confirmed => "confirmed",
        }
    }
}

/// The lifecycle status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Registration started; the contact or the password is still missing.
    Pending,
    /// In use.
    Active,
    /// Temporarily locked after repeated failures, until a moment.
    Locked {
        /// When sign-in is allowed again.
        until: DateTime<Utc>,
    },
    /// Blocked by an operator or administrator.
    Blocked {
        /// Why, as they wrote it.
        reason: String,
    },
    /// Deleted: final.
    Deleted,
}

impl Status {
    /// The stable code.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Active => "active",
            Self::Locked { .. } => "locked",
            Self::Blocked { .. } => "blocked",
            Self::Deleted => "deleted",
        }
    }
}

/// How the citizen registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContactKind {
    /// A mobile phone, confirmed by SMS.
    Phone,
    /// An e-mail ("I have no mobile phone"), confirmed by link or code.
    Email,
}

/// The consent to the user agreement and personal-data processing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    /// The ticked checkbox.
    pub given: bool,
    /// The version of the documents shown.
    pub document_version: String,
}

/// A registry check of the profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Check {
    /// SNILS against the pension-fund registry.
    Snils,
    /// The passport against the interior registry.
    Passport,
}

impl Check {
    /// Both checks, in display order.
    pub const ALL: [Check; 2] = [Check::Snils, Check::Passport];

    /// The stable code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Snils => "snils",
            Self::Passport => "passport",
        }
    }
}

/// Where one registry check stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CheckStatus {
    /// No profile submitted yet.
    #[default]
    NotStarted,
    /// Waiting for its job.
    Queued,
    /// The registry has been asked.
    Checking,
    /// The registry confirmed the data.
    Passed,
    /// The registry disagrees on these fields; the citizen must correct them.
    Mismatch {
        /// Profile field names.
        fields: Vec<String>,
    },
    /// The registry did not answer; retried later.
    Unavailable {
        /// The next attempt.
        retry_at: DateTime<Utc>,
    },
}

/// What a registry answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckOutcome {
    /// Confirmed.
    Passed,
    /// Disagrees on these fields.
    Mismatch {
        /// Profile field names.
        fields: Vec<String>,
    },
    /// No answer; try again at `retry_at`.
    Unavailable {
        /// The next attempt.
        retry_at: DateTime<Utc>,
    },
}

/// How an identity was confirmed (DOMAIN §6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfirmationMethod {
    /// At a service centre, originals checked by an operator.
    InPerson {
        /// The centre.
        centre: String,
        /// The original documents checked, e.g. `passport`, `snils`.
        documents: Vec<String>,
    },
    /// A code from a registered letter (does not open the tax-office account).
    RegisteredLetter,
    /// A 16-digit code handed over at a service centre.
    ActivationCode,
    /// A qualified e-signature or universal electronic card.
    QualifiedSignature,
    /// A participating online bank's signed assertion.
    OnlineBank {
        /// The bank.
        bank: String,
    },
    /// A video call with an operator.
    Video,
}

impl ConfirmationMethod {
    /// The stable code.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::InPerson { .. } => "in_person",
            Self::RegisteredLetter => "registered_letter",
            Self::ActivationCode => "activation_code",
            Self::QualifiedSignature => "qualified_signature",
            Self::OnlineBank { .. } => "online_bank",
            Self::Video => "video",
        }
    }

    /// Methods that only an operator may record.
    pub fn needs_operator(&self) -> bool {
        matches!(self, Self::InPerson { .. } | Self::Video)
    }
}

/// An account, as its events made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Lifecycle status.
    pub status: Status,
    /// Level.
    pub level: Level,
    /// How the citizen registered.
    pub contact: ContactKind,
    /// The consent's document version.
    pub consent_version: String,
    /// The phone or e-mail was confirmed.
    pub contact_confirmed: bool,
    /// A password exists.
    pub password_set: bool,
    /// The password was set by an operator and must be changed at the next sign-in.
    pub temporary_password: bool,
    /// A profile was submitted for verification.
    pub profile_submitted: bool,
    /// The SNILS check.
    pub snils_check: CheckStatus,
    /// The passport check.
    pub passport_check: CheckStatus,
    /// The identity confirmation in force (kept while re-verifying an edit that kept the SNILS).
    pub confirmation: Option<ConfirmationMethod>,
    /// Confirmed by a mailed code: the tax-office account stays closed.
    pub mailed_code_restriction: bool,
    /// The status to return to when a block is lifted.
    pub status_before_block: Option<Box<Status>>,
    /// How many events made this state.
    pub version: u64,
}

impl Account {
    /// The state a first event starts from (version 0: no event applied yet).
    pub fn new(contact: ContactKind, consent_version: String) -> Self {
        Self {
            status: Status::Pending,
            level: Level::Simplified,
            contact,
            consent_version,
            contact_confirmed: false,
            password_set: false,
            temporary_password: false,
            profile_submitted: false,
            snils_check: CheckStatus::NotStarted,
            passport_check: CheckStatus::NotStarted,
            confirmation: None,
            mailed_code_restriction: false,
            status_before_block: None,
            version: 0,
        }
    }

    /// One check's status.
    pub fn check(&self, check: Check) -> &CheckStatus {
        match check {
            Check::Snils => &self.snils_check,
            Check::Passport => &self.passport_check,
        }
    }

    pub(crate) fn check_mut(&mut self, check: Check) -> &mut CheckStatus {
        match check {
            Check::Snils => &mut self.snils_check,
            Check::Passport => &mut self.passport_check,
        }
    }

    /// Both registry checks passed.
    pub fn verified(&self) -> bool {
        Check::ALL
            .iter()
            .all(|&c| *self.check(c) == CheckStatus::Passed)
    }

    /// Whether the account is locked at `now`.
    pub fn locked_at(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self.status {
            Status::Locked { until } if until > now => Some(until),
            _ => None,
        }
    }

    /// Whether the tax-office account is open: confirmed, and not by a mailed code.
    pub fn opens_tax_account(&self) -> bool {
        self.level == Level::Confirmed && !self.mailed_code_restriction
    }
}
