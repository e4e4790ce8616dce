//! The passport of a citizen of Russia and its validity.
//!
//! A passport is issued at 14 and replaced at 20 and 45: one issued before the 20th birthday
//! expires 90 days after it, one issued before the 45th birthday expires 90 days after that; one
//! issued at 45 or later does not expire. A passport issued before the 14th birthday, or after
//! the day it is checked on, is not valid.

use chrono::{Days, NaiveDate};

use crate::date::{anniversary, format_date, parse_date};
use crate::violation::{FieldErrors, Violation, required};

/// Days a passport stays valid after the birthday that calls for its replacement.
pub const REPLACEMENT_GRACE_DAYS: u64 = 90;
/// The longest issuing-authority text accepted.
pub const MAX_ISSUER_CHARS: usize = 250;

/// The passport fields as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PassportInput {
    /// 4 digits.
    pub series: String,
    /// 6 digits.
    pub number: String,
    /// `DD.MM.YYYY`.
    pub issued_on: String,
    /// Кем выдан.
    pub issuer: String,
    /// `NNN-NNN` or 6 bare digits.
    pub department_code: String,
}

/// A well-formed passport of a citizen of Russia.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passport {
    /// 4 digits.
    pub series: String,
    /// 6 digits.
    pub number: String,
    /// Date of issue.
    pub issued_on: NaiveDate,
    /// Issuing authority, whitespace collapsed.
    pub issuer: String,
    /// `NNN-NNN`.
    pub department_code: String,
}

impl Passport {
    /// Checks every field's format; field names are `series`, `number`, `issued_on`, `issuer`,
    /// `department_code`.
    pub fn parse(input: &PassportInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let series = errors.check("series", digits(&input.series, 4));
        let number = errors.check("number", digits(&input.number, 6));
        let issued_on = errors.check("issued_on", parse_date(&input.issued_on));
        let issuer = errors.check("issuer", issuer(&input.issuer));
        let department_code =
            errors.check("department_code", department_code(&input.department_code));
        errors.into_result(|| {
            Some(Self {
                series: series?,
                number: number?,
                issued_on: issued_on?,
                issuer: issuer?,
                department_code: department_code?,
            })
        })
    }

    /// Whether the passport is valid on `on` for a holder born on `birth`.
    pub fn validity(&self, birth: NaiveDate, on: NaiveDate) -> Result<(), Violation> {
        if self.issued_on > on {
            return Err(Violation::new("issued_in_future"));
        }
        // A passport is issued from the 14th birthday on; the message names that day.
        let fourteen = anniversary(birth, 14);
        if self.issued_on < fourteen {
            return Err(Violation::new("issued_before_14").with("earliest", format_date(fourteen)));
        }
        if let Some(expires) = self.expires_on(birth)
            && on > expires
        {
            return Err(Violation::new("expired").with("expired_on", format_date(expires)));
        }
        Ok(())
    }

    /// The last day the passport is valid, or `None` if it does not expire.
    pub fn expires_on(&self, birth: NaiveDate) -> Option<NaiveDate> {
        [20, 45]
            .into_iter()
            .map(|age| anniversary(birth, age))
            .find(|&birthday| self.issued_on < birthday)
            .map(|birthday| birthday + Days::new(REPLACEMENT_GRACE_DAYS))
    }

    /// The series and number as one string, `4510 123456`.
    pub fn series_and_number(&self) -> String {
        format!("{} {}", self.series, self.number)
    }
}

fn digits(input: &str, count: usize) -> Result<String, Vec<Violation>> {
    let text: String = required(input)?
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(vec![Violation::new("digits_only")]);
    }
    if text.len() != count {
        return Err(vec![Violation::new("length").with("digits", count)]);
    }
    Ok(text)
}

fn department_code(input: &str) -> Result<String, Vec<Violation>> {
    let text = required(input)?;
    let shaped = match text.len() {
        6 => text.bytes().all(|b| b.is_ascii_digit()),
        7 => {
            text.as_bytes()[3] == b'-'
                && text
                    .bytes()
                    .enumerate()
                    .all(|(i, b)| i == 3 || b.is_ascii_digit())
        }
        _ => false,
    };
    if !shaped {
        return Err(vec![
            Violation::new("department_code_format").with("format", "NNN-NNN"),
        ]);
    }
    let d: String = text.chars().filter(char::is_ascii_digit).collect();
    Ok(format!("{}-{}", &d[..3], &d[3..]))
}

fn issuer(input: &str) -> Result<String, Vec<Violation>> {
    let text = required(input)?
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let mut violations = Vec::new();
    if text.chars().count() > MAX_ISSUER_CHARS {
        violations.push(Violation::new("too_long").with("max", MAX_ISSUER_CHARS));
    }
    if text.chars().any(char::is_control) {
        violations.push(Violation::new("invalid_characters"));
    }
    if violations.is_empty() {
        Ok(text)
    } else {
        Err(violations)
    }
}
