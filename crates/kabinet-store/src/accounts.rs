//! Accounts: the one write path of an account change, the reads of its projection and the
//! login index.
//!
//! [`write_account`] is the only code that writes `accounts`, `account_events`, `logins` and
//! `change_feed`: one call appends the events, writes the projection row, claims or releases
//! logins and adds the events to the change feed, all inside the caller's transaction.
//!
//! Optimistic concurrency: a write names the version it read (`expected_seq`); the projection
//! update matches only that row version and the log's unique `(account_id, seq)` index refuses
//! a second writer, so concurrent writers to one account get [`StoreError::Conflict`] instead
//! of interleaving.

use chrono::{DateTime, Utc};
use kabinet_core::account::{
    Account, Check, CheckStatus, ConfirmationMethod, ContactKind, Level, Status,
};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement, SubQueryStatement};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait,
    FromQueryResult, IdenStatic, IntoActiveModel, Iterable, QueryFilter, Statement,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::db::{Conn, StoreError, StoreResult, db};
use crate::entity::{account, change_feed, login};
use crate::event_log::{self, NewEvent};

/// An account as stored: who it is and the state machine's view of it
/// (`state.version` is the number of its last event).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredAccount {
    /// Its id.
    pub id: Uuid,
    /// The surname given at registration (the profile may later hold the verified one).
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
    /// The state machine's view.
    pub state: Account,
}

/// A change of one account.
#[derive(Debug, Clone)]
pub struct AccountWrite {
    /// The version read before deciding (0: the account is new).
    pub expected_seq: i64,
    /// The events to append.
    pub events: Vec<NewEvent>,
    /// The account after the events (its `state.version` is set by the write).
    pub account: StoredAccount,
    /// Logins to add: (kind, normalised value).
    pub claim_logins: Vec<(String, String)>,
    /// Logins to remove from this account.
    pub release_logins: Vec<(String, String)>,
}

impl crate::Store {
    /// Commits one account change in its own transaction and returns the new version.
    pub async fn write_account(&self, write: AccountWrite) -> StoreResult<i64> {
        let tx = self.begin_write().await?;
        let seq = write_account(&tx, write).await?;
        tx.commit().await?;
        Ok(seq)
    }
}

/// Applies one account change inside the caller's transaction (to add other projections to
/// the same commit). Returns the new version.
pub async fn write_account(tx: &crate::Tx, write: AccountWrite) -> StoreResult<i64> {
    let conn = db!(tx);
    let account_id = write.account.id;
    Conn::changed(tx, account_id);
    let new_seq = write.expected_seq + write.events.len() as i64;
    let mut row = row_of(&write.account)?;
    row.last_seq = new_seq;
    let at = row.updated_at;
    if write.expected_seq == 0 {
        if let Err(e) = row.into_active_model().reset_all().insert(conn).await {
            return Err(if StoreError::is_unique_violation(&e) {
                StoreError::Conflict
            } else {
                e.into()
            });
        }
        append_with_feed(conn, account_id, write.expected_seq, &write.events).await?;
    } else {
        let mut active = row.into_active_model().reset_all();
        active.id = sea_orm::ActiveValue::NotSet;
        let update = account::Entity::update_many()
            .set(active)
            .filter(account::Column::Id.eq(account_id))
            .filter(account::Column::LastSeq.eq(write.expected_seq));
        if conn.get_database_backend() == DbBackend::Postgres && !write.events.is_empty() {
            // One round trip instead of three: a sign-in's write is most of its database time.
            event_log::update_and_append_postgres(
                conn,
                sea_orm::QueryTrait::into_query(update),
                account_id,
                write.expected_seq,
                &write.events,
            )
            .await?;
        } else {
            if update.exec(conn).await?.rows_affected != 1 {
                return Err(StoreError::Conflict);
            }
            append_with_feed(conn, account_id, write.expected_seq, &write.events).await?;
        }
    }
    for (kind, value) in write.release_logins {
        login::Entity::delete_many()
            .filter(login::Column::Kind.eq(kind))
            .filter(login::Column::Value.eq(value))
            .filter(login::Column::AccountId.eq(account_id))
            .exec(conn)
            .await?;
    }
    for (kind, value) in write.claim_logins {
        // A login this account already holds (claimed at an in-person registration, claimed
        // again when the registries agree) stays as it is; a new account holds none yet.
        if write.expected_seq > 0 && find_login(tx, &kind, &value).await? == Some(account_id) {
            continue;
        }
        let claim = login::Model {
            kind: kind.clone(),
            value,
            account_id,
            created_at: at,
        };
        if let Err(e) = claim.into_active_model().reset_all().insert(conn).await {
            return Err(if StoreError::is_unique_violation(&e) {
                StoreError::LoginTaken { kind }
            } else {
                e.into()
            });
        }
    }
    Ok(new_seq)
}

/// Appends the events and adds them to the change feed (two statements).
async fn append_with_feed<C: ConnectionTrait>(
    conn: &C,
    account_id: Uuid,
    expected_seq: i64,
    events: &[NewEvent],
) -> StoreResult<()> {
    let ids = event_log::append(conn, account_id, expected_seq, events).await?;
    if !ids.is_empty() {
        let feed = ids
            .into_iter()
            .map(|(event_id, at)| change_feed::ActiveModel {
                seq: sea_orm::ActiveValue::NotSet,
                event_id: Set(event_id),
                account_id: Set(account_id),
                recorded_at: Set(at),
            });
        change_feed::Entity::insert_many(feed).exec(conn).await?;
    }
    Ok(())
}

/// The account a login belongs to.
///
/// The hot path of every sign-in: one fixed statement (no query building per call) that reads
/// only the account id.
pub async fn find_login(conn: &impl Conn, kind: &str, value: &str) -> StoreResult<Option<Uuid>> {
    let conn = db!(conn);
    let backend = conn.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            r#"SELECT "account_id" FROM "logins" WHERE "kind" = $1 AND "value" = $2"#
        }
        _ => r#"SELECT "account_id" FROM "logins" WHERE "kind" = ? AND "value" = ?"#,
    };
    let statement = Statement::from_sql_and_values(backend, sql, [kind.into(), value.into()]);
    Ok(conn
        .query_one_raw(statement)
        .await?
        .map(|row| row.try_get_by_index::<Uuid>(0))
        .transpose()?)
}

/// The login of `kind` an account holds, if any.
pub async fn login_of(
    conn: &impl Conn,
    account_id: Uuid,
    kind: &str,
) -> StoreResult<Option<String>> {
    Ok(login::Entity::find()
        .filter(login::Column::AccountId.eq(account_id))
        .filter(login::Column::Kind.eq(kind))
        .one(db!(conn))
        .await?
        .map(|l| l.value))
}

/// Every login of an account: (kind, value).
pub async fn logins_of(conn: &impl Conn, account_id: Uuid) -> StoreResult<Vec<(String, String)>> {
    Ok(login::Entity::find()
        .filter(login::Column::AccountId.eq(account_id))
        .all(db!(conn))
        .await?
        .into_iter()
        .map(|l| (l.kind, l.value))
        .collect())
}

/// Every account's id (for checks and tests; a replica's are few).
pub async fn all_ids(conn: &impl Conn) -> StoreResult<Vec<Uuid>> {
    use sea_orm::QuerySelect;
    Ok(account::Entity::find()
        .select_only()
        .column(account::Column::Id)
        .into_tuple::<Uuid>()
        .all(db!(conn))
        .await?)
}

/// Selects every column of `entity` under `prefix` (`a_id`, `a_status`…), as SeaORM's
/// `from_query_result(row, prefix)` reads them back.
fn select_prefixed<E: EntityTrait>(query: &mut SelectStatement, entity: E, prefix: &str) {
    for column in E::Column::iter() {
        query.expr_as(
            Expr::col((entity, column)),
            Alias::new(format!("{prefix}{}", column.as_str())),
        );
    }
}

/// Adds the account's phone and e-mail logins as the columns `phone` and `email` (scalar
/// subqueries on an aliased `logins`, so the outer query may read `logins` too).
fn select_contacts(query: &mut SelectStatement) {
    for kind in ["phone", "email"] {
        let other = Alias::new("other");
        let login_of_kind: SubQueryStatement = Query::select()
            .column((other.clone(), login::Column::Value))
            .from_as(login::Entity, other.clone())
            .and_where(
                Expr::col((other.clone(), login::Column::AccountId))
                    .equals((account::Entity, account::Column::Id)),
            )
            .and_where(Expr::col((other, login::Column::Kind)).eq(kind))
            .limit(1)
            .to_owned()
            .into();
        query.expr_as(
            Expr::SubQuery(None, Box::new(login_of_kind)),
            Alias::new(kind),
        );
    }
}

/// What a session check needs, read in one statement: the session of a token, its account,
/// and the account's phone and e-mail logins.
#[derive(Debug, Clone)]
pub struct SessionHolder {
    /// The session, live or not (the caller judges).
    pub session: crate::sessions::Session,
    /// Its account.
    pub account: StoredAccount,
    /// The account's phone login, if any.
    pub phone: Option<String>,
    /// The account's e-mail login, if any.
    pub email: Option<String>,
}

/// The session whose token has this keyed hash, with its account and contact logins — one
/// round trip, the whole of a session check while the session needs no touch.
pub async fn session_holder(
    conn: &impl Conn,
    token_hash: &[u8],
) -> StoreResult<Option<SessionHolder>> {
    use crate::entity::session;

    let mut query = Query::select();
    select_prefixed(&mut query, session::Entity, "s_");
    select_prefixed(&mut query, account::Entity, "a_");
    select_contacts(&mut query);
    query
        .from(session::Entity)
        .inner_join(
            account::Entity,
            Expr::col((account::Entity, account::Column::Id))
                .equals((session::Entity, session::Column::AccountId)),
        )
        .and_where(
            Expr::col((session::Entity, session::Column::TokenHash)).eq(token_hash.to_vec()),
        );
    let Some(row) = db!(conn).query_one(&query).await? else {
        return Ok(None);
    };
    Ok(Some(SessionHolder {
        session: session::Model::from_query_result(&row, "s_")?,
        account: account_of(&account::Model::from_query_result(&row, "a_")?)?,
        phone: row.try_get("", "phone")?,
        email: row.try_get("", "email")?,
    }))
}

/// What a password sign-in reads before it checks the password, in one statement: the account
/// holding the first reading of the typed login that exists, its credentials, whether it knows
/// the device, and its phone and e-mail.
#[derive(Debug, Clone)]
pub struct SignInHolder {
    /// The reading that matched: (kind, value).
    pub login: (String, String),
    /// The account.
    pub account: StoredAccount,
    /// Its credentials row, if it has one yet.
    pub credentials: Option<crate::credentials::Credentials>,
    /// When the account last signed in from the device with the given hash, if it has proved
    /// that device.
    pub device_seen_at: Option<DateTime<Utc>>,
    /// Its phone login, if any.
    pub phone: Option<String>,
    /// Its e-mail login, if any.
    pub email: Option<String>,
}

/// The sign-in reads of [`SignInHolder`] for every reading of a typed login (most likely
/// first) in one round trip. An unknown login runs the same statement and finds no row, so
/// both take the same work; when several readings belong to accounts, the first reading wins.
pub async fn sign_in_holder(
    conn: &impl Conn,
    readings: &[(&str, String)],
    device_hash: &str,
) -> StoreResult<Option<SignInHolder>> {
    use sea_orm::sea_query::Condition;

    use crate::entity::{credential, known_device};

    if readings.is_empty() {
        return Ok(None);
    }
    let device_seen: SubQueryStatement = Query::select()
        .column((known_device::Entity, known_device::Column::LastSeenAt))
        .from(known_device::Entity)
        .and_where(
            Expr::col((known_device::Entity, known_device::Column::AccountId))
                .equals((account::Entity, account::Column::Id)),
        )
        .and_where(
            Expr::col((known_device::Entity, known_device::Column::DeviceHash)).eq(device_hash),
        )
        .to_owned()
        .into();
    let mut matches = Condition::any();
    for (kind, value) in readings {
        matches = matches.add(
            Expr::col((login::Entity, login::Column::Kind))
                .eq(*kind)
                .and(Expr::col((login::Entity, login::Column::Value)).eq(value.as_str())),
        );
    }
    let mut query = Query::select();
    query
        .column((login::Entity, login::Column::Kind))
        .column((login::Entity, login::Column::Value));
    select_prefixed(&mut query, account::Entity, "a_");
    select_prefixed(&mut query, credential::Entity, "c_");
    select_contacts(&mut query);
    query
        .expr_as(
            Expr::SubQuery(None, Box::new(device_seen)),
            Alias::new("device_seen_at"),
        )
        .from(login::Entity)
        .inner_join(
            account::Entity,
            Expr::col((account::Entity, account::Column::Id))
                .equals((login::Entity, login::Column::AccountId)),
        )
        .left_join(
            credential::Entity,
            Expr::col((credential::Entity, credential::Column::AccountId))
                .equals((account::Entity, account::Column::Id)),
        )
        .cond_where(matches);
    let rows = db!(conn).query_all(&query).await?;
    // The row of the earliest reading that matched.
    let mut best: Option<(usize, (String, String), &sea_orm::QueryResult)> = None;
    for row in &rows {
        let login: (String, String) = (row.try_get("", "kind")?, row.try_get("", "value")?);
        let rank = readings
            .iter()
            .position(|(k, v)| *k == login.0 && *v == login.1)
            .unwrap_or(usize::MAX);
        if best.as_ref().is_none_or(|(b, ..)| rank < *b) {
            best = Some((rank, login, row));
        }
    }
    let Some((_, login, row)) = best else {
        return Ok(None);
    };
    Ok(Some(SignInHolder {
        login,
        account: account_of(&account::Model::from_query_result(row, "a_")?)?,
        credentials: credential::Model::from_query_result_optional(row, "c_")?,
        device_seen_at: row.try_get("", "device_seen_at")?,
        phone: row.try_get("", "phone")?,
        email: row.try_get("", "email")?,
    }))
}

/// One account.
pub async fn find_account(conn: &impl Conn, id: Uuid) -> StoreResult<Option<StoredAccount>> {
    account::Entity::find_by_id(id)
        .one(db!(conn))
        .await?
        .map(|row| account_of(&row))
        .transpose()
}

/// The stored account of a row; an unknown value in it is [`StoreError::Corrupt`].
fn account_of(row: &account::Model) -> StoreResult<StoredAccount> {
    Ok(StoredAccount {
        id: row.id,
        surname: row.surname.clone(),
        first_name: row.first_name.clone(),
        consent_at: row.consent_at,
        origin: row.origin.clone(),
        created_at: row.created_at,
        updated_at: row.updated_at,
        state: state_of(row)?,
    })
}

fn corrupt(what: &str, id: Uuid, value: &str) -> StoreError {
    StoreError::Corrupt(format!("account {id}: {what} {value:?}"))
}

fn state_of(row: &account::Model) -> StoreResult<Account> {
    let id = row.id;
    let status = match row.status.as_str() {
        "blocked" => Status::Blocked {
            reason: row
                .block_reason
                .clone()
                .ok_or_else(|| corrupt("blocked without a reason", id, ""))?,
        },
        other => status_of(other, row.locked_until, id)?,
    };
    let level = match row.level.as_str() {
        "simplified" => Level::Simplified,
        "standard" => Level::Standard,
        "confirmed" => Level::Confirmed,
        other => return Err(corrupt("level", id, other)),
    };
    let contact = match row.contact_kind.as_str() {
        "phone" => ContactKind::Phone,
        "email" => ContactKind::Email,
        other => return Err(corrupt("contact kind", id, other)),
    };
    let status_before_block = match row.status_before_block.as_deref() {
        None => None,
        Some(text) => Some(Box::new(match text.split_once(':') {
            Some(("locked", until)) => Status::Locked {
                until: DateTime::parse_from_rfc3339(until)
                    .map_err(|_| corrupt("status before block", id, text))?
                    .to_utc(),
            },
            _ => status_of(text, None, id)?,
        })),
    };
    Ok(Account {
        status,
        level,
        contact,
        consent_version: row.consent_version.clone(),
        contact_confirmed: row.contact_confirmed,
        password_set: row.password_set,
        temporary_password: row.temporary_password,
        profile_submitted: row.profile_submitted,
        snils_check: check_of(&row.snils_check, row.snils_check_detail.as_ref(), id)?,
        passport_check: check_of(&row.passport_check, row.passport_check_detail.as_ref(), id)?,
        confirmation: row
            .confirmation
            .as_deref()
            .map(|text| confirmation_of(text, row.confirmation_detail.as_ref(), id))
            .transpose()?,
        mailed_code_restriction: row.mailed_code_restriction,
        status_before_block,
        version: u64::try_from(row.last_seq).map_err(|_| corrupt("version", id, "negative"))?,
    })
}

/// A status other than blocked (which carries its reason in a column of its own).
fn status_of(text: &str, locked_until: Option<DateTime<Utc>>, id: Uuid) -> StoreResult<Status> {
    Ok(match text {
        "pending" => Status::Pending,
        "active" => Status::Active,
        "locked" => Status::Locked {
            until: locked_until.ok_or_else(|| corrupt("locked without an end", id, text))?,
        },
        "deleted" => Status::Deleted,
        other => return Err(corrupt("status", id, other)),
    })
}

fn check_of(text: &str, detail: Option<&Value>, id: Uuid) -> StoreResult<CheckStatus> {
    let field = |name: &str| detail.map(|d| d[name].clone()).unwrap_or(Value::Null);
    Ok(match text {
        "not_started" => CheckStatus::NotStarted,
        "queued" => CheckStatus::Queued,
        "checking" => CheckStatus::Checking,
        "passed" => CheckStatus::Passed,
        "mismatch" => CheckStatus::Mismatch {
            fields: serde_json::from_value(field("fields"))
                .map_err(|_| corrupt("mismatch without fields", id, text))?,
        },
        "unavailable" => CheckStatus::Unavailable {
            retry_at: serde_json::from_value(field("retry_at"))
                .map_err(|_| corrupt("unavailable without a retry time", id, text))?,
        },
        other => return Err(corrupt("check", id, other)),
    })
}

fn check_str(status: &CheckStatus) -> &'static str {
    match status {
        CheckStatus::NotStarted => "not_started",
        CheckStatus::Queued => "queued",
        CheckStatus::Checking => "checking",
        CheckStatus::Passed => "passed",
        CheckStatus::Mismatch { .. } => "mismatch",
        CheckStatus::Unavailable { .. } => "unavailable",
    }
}

fn check_detail(status: &CheckStatus) -> Option<Value> {
    match status {
        CheckStatus::Mismatch { fields } => Some(json!({"fields": fields})),
        CheckStatus::Unavailable { retry_at } => Some(json!({"retry_at": retry_at})),
        _ => None,
    }
}

/// A confirmation method from its name and details. Rows confirmed before the details were
/// kept (schema 0006) have none: their centre, documents or bank read as empty, which is
/// exactly what those rows held before.
fn confirmation_of(
    text: &str,
    detail: Option<&Value>,
    id: Uuid,
) -> StoreResult<ConfirmationMethod> {
    let text_field = |name: &str| {
        detail
            .and_then(|d| d[name].as_str())
            .unwrap_or_default()
            .to_owned()
    };
    Ok(match text {
        "in_person" => ConfirmationMethod::InPerson {
            centre: text_field("centre"),
            documents: detail
                .and_then(|d| serde_json::from_value(d["documents"].clone()).ok())
                .unwrap_or_default(),
        },
        "registered_letter" => ConfirmationMethod::RegisteredLetter,
        "activation_code" => ConfirmationMethod::ActivationCode,
        "qualified_signature" => ConfirmationMethod::QualifiedSignature,
        "online_bank" => ConfirmationMethod::OnlineBank {
            bank: text_field("bank"),
        },
        "video" => ConfirmationMethod::Video,
        other => return Err(corrupt("confirmation", id, other)),
    })
}

fn confirmation_detail(method: &ConfirmationMethod) -> Option<Value> {
    match method {
        ConfirmationMethod::InPerson { centre, documents } => {
            Some(json!({"centre": centre, "documents": documents}))
        }
        ConfirmationMethod::OnlineBank { bank } => Some(json!({"bank": bank})),
        _ => None,
    }
}

fn status_text(status: &Status) -> StoreResult<String> {
    Ok(match status {
        Status::Locked { until } => format!("locked:{}", until.to_rfc3339()),
        Status::Blocked { .. } => {
            return Err(StoreError::Corrupt("a block before a block".into()));
        }
        other => other.as_str().to_owned(),
    })
}

/// `phone` or `email`.
pub fn contact_str(kind: ContactKind) -> &'static str {
    match kind {
        ContactKind::Phone => "phone",
        ContactKind::Email => "email",
    }
}

fn row_of(account: &StoredAccount) -> StoreResult<account::Model> {
    let state = &account.state;
    let (locked_until, block_reason) = match &state.status {
        Status::Locked { until } => (Some(*until), None),
        Status::Blocked { reason } => (None, Some(reason.clone())),
        _ => (None, None),
    };
    Ok(account::Model {
        id: account.id,
        status: state.status.as_str().to_owned(),
        level: state.level.as_str().to_owned(),
        surname: account.surname.clone(),
        first_name: account.first_name.clone(),
        contact_kind: contact_str(state.contact).to_owned(),
        consent_version: state.consent_version.clone(),
        consent_at: account.consent_at,
        contact_confirmed: state.contact_confirmed,
        password_set: state.password_set,
        temporary_password: state.temporary_password,
        profile_submitted: state.profile_submitted,
        snils_check: check_str(state.check(Check::Snils)).to_owned(),
        passport_check: check_str(state.check(Check::Passport)).to_owned(),
        snils_check_detail: check_detail(state.check(Check::Snils)),
        passport_check_detail: check_detail(state.check(Check::Passport)),
        confirmation: state.confirmation.as_ref().map(|c| c.as_str().to_owned()),
        confirmation_detail: state.confirmation.as_ref().and_then(confirmation_detail),
        mailed_code_restriction: state.mailed_code_restriction,
        locked_until,
        block_reason,
        status_before_block: state
            .status_before_block
            .as_deref()
            .map(status_text)
            .transpose()?,
        last_seq: i64::try_from(state.version).unwrap_or(i64::MAX),
        origin: account.origin.clone(),
        created_at: account.created_at,
        updated_at: account.updated_at,
    })
}

/// An account as a replica holds it: the centre's projection, log, logins and profile.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountCopy {
    /// The projection.
    pub account: StoredAccount,
    /// The whole log, oldest first.
    pub events: Vec<crate::event_log::StoredEvent>,
    /// Its logins: (kind, value).
    pub logins: Vec<(String, String)>,
    /// Its profile row, if it has one.
    pub profile: Option<crate::documents::ProfileRow>,
}

/// Everything a replica needs of one account, read in one go.
pub async fn account_copy(conn: &impl Conn, id: Uuid) -> StoreResult<Option<AccountCopy>> {
    let Some(account) = find_account(conn, id).await? else {
        return Ok(None);
    };
    Ok(Some(AccountCopy {
        account,
        events: event_log::read(conn, id).await?,
        logins: logins_of(conn, id).await?,
        profile: crate::documents::profile(conn, id).await?,
    }))
}

/// Whether this database is a workstation's replica (its sync state says so).
pub async fn is_replica(conn: &impl Conn) -> StoreResult<bool> {
    Ok(crate::sync::state(conn, "role")
        .await?
        .as_ref()
        .and_then(|v| v.as_str())
        == Some("replica"))
}

/// Marks this database a workstation's replica: [`mirror`] and [`drop_copy`] work only there.
pub async fn mark_replica(conn: &impl Conn, at: DateTime<Utc>) -> StoreResult<()> {
    crate::sync::set_state(conn, "role", json!("replica"), at).await
}

/// The centre's account as a replica receives it: who it is, its whole log, logins and
/// profile. The projection is not sent: the replica replays the log.
#[derive(Debug, Clone, PartialEq)]
pub struct Mirror {
    /// Its id.
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
    pub events: Vec<crate::event_log::StoredEvent>,
    /// Its logins: (kind, value).
    pub logins: Vec<(String, String)>,
    /// Its profile row, if it has one.
    pub profile: Option<crate::documents::ProfileRow>,
}

/// On a replica, replaces its copy of an account with the centre's, inside the caller's
/// transaction: the log, the projection replayed from it (so the copy is what the log says,
/// whatever the sender claimed) and the logins. A login another local copy held (a change of
/// this workstation the centre has not accepted) passes to the centre's holder. This is the
/// replica's second write path beside [`write_account`]; a database that is not a replica
/// refuses it, so the centre's log can never be rewritten by it.
pub async fn mirror(tx: &crate::Tx, copy: Mirror) -> StoreResult<()> {
    if !is_replica(tx).await? {
        return Err(StoreError::Corrupt(
            "mirror on a database that is not a replica".into(),
        ));
    }
    let id = copy.id;
    Conn::changed(tx, id);
    if copy.events.iter().any(|e| e.account_id != id) {
        return Err(StoreError::Corrupt(format!(
            "account {id}: another account's event"
        )));
    }
    remove_rows(tx, id).await?;
    let conn = db!(tx);
    if !copy.events.is_empty() {
        let events = copy
            .events
            .into_iter()
            .map(|e| e.into_active_model().reset_all());
        crate::entity::account_event::Entity::insert_many(events)
            .exec(conn)
            .await?;
    }
    let state = crate::events::replay(tx, id)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("account {id}: a copy without events")))?;
    let stored = StoredAccount {
        id,
        surname: copy.surname,
        first_name: copy.first_name,
        consent_at: copy.consent_at,
        origin: copy.origin,
        created_at: copy.created_at,
        updated_at: copy.updated_at,
        state,
    };
    row_of(&stored)?
        .into_active_model()
        .reset_all()
        .insert(conn)
        .await?;
    for (kind, value) in copy.logins {
        login::Entity::delete_many()
            .filter(login::Column::Kind.eq(kind.clone()))
            .filter(login::Column::Value.eq(value.clone()))
            .exec(conn)
            .await?;
        login::Model {
            kind,
            value,
            account_id: id,
            created_at: stored.updated_at,
        }
        .into_active_model()
        .reset_all()
        .insert(conn)
        .await?;
    }
    if let Some(profile) = copy.profile {
        crate::documents::save_profile(tx, profile).await?;
    }
    Ok(())
}

/// On a replica, forgets its copy of an account the centre never accepted.
pub async fn drop_copy(tx: &crate::Tx, id: Uuid) -> StoreResult<()> {
    if !is_replica(tx).await? {
        return Err(StoreError::Corrupt(
            "drop on a database that is not a replica".into(),
        ));
    }
    Conn::changed(tx, id);
    remove_rows(tx, id).await?;
    crate::entity::profile::Entity::delete_by_id(id)
        .exec(db!(tx))
        .await?;
    Ok(())
}

async fn remove_rows(tx: &crate::Tx, id: Uuid) -> StoreResult<()> {
    let conn = db!(tx);
    login::Entity::delete_many()
        .filter(login::Column::AccountId.eq(id))
        .exec(conn)
        .await?;
    crate::entity::account_event::Entity::delete_many()
        .filter(crate::entity::account_event::Column::AccountId.eq(id))
        .exec(conn)
        .await?;
    change_feed::Entity::delete_many()
        .filter(change_feed::Column::AccountId.eq(id))
        .exec(conn)
        .await?;
    account::Entity::delete_by_id(id).exec(conn).await?;
    Ok(())
}
