//! A workstation's side of sync: push the outbox, then pull the centre's copy of the centre's
//! accounts, through a [`SyncLink`] — the real one is any [`Api`] (the HTTP client to
//! kabinet-server) with the workstation's key in the context; tests put faults in between.
//!
//! Nothing here assumes the link works: every step is safe to repeat. A change is forgotten
//! only after the centre acknowledged it (its number is at or below `applied_through`); the
//! cursor moves only in the transaction that stored what the pull brought; a pulled account is
//! not written over while a change of this workstation to it is still on the way (it is asked
//! for again by id next time).

use std::future::Future;

use chrono::{DateTime, Utc};
use kabinet_api::{
    Api, ApiError, Context, OutboxChange, SyncCursor, SyncPull, SyncPulled, SyncPush, SyncPushed,
    SyncedAccount,
};
use kabinet_core::sync::PUSH_BATCH;
use kabinet_store::accounts::{self, Mirror};
use kabinet_store::documents::ProfileRow;
use kabinet_store::event_log::StoredEvent;
use kabinet_store::sync as store;
use serde_json::json;
use uuid::Uuid;

use crate::Service;
use crate::error::{self, Outcome};

/// The way to the centre.
pub trait SyncLink: Send + Sync {
    /// Sends the next changes of the outbox.
    fn push(&self, request: SyncPush) -> impl Future<Output = Result<SyncPushed, ApiError>> + Send;
    /// Reads what changed since the cursor.
    fn pull(&self, request: SyncPull) -> impl Future<Output = Result<SyncPulled, ApiError>> + Send;
}

/// The link through an [`Api`] — `kabinet_client::Client` over HTTPS, or a service in-process —
/// with the workstation's key in `context`.
pub struct Through<A> {
    /// The centre's API.
    pub api: A,
    /// The workstation's context (its key in `workstation`).
    pub context: Context,
}

impl<A: Api> SyncLink for Through<A> {
    async fn push(&self, request: SyncPush) -> Result<SyncPushed, ApiError> {
        self.api.sync_push(&self.context, request).await
    }

    async fn pull(&self, request: SyncPull) -> Result<SyncPulled, ApiError> {
        self.api.sync_pull(&self.context, request).await
    }
}

/// What one sync did and where it stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Changes the centre acknowledged in this sync.
    pub pushed: usize,
    /// Accounts taken from the centre.
    pub pulled: usize,
    /// Changes still waiting to be sent.
    pub waiting: u64,
    /// Conflicts open at the centre.
    pub conflicts_open: u64,
}

const CURSOR: &str = "cursor";
const REFETCH: &str = "refetch";
const LAST_SUCCESS: &str = "last_success";
const CONFLICTS_OPEN: &str = "conflicts_open";

/// How many accounts one pull asks for by id (the centre takes no more).
const MAX_REFETCH: usize = 200;

/// How many pulls one sync makes at most before it lets the next one go on.
const MAX_PULLS: usize = 1000;

impl Service {
    /// Pushes every waiting change and pulls until the centre has nothing more. An error of
    /// the link ends it; what was done so far stays done, and the next call goes on from there.
    pub async fn sync_once(&self, link: &impl SyncLink) -> Result<SyncReport, ApiError> {
        let mut report = SyncReport::default();
        loop {
            let waiting = store::outbox_waiting(self.conn(), PUSH_BATCH as u64)
                .await
                .map_err(error::store)?;
            let Some(last) = waiting.last().map(|c| c.seq) else {
                break;
            };
            let changes = waiting
                .iter()
                .map(outbox_change)
                .collect::<Outcome<Vec<_>>>()?;
            let pushed = link.push(SyncPush { changes }).await?;
            let first = waiting[0].seq;
            // The centre's copy of every account a received change touched is taken again,
            // whatever became of the change (applied, or refused into a conflict): this
            // workstation's own version of it was only ever provisional.
            let received: Vec<Uuid> = waiting
                .iter()
                .filter(|c| c.seq <= pushed.applied_through)
                .map(|c| c.account_id)
                .collect();
            self.refetch_later(&received).await?;
            store::outbox_ack_through(self.conn(), pushed.applied_through, self.now())
                .await
                .map_err(error::store)?;
            report.conflicts_open = pushed.conflicts_open;
            if pushed.applied_through >= first {
                report.pushed += (pushed.applied_through.min(last) - first + 1) as usize;
            }
            if pushed.applied_through < last {
                // The centre waits for an earlier number than the first sent: this outbox
                // and the centre disagree, which no retry mends.
                if pushed.applied_through < first - 1 {
                    return Err(
                        ApiError::new(kabinet_api::ErrorCode::Conflict).with_message(
                            "Центр ждёт изменений, которых на этом рабочем месте уже нет",
                        ),
                    );
                }
                break;
            }
        }
        for pull in 0..MAX_PULLS {
            let cursor: SyncCursor = self.state_value(CURSOR).await?.unwrap_or_default();
            let mut refetch: Vec<Uuid> = self.state_value(REFETCH).await?.unwrap_or_default();
            let asked: Vec<Uuid> = refetch.drain(..refetch.len().min(MAX_REFETCH)).collect();
            let pulled = link
                .pull(SyncPull {
                    cursor,
                    accounts: asked,
                    blanks_wanted: if pull == 0 {
                        self.blanks_wanted().await?
                    } else {
                        0
                    },
                })
                .await?;
            report.pulled += self.take_pulled(&pulled, refetch).await?;
            report.conflicts_open = pulled.conflicts_open;
            if !pulled.more
                && self
                    .state_value::<Vec<Uuid>>(REFETCH)
                    .await?
                    .is_none_or(|r| r.is_empty())
            {
                break;
            }
        }
        let now = self.now();
        store::set_state(self.conn(), LAST_SUCCESS, json!(now), now)
            .await
            .map_err(error::store)?;
        store::set_state(
            self.conn(),
            CONFLICTS_OPEN,
            json!(report.conflicts_open),
            now,
        )
        .await
        .map_err(error::store)?;
        report.waiting = store::outbox_waiting_count(self.conn())
            .await
            .map_err(error::store)?;
        Ok(report)
    }

    /// When the last sync completed, if one ever did.
    pub async fn last_sync(&self) -> Result<Option<DateTime<Utc>>, ApiError> {
        self.state_value(LAST_SUCCESS).await
    }

    /// Stores what a pull brought and its cursor, in one transaction. Returns how many
    /// accounts were taken.
    async fn take_pulled(&self, pulled: &SyncPulled, mut refetch: Vec<Uuid>) -> Outcome<usize> {
        let tx = self.begin().await?;
        let mut taken = 0;
        let on_the_way: std::collections::HashSet<Uuid> = store::outbox_waiting(&tx, 1_000_000)
            .await
            .map_err(error::store)?
            .iter()
            .map(|c| c.account_id)
            .collect();
        for account in &pulled.accounts {
            if on_the_way.contains(&account.id) {
                refetch.push(account.id);
                continue;
            }
            accounts::mirror(&tx, mirror_of(account))
                .await
                .map_err(error::store)?;
            taken += 1;
        }
        for id in &pulled.dropped {
            if accounts::find_account(&tx, *id)
                .await
                .map_err(error::store)?
                .is_some()
            {
                accounts::drop_copy(&tx, *id).await.map_err(error::store)?;
            }
        }
        self.hold_blanks(&tx, &pulled.blanks).await?;
        let now = self.now();
        store::set_state(&tx, CURSOR, json!(pulled.cursor), now)
            .await
            .map_err(error::store)?;
        refetch.sort_unstable();
        refetch.dedup();
        store::set_state(&tx, REFETCH, json!(refetch), now)
            .await
            .map_err(error::store)?;
        tx.commit().await.map_err(error::store)?;
        Ok(taken)
    }

    /// Adds accounts to those the next pull asks for by id.
    async fn refetch_later(&self, accounts: &[Uuid]) -> Outcome<()> {
        if accounts.is_empty() {
            return Ok(());
        }
        let mut refetch: Vec<Uuid> = self.state_value(REFETCH).await?.unwrap_or_default();
        refetch.extend_from_slice(accounts);
        refetch.sort_unstable();
        refetch.dedup();
        store::set_state(self.conn(), REFETCH, json!(refetch), self.now())
            .await
            .map_err(error::store)
    }

    async fn state_value<T: serde::de::DeserializeOwned>(&self, key: &str) -> Outcome<Option<T>> {
        Ok(store::state(self.conn(), key)
            .await
            .map_err(error::store)?
            .and_then(|v| serde_json::from_value(v).ok()))
    }
}

/// An outbox row as the push carries it.
fn outbox_change(row: &store::OutboxEntry) -> Outcome<OutboxChange> {
    let personnel_number = row.payload["personnel_number"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let change =
        serde_json::from_value(row.payload["change"].clone()).map_err(|e| error::internal(&e))?;
    Ok(OutboxChange {
        id: row.id,
        seq: row.seq,
        account_id: row.account_id,
        at: row.created_at,
        personnel_number,
        change,
    })
}

/// The centre's account as the store mirrors it.
fn mirror_of(account: &SyncedAccount) -> Mirror {
    Mirror {
        id: account.id,
        surname: account.surname.clone(),
        first_name: account.first_name.clone(),
        consent_at: account.consent_at,
        origin: account.origin.clone(),
        created_at: account.created_at,
        updated_at: account.updated_at,
        events: account
            .events
            .iter()
            .map(|e| StoredEvent {
                id: e.id,
                account_id: account.id,
                seq: e.seq,
                kind: e.kind.clone(),
                payload: e.payload.clone(),
                actor: e.actor.clone(),
                origin: e.origin.clone(),
                recorded_at: e.recorded_at,
            })
            .collect(),
        logins: account
            .logins
            .iter()
            .map(|l| (l.kind.clone(), l.value.clone()))
            .collect(),
        profile: account.profile.clone().map(|submitted| ProfileRow {
            account_id: account.id,
            submitted: Some(submitted),
            submitted_at: account.profile_submitted_at,
            draft: None,
            draft_saved_at: None,
        }),
    }
}
