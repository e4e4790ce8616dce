//! Turning everything that can go wrong inside into the boundary's [`ApiError`]: domain
//! refusals and rule violations become their codes; database and other internal failures are
//! logged with their detail and cross the boundary only as `internal`.

use kabinet_api::{ApiError, ErrorCode, FieldError, RuleViolation};
use kabinet_core::account::DomainError;
use kabinet_core::codes::{CodeRejection, SendRefusal};
use kabinet_core::{FieldErrors, Violation};
use kabinet_store::StoreError;

/// The result of a use case.
pub type Outcome<T> = Result<T, ApiError>;

/// Logs an internal failure and hides it behind `internal`.
pub fn internal(error: &dyn std::fmt::Display) -> ApiError {
    tracing::error!(%error, "internal failure");
    ApiError::new(ErrorCode::Internal)
}

/// A failed store operation: a concurrent change of the account and a login held by another
/// account have codes of their own; everything else is internal.
pub fn store(error: StoreError) -> ApiError {
    match error {
        StoreError::Conflict => ApiError::new(ErrorCode::Conflict),
        // The transaction is over; the whole request may be sent again.
        StoreError::Retry => ApiError::new(ErrorCode::Unavailable),
        StoreError::LoginTaken { kind } => ApiError::new(ErrorCode::ContactInUse)
            .with_message(format!("{} ({kind})", ErrorCode::ContactInUse.message())),
        other => internal(&other),
    }
}

/// A refusal of the account state machine.
pub fn domain(error: DomainError) -> ApiError {
    match error {
        DomainError::Locked { until } => ApiError::new(ErrorCode::AccountLocked).retry_at(until),
        DomainError::Blocked => ApiError::new(ErrorCode::AccountBlocked),
        DomainError::ConsentRequired => ApiError::field("consent", "consent_required"),
        DomainError::AccountExists => ApiError::new(ErrorCode::ContactInUse),
        DomainError::AccountMissing | DomainError::Deleted => ApiError::new(ErrorCode::NotFound),
        other => ApiError::new(ErrorCode::NotAllowed).with_message(format!(
            "{} ({})",
            ErrorCode::NotAllowed.message(),
            other.code()
        )),
    }
}

/// A rejected code.
pub fn code(rejection: CodeRejection) -> ApiError {
    match rejection {
        CodeRejection::Expired => ApiError::new(ErrorCode::CodeExpired),
        CodeRejection::Spent => ApiError::new(ErrorCode::CodeSpent),
        CodeRejection::TooManyAttempts => ApiError::new(ErrorCode::CodeAttemptsExhausted),
        CodeRejection::Wrong { remaining } => {
            ApiError::new(ErrorCode::CodeWrong).remaining(remaining)
        }
    }
}

/// A refused send.
pub fn send(refusal: SendRefusal) -> ApiError {
    match refusal {
        SendRefusal::Cooldown { retry_at } => {
            ApiError::new(ErrorCode::ResendTooSoon).retry_at(retry_at)
        }
        SendRefusal::DailyCap { retry_at } => {
            ApiError::new(ErrorCode::SendLimitReached).retry_at(retry_at)
        }
    }
}

/// One rule violation across the boundary.
pub fn rule(violation: &Violation) -> RuleViolation {
    RuleViolation {
        rule: violation.rule.to_owned(),
        params: violation
            .params
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
    }
}

/// Every wrong field of a form.
pub fn fields(errors: FieldErrors) -> ApiError {
    ApiError::fields(
        errors
            .0
            .into_iter()
            .map(|e| FieldError {
                field: e.field,
                rules: e.violations.iter().map(rule).collect(),
            })
            .collect(),
    )
}
