//! One-time codes inside flows: issuing (a new code supersedes the flow's previous one),
//! checking with the core's attempt and expiry rules, and the send log behind cooldowns and
//! daily caps.

use chrono::{DateTime, Duration, Utc};
use kabinet_api::{ApiError, ErrorCode};
use kabinet_core::codes::{CodeHasher, CodePolicy, CodePurpose, IssuedCode, may_send};
use kabinet_store::Conn;
use kabinet_store::flows::{self as store, CodeRow};
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
    /// SMS link token (a phone noted at a desk, proved later).
    SmsLink,
    /// Nowhere: the decoy code of a recovery for an unknown login.
    Nowhere,
}

impl CodeChannel {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Sms => "sms",
            Self::Email => "email",
            Self::EmailLink => "email_link",
            Self::SmsLink => "sms_link",
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
pub async fn issue(
    conn: &impl Conn,
    hasher: &CodeHasher,
    code: NewCode<'_>,
    now: DateTime<Utc>,
) -> Outcome<DateTime<Utc>> {
    let hash = hasher.hash(code.purpose, code.code);
    issue_hashed(conn, &code, hash, now).await
}

/// Stores a code made elsewhere by its keyed hash (an activation blank a workstation handed
/// out); `code.code` is not read. Returns when it expires.
pub async fn issue_hashed(
    conn: &impl Conn,
    code: &NewCode<'_>,
    hash: [u8; 32],
    now: DateTime<Utc>,
) -> Outcome<DateTime<Utc>> {
    store::supersede_codes(
        conn,
        code.flow_id,
        code.purpose.as_str(),
        code.channel.as_str(),
        now,
    )
    .await
    .map_err(error::store)?;
    let expires_at = code.policy.expires_at(now);
    let row = CodeRow {
        id: Uuid::now_v7(),
        account_id: code.account_id,
        purpose: code.purpose.as_str().to_owned(),
        channel: code.channel.as_str().to_owned(),
        code_hash: hash.to_vec(),
        failed_attempts: 0,
        expires_at,
        consumed_at: None,
        created_at: now,
        flow_id: Some(code.flow_id),
    };
    store::insert_code(conn, row).await.map_err(error::store)?;
    Ok(expires_at)
}

/// Checks an entry against the flow's newest code of `purpose` (any channel but links) and
/// records the outcome: accepted codes are spent, wrong entries use an attempt.
pub async fn check(
    conn: &impl Conn,
    hasher: &CodeHasher,
    flow_id: Uuid,
    purpose: CodePurpose,
    candidate: &str,
    policy: &CodePolicy,
    now: DateTime<Utc>,
) -> Outcome<()> {
    let row = store::newest_code(
        conn,
        flow_id,
        Some(purpose.as_str()),
        CodeChannel::EmailLink.as_str(),
    )
    .await
    .map_err(error::store)?
    .ok_or_else(|| ApiError::new(ErrorCode::CodeSpent))?;
    let candidate: String = candidate.chars().filter(|c| !c.is_whitespace()).collect();
    accept(conn, hasher, row, purpose, &candidate, policy, now).await
}

/// The flow a link token (by e-mail or SMS) belongs to, after accepting the token.
pub async fn check_link(
    conn: &impl Conn,
    hasher: &CodeHasher,
    channel: CodeChannel,
    token: &str,
    policy: &CodePolicy,
    now: DateTime<Utc>,
) -> Outcome<Uuid> {
    let purpose = CodePurpose::ConfirmContact;
    let hash = hasher.hash(purpose, token.trim());
    let row = store::code_by_hash(conn, channel.as_str(), &hash)
        .await
        .map_err(error::store)?
        .ok_or_else(|| ApiError::new(ErrorCode::FlowExpired))?;
    let flow_id = row
        .flow_id
        .ok_or_else(|| ApiError::new(ErrorCode::FlowExpired))?;
    accept(conn, hasher, row, purpose, token.trim(), policy, now).await?;
    Ok(flow_id)
}

async fn accept(
    conn: &impl Conn,
    hasher: &CodeHasher,
    row: CodeRow,
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
    store::record_code_entry(
        conn,
        row.id,
        i32::try_from(issued.failed_attempts).unwrap_or(i32::MAX),
        issued.consumed.then_some(now),
    )
    .await
    .map_err(error::store)?;
    verdict.map_err(error::code)
}

/// Refuses a send to `key` inside the cooldown or over the daily cap.
pub async fn may_send_to(
    conn: &impl Conn,
    key: &str,
    policy: &CodePolicy,
    now: DateTime<Utc>,
) -> Outcome<()> {
    let sends = store::sends_since(conn, key, now - Duration::hours(24))
        .await
        .map_err(error::store)?;
    may_send(&sends, now, policy).map_err(error::send)
}

/// Records a send to `key`; returns when the next one is allowed.
pub async fn record_send(
    conn: &impl Conn,
    key: &str,
    policy: &CodePolicy,
    now: DateTime<Utc>,
) -> Outcome<DateTime<Utc>> {
    store::record_send(conn, key, now)
        .await
        .map_err(error::store)?;
    Ok(now + policy.resend_cooldown)
}

impl crate::Service {
    /// Checks a code entered in a flow (the core's expiry and attempts, recorded on the code)
    /// and counts a rejected one against the client's address, so guessing codes across many
    /// flows runs into the per-client cap.
    pub(crate) async fn check_code(
        &self,
        context: &kabinet_api::Context,
        flow_id: Uuid,
        purpose: CodePurpose,
        entered: &str,
        policy: &CodePolicy,
    ) -> Outcome<()> {
        let now = self.now();
        let checked = check(
            self.conn(),
            &self.inner.hasher,
            flow_id,
            purpose,
            entered,
            policy,
            now,
        )
        .await;
        if checked.is_err() {
            self.count_client_failure(context).await?;
        }
        checked
    }

    /// Issues `code` for `purpose` in `flow` (superseding the flow's earlier ones on the same
    /// channel); returns when it expires.
    pub(crate) async fn issue_code<S>(
        &self,
        conn: &impl Conn,
        flow: &crate::flow::Flow<S>,
        purpose: CodePurpose,
        channel: CodeChannel,
        code: &str,
        policy: &CodePolicy,
    ) -> Outcome<DateTime<Utc>> {
        crate::metrics::code_issued(channel.as_str());
        let new = NewCode {
            flow_id: flow.id,
            // A decoy recovery has no account: its code belongs to nobody.
            account_id: flow.account_id.unwrap_or(Uuid::nil()),
            purpose,
            channel,
            code,
            policy,
        };
        issue(conn, &self.inner.hasher, new, self.now()).await
    }

    /// Refuses a client address that failed too often in the current window.
    pub(crate) async fn check_client(&self, context: &kabinet_api::Context) -> Outcome<()> {
        crate::throttle::check_client(
            self.conn(),
            &self.inner.config.client,
            &context.address,
            self.now(),
        )
        .await
    }

    /// Counts a failure (a wrong code, password or answer) against the client's address.
    pub(crate) async fn count_client_failure(&self, context: &kabinet_api::Context) -> Outcome<()> {
        crate::throttle::client_failure(
            self.conn(),
            &self.inner.config.client,
            &context.address,
            self.now(),
        )
        .await
    }
}
