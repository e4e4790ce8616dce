//! The password policy: data, so a deployment can choose its rules. The default is the portal's
//! (DOMAIN §3); [`PasswordPolicy::nist`] is the NIST SP 800-63B alternative (long, no
//! composition rules). Every unmet rule is returned, by code.

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::violation::Violation;

/// The longest password accepted (hashing cost stays bounded).
pub const MAX_PASSWORD_CHARS: usize = 128;

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../data/common-passwords.txt")
        .lines()
        .filter(|l| !l.starts_with("# ") && !l.is_empty())
        .collect()
});

/// How many entries the shipped common-password list has.
pub fn common_password_count() -> usize {
    COMMON.len()
}

/// Which rules apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordPolicy {
    /// Minimum length in characters.
    pub min_length: usize,
    /// At least one Latin upper-case letter.
    pub require_upper: bool,
    /// At least one Latin lower-case letter.
    pub require_lower: bool,
    /// At least one digit.
    pub require_digit: bool,
    /// At least one punctuation mark.
    pub require_punctuation: bool,
    /// Letters must be Latin; only printable ASCII is allowed.
    pub ascii_only: bool,
    /// No two identical characters next to each other.
    pub forbid_repeats: bool,
    /// Characters that may not appear at all.
    pub forbidden_chars: Vec<char>,
    /// Not in the shipped list of common passwords.
    pub forbid_common: bool,
    /// Not equal to, and not containing, any of the account's logins.
    pub forbid_login: bool,
}

impl Default for PasswordPolicy {
    /// The portal's rules (DOMAIN §3).
    fn default() -> Self {
        Self {
            min_length: 8,
            require_upper: true,
            require_lower: true,
            require_digit: true,
            require_punctuation: true,
            ascii_only: true,
            forbid_repeats: true,
            forbidden_chars: vec!['*', '#'],
            forbid_common: true,
            forbid_login: true,
        }
    }
}

impl PasswordPolicy {
    /// NIST SP 800-63B style: at least 15 characters, no composition rules, still not common and
    /// not the login.
    pub fn nist() -> Self {
        Self {
            min_length: 15,
            require_upper: false,
            require_lower: false,
            require_digit: false,
            require_punctuation: false,
            ascii_only: false,
            forbid_repeats: false,
            forbidden_chars: Vec::new(),
            forbid_common: true,
            forbid_login: true,
        }
    }

    /// Every rule this policy applies, in the order of the checklist under the field, with its
    /// parameters; [`check`](Self::check) reports broken ones under the same codes.
    pub fn rules(&self) -> Vec<Violation> {
        let forbidden: String = self.forbidden_chars.iter().collect();
        [
            Some(Violation::new("password_too_short").with("min", self.min_length)),
            self.require_upper
                .then(|| Violation::new("password_needs_upper")),
            self.require_lower
                .then(|| Violation::new("password_needs_lower")),
            self.require_digit
                .then(|| Violation::new("password_needs_digit")),
            self.require_punctuation
                .then(|| Violation::new("password_needs_punctuation")),
            self.ascii_only
                .then(|| Violation::new("password_invalid_characters")),
            self.forbid_repeats
                .then(|| Violation::new("password_repeated_characters")),
            (!forbidden.is_empty())
                .then(|| Violation::new("password_forbidden_characters").with("chars", forbidden)),
            self.forbid_common
                .then(|| Violation::new("password_common")),
            self.forbid_login
                .then(|| Violation::new("password_contains_login")),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// Every rule `password` breaks. `logins` are the account's identifiers (phone, e-mail,
    /// SNILS, INN) in any form; each is compared case-insensitively.
    pub fn check(&self, password: &str, logins: &[&str]) -> Result<(), Vec<Violation>> {
        let chars: Vec<char> = password.chars().collect();
        let mut v = Vec::new();
        if chars.len() < self.min_length {
            v.push(Violation::new("password_too_short").with("min", self.min_length));
        }
        if chars.len() > MAX_PASSWORD_CHARS {
            v.push(Violation::new("password_too_long").with("max", MAX_PASSWORD_CHARS));
        }
        if self.require_upper && !chars.iter().any(char::is_ascii_uppercase) {
            v.push(Violation::new("password_needs_upper"));
        }
        if self.require_lower && !chars.iter().any(char::is_ascii_lowercase) {
            v.push(Violation::new("password_needs_lower"));
        }
        if self.require_digit && !chars.iter().any(char::is_ascii_digit) {
            v.push(Violation::new("password_needs_digit"));
        }
        if self.require_punctuation
            && !chars
                .iter()
                .any(|c| c.is_ascii_punctuation() && !self.forbidden_chars.contains(c))
        {
            v.push(Violation::new("password_needs_punctuation"));
        }
        if self.ascii_only && chars.iter().any(|c| !c.is_ascii_graphic()) {
            v.push(Violation::new("password_invalid_characters"));
        }
        if self.forbid_repeats && chars.windows(2).any(|w| w[0] == w[1]) {
            v.push(Violation::new("password_repeated_characters"));
        }
        // The rule names every forbidden character, as the checklist does («Без символов *#»),
        // not only the ones typed: the error and the checklist never say different things.
        if self.forbidden_chars.iter().any(|c| chars.contains(c)) {
            let all: String = self.forbidden_chars.iter().collect();
            v.push(Violation::new("password_forbidden_characters").with("chars", all));
        }
        let lower = password.to_lowercase();
        if self.forbid_common && is_common(&lower) {
            v.push(Violation::new("password_common"));
        }
        if self.forbid_login && contains_login(&lower, logins) {
            v.push(Violation::new("password_contains_login"));
        }
        if v.is_empty() { Ok(()) } else { Err(v) }
    }
}

/// Whether the (lower-cased) password is a common one, or one with the usual disguises: digits
/// and marks added before or after (`password1!`, `2024qwerty`), letters written as look-alike
/// digits and marks (`p@ssw0rd`). A core shorter than four characters is not judged (every
/// password would contain some common two-letter word).
fn is_common(lower: &str) -> bool {
    let core =
        lower.trim_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation() || c == ' ');
    let undisguised: String = lower.chars().map(unleet).collect();
    let undisguised_core: String = core.chars().map(unleet).collect();
    [lower, core, undisguised.as_str(), undisguised_core.as_str()]
        .iter()
        .any(|candidate| candidate.chars().count() >= 4 && COMMON.contains(candidate))
        || COMMON.contains(lower)
}

/// The letter a look-alike digit or mark usually stands for.
fn unleet(c: char) -> char {
    match c {
        '0' => 'o',
        '1' | '!' => 'i',
        '3' => 'e',
        '4' | '@' => 'a',
        '5' | '$' => 's',
        '7' => 't',
        '8' => 'b',
        other => other,
    }
}

/// The runs of digits a password holds, each with the separators people write inside numbers
/// (`+7 (912) 345-67-89`) dropped — so digits scattered among letters never add up to a phone.
fn digit_runs(password: &str) -> Vec<String> {
    let mut runs = vec![String::new()];
    for c in password.chars() {
        if c.is_ascii_digit() {
            if let Some(run) = runs.last_mut() {
                run.push(c);
            }
        } else if !matches!(c, ' ' | '-' | '(' | ')' | '+' | '.') {
            runs.push(String::new());
        }
    }
    runs.retain(|run| !run.is_empty());
    runs
}

/// Whether the (lower-cased) password is or contains a login, or the meaningful part of one:
/// the national digits of a phone, the part of an e-mail before `@`, the digits of a SNILS —
/// written in one piece, not gathered from digits scattered through it.
fn contains_login(lower_password: &str, logins: &[&str]) -> bool {
    let runs = digit_runs(lower_password);
    logins.iter().any(|login| {
        let login = login.trim().to_lowercase();
        let local = login.split('@').next().unwrap_or_default();
        let digits: String = login.chars().filter(char::is_ascii_digit).collect();
        let digits = if digits.len() == 11
            && (digits.starts_with('7') || digits.starts_with('8'))
            && !login.contains('-')
        {
            digits[1..].to_owned() // a phone: compare the ten national digits
        } else {
            digits
        };
        (!login.is_empty() && lower_password.contains(&login))
            || (local.chars().count() >= 4 && lower_password.contains(local))
            || (digits.len() >= 9 && runs.iter().any(|run| run.contains(&digits)))
    })
}

/// The strength meter's reading.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Strength {
    /// 0 (too guessable) … 4 (very unguessable), zxcvbn's score.
    pub score: u8,
    /// log10 of the estimated guesses needed.
    pub guesses_log10: f64,
}

/// What the meter shows: zxcvbn's score, but never above 1 («слабый») while a rule of the
/// policy is unmet — a full bar beside a failing rule would contradict it.
pub fn meter_score(strength: Strength, rules_met: bool) -> u8 {
    if rules_met {
        strength.score
    } else {
        strength.score.min(1)
    }
}

/// Estimates how hard the password is to guess (zxcvbn), counting the user's own data.
pub fn strength(password: &str, user_inputs: &[&str]) -> Strength {
    if password.is_empty() {
        return Strength {
            score: 0,
            guesses_log10: 0.0,
        };
    }
    let estimate = zxcvbn::zxcvbn(password, user_inputs);
    Strength {
        score: u8::from(estimate.score()),
        guesses_log10: estimate.guesses_log10(),
    }
}
