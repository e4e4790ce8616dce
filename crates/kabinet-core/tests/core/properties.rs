//! Property tests: no parser panics on any input, and every canonical form parses back to
//! itself.

use crate::support::day;
use kabinet_core::address::{Address, AddressInput};
use kabinet_core::date::{format_date, parse_birth_date, parse_date};
use kabinet_core::email::Email;
use kabinet_core::inn::Inn;
use kabinet_core::name::{NameScript, PersonName};
use kabinet_core::passport::{Passport, PassportInput};
use kabinet_core::password::PasswordPolicy;
use kabinet_core::phone::Phone;
use kabinet_core::scan::ScanType;
use kabinet_core::snils::{Snils, checksum};
use proptest::prelude::*;

fn phone_writing() -> impl Strategy<Value = String> {
    ("[0-9]{9}", 0usize..5).prop_map(|(rest, style)| {
        let n = format!("9{rest}");
        match style {
            0 => format!("+7{n}"),
            1 => format!("8{n}"),
            2 => format!("+7 ({}) {}-{}-{}", &n[..3], &n[3..6], &n[6..8], &n[8..]),
            3 => format!("7 {} {} {} {}", &n[..3], &n[3..6], &n[6..8], &n[8..]),
            _ => n,
        }
    })
}

proptest! {
    #[test]
    fn parsers_never_panic(s in "\\PC{0,80}") {
        let _ = Snils::parse(&s);
        let _ = Inn::parse(&s);
        let _ = Phone::parse(&s);
        let _ = Email::parse(&s);
        let _ = PersonName::parse(&s, NameScript::CyrillicOrLatin);
        let _ = parse_date(&s);
        let _ = parse_birth_date(&s, day(2026, 11, 24));
        let _ = PasswordPolicy::default().check(&s, &[&s]);
        let _ = Passport::parse(&PassportInput { series: s.clone(), number: s.clone(), issued_on: s.clone(), issuer: s.clone(), department_code: s.clone() });
        let _ = Address::parse(&AddressInput { postcode: s.clone(), region: s.clone(), city: s.clone(), street: s.clone(), house: s.clone(), building: s.clone(), flat: s.clone() });
    }

    #[test]
    fn scans_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let _ = ScanType::sniff(&bytes);
    }

    #[test]
    fn valid_snils_round_trip(first in 1_001_999u64..=999_999_999) {
        let nine = format!("{first:09}");
        let digits: Vec<u8> = nine.bytes().map(|b| b - b'0').collect();
        let input = format!("{nine}{:02}", checksum(&digits));
        let snils = Snils::parse(&input).unwrap();
        prop_assert_eq!(Snils::parse(&snils.formatted()).unwrap(), snils.clone());
        prop_assert_eq!(snils.digits(), input);
        // Any other check number is refused.
        let wrong = format!("{nine}{:02}", (checksum(&digits) + 1) % 100);
        prop_assert!(Snils::parse(&wrong).is_err());
    }

    #[test]
    fn snils_like_inputs_round_trip_when_accepted(s in "[0-9]{3}-?[0-9]{3}-?[0-9]{3} ?[0-9]{2}") {
        if let Ok(snils) = Snils::parse(&s) {
            prop_assert_eq!(Snils::parse(&snils.formatted()).unwrap(), snils);
        }
    }

    #[test]
    fn inn_round_trips_when_accepted(s in "[0-9]{10}|[0-9]{12}") {
        if let Ok(inn) = Inn::parse(&s) {
            prop_assert_eq!(Inn::parse(inn.as_str()).unwrap(), inn);
        }
    }

    #[test]
    fn phones_round_trip_in_every_writing(s in phone_writing()) {
        if let Ok(phone) = Phone::parse(&s) {
            prop_assert!(phone.as_str().starts_with("+79") && phone.as_str().len() == 12);
            prop_assert_eq!(Phone::parse(phone.as_str()).unwrap(), phone);
        }
    }

    #[test]
    fn emails_round_trip(local in "[a-zA-Z0-9._+-]{1,20}", domain in "[a-zA-Z0-9-]{1,10}\\.[a-zA-Z]{2,6}") {
        if let Ok(email) = Email::parse(&format!("{local}@{domain}")) {
            prop_assert_eq!(Email::parse(email.as_str()).unwrap(), email);
        }
    }

    #[test]
    fn names_round_trip(s in "[А-Яа-яЁё][А-Яа-яЁё' -]{0,40}") {
        if let Ok(name) = PersonName::parse(&s, NameScript::Cyrillic) {
            prop_assert_eq!(PersonName::parse(name.as_str(), NameScript::Cyrillic).unwrap(), name);
        }
    }

    #[test]
    fn dates_round_trip(days in 0i64..80_000) {
        let date = day(1900, 1, 1) + chrono::Days::new(days as u64);
        prop_assert_eq!(parse_date(&format_date(date)).unwrap(), date);
    }
}
