//! Tickets of multi-step flows. The client holds the ticket (256 random bits); the database
//! holds its keyed hash and the flow's state — one typed enum per kind of flow ([`FlowState`]),
//! kept as the step's name and the step's data, so a use case matches on the step it expects
//! and reads typed fields, never a string step or a JSON index.

use chrono::{DateTime, Duration, Utc};
use kabinet_api::{ApiError, ErrorCode};
use kabinet_core::codes::{CodeHasher, CodePurpose, link_token};
use kabinet_store::Conn;
use kabinet_store::flows::{self as store, FlowRow};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use uuid::Uuid;

use crate::error::{self, Outcome};
use crate::ports::entropy::{Entropy, Random};

/// The state of one kind of flow: a `#[serde(tag = "step")]` enum whose variants are the
/// steps and their data.
pub trait FlowState: Serialize + DeserializeOwned + Clone {
    /// The kind, as stored.
    const KIND: &'static str;
}

/// A flow as read: which it is and its typed state.
#[derive(Debug, Clone)]
pub struct Flow<S> {
    /// Its id (codes issued in it name it).
    pub id: Uuid,
    /// The account (`None`: a recovery for a login nobody has).
    pub account_id: Option<Uuid>,
    /// Wrong answers given so far.
    pub failed_attempts: i32,
    /// Its step and the step's data.
    pub state: S,
}

impl<S> Flow<S> {
    /// The account, or `flow_expired` for a flow that has none.
    pub fn account(&self) -> Outcome<Uuid> {
        self.account_id
            .ok_or_else(|| ApiError::new(ErrorCode::FlowExpired))
    }
}

/// The answer to a request made at another step than the flow is at.
pub fn wrong_step() -> ApiError {
    ApiError::new(ErrorCode::WrongStep)
}

/// The step's name and data of a state, as the row keeps them.
fn split<S: FlowState>(state: &S) -> Outcome<(String, Value)> {
    let mut value = serde_json::to_value(state).map_err(|e| error::internal(&e))?;
    let step = value
        .as_object_mut()
        .and_then(|o| o.remove("step"))
        .and_then(|s| s.as_str().map(str::to_owned))
        .ok_or_else(|| error::internal(&"a flow state without its step"))?;
    Ok((step, value))
}

/// The state a row keeps; a row this version cannot read has expired for the client.
fn state_of<S: FlowState>(row: FlowRow) -> Outcome<Flow<S>> {
    let mut data = match row.data {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    };
    data.insert("step".to_owned(), Value::String(row.step.clone()));
    let state = serde_json::from_value(Value::Object(data)).map_err(|e| {
        tracing::warn!(flow = %row.id, error = %e, "a flow's state is not understood");
        ApiError::new(ErrorCode::FlowExpired)
    })?;
    Ok(Flow {
        id: row.id,
        account_id: row.account_id,
        failed_attempts: row.failed_attempts,
        state,
    })
}

/// Creates a flow at `state` for `account_id`, living `ttl`; returns its ticket.
pub async fn create<S: FlowState>(
    conn: &impl Conn,
    hasher: &CodeHasher,
    entropy: &dyn Entropy,
    account_id: Option<Uuid>,
    state: S,
    ttl: Duration,
    now: DateTime<Utc>,
) -> Outcome<(String, Flow<S>)> {
    let ticket = link_token(&mut Random(entropy));
    let (step, data) = split(&state)?;
    let row = FlowRow {
        id: Uuid::now_v7(),
        kind: S::KIND.to_owned(),
        ticket_hash: hasher.hash(CodePurpose::Ticket, &ticket).to_vec(),
        account_id,
        step,
        data,
        failed_attempts: 0,
        created_at: now,
        expires_at: now + ttl,
        finished_at: None,
    };
    let row = store::insert_flow(conn, row).await.map_err(error::store)?;
    Ok((
        ticket,
        Flow {
            id: row.id,
            account_id,
            failed_attempts: 0,
            state,
        },
    ))
}

/// The live flow of this kind with this ticket, or `flow_expired`.
pub async fn find<S: FlowState>(
    conn: &impl Conn,
    hasher: &CodeHasher,
    ticket: &str,
    now: DateTime<Utc>,
) -> Outcome<Flow<S>> {
    let hash = hasher.hash(CodePurpose::Ticket, ticket.trim());
    let row = store::flow_by_ticket(conn, S::KIND, &hash)
        .await
        .map_err(error::store)?
        .filter(|f| live(f, now))
        .ok_or_else(|| ApiError::new(ErrorCode::FlowExpired))?;
    state_of(row)
}

/// A flow of this kind with this ticket whatever its state, with when it expires and when it
/// finished (for rules that tell an unknown, a used and an expired ticket apart).
pub async fn lookup<S: FlowState>(
    conn: &impl Conn,
    hasher: &CodeHasher,
    ticket: &str,
) -> Outcome<Option<(Flow<S>, DateTime<Utc>, Option<DateTime<Utc>>)>> {
    let hash = hasher.hash(CodePurpose::Ticket, ticket.trim());
    let Some(row) = store::flow_by_ticket(conn, S::KIND, &hash)
        .await
        .map_err(error::store)?
    else {
        return Ok(None);
    };
    let (expires_at, finished_at) = (row.expires_at, row.finished_at);
    Ok(Some((state_of(row)?, expires_at, finished_at)))
}

/// Ends the flow unless another request ended it first (`false` then).
pub async fn finish_once<S>(conn: &impl Conn, flow: &Flow<S>, now: DateTime<Utc>) -> Outcome<bool> {
    store::finish_open_flow(conn, flow.id, now)
        .await
        .map_err(error::store)
}

/// The live flow of this kind with this id (the one an e-mail link's code belongs to).
pub async fn by_id<S: FlowState>(
    conn: &impl Conn,
    id: Uuid,
    now: DateTime<Utc>,
) -> Outcome<Flow<S>> {
    let row = store::flow_by_id(conn, id)
        .await
        .map_err(error::store)?
        .filter(|f| f.kind == S::KIND && live(f, now))
        .ok_or_else(|| ApiError::new(ErrorCode::FlowExpired))?;
    state_of(row)
}

fn live(row: &FlowRow, now: DateTime<Utc>) -> bool {
    row.finished_at.is_none() && row.expires_at > now
}

/// Moves the flow to `state`.
pub async fn advance<S: FlowState>(conn: &impl Conn, flow: &Flow<S>, state: S) -> Outcome<Flow<S>> {
    let (step, data) = split(&state)?;
    store::advance_flow(conn, flow.id, &step, data)
        .await
        .map_err(error::store)?;
    Ok(Flow {
        state,
        ..flow.clone()
    })
}

/// Counts a wrong answer in the flow; returns the new count.
pub async fn count_failure<S>(conn: &impl Conn, flow: &Flow<S>) -> Outcome<i32> {
    let failures = flow.failed_attempts + 1;
    store::set_flow_failures(conn, flow.id, failures)
        .await
        .map_err(error::store)?;
    Ok(failures)
}

/// Ends the flow: its ticket stops working.
pub async fn finish<S>(conn: &impl Conn, flow: &Flow<S>, now: DateTime<Utc>) -> Outcome<()> {
    store::finish_flow(conn, flow.id, now)
        .await
        .map_err(error::store)
}

/// The newest open flow of this kind of an account.
pub async fn latest_open<S: FlowState>(
    conn: &impl Conn,
    account_id: Uuid,
    now: DateTime<Utc>,
) -> Outcome<Option<Flow<S>>> {
    store::latest_open_flow(conn, account_id, S::KIND, now)
        .await
        .map_err(error::store)?
        .map(state_of)
        .transpose()
}

/// Ends every open flow of this kind of an account (e.g. older registrations when one
/// resumes).
pub async fn finish_all<S: FlowState>(
    conn: &impl Conn,
    account_id: Uuid,
    now: DateTime<Utc>,
) -> Outcome<()> {
    store::finish_flows(conn, account_id, S::KIND, now)
        .await
        .map_err(error::store)
}

/// A phone or e-mail a flow proves, as its state keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ContactData {
    /// Phone or e-mail.
    pub kind: ContactLogin,
    /// E.164 or the lower-cased address.
    pub contact: String,
}

/// The kinds of contact a flow can prove.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactLogin {
    /// A mobile phone.
    Phone,
    /// An e-mail address.
    Email,
}

impl ContactData {
    /// The contact of a login key (phone or e-mail).
    pub fn of(key: &crate::login::LoginKey) -> Self {
        Self {
            kind: if key.kind == "email" {
                ContactLogin::Email
            } else {
                ContactLogin::Phone
            },
            contact: key.value.clone(),
        }
    }

    /// The login key it is.
    pub fn key(&self) -> crate::login::LoginKey {
        crate::login::LoginKey {
            kind: match self.kind {
                ContactLogin::Phone => "phone",
                ContactLogin::Email => "email",
            },
            value: self.contact.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::{RecoveryFlow, SignInFlow};
    use serde_json::json;

    fn row(kind: &str, step: &str, data: Value) -> FlowRow {
        let now = Utc::now();
        FlowRow {
            id: Uuid::now_v7(),
            kind: kind.into(),
            ticket_hash: vec![0; 32],
            account_id: None,
            step: step.into(),
            data,
            failed_attempts: 0,
            created_at: now,
            expires_at: now,
            finished_at: None,
        }
    }

    #[test]
    fn a_state_is_kept_as_its_step_and_data_and_read_back() {
        let state = RecoveryFlow::SecretQuestion {
            send_key: "recovery:phone:+79123456789".into(),
        };
        let (step, data) = split(&state).unwrap();
        assert_eq!(step, "secret_question");
        assert_eq!(data, json!({"send_key": "recovery:phone:+79123456789"}));
        let read: Flow<RecoveryFlow> = state_of(row("recovery", &step, data)).unwrap();
        assert!(
            matches!(read.state, RecoveryFlow::SecretQuestion { send_key } if send_key.ends_with("789"))
        );
    }

    #[test]
    fn rows_written_before_the_typed_states_still_read() {
        // A change-password step used to carry an empty method list.
        let old = row(
            "sign_in",
            "change_password",
            json!({"methods": [], "new_device": false}),
        );
        let read: Flow<SignInFlow> = state_of(old).unwrap();
        assert!(matches!(read.state, SignInFlow::ChangePassword {}));
    }

    #[test]
    fn a_row_this_version_cannot_read_has_expired() {
        let odd = row("sign_in", "teleport", json!({}));
        let error = state_of::<SignInFlow>(odd).unwrap_err();
        assert_eq!(error.code, ErrorCode::FlowExpired);
    }
}
