//! Workstation sync: a workstation's replica pushes the changes made at its desk (its outbox)
//! and pulls the centre's copy of the accounts its centre serves; changes the centre could not
//! apply as they were wait as conflicts for an operator.

use super::prelude::*;

/// A change made at a workstation's desk, as the centre applies it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DeskChange {
    /// A citizen registered in person; the account id is the one the workstation made.
    RegisteredInPerson {
        /// The surname as in the passport.
        surname: String,
        /// The first name as in the passport.
        first_name: String,
        /// The profile the operator took from the originals.
        profile: Box<ProfileForm>,
        /// The argon2id hash of the temporary password printed for the citizen.
        password_phc: String,
        /// A phone the citizen gave that the desk could not prove: the centre sends it a link.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        phone_later: Option<String>,
    },
    /// An identity confirmed in person.
    ConfirmedInPerson {
        /// The originals checked (`passport`, `snils`, `foreign_passport`).
        documents: Vec<String>,
    },
    /// Access restored in person with a new temporary password.
    AccessRestored {
        /// The argon2id hash of the temporary password printed for the citizen.
        password_phc: String,
    },
    /// An activation code handed over from a blank the centre gave this workstation in
    /// advance; the code itself never travels again, only which blank it was.
    ActivationCodeIssued {
        /// The blank's id.
        blank: Uuid,
    },
}

/// One change of a workstation's outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct OutboxChange {
    /// UUIDv7, made at the workstation: the change's identity everywhere.
    pub id: Uuid,
    /// The workstation's number for it: 1, 2, 3… with no gaps.
    pub seq: i64,
    /// The account it concerns.
    pub account_id: Uuid,
    /// When it was made at the desk.
    pub at: DateTime<Utc>,
    /// Who made it.
    pub personnel_number: String,
    /// What it is.
    pub change: DeskChange,
}

/// A push: the next changes of the outbox, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SyncPush {
    /// At most 200, numbered consecutively.
    pub changes: Vec<OutboxChange>,
}

/// What the centre took.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SyncPushed {
    /// Every change up to this number has been received (applied, or held as a conflict): the
    /// workstation may forget them. A change after it was refused as out of order and is sent
    /// again from here.
    pub applied_through: i64,
    /// Conflicts open at the workstation's centre.
    pub conflicts_open: u64,
}

/// A feed number a replica has not seen yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SyncHole {
    /// The number.
    pub seq: i64,
    /// Since when it is missing.
    pub since: DateTime<Utc>,
}

/// Where a replica's pull stands (kept by the replica, moved by the centre).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SyncCursor {
    /// The last feed number read.
    pub after: i64,
    /// Numbers below it not read yet.
    pub holes: Vec<SyncHole>,
    /// When the centre answered the last pull (none at first): accounts that joined the
    /// centre's scope since then are sent whole, even if they have not changed.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope_since: Option<DateTime<Utc>>,
}

/// A pull from where the replica stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SyncPull {
    /// The cursor the last pull returned (the default at first).
    pub cursor: SyncCursor,
    /// Accounts to send whole whatever the cursor (at most 200): those the replica could not
    /// take last time because a change of its own was still on the way.
    #[serde(default)]
    pub accounts: Vec<Uuid>,
    /// How many more activation blanks the workstation wants (the centre makes at most a
    /// block, and never lets a workstation hold more than its bound).
    #[serde(default)]
    pub blanks_wanted: u32,
}

/// An activation code made in advance for a workstation to hand out without the link. It
/// works for the citizen once the workstation's change saying who got it reaches the centre.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ActivationBlank {
    /// Its id.
    pub id: Uuid,
    /// The 16-digit code (sent once; the centre keeps only its keyed hash).
    pub code: String,
    /// The last moment it may be handed out.
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for ActivationBlank {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActivationBlank")
            .field("id", &self.id)
            .field("code", &"[redacted]")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// An event of an account's log, as the centre stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SyncedEvent {
    /// Its id.
    pub id: Uuid,
    /// Its number in the account's log.
    pub seq: i64,
    /// Its kind.
    pub kind: String,
    /// Its data.
    #[ts(type = "Record<string, unknown>")]
    pub payload: serde_json::Value,
    /// Who caused it.
    #[ts(type = "Record<string, unknown>")]
    pub actor: serde_json::Value,
    /// The installation that wrote it.
    pub origin: String,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// A login of an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SyncedLogin {
    /// `phone`, `email`, `snils`, `inn`, `passport`.
    pub kind: String,
    /// Its normalised value.
    pub value: String,
}

/// The centre's copy of an account, for a replica to hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SyncedAccount {
    /// The account.
    pub id: Uuid,
    /// The surname given at registration.
    pub surname: String,
    /// The first name given at registration.
    pub first_name: String,
    /// When the consent was given.
    pub consent_at: DateTime<Utc>,
    /// The installation that created it.
    pub origin: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// The whole log, oldest first.
    pub events: Vec<SyncedEvent>,
    /// Its logins.
    pub logins: Vec<SyncedLogin>,
    /// The submitted profile, if any.
    #[ts(optional, type = "Record<string, unknown>")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<serde_json::Value>,
    /// When it was submitted.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_submitted_at: Option<DateTime<Utc>>,
}

/// What changed for the replica's centre since its cursor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SyncPulled {
    /// Where the next pull starts.
    pub cursor: SyncCursor,
    /// The accounts that changed, whole.
    pub accounts: Vec<SyncedAccount>,
    /// Accounts this workstation made that the centre will never hold (their conflict was
    /// merged into another account or rejected): the replica forgets them.
    pub dropped: Vec<Uuid>,
    /// More changes wait: pull again.
    pub more: bool,
    /// Conflicts open at the centre.
    pub conflicts_open: u64,
    /// Activation blanks made for this workstation now (asked for by `blanks_wanted`).
    #[serde(default)]
    pub blanks: Vec<ActivationBlank>,
}

/// Why a workstation's change waits for an operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConflictKind {
    /// Another account already holds the SNILS or passport it registers.
    Claim,
    /// The account's state at the centre refused it (blocked, deleted, changed meanwhile).
    Refused,
}

/// A conflict's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConflictStatus {
    /// Waiting.
    Open,
    /// Merged into the existing account.
    Merged,
    /// Rejected with a reason.
    Rejected,
}

/// One side of a conflict as an operator compares it with the citizen's originals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ConflictSide {
    /// The account.
    pub account_id: Uuid,
    /// Full name as given.
    pub full_name: String,
    /// Birth date (`DD.MM.YYYY`), empty when unknown.
    pub birth_date: String,
    /// SNILS, masked but for the last digits.
    pub snils: String,
    /// The passport's series and number, masked but for the last digits.
    pub document: String,
}

/// A conflict in the centre's queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SyncConflictView {
    /// Its id.
    pub id: Uuid,
    /// Why.
    pub kind: ConflictKind,
    /// The login claimed twice (`snils`, `passport`), or the refusal's error code.
    pub reason: String,
    /// The workstation that sent it.
    pub workstation_id: Uuid,
    /// When it was opened.
    pub opened_at: DateTime<Utc>,
    /// What the workstation recorded.
    pub local: ConflictSide,
    /// The account already at the centre, when there is one.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub existing: Option<ConflictSide>,
    /// The changes held (the first and every later one for the same account).
    pub changes: Vec<String>,
    /// Its state.
    pub status: ConflictStatus,
    /// The reason given when it was rejected.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution_reason: Option<String>,
}

/// The centre's conflicts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SyncConflicts {
    /// Open ones first, oldest first.
    pub conflicts: Vec<SyncConflictView>,
}

/// What an operator decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ConflictResolution {
    /// The citizen is the existing account's holder (checked against the originals): the held
    /// changes apply to it; the workstation's duplicate is dropped.
    Merge {
        /// The operator compared the originals with the existing account.
        checked_in_person: bool,
    },
    /// The held changes are dropped; the citizen is told why.
    Reject {
        /// What the citizen is told.
        reason: String,
    },
}

/// A resolution of one conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SyncConflictResolve {
    /// The conflict.
    pub id: Uuid,
    /// The decision.
    pub resolution: ConflictResolution,
}
