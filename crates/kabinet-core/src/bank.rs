//! Identity confirmation through an online bank (DOMAIN §6, method 5), by redirect: Kabinet
//! sends the citizen to the bank with a `state` (which flow this is) and a `nonce` (which the
//! bank signs into its assertion); the bank sends the citizen back with both. These are the
//! rules on what comes back; the signature and the person are checked by the service.

use chrono::{DateTime, Duration, Utc};
use subtle::ConstantTimeEq;

use crate::Violation;

/// How long the citizen has to come back from the bank.
pub const FLOW_TTL: Duration = Duration::minutes(10);

/// A bank flow as Kabinet kept it, as far as the rules care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingFlow<A> {
    /// Whose flow it is.
    pub account: A,
    /// When it stops being accepted.
    pub expires_at: DateTime<Utc>,
    /// When it was used (a state is accepted once).
    pub finished_at: Option<DateTime<Utc>>,
}

/// Whether the `state` the bank returned may be used by `caller` at `now`: it must name a
/// flow Kabinet started (`bank_state_unknown`), for this very account
/// (`bank_state_other_account`), not used yet (`bank_state_used`) and still live
/// (`bank_state_expired`). Another account's flow is refused before anything about it is
/// told.
pub fn check_state<A: PartialEq>(
    flow: Option<&PendingFlow<A>>,
    caller: &A,
    now: DateTime<Utc>,
) -> Result<(), Violation> {
    let Some(flow) = flow else {
        return Err(Violation::new("bank_state_unknown"));
    };
    if &flow.account != caller {
        return Err(Violation::new("bank_state_other_account"));
    }
    if flow.finished_at.is_some() {
        return Err(Violation::new("bank_state_used"));
    }
    if flow.expires_at <= now {
        return Err(Violation::new("bank_state_expired"));
    }
    Ok(())
}

/// The assertion must carry the nonce Kabinet gave the bank for this flow (compared in
/// constant time): an assertion made for another flow — someone else's, or an older one of
/// the same citizen — is `assertion_nonce_mismatch`.
pub fn check_nonce(expected: &str, signed: Option<&str>) -> Result<(), Violation> {
    match signed {
        Some(given)
            if !expected.is_empty() && bool::from(given.as_bytes().ct_eq(expected.as_bytes())) =>
        {
            Ok(())
        }
        _ => Err(Violation::new("assertion_nonce_mismatch")),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn t(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 9, minute, 0).unwrap()
    }

    fn flow(account: u8) -> PendingFlow<u8> {
        PendingFlow {
            account,
            expires_at: t(0) + FLOW_TTL,
            finished_at: None,
        }
    }

    fn rule(r: Result<(), Violation>) -> &'static str {
        r.err().map_or("ok", |v| v.rule)
    }

    #[test]
    fn a_live_flow_of_the_caller_is_accepted() {
        assert_eq!(rule(check_state(Some(&flow(1)), &1, t(9))), "ok");
    }

    #[test]
    fn unknown_foreign_used_and_expired_states_are_refused() {
        assert_eq!(rule(check_state(None, &1, t(1))), "bank_state_unknown");
        assert_eq!(
            rule(check_state(Some(&flow(2)), &1, t(1))),
            "bank_state_other_account"
        );
        let used = PendingFlow {
            finished_at: Some(t(2)),
            ..flow(1)
        };
        assert_eq!(rule(check_state(Some(&used), &1, t(3))), "bank_state_used");
        assert_eq!(
            rule(check_state(Some(&flow(1)), &1, t(10))),
            "bank_state_expired"
        );
        // Another account's flow says nothing of its use or age.
        let old_foreign = PendingFlow {
            finished_at: Some(t(2)),
            ..flow(2)
        };
        assert_eq!(
            rule(check_state(Some(&old_foreign), &1, t(30))),
            "bank_state_other_account"
        );
    }

    #[test]
    fn the_nonce_must_be_the_flows() {
        assert_eq!(rule(check_nonce("n-1", Some("n-1"))), "ok");
        assert_eq!(
            rule(check_nonce("n-1", Some("n-2"))),
            "assertion_nonce_mismatch"
        );
        assert_eq!(rule(check_nonce("n-1", None)), "assertion_nonce_mismatch");
        assert_eq!(rule(check_nonce("", Some(""))), "assertion_nonce_mismatch");
    }
}
