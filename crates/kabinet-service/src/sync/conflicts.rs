//! The centre's queue of conflicts: what a workstation did offline that the centre could not
//! apply as it was, shown with both sides, and an operator's audited decision — merge into
//! the existing account after comparing the citizen's originals with it, or reject with a
//! reason the citizen is told.

use kabinet_api::{
    ApiError, ConflictKind, ConflictResolution, ConflictSide, ConflictStatus, Context, DeskChange,
    Empty, ErrorCode, OutboxChange, SyncConflictResolve, SyncConflictView, SyncConflicts,
};
use kabinet_core::FieldErrors;
use kabinet_core::sync::rejection_reason;
use kabinet_store::staff::{self as staff_store};
use kabinet_store::sync::{self as store, Conflict};
use serde_json::{Value, json};
use uuid::Uuid;

use super::central::Origin;
use crate::Service;
use crate::access::Staff;
use crate::error::{self, Outcome};
use crate::messages;
use crate::staff::{Audited, Found};

/// How many conflicts the queue shows.
const QUEUE: u64 = 200;

impl Service {
    pub(crate) async fn sync_conflicts(
        &self,
        staff: Staff,
        _context: &Context,
        _request: Empty,
    ) -> Outcome<SyncConflicts> {
        let mut rows = store::conflicts(self.conn(), staff.at.centre.id, false, QUEUE)
            .await
            .map_err(error::store)?;
        rows.sort_by_key(|c| (c.status != "open", c.opened_at));
        let mut conflicts = Vec::with_capacity(rows.len());
        for row in &rows {
            conflicts.push(self.conflict_view(row).await?);
        }
        Ok(SyncConflicts { conflicts })
    }

    pub(crate) async fn sync_conflict_resolve(
        &self,
        staff: Staff,
        context: &Context,
        request: SyncConflictResolve,
    ) -> Outcome<SyncConflictView> {
        let row = store::conflict(self.conn(), request.id)
            .await
            .map_err(error::store)?
            .filter(|c| c.centre_id == staff.at.centre.id)
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
        if row.status != "open" {
            return Err(decided());
        }
        match request.resolution {
            ConflictResolution::Merge { checked_in_person } => {
                if !checked_in_person {
                    return Err(ApiError::field("resolution.checked_in_person", "required"));
                }
                let existing = row
                    .existing_account
                    .filter(|_| row.kind == "claim")
                    .ok_or_else(|| {
                        ApiError::new(ErrorCode::NotAllowed).with_message(
                            "Объединить можно только с уже существующей учётной записью",
                        )
                    })?;
                self.merge(&staff, context, &row, existing).await?;
            }
            ConflictResolution::Reject { reason } => {
                let reason = rejection_reason(&reason).map_err(|v| {
                    let mut errors = FieldErrors::default();
                    errors.add("resolution.reason", vec![v]);
                    error::fields(errors)
                })?;
                let tx = self.begin().await?;
                if !store::resolve_conflict(
                    &tx,
                    row.id,
                    "rejected",
                    staff.member.id,
                    Some(reason.clone()),
                    self.now(),
                )
                .await
                .map_err(error::store)?
                {
                    return Err(decided());
                }
                tx.commit().await.map_err(error::store)?;
                // The citizen is told through their account when the centre has one; an
                // account made offline that never reached the centre has no contact, and the
                // operator tells the citizen at the desk.
                if crate::repo::load(self.conn(), row.account_id)
                    .await?
                    .is_some()
                {
                    self.notify_event(row.account_id, messages::desk_change_rejected(&reason))
                        .await;
                }
            }
        }
        let row = store::conflict(self.conn(), row.id)
            .await
            .map_err(error::store)?
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
        self.conflict_view(&row).await
    }

    /// Closes the conflict as merged and applies the changes it held (but the registration
    /// itself: the existing account stands) to the existing account, in one transaction. A
    /// held change the existing account's state refuses is left out and said in the audit.
    async fn merge(
        &self,
        staff: &Staff,
        context: &Context,
        row: &Conflict,
        existing: Uuid,
    ) -> Outcome<()> {
        let workstation = staff_store::workstation(self.conn(), row.workstation_id)
            .await
            .map_err(error::store)?
            .ok_or_else(|| error::internal(&"a conflict of an unknown workstation"))?;
        let origin = Origin {
            workstation: &workstation,
            centre: &staff.at.centre,
            staff: None,
        };
        let held: Vec<OutboxChange> =
            serde_json::from_value(row.changes.clone()).map_err(|e| error::internal(&e))?;
        let tx = self.begin().await?;
        if !store::resolve_conflict(&tx, row.id, "merged", staff.member.id, None, self.now())
            .await
            .map_err(error::store)?
        {
            return Err(decided());
        }
        let mut notices = Vec::new();
        for change in held
            .iter()
            .filter(|c| !matches!(c.change, DeskChange::RegisteredInPerson { .. }))
        {
            if let Ok(applied) = self
                .apply_to(&tx, &origin, context, change, existing)
                .await?
            {
                notices.extend(applied.notices);
            }
        }
        store::add_to_scope(&tx, staff.at.centre.id, existing, self.now())
            .await
            .map_err(error::store)?;
        tx.commit().await.map_err(error::store)?;
        for (account, text) in notices {
            self.notify_event(account, text).await;
        }
        Ok(())
    }

    async fn conflict_view(&self, row: &Conflict) -> Outcome<SyncConflictView> {
        let held: Vec<OutboxChange> =
            serde_json::from_value(row.changes.clone()).unwrap_or_default();
        let local = match held.first().map(|c| &c.change) {
            Some(DeskChange::RegisteredInPerson { profile, .. }) => side(
                row.account_id,
                &serde_json::to_value(profile).unwrap_or_default(),
            ),
            _ => self.side_of(row.account_id).await?,
        };
        let existing = match row.existing_account {
            Some(id) => Some(self.side_of(id).await?),
            None => None,
        };
        Ok(SyncConflictView {
            id: row.id,
            kind: if row.kind == "claim" {
                ConflictKind::Claim
            } else {
                ConflictKind::Refused
            },
            reason: row.reason.clone(),
            workstation_id: row.workstation_id,
            opened_at: row.opened_at,
            local,
            existing,
            changes: held
                .iter()
                .map(|c| super::change_kind(&c.change).to_owned())
                .collect(),
            status: match row.status.as_str() {
                "merged" => ConflictStatus::Merged,
                "rejected" => ConflictStatus::Rejected,
                _ => ConflictStatus::Open,
            },
            resolution_reason: row.resolution_reason.clone(),
        })
    }

    /// An account at the centre as a conflict shows it (from its submitted profile).
    async fn side_of(&self, id: Uuid) -> Outcome<ConflictSide> {
        let profile = kabinet_store::documents::profile(self.conn(), id)
            .await
            .map_err(error::store)?
            .and_then(|p| p.submitted)
            .unwrap_or(Value::Null);
        let mut side = side(id, &profile);
        if side.full_name.is_empty()
            && let Some(account) = crate::repo::load(self.conn(), id).await?
        {
            side.full_name = format!("{} {}", account.surname, account.first_name)
                .trim()
                .to_owned();
        }
        Ok(side)
    }
}

fn decided() -> ApiError {
    ApiError::new(ErrorCode::Conflict).with_message("Этот конфликт уже решён")
}

/// One side from a profile form as JSON; documents masked but for their last digits.
fn side(account_id: Uuid, profile: &Value) -> ConflictSide {
    let text = |path: &[&str]| {
        path.iter()
            .fold(profile, |v, key| &v[*key])
            .as_str()
            .unwrap_or_default()
            .trim()
            .to_owned()
    };
    let full_name = [
        text(&["surname"]),
        text(&["first_name"]),
        text(&["patronymic"]),
    ]
    .into_iter()
    .filter(|p| !p.is_empty())
    .collect::<Vec<_>>()
    .join(" ");
    let passport = format!(
        "{}{}",
        text(&["passport", "series"]),
        text(&["passport", "number"])
    );
    let document = if passport.is_empty() {
        text(&["foreign_passport", "number"])
    } else {
        passport
    };
    ConflictSide {
        account_id,
        full_name,
        birth_date: text(&["birth_date"]),
        snils: masked(&text(&["snils"])),
        document: masked(&document),
    }
}

/// All but the last three digits or letters hidden.
fn masked(value: &str) -> String {
    let chars: Vec<char> = value.chars().filter(|c| c.is_alphanumeric()).collect();
    let shown = chars.len().saturating_sub(3);
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < shown { '•' } else { *c })
        .collect()
}

impl Audited for SyncConflictResolve {
    fn detail(&self) -> Value {
        match &self.resolution {
            ConflictResolution::Merge { checked_in_person } => {
                json!({"conflict": self.id, "action": "merge", "checked_in_person": checked_in_person})
            }
            ConflictResolution::Reject { reason } => {
                json!({"conflict": self.id, "action": "reject", "reason": reason})
            }
        }
    }
}

impl Found for SyncConflicts {}

impl Found for SyncConflictView {
    fn found(&self) -> Option<Uuid> {
        self.existing.as_ref().map(|e| e.account_id)
    }
}
