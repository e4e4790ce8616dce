//! INN, the taxpayer number: 12 digits for a person (two check digits), 10 for an organisation
//! (one check digit). Each check digit is a weighted sum mod 11 mod 10.

use crate::violation::{Violation, required};

const PERSON_FIRST: [u32; 10] = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const PERSON_SECOND: [u32; 11] = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const ORGANISATION: [u32; 9] = [2, 4, 10, 3, 5, 9, 4, 6, 8];

/// Whose number it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InnKind {
    /// 12 digits.
    Person,
    /// 10 digits.
    Organisation,
}

/// A validated INN.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Inn {
    digits: String,
    kind: InnKind,
}

impl Inn {
    /// Parses 10 or 12 digits (spaces ignored).
    pub fn parse(input: &str) -> Result<Self, Vec<Violation>> {
        let text = required(input)?;
        if text
            .chars()
            .any(|c| !(c.is_ascii_digit() || c.is_whitespace()))
        {
            return Err(vec![Violation::new("invalid_characters")]);
        }
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        let d: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
        let kind = match d.len() {
            12 => InnKind::Person,
            10 => InnKind::Organisation,
            // 12 digits for a person, 10 for an organisation: said in words, not as a number.
            _ => return Err(vec![Violation::new("inn_length")]),
        };
        let valid = match kind {
            InnKind::Person => {
                check_digit(&d[..10], &PERSON_FIRST) == d[10]
                    && check_digit(&d[..11], &PERSON_SECOND) == d[11]
            }
            InnKind::Organisation => check_digit(&d[..9], &ORGANISATION) == d[9],
        };
        if !valid {
            return Err(vec![Violation::new("checksum")]);
        }
        Ok(Self { digits, kind })
    }

    /// Parses the INN of a person: 12 digits only.
    pub fn parse_person(input: &str) -> Result<Self, Vec<Violation>> {
        let inn = Self::parse(input)?;
        if inn.kind != InnKind::Person {
            return Err(vec![Violation::new("length").with("digits", 12)]);
        }
        Ok(inn)
    }

    /// The bare digits.
    pub fn as_str(&self) -> &str {
        &self.digits
    }

    /// A person's or an organisation's.
    pub fn kind(&self) -> InnKind {
        self.kind
    }
}

/// Σ weight·digit mod 11 mod 10.
pub fn check_digit(digits: &[u32], weights: &[u32]) -> u32 {
    digits.iter().zip(weights).map(|(d, w)| d * w).sum::<u32>() % 11 % 10
}
