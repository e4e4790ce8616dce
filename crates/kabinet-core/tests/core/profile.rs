//! Names, dates, passports, addresses and scans.

use crate::support::{day, rules};
use kabinet_core::address::{Address, AddressInput};
use kabinet_core::date::{parse_birth_date, parse_date};
use kabinet_core::name::{NameScript, PersonName, Sex};
use kabinet_core::passport::{Passport, PassportInput};
use kabinet_core::scan::{MAX_SCAN_BYTES, ScanType};

#[test]
fn names_as_in_the_passport() {
    let ok = |s: &str, script| PersonName::parse(s, script).unwrap().as_str().to_owned();
    assert_eq!(ok("  Иванова ", NameScript::Cyrillic), "Иванова");
    assert_eq!(
        ok("Римский-Корсаков", NameScript::Cyrillic),
        "Римский-Корсаков"
    );
    assert_eq!(ok("Д’Артаньян", NameScript::Cyrillic), "Д'Артаньян");
    assert_eq!(ok("Анна  Мария", NameScript::Cyrillic), "Анна Мария");
    assert_eq!(ok("Ёлкина", NameScript::Cyrillic), "Ёлкина");
    assert_eq!(ok("O'Connor", NameScript::CyrillicOrLatin), "O'Connor");
    assert_eq!(
        rules(PersonName::parse("Smith", NameScript::Cyrillic)),
        ["latin_not_allowed"]
    );
    assert_eq!(
        rules(PersonName::parse("Ivanов", NameScript::CyrillicOrLatin)),
        ["mixed_alphabets"]
    );
    assert_eq!(
        rules(PersonName::parse("Иван0в", NameScript::Cyrillic)),
        ["invalid_characters"]
    );
    assert_eq!(
        rules(PersonName::parse("-Иван", NameScript::Cyrillic)),
        ["misplaced_separator"]
    );
    assert_eq!(
        rules(PersonName::parse("Иван--Петров", NameScript::Cyrillic)),
        ["misplaced_separator"]
    );
    assert_eq!(
        rules(PersonName::parse("", NameScript::Cyrillic)),
        ["required"]
    );
    assert_eq!(
        rules(PersonName::parse(&"а".repeat(61), NameScript::Cyrillic)),
        ["too_long"]
    );
    // Every broken rule at once.
    assert_eq!(
        rules(PersonName::parse("J0hn-", NameScript::Cyrillic)),
        [
            "invalid_characters",
            "latin_not_allowed",
            "misplaced_separator"
        ]
    );
}

#[test]
fn sex_accepts_codes_and_russian_words() {
    assert_eq!(Sex::parse("female").unwrap(), Sex::Female);
    assert_eq!(Sex::parse("М").unwrap(), Sex::Male);
    assert_eq!(rules(Sex::parse("x")), ["invalid_choice"]);
}

#[test]
fn dates_are_dd_mm_yyyy_and_real() {
    assert_eq!(parse_date("29.02.2024").unwrap(), day(2024, 2, 29));
    assert_eq!(rules(parse_date("29.02.2023")), ["no_such_date"]);
    assert_eq!(rules(parse_date("31.04.2020")), ["no_such_date"]);
    for bad in [
        "2020-01-01",
        "1.1.2020",
        "01/01/2020",
        "01.01.20",
        "aa.bb.cccc",
        "01.01.2020.",
    ] {
        assert_eq!(rules(parse_date(bad)), ["date_format"], "{bad}");
    }
    let today = day(2026, 11, 24);
    assert_eq!(parse_birth_date("24.11.2026", today).unwrap(), today);
    assert_eq!(rules(parse_birth_date("25.11.2026", today)), ["in_future"]);
    assert_eq!(rules(parse_birth_date("31.12.1899", today)), ["too_early"]);
}

fn passport(issued: &str) -> Passport {
    Passport::parse(&PassportInput {
        series: "45 10".into(),
        number: "123456".into(),
        issued_on: issued.into(),
        issuer: "ГУ МВД  России по г. Москве".into(),
        department_code: "770001".into(),
    })
    .unwrap()
}

#[test]
fn passport_fields_are_each_named_when_wrong() {
    let p = passport("15.06.2010");
    assert_eq!((p.series.as_str(), p.number.as_str()), ("4510", "123456"));
    assert_eq!(p.department_code, "770-001");
    assert_eq!(p.issuer, "ГУ МВД России по г. Москве");
    let errors = Passport::parse(&PassportInput {
        series: "451".into(),
        number: "12345a".into(),
        issued_on: "2010-06-15".into(),
        issuer: " ".into(),
        department_code: "77-0001".into(),
    })
    .unwrap_err();
    let fields: Vec<_> = errors
        .0
        .iter()
        .map(|e| (e.field.as_str(), e.violations[0].rule))
        .collect();
    assert_eq!(
        fields,
        [
            ("series", "length"),
            ("number", "digits_only"),
            ("issued_on", "date_format"),
            ("issuer", "required"),
            ("department_code", "department_code_format")
        ]
    );
}

#[test]
fn passport_validity_follows_the_14_20_45_rule() {
    let birth = day(1990, 5, 10);
    let today = day(2026, 11, 24);
    // Issued at 14, not replaced: expired 90 days after the 20th birthday.
    let at14 = passport("10.05.2004");
    assert_eq!(at14.expires_on(birth), Some(day(2010, 8, 8)));
    assert!(at14.validity(birth, day(2010, 8, 8)).is_ok());
    let expired = at14.validity(birth, day(2010, 8, 9)).unwrap_err();
    assert_eq!(
        (expired.rule, expired.param("expired_on")),
        ("expired", Some("08.08.2010"))
    );
    // Issued the day before turning 14: never valid, and the message names the 14th birthday.
    let early = passport("09.05.2004")
        .validity(birth, day(2005, 1, 1))
        .unwrap_err();
    assert_eq!(
        (early.rule, early.param("earliest")),
        ("issued_before_14", Some("10.05.2004"))
    );
    // Issued at 20: valid until 90 days after the 45th birthday.
    let at20 = passport("20.05.2010");
    assert!(at20.validity(birth, today).is_ok());
    assert_eq!(at20.expires_on(birth), Some(day(2035, 8, 8)));
    // Issued on the 45th birthday: does not expire.
    assert_eq!(passport("10.05.2035").expires_on(birth), None);
    // Issued in the future.
    assert_eq!(
        passport("01.01.2027")
            .validity(birth, today)
            .unwrap_err()
            .rule,
        "issued_in_future"
    );
    // Born on 29 February: the 14th birthday in a common year is 28 February.
    let leap = day(2008, 2, 29);
    assert!(
        passport("28.02.2022")
            .validity(leap, day(2022, 3, 1))
            .is_ok()
    );
    assert_eq!(
        passport("27.02.2022")
            .validity(leap, day(2022, 3, 1))
            .unwrap_err()
            .rule,
        "issued_before_14"
    );
}

#[test]
fn addresses_require_the_main_fields() {
    let input = AddressInput {
        postcode: "101000".into(),
        region: "г. Москва".into(),
        city: "Москва".into(),
        street: "ул. Мясницкая".into(),
        house: "1".into(),
        building: "".into(),
        flat: " 12 ".into(),
    };
    let address = Address::parse(&input).unwrap();
    assert_eq!(
        (address.building, address.flat.as_deref()),
        (None, Some("12"))
    );
    let errors = Address::parse(&AddressInput {
        postcode: "10100".into(),
        street: "".into(),
        ..input
    })
    .unwrap_err();
    assert_eq!(errors.of("postcode")[0].rule, "postcode_format");
    assert_eq!(errors.of("street")[0].rule, "required");
    assert!(errors.of("city").is_empty());
}

const JPEG: &[u8] = include_bytes!("../fixtures/scan.jpg");
const PNG: &[u8] = include_bytes!("../fixtures/scan.png");
const PDF: &[u8] = include_bytes!("../fixtures/scan.pdf");

#[test]
fn scans_are_recognised_by_content_not_name() {
    assert_eq!(ScanType::sniff(JPEG).unwrap(), ScanType::Jpeg);
    assert_eq!(ScanType::sniff(PNG).unwrap(), ScanType::Png);
    assert_eq!(ScanType::sniff(PDF).unwrap().mime(), "application/pdf");
    assert_eq!(rules(ScanType::sniff(b"GIF89a....")), ["file_type"]);
    assert_eq!(
        rules(ScanType::sniff(b"MZ\x90\x00 an exe named scan.jpg")),
        ["file_type"]
    );
    assert_eq!(rules(ScanType::sniff(b"")), ["empty_file"]);
    let mut big = vec![0u8; MAX_SCAN_BYTES + 1];
    big[..3].copy_from_slice(&[0xFF, 0xD8, 0xFF]);
    assert_eq!(rules(ScanType::sniff(&big)), ["file_too_large"]);
    big[0] = 0;
    assert_eq!(
        rules(ScanType::sniff(&big)),
        ["file_type", "file_too_large"]
    );
}

#[test]
fn a_known_signature_in_front_of_anything_else_is_a_damaged_file() {
    // Each of these starts like a JPEG, PNG or PDF and passed when only the first bytes were
    // read.
    for forged in [
        &b"\xFF\xD8\xFF\xE0 then a script"[..],
        &b"\x89PNG\r\n\x1a\n0000"[..],
        &b"%PDF-1.7\n<script>alert(1)</script>"[..],
        &JPEG[..JPEG.len() / 2],
        &PNG[..PNG.len() - 10],
        &PDF[..PDF.len() - 40],
    ] {
        assert_eq!(
            rules(ScanType::sniff(forged)),
            ["file_damaged"],
            "{forged:?}"
        );
    }
    // A PNG whose pixels are damaged (a checksum no longer matches).
    let mut flipped = PNG.to_vec();
    let at = flipped.len() / 2;
    flipped[at] ^= 0xFF;
    assert_eq!(rules(ScanType::sniff(&flipped)), ["file_damaged"]);
}

mod whole_profile {
    use crate::support::day;
    use kabinet_core::address::AddressInput;
    use kabinet_core::passport::PassportInput;
    use kabinet_core::profile::{ForeignPassportInput, IdentityDocument, Profile, ProfileInput};

    pub fn russian() -> ProfileInput {
        ProfileInput {
            surname: "Иванова".into(),
            first_name: "Анна".into(),
            patronymic: "Сергеевна".into(),
            sex: "ж".into(),
            birth_date: "15.03.1990".into(),
            birth_place: "г. Москва".into(),
            citizenship: "ru".into(),
            passport: PassportInput {
                series: "4510".into(),
                number: "123456".into(),
                issued_on: "20.03.2010".into(),
                issuer: "ОВД района Хамовники г. Москвы".into(),
                department_code: "772001".into(),
            },
            foreign_passport: ForeignPassportInput::default(),
            snils: "112-233-445 95".into(),
            inn: String::new(),
            address: AddressInput {
                postcode: "119021".into(),
                region: "Москва".into(),
                city: "Москва".into(),
                street: "Льва Толстого".into(),
                house: "16".into(),
                building: String::new(),
                flat: "5".into(),
            },
        }
    }

    fn fields(input: &ProfileInput) -> Vec<String> {
        Profile::parse(input, day(2026, 11, 25))
            .expect_err("expected errors")
            .0
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn a_complete_profile_parses() {
        let profile = Profile::parse(&russian(), day(2026, 11, 25)).unwrap();
        assert_eq!(profile.citizenship, "RU");
        assert!(
            matches!(profile.document, IdentityDocument::Russian(ref p) if p.department_code == "772-001")
        );
        assert_eq!(profile.snils.digits(), "11223344595");
        assert!(profile.inn.is_none());
    }

    #[test]
    fn every_wrong_field_is_named_with_its_path() {
        let mut input = russian();
        input.surname = "Ivanova".into();
        input.birth_date = "31.02.1990".into();
        input.passport.series = "45".into();
        input.passport.department_code = "77-2001".into();
        input.snils = "112-233-445 96".into();
        input.address.postcode = "1190".into();
        input.sex = "x".into();
        let named = fields(&input);
        for field in [
            "surname",
            "birth_date",
            "passport.series",
            "passport.department_code",
            "snils",
            "address.postcode",
            "sex",
        ] {
            assert!(named.contains(&field.to_owned()), "{field} in {named:?}");
        }
    }

    #[test]
    fn an_expired_passport_is_refused_on_its_issue_date() {
        let mut input = russian();
        // Issued at 14, the holder turned 20 in 2010: expired 90 days later.
        input.passport.issued_on = "20.03.2004".into();
        assert_eq!(fields(&input), ["passport.issued_on"]);
    }

    #[test]
    fn foreign_citizens_give_a_foreign_passport_and_may_write_in_latin() {
        let mut input = russian();
        input.citizenship = "DE".into();
        input.surname = "Müller".into();
        input.first_name = "Anna".into();
        input.patronymic = String::new();
        input.passport = PassportInput::default();
        input.foreign_passport = ForeignPassportInput {
            country: "de".into(),
            number: "C01X00T47".into(),
            issued_on: "01.02.2020".into(),
            expires_on: "31.01.2030".into(),
        };
        let profile = Profile::parse(&input, day(2026, 11, 25));
        let named: Vec<String> = profile
            .as_ref()
            .err()
            .map(|e| e.0.iter().map(|f| f.field.clone()).collect())
            .unwrap_or_default();
        assert!(named.is_empty() || named == ["surname"], "{named:?}");
        input.surname = "Mueller".into();
        let profile = Profile::parse(&input, day(2026, 11, 25)).unwrap();
        assert!(matches!(profile.document, IdentityDocument::Foreign(ref p) if p.country == "DE"));
        // SNILS is required for them too, and an expired passport is refused.
        input.snils = String::new();
        input.foreign_passport.expires_on = "01.01.2025".into();
        let named = fields(&input);
        assert!(named.contains(&"snils".to_owned()));
        assert!(named.contains(&"foreign_passport.expires_on".to_owned()));
    }
}
