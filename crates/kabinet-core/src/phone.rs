//! Russian mobile phone numbers in any common writing, canonicalised to E.164.
//!
//! Accepted: `+7 (912) 345-67-89`, `89123456789`, `7 912 345 67 89`, `9123456789`, with spaces,
//! brackets, dashes and dots. Mobile numbers only (`9xx`). Validity of the number range is
//! checked by the `phonenumber` crate (libphonenumber's metadata).

use phonenumber::{Mode, country};

use crate::violation::{Violation, required};

/// A Russian mobile number, E.164 (`+79123456789`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// Parses any common writing of a Russian mobile number.
    pub fn parse(input: &str) -> Result<Self, Vec<Violation>> {
        let text = required(input)?;
        if text
            .chars()
            .any(|c| !(c.is_ascii_digit() || " +()-.\u{a0}".contains(c)))
        {
            return Err(vec![Violation::new("invalid_characters")]);
        }
        let plus = text.starts_with('+');
        if text.matches('+').count() > usize::from(plus) {
            return Err(vec![Violation::new("phone_format")]);
        }
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        let national = match (plus, digits.len()) {
            (true, 11) if digits.starts_with('7') => &digits[1..],
            (true, _) if !digits.starts_with('7') => {
                return Err(vec![Violation::new("not_russian")]);
            }
            (false, 11) if digits.starts_with('7') || digits.starts_with('8') => &digits[1..],
            (false, 10) => digits.as_str(),
            _ => return Err(vec![Violation::new("phone_format")]),
        };
        if !national.starts_with('9') {
            return Err(vec![Violation::new("not_mobile")]);
        }
        let parsed = phonenumber::parse(Some(country::Id::RU), format!("+7{national}"))
            .map_err(|_| vec![Violation::new("phone_format")])?;
        if !phonenumber::is_valid(&parsed) {
            return Err(vec![Violation::new("no_such_number")]);
        }
        Ok(Self(parsed.format().mode(Mode::E164).to_string()))
    }

    /// The E.164 form, `+79123456789`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The ten national digits, `9123456789`.
    pub fn national(&self) -> &str {
        &self.0[2..]
    }

    /// A masked form for messages and logs: `+7 (912) ***-**-89`.
    pub fn masked(&self) -> String {
        let n = self.national();
        format!("+7 ({}) ***-**-{}", &n[..3], &n[8..])
    }
}
