//! The whole profile of DOMAIN §5, checked at once: every wrong field is named with a dotted
//! path (`passport.series`, `address.postcode`), so a form can mark each one.
//!
//! Citizens of Russia give a Russian passport and Cyrillic names; foreign citizens give a
//! foreign passport and may write their names in Latin letters. Both need a SNILS for the
//! standard level.

use chrono::NaiveDate;

use crate::address::{Address, AddressInput};
use crate::date::{parse_birth_date, parse_date};
use crate::inn::Inn;
use crate::name::{NameScript, PersonName, Sex};
use crate::passport::{Passport, PassportInput};
use crate::snils::Snils;
use crate::violation::{FieldErrors, Violation, required};

/// Russia's ISO 3166 code, the citizenship with a Russian passport.
pub const RUSSIA: &str = "RU";

/// A foreign passport as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ForeignPassportInput {
    /// Issuing country, ISO 3166 alpha-2.
    pub country: String,
    /// Its number (letters and digits).
    pub number: String,
    /// `DD.MM.YYYY`.
    pub issued_on: String,
    /// `DD.MM.YYYY`; empty if it does not expire.
    pub expires_on: String,
}

/// A well-formed foreign passport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignPassport {
    /// ISO 3166 alpha-2, upper case.
    pub country: String,
    /// Upper-case letters and digits.
    pub number: String,
    /// Issued.
    pub issued_on: NaiveDate,
    /// Expires, if it does.
    pub expires_on: Option<NaiveDate>,
}

/// The profile as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileInput {
    /// Фамилия.
    pub surname: String,
    /// Имя.
    pub first_name: String,
    /// Отчество (optional).
    pub patronymic: String,
    /// `male` / `female` (or `м` / `ж`).
    pub sex: String,
    /// `DD.MM.YYYY`.
    pub birth_date: String,
    /// Место рождения.
    pub birth_place: String,
    /// ISO 3166 alpha-2; `RU` for citizens of Russia.
    pub citizenship: String,
    /// The Russian passport (citizens of Russia).
    pub passport: PassportInput,
    /// The foreign passport (foreign citizens).
    pub foreign_passport: ForeignPassportInput,
    /// СНИЛС.
    pub snils: String,
    /// ИНН (optional).
    pub inn: String,
    /// Адрес регистрации.
    pub address: AddressInput,
}

/// The identity document of the profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentityDocument {
    /// A citizen of Russia's passport.
    Russian(Passport),
    /// A foreign citizen's passport.
    Foreign(ForeignPassport),
}

/// A complete, valid profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Фамилия.
    pub surname: PersonName,
    /// Имя.
    pub first_name: PersonName,
    /// Отчество.
    pub patronymic: Option<PersonName>,
    /// Sex.
    pub sex: Sex,
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// Place of birth.
    pub birth_place: String,
    /// ISO 3166 alpha-2.
    pub citizenship: String,
    /// The passport.
    pub document: IdentityDocument,
    /// СНИЛС.
    pub snils: Snils,
    /// ИНН.
    pub inn: Option<Inn>,
    /// Address.
    pub address: Address,
}

impl Profile {
    /// Checks every field against its rule on `today`, naming every wrong one.
    pub fn parse(input: &ProfileInput, today: NaiveDate) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let citizenship = errors.check("citizenship", country(&input.citizenship));
        let russian = citizenship.as_deref() == Some(RUSSIA);
        let script = if russian || citizenship.is_none() {
            NameScript::Cyrillic
        } else {
            NameScript::CyrillicOrLatin
        };
        let surname = errors.check("surname", PersonName::parse(&input.surname, script));
        let first_name = errors.check("first_name", PersonName::parse(&input.first_name, script));
        let patronymic = if input.patronymic.trim().is_empty() {
            Some(None)
        } else {
            errors
                .check("patronymic", PersonName::parse(&input.patronymic, script))
                .map(Some)
        };
        let sex = errors.check("sex", Sex::parse(&input.sex));
        let birth_date = errors.check("birth_date", parse_birth_date(&input.birth_date, today));
        let birth_place = errors.check("birth_place", place(&input.birth_place));
        let document = if russian {
            match Passport::parse(&input.passport) {
                Ok(passport) => {
                    if let Some(birth) = birth_date
                        && let Err(v) = passport.validity(birth, today)
                    {
                        errors.add("passport.issued_on", vec![v]);
                    }
                    Some(IdentityDocument::Russian(passport))
                }
                Err(e) => {
                    nest(&mut errors, "passport", e);
                    None
                }
            }
        } else if citizenship.is_some() {
            foreign(&input.foreign_passport, today, &mut errors).map(IdentityDocument::Foreign)
        } else {
            None
        };
        let snils = errors.check("snils", Snils::parse(&input.snils));
        let inn = if input.inn.trim().is_empty() {
            Some(None)
        } else {
            errors.check("inn", Inn::parse_person(&input.inn)).map(Some)
        };
        let address = match Address::parse(&input.address) {
            Ok(a) => Some(a),
            Err(e) => {
                nest(&mut errors, "address", e);
                None
            }
        };
        errors.into_result(|| {
            Some(Self {
                surname: surname?,
                first_name: first_name?,
                patronymic: patronymic?,
                sex: sex?,
                birth_date: birth_date?,
                birth_place: birth_place?,
                citizenship: citizenship?,
                document: document?,
                snils: snils?,
                inn: inn?,
                address: address?,
            })
        })
    }
}

fn nest(errors: &mut FieldErrors, prefix: &str, inner: FieldErrors) {
    for e in inner.0 {
        errors.add(&format!("{prefix}.{}", e.field), e.violations);
    }
}

fn country(input: &str) -> Result<String, Vec<Violation>> {
    let text = required(input)?.to_ascii_uppercase();
    if text.len() == 2 && text.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(text)
    } else {
        Err(vec![Violation::new("country_code")])
    }
}

fn place(input: &str) -> Result<String, Vec<Violation>> {
    let text = required(input)?;
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() > 200 {
        Err(vec![Violation::new("too_long").with("max", 200)])
    } else {
        Ok(collapsed)
    }
}

fn foreign(
    input: &ForeignPassportInput,
    today: NaiveDate,
    errors: &mut FieldErrors,
) -> Option<ForeignPassport> {
    let country = errors.check("foreign_passport.country", country(&input.country));
    let number = errors.check(
        "foreign_passport.number",
        required(&input.number).and_then(|n| {
            let n: String = n.chars().filter(|c| !c.is_whitespace()).collect();
            if (5..=20).contains(&n.len()) && n.chars().all(|c| c.is_ascii_alphanumeric()) {
                Ok(n.to_ascii_uppercase())
            } else {
                Err(vec![Violation::new("document_number")])
            }
        }),
    );
    let issued_on = errors.check("foreign_passport.issued_on", parse_date(&input.issued_on));
    if let Some(issued) = issued_on
        && issued > today
    {
        errors.add(
            "foreign_passport.issued_on",
            vec![Violation::new("issued_in_future")],
        );
    }
    let expires_on = if input.expires_on.trim().is_empty() {
        Some(None)
    } else {
        match parse_date(&input.expires_on) {
            Ok(d) if d < today => {
                errors.add(
                    "foreign_passport.expires_on",
                    vec![Violation::new("expired")],
                );
                None
            }
            Ok(d) => Some(Some(d)),
            Err(v) => {
                errors.add("foreign_passport.expires_on", v);
                None
            }
        }
    };
    Some(ForeignPassport {
        country: country?,
        number: number?,
        issued_on: issued_on?,
        expires_on: expires_on?,
    })
}
