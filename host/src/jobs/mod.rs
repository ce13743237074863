//! Durable background work: enqueued in the same transaction as its cause, run by workers in
//! every host process, retried with exponential backoff and jitter, deferred (not failed) when
//! told to wait, and taken over from a worker that died (its lease runs out). Handlers must be
//! idempotent: a job runs at least once.
//!
//! The ingestion brake (`system.ingestion_paused`) holds new ingestion jobs (recorded, not run)
//! and keeps workers from starting plugin jobs until it is released.

pub mod handlers;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::sync::Notify;
use uuid::Uuid;

use crate::audit::{self, AuditEvent};
use crate::auth::{Permission, Viewer};
use crate::clock::SharedClock;
use crate::config::JobsConfig;
use crate::error::AppResult;
use crate::plugins::services::BoxFuture;
use crate::store::{JobRow, NewJob, Store, Tx};

/// The kind of a job that runs inside a plugin.
pub const PLUGIN_JOB: &str = "plugin";

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

/// Runs jobs of the kinds it knows.
pub trait JobHandler: Send + Sync {
    /// Runs one job.
    fn handle<'a>(&'a self, job: &'a JobRow) -> BoxFuture<'a, Verdict>;
}

/// The payload of a plugin job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PluginJobPayload {
    /// The plugin's own job kind.
    pub kind: String,
    /// The plugin's payload (JSON).
    pub payload: serde_json::Value,
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
    pub fn new(store: Store, clock: SharedClock, config: JobsConfig) -> Self {
        Self {
            store,
            clock,
            config,
            wake: Arc::new(Notify::new()),
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
    async fn brake_in(&self, tx: Option<&mut Tx>) -> AppResult<Brake> {
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
        audit::record(&self.store, &mut tx, event, now).await?;
        tx.commit().await?;
        self.wake();
        Ok(brake)
    }

    /// Enqueues a plugin job for an athlete inside `tx` (held when the brake is on). `None`
    /// when an identical job is already queued.
    #[expect(clippy::too_many_arguments, reason = "a job's fields")]
    pub async fn enqueue_plugin_job(
        &self,
        tx: &mut Tx,
        plugin: &str,
        athlete: Uuid,
        kind: &str,
        payload: serde_json::Value,
        dedupe_key: Option<String>,
        not_before: Option<DateTime<Utc>>,
    ) -> AppResult<Option<Uuid>> {
        // Read inside the transaction: it must not wait for a second connection.
        let held = self.brake_in(Some(&mut *tx)).await?.paused;
        let now = self.clock.now();
        let job = NewJob {
            kind: PLUGIN_JOB.to_owned(),
            plugin_id: Some(plugin.to_owned()),
            user_id: Some(athlete),
            payload: serde_json::to_string(&PluginJobPayload {
                kind: kind.to_owned(),
                payload,
            })
            .unwrap_or_default(),
            priority: if kind == "backfill" { 0 } else { 10 },
            run_at: not_before.unwrap_or(now).max(now),
            dedupe_key: dedupe_key.map(|key| format!("{plugin}:{key}")),
            max_attempts: self.config.max_attempts,
            held,
        };
        Ok(self.store.enqueue_job(tx, &job, now).await?)
    }

    /// Starts an athlete's history backfill with `provider` inside `tx`.
    pub async fn start_backfill(
        &self,
        tx: &mut Tx,
        athlete: Uuid,
        provider: &str,
        now: DateTime<Utc>,
    ) -> AppResult<Uuid> {
        let run = Uuid::now_v7();
        let held = self.brake_in(Some(&mut *tx)).await?.paused;
        self.store
            .start_backfill(
                tx,
                athlete,
                provider,
                run,
                if held { "held" } else { "queued" },
                now,
            )
            .await?;
        self.enqueue_plugin_job(
            tx,
            provider,
            athlete,
            "backfill",
            json!({ "page": 1, "run": run }),
            Some(format!("backfill:{athlete}:{run}:1")),
            None,
        )
        .await?;
        Ok(run)
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
    pub fn spawn_workers(&self, handler: Arc<dyn JobHandler>) -> Vec<tokio::task::JoinHandle<()>> {
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

    async fn work(self, worker: String, handler: Arc<dyn JobHandler>) {
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

    /// Claims and runs one job; false when there was none.
    pub async fn run_one(&self, worker: &str, handler: &dyn JobHandler) -> AppResult<bool> {
        let now = self.clock.now();
        let paused = self.brake().await?.paused;
        let lease = now + TimeDelta::seconds(i64::try_from(self.config.lease_s).unwrap_or(120));
        let Some(job) = self.store.claim_job(worker, now, lease, paused).await? else {
            return Ok(false);
        };
        if job.attempts > job.max_attempts {
            self.store
                .fail_job(
                    job.id,
                    worker,
                    "gave up: the job was interrupted on every attempt",
                    now,
                )
                .await?;
            return Ok(true);
        }
        let span = tracing::info_span!("job", id = %job.id, kind = %job.kind, plugin = job.plugin_id.as_deref().unwrap_or(""), attempt = job.attempts);
        let verdict = tracing::Instrument::instrument(handler.handle(&job), span).await;
        let now = self.clock.now();
        match verdict {
            Verdict::Done => {
                self.store.finish_job(job.id, worker, now).await?;
            }
            Verdict::Defer(until, reason) => {
                tracing::info!(%until, %reason, "job deferred");
                self.store
                    .defer_job(job.id, worker, until, &reason, now)
                    .await?;
            }
            Verdict::Retry(error) => {
                let at = now + self.backoff(job.attempts);
                tracing::warn!(%error, retry_at = %at, "job failed; will retry");
                self.store
                    .retry_job(job.id, worker, &error, at, now)
                    .await?;
            }
            Verdict::Fail(error) => {
                tracing::warn!(%error, "job failed for good");
                self.store.fail_job(job.id, worker, &error, now).await?;
            }
        }
        Ok(true)
    }
}
