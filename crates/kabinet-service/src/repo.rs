//! Accounts through the state machine: load the projection row, let `decide` judge the
//! command, append the events and write the new row in the caller's transaction.

use chrono::{DateTime, Utc};
use kabinet_api::Context;
use kabinet_core::account::{Actor, Command, Event, apply, decide};
use kabinet_store::accounts::{self, AccountWrite, StoredAccount};
use kabinet_store::event_log::NewEvent;
use kabinet_store::{Conn, StoreError, Tx};
use serde_json::json;
use uuid::Uuid;

use crate::error::{self, Outcome};

/// An account as read: who it is and the state machine's view of it.
pub type Loaded = StoredAccount;

/// Reads one account.
pub async fn load(conn: &impl Conn, id: Uuid) -> Outcome<Option<Loaded>> {
    accounts::find_account(conn, id).await.map_err(error::store)
}

/// What a command changes besides the account row.
#[derive(Debug, Default, Clone)]
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

/// How often a command is decided again on a fresher account after another writer changed it
/// first (two tabs, a phone and a PC signing in at once).
const MAX_REDECISIONS: usize = 5;

/// Decides `command` on an existing account and commits its events with the new projection.
/// When another request changed the account since it was read, the account is read again
/// inside `tx` and the command decided anew on what it is now, so a citizen never sees a
/// conflict for something they did once; only a change that never settles is refused.
pub async fn execute(
    tx: &Tx,
    loaded: &Loaded,
    command: &Command,
    by: &By<'_>,
    extras: Extras,
) -> Outcome<Loaded> {
    let mut current = loaded.clone();
    for _ in 0..MAX_REDECISIONS {
        let events =
            decide(Some(&current.state), command, by.actor, by.at).map_err(error::domain)?;
        match commit(tx, Base::Existing(&current), &events, by, extras.clone()).await {
            Err(StoreError::Conflict) => {
                current = load(tx, current.id)
                    .await?
                    .ok_or_else(|| error::internal(&"an account vanished while written"))?;
            }
            outcome => return outcome.map_err(error::store),
        }
    }
    Err(error::store(StoreError::Conflict))
}

/// Who a new account is, before its first event.
pub struct NewAccount<'a> {
    /// Its id.
    pub id: Uuid,
    /// The surname given.
    pub surname: &'a str,
    /// The first name given.
    pub first_name: &'a str,
}

/// Creates an account; `command` starts it.
pub async fn create(
    tx: &Tx,
    new: NewAccount<'_>,
    command: &Command,
    by: &By<'_>,
    extras: Extras,
) -> Outcome<Loaded> {
    create_then(tx, new, command, &[], by, extras).await
}

/// Creates an account with `command` and decides `then` on it in turn, committing every event
/// in one write (one projection row, one batch of events): what an in-person registration does
/// at once, the account and its submitted profile.
pub async fn create_then(
    tx: &Tx,
    new: NewAccount<'_>,
    command: &Command,
    then: &[Command],
    by: &By<'_>,
    extras: Extras,
) -> Outcome<Loaded> {
    let mut events = decide(None, command, by.actor, by.at).map_err(error::domain)?;
    let mut state = events.iter().fold(None, |s, e| Some(apply(s, e)));
    for next in then {
        let more = decide(state.as_ref(), next, by.actor, by.at).map_err(error::domain)?;
        state = more.iter().fold(state, |s, e| Some(apply(s, e)));
        events.extend(more);
    }
    commit(tx, Base::New(new), &events, by, extras)
        .await
        .map_err(error::store)
}

/// What a command's events apply to.
enum Base<'a> {
    /// An account read before deciding.
    Existing(&'a Loaded),
    /// An account its first event creates.
    New(NewAccount<'a>),
}

async fn commit(
    tx: &Tx,
    base: Base<'_>,
    events: &[Event],
    by: &By<'_>,
    extras: Extras,
) -> Result<Loaded, StoreError> {
    let before = match &base {
        Base::Existing(loaded) => Some(*loaded),
        Base::New(_) => None,
    };
    let state = events
        .iter()
        .fold(before.map(|l| l.state.clone()), |s, e| Some(apply(s, e)));
    let state = state.ok_or_else(|| StoreError::Corrupt("a command produced no events".into()))?;
    let expected_seq = before.map_or(0, version);
    let account = match base {
        Base::Existing(before) => Loaded {
            state,
            updated_at: by.at,
            ..before.clone()
        },
        Base::New(new) => Loaded {
            id: new.id,
            surname: new.surname.to_owned(),
            first_name: new.first_name.to_owned(),
            consent_at: by.at,
            origin: by.origin.to_owned(),
            created_at: by.at,
            updated_at: by.at,
            state,
        },
    };
    let new_events = events.iter().map(|e| new_event(e, by)).collect();
    accounts::write_account(
        tx,
        AccountWrite {
            expected_seq,
            events: new_events,
            account: account.clone(),
            claim_logins: extras.claim,
            release_logins: extras.release,
        },
    )
    .await?;
    for event in events {
        match event {
            Event::LevelChanged { to, reason, .. } => {
                crate::metrics::level_change(to.as_str(), reason.as_str());
            }
            Event::IdentityConfirmed { method } => {
                crate::metrics::identity_confirmed(method.as_str());
            }
            _ => {}
        }
    }
    Ok(account)
}

/// The number of an account's last event.
pub fn version(account: &Loaded) -> i64 {
    i64::try_from(account.state.version).unwrap_or(i64::MAX)
}

/// The event as stored: its data plus the device and address it came from.
fn new_event(event: &Event, by: &By<'_>) -> NewEvent {
    let mut payload = kabinet_store::events::encode(event);
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

pub use kabinet_store::events::encode_actor as actor_json;
