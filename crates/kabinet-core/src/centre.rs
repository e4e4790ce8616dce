//! Service centres' opening hours (DOMAIN §6, «Лично»): a week of hours in the centre's own
//! time, exceptions for dates (holidays closed, shortened days), and whether it is open now.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};

use crate::violation::Violation;

/// Opening and closing time of one day, in the centre's local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Opens.
    pub opens: NaiveTime,
    /// Closes (after `opens`, the same day).
    pub closes: NaiveTime,
}

impl Span {
    /// A span from `HH:MM` texts; `hours_order` when it does not close after it opens.
    pub fn parse(opens: &str, closes: &str) -> Result<Self, Violation> {
        let time = |t: &str| {
            NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| Violation::new("time"))
        };
        let span = Self {
            opens: time(opens)?,
            closes: time(closes)?,
        };
        if span.closes <= span.opens {
            return Err(Violation::new("hours_order"));
        }
        Ok(span)
    }
}

/// A centre's hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hours {
    /// Monday first; `None` is a day off.
    pub week: [Option<Span>; 7],
    /// Dates that differ from the week (`None`: closed that day).
    pub exceptions: Vec<(NaiveDate, Option<Span>)>,
    /// The centre's offset from UTC in minutes (Moscow: 180).
    pub utc_offset_minutes: i32,
}

impl Hours {
    /// The hours of a local date: its exception if it has one, else its weekday's.
    pub fn on(&self, date: NaiveDate) -> Option<Span> {
        match self.exceptions.iter().find(|(d, _)| *d == date) {
            Some((_, span)) => *span,
            None => self.week[date.weekday().num_days_from_monday() as usize],
        }
    }

    /// Whether the centre is open at `now`.
    pub fn open_at(&self, now: DateTime<Utc>) -> bool {
        let local = now.naive_utc() + Duration::minutes(i64::from(self.utc_offset_minutes));
        self.on(local.date())
            .is_some_and(|span| span.opens <= local.time() && local.time() < span.closes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours() -> Hours {
        let weekday = Span::parse("09:00", "20:00").ok();
        Hours {
            week: [weekday, weekday, weekday, weekday, weekday, None, None],
            exceptions: vec![(
                NaiveDate::from_ymd_opt(2026, 12, 31).unwrap_or_default(),
                None,
            )],
            utc_offset_minutes: 180,
        }
    }

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap_or_default()
    }

    #[test]
    fn open_in_local_time_and_closed_on_exceptions() {
        // Monday 30 November 2026, 06:30 UTC = 09:30 in Moscow.
        assert!(hours().open_at(utc("2026-11-30T06:30:00Z")));
        assert!(!hours().open_at(utc("2026-11-30T05:59:00Z")));
        assert!(!hours().open_at(utc("2026-11-30T17:00:00Z")));
        // Saturday.
        assert!(!hours().open_at(utc("2026-12-05T08:00:00Z")));
        // A Thursday made a holiday.
        assert!(!hours().open_at(utc("2026-12-31T08:00:00Z")));
    }

    #[test]
    fn a_day_closes_after_it_opens() {
        assert_eq!(
            Span::parse("18:00", "09:00").map_err(|v| v.rule),
            Err("hours_order")
        );
        assert_eq!(Span::parse("9", "18:00").map_err(|v| v.rule), Err("time"));
    }
}
