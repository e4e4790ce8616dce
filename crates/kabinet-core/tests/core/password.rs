//! The password policy and the strength meter.

use kabinet_core::password::{PasswordPolicy, common_password_count, meter_score, strength};

fn broken(policy: &PasswordPolicy, password: &str, logins: &[&str]) -> Vec<&'static str> {
    policy
        .check(password, logins)
        .err()
        .unwrap_or_default()
        .iter()
        .map(|v| v.rule)
        .collect()
}

#[test]
fn the_portal_policy_accepts_a_good_password() {
    assert!(
        PasswordPolicy::default()
            .check("Kabinet-2026!", &["+79123456789"])
            .is_ok()
    );
}

#[test]
fn each_rule_is_reported_by_name() {
    let p = PasswordPolicy::default();
    assert_eq!(broken(&p, "Ab1!xyz", &[]), ["password_too_short"]);
    assert_eq!(broken(&p, "kabinet-2026!", &[]), ["password_needs_upper"]);
    assert_eq!(broken(&p, "KABINET-2026!", &[]), ["password_needs_lower"]);
    assert_eq!(broken(&p, "Kabinet-twenty!", &[]), ["password_needs_digit"]);
    assert_eq!(
        broken(&p, "Kabinet2026x", &[]),
        ["password_needs_punctuation"]
    );
    assert_eq!(
        broken(&p, "Kabinett-2026!", &[]),
        ["password_repeated_characters"]
    );
    assert_eq!(
        broken(&p, "Kabinet-2026*", &[]),
        ["password_forbidden_characters"]
    );
    assert_eq!(
        broken(&p, "Кабинет-2026!Ab", &[]),
        ["password_invalid_characters"]
    );
    assert_eq!(
        broken(&p, "Kabinet 2026!", &[]),
        ["password_invalid_characters"]
    );
    // Only forbidden punctuation does not count as punctuation.
    assert_eq!(
        broken(&p, "Kabinet2026#", &[]),
        [
            "password_needs_punctuation",
            "password_forbidden_characters"
        ]
    );
    let too_long = format!("Ab1!{}", "xy".repeat(70));
    assert_eq!(broken(&p, &too_long, &[]), ["password_too_long"]);
}

#[test]
fn every_unmet_rule_is_returned_at_once() {
    assert_eq!(
        broken(&PasswordPolicy::default(), "aa#", &[]),
        [
            "password_too_short",
            "password_needs_upper",
            "password_needs_digit",
            "password_needs_punctuation",
            "password_repeated_characters",
            "password_forbidden_characters"
        ]
    );
}

#[test]
fn common_passwords_are_refused_whatever_their_case() {
    assert!(
        common_password_count() >= 10_000,
        "{}",
        common_password_count()
    );
    let p = PasswordPolicy::nist();
    assert_eq!(broken(&p, "1QAZ2WSX3EDC4RFV", &[]), ["password_common"]);
    assert!(broken(&PasswordPolicy::default(), "PASSWORD", &[]).contains(&"password_common"));
}

#[test]
fn common_passwords_in_their_usual_disguises_are_refused_too() {
    let p = PasswordPolicy::default();
    // A listed word with digits and marks added, or letters written as look-alikes: each meets
    // every composition rule, and each is still a common password.
    for disguised in [
        "Password1!",
        "Qwerty123!",
        "2024-Qwerty",
        "P@ssw0rd9",
        "Dragon-77",
        "!Monkey42",
    ] {
        assert!(
            broken(&p, disguised, &[]).contains(&"password_common"),
            "{disguised} passed"
        );
    }
    // Words that merely contain a short common one are not judged by it.
    assert!(p.check("Kabinet-2026!", &[]).is_ok());
    assert!(p.check("Zelenyj-Sad7!", &[]).is_ok());
}

#[test]
fn the_login_may_not_be_or_be_inside_the_password() {
    let p = PasswordPolicy::default();
    let phone = ["+79123456789"];
    assert_eq!(
        broken(&p, "Xy-9123456789", &phone),
        ["password_contains_login"]
    );
    assert_eq!(
        broken(&p, "Ab-8(912)345-67-89", &phone),
        ["password_contains_login"]
    );
    // (A surname with a year is a common password too.)
    assert!(broken(&p, "Petrov-2026!", &["petrov@mail.ru"]).contains(&"password_contains_login"));
    // A SNILS typed without its dashes (its doubled digits also break the repeat rule).
    assert!(broken(&p, "Ab!11223344595", &["112-233-445 95"]).contains(&"password_contains_login"));
    assert!(
        p.check("Kabinet-2026!", &["petrov@mail.ru", "+79123456789"])
            .is_ok()
    );
    // The phone's digits scattered among letters are not the phone.
    assert!(p.check("A9b1c2D3e4f5g6h7i8j9!", &phone).is_ok());
}

#[test]
fn the_nist_policy_is_long_without_composition_rules() {
    let p = PasswordPolicy::nist();
    assert!(p.check("correct horse battery staple", &[]).is_ok());
    assert_eq!(broken(&p, "Zq7-wV!x", &[]), ["password_too_short"]);
}

#[test]
fn the_strength_meter_grows_with_guessability() {
    let weak = strength("Password1!", &[]);
    let strong = strength("Tr0ub4dor&3-Kabinet-Vesna", &[]);
    assert!(weak.score < strong.score, "{weak:?} {strong:?}");
    assert_eq!(strength("", &[]).score, 0);
    assert!(strength("Ivanova-1990!", &["Ivanova"]).score <= strength("Gxq-7vTp!mLw", &[]).score);
}

#[test]
fn the_error_and_the_checklist_name_the_same_forbidden_characters() {
    let policy = PasswordPolicy::default();
    let listed = policy
        .rules()
        .into_iter()
        .find(|v| v.rule == "password_forbidden_characters")
        .expect("the rule is listed");
    let broken = policy.check("Zelenyj#Sad7", &[]).unwrap_err();
    let found = broken
        .iter()
        .find(|v| v.rule == "password_forbidden_characters")
        .expect("the rule is broken");
    assert_eq!(found.params, listed.params);
}

#[test]
fn the_meter_never_reads_strong_while_a_rule_fails() {
    let policy = PasswordPolicy::default();
    // Long and hard to guess, but with `#`, which the portal's policy forbids.
    let password = "Tr0ub4dor#Kabinet-Vesna";
    let measured = strength(password, &[]);
    assert!(measured.score >= 3, "{measured:?}");
    assert!(policy.check(password, &[]).is_err());
    assert!(meter_score(measured, false) <= 1);
    assert_eq!(meter_score(measured, true), measured.score);
}

#[test]
fn the_checklist_names_every_rule_check_can_break() {
    let policy = PasswordPolicy::default();
    let listed: Vec<&str> = policy.rules().iter().map(|v| v.rule).collect();
    for password in ["", "aa*#", "password", "Ab1!Ab1!", "ЖжЖж1!", "+79123456789"] {
        for rule in broken(&policy, password, &["+79123456789"]) {
            if rule != "password_too_long" {
                assert!(listed.contains(&rule), "{rule} is not in the checklist");
            }
        }
    }
    let nist: Vec<&str> = PasswordPolicy::nist()
        .rules()
        .iter()
        .map(|v| v.rule)
        .collect();
    assert!(!nist.contains(&"password_needs_upper"));
    assert_eq!(
        PasswordPolicy::nist().rules()[0].param("min"),
        Some("15"),
        "the minimum length is a parameter"
    );
}
