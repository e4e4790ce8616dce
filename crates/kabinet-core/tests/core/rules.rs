//! The sign-in, lockout, secret-question and letter rules, as functions of state and time.

use chrono::{DateTime, Duration, TimeZone, Utc};
use kabinet_core::account::{Account, Actor, Command, Consent, ContactKind, Status, apply, decide};
use kabinet_core::letter::{PreviousLetter, may_order, next_order_at};
use kabinet_core::lockout::{ClientPolicy, Lock, LockoutPolicy};
use kabinet_core::recovery::{answers_remaining, length_violations, normalise_answer};
use kabinet_core::sign_in::{Eligibility, Protection, SecondFactor, eligibility, second_factors};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap()
}

#[test]
fn the_delay_is_free_then_doubles_to_an_hour_then_only_recovery_unlocks() {
    let policy = LockoutPolicy::default();
    let delays: Vec<_> = (1..=10)
        .map(|n| policy.delay_after(n).unwrap().num_minutes())
        .collect();
    assert_eq!(delays, [0, 0, 0, 1, 2, 4, 8, 16, 32, 60]);
    assert_eq!(policy.delay_after(99).unwrap(), Duration::hours(1));
    assert_eq!(policy.delay_after(100), None);
    assert_eq!(policy.lock_after(3, now()), Lock::Open);
    assert_eq!(
        policy.lock_after(4, now()),
        Lock::Until(now() + Duration::minutes(1))
    );
    assert_eq!(policy.lock_after(100, now()), Lock::UntilRecovery);
    assert_eq!(policy.quiet_since(now()), now() - Duration::hours(12));
}

#[test]
fn a_lock_holds_until_its_end_and_the_hard_limit_for_good() {
    let policy = LockoutPolicy::default();
    let later = now() + Duration::minutes(5);
    assert_eq!(policy.lock_at(5, Some(later), now()), Lock::Until(later));
    assert_eq!(policy.lock_at(5, Some(now()), now()), Lock::Open);
    assert_eq!(policy.lock_at(5, None, now()), Lock::Open);
    assert_eq!(policy.lock_at(100, None, now()), Lock::UntilRecovery);
}

#[test]
fn a_client_is_refused_past_the_cap_until_its_window_ends() {
    let policy = ClientPolicy::default();
    let started = now() - Duration::minutes(5);
    assert_eq!(policy.refused_until(29, started, now()), None);
    assert_eq!(
        policy.refused_until(30, started, now()),
        Some(started + Duration::minutes(15))
    );
    let old = now() - Duration::minutes(15);
    assert_eq!(policy.refused_until(500, old, now()), None);
    assert_eq!(policy.stale_before(now()), old);
}

fn account(status_after: &[Command]) -> Account {
    let consent = Consent {
        given: true,
        document_version: "2026-01".into(),
    };
    let mut state: Option<Account> = None;
    let start = Command::StartRegistration {
        contact: ContactKind::Phone,
        consent,
    };
    for command in std::iter::once(&start).chain(status_after) {
        let actor = match command {
            Command::Block { .. } | Command::Delete { .. } => {
                Actor::Administrator { id: "a".into() }
            }
            _ => Actor::Citizen,
        };
        for event in decide(state.as_ref(), command, &actor, now()).unwrap() {
            state = Some(apply(state, &event));
        }
    }
    state.unwrap()
}

#[test]
fn only_a_finished_account_with_the_right_password_goes_on() {
    let pending = account(&[]);
    assert_eq!(pending.status, Status::Pending);
    assert_eq!(eligibility(Some(&pending), true), Eligibility::Failed);
    assert_eq!(eligibility(None, true), Eligibility::Failed);
    let mut active = pending.clone();
    active.status = Status::Active;
    assert_eq!(eligibility(Some(&active), true), Eligibility::Proceed);
    assert_eq!(eligibility(Some(&active), false), Eligibility::Failed);
    let mut locked = active.clone();
    locked.status = Status::Locked { until: now() };
    assert_eq!(eligibility(Some(&locked), true), Eligibility::Proceed);
    let mut blocked = active.clone();
    blocked.status = Status::Blocked {
        reason: "court".into(),
    };
    assert_eq!(eligibility(Some(&blocked), true), Eligibility::Blocked);
    assert_eq!(eligibility(Some(&blocked), false), Eligibility::Failed);
    let mut deleted = active;
    deleted.status = Status::Deleted;
    assert_eq!(eligibility(Some(&deleted), true), Eligibility::Gone);
}

#[test]
fn a_new_device_proves_itself_by_sms_or_else_by_mail() {
    let p = |totp, sms_always, has_phone, new_device| Protection {
        totp,
        sms_always,
        has_phone,
        has_email: !has_phone,
        new_device,
        issued_in_person: false,
    };
    assert!(second_factors(p(false, false, true, false)).is_empty());
    assert_eq!(
        second_factors(p(false, false, true, true)),
        [SecondFactor::Sms]
    );
    assert_eq!(
        second_factors(p(false, false, false, true)),
        [SecondFactor::Email]
    );
    assert_eq!(
        second_factors(p(true, true, true, true)),
        [SecondFactor::Totp, SecondFactor::Sms]
    );
    assert_eq!(
        second_factors(p(true, false, false, true)),
        [SecondFactor::Totp, SecondFactor::Email]
    );
    // SMS at every sign-in needs a phone to go to.
    assert!(second_factors(p(false, true, false, false)).is_empty());
    // A password printed at a centre after a passport check stands for the new device's code;
    // the factors the citizen set up still apply.
    let printed = |totp, has_phone| Protection {
        issued_in_person: true,
        ..p(totp, false, has_phone, true)
    };
    assert!(second_factors(printed(false, true)).is_empty());
    assert_eq!(second_factors(printed(true, true)), [SecondFactor::Totp]);
    // Nowhere to send a code: no phone and no e-mail.
    let nowhere = Protection {
        has_email: false,
        ..p(false, false, false, true)
    };
    assert!(second_factors(nowhere).is_empty());
}

#[test]
fn secret_answers_compare_loosely_and_run_out() {
    assert_eq!(normalise_answer("  Москва   Столица "), "москва столица");
    assert_eq!(length_violations("ab", (3, 100))[0].rule, "too_short");
    assert_eq!(length_violations("", (3, 100))[0].rule, "required");
    assert!(length_violations("abc", (3, 100)).is_empty());
    assert_eq!(answers_remaining(1, 3), Some(2));
    assert_eq!(answers_remaining(3, 3), None);
    assert_eq!(answers_remaining(7, 3), None);
}

#[test]
fn a_letter_is_reordered_after_thirty_days_or_at_once_when_lost() {
    let ordered = now() - Duration::days(10);
    let kept = PreviousLetter {
        ordered_at: ordered,
        lost_at: None,
    };
    assert_eq!(next_order_at(kept), ordered + Duration::days(30));
    assert_eq!(
        may_order(Some(kept), now()),
        Err(ordered + Duration::days(30))
    );
    assert_eq!(may_order(Some(kept), ordered + Duration::days(30)), Ok(()));
    let lost = PreviousLetter {
        ordered_at: ordered,
        lost_at: Some(now() - Duration::days(1)),
    };
    assert_eq!(may_order(Some(lost), now()), Ok(()));
    assert_eq!(may_order(None, now()), Ok(()));
}

#[test]
fn a_name_typed_with_combining_marks_is_the_composed_name() {
    use kabinet_core::name::{NameScript, PersonName};
    let decomposed = PersonName::parse("Андре\u{0438}\u{0306}", NameScript::Cyrillic)
        .expect("И + combining breve is Й");
    let composed = PersonName::parse("АндреЙ", NameScript::Cyrillic).unwrap();
    assert_eq!(
        decomposed.as_str().to_lowercase(),
        composed.as_str().to_lowercase()
    );
    assert_eq!(decomposed.as_str(), "Андрей");
}

#[test]
fn one_mailbox_in_unicode_or_punycode_is_one_login() {
    use kabinet_core::email::Email;
    let unicode = Email::parse("Anna@Пример.РФ").unwrap();
    let puny = Email::parse("anna@xn--e1afmkfd.xn--p1ai").unwrap();
    assert_eq!(unicode.login_key(), puny.login_key());
    assert_eq!(puny.login_key(), "anna@пример.рф");
    assert_eq!(
        Email::parse("ivan@mail.ru").unwrap().login_key(),
        "ivan@mail.ru"
    );
}
