//! Accounts through the state machine: load the projection row, let `decide` judge the
//! command, append the events and write the new row in the caller's transaction.

use chrono::{DateTime, Utc};
use kabinet_api::Context;
use kabinet_core::account::{
    Account, Actor, Check, CheckStatus, Command, ConfirmationMethod, ContactKind, Event, Level,
    Status, apply, decide,
};
use kabinet_store::entity::account;
use kabinet_store::event_log::NewEvent;
use kabinet_store::write::{self, AccountWrite};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::error::{self, Outcome};

/// An account as read: its row and the state the machine works on.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The projection row.
    pub row: account::Model,
    /// The state machine's view.
    pub state: Account,
}

/// Reads one account.
pub async fn load<C: ConnectionTrait>(conn: &C, id: Uuid) -> Outcome<Option<Loaded>> {
    let row = write::find_account(conn, id).await.map_err(error::db)?;
    Ok(row.map(|row| Loaded {
        state: state_of(&row),
        row,
    }))
}

/// What a command changes besides the account row.
#[derive(Debug, Default)]
pub struct Extras {
    /// Logins to claim: (kind, value).
    pub claim: Vec<(String, String)>,
    /// Logins to release.
    pub release: Vec<(String, String)>,
}

/// Who does it, from where, when.
pub struct By<'a> {
    /// Who.
    pub actor: &'a Actor,
    /// The request's context (device, address).
    pub context: &'a Context,
    /// When.
    pub at: DateTime<Utc>,
    /// This installation.
    pub origin: &'a str,
}

/// Decides `command` on an existing account and commits its events with the new row.
pub async fn execute<C: ConnectionTrait>(
    conn: &C,
    loaded: &Loaded,
    command: &Command,
    by: &By<'_>,
    extras: Extras,
) -> Outcome<Loaded> {
    let events = decide(Some(&loaded.state), command, by.actor, by.at).map_err(error::domain)?;
    commit(conn, Some(loaded), loaded.row.clone(), &events, by, extras).await
}

/// Creates an account: `row` carries the names and consent time; `command` starts it.
pub async fn create<C: ConnectionTrait>(
    conn: &C,
    row: account::Model,
    command: &Command,
    by: &By<'_>,
    extras: Extras,
) -> Outcome<Loaded> {
    let events = decide(None, command, by.actor, by.at).map_err(error::domain)?;
    commit(conn, None, row, &events, by, extras).await
}

async fn commit<C: ConnectionTrait>(
    conn: &C,
    before: Option<&Loaded>,
    base_row: account::Model,
    events: &[Event],
    by: &By<'_>,
    extras: Extras,
) -> Outcome<Loaded> {
    let state = events
        .iter()
        .fold(before.map(|l| l.state.clone()), |s, e| Some(apply(s, e)));
    let state = state.ok_or_else(|| error::internal(&"a command produced no events"))?;
    let row = row_of(base_row, &state, by.at);
    let expected_seq = before.map_or(0, |l| l.row.last_seq);
    let new_events = events.iter().map(|e| new_event(e, by)).collect();
    let seq = write::write_account_in(
        conn,
        AccountWrite {
            expected_seq,
            events: new_events,
            row: row.clone(),
            claim_logins: extras.claim,
            release_logins: extras.release,
        },
    )
    .await
    .map_err(error::write)?;
    Ok(Loaded {
        row: account::Model {
            last_seq: seq,
            ..row
        },
        state,
    })
}

/// The event as stored: its data plus the device and address it came from.
fn new_event(event: &Event, by: &By<'_>) -> NewEvent {
    let mut payload = payload_of(event);
    payload["context"] = json!({
        "device": by.context.device_name,
        "address": by.context.address,
    });
    NewEvent {
        kind: event.kind().to_owned(),
        payload,
        actor: actor_json(by.actor),
        origin: by.origin.to_owned(),
        at: by.at,
    }
}

/// An actor as stored.
pub fn actor_json(actor: &Actor) -> Value {
    match actor {
        Actor::Citizen => json!({"kind": "citizen"}),
        Actor::Operator { operator, centre } => {
            json!({"kind": "operator", "operator": operator, "centre": centre})
        }
        Actor::Administrator { id } => json!({"kind": "administrator", "id": id}),
        Actor::System => json!({"kind": "system"}),
    }
}

fn payload_of(event: &Event) -> Value {
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

/// `phone` or `email`.
pub fn contact_str(kind: ContactKind) -> &'static str {
    match kind {
        ContactKind::Phone => "phone",
        ContactKind::Email => "email",
    }
}

fn check_str(status: &CheckStatus) -> &'static str {
    match status {
        CheckStatus::NotStarted => "not_started",
        CheckStatus::Queued => "queued",
        CheckStatus::Checking => "checking",
        CheckStatus::Passed => "passed",
        CheckStatus::Mismatch { .. } => "mismatch",
        CheckStatus::Unavailable { .. } => "unavailable",
    }
}

fn check_of(text: &str, detail: Option<&Value>) -> CheckStatus {
    match text {
        "queued" => CheckStatus::Queued,
        "checking" => CheckStatus::Checking,
        "passed" => CheckStatus::Passed,
        "mismatch" => CheckStatus::Mismatch {
            fields: detail
                .and_then(|d| serde_json::from_value(d["fields"].clone()).ok())
                .unwrap_or_default(),
        },
        "unavailable" => CheckStatus::Unavailable {
            retry_at: detail
                .and_then(|d| serde_json::from_value(d["retry_at"].clone()).ok())
                .unwrap_or(DateTime::<Utc>::MIN_UTC),
        },
        _ => CheckStatus::NotStarted,
    }
}

fn check_detail(status: &CheckStatus) -> Option<Value> {
    match status {
        CheckStatus::Mismatch { fields } => Some(json!({"fields": fields})),
        CheckStatus::Unavailable { retry_at } => Some(json!({"retry_at": retry_at})),
        _ => None,
    }
}

fn level_of(text: &str) -> Level {
    match text {
        "standard" => Level::Standard,
        "confirmed" => Level::Confirmed,
        _ => Level::Simplified,
    }
}

fn confirmation_of(text: &str) -> ConfirmationMethod {
    match text {
        "registered_letter" => ConfirmationMethod::RegisteredLetter,
        "activation_code" => ConfirmationMethod::ActivationCode,
        "qualified_signature" => ConfirmationMethod::QualifiedSignature,
        "video" => ConfirmationMethod::Video,
        "online_bank" => ConfirmationMethod::OnlineBank {
            bank: String::new(),
        },
        _ => ConfirmationMethod::InPerson {
            centre: String::new(),
            documents: Vec::new(),
        },
    }
}

/// The state machine's view of a row.
pub fn state_of(row: &account::Model) -> Account {
    let status = match row.status.as_str() {
        "pending" => Status::Pending,
        "locked" => Status::Locked {
            until: row.locked_until.unwrap_or(DateTime::<Utc>::MIN_UTC),
        },
        "blocked" => Status::Blocked {
            reason: row.block_reason.clone().unwrap_or_default(),
        },
        "deleted" => Status::Deleted,
        _ => Status::Active,
    };
    Account {
        status,
        level: level_of(&row.level),
        contact: if row.contact_kind == "email" {
            ContactKind::Email
        } else {
            ContactKind::Phone
        },
        consent_version: row.consent_version.clone(),
        contact_confirmed: row.contact_confirmed,
        password_set: row.password_set,
        temporary_password: row.temporary_password,
        profile_submitted: row.profile_submitted,
        snils_check: check_of(&row.snils_check, row.snils_check_detail.as_ref()),
        passport_check: check_of(&row.passport_check, row.passport_check_detail.as_ref()),
        confirmation: row.confirmation.as_deref().map(confirmation_of),
        mailed_code_restriction: row.mailed_code_restriction,
        status_before_block: None,
        version: u64::try_from(row.last_seq).unwrap_or_default(),
    }
}

fn row_of(base: account::Model, state: &Account, at: DateTime<Utc>) -> account::Model {
    let (locked_until, block_reason) = match &state.status {
        Status::Locked { until } => (Some(*until), None),
        Status::Blocked { reason } => (None, Some(reason.clone())),
        _ => (None, None),
    };
    account::Model {
        status: state.status.as_str().to_owned(),
        level: state.level.as_str().to_owned(),
        contact_kind: contact_str(state.contact).to_owned(),
        consent_version: state.consent_version.clone(),
        contact_confirmed: state.contact_confirmed,
        password_set: state.password_set,
        temporary_password: state.temporary_password,
        profile_submitted: state.profile_submitted,
        snils_check: check_str(state.check(Check::Snils)).to_owned(),
        passport_check: check_str(state.check(Check::Passport)).to_owned(),
        snils_check_detail: check_detail(state.check(Check::Snils)),
        passport_check_detail: check_detail(state.check(Check::Passport)),
        confirmation: state.confirmation.as_ref().map(|c| c.as_str().to_owned()),
        mailed_code_restriction: state.mailed_code_restriction,
        locked_until,
        block_reason,
        updated_at: at,
        ..base
    }
}
