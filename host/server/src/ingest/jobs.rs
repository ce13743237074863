//! The durable jobs of ingestion: a plugin's own job, and one page of a history import.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, TimeDelta, Utc};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use stride_domain::ids::AthleteId;
use uuid::Uuid;

use stride_sandbox::contract::{
    AthleteRef, HistoryRequest, JobOutcome, JobRequest, NewJob, PluginError,
};
use stride_sandbox::services::{BoxFuture, CallAthlete};
use stride_sandbox::{CallError, CallReport};
use stride_store::{Backend, BackfillStatus, ConnectionStatus, User};

use super::{Ingest, defer_instant, payload_json};
use crate::jobs::{BatchHandler, Handler, JobKind, JobMeta, Verdict};

/// A job of a plugin's own (fetching one activity, following up an event).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PluginJob {
    /// The plugin that runs it (older queued jobs carry it only in the queue's row).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub plugin: String,
    /// The plugin's own job kind.
    pub kind: String,
    /// The plugin's payload.
    pub payload: Value,
    /// The plugin's dedupe key, if it gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dedupe: Option<String>,
    /// Not before this instant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<DateTime<Utc>>,
}

impl PluginJob {
    /// The job a plugin asked for.
    pub fn from_new_job(plugin: &str, job: &NewJob) -> Self {
        Self {
            plugin: plugin.to_owned(),
            kind: job.kind.clone(),
            payload: payload_json(&job.payload),
            dedupe: job.dedupe_key.clone(),
            not_before: defer_instant(job.not_before_ms),
        }
    }
}

impl JobKind for PluginJob {
    const NAME: &'static str = "plugin";
    const INGESTION: bool = true;

    fn dedupe_key(&self, _athlete: Option<AthleteId>) -> Option<String> {
        self.dedupe
            .as_ref()
            .map(|key| format!("{}:{key}", self.plugin))
    }

    fn plugin(&self) -> Option<&str> {
        Some(&self.plugin)
    }

    fn not_before(&self) -> Option<DateTime<Utc>> {
        self.not_before
    }
}

/// One page of an athlete's history import from a plugin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryPage {
    /// The plugin importing.
    pub plugin: String,
    /// The import run.
    pub run: Uuid,
    /// 1 for the first page.
    pub page: u32,
    /// The previous page's cursor.
    pub cursor: Option<String>,
}

impl JobKind for HistoryPage {
    const NAME: &'static str = "history.page";
    // Below live events: a long import never delays today's activity.
    const PRIORITY: i32 = 0;
    const INGESTION: bool = true;

    fn dedupe_key(&self, athlete: Option<AthleteId>) -> Option<String> {
        athlete.map(|a| format!("history:{}:{a}:{}:{}", self.plugin, self.run, self.page))
    }

    fn plugin(&self) -> Option<&str> {
        Some(&self.plugin)
    }
}

/// How many athletes of a batch are looked up, or stored (on PostgreSQL), at once. Each holds
/// a database connection, and the webhooks' acknowledgements need connections of the same
/// pool. SQLite stores one athlete at a time: it has one writer, and deliveries queued for it
/// would hold back the acknowledgements queued behind them (measured: the open loop's p99 at
/// 1,000 events/s went from 43 to 116 ms, for no more activities stored per second).
const AT_ONCE: usize = 4;

/// Most of a batch's plugin calls running at once (the next starts as one finishes). With the
/// defaults, two workers' batches then hold at most the host's 32 call slots
/// (`plugins.max_concurrent_calls`), as batches of 16 did, rather than queueing for them
/// ahead of the webhooks' calls; and one batch of an athlete's jobs has at most this many
/// calls at their provider at once (another worker's batch may hold more of theirs). A batch
/// renews its lease while it runs.
const CALLS_AT_ONCE: usize = 16;

/// Who a plugin job is for, or the verdict when they are not connected.
type Connected = Result<(User, CallAthlete), Verdict>;

/// A plugin job's call, ready to be made.
struct Call {
    /// Its place in the batch.
    index: usize,
    plugin: String,
    athlete: User,
    meta: JobMeta,
}

/// What a plugin job's call answered, stored with the athlete's others.
struct Fetched {
    /// Its place in the batch.
    index: usize,
    meta: JobMeta,
    outcome: JobOutcome,
}

/// Why a plugin call did not give its answer, as a job verdict.
fn call_failed<'a>(
    ingest: &'a Ingest,
    plugin: &str,
    athlete: Uuid,
    error: CallError,
) -> BoxFuture<'a, Verdict> {
    let plugin = plugin.to_owned();
    Box::pin(async move {
        let now = ingest.clock.now();
        match error {
            CallError::Plugin(PluginError::Unauthorized(why)) => {
                // Refresh before the next attempt; if the athlete revoked access, the provider's
                // event (or the refresh) will end the connection.
                let _ = ingest.connections.expire_token(athlete, &plugin).await;
                Verdict::Retry(format!("the provider refused the credentials: {why}"))
            }
            CallError::Plugin(PluginError::Retryable(why)) => Verdict::Retry(why),
            CallError::Plugin(PluginError::Permanent(why) | PluginError::BadInput(why)) => {
                Verdict::Fail(why)
            }
            CallError::BreakerOpen { until, .. } => {
                Verdict::Defer(until, format!("{plugin} is paused after repeated failures"))
            }
            CallError::Disabled(_) => Verdict::Defer(
                now + TimeDelta::minutes(5),
                format!("{plugin} is disabled by an admin"),
            ),
            CallError::NotFound(_) => Verdict::Defer(
                now + TimeDelta::minutes(5),
                format!("{plugin} is not loaded"),
            ),
            CallError::Failed(failure) => Verdict::Retry(failure.message),
        }
    })
}

impl Ingest {
    /// The athlete of a plugin job and their connection, or the verdict when there is none.
    async fn connected(
        &self,
        plugin: &str,
        athlete: Option<AthleteId>,
    ) -> Result<(User, CallAthlete), Verdict> {
        let Some(athlete_id) = athlete.map(AthleteId::uuid) else {
            return Err(Verdict::Fail("a plugin job needs an athlete".to_owned()));
        };
        let athlete = self
            .store
            .user(athlete_id)
            .await
            .map_err(|e| Verdict::Retry(e.to_string()))?;
        let connection = match self.store.connection(athlete_id, plugin).await {
            Ok(Some(connection)) if connection.status == ConnectionStatus::Active => connection,
            Ok(_) => {
                return Err(Verdict::Fail(format!(
                    "the athlete is no longer connected to {plugin}"
                )));
            }
            Err(e) => return Err(Verdict::Retry(e.to_string())),
        };
        let call_athlete = CallAthlete {
            id: AthleteId(athlete_id),
            external_id: connection.external_athlete_id.clone(),
            time_zone: athlete.profile.time_zone.name().to_owned(),
        };
        Ok((athlete, call_athlete))
    }

    /// Runs plugin jobs together. Each athlete's connection is looked up once; the plugin
    /// calls overlap (each waits on its provider, not on the CPU); then each athlete's records
    /// from every job in the batch are stored in one delivery (a job on a later attempt in one
    /// of its own), so stats, the home screen, the rules and insights follow once per athlete
    /// rather than once per job. A job's verdict is its own: one that fails does not fail the
    /// others, except that a delivery that cannot be stored is retried for every job whose
    /// records it carried (storing is idempotent).
    async fn run_plugin_jobs(&self, jobs: Vec<(PluginJob, JobMeta)>) -> Vec<Verdict> {
        let mut verdicts: Vec<Option<Verdict>> = vec![None; jobs.len()];
        let mut runnable = Vec::with_capacity(jobs.len());
        for (i, (job, meta)) in jobs.into_iter().enumerate() {
            let plugin = if job.plugin.is_empty() {
                meta.plugin.clone().unwrap_or_default()
            } else {
                job.plugin.clone()
            };
            // Jobs queued by an older Stride for a history page.
            if job.kind == "backfill"
                && let Some(run) = job.payload["run"].as_str().and_then(|r| r.parse().ok())
            {
                let page = HistoryPage {
                    plugin,
                    run,
                    page: job.payload["page"]
                        .as_u64()
                        .unwrap_or(1)
                        .clamp(1, u64::from(u32::MAX)) as u32,
                    cursor: Some(job.payload.to_string()),
                };
                verdicts[i] = Some(self.run_history_page(page, &meta).await);
                continue;
            }
            runnable.push((i, plugin, job, meta));
        }
        // Each athlete's connection, looked up once and all at once.
        let keys: BTreeSet<(String, Option<AthleteId>)> = runnable
            .iter()
            .map(|(_, plugin, _, meta)| (plugin.clone(), meta.athlete))
            .collect();
        let found: Vec<Connected> = futures::stream::iter(keys.clone())
            .map(|(plugin, athlete)| async move { self.connected(&plugin, athlete).await })
            .buffered(AT_ONCE)
            .collect()
            .await;
        let connected: HashMap<(String, Option<AthleteId>), Connected> =
            keys.into_iter().zip(found).collect();
        let mut calls = Vec::with_capacity(runnable.len());
        let mut requests = Vec::with_capacity(runnable.len());
        for (i, plugin, job, meta) in runnable {
            let key = (plugin.clone(), meta.athlete);
            match &connected[&key] {
                Err(verdict) => verdicts[i] = Some(verdict.clone()),
                Ok((athlete, call_athlete)) => {
                    let request = JobRequest {
                        kind: job.kind.clone(),
                        payload: job.payload.to_string(),
                        athlete: Some(athlete_ref(call_athlete)),
                        attempt: u32::try_from(meta.attempt).unwrap_or(1),
                    };
                    calls.push(Call {
                        index: i,
                        plugin,
                        athlete: athlete.clone(),
                        meta,
                    });
                    requests.push((request, call_athlete.clone()));
                }
            }
        }
        let owned: Vec<(usize, String, JobRequest, CallAthlete)> = calls
            .iter()
            .zip(requests)
            .enumerate()
            .map(|(i, (call, (request, call_athlete)))| {
                (i, call.plugin.clone(), request, call_athlete)
            })
            .collect();
        let plugins = &self.plugins;
        // As each call finishes the next starts (a slow one does not hold the others back);
        // the reports are put back in the calls' order.
        let mut finished: Vec<_> = futures::stream::iter(owned)
            .map(|(i, plugin, request, call_athlete)| async move {
                (
                    i,
                    plugins.run_job(&plugin, request, Some(call_athlete)).await,
                )
            })
            .buffer_unordered(CALLS_AT_ONCE)
            .collect()
            .await;
        finished.sort_by_key(|(i, _)| *i);
        let reports = finished.into_iter().map(|(_, report)| report);
        // What each athlete's jobs fetched, in the jobs' order. A job run again (its last
        // attempt failed) is stored in a delivery of its own: one that cannot be stored does
        // not take the athlete's other jobs down with it again.
        let mut fetched: BTreeMap<(String, Uuid, usize), (User, Vec<Fetched>)> = BTreeMap::new();
        for (call, report) in calls.into_iter().zip(reports) {
            match report.result {
                Ok(outcome) => {
                    fetched
                        .entry((
                            call.plugin,
                            call.athlete.id,
                            if call.meta.attempt > 1 {
                                call.index + 1
                            } else {
                                0
                            },
                        ))
                        .or_insert_with(|| (call.athlete, Vec::new()))
                        .1
                        .push(Fetched {
                            index: call.index,
                            meta: call.meta,
                            outcome,
                        });
                }
                Err(error) => {
                    verdicts[call.index] =
                        Some(call_failed(self, &call.plugin, call.athlete.id, error).await);
                }
            }
        }
        // On PostgreSQL, several deliveries are stored at once: each waits on the database more
        // than on the CPU. Each takes its athlete's row lock first, so two of one athlete's
        // run one after the other.
        let stored: Vec<_> = futures::stream::iter(fetched)
            .map(|((plugin, _, _), (athlete, mut outcomes))| async move {
                let stored = self.store_fetched(&plugin, &athlete, &mut outcomes).await;
                (stored, outcomes)
            })
            .buffer_unordered(match self.store.backend() {
                Backend::Postgres => AT_ONCE,
                Backend::Sqlite => 1,
            })
            .collect()
            .await;
        for (stored, outcomes) in stored {
            for Fetched { index, outcome, .. } in outcomes {
                verdicts[index] = Some(match &stored {
                    Err(error) => Verdict::Retry(format!("storing the results failed: {error}")),
                    Ok(()) => self.done_or_deferred(
                        defer_instant(outcome.defer_until_ms),
                        outcome.defer_reason,
                    ),
                });
            }
        }
        verdicts
            .into_iter()
            .map(|v| v.unwrap_or_else(|| Verdict::Retry("the job was not run".to_owned())))
            .collect()
    }

    /// Stores what one athlete's plugin jobs fetched: their records in one delivery, then
    /// their follow-up jobs in one transaction.
    async fn store_fetched(
        &self,
        plugin: &str,
        athlete: &User,
        outcomes: &mut [Fetched],
    ) -> crate::error::AppResult<()> {
        let records = outcomes
            .iter_mut()
            .flat_map(|fetched| std::mem::take(&mut fetched.outcome.records))
            .collect::<Vec<_>>();
        let summary = self.deliver(plugin, athlete, records).await?;
        let follow_ups = outcomes
            .iter_mut()
            .flat_map(|fetched| std::mem::take(&mut fetched.outcome.follow_ups))
            .collect::<Vec<_>>();
        if !follow_ups.is_empty() {
            let mut tx = self.store.begin().await?;
            let queued = self
                .queue_follow_ups(&mut tx, plugin, athlete.id, follow_ups)
                .await?;
            tx.commit().await?;
            if queued > 0 {
                self.jobs.wake();
            }
        }
        let jobs: Vec<String> = outcomes.iter().map(|f| f.meta.id.to_string()).collect();
        tracing::info!(plugin, ?jobs, ?summary, "plugin jobs stored their records");
        Ok(())
    }

    async fn run_history_page(&self, page: HistoryPage, meta: &JobMeta) -> Verdict {
        let plugin = page.plugin.clone();
        let (athlete, call_athlete) = match self.connected(&plugin, meta.athlete).await {
            Ok(found) => found,
            Err(verdict) => {
                if let (Some(athlete), Verdict::Fail(why)) =
                    (meta.athlete.map(AthleteId::uuid), &verdict)
                {
                    self.set_history_status(
                        athlete,
                        &plugin,
                        page.run,
                        BackfillStatus::Failed,
                        Some(why),
                    )
                    .await;
                }
                return verdict;
            }
        };
        self.set_history_status(athlete.id, &plugin, page.run, BackfillStatus::Running, None)
            .await;
        let request = HistoryRequest {
            athlete: athlete_ref(&call_athlete),
            run: page.run.to_string(),
            page: page.page,
            cursor: page.cursor.clone(),
            attempt: u32::try_from(meta.attempt).unwrap_or(1),
        };
        let report: CallReport<_> = self
            .plugins
            .import_history(&plugin, request, call_athlete)
            .await;
        let outcome = match report.result {
            Ok(outcome) => outcome,
            Err(error) => return call_failed(self, &plugin, athlete.id, error).await,
        };
        let deferred = defer_instant(outcome.defer_until_ms);
        let stored = async {
            let summary = self.deliver(&plugin, &athlete, outcome.records).await?;
            tracing::info!(plugin, job = %meta.id, page = page.page, ?summary, "history page stored its records");
            let now = self.clock.now();
            let mut tx = self.store.begin().await?;
            self.queue_follow_ups(&mut tx, &plugin, athlete.id, outcome.follow_ups)
                .await?;
            let next = match (&deferred, &outcome.next_cursor) {
                (None, Some(cursor)) => Some(HistoryPage {
                    plugin: plugin.clone(),
                    run: page.run,
                    page: page.page + 1,
                    cursor: Some(cursor.clone()),
                }),
                _ => None,
            };
            // The run's status moves in the same transaction that queues the next page, so a
            // next page that finishes first cannot have its status overwritten by this one.
            let status = match (&deferred, &next) {
                (Some(_), _) => BackfillStatus::Deferred,
                (None, Some(_)) => BackfillStatus::Running,
                (None, None) => BackfillStatus::Done,
            };
            if let Some(next) = &next {
                self.jobs
                    .enqueue(&mut tx, Some(AthleteId(athlete.id)), next, now)
                    .await?;
            }
            let progress = outcome.progress.as_ref().map(|p| {
                (
                    i32::try_from(p.pages_done).unwrap_or(i32::MAX),
                    i32::try_from(p.items_done).unwrap_or(i32::MAX),
                )
            });
            let note = outcome
                .defer_reason
                .as_deref()
                .or(outcome.progress.as_ref().and_then(|p| p.note.as_deref()));
            self.store
                .update_backfill(
                    &mut tx, athlete.id, &plugin, page.run, status, progress, deferred, note, now,
                )
                .await?;
            tx.commit().await?;
            self.jobs.wake();
            crate::error::AppResult::Ok(())
        };
        if let Err(error) = stored.await {
            return Verdict::Retry(format!("storing the results failed: {error}"));
        }
        self.events_backfill(athlete.id, &plugin).await;
        self.done_or_deferred(deferred, outcome.defer_reason)
    }

    /// A stored outcome's verdict: done, or deferred to when the provider asked (never
    /// earlier than now).
    fn done_or_deferred(&self, deferred: Option<DateTime<Utc>>, reason: Option<String>) -> Verdict {
        match deferred {
            Some(until) => Verdict::Defer(
                until.max(self.clock.now()),
                reason.unwrap_or_else(|| "the provider asked to wait".to_owned()),
            ),
            None => Verdict::Done,
        }
    }

    /// Best effort: the page's own outcome writes the status that matters.
    async fn set_history_status(
        &self,
        athlete: Uuid,
        plugin: &str,
        run: Uuid,
        status: BackfillStatus,
        note: Option<&str>,
    ) {
        let update = async {
            let mut tx = self.store.begin().await?;
            self.store
                .update_backfill(
                    &mut tx,
                    athlete,
                    plugin,
                    run,
                    status,
                    None,
                    None,
                    note,
                    self.clock.now(),
                )
                .await?;
            tx.commit().await
        };
        if let Err(error) = update.await {
            tracing::warn!(%error, "could not update a history import's status");
        }
        self.events_backfill(athlete, plugin).await;
    }

    pub(super) async fn events_backfill(&self, athlete: Uuid, plugin: &str) {
        self.events
            .publish(crate::events::Event::BackfillMoved {
                athlete: AthleteId(athlete),
                provider: plugin.to_owned(),
            })
            .await;
    }
}

fn athlete_ref(athlete: &CallAthlete) -> AthleteRef {
    AthleteRef {
        id: athlete.id.to_string(),
        external_id: athlete.external_id.clone(),
        time_zone: athlete.time_zone.clone(),
    }
}

impl BatchHandler<PluginJob> for Ingest {
    fn run_batch<'a>(&'a self, jobs: Vec<(PluginJob, JobMeta)>) -> BoxFuture<'a, Vec<Verdict>> {
        Box::pin(self.run_plugin_jobs(jobs))
    }
}

impl Handler<HistoryPage> for Ingest {
    fn run<'a>(&'a self, job: HistoryPage, meta: &'a JobMeta) -> BoxFuture<'a, Verdict> {
        Box::pin(self.run_history_page(job, meta))
    }
}
