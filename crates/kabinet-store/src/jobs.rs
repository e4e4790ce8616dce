//! The durable job queue, in the same database as everything else.
//!
//! Enqueue with a run-at time and an optional idempotency key (enqueuing twice with one key makes
//! one job). A worker leases a due job for a while; it completes it, or fails it and the job is
//! retried with exponential backoff, and after `max_attempts` failures it is dead-lettered. A job
//! leased by a process that died is leased again once its lease runs out. Leasing is a
//! compare-and-set on the row, so two workers never hold one job.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, Order};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, SqlErr,
};
use uuid::Uuid;

use crate::db::{Conn, StoreResult, db};
use crate::entity::job::{self, Entity as Job};

/// A job as stored.
pub type JobRow = job::Model;

/// The longest wait between two attempts.
pub const MAX_BACKOFF: Duration = Duration::hours(6);

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob {
    /// What to do, e.g. `registry_check`.
    pub kind: String,
    /// Its data.
    pub payload: serde_json::Value,
    /// Not before.
    pub run_at: DateTime<Utc>,
    /// Enqueuing twice with one key makes one job.
    pub idempotency_key: Option<String>,
    /// Failures before the job is dead-lettered.
    pub max_attempts: i32,
}

/// Enqueues a job; with an idempotency key already used, returns the existing job's id.
pub async fn enqueue(conn: &impl Conn, job: NewJob, now: DateTime<Utc>) -> StoreResult<Uuid> {
    let conn = db!(conn);
    if let Some(key) = &job.idempotency_key
        && let Some(existing) = Job::find()
            .filter(job::Column::IdempotencyKey.eq(key))
            .one(conn)
            .await?
    {
        return Ok(existing.id);
    }
    let id = Uuid::now_v7();
    let row = job::Model {
        id,
        kind: job.kind,
        payload: job.payload,
        idempotency_key: job.idempotency_key.clone(),
        status: "queued".into(),
        run_at: job.run_at,
        attempts: 0,
        max_attempts: job.max_attempts.max(1),
        leased_by: None,
        leased_until: None,
        last_error: None,
        created_at: now,
        updated_at: now,
    };
    match row.into_active_model().reset_all().insert(conn).await {
        Ok(_) => Ok(id),
        // A concurrent enqueue with the same key won: that job is the one.
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            let key = job.idempotency_key.unwrap_or_default();
            let existing = Job::find()
                .filter(job::Column::IdempotencyKey.eq(key))
                .one(conn)
                .await?;
            existing.map(|j| j.id).ok_or_else(|| e.into())
        }
        Err(e) => Err(e.into()),
    }
}

fn due(now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(
            Condition::all()
                .add(job::Column::Status.eq("queued"))
                .add(job::Column::RunAt.lte(now)),
        )
        .add(
            Condition::all()
                .add(job::Column::Status.eq("leased"))
                .add(job::Column::LeasedUntil.lte(now)),
        )
}

/// Leases the oldest due job of one of `kinds` for `lease_for`, or returns `None`.
pub async fn lease(
    conn: &impl Conn,
    kinds: &[&str],
    worker: &str,
    now: DateTime<Utc>,
    lease_for: Duration,
) -> StoreResult<Option<JobRow>> {
    let conn = db!(conn);
    // A few rounds: another worker may take the candidate between our read and our update.
    for _ in 0..5 {
        let Some(candidate) = Job::find()
            .filter(due(now))
            .filter(job::Column::Kind.is_in(kinds.iter().copied()))
            .order_by(job::Column::RunAt, Order::Asc)
            .limit(1)
            .one(conn)
            .await?
        else {
            return Ok(None);
        };
        let taken = Job::update_many()
            .col_expr(job::Column::Status, Expr::value("leased"))
            .col_expr(job::Column::LeasedBy, Expr::value(worker))
            .col_expr(job::Column::LeasedUntil, Expr::value(now + lease_for))
            .col_expr(job::Column::UpdatedAt, Expr::value(now))
            .filter(job::Column::Id.eq(candidate.id))
            .filter(job::Column::UpdatedAt.eq(candidate.updated_at))
            .filter(due(now))
            .exec(conn)
            .await?;
        if taken.rows_affected == 1 {
            return Ok(Job::find_by_id(candidate.id).one(conn).await?);
        }
    }
    Ok(None)
}

/// Marks a leased job done. Returns false if the lease was lost (another worker has it now).
pub async fn complete(
    conn: &impl Conn,
    id: Uuid,
    worker: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let conn = db!(conn);
    let done = Job::update_many()
        .col_expr(job::Column::Status, Expr::value("done"))
        .col_expr(
            job::Column::LeasedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Id.eq(id))
        .filter(job::Column::Status.eq("leased"))
        .filter(job::Column::LeasedBy.eq(worker))
        .exec(conn)
        .await?;
    Ok(done.rows_affected == 1)
}

/// The wait before attempt `attempts + 1`: `base · 2^(attempts − 1)`, at most [`MAX_BACKOFF`].
pub fn backoff(base: Duration, attempts: i32) -> Duration {
    let factor = 1i64 << (attempts - 1).clamp(0, 20);
    (base * factor as i32).min(MAX_BACKOFF)
}

/// Records a failed attempt: the job is retried after the backoff, or dead-lettered after its
/// last attempt. Returns the job as it now stands, or `None` if the lease was lost.
pub async fn fail(
    conn: &impl Conn,
    id: Uuid,
    worker: &str,
    error: &str,
    now: DateTime<Utc>,
    base_backoff: Duration,
) -> StoreResult<Option<JobRow>> {
    let conn = db!(conn);
    let Some(current) = Job::find_by_id(id).one(conn).await? else {
        return Ok(None);
    };
    if current.status != "leased" || current.leased_by.as_deref() != Some(worker) {
        return Ok(None);
    }
    let attempts = current.attempts + 1;
    let dead = attempts >= current.max_attempts;
    let updated = Job::update_many()
        .col_expr(
            job::Column::Status,
            Expr::value(if dead { "dead" } else { "queued" }),
        )
        .col_expr(job::Column::Attempts, Expr::value(attempts))
        .col_expr(
            job::Column::RunAt,
            Expr::value(if dead {
                current.run_at
            } else {
                now + backoff(base_backoff, attempts)
            }),
        )
        .col_expr(job::Column::LeasedBy, Expr::value(Option::<String>::None))
        .col_expr(
            job::Column::LeasedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            job::Column::LastError,
            Expr::value(error.chars().take(2000).collect::<String>()),
        )
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Id.eq(id))
        .filter(job::Column::UpdatedAt.eq(current.updated_at))
        .exec(conn)
        .await?;
    if updated.rows_affected != 1 {
        return Ok(None);
    }
    Ok(Job::find_by_id(id).one(conn).await?)
}

/// One job by id.
pub async fn get(conn: &impl Conn, id: Uuid) -> StoreResult<Option<JobRow>> {
    Ok(Job::find_by_id(id).one(db!(conn)).await?)
}
