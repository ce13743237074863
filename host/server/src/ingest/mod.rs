//! Ingestion: webhooks in, plugin jobs and history imports run, their records handed to the
//! one write path.
//!
//! Webhook → the plugin names the event and the jobs it needs → the event is recorded once,
//! its jobs enqueued in the same transaction (on SQLite shared with the webhooks arriving
//! meanwhile) → the provider gets its reply. Job → the plugin fetches through the host → its
//! records go to [`crate::records`] (validated, stored with provenance, stats, plan matching,
//! home, rules, events). A deferral waits for the provider's window; it is not a failure.

mod convert;
mod events;
pub mod imports;
pub mod jobs;
pub mod uploads;

use std::sync::Arc;

use chrono::{TimeDelta, TimeZone, Utc};
use serde_json::Value;
use uuid::Uuid;

use stride_domain::clock::SharedClock;
use stride_domain::ids::{AthleteId, PluginId};
use stride_sandbox::contract::{PluginError, RecordItem, WebhookRequest};
use stride_sandbox::{CallError, PluginHost};
use stride_store::{BackfillStatus, Store, Tx, User};

use self::convert::Converted;
use self::events::EventLog;
use self::jobs::{HistoryPage, PluginJob};
use crate::connections::Connections;
use crate::error::AppResult;
use crate::events::Events;
use crate::jobs::Jobs;
use crate::records::{DeliverySummary, Records};

/// What the webhook endpoint answers.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookResponse {
    /// HTTP status.
    pub status: u16,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl WebhookResponse {
    fn text(status: u16, body: &str) -> Self {
        Self {
            status,
            headers: vec![(
                "content-type".to_owned(),
                "text/plain; charset=utf-8".to_owned(),
            )],
            body: body.as_bytes().to_vec(),
        }
    }
}

/// What one batch of records did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestSummary {
    /// Activities created or updated.
    pub activities: u32,
    /// Activities deleted.
    pub deleted: u32,
    /// Days of metrics stored.
    pub metrics: u32,
    /// Records refused.
    pub rejected: u32,
}

/// What admins see of ingestion: the brake, the queue, rate budgets, refused records.
#[derive(Debug, Clone)]
pub struct IngestionReport {
    /// The brake.
    pub brake: crate::jobs::Brake,
    /// The job queue.
    pub jobs: stride_store::JobCounts,
    /// Rate windows of the last day.
    pub rate_windows: Vec<stride_store::RateWindowRow>,
    /// The most recent refused records.
    pub rejections: Vec<stride_store::RejectionRow>,
}

/// Ingestion.
#[derive(Clone)]
pub struct Ingest {
    store: Store,
    clock: SharedClock,
    plugins: Arc<PluginHost>,
    records: Records,
    connections: Connections,
    jobs: Jobs,
    events: Events,
    /// Webhook events, recorded in shared transactions.
    event_log: EventLog,
    import_settings: self::imports::ImportSettings,
}

impl std::fmt::Debug for Ingest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Ingest")
    }
}

impl Ingest {
    /// The ingestion service.
    pub fn new(
        store: Store,
        clock: SharedClock,
        plugins: Arc<PluginHost>,
        records: Records,
        connections: Connections,
        jobs: Jobs,
        events: Events,
    ) -> Self {
        Self {
            event_log: EventLog::new(store.clone(), clock.clone(), jobs.clone()),
            store,
            clock,
            plugins,
            records,
            connections,
            jobs,
            events,
            import_settings: self::imports::ImportSettings::default(),
        }
    }

    /// Starts turning the webhook inbox's events into jobs (SQLite on a file), including
    /// what an earlier run left there. Recording an event starts it too.
    pub fn start_inbox(&self) {
        self.event_log.start_mover();
    }

    /// Stops turning the inbox's events into jobs (at shutdown); the next run goes on.
    pub fn stop_inbox(&self) {
        self.event_log.stop_mover();
    }

    /// The same service, carrying out file imports with `settings`.
    pub fn with_import_settings(mut self, settings: self::imports::ImportSettings) -> Self {
        self.import_settings = settings;
        self
    }

    /// The brake, the queue, the last day's rate windows (of `provider`, or every loaded
    /// plugin) and recent refusals. Needs `MANAGE_INGESTION`.
    pub async fn status(
        &self,
        viewer: &crate::auth::Viewer,
        provider: Option<&str>,
    ) -> AppResult<IngestionReport> {
        viewer.require(crate::auth::Permission::ManageIngestion)?;
        let brake = self.jobs.brake().await?;
        // With acknowledged webhook events' jobs on their way from the inbox (the brake holds
        // them when they arrive if it is on). Counted again when one arrived meanwhile, which
        // either count might have missed.
        let (mut jobs, arriving) = {
            let mut tries = 0;
            loop {
                let before = self.store.inbox_count(None).await?;
                let jobs = self.store.job_counts().await?;
                let after = self.store.inbox_count(None).await?;
                tries += 1;
                if before == after || tries == 3 {
                    break (jobs, after);
                }
            }
        };
        if brake.paused {
            jobs.held += arriving;
        } else {
            jobs.queued += arriving;
        }
        let since = self.clock.now() - TimeDelta::days(1);
        let providers = match provider {
            Some(p) => vec![p.to_owned()],
            None => self.plugins.ids(),
        };
        let mut rate_windows = Vec::new();
        for p in providers {
            rate_windows.extend(self.store.rate_windows(&p, since).await?);
        }
        let rejections = self.store.rejections(50).await?;
        Ok(IngestionReport {
            brake,
            jobs,
            rate_windows,
            rejections,
        })
    }

    /// Handles a webhook for `plugin`: the plugin verifies and names the event; a new event's
    /// jobs are enqueued (held by the brake if it is on) in the transaction that records it.
    pub async fn webhook(&self, plugin: &str, request: WebhookRequest) -> WebhookResponse {
        let report = self.plugins.handle_webhook(plugin, request).await;
        let outcome = match report.result {
            Ok(outcome) => outcome,
            Err(CallError::NotFound(_)) => return WebhookResponse::text(404, "no such plugin"),
            Err(CallError::Plugin(PluginError::BadInput(why))) => {
                return WebhookResponse::text(400, &why);
            }
            Err(CallError::Disabled(_) | CallError::BreakerOpen { .. }) => {
                return WebhookResponse::text(503, "temporarily unavailable; retry later");
            }
            Err(error) => {
                tracing::warn!(plugin, %error, "webhook failed");
                return WebhookResponse::text(
                    500,
                    "the webhook could not be processed; retry later",
                );
            }
        };
        if let Err(error) = self
            .accept_event(plugin, outcome.event_key.as_deref(), &outcome.jobs)
            .await
        {
            tracing::error!(plugin, error = ?error, "could not record a webhook event");
            return WebhookResponse::text(500, "the event could not be recorded; retry later");
        }
        WebhookResponse {
            status: outcome.reply.status,
            headers: outcome
                .reply
                .headers
                .into_iter()
                .map(|h| (h.name, h.value))
                .collect(),
            body: outcome.reply.body,
        }
    }

    async fn accept_event(
        &self,
        plugin: &str,
        event_key: Option<&str>,
        jobs: &[stride_sandbox::contract::NewJob],
    ) -> AppResult<()> {
        if jobs.is_empty() && event_key.is_none() {
            return Ok(());
        }
        // The common case on PostgreSQL, an event with one athlete's job: the athlete is found
        // by the statement that records the event and queues the job (one round trip).
        if self.store.backend() == stride_store::Backend::Postgres
            && let [job] = jobs
            && let Some(external) = job.athlete_external_id.as_deref()
        {
            let routed = self
                .jobs
                .enqueue_for_event_of(
                    plugin,
                    event_key,
                    external,
                    &PluginJob::from_new_job(plugin, job),
                    self.clock.now(),
                )
                .await?;
            if routed.owner.is_none() {
                tracing::info!(
                    plugin,
                    "webhook event for an athlete not connected here; dropped"
                );
            }
            if routed.job.is_some() {
                self.jobs.wake();
            }
            return Ok(());
        }
        // Whose jobs these are, looked up before the transaction: a transaction never waits
        // for a second connection (on SQLite it holds the database's write lock meanwhile).
        let mut owned = Vec::with_capacity(jobs.len());
        for job in jobs {
            let Some(external) = job.athlete_external_id.as_deref() else {
                tracing::warn!(plugin, kind = %job.kind, "webhook job names no athlete; dropped");
                continue;
            };
            match self
                .store
                .connection_by_external(plugin, external)
                .await?
                .filter(|c| c.status == stride_store::ConnectionStatus::Active)
            {
                Some(connection) => owned.push((connection.user_id, job)),
                None => tracing::info!(
                    plugin,
                    "webhook event for an athlete not connected here; dropped"
                ),
            }
        }
        // The event and its jobs are recorded with the other webhooks arriving now, in one
        // transaction; the provider's reply waits until it has committed.
        let jobs = owned
            .into_iter()
            .map(|(athlete, job)| (athlete, PluginJob::from_new_job(plugin, job)))
            .collect();
        self.event_log.record(plugin, event_key, jobs).await
    }

    /// Starts an athlete's history import from `plugin` inside `tx` (when the plugin imports
    /// history): records the run and queues its first page.
    pub async fn start_history(
        jobs: &Jobs,
        store: &Store,
        tx: &mut Tx,
        athlete: Uuid,
        plugin: &str,
        now: chrono::DateTime<Utc>,
    ) -> AppResult<Uuid> {
        let run = Uuid::now_v7();
        let held = jobs.brake_in(Some(&mut *tx)).await?.paused;
        let status = if held {
            BackfillStatus::Held
        } else {
            BackfillStatus::Queued
        };
        store
            .start_backfill(tx, athlete, plugin, run, status, now)
            .await?;
        jobs.enqueue(
            tx,
            Some(AthleteId(athlete)),
            &HistoryPage {
                plugin: plugin.to_owned(),
                run,
                page: 1,
                cursor: None,
            },
            now,
        )
        .await?;
        Ok(run)
    }

    /// Hands a plugin's records for `athlete` to the records service. A revocation is checked
    /// by the connection service; everything else is stored (or refused with its reason).
    pub async fn deliver(
        &self,
        plugin: &str,
        athlete: &User,
        records: Vec<RecordItem>,
    ) -> AppResult<DeliverySummary> {
        let source = PluginId::parse(plugin).map_err(anyhow::Error::msg)?;
        let mut delivered = Vec::with_capacity(records.len());
        let mut refused = 0;
        for record in records {
            match convert::record(record) {
                Converted::Record(record) => delivered.push(record),
                Converted::Revoked(reason) => {
                    self.connections
                        .revoked_by_provider(athlete.id, plugin, &reason)
                        .await?;
                }
                Converted::Refused(external_id, reason) => {
                    refused += 1;
                    tracing::info!(plugin, external_id, %reason, "record refused");
                    self.store
                        .record_rejection(
                            plugin,
                            Some(athlete.id),
                            external_id.as_deref(),
                            &reason,
                            self.clock.now(),
                        )
                        .await?;
                }
            }
        }
        let mut summary = self.records.deliver(athlete, &source, delivered).await?;
        summary.rejected += refused;
        Ok(summary)
    }

    /// Queues a plugin's follow-up jobs for `athlete` inside `tx`.
    async fn queue_follow_ups(
        &self,
        tx: &mut Tx,
        plugin: &str,
        athlete: Uuid,
        mut follow_ups: Vec<stride_sandbox::contract::NewJob>,
    ) -> AppResult<usize> {
        let now = self.clock.now();
        let mut queued = 0;
        // In the order of their dedupe keys: two transactions inserting the same keys at once
        // (deliveries stored side by side) wait for each other in one order, never in a cycle.
        follow_ups.sort_by(|a, b| a.dedupe_key.cmp(&b.dedupe_key));
        for next in follow_ups {
            let job = PluginJob::from_new_job(plugin, &next);
            if self
                .jobs
                .enqueue(tx, Some(AthleteId(athlete)), &job, now)
                .await?
                .is_some()
            {
                queued += 1;
            }
        }
        Ok(queued)
    }
}

/// Converts a plugin's deferral instant.
fn defer_instant(ms: Option<i64>) -> Option<chrono::DateTime<Utc>> {
    ms.and_then(|ms| Utc.timestamp_millis_opt(ms).single())
}

/// A plugin's payload text as JSON (plugins pass JSON text; anything else becomes null).
fn payload_json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}
