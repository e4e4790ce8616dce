//! Brute-force defence as rules: the progressive delay after failed sign-ins (per account, or
//! per login for logins nobody has, so both behave alike) and the cap on failures per client
//! address. The counters live in the database; what a count means is decided here.

use chrono::{DateTime, Duration, Utc};

/// The progressive delay: a few free failures, then a lock that doubles up to a ceiling; a
/// quiet spell starts the count again; past the hard limit only a recovery unlocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    /// Failures before the first lock.
    pub free_failures: u32,
    /// The first lock.
    pub first_delay: Duration,
    /// The longest lock.
    pub max_delay: Duration,
    /// A quiet spell this long after the last failure starts the count again.
    pub reset_after: Duration,
    /// Consecutive failures after which only a recovery unlocks.
    pub hard_limit: u32,
}

impl Default for LockoutPolicy {
    /// 3 free failures, then 1 min doubling to at most 1 h; the count restarts 12 h after the
    /// last failure; at 100 consecutive failures only a recovery unlocks.
    fn default() -> Self {
        Self {
            free_failures: 3,
            first_delay: Duration::minutes(1),
            max_delay: Duration::hours(1),
            reset_after: Duration::hours(12),
            hard_limit: 100,
        }
    }
}

/// What a counter's state means for the next attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    /// The attempt may go ahead.
    Open,
    /// Locked until then.
    Until(DateTime<Utc>),
    /// Locked until a recovery.
    UntilRecovery,
}

impl LockoutPolicy {
    /// The delay after `failures` consecutive failures (`None`: only a recovery unlocks).
    pub fn delay_after(&self, failures: u32) -> Option<Duration> {
        if failures >= self.hard_limit {
            return None;
        }
        if failures <= self.free_failures {
            return Some(Duration::zero());
        }
        let doublings = (failures - self.free_failures - 1).min(20);
        let delay = self.first_delay * 2i32.pow(doublings);
        Some(delay.min(self.max_delay))
    }

    /// The lock a new failure starts, the `failures`-th in a row, at `now`.
    pub fn lock_after(&self, failures: u32, now: DateTime<Utc>) -> Lock {
        match self.delay_after(failures) {
            None => Lock::UntilRecovery,
            Some(delay) if delay > Duration::zero() => Lock::Until(now + delay),
            Some(_) => Lock::Open,
        }
    }

    /// Whether an attempt may go ahead at `now`, given the counter's failures and lock end.
    pub fn lock_at(
        &self,
        failures: u32,
        locked_until: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Lock {
        if failures >= self.hard_limit {
            return Lock::UntilRecovery;
        }
        match locked_until {
            Some(until) if until > now => Lock::Until(until),
            _ => Lock::Open,
        }
    }

    /// A count whose last failure was at or before this time starts again.
    pub fn quiet_since(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - self.reset_after
    }
}

/// The cap on failures (sign-in, codes, re-authentication) per client address and window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientPolicy {
    /// The window.
    pub window: Duration,
    /// Failures allowed in one window.
    pub max_failures: u32,
}

impl Default for ClientPolicy {
    /// 30 failures per 15 minutes.
    fn default() -> Self {
        Self {
            window: Duration::minutes(15),
            max_failures: 30,
        }
    }
}

impl ClientPolicy {
    /// When a client whose window started at `window_started` with `failures` may try again,
    /// or `None` when it may now.
    pub fn refused_until(
        &self,
        failures: u32,
        window_started: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let window_end = window_started + self.window;
        (window_end > now && failures >= self.max_failures).then_some(window_end)
    }

    /// A window that started at or before this time is over; the next failure starts a new one.
    pub fn stale_before(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - self.window
    }
}
