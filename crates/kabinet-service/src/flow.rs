//! Tickets of multi-step flows. The client holds the ticket (256 random bits); the database
//! holds its keyed hash, the step and the step's data.

use chrono::{DateTime, Duration, Utc};
use kabinet_api::{ApiError, ErrorCode};
use kabinet_core::codes::{CodeHasher, CodePurpose, link_token};
use kabinet_store::Conn;
use kabinet_store::flows::{self as store, FlowRow};
use serde_json::Value;
use uuid::Uuid;

use crate::error::{self, Outcome};
use crate::ports::entropy::{Entropy, Random};

/// The kinds of flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowKind {
    /// A registration.
    Registration,
    /// A sign-in waiting for a second factor or a password change.
    SignIn,
    /// A recovery.
    Recovery,
    /// An authenticator being set up.
    TotpSetup,
    /// A new phone or e-mail waiting for its code.
    ContactChange,
    /// An activation code issued at a service centre, waiting to be entered.
    Activation,
    /// A registered letter's code, waiting to be entered.
    Letter,
}

impl FlowKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Registration => "registration",
            Self::SignIn => "sign_in",
            Self::Recovery => "recovery",
            Self::TotpSetup => "totp_setup",
            Self::ContactChange => "contact_change",
            Self::Activation => "activation",
            Self::Letter => "letter",
        }
    }
}

/// A new flow.
pub struct NewFlow {
    /// Its kind.
    pub kind: FlowKind,
    /// The account (None: a recovery for a login nobody has).
    pub account_id: Option<Uuid>,
    /// The first step.
    pub step: &'static str,
    /// Step data.
    pub data: Value,
    /// How long the ticket lives.
    pub ttl: Duration,
}

/// Creates a flow and returns its ticket with the row.
pub async fn create(
    conn: &impl Conn,
    hasher: &CodeHasher,
    entropy: &dyn Entropy,
    flow: NewFlow,
    now: DateTime<Utc>,
) -> Outcome<(String, FlowRow)> {
    let ticket = link_token(&mut Random(entropy));
    let row = FlowRow {
        id: Uuid::now_v7(),
        kind: flow.kind.as_str().to_owned(),
        ticket_hash: hasher.hash(CodePurpose::Ticket, &ticket).to_vec(),
        account_id: flow.account_id,
        step: flow.step.to_owned(),
        data: flow.data,
        failed_attempts: 0,
        created_at: now,
        expires_at: now + flow.ttl,
        finished_at: None,
    };
    let row = store::insert_flow(conn, row).await.map_err(error::store)?;
    Ok((ticket, row))
}

/// The live flow of `kind` with this ticket, or `flow_expired`.
pub async fn find(
    conn: &impl Conn,
    hasher: &CodeHasher,
    kind: FlowKind,
    ticket: &str,
    now: DateTime<Utc>,
) -> Outcome<FlowRow> {
    let hash = hasher.hash(CodePurpose::Ticket, ticket.trim());
    store::flow_by_ticket(conn, kind.as_str(), &hash)
        .await
        .map_err(error::store)?
        .filter(|f| f.finished_at.is_none() && f.expires_at > now)
        .ok_or_else(|| ApiError::new(ErrorCode::FlowExpired))
}

/// Refuses unless the flow is at `step`.
pub fn expect_step(flow: &FlowRow, step: &str) -> Outcome<()> {
    if flow.step == step {
        Ok(())
    } else {
        Err(ApiError::new(ErrorCode::WrongStep))
    }
}

/// Moves the flow to `step` with `data`.
pub async fn advance(
    conn: &impl Conn,
    flow: &FlowRow,
    step: &str,
    data: Value,
) -> Outcome<FlowRow> {
    store::advance_flow(conn, flow.id, step, data.clone())
        .await
        .map_err(error::store)?;
    Ok(FlowRow {
        step: step.to_owned(),
        data,
        ..flow.clone()
    })
}

/// Counts a wrong answer in the flow; returns the new count.
pub async fn count_failure(conn: &impl Conn, flow: &FlowRow) -> Outcome<i32> {
    let failures = flow.failed_attempts + 1;
    store::set_flow_failures(conn, flow.id, failures)
        .await
        .map_err(error::store)?;
    Ok(failures)
}

/// Ends the flow: its ticket stops working.
pub async fn finish(conn: &impl Conn, flow: &FlowRow, now: DateTime<Utc>) -> Outcome<()> {
    store::finish_flow(conn, flow.id, now)
        .await
        .map_err(error::store)
}

/// The newest open flow of `kind` of an account.
pub async fn latest_open(
    conn: &impl Conn,
    account_id: Uuid,
    kind: FlowKind,
    now: DateTime<Utc>,
) -> Outcome<Option<FlowRow>> {
    store::latest_open_flow(conn, account_id, kind.as_str(), now)
        .await
        .map_err(error::store)
}

/// Ends every open flow of `kind` of an account (e.g. older registrations when one resumes).
pub async fn finish_all(
    conn: &impl Conn,
    account_id: Uuid,
    kind: FlowKind,
    now: DateTime<Utc>,
) -> Outcome<()> {
    store::finish_flows(conn, account_id, kind.as_str(), now)
        .await
        .map_err(error::store)
}

/// A flow by id (the one an e-mail link's code belongs to).
pub async fn by_id(conn: &impl Conn, id: Uuid) -> Outcome<Option<FlowRow>> {
    store::flow_by_id(conn, id).await.map_err(error::store)
}
