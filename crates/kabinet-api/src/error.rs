//! The one error shape that crosses every boundary: a code from a closed set the UI branches
//! on, a message, and for bad input the fields with the rules they broke.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Every way an operation can fail, as the UI sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Some fields are wrong; `fields` names each with its rules.
    InvalidInput,
    /// The phone or e-mail already belongs to an account: sign in or recover instead.
    ContactInUse,
    /// The code is wrong; `remaining` attempts are left.
    CodeWrong,
    /// The code's time ran out; ask for a new one.
    CodeExpired,
    /// The code was used or replaced by a newer one.
    CodeSpent,
    /// Every attempt on this code was used; ask for a new one.
    CodeAttemptsExhausted,
    /// A new code may be sent at `retry_at`.
    ResendTooSoon,
    /// Today's sends are used up; the next is possible at `retry_at`.
    SendLimitReached,
    /// The ticket of this flow is unknown, finished or expired: start again.
    FlowExpired,
    /// The flow is not at the step this operation belongs to.
    WrongStep,
    /// The login or the password is wrong (never says which).
    CredentialsInvalid,
    /// Too many failures: try again at `retry_at` (absent: only recovery unlocks it).
    AccountLocked,
    /// Too many requests from this client: try again at `retry_at`.
    TooManyRequests,
    /// Blocked by staff.
    AccountBlocked,
    /// No valid session: sign in.
    Unauthenticated,
    /// The current password given to confirm a sensitive change is wrong.
    PasswordWrong,
    /// The thing named does not exist (or is not the caller's).
    NotFound,
    /// The account changed at the same moment; repeat the request.
    Conflict,
    /// A refusal of the account's rules (`message` names the rule).
    NotAllowed,
    /// The caller is signed in but may not do this: a staff member without the scope, at
    /// another centre's workstation, or a citizen calling a staff operation. Audited.
    Forbidden,
    /// A staff operation from an installation that is not an enrolled workstation (or one
    /// whose enrolment was revoked).
    WorkstationRequired,
    /// Saving would send verified data back to verification: ask the citizen, then repeat with
    /// the confirmation.
    ReverificationNeeded,
    /// An external party (SMS gateway, mail) failed; try again later.
    Unavailable,
    /// This installation does not offer it (e.g. the dev inbox without simulators).
    NotAvailable,
    /// The request is larger than this installation accepts.
    TooLarge,
    /// An operation called with another HTTP method than `POST`.
    MethodNotAllowed,
    /// A browser request without the page's anti-forgery token: reload the page.
    CsrfFailed,
    /// Desktop: the downloaded update failed its signature check and was not installed.
    UpdateRefused,
    /// Desktop: the verified update could not be installed (e.g. the citizen cancelled the
    /// system's permission prompt); the running version stays.
    UpdateFailed,
    /// Something failed inside Kabinet; it is logged.
    Internal,
}

impl ErrorCode {
    /// The stable code as a string.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidInput => "invalid_input",
            Self::ContactInUse => "contact_in_use",
            Self::CodeWrong => "code_wrong",
            Self::CodeExpired => "code_expired",
            Self::CodeSpent => "code_spent",
            Self::CodeAttemptsExhausted => "code_attempts_exhausted",
            Self::ResendTooSoon => "resend_too_soon",
            Self::SendLimitReached => "send_limit_reached",
            Self::FlowExpired => "flow_expired",
            Self::WrongStep => "wrong_step",
            Self::CredentialsInvalid => "credentials_invalid",
            Self::AccountLocked => "account_locked",
            Self::TooManyRequests => "too_many_requests",
            Self::AccountBlocked => "account_blocked",
            Self::Unauthenticated => "unauthenticated",
            Self::PasswordWrong => "password_wrong",
            Self::NotFound => "not_found",
            Self::Conflict => "conflict",
            Self::NotAllowed => "not_allowed",
            Self::Forbidden => "forbidden",
            Self::WorkstationRequired => "workstation_required",
            Self::ReverificationNeeded => "reverification_needed",
            Self::Unavailable => "unavailable",
            Self::NotAvailable => "not_available",
            Self::TooLarge => "too_large",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::CsrfFailed => "csrf_failed",
            Self::UpdateRefused => "update_refused",
            Self::UpdateFailed => "update_failed",
            Self::Internal => "internal",
        }
    }

    /// The default message, in Russian (the portal's language); the UI says it in its own.
    pub fn message(self) -> &'static str {
        match self {
            Self::InvalidInput => "Проверьте поля, отмеченные красным",
            Self::ContactInUse => {
                "Этот номер или адрес уже зарегистрирован. Войдите или восстановите пароль"
            }
            Self::CodeWrong => "Неверный код",
            Self::CodeExpired => "Срок действия кода истёк. Запросите новый код",
            Self::CodeSpent => "Этот код уже использован. Запросите новый код",
            Self::CodeAttemptsExhausted => "Попытки ввода кода исчерпаны. Запросите новый код",
            Self::ResendTooSoon => "Новый код можно будет запросить немного позже",
            Self::SendLimitReached => "Превышено число отправок кода за сутки",
            Self::FlowExpired => "Время на этот шаг истекло. Начните заново",
            Self::WrongStep => "Сначала завершите предыдущий шаг",
            Self::CredentialsInvalid => "Неверный логин или пароль",
            Self::AccountLocked => "Вход временно заблокирован из-за неудачных попыток",
            Self::TooManyRequests => "Слишком много попыток. Повторите позже",
            Self::AccountBlocked => "Учётная запись заблокирована. Обратитесь в центр обслуживания",
            Self::Unauthenticated => "Войдите в личный кабинет",
            Self::PasswordWrong => "Неверный текущий пароль",
            Self::NotFound => "Не найдено",
            Self::Conflict => "Данные изменились одновременно с вашим запросом. Повторите его",
            Self::NotAllowed => "Это действие сейчас недоступно",
            Self::Forbidden => "Недостаточно прав для этого действия",
            Self::WorkstationRequired => {
                "Это действие доступно только на зарегистрированном рабочем месте центра обслуживания"
            }
            Self::ReverificationNeeded => {
                "Данные уже проверены. После изменения учётная запись снова пройдёт проверку"
            }
            Self::Unavailable => "Сервис временно недоступен. Повторите позже",
            Self::NotAvailable => "Недоступно в этой установке",
            Self::TooLarge => "Слишком большой запрос",
            Self::MethodNotAllowed => "Операции вызываются методом POST",
            Self::CsrfFailed => "Страница устарела. Обновите её и повторите",
            Self::UpdateRefused => {
                "Обновление не прошло проверку подписи и не установлено. Работайте в текущей версии"
            }
            Self::UpdateFailed => "Обновление не установлено. Текущая версия продолжает работать",
            Self::Internal => "Что-то пошло не так. Мы уже разбираемся",
        }
    }
}

/// One rule a field broke, with the message parameters (e.g. `max = 60`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct RuleViolation {
    /// The rule's code, e.g. `too_short`.
    pub rule: String,
    /// Named parameters of the message.
    pub params: BTreeMap<String, String>,
}

/// The rules one field broke.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct FieldError {
    /// The field, as the request names it (`password`, `contact`, `passport.series`).
    pub field: String,
    /// Every rule it broke.
    pub rules: Vec<RuleViolation>,
}

/// The error of every operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ApiError {
    /// What went wrong, from a closed set.
    pub code: ErrorCode,
    /// A sentence for people (Russian by default); the UI uses `code` instead where it can.
    pub message: String,
    /// For `invalid_input`: every wrong field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
    /// When to try again (locks, cooldowns, caps).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub retry_at: Option<DateTime<Utc>>,
    /// Attempts left (wrong codes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub remaining: Option<u32>,
}

impl ApiError {
    /// An error with the code's default message.
    pub fn new(code: ErrorCode) -> Self {
        Self {
            code,
            message: code.message().to_owned(),
            fields: Vec::new(),
            retry_at: None,
            remaining: None,
        }
    }

    /// `invalid_input` naming the fields.
    pub fn fields(fields: Vec<FieldError>) -> Self {
        Self {
            fields,
            ..Self::new(ErrorCode::InvalidInput)
        }
    }

    /// `invalid_input` for one field breaking one rule.
    pub fn field(field: &str, rule: &str) -> Self {
        Self::fields(vec![FieldError {
            field: field.to_owned(),
            rules: vec![RuleViolation {
                rule: rule.to_owned(),
                params: BTreeMap::new(),
            }],
        }])
    }

    /// Adds when to try again.
    pub fn retry_at(mut self, at: DateTime<Utc>) -> Self {
        self.retry_at = Some(at);
        self
    }

    /// Adds the attempts left.
    pub fn remaining(mut self, remaining: u32) -> Self {
        self.remaining = Some(remaining);
        self
    }

    /// Replaces the message.
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for ApiError {}
