//! The per-client request limit: a token bucket per client address in this process's memory
//! (`governor`), so admitting a request costs no database round trip. Each replica limits on
//! its own — behind a load balancer a client gets at most replicas × the limit — while the
//! counters that guard accounts (lockouts, failures per address) stay in the database, shared.

use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Addresses kept before idle buckets are swept (a full bucket is the same as none).
const SWEEP_ABOVE: usize = 100_000;

/// The limiter of one process: `per_minute` requests per address, in bursts of as many.
pub struct Admission {
    limiter: DefaultKeyedRateLimiter<String>,
}

impl Admission {
    /// A limiter of `per_minute` requests per address (`None`: no limit).
    pub fn new(per_minute: u32) -> Option<Self> {
        let quota = Quota::per_minute(NonZeroU32::new(per_minute)?);
        Some(Self {
            limiter: RateLimiter::keyed(quota),
        })
    }

    /// `Err(wait)` when the address is over its limit: how long until it may send again.
    pub fn admit(&self, address: &str) -> Result<(), std::time::Duration> {
        if self.limiter.len() > SWEEP_ABOVE {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&address.to_owned())
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}
