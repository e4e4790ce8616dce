//! Registered letters (DOMAIN §6, method 2): when a new one may be ordered.

use chrono::{DateTime, Duration, Utc};

/// A new letter only this long after the previous one.
pub const REORDER_AFTER: Duration = Duration::days(30);

/// The previous letter, as far as the rule cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PreviousLetter {
    /// When it was ordered.
    pub ordered_at: DateTime<Utc>,
    /// The post lost it (and when it said so).
    pub lost_at: Option<DateTime<Utc>>,
}

/// When the next letter may be ordered after `previous`: 30 days after it was ordered, or at
/// once when the post lost it.
pub fn next_order_at(previous: PreviousLetter) -> DateTime<Utc> {
    previous
        .lost_at
        .unwrap_or(previous.ordered_at + REORDER_AFTER)
}

/// `Err(when)` while a new letter may not be ordered yet.
pub fn may_order(
    previous: Option<PreviousLetter>,
    now: DateTime<Utc>,
) -> Result<(), DateTime<Utc>> {
    match previous.map(next_order_at) {
        Some(at) if at > now => Err(at),
        _ => Ok(()),
    }
}
