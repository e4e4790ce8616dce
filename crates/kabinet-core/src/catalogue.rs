//! The service catalogue (DOMAIN §8): each service names the level it needs, so the account
//! home can say what the current level opens and what the next one would add.

use crate::account::{Account, Level};

/// One service of the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Service {
    /// Stable code (the UI's translation key).
    pub code: &'static str,
    /// The Russian title.
    pub title: &'static str,
    /// The level it needs.
    pub level: Level,
    /// Needs a confirmation other than by mailed code (the tax-office account, DOMAIN §2).
    pub needs_unrestricted: bool,
}

const fn service(code: &'static str, title: &'static str, level: Level) -> Service {
    Service {
        code,
        title,
        level,
        needs_unrestricted: false,
    }
}

/// The catalogue, by level.
pub const CATALOGUE: &[Service] = &[
    service(
        "reference_information",
        "Справочная информация",
        Level::Simplified,
    ),
    service("traffic_fines", "Оплата штрафов ГИБДД", Level::Simplified),
    service(
        "court_debts",
        "Задолженности по судебным решениям",
        Level::Simplified,
    ),
    service("doctor_appointment", "Запись к врачу", Level::Standard),
    service(
        "pension_statement",
        "Выписка из пенсионного счёта",
        Level::Standard,
    ),
    service(
        "vehicle_registration",
        "Регистрация транспортного средства",
        Level::Standard,
    ),
    service("foreign_passport", "Заграничный паспорт", Level::Confirmed),
    service(
        "residence_registration",
        "Регистрация по месту жительства",
        Level::Confirmed,
    ),
    service(
        "kindergarten_queue",
        "Очередь в детский сад",
        Level::Confirmed,
    ),
    Service {
        code: "tax_account",
        title: "Личный кабинет налогоплательщика",
        level: Level::Confirmed,
        needs_unrestricted: true,
    },
];

/// Whether `account` may use `service`.
pub fn opens(account: &Account, service: &Service) -> bool {
    account.level >= service.level && (!service.needs_unrestricted || account.opens_tax_account())
}

/// The level after `level`, if any.
pub fn next_level(level: Level) -> Option<Level> {
    match level {
        Level::Simplified => Some(Level::Standard),
        Level::Standard => Some(Level::Confirmed),
        Level::Confirmed => None,
    }
}
