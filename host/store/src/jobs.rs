//! Durable jobs: enqueued in the same transaction as the facts that cause them, claimed with a
//! lease (PostgreSQL's `FOR UPDATE SKIP LOCKED` lets replicas claim without waiting on each
//! other), retried with backoff, deferred without counting as failures, and picked up again
//! when a worker dies mid-job (its lease runs out).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Backend, Store, StoreResult, Tx, on_pool, on_tx, on_write};

/// What [`Store::record_webhook_job_for_owner`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoutedWebhook {
    /// The athlete connected as the event's external id, if anyone is.
    pub owner: Option<Uuid>,
    /// The job queued for them; `None` when no one is connected, the event was recorded
    /// before, or an identical job is already waiting.
    pub job: Option<Uuid>,
}

/// A job to enqueue.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    /// What to do (`plugin.run`, `rules.evaluate`, …).
    pub kind: String,
    /// The plugin it runs in, for plugin jobs.
    pub plugin_id: Option<String>,
    /// The athlete it concerns.
    pub user_id: Option<Uuid>,
    /// JSON the handler understands.
    pub payload: String,
    /// Higher runs first.
    pub priority: i32,
    /// Not before.
    pub run_at: DateTime<Utc>,
    /// While a job with this key is queued, another is not added.
    pub dedupe_key: Option<String>,
    /// Attempts before it fails for good.
    pub max_attempts: i32,
    /// Held by the ingestion brake: recorded but not run until released.
    pub held: bool,
}

/// A job as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct JobRow {
    /// Job id.
    pub id: Uuid,
    /// Kind.
    pub kind: String,
    /// Plugin, for plugin jobs.
    pub plugin_id: Option<String>,
    /// Athlete.
    pub user_id: Option<Uuid>,
    /// Payload.
    pub payload: String,
    /// queued, running, done, failed, cancelled.
    pub state: String,
    /// Priority.
    pub priority: i32,
    /// Attempts started so far.
    pub attempts: i32,
    /// Attempts allowed.
    pub max_attempts: i32,
    /// Not before.
    pub run_at: DateTime<Utc>,
    /// The worker holding it.
    pub locked_by: Option<String>,
    /// When that worker's lease ends.
    pub locked_until: Option<DateTime<Utc>>,
    /// Last failure.
    pub last_error: Option<String>,
    /// Why it waits, when deferred.
    pub deferred_reason: Option<String>,
    /// Dedupe key.
    pub dedupe_key: Option<String>,
    /// Held by the brake.
    pub held: bool,
    /// Enqueued.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// Marks job `$1` done if worker `$2` still holds it, at `$3`.
const FINISH_JOB: &str = "UPDATE jobs SET state = 'done', locked_by = NULL, locked_until = NULL, deferred_reason = NULL, updated_at = $3 \
     WHERE id = $1 AND locked_by = $2 AND state = 'running'";

const JOB_COLUMNS: &str = "id, kind, plugin_id, user_id, payload, state, priority, attempts, max_attempts, run_at, \
     locked_by, locked_until, last_error, deferred_reason, dedupe_key, held, created_at, updated_at";

/// How many jobs are in each state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobCounts {
    /// Waiting to run (including deferred ones).
    pub queued: i64,
    /// Held by the brake.
    pub held: i64,
    /// Running now.
    pub running: i64,
    /// Failed for good.
    pub failed: i64,
}

/// The jobs of one kind in one queue state, for monitoring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobQueueGroup {
    /// What the jobs do.
    pub kind: String,
    /// `ready` (queued, may run now), `scheduled` (queued for later: retries, deferrals),
    /// `held` (by the brake), `running` or `failed`.
    pub state: String,
    /// How many.
    pub jobs: i64,
    /// The earliest `run_at` among them (for `ready`: how long the oldest has waited).
    pub earliest_run_at: DateTime<Utc>,
}

impl Store {
    /// Enqueues a job inside `tx`; `None` when an identical queued job (same dedupe key)
    /// already exists.
    pub async fn enqueue_job(
        &self,
        tx: &mut Tx,
        job: &NewJob,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Uuid>> {
        let id = Uuid::now_v7();
        let inserted: Option<Uuid> = on_tx!(tx, conn => sqlx::query_scalar(
            "INSERT INTO jobs (id, kind, plugin_id, user_id, payload, state, priority, attempts, max_attempts, run_at, \
             dedupe_key, held, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 'queued', $6, 0, $7, $8, $9, $10, $11, $11) \
             ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL AND state = 'queued' DO NOTHING RETURNING id",
        )
        .bind(id)
        .bind(&job.kind)
        .bind(&job.plugin_id)
        .bind(job.user_id)
        .bind(&job.payload)
        .bind(job.priority)
        .bind(job.max_attempts)
        .bind(job.run_at)
        .bind(&job.dedupe_key)
        .bind(job.held)
        .bind(now)
        .fetch_optional(conn)
        .await?);
        Ok(inserted)
    }

    /// Records a webhook event (when it has a key) and enqueues its one job, the job only if
    /// the event is new: a redelivered event's job was enqueued the first time. `Some` is the
    /// job's id; `None` means a redelivery, or an identical job already queued.
    ///
    /// With `brake`, the job is held while the setting of that key is present and does not
    /// hold `"paused":false` (as serialized; anything unreadable holds).
    ///
    /// On PostgreSQL this is one statement, its own transaction: the acknowledgement of a
    /// webhook costs one round trip. On SQLite it is a transaction of three.
    pub async fn record_webhook_job(
        &self,
        plugin: &str,
        event_key: Option<&str>,
        job: &NewJob,
        brake: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Uuid>> {
        if self.backend() == Backend::Sqlite {
            let mut tx = self.begin().await?;
            if let Some(key) = event_key
                && !self.record_webhook_event(&mut tx, plugin, key, now).await?
            {
                return Ok(None);
            }
            let held = job.held
                || match brake {
                    Some(brake) => self
                        .setting(Some(&mut tx), brake)
                        .await?
                        .is_some_and(|value| !value.contains(r#""paused":false"#)),
                    None => false,
                };
            let id = self
                .enqueue_job(
                    &mut tx,
                    &NewJob {
                        held,
                        ..job.clone()
                    },
                    now,
                )
                .await?;
            tx.commit().await?;
            return Ok(id);
        }
        let id = Uuid::now_v7();
        Ok(on_pool!(self, pool => sqlx::query_scalar(
            "WITH event AS ( \
                 INSERT INTO webhook_events (plugin_id, event_key, received_at) \
                 SELECT $1, $2, $3 WHERE $2::text IS NOT NULL \
                 ON CONFLICT DO NOTHING RETURNING 1) \
             INSERT INTO jobs (id, kind, plugin_id, user_id, payload, state, priority, attempts, max_attempts, run_at, \
             dedupe_key, held, created_at, updated_at) \
             SELECT $4, $5, $6, $7, $8, 'queued', $9, 0, $10, $11, $12, \
                 $13 OR COALESCE((SELECT strpos(value, '\"paused\":false') = 0 FROM system_settings WHERE key = $14::text), FALSE), \
                 $3, $3 \
             WHERE $2::text IS NULL OR EXISTS (SELECT 1 FROM event) \
             ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL AND state = 'queued' DO NOTHING RETURNING id",
        )
        .bind(plugin)
        .bind(event_key)
        .bind(now)
        .bind(id)
        .bind(&job.kind)
        .bind(&job.plugin_id)
        .bind(job.user_id)
        .bind(&job.payload)
        .bind(job.priority)
        .bind(job.max_attempts)
        .bind(job.run_at)
        .bind(&job.dedupe_key)
        .bind(job.held)
        .bind(brake)
        .fetch_optional(pool)
        .await?))
    }

    /// [`Store::record_webhook_job`] for a job whose athlete is found by the provider's id for
    /// them: the user connected (and still active) to `plugin` as `external_athlete_id`. The
    /// event is recorded either way; the job only when someone is connected. On PostgreSQL one
    /// statement, the look-up included.
    pub async fn record_webhook_job_for_owner(
        &self,
        plugin: &str,
        event_key: Option<&str>,
        external_athlete_id: &str,
        job: &NewJob,
        brake: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<RoutedWebhook> {
        if self.backend() == Backend::Sqlite {
            let owner = self
                .connection_by_external(plugin, external_athlete_id)
                .await?
                .filter(|c| c.status == super::ConnectionStatus::Active)
                .map(|c| c.user_id);
            let job_id = match owner {
                Some(owner) => {
                    let job = NewJob {
                        user_id: Some(owner),
                        ..job.clone()
                    };
                    self.record_webhook_job(plugin, event_key, &job, brake, now)
                        .await?
                }
                None => {
                    if let Some(key) = event_key {
                        let mut tx = self.begin().await?;
                        self.record_webhook_event(&mut tx, plugin, key, now).await?;
                        tx.commit().await?;
                    }
                    None
                }
            };
            return Ok(RoutedWebhook { owner, job: job_id });
        }
        let (owner, job_id): (Option<Uuid>, Option<Uuid>) = on_pool!(self, pool => sqlx::query_as(
            "WITH owner AS ( \
                 SELECT user_id FROM provider_connections \
                 WHERE provider = $1 AND external_athlete_id = $14 AND status = 'active'), \
             event AS ( \
                 INSERT INTO webhook_events (plugin_id, event_key, received_at) \
                 SELECT $1, $2, $3 WHERE $2::text IS NOT NULL \
                 ON CONFLICT DO NOTHING RETURNING 1), \
             job AS ( \
                 INSERT INTO jobs (id, kind, plugin_id, user_id, payload, state, priority, attempts, max_attempts, \
                 run_at, dedupe_key, held, created_at, updated_at) \
                 SELECT $4, $5, $6, owner.user_id, $7, 'queued', $8, 0, $9, $10, $11, \
                     $12 OR COALESCE((SELECT strpos(value, '\"paused\":false') = 0 FROM system_settings WHERE key = $13::text), FALSE), \
                     $3, $3 \
                 FROM owner WHERE $2::text IS NULL OR EXISTS (SELECT 1 FROM event) \
                 ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL AND state = 'queued' DO NOTHING RETURNING id) \
             SELECT (SELECT user_id FROM owner), (SELECT id FROM job)",
        )
        .bind(plugin)
        .bind(event_key)
        .bind(now)
        .bind(Uuid::now_v7())
        .bind(&job.kind)
        .bind(&job.plugin_id)
        .bind(&job.payload)
        .bind(job.priority)
        .bind(job.max_attempts)
        .bind(job.run_at)
        .bind(&job.dedupe_key)
        .bind(job.held)
        .bind(brake)
        .bind(external_athlete_id)
        .fetch_one(pool)
        .await?);
        Ok(RoutedWebhook { owner, job: job_id })
    }

    /// Claims the next runnable job for `worker` until `lease_until`: a queued job whose time
    /// has come, or a running one whose worker's lease ran out. With `skip_plugin_jobs` (the
    /// brake), only the host's own jobs are claimed.
    pub async fn claim_job(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        skip_plugin_jobs: bool,
    ) -> StoreResult<Option<JobRow>> {
        // PostgreSQL skips rows other replicas are claiming instead of queueing behind them;
        // SQLite runs the statement under its single writer lock.
        let lock = if self.backend() == Backend::Postgres {
            "FOR UPDATE SKIP LOCKED"
        } else {
            ""
        };
        let sql = format!(
            "UPDATE jobs SET state = 'running', locked_by = $1, locked_until = $2, attempts = attempts + 1, updated_at = $3 \
             WHERE id = (SELECT id FROM jobs WHERE ((state = 'queued' AND run_at <= $3) OR (state = 'running' AND locked_until < $3)) \
             AND NOT held AND ($4 = FALSE OR plugin_id IS NULL) ORDER BY priority DESC, run_at, id LIMIT 1 {lock}) \
             RETURNING {JOB_COLUMNS}"
        );
        Ok(on_write!(self, pool => sqlx::query_as(&sql)
            .bind(worker)
            .bind(lease_until)
            .bind(now)
            .bind(skip_plugin_jobs)
            .fetch_optional(pool)
            .await?))
    }

    /// Claims up to `limit` more due jobs of `kind` in `plugin` (`None`: the host's own jobs)
    /// for `worker`: the rest of a batch whose first job the worker already holds.
    /// `athlete`'s jobs come first, then the others in queue order, so that a burst of one
    /// athlete's jobs is stored as one delivery (one transaction, one stats recomputation)
    /// rather than one per batch.
    #[expect(
        clippy::too_many_arguments,
        reason = "the claim's terms: who, when, until when, which jobs, whose first, how many"
    )]
    pub async fn claim_more_jobs(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        kind: &str,
        plugin: Option<&str>,
        athlete: Option<Uuid>,
        limit: u32,
    ) -> StoreResult<Vec<JobRow>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let lock = if self.backend() == Backend::Postgres {
            "FOR UPDATE SKIP LOCKED"
        } else {
            ""
        };
        let sql = format!(
            "UPDATE jobs SET state = 'running', locked_by = $1, locked_until = $2, attempts = attempts + 1, updated_at = $3 \
             WHERE id IN (SELECT id FROM jobs WHERE ((state = 'queued' AND run_at <= $3) OR (state = 'running' AND locked_until < $3)) \
             AND NOT held AND kind = $4 AND (plugin_id = $5 OR (plugin_id IS NULL AND $5 IS NULL)) \
             ORDER BY CASE WHEN user_id = $7 THEN 0 ELSE 1 END, priority DESC, run_at, id LIMIT $6 {lock}) \
             RETURNING {JOB_COLUMNS}"
        );
        let mut claimed: Vec<JobRow> = on_write!(self, pool => sqlx::query_as(&sql)
            .bind(worker)
            .bind(lease_until)
            .bind(now)
            .bind(kind)
            .bind(plugin)
            .bind(i64::from(limit))
            .bind(athlete)
            .fetch_all(pool)
            .await?);
        // RETURNING promises no order.
        claimed.sort_by(|a, b| {
            b.priority
                .cmp(&a.priority)
                .then(a.run_at.cmp(&b.run_at))
                .then(a.id.cmp(&b.id))
        });
        Ok(claimed)
    }

    /// Extends `worker`'s lease on the jobs it still runs to `until` (a long batch keeps them
    /// from being taken over while it works), in one statement per 500. Returns how many.
    pub async fn extend_leases(
        &self,
        ids: &[Uuid],
        worker: &str,
        until: DateTime<Utc>,
    ) -> StoreResult<u64> {
        self.update_held_jobs(ids, worker, "locked_until = $2", until)
            .await
    }

    /// Sets `set` (where `$2` is `at`) on the jobs among `ids` that `worker` still runs, in one
    /// statement per 500 of them. Returns how many.
    async fn update_held_jobs(
        &self,
        ids: &[Uuid],
        worker: &str,
        set: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let mut updated = 0;
        // `$1` the worker, `$2` the time, then the ids.
        for ids in ids.chunks(500) {
            let sql = format!(
                "UPDATE jobs SET {set} WHERE id IN ({}) AND locked_by = $1 AND state = 'running'",
                super::batch::placeholders(3, ids.len())
            );
            updated += on_write!(self, pool => {
                let mut query = sqlx::query(&sql).bind(worker).bind(at);
                for id in ids {
                    query = query.bind(id);
                }
                query.execute(pool).await?.rows_affected()
            });
        }
        Ok(updated)
    }

    /// Marks the jobs done that `worker` still holds, in one statement per 500 of them.
    /// Returns how many.
    pub async fn finish_jobs(
        &self,
        ids: &[Uuid],
        worker: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        self.update_held_jobs(
            ids,
            worker,
            "state = 'done', locked_by = NULL, locked_until = NULL, deferred_reason = NULL, \
             updated_at = $2",
            now,
        )
        .await
    }

    /// Marks a job done, if `worker` still holds it.
    pub async fn finish_job(
        &self,
        id: Uuid,
        worker: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let affected = on_write!(self, pool => sqlx::query(FINISH_JOB)
        .bind(id)
        .bind(worker)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(affected == 1)
    }

    /// Schedules another attempt at `retry_at`, or fails the job for good when its attempts are
    /// used up.
    pub async fn retry_job(
        &self,
        id: Uuid,
        worker: &str,
        error: &str,
        retry_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let affected = on_write!(self, pool => sqlx::query(
            "UPDATE jobs SET state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END, \
             run_at = $4, last_error = $3, locked_by = NULL, locked_until = NULL, updated_at = $5 \
             WHERE id = $1 AND locked_by = $2 AND state = 'running'",
        )
        .bind(id)
        .bind(worker)
        .bind(error)
        .bind(retry_at)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(affected == 1)
    }

    /// Fails a job for good.
    pub async fn fail_job(
        &self,
        id: Uuid,
        worker: &str,
        error: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let affected = on_write!(self, pool => sqlx::query(
            "UPDATE jobs SET state = 'failed', last_error = $3, locked_by = NULL, locked_until = NULL, updated_at = $4 \
             WHERE id = $1 AND locked_by = $2 AND state = 'running'",
        )
        .bind(id)
        .bind(worker)
        .bind(error)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(affected == 1)
    }

    /// Defers a job to `until` with a reason; the attempt does not count.
    pub async fn defer_job(
        &self,
        id: Uuid,
        worker: &str,
        until: DateTime<Utc>,
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let affected = on_write!(self, pool => sqlx::query(
            "UPDATE jobs SET state = 'queued', run_at = $3, deferred_reason = $4, attempts = attempts - 1, \
             locked_by = NULL, locked_until = NULL, updated_at = $5 WHERE id = $1 AND locked_by = $2 AND state = 'running'",
        )
        .bind(id)
        .bind(worker)
        .bind(until)
        .bind(reason)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(affected == 1)
    }

    /// Releases every job the brake held inside `tx`; returns how many.
    pub async fn release_held_jobs(&self, tx: &mut Tx, now: DateTime<Utc>) -> StoreResult<u64> {
        Ok(
            on_tx!(tx, conn => sqlx::query("UPDATE jobs SET held = FALSE, updated_at = $1 WHERE held AND state = 'queued'")
            .bind(now)
            .execute(conn)
            .await?
            .rows_affected()),
        )
    }

    /// One job.
    pub async fn job(&self, id: Uuid) -> StoreResult<JobRow> {
        let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1");
        Ok(on_pool!(self, pool => sqlx::query_as(&sql).bind(id).fetch_one(pool).await?))
    }

    /// Jobs of one kind for one athlete, newest first (for progress and tests).
    pub async fn jobs_for(&self, user_id: Uuid, limit: u32) -> StoreResult<Vec<JobRow>> {
        let sql = format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as(&sql).bind(user_id).bind(i64::from(limit)).fetch_all(pool).await?),
        )
    }

    /// How many jobs are queued, held, running and failed.
    pub async fn job_counts(&self) -> StoreResult<JobCounts> {
        let rows: Vec<(String, bool, i64)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT state, held, COUNT(*) FROM jobs WHERE state IN ('queued', 'running', 'failed') GROUP BY state, held",
        )
        .fetch_all(pool)
        .await?);
        let mut counts = JobCounts::default();
        for (state, held, n) in rows {
            match (state.as_str(), held) {
                ("queued", true) => counts.held += n,
                ("queued", false) => counts.queued += n,
                ("running", _) => counts.running += n,
                _ => counts.failed += n,
            }
        }
        Ok(counts)
    }

    /// The unfinished and failed jobs by kind and queue state at `now`, in one query.
    pub async fn job_queue(&self, now: DateTime<Utc>) -> StoreResult<Vec<JobQueueGroup>> {
        let rows: Vec<(String, String, i64, DateTime<Utc>)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT kind, CASE WHEN state <> 'queued' THEN state WHEN held THEN 'held' \
             WHEN run_at <= $1 THEN 'ready' ELSE 'scheduled' END AS queue_state, COUNT(*), MIN(run_at) \
             FROM jobs WHERE state IN ('queued', 'running', 'failed') GROUP BY 1, 2 ORDER BY 1, 2",
        )
        .bind(now)
        .fetch_all(pool)
        .await?);
        Ok(rows
            .into_iter()
            .map(|(kind, state, jobs, earliest_run_at)| JobQueueGroup {
                kind,
                state,
                jobs,
                earliest_run_at,
            })
            .collect())
    }

    /// Whether any job is queued or running (optionally only for one athlete), counting the
    /// jobs of acknowledged webhook events still in the inbox.
    pub async fn has_pending_jobs(&self, user_id: Option<Uuid>) -> StoreResult<bool> {
        // The inbox first: an entry leaves it only after its jobs committed, so a job moved
        // between the two reads is seen in the second.
        if self.inbox_count(user_id).await? > 0 {
            return Ok(true);
        }
        let n: i64 = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM jobs WHERE state IN ('queued', 'running') AND ($1 IS NULL OR user_id = $1)",
        )
        .bind(user_id)
        .fetch_one(pool)
        .await?);
        Ok(n > 0)
    }

    /// Whether any worker is running a job right now, or acknowledged webhook events' jobs
    /// are on their way from the inbox (either may queue jobs any moment).
    pub async fn has_running_jobs(&self) -> StoreResult<bool> {
        // The inbox first, as in `has_pending_jobs`.
        if self.inbox_count(None).await? > 0 {
            return Ok(true);
        }
        let n: i64 = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM jobs WHERE state = 'running'",
        )
        .fetch_one(pool)
        .await?);
        Ok(n > 0)
    }

    /// The earliest time a queued job may run (for tests and sleeping workers).
    pub async fn next_job_time(&self) -> StoreResult<Option<DateTime<Utc>>> {
        Ok(
            on_pool!(self, pool => sqlx::query_scalar("SELECT MIN(run_at) FROM jobs WHERE state = 'queued' AND NOT held")
            .fetch_one(pool)
            .await?),
        )
    }

    /// Deletes finished jobs last changed before `before`; returns how many.
    pub async fn purge_finished_jobs(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        Ok(
            on_write!(self, pool => sqlx::query("DELETE FROM jobs WHERE state IN ('done', 'cancelled') AND updated_at < $1")
            .bind(before)
            .execute(pool)
            .await?
            .rows_affected()),
        )
    }
}
