//! One-time codes inside flows: issuing (a new code supersedes the flow's previous one),
//! checking with the core's attempt and expiry rules, and the send log behind cooldowns and
//! daily caps.

use chrono::{DateTime, Duration, Utc};
use kabinet_api::{ApiError, ErrorCode};
use kabinet_core::codes::{CodeHasher, CodePolicy, CodePurpose, IssuedCode, may_send};
use kabinet_store::entity::{code_send, one_time_code};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, sea_query::Expr,
};
use uuid::Uuid;

use crate::error::{self, Outcome};

/// How a code travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeChannel {
    /// SMS, 6 digits.
    Sms,
    /// E-mail, 6 digits.
    Email,
    /// E-mail link token.
    EmailLink,
    /// Nowhere: the decoy code of a recovery for an unknown login.
    Nowhere,
}

impl CodeChannel {
    fn as_str(self) -> &'static str {
        match self {
            Self::Sms => "sms",
            Self::Email => "email",
            Self::EmailLink => "email_link",
            Self::Nowhere => "none",
        }
    }
}

/// A code to store for a flow.
pub struct NewCode<'a> {
    /// The flow.
    pub flow_id: Uuid,
    /// The account (nil for decoys).
    pub account_id: Uuid,
    /// What it is for.
    pub purpose: CodePurpose,
    /// How it travels.
    pub channel: CodeChannel,
    /// The code itself (only its hash is stored).
    pub code: &'a str,
    /// Its policy (expiry).
    pub policy: &'a CodePolicy,
}

/// Stores a code's hash, superseding the flow's earlier codes of the same channel.
/// Returns when it expires.
pub async fn issue<C: ConnectionTrait>(
    conn: &C,
    hasher: &CodeHasher,
    code: NewCode<'_>,
    now: DateTime<Utc>,
) -> Outcome<DateTime<Utc>> {
    one_time_code::Entity::update_many()
        .col_expr(one_time_code::Column::ConsumedAt, Expr::value(now))
        .filter(one_time_code::Column::FlowId.eq(code.flow_id))
        .filter(one_time_code::Column::Purpose.eq(code.purpose.as_str()))
        .filter(one_time_code::Column::Channel.eq(code.channel.as_str()))
        .filter(one_time_code::Column::ConsumedAt.is_null())
        .exec(conn)
        .await
        .map_err(error::db)?;
    let issued = IssuedCode::issue(hasher, code.purpose, code.code, now, code.policy);
    one_time_code::Model {
        id: Uuid::now_v7(),
        account_id: code.account_id,
        purpose: code.purpose.as_str().to_owned(),
        channel: code.channel.as_str().to_owned(),
        code_hash: issued.hash.to_vec(),
        failed_attempts: 0,
        expires_at: issued.expires_at,
        consumed_at: None,
        created_at: now,
        flow_id: Some(code.flow_id),
    }
    .into_active_model()
    .reset_all()
    .insert(conn)
    .await
    .map_err(error::db)?;
    Ok(issued.expires_at)
}

/// Checks an entry against the flow's newest code of `purpose` (any channel but links) and
/// records the outcome: accepted codes are spent, wrong entries use an attempt.
pub async fn check<C: ConnectionTrait>(
    conn: &C,
    hasher: &CodeHasher,
    flow_id: Uuid,
    purpose: CodePurpose,
    candidate: &str,
    policy: &CodePolicy,
    now: DateTime<Utc>,
) -> Outcome<()> {
    let row = one_time_code::Entity::find()
        .filter(one_time_code::Column::FlowId.eq(flow_id))
        .filter(one_time_code::Column::Purpose.eq(purpose.as_str()))
        .filter(one_time_code::Column::Channel.ne(CodeChannel::EmailLink.as_str()))
        .order_by_desc(one_time_code::Column::CreatedAt)
        .order_by_desc(one_time_code::Column::Id)
        .one(conn)
        .await
        .map_err(error::db)?
        .ok_or_else(|| ApiError::new(ErrorCode::CodeSpent))?;
    let candidate: String = candidate.chars().filter(|c| !c.is_whitespace()).collect();
    accept(conn, hasher, row, purpose, &candidate, policy, now).await
}

/// The flow an e-mail link token belongs to, after accepting the token.
pub async fn check_link<C: ConnectionTrait>(
    conn: &C,
    hasher: &CodeHasher,
    token: &str,
    policy: &CodePolicy,
    now: DateTime<Utc>,
) -> Outcome<Uuid> {
    let purpose = CodePurpose::ConfirmContact;
    let hash = hasher.hash(purpose, token.trim()).to_vec();
    let row = one_time_code::Entity::find()
        .filter(one_time_code::Column::CodeHash.eq(hash))
        .filter(one_time_code::Column::Channel.eq(CodeChannel::EmailLink.as_str()))
        .one(conn)
        .await
        .map_err(error::db)?
        .ok_or_else(|| ApiError::new(ErrorCode::FlowExpired))?;
    let flow_id = row
        .flow_id
        .ok_or_else(|| ApiError::new(ErrorCode::FlowExpired))?;
    accept(conn, hasher, row, purpose, token.trim(), policy, now).await?;
    Ok(flow_id)
}

async fn accept<C: ConnectionTrait>(
    conn: &C,
    hasher: &CodeHasher,
    row: one_time_code::Model,
    purpose: CodePurpose,
    candidate: &str,
    policy: &CodePolicy,
    now: DateTime<Utc>,
) -> Outcome<()> {
    let mut issued = IssuedCode {
        purpose,
        hash: row
            .code_hash
            .as_slice()
            .try_into()
            .map_err(|_| error::internal(&"a stored code hash is not 32 bytes"))?,
        expires_at: row.expires_at,
        failed_attempts: u32::try_from(row.failed_attempts).unwrap_or(u32::MAX),
        consumed: row.consumed_at.is_some(),
    };
    let verdict = issued.try_accept(hasher, candidate, now, policy);
    let mut active = row.into_active_model();
    active.failed_attempts = Set(i32::try_from(issued.failed_attempts).unwrap_or(i32::MAX));
    if issued.consumed {
        active.consumed_at = Set(Some(now));
    }
    active.update(conn).await.map_err(error::db)?;
    verdict.map_err(error::code)
}

/// Refuses a send to `key` inside the cooldown or over the daily cap.
pub async fn may_send_to<C: ConnectionTrait>(
    conn: &C,
    key: &str,
    policy: &CodePolicy,
    now: DateTime<Utc>,
) -> Outcome<()> {
    let sends: Vec<DateTime<Utc>> = code_send::Entity::find()
        .filter(code_send::Column::Key.eq(key))
        .filter(code_send::Column::SentAt.gt(now - Duration::hours(24)))
        .all(conn)
        .await
        .map_err(error::db)?
        .into_iter()
        .map(|s| s.sent_at)
        .collect();
    may_send(&sends, now, policy).map_err(error::send)
}

/// Records a send to `key`; returns when the next one is allowed.
pub async fn record_send<C: ConnectionTrait>(
    conn: &C,
    key: &str,
    policy: &CodePolicy,
    now: DateTime<Utc>,
) -> Outcome<DateTime<Utc>> {
    code_send::Model {
        id: Uuid::now_v7(),
        key: key.to_owned(),
        sent_at: now,
    }
    .into_active_model()
    .reset_all()
    .insert(conn)
    .await
    .map_err(error::db)?;
    Ok(now + policy.resend_cooldown)
}
