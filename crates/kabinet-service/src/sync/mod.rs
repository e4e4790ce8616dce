//! Workstation sync. A workstation keeps a replica of its centre's citizens in a local
//! database and serves the queue from it when the link to the centre is down; the centre's
//! database stays the one truth.
//!
//! - On the replica, every desk change that can be made offline (in-person registration and
//!   confirmation, restoring access, an activation code from a blank the centre gave it in
//!   advance — [`blanks`]) is also written to the outbox **in the transaction that
//!   makes it** ([`Service::record_desk_change`]); [`replica`] pushes the outbox and pulls the
//!   centre's copy of the centre's accounts through a [`SyncLink`].
//! - At the centre, [`central`] applies each pushed change again through the core — exactly
//!   once, in the workstation's order — or holds it as a conflict; [`conflicts`] is the
//!   operators' queue of those.
//!
//! Operations that need the centre (anything else a desk does, which needs the outside world
//! or four eyes) are refused on a replica, so no change can be made there that the outbox
//! does not carry.

mod blanks;
pub(crate) mod central;
pub(crate) mod conflicts;
pub mod replica;
mod workstation;

use kabinet_api::{ApiError, DeskChange, ErrorCode};
use kabinet_core::account::Actor;
use kabinet_store::{Conn, Tx, accounts, sync as store};
use uuid::Uuid;

use crate::Service;
use crate::error::{self, Outcome};
use crate::repo::By;

pub use replica::{SyncLink, SyncReport, Through};

/// The staff operations a workstation may run on its replica: finding a citizen and the
/// changes the outbox carries. Everything else needs the centre.
pub const OFFLINE_OPERATIONS: [&str; 8] = [
    "staff_me",
    "staff_sign_out",
    "citizen_search",
    "citizen_card",
    "citizen_register",
    "identity_confirm_in_person",
    "access_restore",
    "activation_code_issue",
];

/// The outbox's name for a change.
pub(crate) fn change_kind(change: &DeskChange) -> &'static str {
    match change {
        DeskChange::RegisteredInPerson { .. } => "registered_in_person",
        DeskChange::ConfirmedInPerson { .. } => "confirmed_in_person",
        DeskChange::AccessRestored { .. } => "access_restored",
        DeskChange::ActivationCodeIssued { .. } => "activation_code_issued",
    }
}

impl Service {
    /// Whether this service's database is a workstation's replica (read once, then kept).
    pub(crate) async fn is_replica(&self, conn: &impl Conn) -> Outcome<bool> {
        use std::sync::atomic::Ordering::SeqCst;
        match self.inner.replica.load(SeqCst) {
            1 => Ok(false),
            2 => Ok(true),
            _ => {
                let replica = accounts::is_replica(conn).await.map_err(error::store)?;
                self.inner
                    .replica
                    .store(if replica { 2 } else { 1 }, SeqCst);
                Ok(replica)
            }
        }
    }

    /// Makes this service's database a workstation's replica (once, before it serves anyone).
    pub async fn become_replica(&self) -> Result<(), ApiError> {
        accounts::mark_replica(self.conn(), self.now())
            .await
            .map_err(error::store)?;
        self.inner
            .replica
            .store(2, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }

    /// Refuses, on a replica, a staff operation the outbox could not carry to the centre.
    pub(crate) async fn offline_guard(&self, operation: &str) -> Outcome<()> {
        if OFFLINE_OPERATIONS.contains(&operation) || !self.is_replica(self.conn()).await? {
            return Ok(());
        }
        Err(ApiError::new(ErrorCode::Unavailable)
            .with_message("Это действие выполняется только при связи с центром"))
    }

    /// On a replica, appends a desk change to the outbox inside the transaction that made it;
    /// elsewhere does nothing.
    pub(crate) async fn record_desk_change(
        &self,
        tx: &Tx,
        by: &By<'_>,
        account_id: Uuid,
        change: DeskChange,
    ) -> Outcome<()> {
        if !self.is_replica(tx).await? {
            return Ok(());
        }
        let Actor::Operator { operator, .. } = by.actor else {
            return Err(error::internal(&"a desk change by someone not staff"));
        };
        let payload = serde_json::json!({
            "personnel_number": operator,
            "change": change,
        });
        store::outbox_append(
            tx,
            Uuid::now_v7(),
            account_id,
            change_kind(&change),
            payload,
            by.at,
        )
        .await
        .map_err(error::store)?;
        Ok(())
    }
}
