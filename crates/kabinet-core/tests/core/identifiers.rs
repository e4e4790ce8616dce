//! Known valid and invalid SNILS, INN, phones and e-mails.

use crate::support::rules;
use kabinet_core::email::Email;
use kabinet_core::inn::{Inn, InnKind};
use kabinet_core::phone::Phone;
use kabinet_core::snils::{Snils, checksum};

#[test]
fn valid_snils_in_any_writing() {
    for (input, canonical) in [
        ("112-233-445 95", "112-233-445 95"),
        ("11223344595", "112-233-445 95"),
        (" 112 233 445 95 ", "112-233-445 95"),
        ("123-456-789 64", "123-456-789 64"),
        ("087-654-303 00", "087-654-303 00"), // sum 202: 202 mod 101 = 0
        ("001-326-679 00", "001-326-679 00"), // sum 100 → 00
        ("001-508-816 00", "001-508-816 00"), // sum 101 → 00
        ("017-996-174 00", "017-996-174 00"), // sum 201: mod 101 = 100 → 00
        ("189-798-879 00", "189-798-879 00"), // sum 302: mod 101 = 100 → 00
        ("999-999-999 01", "999-999-999 01"),
        ("001-001-998 77", "001-001-998 77"), // up to 001-001-998: not checked
        ("000-000-555 12", "000-000-555 12"),
    ] {
        let snils = Snils::parse(input).unwrap_or_else(|e| panic!("{input}: {e:?}"));
        assert_eq!(snils.formatted(), canonical, "{input}");
    }
}

#[test]
fn invalid_snils_name_the_rule() {
    assert_eq!(rules(Snils::parse("112-233-445 96")), ["checksum"]);
    assert_eq!(rules(Snils::parse("001-001-999 00")), ["checksum"]); // the first checked number
    assert!(Snils::parse("001-001-999 65").is_ok());
    assert_eq!(rules(Snils::parse("112-233-445 9")), ["length"]);
    assert_eq!(rules(Snils::parse("112-233-445 955")), ["length"]);
    assert_eq!(
        rules(Snils::parse("112-233-44a 95")),
        ["invalid_characters"]
    );
    assert_eq!(rules(Snils::parse("")), ["required"]);
    assert_eq!(rules(Snils::parse("000-000-000 00")), ["invalid_number"]);
}

#[test]
fn snils_checksum_follows_the_rule_at_its_edges() {
    let d = |s: &str| s.bytes().map(|b| b - b'0').collect::<Vec<u8>>();
    assert_eq!(checksum(&d("112233445")), 95); // below 100: the sum
    assert_eq!(checksum(&d("001326679")), 0); // 100
    assert_eq!(checksum(&d("001508816")), 0); // 101
    assert_eq!(checksum(&d("123456789")), 64); // 165 mod 101
    assert_eq!(checksum(&d("017996174")), 0); // 201 mod 101 = 100
}

#[test]
fn inn_of_persons_and_organisations() {
    for person in ["770708389324", "500123456750", "123456789047"] {
        let inn = Inn::parse(person).unwrap();
        assert_eq!((inn.as_str(), inn.kind()), (person, InnKind::Person));
        assert!(Inn::parse_person(person).is_ok());
    }
    for org in ["7707083893", "5001007329"] {
        assert_eq!(Inn::parse(org).unwrap().kind(), InnKind::Organisation);
        assert_eq!(rules(Inn::parse_person(org)), ["length"]);
    }
    assert_eq!(rules(Inn::parse("770708389325")), ["checksum"]); // second check digit off
    assert_eq!(rules(Inn::parse("770708389314")), ["checksum"]); // first check digit off
    assert_eq!(rules(Inn::parse("7707083894")), ["checksum"]);
    assert_eq!(rules(Inn::parse("77070838")), ["inn_length"]);
    assert_eq!(rules(Inn::parse("77070838932x")), ["invalid_characters"]);
}

#[test]
fn phones_in_every_common_writing_become_e164() {
    for input in [
        "+7 (912) 345-67-89",
        "+79123456789",
        "89123456789",
        "8 912 345 67 89",
        "7 912 345-67-89",
        "79123456789",
        "9123456789",
        "8(912)345.67.89",
        "+7\u{a0}912\u{a0}345\u{a0}67\u{a0}89",
    ] {
        let phone = Phone::parse(input).unwrap_or_else(|e| panic!("{input}: {e:?}"));
        assert_eq!(phone.as_str(), "+79123456789", "{input}");
    }
    let phone = Phone::parse("+79123456789").unwrap();
    assert_eq!(phone.national(), "9123456789");
    assert_eq!(phone.masked(), "+7 (912) ***-**-89");
}

#[test]
fn phones_that_are_not_russian_mobiles_are_refused() {
    assert_eq!(rules(Phone::parse("+7 (495) 123-45-67")), ["not_mobile"]); // Moscow landline
    assert_eq!(rules(Phone::parse("+1 202 555 0100")), ["not_russian"]);
    assert_eq!(rules(Phone::parse("+380 50 123 4567")), ["not_russian"]);
    assert_eq!(rules(Phone::parse("8912345678")), ["not_mobile"]);
    assert_eq!(rules(Phone::parse("912345678")), ["phone_format"]);
    assert_eq!(rules(Phone::parse("+7912345678901")), ["phone_format"]);
    assert_eq!(
        rules(Phone::parse("+7 912 ABC 67 89")),
        ["invalid_characters"]
    );
    assert_eq!(rules(Phone::parse("7+9123456789")), ["phone_format"]);
    assert_eq!(rules(Phone::parse("  ")), ["required"]);
}

#[test]
fn emails_keep_the_local_part_and_lower_case_the_domain() {
    let email = Email::parse("  Ivan.Petrov+kabinet@Mail.RU ").unwrap();
    assert_eq!(email.as_str(), "Ivan.Petrov+kabinet@mail.ru");
    assert_eq!(email.login_key(), "ivan.petrov+kabinet@mail.ru");
    assert_eq!(email.masked(), "Iv***@mail.ru");
    for bad in [
        "ivan",
        "ivan@",
        "@mail.ru",
        "ivan@mail",
        "ivan@@mail.ru",
        "ivan@[127.0.0.1]",
        "ivan@mail..ru",
        "iv an@mail.ru",
    ] {
        assert_eq!(rules(Email::parse(bad)), ["email_format"], "{bad}");
    }
    let long = format!("{}@mail.ru", "a".repeat(250));
    assert_eq!(rules(Email::parse(&long)), ["too_long"]);
}
