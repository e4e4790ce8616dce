//! How the core's events and actors are kept in the log (`kind` + JSON `payload`, JSON `actor`)
//! and read back, and the replay of an account from its log. Decoding is strict: an event the
//! code does not know, or a field it lacks, is [`StoreError::Corrupt`], never a default.

use kabinet_core::account::{
    Account, Actor, Check, ConfirmationMethod, ContactKind, Event, Level, LevelReason, Recorded,
    SecurityAction, apply,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::accounts::contact_str;
use crate::db::{Conn, StoreError, StoreResult};
use crate::event_log::{self, StoredEvent};

/// An event's payload as stored (the request's context is added by the caller).
pub fn encode(event: &Event) -> Value {
    match event {
        Event::RegistrationStarted {
            contact,
            consent_version,
        } => json!({"contact": contact_str(*contact), "consent_version": consent_version}),
        Event::RegisteredInPerson { centre } => json!({"centre": centre}),
        Event::PasswordSet { temporary } => json!({"temporary": temporary}),
        Event::CheckQueued { check }
        | Event::CheckStarted { check }
        | Event::CheckPassed { check } => json!({"check": check.as_str()}),
        Event::CheckMismatch { check, fields } => {
            json!({"check": check.as_str(), "fields": fields})
        }
        Event::CheckUnavailable { check, retry_at } => {
            json!({"check": check.as_str(), "retry_at": retry_at})
        }
        Event::VerifiedDataEdited { snils_changed } => json!({"snils_changed": snils_changed}),
        Event::IdentityConfirmed { method } => match method {
            ConfirmationMethod::InPerson { centre, documents } => {
                json!({"method": method.as_str(), "centre": centre, "documents": documents})
            }
            ConfirmationMethod::OnlineBank { bank } => {
                json!({"method": method.as_str(), "bank": bank})
            }
            _ => json!({"method": method.as_str()}),
        },
        Event::LevelChanged { from, to, reason } => {
            json!({"from": from.as_str(), "to": to.as_str(), "reason": reason.as_str()})
        }
        Event::Locked { until } => json!({"until": until}),
        Event::Blocked { reason } | Event::Unblocked { reason } | Event::Deleted { reason } => {
            json!({"reason": reason})
        }
        Event::Security { action } => json!({"action": action.as_str()}),
        Event::ContactConfirmed
        | Event::Activated
        | Event::ProfileSubmitted
        | Event::ConfirmationWithdrawn
        | Event::SignedIn
        | Event::SignInFailed
        | Event::Unlocked => json!({}),
    }
}

/// An actor as stored.
pub fn encode_actor(actor: &Actor) -> Value {
    match actor {
        Actor::Citizen => json!({"kind": "citizen"}),
        Actor::Operator {
            operator,
            centre,
            centre_name,
            workstation,
        } => json!({
            "kind": "operator",
            "operator": operator,
            "centre": centre,
            "centre_name": centre_name,
            "workstation": workstation,
        }),
        Actor::Administrator { id } => json!({"kind": "administrator", "id": id}),
        Actor::System => json!({"kind": "system"}),
    }
}

/// The event a stored `kind` and `payload` hold.
pub fn decode(kind: &str, payload: &Value) -> StoreResult<Event> {
    let p = Payload { kind, payload };
    Ok(match kind {
        "registration_started" => Event::RegistrationStarted {
            contact: match p.text("contact")?.as_str() {
                "phone" => ContactKind::Phone,
                "email" => ContactKind::Email,
                other => return Err(p.wrong("contact", other)),
            },
            consent_version: p.text("consent_version")?,
        },
        "registered_in_person" => Event::RegisteredInPerson {
            centre: p.text("centre")?,
        },
        "contact_confirmed" => Event::ContactConfirmed,
        "password_set" => Event::PasswordSet {
            temporary: p.value("temporary")?,
        },
        "activated" => Event::Activated,
        "profile_submitted" => Event::ProfileSubmitted,
        "check_queued" => Event::CheckQueued { check: p.check()? },
        "check_started" => Event::CheckStarted { check: p.check()? },
        "check_passed" => Event::CheckPassed { check: p.check()? },
        "check_mismatch" => Event::CheckMismatch {
            check: p.check()?,
            fields: p.value("fields")?,
        },
        "check_unavailable" => Event::CheckUnavailable {
            check: p.check()?,
            retry_at: p.value("retry_at")?,
        },
        "verified_data_edited" => Event::VerifiedDataEdited {
            snils_changed: p.value("snils_changed")?,
        },
        "identity_confirmed" => Event::IdentityConfirmed {
            method: p.method()?,
        },
        "confirmation_withdrawn" => Event::ConfirmationWithdrawn,
        "level_changed" => Event::LevelChanged {
            from: p.named("from", &LEVELS, |l| l.as_str())?,
            to: p.named("to", &LEVELS, |l| l.as_str())?,
            reason: p.named("reason", &REASONS, |r| r.as_str())?,
        },
        "signed_in" => Event::SignedIn,
        "sign_in_failed" => Event::SignInFailed,
        "locked" => Event::Locked {
            until: p.value("until")?,
        },
        "unlocked" => Event::Unlocked,
        "blocked" => Event::Blocked {
            reason: p.text("reason")?,
        },
        "unblocked" => Event::Unblocked {
            reason: p.text("reason")?,
        },
        "deleted" => Event::Deleted {
            reason: p.text("reason")?,
        },
        "security_action" => Event::Security {
            action: p.named("action", &ACTIONS, |a| a.as_str())?,
        },
        other => return Err(StoreError::Corrupt(format!("an event of kind {other:?}"))),
    })
}

/// The actor a stored actor names.
pub fn decode_actor(actor: &Value) -> StoreResult<Actor> {
    let p = Payload {
        kind: "actor",
        payload: actor,
    };
    Ok(match p.text("kind")?.as_str() {
        "citizen" => Actor::Citizen,
        "operator" => Actor::Operator {
            operator: p.text("operator")?,
            centre: p.text("centre")?,
            // Recorded before workstations existed: no name or workstation was kept.
            centre_name: p.text_or_empty("centre_name")?,
            workstation: p.text_or_empty("workstation")?,
        },
        "administrator" => Actor::Administrator { id: p.text("id")? },
        "system" => Actor::System,
        other => return Err(p.wrong("kind", other)),
    })
}

/// A stored event as the core knows it.
pub fn recorded(event: &StoredEvent) -> StoreResult<Recorded> {
    Ok(Recorded {
        event: decode(&event.kind, &event.payload)?,
        actor: decode_actor(&event.actor)?,
        at: event.recorded_at,
    })
}

/// The account its log describes: every event decoded and folded by the core's `apply`
/// (`None` for an account with no events).
pub async fn replay(conn: &impl Conn, account_id: Uuid) -> StoreResult<Option<Account>> {
    let mut account = None;
    for event in event_log::read(conn, account_id).await? {
        account = Some(apply(account, &recorded(&event)?.event));
    }
    Ok(account)
}

const LEVELS: [Level; 3] = [Level::Simplified, Level::Standard, Level::Confirmed];
const REASONS: [LevelReason; 4] = [
    LevelReason::RegistryChecksPassed,
    LevelReason::IdentityConfirmed,
    LevelReason::ReverifiedWithConfirmation,
    LevelReason::VerifiedDataEdited,
];
const ACTIONS: [SecurityAction; 16] = [
    SecurityAction::SmsSecondFactorOn,
    SecurityAction::SmsSecondFactorOff,
    SecurityAction::TotpOn,
    SecurityAction::TotpOff,
    SecurityAction::SecretQuestionSet,
    SecurityAction::SecretQuestionRemoved,
    SecurityAction::SessionsEnded,
    SecurityAction::RecoveryStarted,
    SecurityAction::NewDeviceConfirmed,
    SecurityAction::NotMeReported,
    SecurityAction::PhoneChanged,
    SecurityAction::EmailChanged,
    SecurityAction::ActivationCodeIssued,
    SecurityAction::InnAdded,
    SecurityAction::SecondFactorsReset,
    SecurityAction::SignatureRefused,
];

/// A payload being read, for errors that say which event and field.
struct Payload<'a> {
    kind: &'a str,
    payload: &'a Value,
}

impl Payload<'_> {
    fn wrong(&self, field: &str, value: &str) -> StoreError {
        StoreError::Corrupt(format!("{} event: {field} = {value:?}", self.kind))
    }

    fn value<T: serde::de::DeserializeOwned>(&self, field: &str) -> StoreResult<T> {
        let value = self
            .payload
            .get(field)
            .ok_or_else(|| self.wrong(field, "missing"))?;
        serde_json::from_value(value.clone()).map_err(|_| self.wrong(field, &value.to_string()))
    }

    fn text(&self, field: &str) -> StoreResult<String> {
        self.value(field)
    }

    /// A text field that older rows lack (read as empty), but never one of another type.
    fn text_or_empty(&self, field: &str) -> StoreResult<String> {
        match self.payload.get(field) {
            None => Ok(String::new()),
            Some(_) => self.text(field),
        }
    }

    fn named<T: Copy>(
        &self,
        field: &str,
        all: &[T],
        name: fn(T) -> &'static str,
    ) -> StoreResult<T> {
        let text = self.text(field)?;
        all.iter()
            .copied()
            .find(|v| name(*v) == text)
            .ok_or_else(|| self.wrong(field, &text))
    }

    fn check(&self) -> StoreResult<Check> {
        self.named("check", &Check::ALL, Check::as_str)
    }

    fn method(&self) -> StoreResult<ConfirmationMethod> {
        Ok(match self.text("method")?.as_str() {
            "in_person" => ConfirmationMethod::InPerson {
                centre: self.text("centre")?,
                documents: self.value("documents")?,
            },
            "registered_letter" => ConfirmationMethod::RegisteredLetter,
            "activation_code" => ConfirmationMethod::ActivationCode,
            "qualified_signature" => ConfirmationMethod::QualifiedSignature,
            "online_bank" => ConfirmationMethod::OnlineBank {
                bank: self.text("bank")?,
            },
            "video" => ConfirmationMethod::Video,
            other => return Err(self.wrong("method", other)),
        })
    }
}
