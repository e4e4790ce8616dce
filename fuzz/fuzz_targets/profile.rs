//! A whole profile form: any text in every field (separated by U+001F in the input), read
//! by the same parser the service uses before anything is stored.
#![no_main]

use kabinet_core::address::AddressInput;
use kabinet_core::passport::PassportInput;
use kabinet_core::profile::{ForeignPassportInput, Profile, ProfileInput};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut fields = text.split('\u{1f}').map(str::to_owned);
    let mut next = || fields.next().unwrap_or_default();
    let input = ProfileInput {
        surname: next(),
        first_name: next(),
        patronymic: next(),
        sex: next(),
        birth_date: next(),
        birth_place: next(),
        citizenship: next(),
        passport: PassportInput {
            series: next(),
            number: next(),
            issued_on: next(),
            issuer: next(),
            department_code: next(),
        },
        foreign_passport: ForeignPassportInput {
            country: next(),
            number: next(),
            issued_on: next(),
            expires_on: next(),
        },
        snils: next(),
        inn: next(),
        address: AddressInput {
            postcode: next(),
            region: next(),
            city: next(),
            street: next(),
            house: next(),
            building: next(),
            flat: next(),
        },
    };
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let _ = Profile::parse(&input, today);
});
