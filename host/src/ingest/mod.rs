//! Ingestion: webhooks in, plugin jobs run, normalized records validated and stored.
//!
//! Webhook → the plugin names the event and the jobs it needs → the event is recorded once
//! and its jobs enqueued in one transaction → the provider gets its reply. Job → the plugin
//! fetches through the host → records are validated (impossible values are refused with a
//! reason admins can see) → upserted by (source, external id) → stats, matching and the athlete's
//! to-do list follow. A deferral waits for the provider's window; it is not a failure.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{NaiveDate, TimeDelta, TimeZone, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::clock::SharedClock;
use crate::connections::Connections;
use crate::domain::activity::{ActivityDraft, Sport};
use crate::domain::efficiency::Samples;
use crate::domain::metrics::DailyValues;
use crate::domain::people::HrvKind;
use crate::error::{AppError, AppResult};
use crate::jobs::{JobHandler, Jobs, PLUGIN_JOB, PluginJobPayload, Verdict};
use crate::plugins::bindings::{
    self as wit, JobOutcome, JobRequest, PluginError, RecordItem, WebhookRequest,
};
use crate::plugins::services::{BoxFuture, CallAthlete};
use crate::plugins::{CallError, PluginHost};
use crate::store::{JobRow, Store, StoreError, User, to_json};
use crate::training::Training;

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

/// Ingestion.
#[derive(Clone)]
pub struct Ingest {
    store: Store,
    clock: SharedClock,
    plugins: Arc<PluginHost>,
    training: Training,
    connections: Connections,
    jobs: Jobs,
}

impl std::fmt::Debug for Ingest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Ingest")
    }
}

fn sport(sport: wit::Sport) -> Sport {
    match sport {
        wit::Sport::Run => Sport::Run,
        wit::Sport::TrailRun => Sport::TrailRun,
        wit::Sport::Walk => Sport::Walk,
        wit::Sport::Hike => Sport::Hike,
        wit::Sport::Ride => Sport::Ride,
        wit::Sport::VirtualRide => Sport::VirtualRide,
        wit::Sport::MountainBikeRide => Sport::MountainBikeRide,
        wit::Sport::Swim => Sport::Swim,
        wit::Sport::Row => Sport::Row,
        wit::Sport::NordicSki => Sport::NordicSki,
        wit::Sport::Strength => Sport::Strength,
        wit::Sport::Yoga => Sport::Yoga,
        wit::Sport::Other => Sport::Other,
    }
}

fn parse_day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

impl Ingest {
    /// The ingestion service.
    pub fn new(
        store: Store,
        clock: SharedClock,
        plugins: Arc<PluginHost>,
        training: Training,
        connections: Connections,
        jobs: Jobs,
    ) -> Self {
        Self {
            store,
            clock,
            plugins,
            training,
            connections,
            jobs,
        }
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
        jobs: &[wit::NewJob],
    ) -> AppResult<()> {
        if jobs.is_empty() && event_key.is_none() {
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
                .filter(|c| c.status == "active")
            {
                Some(connection) => owned.push((connection.user_id, job)),
                None => tracing::info!(
                    plugin,
                    "webhook event for an athlete not connected here; dropped"
                ),
            }
        }
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        if let Some(key) = event_key
            && !self
                .store
                .record_webhook_event(&mut tx, plugin, key, now)
                .await?
        {
            // Seen before: a redelivery. Its jobs were enqueued the first time.
            return Ok(());
        }
        let mut enqueued = 0;
        for (athlete, job) in owned {
            let payload: Value = serde_json::from_str(&job.payload).unwrap_or(Value::Null);
            let not_before = job
                .not_before_ms
                .and_then(|ms| Utc.timestamp_millis_opt(ms).single());
            if self
                .jobs
                .enqueue_plugin_job(
                    &mut tx,
                    plugin,
                    athlete,
                    &job.kind,
                    payload,
                    job.dedupe_key.clone(),
                    not_before,
                )
                .await?
                .is_some()
            {
                enqueued += 1;
            }
        }
        tx.commit().await?;
        if enqueued > 0 {
            self.jobs.wake();
        }
        Ok(())
    }

    async fn run_plugin_job(&self, job: &JobRow) -> Verdict {
        let (Some(plugin), Some(athlete_id)) = (job.plugin_id.as_deref(), job.user_id) else {
            return Verdict::Fail("a plugin job needs a plugin and an athlete".to_owned());
        };
        let request: PluginJobPayload = match serde_json::from_str(&job.payload) {
            Ok(request) => request,
            Err(e) => return Verdict::Fail(format!("unreadable job payload: {e}")),
        };
        let athlete = match self.store.user(athlete_id).await {
            Ok(user) => user,
            Err(e) => return Verdict::Retry(e.to_string()),
        };
        let connection = match self.store.connection(athlete_id, plugin).await {
            Ok(Some(connection)) if connection.status == "active" => connection,
            Ok(_) => {
                return Verdict::Fail(format!("the athlete is no longer connected to {plugin}"));
            }
            Err(e) => return Verdict::Retry(e.to_string()),
        };
        let call_athlete = CallAthlete {
            id: athlete_id,
            external_id: connection.external_athlete_id.clone(),
            time_zone: athlete.profile.time_zone.name().to_owned(),
        };
        let run = request
            .payload
            .get("run")
            .and_then(Value::as_str)
            .and_then(|r| r.parse::<Uuid>().ok());
        let backfill = request.kind == "backfill";
        if backfill && let Some(run) = run {
            // Best effort: the page's own outcome writes the status that matters.
            let started = async {
                let mut tx = self.store.begin().await?;
                self.store
                    .update_backfill(
                        &mut tx,
                        athlete_id,
                        plugin,
                        run,
                        "running",
                        None,
                        None,
                        None,
                        self.clock.now(),
                    )
                    .await?;
                tx.commit().await
            };
            if let Err(error) = started.await {
                tracing::warn!(%error, "could not mark the backfill running");
            }
        }
        let wit_request = JobRequest {
            kind: request.kind.clone(),
            payload: request.payload.to_string(),
            athlete: Some(wit::AthleteRef {
                id: athlete_id.to_string(),
                external_id: call_athlete.external_id.clone(),
                time_zone: call_athlete.time_zone.clone(),
            }),
            attempt: u32::try_from(job.attempts).unwrap_or(1),
        };
        let report = self
            .plugins
            .run_job(plugin, wit_request, Some(call_athlete))
            .await;
        let now = self.clock.now();
        let outcome: JobOutcome = match report.result {
            Ok(outcome) => outcome,
            Err(CallError::Plugin(PluginError::Unauthorized(why))) => {
                // Refresh before the next attempt; if the athlete revoked access, the provider's
                // event (or the refresh) will end the connection.
                let _ = self.connections.expire_token(athlete_id, plugin).await;
                return Verdict::Retry(format!("the provider refused the credentials: {why}"));
            }
            Err(CallError::Plugin(PluginError::Retryable(why))) => return Verdict::Retry(why),
            Err(CallError::Plugin(PluginError::Permanent(why) | PluginError::BadInput(why))) => {
                return Verdict::Fail(why);
            }
            Err(CallError::BreakerOpen { until, .. }) => {
                return Verdict::Defer(
                    until,
                    format!("{plugin} is paused after repeated failures"),
                );
            }
            Err(CallError::Disabled(_)) => {
                return Verdict::Defer(
                    now + TimeDelta::minutes(5),
                    format!("{plugin} is disabled by an admin"),
                );
            }
            Err(CallError::NotFound(_)) => {
                return Verdict::Defer(
                    now + TimeDelta::minutes(5),
                    format!("{plugin} is not loaded"),
                );
            }
            Err(CallError::Failed(failure)) => return Verdict::Retry(failure.message),
        };
        match self
            .apply_outcome(plugin, &athlete, job, outcome, backfill, run)
            .await
        {
            Ok(verdict) => verdict,
            Err(error) => Verdict::Retry(format!("storing the results failed: {error}")),
        }
    }

    async fn apply_outcome(
        &self,
        plugin: &str,
        athlete: &User,
        job: &JobRow,
        outcome: JobOutcome,
        backfill: bool,
        run: Option<Uuid>,
    ) -> AppResult<Verdict> {
        let summary = self.apply_records(plugin, athlete, outcome.records).await?;
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let mut follow_up_backfill = false;
        for next in &outcome.follow_ups {
            follow_up_backfill |= next.kind == "backfill";
            let payload: Value = serde_json::from_str(&next.payload).unwrap_or(Value::Null);
            let not_before = next
                .not_before_ms
                .and_then(|ms| Utc.timestamp_millis_opt(ms).single());
            self.jobs
                .enqueue_plugin_job(
                    &mut tx,
                    plugin,
                    athlete.id,
                    &next.kind,
                    payload,
                    next.dedupe_key.clone(),
                    not_before,
                )
                .await?;
        }
        // The run's status moves in the same transaction that queues the next page, so a
        // next page that finishes first cannot have its status overwritten by this one.
        let deferred = outcome
            .defer_until_ms
            .and_then(|ms| Utc.timestamp_millis_opt(ms).single());
        if backfill && let Some(run) = run {
            let status = match (deferred, follow_up_backfill) {
                (Some(_), _) => "deferred",
                (None, true) => "running",
                (None, false) => "done",
            };
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
                    &mut tx, athlete.id, plugin, run, status, progress, deferred, note, now,
                )
                .await?;
        }
        tx.commit().await?;
        if !outcome.follow_ups.is_empty() {
            self.jobs.wake();
        }
        tracing::info!(plugin, job = %job.id, ?summary, "plugin job stored its records");
        Ok(match deferred {
            Some(until) => Verdict::Defer(
                until.max(now),
                outcome
                    .defer_reason
                    .unwrap_or_else(|| "the provider asked to wait".to_owned()),
            ),
            None => Verdict::Done,
        })
    }

    /// Validates and stores a plugin's records for `athlete`, then brings stats up to date once.
    pub async fn apply_records(
        &self,
        plugin: &str,
        athlete: &User,
        records: Vec<RecordItem>,
    ) -> AppResult<IngestSummary> {
        let mut summary = IngestSummary::default();
        let mut changed: BTreeSet<NaiveDate> = BTreeSet::new();
        for record in records {
            match record {
                RecordItem::Activity(activity) => {
                    match self.upsert_activity(plugin, athlete, activity).await? {
                        Ok(dates) => {
                            summary.activities += 1;
                            changed.extend(dates);
                        }
                        Err(()) => summary.rejected += 1,
                    }
                }
                RecordItem::ActivityUpdate(update) => {
                    if let Some(dates) = self.update_activity(plugin, athlete, update).await? {
                        summary.activities += 1;
                        changed.extend(dates);
                    }
                }
                RecordItem::ActivityDeleted(external_id) => {
                    if let Some(date) = self.delete_activity(plugin, athlete, &external_id).await? {
                        summary.deleted += 1;
                        changed.insert(date);
                    }
                }
                RecordItem::DailyMetrics(m) => {
                    let values = DailyValues {
                        resting_hr: m.resting_hr,
                        weight_kg: m.weight_kg,
                        readiness: m.readiness,
                        stress: m.stress,
                        ..DailyValues::default()
                    };
                    summary.metrics += self.merge_metrics(plugin, athlete, &m.date, values).await?;
                }
                RecordItem::Sleep(s) => {
                    let values = DailyValues {
                        sleep_duration_min: Some(s.duration_min),
                        sleep_quality: s.quality,
                        ..DailyValues::default()
                    };
                    summary.metrics += self.merge_metrics(plugin, athlete, &s.date, values).await?;
                }
                RecordItem::Hrv(h) => {
                    let kind = match h.kind {
                        wit::HrvKind::Rmssd => HrvKind::Rmssd,
                        wit::HrvKind::Sdnn => HrvKind::Sdnn,
                    };
                    let values = DailyValues {
                        hrv: Some((h.value_ms, kind)),
                        ..DailyValues::default()
                    };
                    summary.metrics += self.merge_metrics(plugin, athlete, &h.date, values).await?;
                }
                RecordItem::ConnectionRevoked(reason) => {
                    self.connections
                        .revoked_by_provider(athlete.id, plugin, &reason)
                        .await?;
                }
            }
        }
        if !changed.is_empty() {
            let dates: Vec<NaiveDate> = changed.into_iter().collect();
            self.training
                .after_activity_change(athlete.id, &dates)
                .await?;
        }
        Ok(summary)
    }

    async fn reject(
        &self,
        plugin: &str,
        athlete: &User,
        external_id: Option<&str>,
        reason: &str,
    ) -> AppResult<()> {
        tracing::info!(plugin, external_id, %reason, "record refused");
        self.store
            .record_rejection(
                plugin,
                Some(athlete.id),
                external_id,
                reason,
                self.clock.now(),
            )
            .await?;
        Ok(())
    }

    /// Stores one activity; `Ok(Err(()))` when validation refused it (recorded as a rejection).
    async fn upsert_activity(
        &self,
        plugin: &str,
        athlete: &User,
        activity: wit::Activity,
    ) -> AppResult<Result<Vec<NaiveDate>, ()>> {
        let Some(start) = Utc.timestamp_millis_opt(activity.start_ms).single() else {
            self.reject(
                plugin,
                athlete,
                Some(&activity.external_id),
                "startTime: not a valid instant",
            )
            .await?;
            return Ok(Err(()));
        };
        let samples = activity.samples.clone().map(|s| Samples {
            time_s: s.time_s,
            heart_rate: s.heart_rate,
            speed_mps: s.speed_mps,
            distance_m: s.distance_m,
            altitude_m: s.altitude_m,
            power_w: s.power_w,
            cadence: s.cadence,
        });
        if let Some(samples) = &samples
            && let Err(e) = samples.validate()
        {
            self.reject(
                plugin,
                athlete,
                Some(&activity.external_id),
                &format!("samples: {e}"),
            )
            .await?;
            return Ok(Err(()));
        }
        // Two attempts: a backfill and a webhook job may insert the same activity at once; the
        // loser reads the winner's row and updates it.
        for attempt in 0..2 {
            let existing = self
                .store
                .activity_by_external(plugin, &activity.external_id)
                .await?;
            if let Some(existing) = &existing
                && existing.record.user_id != athlete.id
            {
                self.reject(
                    plugin,
                    athlete,
                    Some(&activity.external_id),
                    "this activity belongs to another athlete",
                )
                .await?;
                return Ok(Err(()));
            }
            let previous = existing.as_ref().map(|e| &e.record.draft);
            let draft = ActivityDraft {
                sport: sport(activity.sport),
                name: activity.name.clone(),
                start_time: crate::clock::to_micros(start),
                duration_s: activity.duration_s,
                moving_time_s: activity.moving_time_s,
                distance_m: activity.distance_m,
                elevation_gain_m: activity.elevation_gain_m,
                avg_hr: activity.avg_hr,
                max_hr: activity.max_hr,
                // What the athlete entered in Stride stays unless the provider supplies it.
                rpe: activity.rpe.or(previous.and_then(|p| p.rpe)),
                feeling: previous.and_then(|p| p.feeling),
                notes: previous.and_then(|p| p.notes.clone()),
                private: activity.private,
            };
            let record = match self
                .training
                .record_for(
                    athlete,
                    plugin,
                    Some(activity.external_id.clone()),
                    draft,
                    activity.utc_offset_s,
                )
                .await
            {
                Ok(record) => record,
                Err(AppError::BadInput(e)) => {
                    self.reject(plugin, athlete, Some(&activity.external_id), &e.to_string())
                        .await?;
                    return Ok(Err(()));
                }
                Err(e) => return Err(e),
            };
            let now = self.clock.now();
            let mut tx = self.store.begin().await?;
            let stored = match &existing {
                Some(existing) => {
                    self.store
                        .update_activity(&mut tx, existing.id, &record, now)
                        .await?
                }
                None => match self.store.insert_activity(&mut tx, &record, now).await {
                    Ok(stored) => stored,
                    Err(StoreError::Conflict(_)) if attempt == 0 => continue,
                    Err(e) => return Err(e.into()),
                },
            };
            if let Some(samples) = &samples {
                self.store
                    .set_activity_samples(&mut tx, stored.id, Some(&to_json(samples)))
                    .await?;
            }
            self.training
                .match_workout(
                    &mut tx,
                    athlete,
                    Some(&stored),
                    existing.as_ref().map(|e| e.id),
                )
                .await?;
            if stored.record.draft.rpe.is_none() {
                self.store
                    .open_task(&mut tx, athlete.id, "rate_activity", stored.id, now)
                    .await?;
            } else {
                self.store
                    .close_activity_tasks(&mut tx, stored.id, now)
                    .await?;
            }
            tx.commit().await?;
            let old_date = existing.map(|e| e.record.local_date);
            return Ok(Ok(old_date
                .into_iter()
                .chain([stored.record.local_date])
                .collect()));
        }
        Err(AppError::Conflict(format!(
            "activity {} kept changing while it was stored",
            activity.external_id
        )))
    }

    async fn update_activity(
        &self,
        plugin: &str,
        athlete: &User,
        update: wit::ActivityUpdate,
    ) -> AppResult<Option<Vec<NaiveDate>>> {
        let Some(existing) = self
            .store
            .activity_by_external(plugin, &update.external_id)
            .await?
            .filter(|e| e.record.user_id == athlete.id)
        else {
            return Ok(None);
        };
        let mut draft = existing.record.draft.clone();
        if let Some(name) = update.name {
            draft.name = name;
        }
        if let Some(s) = update.sport {
            draft.sport = sport(s);
        }
        if let Some(private) = update.private {
            draft.private = private;
        }
        let record = match self
            .training
            .record_for(
                athlete,
                plugin,
                existing.record.external_id.clone(),
                draft,
                Some(existing.record.utc_offset_s),
            )
            .await
        {
            Ok(record) => record,
            Err(AppError::BadInput(e)) => {
                self.reject(plugin, athlete, Some(&update.external_id), &e.to_string())
                    .await?;
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        let mut tx = self.store.begin().await?;
        let stored = self
            .store
            .update_activity(&mut tx, existing.id, &record, self.clock.now())
            .await?;
        tx.commit().await?;
        Ok(Some(vec![
            existing.record.local_date,
            stored.record.local_date,
        ]))
    }

    async fn delete_activity(
        &self,
        plugin: &str,
        athlete: &User,
        external_id: &str,
    ) -> AppResult<Option<NaiveDate>> {
        let Some(existing) = self
            .store
            .activity_by_external(plugin, external_id)
            .await?
            .filter(|e| e.record.user_id == athlete.id)
        else {
            return Ok(None);
        };
        let mut tx = self.store.begin().await?;
        self.training
            .match_workout(&mut tx, athlete, None, Some(existing.id))
            .await?;
        self.store.delete_activity(&mut tx, existing.id).await?;
        tx.commit().await?;
        Ok(Some(existing.record.local_date))
    }

    async fn merge_metrics(
        &self,
        plugin: &str,
        athlete: &User,
        date: &str,
        values: DailyValues,
    ) -> AppResult<u32> {
        let Some(day) = parse_day(date) else {
            self.reject(
                plugin,
                athlete,
                None,
                &format!("date: `{date}` is not YYYY-MM-DD"),
            )
            .await?;
            return Ok(0);
        };
        let mut tx = self.store.begin().await?;
        let mut merged = self
            .store
            .daily_metrics_on(&mut tx, athlete.id, day, plugin)
            .await?
            .map(|m| m.values)
            .unwrap_or_default();
        merged.resting_hr = values.resting_hr.or(merged.resting_hr);
        merged.hrv = values.hrv.or(merged.hrv);
        merged.weight_kg = values.weight_kg.or(merged.weight_kg);
        merged.sleep_duration_min = values.sleep_duration_min.or(merged.sleep_duration_min);
        merged.sleep_quality = values.sleep_quality.or(merged.sleep_quality);
        merged.readiness = values.readiness.or(merged.readiness);
        merged.stress = values.stress.or(merged.stress);
        if let Err(e) = merged.validate(day, self.training.today_for(athlete)) {
            drop(tx);
            self.reject(plugin, athlete, None, &e.to_string()).await?;
            return Ok(0);
        }
        self.store
            .upsert_daily_metrics(&mut tx, athlete.id, day, plugin, &merged, self.clock.now())
            .await?;
        tx.commit().await?;
        Ok(1)
    }
}

impl JobHandler for Ingest {
    fn handle<'a>(&'a self, job: &'a JobRow) -> BoxFuture<'a, Verdict> {
        Box::pin(async move {
            match job.kind.as_str() {
                PLUGIN_JOB => self.run_plugin_job(job).await,
                other => Verdict::Fail(format!("no handler for `{other}` jobs")),
            }
        })
    }
}
