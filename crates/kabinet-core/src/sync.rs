//! The rules of workstation sync, without IO: in which order the centre takes a workstation's
//! changes, how a replica's pull cursor moves past numbers it has not seen yet, and what a
//! conflict's resolution must say.
//!
//! A workstation numbers its changes 1, 2, 3… with no gaps (its outbox). The centre applies
//! them in that order, each exactly once: a change it has seen is acknowledged again and not
//! applied; one that skips ahead is refused until the ones before it arrive.
//!
//! The centre's change feed is numbered by a database sequence. Numbers are handed out when a
//! transaction writes, not when it commits, so a reader can see number 12 before number 11
//! commits — or 11 may never commit (a rolled-back transaction). A replica's cursor therefore
//! keeps the numbers it skipped as *holes* and asks for them again, until they appear or are
//! old enough that no transaction can still be holding them.

use chrono::{DateTime, Duration, Utc};

use crate::Violation;

/// How long a number missing from the feed may still be an uncommitted transaction. Writes
/// are short (a busy database refuses after 5 s), so a minute is generous.
pub const HOLE_GRACE: Duration = Duration::minutes(1);

/// At most this many holes are remembered; the oldest go first.
pub const MAX_HOLES: usize = 1000;

/// How many changes a workstation sends in one push.
pub const PUSH_BATCH: usize = 200;

/// Activation codes handed to a workstation in advance, so it can hand one to a citizen
/// without the link. A workstation asks for more when it holds fewer than [`Blanks::LOW`];
/// the centre makes at most [`Blanks::BLOCK`] at a time and never lets one workstation hold
/// more than [`Blanks::MAX_OUTSTANDING`] (a stolen workstation's haul is bounded). A blank
/// may be handed out until [`Blanks::LIFETIME`] after it was made; the code handed out is
/// then good for as long as one issued online.
pub struct Blanks;

impl Blanks {
    /// Fewer than this left: ask for a block.
    pub const LOW: u64 = 10;
    /// The most made at once.
    pub const BLOCK: u32 = 20;
    /// The most one workstation holds, counting those it may never have received.
    pub const MAX_OUTSTANDING: u64 = 40;
    /// How long a blank may be handed out.
    pub const LIFETIME: Duration = Duration::days(30);

    /// How many a workstation that still holds `held` asks for.
    pub fn wanted(held: u64) -> u32 {
        if held < Self::LOW { Self::BLOCK } else { 0 }
    }

    /// How many the centre makes for a workstation that asks for `wanted` and already has
    /// `outstanding` neither handed out nor expired.
    pub fn to_issue(wanted: u32, outstanding: u64) -> u32 {
        let room = Self::MAX_OUTSTANDING.saturating_sub(outstanding);
        u64::from(wanted.min(Self::BLOCK)).min(room) as u32
    }
}

/// What the centre does with a change numbered `seq` from a workstation whose last applied
/// change is `last`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    /// Received before (the same change id): acknowledge, apply nothing.
    Duplicate,
    /// The next one: apply it.
    Next,
    /// Later than the next one: refuse it and say which number is expected.
    Early {
        /// The number the centre waits for.
        expected: i64,
    },
    /// A number already used by a different change: the workstation's outbox is not what it
    /// sent before (a restored backup, say). Refused; staff must look.
    Reused,
}

/// Judges one arriving change. `seen` says whether its id was received before.
pub fn arrival(last: i64, seq: i64, seen: bool) -> Arrival {
    if seen {
        Arrival::Duplicate
    } else if seq == last + 1 {
        Arrival::Next
    } else if seq > last + 1 {
        Arrival::Early { expected: last + 1 }
    } else {
        Arrival::Reused
    }
}

/// A feed number a replica skipped, and since when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hole {
    /// The number.
    pub seq: i64,
    /// When the replica first found it missing.
    pub since: DateTime<Utc>,
}

/// Where a replica's pull stands: every number up to `after` was read or is a hole.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cursor {
    /// The highest number read.
    pub after: i64,
    /// Numbers below `after` not read yet.
    pub holes: Vec<Hole>,
}

impl Cursor {
    /// The cursor after a pull that read the numbers in `read` (those after `after` and any
    /// holes now filled). Numbers skipped between become holes; holes older than
    /// [`HOLE_GRACE`] are given up (the transaction that took them rolled back).
    pub fn advance(&self, read: &[i64], now: DateTime<Utc>) -> Cursor {
        let mut read: Vec<i64> = read.to_vec();
        read.sort_unstable();
        read.dedup();
        let after = read.last().copied().unwrap_or(self.after).max(self.after);
        let mut holes: Vec<Hole> = self
            .holes
            .iter()
            .filter(|h| read.binary_search(&h.seq).is_err() && now - h.since < HOLE_GRACE)
            .copied()
            .collect();
        let mut expected = self.after + 1;
        for &seq in read.iter().filter(|&&s| s > self.after) {
            // Only the newest holes are kept anyway: a gap of millions (a sequence that jumps)
            // must not cost millions of steps.
            for missing in expected.max(seq - MAX_HOLES as i64)..seq {
                holes.push(Hole {
                    seq: missing,
                    since: now,
                });
            }
            expected = seq + 1;
        }
        if holes.len() > MAX_HOLES {
            holes.drain(..holes.len() - MAX_HOLES);
        }
        Cursor { after, holes }
    }

    /// The hole numbers, to ask for again.
    pub fn hole_numbers(&self) -> Vec<i64> {
        self.holes.iter().map(|h| h.seq).collect()
    }
}

/// The reason an operator gives when rejecting a workstation's change: what the citizen is
/// told. Trimmed; 3 to 500 characters.
pub fn rejection_reason(text: &str) -> Result<String, Violation> {
    let text = text.trim();
    let length = text.chars().count();
    if length == 0 {
        Err(Violation::new("required"))
    } else if length < 3 {
        Err(Violation::new("too_short").with("min", 3))
    } else if length > 500 {
        Err(Violation::new("too_long").with("max", 500))
    } else {
        Ok(text.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap() + Duration::minutes(minutes)
    }

    #[test]
    fn changes_are_taken_in_order_once() {
        assert_eq!(arrival(0, 1, false), Arrival::Next);
        assert_eq!(arrival(4, 5, false), Arrival::Next);
        assert_eq!(arrival(4, 3, true), Arrival::Duplicate);
        assert_eq!(arrival(4, 5, true), Arrival::Duplicate);
        assert_eq!(arrival(4, 7, false), Arrival::Early { expected: 5 });
        assert_eq!(arrival(4, 2, false), Arrival::Reused);
    }

    #[test]
    fn skipped_numbers_become_holes_until_read_or_old() {
        let start = Cursor::default();
        let c = start.advance(&[1, 2, 5], at(0));
        assert_eq!(c.after, 5);
        assert_eq!(c.hole_numbers(), vec![3, 4]);
        let c = c.advance(&[4, 6], at(0));
        assert_eq!(c.after, 6);
        assert_eq!(c.hole_numbers(), vec![3]);
        let c = c.advance(&[], at(2));
        assert_eq!(c.after, 6);
        assert!(c.holes.is_empty(), "an old hole is given up");
    }

    #[test]
    fn an_empty_pull_keeps_the_cursor() {
        let c = Cursor {
            after: 9,
            holes: Vec::new(),
        };
        assert_eq!(c.advance(&[], at(0)), c);
    }

    #[test]
    fn holes_are_bounded() {
        let c = Cursor::default().advance(&[5000], at(0));
        assert_eq!(c.holes.len(), MAX_HOLES);
        assert_eq!(c.holes.last().unwrap().seq, 4999);
    }

    #[test]
    fn a_huge_jump_costs_no_more_than_the_holes_kept() {
        let c = Cursor::default().advance(&[3, 4_000_000_000_000], at(0));
        assert_eq!(c.after, 4_000_000_000_000);
        assert_eq!(c.holes.len(), MAX_HOLES);
        assert_eq!(c.holes[0].seq, 4_000_000_000_000 - MAX_HOLES as i64);
    }

    #[test]
    fn blanks_come_in_blocks_and_a_workstation_holds_a_bounded_number() {
        assert_eq!(Blanks::wanted(0), Blanks::BLOCK);
        assert_eq!(Blanks::wanted(Blanks::LOW - 1), Blanks::BLOCK);
        assert_eq!(Blanks::wanted(Blanks::LOW), 0);
        assert_eq!(Blanks::to_issue(20, 0), 20);
        assert_eq!(
            Blanks::to_issue(1000, 0),
            Blanks::BLOCK,
            "never more than a block"
        );
        assert_eq!(Blanks::to_issue(20, 30), 10);
        assert_eq!(Blanks::to_issue(20, Blanks::MAX_OUTSTANDING), 0);
        assert_eq!(Blanks::to_issue(20, u64::MAX), 0);
        assert_eq!(Blanks::to_issue(0, 0), 0);
    }

    #[test]
    fn a_rejection_needs_words() {
        assert_eq!(rejection_reason("  ").unwrap_err().rule, "required");
        assert_eq!(rejection_reason("ok").unwrap_err().rule, "too_short");
        assert!(rejection_reason(&"я".repeat(501)).is_err());
        assert_eq!(
            rejection_reason("  Двойная запись ").unwrap(),
            "Двойная запись"
        );
    }
}
