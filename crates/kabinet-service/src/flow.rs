//! Tickets of multi-step flows. The client holds the ticket (256 random bits); the database
//! holds its keyed hash, the step and the step's data.

use chrono::{DateTime, Duration, Utc};
use kabinet_api::{ApiError, ErrorCode};
use kabinet_core::codes::{CodeHasher, CodePurpose, link_token};
use kabinet_store::entity::auth_flow;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter,
};
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
    fn as_str(self) -> &'static str {
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
pub async fn create<C: ConnectionTrait>(
    conn: &C,
    hasher: &CodeHasher,
    entropy: &dyn Entropy,
    flow: NewFlow,
    now: DateTime<Utc>,
) -> Outcome<(String, auth_flow::Model)> {
    let ticket = link_token(&mut Random(entropy));
    let row = auth_flow::Model {
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
    let row = row
        .into_active_model()
        .reset_all()
        .insert(conn)
        .await
        .map_err(error::db)?;
    Ok((ticket, row))
}

/// The live flow of `kind` with this ticket, or `flow_expired`.
pub async fn find<C: ConnectionTrait>(
    conn: &C,
    hasher: &CodeHasher,
    kind: FlowKind,
    ticket: &str,
    now: DateTime<Utc>,
) -> Outcome<auth_flow::Model> {
    let hash = hasher.hash(CodePurpose::Ticket, ticket.trim()).to_vec();
    auth_flow::Entity::find()
        .filter(auth_flow::Column::TicketHash.eq(hash))
        .filter(auth_flow::Column::Kind.eq(kind.as_str()))
        .one(conn)
        .await
        .map_err(error::db)?
        .filter(|f| f.finished_at.is_none() && f.expires_at > now)
        .ok_or_else(|| ApiError::new(ErrorCode::FlowExpired))
}

/// Refuses unless the flow is at `step`.
pub fn expect_step(flow: &auth_flow::Model, step: &str) -> Outcome<()> {
    if flow.step == step {
        Ok(())
    } else {
        Err(ApiError::new(ErrorCode::WrongStep))
    }
}

/// Moves the flow to `step` with `data`.
pub async fn advance<C: ConnectionTrait>(
    conn: &C,
    flow: &auth_flow::Model,
    step: &str,
    data: Value,
) -> Outcome<auth_flow::Model> {
    let mut active = flow.clone().into_active_model();
    active.step = Set(step.to_owned());
    active.data = Set(data);
    active.update(conn).await.map_err(error::db)
}

/// Counts a wrong answer in the flow; returns the new count.
pub async fn count_failure<C: ConnectionTrait>(conn: &C, flow: &auth_flow::Model) -> Outcome<i32> {
    let failures = flow.failed_attempts + 1;
    let mut active = flow.clone().into_active_model();
    active.failed_attempts = Set(failures);
    active.update(conn).await.map_err(error::db)?;
    Ok(failures)
}

/// Ends the flow: its ticket stops working.
pub async fn finish<C: ConnectionTrait>(
    conn: &C,
    flow: &auth_flow::Model,
    now: DateTime<Utc>,
) -> Outcome<()> {
    let mut active = flow.clone().into_active_model();
    active.finished_at = Set(Some(now));
    active.update(conn).await.map_err(error::db)?;
    Ok(())
}

/// The newest open flow of `kind` of an account.
pub async fn latest_open<C: ConnectionTrait>(
    conn: &C,
    account_id: Uuid,
    kind: FlowKind,
    now: DateTime<Utc>,
) -> Outcome<Option<auth_flow::Model>> {
    use sea_orm::QueryOrder;
    auth_flow::Entity::find()
        .filter(auth_flow::Column::AccountId.eq(account_id))
        .filter(auth_flow::Column::Kind.eq(kind.as_str()))
        .filter(auth_flow::Column::FinishedAt.is_null())
        .filter(auth_flow::Column::ExpiresAt.gt(now))
        .order_by_desc(auth_flow::Column::CreatedAt)
        .one(conn)
        .await
        .map_err(error::db)
}

/// Ends every open flow of `kind` of an account (e.g. older registrations when one resumes).
pub async fn finish_all<C: ConnectionTrait>(
    conn: &C,
    account_id: Uuid,
    kind: FlowKind,
    now: DateTime<Utc>,
) -> Outcome<()> {
    auth_flow::Entity::update_many()
        .col_expr(
            auth_flow::Column::FinishedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(auth_flow::Column::AccountId.eq(account_id))
        .filter(auth_flow::Column::Kind.eq(kind.as_str()))
        .filter(auth_flow::Column::FinishedAt.is_null())
        .exec(conn)
        .await
        .map_err(error::db)?;
    Ok(())
}
