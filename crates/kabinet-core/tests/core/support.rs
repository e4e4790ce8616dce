//! Deterministic randomness and fixed moments for tests.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use kabinet_core::RandomSource;

/// A seeded xorshift generator: reproducible, not for production.
pub struct Seeded(pub u64);

impl RandomSource for Seeded {
    fn fill(&mut self, buf: &mut [u8]) {
        for b in buf {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            *b = (self.0 >> 24) as u8;
        }
    }
}

pub fn at(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, s).unwrap()
}

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The rule codes of a parse failure.
pub fn rules<T: std::fmt::Debug>(r: Result<T, Vec<kabinet_core::Violation>>) -> Vec<&'static str> {
    r.expect_err("expected a violation")
        .iter()
        .map(|v| v.rule)
        .collect()
}
