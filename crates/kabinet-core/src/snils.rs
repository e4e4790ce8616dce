//! SNILS, the pension-insurance number: 11 digits written `NNN-NNN-NNN NN`, the last two a
//! checksum of the first nine. Numbers up to 001-001-998 were issued before the checksum and are
//! not checked.

use crate::violation::{Violation, required};

/// The largest number (first nine digits) issued without a checksum.
pub const UNCHECKED_UP_TO: u64 = 1_001_998;

/// A validated SNILS.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Snils([u8; 11]);

impl Snils {
    /// Parses `NNN-NNN-NNN NN` or 11 bare digits (spaces and dashes anywhere are ignored).
    pub fn parse(input: &str) -> Result<Self, Vec<Violation>> {
        let text = required(input)?;
        if text
            .chars()
            .any(|c| !(c.is_ascii_digit() || c == '-' || c.is_whitespace()))
        {
            return Err(vec![Violation::new("invalid_characters")]);
        }
        let digits: Vec<u8> = text
            .bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| b - b'0')
            .collect();
        let Ok(digits) = <[u8; 11]>::try_from(digits) else {
            return Err(vec![Violation::new("length").with("digits", 11)]);
        };
        let number = digits[..9].iter().fold(0u64, |n, &d| n * 10 + u64::from(d));
        if number == 0 {
            return Err(vec![Violation::new("invalid_number")]);
        }
        let given = digits[9] * 10 + digits[10];
        if number > UNCHECKED_UP_TO && checksum(&digits[..9]) != given {
            return Err(vec![Violation::new("checksum")]);
        }
        Ok(Self(digits))
    }

    /// The canonical writing, `112-233-445 95`.
    pub fn formatted(&self) -> String {
        let d: String = self.0.iter().map(|d| char::from(b'0' + d)).collect();
        format!("{}-{}-{} {}", &d[0..3], &d[3..6], &d[6..9], &d[9..11])
    }

    /// The 11 bare digits.
    pub fn digits(&self) -> String {
        self.0.iter().map(|d| char::from(b'0' + d)).collect()
    }
}

/// The check number of the first nine digits (weights 9…1; below 100 the sum itself; 100 and 101
/// give 00; otherwise the sum mod 101, with 100 again giving 00).
pub fn checksum(first_nine: &[u8]) -> u8 {
    let sum: u32 = first_nine
        .iter()
        .zip((1..=9).rev())
        .map(|(&d, w)| u32::from(d) * w)
        .sum();
    let check = match sum {
        0..=99 => sum,
        100 | 101 => 0,
        _ => match sum % 101 {
            100 => 0,
            rest => rest,
        },
    };
    check as u8
}
