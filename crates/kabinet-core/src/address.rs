//! A postal address: 6-digit postcode; region, city, street and house required; building and
//! flat optional.

use crate::violation::{FieldErrors, Violation, required};

/// The longest text accepted in one address field.
pub const MAX_ADDRESS_FIELD_CHARS: usize = 120;

/// The address fields as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressInput {
    /// 6 digits.
    pub postcode: String,
    /// Регион.
    pub region: String,
    /// Город или населённый пункт.
    pub city: String,
    /// Улица.
    pub street: String,
    /// Дом.
    pub house: String,
    /// Корпус/строение (optional).
    pub building: String,
    /// Квартира (optional).
    pub flat: String,
}

/// A well-formed postal address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// 6 digits.
    pub postcode: String,
    /// Регион.
    pub region: String,
    /// Город.
    pub city: String,
    /// Улица.
    pub street: String,
    /// Дом.
    pub house: String,
    /// Корпус/строение.
    pub building: Option<String>,
    /// Квартира.
    pub flat: Option<String>,
}

impl Address {
    /// Checks every field; field names are those of [`AddressInput`].
    pub fn parse(input: &AddressInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let postcode = errors.check("postcode", postcode(&input.postcode));
        let region = errors.check("region", text(&input.region));
        let city = errors.check("city", text(&input.city));
        let street = errors.check("street", text(&input.street));
        let house = errors.check("house", text(&input.house));
        let building = errors.check("building", optional(&input.building));
        let flat = errors.check("flat", optional(&input.flat));
        errors.into_result(|| {
            Some(Self {
                postcode: postcode?,
                region: region?,
                city: city?,
                street: street?,
                house: house?,
                building: building?,
                flat: flat?,
            })
        })
    }
}

fn postcode(input: &str) -> Result<String, Vec<Violation>> {
    let text = required(input)?;
    if text.len() == 6 && text.bytes().all(|b| b.is_ascii_digit()) {
        Ok(text.to_owned())
    } else {
        Err(vec![Violation::new("postcode_format").with("digits", 6)])
    }
}

fn text(input: &str) -> Result<String, Vec<Violation>> {
    let text = required(input)?
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if text.chars().count() > MAX_ADDRESS_FIELD_CHARS {
        return Err(vec![
            Violation::new("too_long").with("max", MAX_ADDRESS_FIELD_CHARS),
        ]);
    }
    if text.chars().any(char::is_control) {
        return Err(vec![Violation::new("invalid_characters")]);
    }
    Ok(text)
}

fn optional(input: &str) -> Result<Option<String>, Vec<Violation>> {
    if input.trim().is_empty() {
        Ok(None)
    } else {
        text(input).map(Some)
    }
}
