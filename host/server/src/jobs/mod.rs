//! Durable background work: enqueued in the same transaction as its cause, run by workers in
//! every host process, retried with exponential backoff and jitter, deferred (not failed) when
//! told to wait, and taken over from a worker that died (its lease runs out). Handlers must be
//! idempotent: a job runs at least once.
//!
//! The ingestion brake (`system.ingestion_paused`) holds new ingestion jobs (recorded, not run)
//! and keeps workers from starting plugin jobs until it is released.
//!
//! **Typed jobs.** A kind of job is a type implementing [`JobKind`]: its name in the queue and
//! its arguments, serialized by serde. A [`Registry`] built once at start (see `app.rs`) maps
//! each kind to its handler; [`Jobs::enqueue`] takes the typed value, so no payload is ever
//! built by hand and no handler parses another kind's arguments. Attempts come from
//! configuration (`jobs.max_attempts`, per kind `jobs.attempts.<name>`).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use rand::Rng;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::sync::Notify;
use uuid::Uuid;

use crate::audit::AuditEvent;
use crate::auth::{Permission, Viewer};
use crate::config::JobsConfig;
use crate::error::AppResult;
use stride_domain::clock::SharedClock;
use stride_domain::ids::AthleteId;
use stride_sandbox::services::BoxFuture;
use stride_store::{JobRow, NewJob, Store, Tx};

/// A kind of durable job: its name in the queue and its arguments.
pub trait JobKind: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The name jobs of this kind are queued under. Stable: renaming it orphans queued jobs.
    const NAME: &'static str;
    /// Higher runs first.
    const PRIORITY: i32 = 10;
    /// Ingestion work: held (recorded, not run) while the brake is on.
    const INGESTION: bool = false;

    /// Jobs with the same key are queued once: a job enqueued while another with its key is
    /// still waiting joins it.
    fn dedupe_key(&self, athlete: Option<AthleteId>) -> Option<String> {
        let _ = athlete;
        None
    }

    /// The plugin it runs in, when it does (for admins' view of the queue).
    fn plugin(&self) -> Option<&str> {
        None
    }

    /// Not before this instant.
    fn not_before(&self) -> Option<DateTime<Utc>> {
        None
    }
}

/// What a handler knows about the job it runs besides its arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct JobMeta {
    /// Job id.
    pub id: Uuid,
    /// The athlete it concerns.
    pub athlete: Option<AthleteId>,
    /// The plugin it runs in.
    pub plugin: Option<String>,
    /// 1 on the first run.
    pub attempt: i32,
    /// The attempts it gets: a `Retry` verdict on this one fails the job for good.
    pub max_attempts: i32,
}

impl JobMeta {
    /// Whether this is the job's last attempt.
    pub fn is_last_attempt(&self) -> bool {
        self.attempt >= self.max_attempts
    }
}

/// Runs the jobs of kind `K`.
pub trait Handler<K: JobKind>: Send + Sync {
    /// Runs one job.
    fn run<'a>(&'a self, job: K, meta: &'a JobMeta) -> BoxFuture<'a, Verdict>;
}

/// Runs the jobs of kind `K` a batch at a time: jobs whose work overlaps (requests to a
/// provider) or whose follow-up can be shared (storing, stats, rules) run together.
pub trait BatchHandler<K: JobKind>: Send + Sync {
    /// Runs the jobs; one verdict per job, in their order.
    fn run_batch<'a>(&'a self, jobs: Vec<(K, JobMeta)>) -> BoxFuture<'a, Vec<Verdict>>;
}

trait ErasedHandler: Send + Sync {
    fn run<'a>(&'a self, job: &'a JobRow) -> BoxFuture<'a, Verdict>;

    /// Whether jobs of this kind run as a batch.
    fn batches(&self) -> bool {
        false
    }

    /// Runs several jobs; one verdict each, in their order.
    fn run_batch<'a>(&'a self, jobs: &'a [JobRow]) -> BoxFuture<'a, Vec<Verdict>> {
        Box::pin(async move {
            let mut verdicts = Vec::with_capacity(jobs.len());
            for job in jobs {
                verdicts.push(self.run(job).await);
            }
            verdicts
        })
    }
}

/// A job's arguments and what its handler knows of it; or the verdict on arguments that do
/// not parse.
fn typed_job<K: JobKind>(job: &JobRow) -> Result<(K, JobMeta), Verdict> {
    let args: K = serde_json::from_str(&job.payload).map_err(|e| {
        Verdict::Fail(format!(
            "the arguments of this `{}` job are unreadable: {e}",
            K::NAME
        ))
    })?;
    let meta = JobMeta {
        id: job.id,
        athlete: job.user_id.map(AthleteId),
        plugin: job.plugin_id.clone(),
        attempt: job.attempts,
        max_attempts: job.max_attempts,
    };
    Ok((args, meta))
}

struct Typed<K, H> {
    handler: H,
    kind: std::marker::PhantomData<fn() -> K>,
}

impl<K: JobKind, H: Handler<K>> ErasedHandler for Typed<K, H> {
    fn run<'a>(&'a self, job: &'a JobRow) -> BoxFuture<'a, Verdict> {
        Box::pin(async move {
            match typed_job::<K>(job) {
                Ok((args, meta)) => self.handler.run(args, &meta).await,
                Err(verdict) => verdict,
            }
        })
    }
}

struct Batched<K, H> {
    handler: H,
    kind: std::marker::PhantomData<fn() -> K>,
}

impl<K: JobKind, H: BatchHandler<K>> ErasedHandler for Batched<K, H> {
    fn run<'a>(&'a self, job: &'a JobRow) -> BoxFuture<'a, Verdict> {
        Box::pin(async move {
            let mut verdicts = self.run_batch(std::slice::from_ref(job)).await;
            verdicts
                .pop()
                .unwrap_or_else(|| Verdict::Retry("the batch returned no verdict".to_owned()))
        })
    }

    fn batches(&self) -> bool {
        true
    }

    fn run_batch<'a>(&'a self, jobs: &'a [JobRow]) -> BoxFuture<'a, Vec<Verdict>> {
        Box::pin(async move {
            // Jobs whose arguments do not parse fail on their own; the rest run together.
            let mut verdicts: Vec<Option<Verdict>> = Vec::with_capacity(jobs.len());
            let mut runnable = Vec::with_capacity(jobs.len());
            for job in jobs {
                match typed_job::<K>(job) {
                    Ok(typed) => {
                        runnable.push(typed);
                        verdicts.push(None);
                    }
                    Err(verdict) => verdicts.push(Some(verdict)),
                }
            }
            let expected = runnable.len();
            let mut ran = self.handler.run_batch(runnable).await.into_iter();
            if ran.len() != expected {
                let why = format!(
                    "the `{}` batch returned {} verdicts for {expected} jobs",
                    K::NAME,
                    ran.len()
                );
                return jobs.iter().map(|_| Verdict::Retry(why.clone())).collect();
            }
            verdicts
                .into_iter()
                .map(|verdict| {
                    verdict.unwrap_or_else(|| {
                        ran.next().unwrap_or_else(|| {
                            Verdict::Retry("the batch returned no verdict".to_owned())
                        })
                    })
                })
                .collect()
        })
    }
}

/// The job kinds this application runs and their handlers, registered once at start.
#[derive(Default)]
pub struct Registry {
    handlers: HashMap<&'static str, Box<dyn ErasedHandler>>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.handlers.keys()).finish()
    }
}

impl Registry {
    /// Registers the handler of kind `K`.
    pub fn register<K: JobKind>(mut self, handler: impl Handler<K> + 'static) -> Self {
        self.handlers.insert(
            K::NAME,
            Box::new(Typed {
                handler,
                kind: std::marker::PhantomData,
            }),
        );
        self
    }

    /// Registers the handler of kind `K`, which runs a batch of jobs at a time (up to
    /// `jobs.batch`, all in the same plugin).
    pub fn register_batch<K: JobKind>(mut self, handler: impl BatchHandler<K> + 'static) -> Self {
        self.handlers.insert(
            K::NAME,
            Box::new(Batched {
                handler,
                kind: std::marker::PhantomData,
            }),
        );
        self
    }

    /// Runs a claimed job with its kind's handler.
    pub async fn run(&self, job: &JobRow) -> Verdict {
        match self.handlers.get(job.kind.as_str()) {
            Some(handler) => handler.run(job).await,
            None => Verdict::Fail(format!("no handler for `{}` jobs", job.kind)),
        }
    }

    /// Whether jobs of `kind` run as a batch.
    fn batches(&self, kind: &str) -> bool {
        self.handlers.get(kind).is_some_and(|h| h.batches())
    }

    /// Runs claimed jobs of one kind together; one verdict each, in their order.
    async fn run_batch(&self, jobs: &[JobRow]) -> Vec<Verdict> {
        let Some(first) = jobs.first() else {
            return Vec::new();
        };
        match self.handlers.get(first.kind.as_str()) {
            Some(handler) => handler.run_batch(jobs).await,
            None => jobs
                .iter()
                .map(|job| Verdict::Fail(format!("no handler for `{}` jobs", job.kind)))
                .collect(),
        }
    }
}

/// The system setting that holds the brake.
const BRAKE_KEY: &str = "system.ingestion_paused";

/// What a handler says about a job it ran.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Finished.
    Done,
    /// A passing failure: try again after the backoff.
    Retry(String),
    /// Not now: run it again at this time; not a failure.
    Defer(DateTime<Utc>, String),
    /// Will never succeed.
    Fail(String),
}

/// Whether the brake is on, why, and since when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Brake {
    /// On or off.
    pub paused: bool,
    /// Why.
    pub reason: String,
    /// When it last changed.
    pub since: DateTime<Utc>,
}

/// The job queue and its workers.
#[derive(Clone)]
pub struct Jobs {
    store: Store,
    clock: SharedClock,
    config: JobsConfig,
    wake: Arc<Notify>,
    audit: crate::audit::Audit,
}

impl std::fmt::Debug for Jobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jobs")
            .field("workers", &self.config.workers)
            .finish()
    }
}

impl Jobs {
    /// The queue over `store`.
    pub fn new(
        store: Store,
        clock: SharedClock,
        config: JobsConfig,
        audit: crate::audit::Audit,
    ) -> Self {
        Self {
            store,
            clock,
            config,
            wake: Arc::new(Notify::new()),
            audit,
        }
    }

    /// Wakes idle workers on this host (after enqueueing).
    pub fn wake(&self) {
        self.wake.notify_waiters();
    }

    /// The brake's state.
    pub async fn brake(&self) -> AppResult<Brake> {
        self.brake_in(None).await
    }

    /// The brake as `tx` sees it (on the pool when `None`).
    pub(crate) async fn brake_in(&self, tx: Option<&mut Tx>) -> AppResult<Brake> {
        Ok(match self.store.setting(tx, BRAKE_KEY).await? {
            Some(text) => serde_json::from_str(&text).unwrap_or(Brake {
                paused: true,
                reason: "unreadable setting".to_owned(),
                since: self.clock.now(),
            }),
            None => Brake {
                paused: false,
                reason: String::new(),
                since: DateTime::<Utc>::UNIX_EPOCH,
            },
        })
    }

    /// Pulls or releases the brake. Releasing lets every held job run. Audited.
    pub async fn set_brake(&self, viewer: &Viewer, paused: bool, reason: &str) -> AppResult<Brake> {
        viewer.require(Permission::ManageIngestion)?;
        let reason = &crate::error::reason_text("reason", reason)?;
        let now = self.clock.now();
        let brake = Brake {
            paused,
            reason: reason.to_owned(),
            since: now,
        };
        let mut tx = self.store.begin().await?;
        self.store
            .set_setting(
                &mut tx,
                BRAKE_KEY,
                &serde_json::to_string(&brake).unwrap_or_default(),
                now,
            )
            .await?;
        let released = if paused {
            0
        } else {
            self.store.release_held_jobs(&mut tx, now).await?
        };
        let action = if paused {
            "ingestion.pause"
        } else {
            "ingestion.resume"
        };
        let event = AuditEvent::new(viewer.actor(), action, "system", "ingestion")
            .reason(reason)
            .payload(json!({ "released_jobs": released }));
        self.audit.record(&mut tx, event, now).await?;
        tx.commit().await?;
        self.wake();
        Ok(brake)
    }

    /// Enqueues a job inside `tx`, so it exists if and only if its cause commits. `None` when
    /// an identical job (same dedupe key) is already waiting. Ingestion jobs are held while
    /// the brake is on.
    pub async fn enqueue<K: JobKind>(
        &self,
        tx: &mut Tx,
        athlete: Option<AthleteId>,
        job: &K,
        now: DateTime<Utc>,
    ) -> AppResult<Option<Uuid>> {
        // Read inside the transaction: it must not wait for a second connection.
        let held = K::INGESTION && self.brake_in(Some(&mut *tx)).await?.paused;
        let row = self.row(athlete, job, now, held)?;
        Ok(self.store.enqueue_job(tx, &row, now).await?)
    }

    /// Records a webhook event (by the provider's `event_key`, when it has one) and enqueues
    /// its one job, unless the event was recorded before. On PostgreSQL one statement.
    pub(crate) async fn enqueue_for_event<K: JobKind>(
        &self,
        plugin: &str,
        event_key: Option<&str>,
        athlete: Option<AthleteId>,
        job: &K,
        now: DateTime<Utc>,
    ) -> AppResult<Option<Uuid>> {
        let row = self.row(athlete, job, now, false)?;
        let brake = K::INGESTION.then_some(BRAKE_KEY);
        Ok(self
            .store
            .record_webhook_job(plugin, event_key, &row, brake, now)
            .await?)
    }

    /// [`Jobs::enqueue_for_event`] for a job whose athlete is the one connected to `plugin` as
    /// `external_athlete_id`, found in the same statement on PostgreSQL. The event is
    /// recorded whether or not anyone is. The job's dedupe key is made without its athlete
    /// (who is not known yet): for kinds whose key does not name them, such as plugin jobs.
    pub(crate) async fn enqueue_for_event_of<K: JobKind>(
        &self,
        plugin: &str,
        event_key: Option<&str>,
        external_athlete_id: &str,
        job: &K,
        now: DateTime<Utc>,
    ) -> AppResult<stride_store::RoutedWebhook> {
        let row = self.row(None, job, now, false)?;
        let brake = K::INGESTION.then_some(BRAKE_KEY);
        Ok(self
            .store
            .record_webhook_job_for_owner(plugin, event_key, external_athlete_id, &row, brake, now)
            .await?)
    }

    /// The row that enqueues `job`.
    pub(crate) fn row<K: JobKind>(
        &self,
        athlete: Option<AthleteId>,
        job: &K,
        now: DateTime<Utc>,
        held: bool,
    ) -> AppResult<NewJob> {
        Ok(NewJob {
            kind: K::NAME.to_owned(),
            plugin_id: job.plugin().map(str::to_owned),
            user_id: athlete.map(AthleteId::uuid),
            payload: serde_json::to_string(job).map_err(anyhow::Error::from)?,
            priority: K::PRIORITY,
            run_at: job.not_before().unwrap_or(now).max(now),
            dedupe_key: job.dedupe_key(athlete),
            max_attempts: self.attempts_of(K::NAME),
            held,
        })
    }

    /// Attempts a job of `kind` gets before it fails for good.
    fn attempts_of(&self, kind: &str) -> i32 {
        self.config
            .attempts
            .get(kind)
            .copied()
            .unwrap_or(self.config.max_attempts)
            .max(1)
    }

    fn backoff(&self, attempts: i32) -> TimeDelta {
        let exponent = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(0);
        let base = self
            .config
            .backoff_base_s
            .saturating_mul(1u64 << exponent)
            .min(self.config.backoff_max_s);
        let jitter = rand::thread_rng().gen_range(0.8..1.2);
        TimeDelta::milliseconds((base as f64 * 1000.0 * jitter) as i64)
    }

    /// Starts this host's workers; they stop when their handles are aborted.
    pub fn spawn_workers(&self, handler: Arc<Registry>) -> Vec<tokio::task::JoinHandle<()>> {
        let host = format!(
            "{}-{}",
            std::process::id(),
            &Uuid::new_v4().simple().to_string()[..8]
        );
        (0..self.config.workers)
            .map(|n| {
                let jobs = self.clone();
                let handler = handler.clone();
                let worker = format!("{host}-{n}");
                tokio::spawn(async move { jobs.work(worker, handler).await })
            })
            .collect()
    }

    async fn work(self, worker: String, handler: Arc<Registry>) {
        let poll = Duration::from_millis(self.config.poll_ms.max(10));
        loop {
            let ran = match self.run_one(&worker, handler.as_ref()).await {
                Ok(ran) => ran,
                Err(error) => {
                    tracing::warn!(%worker, %error, "job worker error");
                    false
                }
            };
            if !ran {
                tokio::select! {
                    () = tokio::time::sleep(poll) => {},
                    () = self.wake.notified() => {},
                }
            }
        }
    }

    /// Claims and runs one job (or, for a kind that runs as a batch, up to `jobs.batch` of
    /// them); false when there was none.
    pub async fn run_one(&self, worker: &str, handler: &Registry) -> AppResult<bool> {
        let now = self.clock.now();
        let paused = self.brake().await?.paused;
        let lease_length = TimeDelta::seconds(i64::try_from(self.config.lease_s).unwrap_or(120));
        let lease = now + lease_length;
        let Some(job) = self.store.claim_job(worker, now, lease, paused).await? else {
            return Ok(false);
        };
        let mut claimed = vec![job];
        if self.config.batch > 1 && handler.batches(&claimed[0].kind) {
            let (kind, plugin) = (claimed[0].kind.clone(), claimed[0].plugin_id.clone());
            claimed.extend(
                self.store
                    .claim_more_jobs(
                        worker,
                        now,
                        lease,
                        &kind,
                        plugin.as_deref(),
                        claimed[0].user_id,
                        self.config.batch - 1,
                    )
                    .await?,
            );
        }
        // A job interrupted on every attempt (its worker died each time) is not run again.
        let mut jobs = Vec::with_capacity(claimed.len());
        for job in claimed {
            if job.attempts > job.max_attempts {
                self.store
                    .fail_job(
                        job.id,
                        worker,
                        "gave up: the job was interrupted on every attempt",
                        now,
                    )
                    .await?;
            } else {
                jobs.push(job);
            }
        }
        let run: BoxFuture<'_, Vec<Verdict>> = match jobs.as_slice() {
            [] => return Ok(true),
            [job] => {
                let span = tracing::info_span!("job", id = %job.id, kind = %job.kind, plugin = job.plugin_id.as_deref().unwrap_or(""), attempt = job.attempts);
                let run = tracing::Instrument::instrument(handler.run(job), span);
                Box::pin(async move { vec![run.await] })
            }
            [first, ..] => {
                let span = tracing::info_span!("jobs", kind = %first.kind, plugin = first.plugin_id.as_deref().unwrap_or(""), batch = jobs.len());
                Box::pin(tracing::Instrument::instrument(
                    handler.run_batch(&jobs),
                    span,
                ))
            }
        };
        // Jobs can outlast one lease (a plugin call waits for one of the host's call slots,
        // then has its own deadline, and a batch makes many): the lease is renewed every third
        // of it while they run, so no other worker takes them over and runs them twice.
        let ids: Vec<Uuid> = jobs.iter().map(|j| j.id).collect();
        let renew = async {
            let every =
                Duration::from_millis((self.config.lease_s.saturating_mul(1_000) / 3).max(1));
            loop {
                tokio::time::sleep(every).await;
                let until = self.clock.now() + lease_length;
                match self.store.extend_leases(&ids, worker, until).await {
                    Ok(kept) if kept < ids.len() as u64 => {
                        tracing::info!(%worker, kept, of = ids.len(), "running jobs' leases were lost (taken over or erased)");
                    }
                    Ok(_) => {}
                    Err(error) => {
                        tracing::warn!(%worker, %error, "could not renew running jobs' leases")
                    }
                }
            }
        };
        let verdicts = tokio::select! {
            verdicts = run => verdicts,
            _ = renew => unreachable!("renewing a lease never ends"),
        };
        let now = self.clock.now();
        let mut done = Vec::with_capacity(jobs.len());
        for (job, verdict) in jobs.iter().zip(verdicts) {
            match verdict {
                Verdict::Done => done.push(job.id),
                Verdict::Defer(until, reason) => {
                    tracing::info!(job = %job.id, %until, %reason, "job deferred");
                    self.store
                        .defer_job(job.id, worker, until, &reason, now)
                        .await?;
                }
                Verdict::Retry(error) => {
                    let at = now + self.backoff(job.attempts);
                    tracing::warn!(job = %job.id, kind = %job.kind, %error, retry_at = %at, "job failed; will retry");
                    self.store
                        .retry_job(job.id, worker, &error, at, now)
                        .await?;
                }
                Verdict::Fail(error) => {
                    tracing::warn!(job = %job.id, kind = %job.kind, %error, "job failed for good");
                    self.store.fail_job(job.id, worker, &error, now).await?;
                }
            }
        }
        match done.as_slice() {
            [] => {}
            [id] => {
                self.store.finish_job(*id, worker, now).await?;
            }
            ids => {
                self.store.finish_jobs(ids, worker, now).await?;
            }
        }
        Ok(true)
    }
}
