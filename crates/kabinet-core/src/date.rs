//! Dates written `DD.MM.YYYY`, and the date of birth.

use chrono::{Datelike, NaiveDate};

use crate::violation::{Violation, required};

/// The earliest date of birth accepted.
pub const EARLIEST_BIRTH_YEAR: i32 = 1900;

/// Parses `DD.MM.YYYY` (exactly two, two and four digits) into a real calendar date.
pub fn parse_date(input: &str) -> Result<NaiveDate, Vec<Violation>> {
    let text = required(input)?;
    let parts: Vec<&str> = text.split('.').collect();
    let shaped = parts.len() == 3
        && [2, 2, 4]
            .iter()
            .zip(&parts)
            .all(|(len, p)| p.len() == *len && p.bytes().all(|b| b.is_ascii_digit()));
    if !shaped {
        return Err(vec![
            Violation::new("date_format").with("format", "DD.MM.YYYY"),
        ]);
    }
    let number = |p: &str| p.parse::<u32>().unwrap_or(0);
    let (day, month, year) = (number(parts[0]), number(parts[1]), number(parts[2]));
    NaiveDate::from_ymd_opt(year as i32, month, day)
        .ok_or_else(|| vec![Violation::new("no_such_date")])
}

/// Formats a date as `DD.MM.YYYY`.
pub fn format_date(date: NaiveDate) -> String {
    format!("{:02}.{:02}.{:04}", date.day(), date.month(), date.year())
}

/// Parses a date of birth: a real date, not after `today`, not before 1900.
pub fn parse_birth_date(input: &str, today: NaiveDate) -> Result<NaiveDate, Vec<Violation>> {
    let date = parse_date(input)?;
    if date > today {
        Err(vec![Violation::new("in_future")])
    } else if date.year() < EARLIEST_BIRTH_YEAR {
        Err(vec![
            Violation::new("too_early").with("min", format!("01.01.{EARLIEST_BIRTH_YEAR}")),
        ])
    } else {
        Ok(date)
    }
}

/// The date a person born on `birth` turns `years` old. Someone born on 29 February has the
/// birthday on 28 February in common years (the last day of the month, as the Civil Code
/// counts terms in years).
pub fn anniversary(birth: NaiveDate, years: i32) -> NaiveDate {
    let year = birth.year() + years;
    NaiveDate::from_ymd_opt(year, birth.month(), birth.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, birth.month(), birth.day() - 1))
        .unwrap_or(birth)
}
