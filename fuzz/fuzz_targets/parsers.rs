//! Every parser of kabinet-core on arbitrary text: none may panic, and whatever one accepts must
//! parse back to itself from its canonical form.
#![no_main]

use chrono::NaiveDate;
use kabinet_core::address::{Address, AddressInput};
use kabinet_core::date::{format_date, parse_birth_date, parse_date};
use kabinet_core::email::Email;
use kabinet_core::inn::Inn;
use kabinet_core::centre::Span;
use kabinet_core::name::{NameScript, PersonName, Sex};
use kabinet_core::passport::{Passport, PassportInput};
use kabinet_core::password::PasswordPolicy;
use kabinet_core::phone::Phone;
use kabinet_core::scan::ScanType;
use kabinet_core::snils::Snils;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = ScanType::sniff(data);
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(v) = Snils::parse(s) {
        assert_eq!(Snils::parse(&v.formatted()).ok(), Some(v));
    }
    if let Ok(v) = Inn::parse(s) {
        assert_eq!(Inn::parse(v.as_str()).ok(), Some(v));
    }
    if let Ok(v) = Phone::parse(s) {
        assert_eq!(Phone::parse(v.as_str()).ok(), Some(v));
    }
    if let Ok(v) = Email::parse(s) {
        assert_eq!(Email::parse(v.as_str()).ok(), Some(v));
    }
    if let Ok(v) = PersonName::parse(s, NameScript::CyrillicOrLatin) {
        assert_eq!(PersonName::parse(v.as_str(), NameScript::CyrillicOrLatin).ok(), Some(v));
    }
    if let Ok(d) = parse_date(s) {
        assert_eq!(parse_date(&format_date(d)).ok(), Some(d));
    }
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default();
    let _ = parse_birth_date(s, today);
    let _ = PasswordPolicy::default().check(s, &[s]);
    let _ = PasswordPolicy::nist().check(s, &[]);
    let _ = Inn::parse_person(s);
    let _ = Sex::parse(s);
    let (opens, closes) = s.split_once('-').unwrap_or((s, ""));
    let _ = Span::parse(opens, closes);
    let mut parts = s.splitn(7, '|').map(str::to_owned);
    let mut next = || parts.next().unwrap_or_default();
    let _ = Passport::parse(&PassportInput { series: next(), number: next(), issued_on: next(), issuer: next(), department_code: next() });
    let _ = Address::parse(&AddressInput { postcode: next(), region: next(), city: next(), street: next(), house: next(), building: next(), flat: next() });
});
