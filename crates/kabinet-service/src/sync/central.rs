//! The centre's side of sync: each pushed change is applied again through the core, exactly
//! once and in its workstation's order, in one transaction with its inbox record; a change
//! the centre cannot apply as it is (a SNILS or passport another account holds, an account
//! blocked or changed meanwhile) opens a conflict instead, and later changes of the same
//! account wait behind it. A pull hands a replica the whole of every account of its centre's
//! scope that changed after its cursor.

use kabinet_api::{
    ApiError, Context, DeskChange, ErrorCode, OutboxChange, SyncCursor, SyncHole, SyncPull,
    SyncPulled, SyncPush, SyncPushed, SyncedAccount, SyncedEvent, SyncedLogin,
};
use kabinet_core::account::{Actor, Command, ConfirmationMethod, Level};
use kabinet_core::profile::Profile;
use kabinet_core::secret::at_least;
use kabinet_core::sync::{Arrival, Cursor, Hole, MAX_HOLES, PUSH_BATCH, arrival};
use kabinet_core::{FieldErrors, Violation};
use kabinet_store::Tx;
use kabinet_store::accounts::{self, AccountCopy, find_login};
use kabinet_store::staff::{Centre, StaffMember, Workstation, staff_by_number};
use kabinet_store::sync::{self as store, Conflict, InboxEntry};
use serde_json::json;
use uuid::Uuid;

use crate::Service;
use crate::access::AtWorkstation;
use crate::error::{self, Outcome};
use crate::messages::{self, Text};
use crate::notify::Outgoing;
use crate::ops::phone_link;
use crate::ops::profile::{core_input, form_of, verified_claims};
use crate::repo::{self, By, Extras, NewAccount};
use crate::staff::desk::{activation_allowed, checked_documents};

/// How often a change is tried again after the database gave up on its transaction
/// (another writer, a serialization failure or a deadlock).
const MAX_ATTEMPTS: usize = 5;

/// How many feed entries one pull reads.
const PULL_LIMIT: u64 = 500;

/// How many accounts that joined the scope one pull sends.
const SCOPE_JOINS: u64 = 1000;

/// How many accounts a pull may ask for by id.
const MAX_REFETCH: usize = 200;

/// Why a change could not be applied as it is: the conflict it opens.
pub(crate) struct Refusal {
    /// `claim` or `refused`.
    kind: &'static str,
    /// The login kind claimed twice, or the refusal's code.
    reason: String,
    /// The login kind, for a claim.
    claim_kind: Option<String>,
    /// The account holding it, for a claim.
    existing: Option<Uuid>,
}

impl Refusal {
    fn refused(reason: impl Into<String>) -> Self {
        Self {
            kind: "refused",
            reason: reason.into(),
            claim_kind: None,
            existing: None,
        }
    }

    /// A use case's error: a refusal of the account's rules becomes the conflict's reason;
    /// a failure of the store (retried by the caller) or of the service stays an error.
    fn of(error: ApiError) -> Result<Self, ApiError> {
        match error.code {
            ErrorCode::Conflict | ErrorCode::Internal | ErrorCode::Unavailable => Err(error),
            code => Ok(Self::refused(code.as_str())),
        }
    }
}

/// Where an arriving change stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Taking {
    /// The workstation's next: apply it.
    Next,
    /// Received before: acknowledge it again.
    Seen,
    /// A later one: the ones before it first.
    Early,
}

/// What applying a change did.
pub(crate) struct Applied {
    /// `applied` or `held`.
    outcome: &'static str,
    /// The conflict it waits in, when held.
    conflict: Option<Uuid>,
    /// Notices for citizens, sent after the commit.
    pub(crate) notices: Vec<(Uuid, Text)>,
    /// Messages to send after the commit (the link to a phone noted at the desk).
    messages: Vec<Outgoing>,
}

/// Where a change comes from.
pub(crate) struct Origin<'a> {
    pub workstation: &'a Workstation,
    pub centre: &'a Centre,
    /// The centre's staff as read earlier in the same push (a batch is mostly one operator's).
    pub staff: Option<&'a StaffSeen>,
}

/// Staff members by personnel number, as read once in a push.
pub(crate) type StaffSeen =
    std::sync::Mutex<std::collections::HashMap<String, Option<StaffMember>>>;

impl Service {
    pub(crate) async fn sync_push(
        &self,
        at: AtWorkstation,
        context: &Context,
        request: SyncPush,
    ) -> Outcome<SyncPushed> {
        if request.changes.len() > PUSH_BATCH {
            let mut errors = FieldErrors::default();
            errors.add(
                "changes",
                vec![Violation::new("too_long").with("max", PUSH_BATCH)],
            );
            return Err(error::fields(errors));
        }
        let mut changes = request.changes;
        changes.sort_by_key(|c| c.seq);
        let seen = StaffSeen::default();
        let origin = Origin {
            workstation: &at.workstation,
            centre: &at.centre,
            staff: Some(&seen),
        };
        // The workstation's last number, once read: the next change in the batch is taken
        // without reading the inbox again (the inbox's unique keys still refuse a duplicate,
        // and the retry reads afresh).
        let mut last = None;
        for change in &changes {
            if !self.receive(&origin, context, change, last).await? {
                break;
            }
            last = Some(change.seq);
        }
        Ok(SyncPushed {
            applied_through: store::inbox_last_seq(self.conn(), at.workstation.id)
                .await
                .map_err(error::store)?,
            conflicts_open: store::open_conflict_count(self.conn(), at.centre.id)
                .await
                .map_err(error::store)?,
        })
    }

    /// Receives one change; false when it is out of order (the rest of the batch waits).
    async fn receive(
        &self,
        origin: &Origin<'_>,
        context: &Context,
        change: &OutboxChange,
        mut last: Option<i64>,
    ) -> Outcome<bool> {
        for _ in 0..MAX_ATTEMPTS {
            match self.try_receive(origin, context, change, last.take()).await {
                Err(e) if e.code == ErrorCode::Conflict && e.message == REUSED => return Err(e),
                // Another transaction won (a version, a claim) or the database gave up on this
                // one: each attempt is a transaction of its own, so run it again.
                Err(e) if matches!(e.code, ErrorCode::Conflict | ErrorCode::Unavailable) => {
                    tracing::info!(change = %change.id, code = e.code.as_str(), "sync change tried again");
                    continue;
                }
                other => return other,
            }
        }
        Err(ApiError::new(ErrorCode::Unavailable)
            .retry_at(self.now() + chrono::Duration::seconds(1)))
    }

    async fn try_receive(
        &self,
        origin: &Origin<'_>,
        context: &Context,
        change: &OutboxChange,
        last: Option<i64>,
    ) -> Outcome<bool> {
        let tx = self.begin().await?;
        let taking = if last.is_some_and(|last| change.seq == last + 1) {
            Taking::Next
        } else {
            self.in_order(&tx, origin, change).await?
        };
        match taking {
            Taking::Early => return Ok(false),
            Taking::Seen => return Ok(true),
            Taking::Next => {}
        }
        let applied = match self.apply_change(&tx, origin, context, change).await? {
            Ok(applied) => applied,
            Err(refusal) => {
                // What the change wrote before it was refused goes with this transaction; the
                // conflict is recorded in a fresh one.
                drop(tx);
                let tx = self.begin().await?;
                if self.in_order(&tx, origin, change).await? != Taking::Next {
                    return Ok(true);
                }
                let conflict = self.open_conflict(&tx, origin, change, refusal).await?;
                self.record_received(&tx, origin, change, "conflict", Some(conflict))
                    .await?;
                tx.commit().await.map_err(error::store)?;
                return Ok(true);
            }
        };
        self.record_received(&tx, origin, change, applied.outcome, applied.conflict)
            .await?;
        tx.commit().await.map_err(error::store)?;
        for (account, text) in applied.notices {
            self.notify_event(account, text).await;
        }
        self.deliver(applied.messages).await;
        Ok(true)
    }

    /// Whether `change` is the workstation's next, was received before, or is early; a number
    /// reused by another change is refused outright.
    async fn in_order(
        &self,
        tx: &Tx,
        origin: &Origin<'_>,
        change: &OutboxChange,
    ) -> Outcome<Taking> {
        let seen = store::inbox_entry(tx, change.id)
            .await
            .map_err(error::store)?;
        if seen
            .as_ref()
            .is_some_and(|s| s.workstation_id != origin.workstation.id || s.seq != change.seq)
        {
            return Err(reused());
        }
        let last = store::inbox_last_seq(tx, origin.workstation.id)
            .await
            .map_err(error::store)?;
        match arrival(last, change.seq, seen.is_some()) {
            Arrival::Duplicate => Ok(Taking::Seen),
            Arrival::Next => Ok(Taking::Next),
            Arrival::Early { .. } => Ok(Taking::Early),
            Arrival::Reused => Err(reused()),
        }
    }

    async fn record_received(
        &self,
        tx: &Tx,
        origin: &Origin<'_>,
        change: &OutboxChange,
        outcome: &str,
        conflict_id: Option<Uuid>,
    ) -> Outcome<()> {
        store::inbox_insert(
            tx,
            InboxEntry {
                event_id: change.id,
                workstation_id: origin.workstation.id,
                seq: change.seq,
                account_id: change.account_id,
                kind: super::change_kind(&change.change).to_owned(),
                outcome: outcome.to_owned(),
                conflict_id,
                applied_at: self.now(),
            },
        )
        .await
        .map_err(error::store)
    }

    async fn open_conflict(
        &self,
        tx: &Tx,
        origin: &Origin<'_>,
        change: &OutboxChange,
        refusal: Refusal,
    ) -> Outcome<Uuid> {
        let id = Uuid::now_v7();
        store::insert_conflict(
            tx,
            Conflict {
                id,
                centre_id: origin.centre.id,
                workstation_id: origin.workstation.id,
                account_id: change.account_id,
                kind: refusal.kind.to_owned(),
                claim_kind: refusal.claim_kind,
                existing_account: refusal.existing,
                changes: json!([change]),
                reason: refusal.reason,
                status: "open".to_owned(),
                opened_at: self.now(),
                resolved_by: None,
                resolved_at: None,
                resolution_reason: None,
            },
        )
        .await
        .map_err(error::store)?;
        Ok(id)
    }

    /// Applies one change inside `tx`, or says why it cannot be.
    pub(crate) async fn apply_change(
        &self,
        tx: &Tx,
        origin: &Origin<'_>,
        context: &Context,
        change: &OutboxChange,
    ) -> Outcome<Result<Applied, Refusal>> {
        let standing = store::standing_conflicts(tx, change.account_id)
            .await
            .map_err(error::store)?;
        // A later change of an account whose earlier change waits in a conflict waits too.
        if let Some(open) = standing.iter().find(|c| c.status == "open") {
            store::hold_in_conflict(tx, open.id, json!(change))
                .await
                .map_err(error::store)?;
            return Ok(Ok(Applied {
                outcome: "held",
                conflict: Some(open.id),
                notices: Vec::new(),
                messages: Vec::new(),
            }));
        }
        // A change of an account an operator merged into another applies to that one.
        let account_id = standing
            .iter()
            .find_map(|c| c.existing_account.filter(|_| c.status == "merged"))
            .unwrap_or(change.account_id);
        self.apply_to(tx, origin, context, change, account_id).await
    }

    /// Applies one change to `account_id` inside `tx`, as the staff member who made it at the
    /// desk, at the time they made it (never later than now).
    pub(crate) async fn apply_to(
        &self,
        tx: &Tx,
        origin: &Origin<'_>,
        context: &Context,
        change: &OutboxChange,
        account_id: Uuid,
    ) -> Outcome<Result<Applied, Refusal>> {
        let scope = match &change.change {
            DeskChange::RegisteredInPerson { .. } => kabinet_api::Scope::CitizenRegister,
            DeskChange::ConfirmedInPerson { .. } => kabinet_api::Scope::IdentityConfirm,
            DeskChange::AccessRestored { .. } => kabinet_api::Scope::AccessRestore,
            DeskChange::ActivationCodeIssued { .. } => kabinet_api::Scope::ActivationCodeIssue,
        };
        let member = self
            .change_author(tx, origin, &change.personnel_number)
            .await?
            .filter(|m| m.centre_id == origin.centre.id && m.status != "pending");
        let Some(member) = member else {
            return Ok(Err(Refusal::refused("staff_unknown")));
        };
        // A replica holds only its centre's accounts (and those it registered): a change of any
        // other account did not come from a desk's honest work.
        let registers = matches!(change.change, DeskChange::RegisteredInPerson { .. });
        if !registers
            && store::in_scope(tx, origin.centre.id, vec![account_id])
                .await
                .map_err(error::store)?
                .is_empty()
            && repo::load(tx, account_id).await?.is_some()
        {
            return Ok(Err(Refusal::refused("out_of_scope")));
        }
        if !crate::staff::scopes_of(&member).contains(&scope) {
            return Ok(Err(Refusal::refused(ErrorCode::Forbidden.as_str())));
        }
        let actor = Actor::Operator {
            operator: member.personnel_number.clone(),
            centre: origin.centre.id.to_string(),
            centre_name: origin.centre.name.clone(),
            workstation: origin.workstation.id.to_string(),
        };
        let source = format!("workstation:{}", origin.workstation.id);
        let by = By {
            actor: &actor,
            context,
            at: change.at.min(self.now()),
            origin: &source,
        };
        let mut notices = Vec::new();
        let mut messages = Vec::new();
        let done = match &change.change {
            DeskChange::RegisteredInPerson {
                profile,
                password_phc,
                phone_later,
                ..
            } => {
                let done = self
                    .apply_registration(tx, &by, origin, account_id, profile, password_phc)
                    .await?;
                match (&done, phone_later) {
                    (Ok(()), Some(phone)) => match phone_link::noted_phone(phone) {
                        Ok(Some(phone)) => {
                            messages.push(self.phone_link(tx, account_id, &phone, by.at).await?);
                            done
                        }
                        _ => Err(Refusal::refused(ErrorCode::InvalidInput.as_str())),
                    },
                    _ => done,
                }
            }
            DeskChange::ConfirmedInPerson { documents } => {
                let done = self
                    .apply_confirmation(tx, &by, origin, account_id, documents)
                    .await?;
                if done.is_ok() {
                    notices.push((account_id, messages::confirmed_notice()));
                }
                done
            }
            DeskChange::AccessRestored { password_phc } => {
                self.apply_restore_change(tx, &by, account_id, password_phc)
                    .await?
            }
            DeskChange::ActivationCodeIssued { blank } => {
                self.apply_blank(tx, &by, origin, account_id, *blank)
                    .await?
            }
        };
        if let Err(refusal) = done {
            return Ok(Err(refusal));
        }
        store::add_to_scope(tx, origin.centre.id, account_id, by.at)
            .await
            .map_err(error::store)?;
        Ok(Ok(Applied {
            outcome: "applied",
            conflict: None,
            notices,
            messages,
        }))
    }

    async fn apply_registration(
        &self,
        tx: &Tx,
        by: &By<'_>,
        origin: &Origin<'_>,
        account_id: Uuid,
        profile: &kabinet_api::ProfileForm,
        phc: &str,
    ) -> Outcome<Result<(), Refusal>> {
        if repo::load(tx, account_id).await?.is_some() {
            return Ok(Err(Refusal::refused(ErrorCode::Conflict.as_str())));
        }
        let Ok(parsed) = Profile::parse(&core_input(profile), by.at.date_naive()) else {
            return Ok(Err(Refusal::refused(ErrorCode::InvalidInput.as_str())));
        };
        if !at_least(phc, self.inner.config.hash_params) {
            return Ok(Err(Refusal::refused(ErrorCode::InvalidInput.as_str())));
        }
        let canonical = form_of(&parsed);
        let claims = verified_claims(&canonical);
        for (kind, value) in &claims {
            if let Some(holder) = find_login(tx, kind, value).await.map_err(error::store)? {
                return Ok(Err(Refusal {
                    kind: "claim",
                    reason: kind.clone(),
                    claim_kind: Some(kind.clone()),
                    existing: Some(holder),
                }));
            }
        }
        let created = repo::create_then(
            tx,
            NewAccount {
                id: account_id,
                surname: &canonical.surname,
                first_name: &canonical.first_name,
            },
            &Command::RegisterInPerson {
                centre: origin.centre.id.to_string(),
            },
            &[Command::SubmitProfile],
            by,
            Extras {
                claim: claims,
                release: Vec::new(),
            },
        )
        .await;
        let account = match created {
            Ok(account) => account,
            // Another transaction claimed the login since it was read: run again, to find it.
            Err(e) if e.code == ErrorCode::ContactInUse => {
                return Err(ApiError::new(ErrorCode::Conflict));
            }
            Err(e) => return Refusal::of(e).map(Err),
        };
        match self
            .finish_in_person_registration(tx, by, &account, &canonical, phc.to_owned())
            .await
        {
            Ok(_) => Ok(Ok(())),
            Err(e) => Refusal::of(e).map(Err),
        }
    }

    async fn apply_confirmation(
        &self,
        tx: &Tx,
        by: &By<'_>,
        origin: &Origin<'_>,
        account_id: Uuid,
        documents: &[String],
    ) -> Outcome<Result<(), Refusal>> {
        let Some(account) = repo::load(tx, account_id).await? else {
            return Ok(Err(Refusal::refused(ErrorCode::NotFound.as_str())));
        };
        let Ok(documents) = checked_documents(documents) else {
            return Ok(Err(Refusal::refused(ErrorCode::InvalidInput.as_str())));
        };
        let command = Command::ConfirmIdentity {
            method: ConfirmationMethod::InPerson {
                centre: origin.centre.id.to_string(),
                documents,
            },
        };
        match repo::execute(tx, &account, &command, by, Extras::default()).await {
            Ok(_) => Ok(Ok(())),
            Err(e) => Refusal::of(e).map(Err),
        }
    }

    async fn apply_restore_change(
        &self,
        tx: &Tx,
        by: &By<'_>,
        account_id: Uuid,
        phc: &str,
    ) -> Outcome<Result<(), Refusal>> {
        let Some(account) = repo::load(tx, account_id).await? else {
            return Ok(Err(Refusal::refused(ErrorCode::NotFound.as_str())));
        };
        // A Confirmed account is restored only with a second staff member's approval, which
        // a workstation cannot give offline.
        if account.state.level == Level::Confirmed {
            return Ok(Err(Refusal::refused("approval_required")));
        }
        if !at_least(phc, self.inner.config.hash_params) {
            return Ok(Err(Refusal::refused(ErrorCode::InvalidInput.as_str())));
        }
        match self.apply_restore(tx, by, &account, phc.to_owned()).await {
            Ok(_) => Ok(Ok(())),
            Err(e) => Refusal::of(e).map(Err),
        }
    }

    /// The staff member a change names, read once per push.
    async fn change_author(
        &self,
        tx: &Tx,
        origin: &Origin<'_>,
        number: &str,
    ) -> Outcome<Option<StaffMember>> {
        let known = origin
            .staff
            .and_then(|seen| seen.lock().ok()?.get(number).cloned());
        if let Some(member) = known {
            return Ok(member);
        }
        let member = staff_by_number(tx, number).await.map_err(error::store)?;
        if let Some(seen) = origin.staff
            && let Ok(mut seen) = seen.lock()
        {
            seen.insert(number.to_owned(), member.clone());
        }
        Ok(member)
    }

    /// A blank handed to a citizen offline: bound to the account (it must be one the centre
    /// made for this workstation, not handed out before, and handed out in time) and its code
    /// started as an online one would be.
    async fn apply_blank(
        &self,
        tx: &Tx,
        by: &By<'_>,
        origin: &Origin<'_>,
        account_id: Uuid,
        blank: Uuid,
    ) -> Outcome<Result<(), Refusal>> {
        let Some(account) = repo::load(tx, account_id).await? else {
            return Ok(Err(Refusal::refused(ErrorCode::NotFound.as_str())));
        };
        let Some(blank) = super::blanks::blank_of(tx, blank, origin.workstation.id).await? else {
            return Ok(Err(Refusal::refused("blank_unknown")));
        };
        if blank.account_id.is_some() {
            return Ok(Err(Refusal::refused("blank_used")));
        }
        if by.at > blank.expires_at {
            return Ok(Err(Refusal::refused("blank_expired")));
        }
        if let Err(e) = activation_allowed(&account) {
            return Refusal::of(e).map(Err);
        }
        if !kabinet_store::blanks::bind(tx, blank.id, account.id, by.at)
            .await
            .map_err(error::store)?
        {
            return Ok(Err(Refusal::refused("blank_used")));
        }
        let hash: [u8; 32] = blank
            .code_hash
            .as_slice()
            .try_into()
            .map_err(|_| error::internal(&"a blank's hash of the wrong length"))?;
        match self.start_activation(tx, &account, by, hash).await {
            Ok(_) => Ok(Ok(())),
            Err(e) => Refusal::of(e).map(Err),
        }
    }

    pub(crate) async fn sync_pull(
        &self,
        at: AtWorkstation,
        _context: &Context,
        request: SyncPull,
    ) -> Outcome<SyncPulled> {
        let mut errors = FieldErrors::default();
        if request.cursor.holes.len() > MAX_HOLES {
            errors.add(
                "cursor.holes",
                vec![Violation::new("too_long").with("max", MAX_HOLES)],
            );
        }
        if request.accounts.len() > MAX_REFETCH {
            errors.add(
                "accounts",
                vec![Violation::new("too_long").with("max", MAX_REFETCH)],
            );
        }
        if request.cursor.after < 0 {
            errors.add("cursor.after", vec![Violation::new("invalid")]);
        }
        if !errors.is_empty() {
            return Err(error::fields(errors));
        }
        let cursor = Cursor {
            after: request.cursor.after,
            holes: request
                .cursor
                .holes
                .iter()
                .map(|h| Hole {
                    seq: h.seq,
                    since: h.since,
                })
                .collect(),
        };
        let entries = store::feed_entries(
            self.conn(),
            cursor.after,
            &cursor.hole_numbers(),
            PULL_LIMIT,
        )
        .await
        .map_err(error::store)?;
        let more = entries
            .iter()
            .filter(|(seq, _)| *seq > cursor.after)
            .count() as u64
            == PULL_LIMIT;
        let read: Vec<i64> = entries.iter().map(|(seq, _)| *seq).collect();
        let now = self.now();
        let mut wanted: Vec<Uuid> = entries.iter().map(|(_, id)| *id).collect();
        wanted.extend(request.accounts.iter().copied());
        // Accounts that joined the scope since the last sync (a citizen served online at the
        // centre's desk, say) come whole even if their last change is older than the cursor.
        // They are sent with the last page of a sync only, so a sync that pages through the
        // feed sends them once; a minute of overlap covers a scope row committed just after the
        // last sync read.
        let last_page = !more;
        if let (true, Some(since)) = (last_page, request.cursor.scope_since) {
            wanted.extend(
                store::scope_joined_since(
                    self.conn(),
                    at.centre.id,
                    since
                        .checked_sub_signed(chrono::Duration::minutes(1))
                        .unwrap_or(since),
                    SCOPE_JOINS,
                )
                .await
                .map_err(error::store)?,
            );
        }
        let ids = store::in_scope(self.conn(), at.centre.id, wanted)
            .await
            .map_err(error::store)?;
        let mut accounts = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(copy) = accounts::account_copy(self.conn(), id)
                .await
                .map_err(error::store)?
            {
                accounts.push(synced(copy));
            }
        }
        let mut dropped = Vec::new();
        for id in store::resolved_conflict_accounts(self.conn(), at.workstation.id, 1000)
            .await
            .map_err(error::store)?
        {
            if repo::load(self.conn(), id).await?.is_none() {
                dropped.push(id);
            }
        }
        let next = cursor.advance(&read, now);
        Ok(SyncPulled {
            cursor: SyncCursor {
                after: next.after,
                holes: next
                    .holes
                    .iter()
                    .map(|h| SyncHole {
                        seq: h.seq,
                        since: h.since,
                    })
                    .collect(),
                scope_since: if last_page {
                    Some(now)
                } else {
                    request.cursor.scope_since
                },
            },
            accounts,
            dropped,
            more,
            conflicts_open: store::open_conflict_count(self.conn(), at.centre.id)
                .await
                .map_err(error::store)?,
            blanks: self.issue_blanks(&at, request.blanks_wanted).await?,
        })
    }
}

const REUSED: &str = "Номер изменения рабочего места уже занят другим изменением";

/// A workstation's number used by another change: its outbox is not what it sent before (a
/// restored backup, say), which no retry mends; staff must look.
fn reused() -> ApiError {
    ApiError::new(ErrorCode::Conflict).with_message(REUSED)
}

/// An account as the wire carries it.
fn synced(copy: AccountCopy) -> SyncedAccount {
    let (profile, profile_submitted_at) = match copy.profile {
        Some(row) => (row.submitted, row.submitted_at),
        None => (None, None),
    };
    SyncedAccount {
        id: copy.account.id,
        surname: copy.account.surname,
        first_name: copy.account.first_name,
        consent_at: copy.account.consent_at,
        origin: copy.account.origin,
        created_at: copy.account.created_at,
        updated_at: copy.account.updated_at,
        events: copy
            .events
            .into_iter()
            .map(|e| SyncedEvent {
                id: e.id,
                seq: e.seq,
                kind: e.kind,
                payload: e.payload,
                actor: e.actor,
                origin: e.origin,
                recorded_at: e.recorded_at,
            })
            .collect(),
        logins: copy
            .logins
            .into_iter()
            .map(|(kind, value)| SyncedLogin { kind, value })
            .collect(),
        profile,
        profile_submitted_at,
    }
}
