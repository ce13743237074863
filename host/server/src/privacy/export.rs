//! Data exports: everything Stride holds about one athlete, as a documented zip archive.
//!
//! `request` records the export and queues a [`BuildExport`] job in one transaction, with an
//! audit entry (`export.request`) naming who asked and for whom. The job gathers the data
//! section by section and streams the archive into the database in chunks of
//! [`CHUNK_BYTES`] as it is compressed, so neither the build nor a download ever holds a
//! whole archive in memory, and any replica can serve the download. Each step (one section,
//! or one activity) moves the export's progress, which is published as an
//! [`Event::ExportMoved`] for live subscriptions.
//!
//! A build that runs again (a retry, or a worker whose lease ran out) starts over under a new
//! run id; chunks and progress are written only while the run id is still the export's, so a
//! run that was taken over stops instead of mixing its chunks with the new run's.
//!
//! What the archive holds, file by file and field by field, is documented in the archive
//! itself: see [`ARCHIVE_README`].

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Timelike, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::audit::{Audit, AuditEvent};
use crate::auth::{Permission, Viewer};
use crate::error::{AppError, AppResult};
use crate::events::{Event, Events};
use crate::jobs::{Handler, JobKind, JobMeta, Jobs, Verdict};
use stride_domain::clock::SharedClock;
use stride_domain::ids::AthleteId;
use stride_domain::people::Role;
use stride_sandbox::services::BoxFuture;
use stride_store::{
    AuditEntry, AuditFilter, DailyMetricsCursor, DateRange, ExportRow, MeasurementCursor, Store,
    StoreError, StoredActivity,
};

/// The size of the chunks an archive is stored and downloaded in, bytes.
pub const CHUNK_BYTES: usize = 1 << 20;

/// Rows read per page while gathering long lists.
const PAGE: u32 = 500;

/// A build is tried this many times before the export is marked failed.
const MAX_BUILD_ATTEMPTS: i32 = 3;

/// Progress is written (and published) about this many times per build, plus at the end.
const PROGRESS_UPDATES: i32 = 50;

/// Steps of a build besides one per activity: `README.md`, `profile.json`,
/// `activities.json`, `daily_metrics.json`, `measurements.json`, `plans.json`,
/// `proposals.json`, `rules.json`, `connections.json`, `coach_grants.json`, `tasks.json`,
/// `audit.json`.
const FIXED_STEPS: i32 = 15;

/// The archive format, written into `profile.json`.
pub const FORMAT: &str = "stride-export/1";

/// How exports are kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExportSettings {
    /// Days a finished archive can be downloaded before it is deleted.
    pub keep_days: u32,
}

impl Default for ExportSettings {
    fn default() -> Self {
        Self { keep_days: 7 }
    }
}

/// Builds one export's archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildExport {
    /// The export.
    pub export: Uuid,
}

impl JobKind for BuildExport {
    const NAME: &'static str = "privacy.export";
    const PRIORITY: i32 = 1;

    fn dedupe_key(&self, _athlete: Option<AthleteId>) -> Option<String> {
        Some(format!("export:{}", self.export))
    }
}

/// A finished archive a viewer may download.
#[derive(Debug, Clone)]
pub struct Download {
    /// The export.
    pub export: ExportRow,
    /// The file name to save it as (`stride-export-<date>.zip`).
    pub file_name: String,
}

/// Requesting, listing, building and serving data exports.
#[derive(Clone)]
pub struct Exports {
    store: Store,
    clock: SharedClock,
    jobs: Jobs,
    audit: Audit,
    events: Events,
    settings: ExportSettings,
}

impl std::fmt::Debug for Exports {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exports")
            .field("settings", &self.settings)
            .finish()
    }
}

/// Another run took the export over; this one stops without touching it.
#[derive(Debug, thiserror::Error)]
#[error("another run took this export over")]
struct Superseded;

impl Exports {
    /// The service over `store`.
    pub fn new(
        store: Store,
        clock: SharedClock,
        jobs: Jobs,
        audit: Audit,
        events: Events,
        settings: ExportSettings,
    ) -> Self {
        Self {
            store,
            clock,
            jobs,
            audit,
            events,
            settings,
        }
    }

    /// The path a finished export downloads from.
    pub fn download_path(id: Uuid) -> String {
        format!("/exports/{id}")
    }

    /// Whether `viewer` may see `athlete`'s exports: their own, or an admin's with
    /// `manage_users`.
    pub fn may_see(viewer: &Viewer, athlete: Uuid) -> bool {
        viewer.id() == athlete || viewer.has(Permission::ManageUsers)
    }

    /// Asks for an export of `athlete`'s data (the viewer's own when `None`). Someone else's
    /// needs `manage_users` (and `manage_admins` for an admin's or owner's). Refused while an
    /// export of the same account is still being prepared, and under impersonation (an admin
    /// asks by name). Audited as `export.request`.
    pub async fn request(&self, viewer: &Viewer, athlete: Option<Uuid>) -> AppResult<ExportRow> {
        viewer.refuse_under_impersonation("requesting a data export")?;
        let athlete = athlete.unwrap_or(viewer.id());
        let on_behalf = athlete != viewer.id();
        if on_behalf {
            viewer.require(Permission::ManageUsers)?;
        }
        let user = match self.store.user(athlete).await {
            Ok(user) => user,
            Err(StoreError::NotFound) => {
                return Err(AppError::NotFound(format!("no user has the id {athlete}")));
            }
            Err(other) => return Err(other.into()),
        };
        if on_behalf && matches!(user.role, Role::Admin | Role::Owner) {
            viewer.require(Permission::ManageAdmins)?;
        }
        self.expire_due().await;
        if let Some(busy) = self
            .store
            .exports_of(athlete, 20)
            .await?
            .into_iter()
            .find(|e| matches!(e.state.as_str(), "queued" | "running"))
        {
            return Err(AppError::Conflict(format!(
                "an export of this account ({}) is already being prepared; `dataExports` shows its progress",
                busy.id
            )));
        }
        let now = self.clock.now();
        let id = Uuid::now_v7();
        let mut tx = self.store.begin().await?;
        let row = self
            .store
            .insert_export(&mut tx, id, athlete, viewer.id(), now, now + self.keep())
            .await?;
        self.jobs
            .enqueue(
                &mut tx,
                Some(AthleteId(athlete)),
                &BuildExport { export: id },
                now,
            )
            .await?;
        let event = AuditEvent::new(viewer.actor(), "export.request", "user", athlete)
            .payload(json!({ "export": id, "on_behalf": on_behalf }));
        self.audit.record(&mut tx, event, now).await?;
        tx.commit().await?;
        self.jobs.wake();
        self.moved(&row).await;
        Ok(row)
    }

    /// `athlete`'s exports (the viewer's own when `None`), newest first.
    pub async fn list(&self, viewer: &Viewer, athlete: Option<Uuid>) -> AppResult<Vec<ExportRow>> {
        let athlete = athlete.unwrap_or(viewer.id());
        if !Self::may_see(viewer, athlete) {
            return Err(AppError::Forbidden(
                "another user's data exports need the `manage_users` permission".to_owned(),
            ));
        }
        self.expire_due().await;
        Ok(self.store.exports_of(athlete, 100).await?)
    }

    /// One export, for its athlete and admins with `manage_users`; `NOT_FOUND` for anyone
    /// else (whether it exists is not revealed).
    pub async fn get(&self, viewer: &Viewer, id: Uuid) -> AppResult<ExportRow> {
        let missing = || AppError::NotFound("no such data export".to_owned());
        self.expire_due().await;
        let row = match self.store.export(id).await {
            Ok(row) => row,
            Err(StoreError::NotFound) => return Err(missing()),
            Err(other) => return Err(other.into()),
        };
        if !Self::may_see(viewer, row.user_id) {
            return Err(missing());
        }
        Ok(row)
    }

    /// A finished archive to download, checked as [`Exports::get`]; `NOT_FOUND` too while it
    /// is not ready (or no longer kept). Refused under impersonation. Audited as
    /// `export.download`.
    pub async fn download(&self, viewer: &Viewer, id: Uuid) -> AppResult<Download> {
        let row = self.get(viewer, id).await?;
        viewer.refuse_under_impersonation("downloading a data export")?;
        if row.state != "ready" {
            return Err(AppError::NotFound(format!(
                "this data export is {}, not ready to download",
                row.state
            )));
        }
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let event = AuditEvent::new(viewer.actor(), "export.download", "user", row.user_id)
            .payload(json!({ "export": id, "on_behalf": viewer.id() != row.user_id }));
        self.audit.record(&mut tx, event, now).await?;
        tx.commit().await?;
        let file_name = format!(
            "stride-export-{}.zip",
            row.finished_at.unwrap_or(row.created_at).date_naive()
        );
        Ok(Download {
            export: row,
            file_name,
        })
    }

    /// Chunk number `seq` (from 0) of an archive, `None` past the last one. Callers check
    /// access first ([`Exports::download`]).
    pub async fn chunk(&self, id: Uuid, seq: i32) -> AppResult<Option<Vec<u8>>> {
        Ok(self.store.export_chunk(id, seq).await?)
    }

    /// Deletes the archives whose time is up. Failures are logged: the next read tries again.
    pub async fn expire_due(&self) {
        match self.store.expire_exports(self.clock.now()).await {
            Ok(expired) => {
                for row in expired {
                    tracing::info!(export = %row.id, "data export expired and deleted");
                    self.moved(&row).await;
                }
            }
            Err(error) => tracing::warn!(%error, "could not expire data exports"),
        }
    }

    fn keep(&self) -> TimeDelta {
        TimeDelta::days(i64::from(self.settings.keep_days.max(1)))
    }

    async fn moved(&self, row: &ExportRow) {
        self.events
            .publish(Event::ExportMoved {
                athlete: AthleteId(row.user_id),
                export: row.id,
                state: row.state.clone(),
                steps_done: row.steps_done,
                steps_total: row.steps_total,
            })
            .await;
    }

    async fn build(&self, id: Uuid, attempt: i32) -> Verdict {
        match self.try_build(id).await {
            Ok(()) => Verdict::Done,
            Err(error) if error.is::<Superseded>() => {
                tracing::info!(export = %id, "another run builds this export now");
                Verdict::Done
            }
            Err(error) if attempt >= MAX_BUILD_ATTEMPTS => {
                tracing::warn!(export = %id, error = %format!("{error:#}"), "data export failed for good");
                let now = self.clock.now();
                match self
                    .store
                    .fail_export(
                        id,
                        "the archive could not be built; request a new export",
                        now,
                    )
                    .await
                {
                    Ok(Some(row)) => self.moved(&row).await,
                    Ok(None) => {}
                    Err(error) => tracing::warn!(%error, "could not mark the export failed"),
                }
                Verdict::Fail(format!("{error:#}"))
            }
            Err(error) => Verdict::Retry(format!("{error:#}")),
        }
    }

    async fn try_build(&self, id: Uuid) -> anyhow::Result<()> {
        self.expire_due().await;
        let row = match self.store.export(id).await {
            Ok(row) => row,
            // The user (and with them the export) was deleted meanwhile.
            Err(StoreError::NotFound) => return Ok(()),
            Err(other) => return Err(other.into()),
        };
        if !matches!(row.state.as_str(), "queued" | "running") {
            return Ok(());
        }
        let athlete = row.user_id;
        let activities = self.store.activity_ids_of(athlete).await?;
        let total = FIXED_STEPS.saturating_add(i32::try_from(activities.len()).unwrap_or(i32::MAX));
        let run = Uuid::now_v7();
        let Some(row) = self
            .store
            .begin_export_run(id, run, total, self.clock.now())
            .await?
        else {
            return Ok(());
        };
        self.moved(&row).await;
        let mut archive = Archive::new(self, &row, run, self.clock.now());

        archive.text("README.md", ARCHIVE_README).await?;
        archive
            .json("profile.json", &self.profile(athlete).await?)
            .await?;
        let mut index = Vec::with_capacity(activities.len());
        for activity in activities {
            let stored = match self.store.activity(activity).await {
                Ok(stored) => stored,
                // Deleted since the list was read.
                Err(StoreError::NotFound) => {
                    archive.step().await?;
                    continue;
                }
                Err(other) => return Err(other.into()),
            };
            let summary = activity_summary(&stored);
            let samples = match self.store.activity_samples(activity).await? {
                Some(text) => serde_json::from_str::<Value>(&text).unwrap_or(Value::Null),
                None => Value::Null,
            };
            let detail = json!({
                "activity": summary,
                "load_detail": stored
                    .record
                    .load_detail
                    .as_deref()
                    .and_then(|text| serde_json::from_str::<Value>(text).ok()),
                "laps": stored.record.extras.laps,
                "samples": samples,
            });
            archive
                .json(&format!("activities/{activity}.json"), &detail)
                .await?;
            index.push(summary);
        }
        archive.json("activities.json", &index).await?;
        archive
            .json("daily_metrics.json", &self.daily_metrics(athlete).await?)
            .await?;
        archive
            .json("measurements.json", &self.measurements(athlete).await?)
            .await?;
        archive
            .json("plans.json", &self.plans(athlete).await?)
            .await?;
        archive
            .json("proposals.json", &self.proposals(athlete).await?)
            .await?;
        archive
            .json("rules.json", &self.rules(athlete).await?)
            .await?;
        archive
            .json("connections.json", &self.connections(athlete).await?)
            .await?;
        archive
            .json("coach_grants.json", &self.grants(athlete).await?)
            .await?;
        archive
            .json("tasks.json", &self.tasks(athlete).await?)
            .await?;
        archive
            .json("logs.json", &self.logs(athlete).await?)
            .await?;
        archive
            .json("insights.json", &self.insights(athlete).await?)
            .await?;
        archive
            .json("digest.json", &self.digest(athlete).await?)
            .await?;
        archive
            .json("audit.json", &self.audit_entries(athlete).await?)
            .await?;
        let size = archive.finish().await?;

        let now = self.clock.now();
        let Some(row) = self
            .store
            .finish_export(id, run, size, now, now + self.keep())
            .await?
        else {
            return Err(Superseded.into());
        };
        tracing::info!(export = %id, bytes = size, "data export ready");
        self.moved(&row).await;
        Ok(())
    }

    async fn profile(&self, athlete: Uuid) -> anyhow::Result<Value> {
        let user = self.store.user(athlete).await?;
        let baselines = self.store.baselines(athlete).await?;
        let p = &user.profile;
        Ok(json!({
            "format": FORMAT,
            "exported_at": self.clock.now(),
            "user": {
                "id": user.id,
                "email": user.email,
                "role": user.role.as_str(),
                "display_name": p.display_name,
                "birth_date": p.birth_date,
                "sex": p.sex,
                "weight_kg": p.weight_kg,
                "height_cm": p.height_cm,
                "time_zone": p.time_zone.name(),
                "units": p.units,
                "notifications": p.notifications,
                "disabled_at": user.disabled_at,
                "created_at": user.created_at,
            },
            "baselines": {
                "resting_hr_bpm": baselines.resting_hr,
                "hrv_ms": baselines.hrv.map(|(ms, _)| ms),
                "hrv_kind": baselines.hrv.map(|(_, kind)| kind.as_str()),
                "max_hr_bpm": baselines.max_hr,
                "threshold_hr_bpm": baselines.threshold_hr,
            },
        }))
    }

    async fn logs(&self, athlete: Uuid) -> anyhow::Result<Value> {
        let days = self
            .store
            .day_logs_between(
                athlete,
                stride_domain::validation::EARLIEST_DAY,
                NaiveDate::MAX,
            )
            .await?;
        let sessions = self.store.session_logs_of(athlete).await?;
        Ok(json!({
            "days": days.iter().map(|d| json!({
                "date": d.date,
                "work_stress": d.work_stress,
                "travel": d.travel,
                "illness": d.illness,
                "caffeine_mg": d.caffeine_mg,
                "alcohol_units": d.alcohol_units,
                "nutrition_notes": d.nutrition_notes,
                "updated_at": d.updated_at,
            })).collect::<Vec<_>>(),
            "sessions": sessions.iter().map(|s| json!({
                "activity_id": s.activity_id,
                "carbs_before_g": s.carbs_before_g,
                "carbs_during_g": s.carbs_during_g,
                "caffeine_mg": s.caffeine_mg,
                "fluid_ml": s.fluid_ml,
                "notes": s.notes,
                "updated_at": s.updated_at,
            })).collect::<Vec<_>>(),
        }))
    }

    async fn insights(&self, athlete: Uuid) -> anyhow::Result<Value> {
        Ok(match self.store.insights(athlete).await? {
            Some(row) => json!({
                "computed_at": row.computed_at,
                "insights": serde_json::from_str::<Value>(&row.body).unwrap_or(Value::Null),
            }),
            None => Value::Null,
        })
    }

    async fn digest(&self, athlete: Uuid) -> anyhow::Result<Value> {
        let settings = self.store.digest_settings(athlete).await?;
        let sends = self.store.digest_sends(athlete, 10_000).await?;
        // The unsubscribe token is a secret of its own and stays out.
        Ok(json!({
            "weekday": settings.as_ref().map(|s| s.weekday),
            "hour": settings.as_ref().map(|s| s.hour),
            "emails": sends.iter().map(|s| json!({
                "week_start": s.week_start,
                "state": s.state,
                "detail": s.detail,
                "created_at": s.created_at,
                "sent_at": s.sent_at,
            })).collect::<Vec<_>>(),
        }))
    }

    async fn daily_metrics(&self, athlete: Uuid) -> anyhow::Result<Vec<Value>> {
        let mut out = Vec::new();
        let mut after = None;
        loop {
            let page = self
                .store
                .list_daily_metrics(athlete, DateRange::default(), after, PAGE)
                .await?;
            let Some(last) = page.last() else { break };
            after = Some(DailyMetricsCursor {
                date: last.date,
                id: last.id,
            });
            let full = page.len() == PAGE as usize;
            for day in page {
                let v = &day.values;
                out.push(json!({
                    "id": day.id,
                    "date": day.date,
                    "source": day.source,
                    "resting_hr_bpm": v.resting_hr,
                    "hrv_ms": v.hrv.map(|(ms, _)| ms),
                    "hrv_kind": v.hrv.map(|(_, kind)| kind.as_str()),
                    "weight_kg": v.weight_kg,
                    "sleep_duration_min": v.sleep_duration_min,
                    "sleep_quality": v.sleep_quality,
                    "readiness": v.readiness,
                    "soreness": v.soreness,
                    "stress": v.stress,
                    "mood": v.mood,
                    "notes": v.notes,
                    "detail": v.detail,
                    "created_at": day.created_at,
                    "updated_at": day.updated_at,
                }));
            }
            if !full {
                break;
            }
        }
        out.reverse();
        Ok(out)
    }

    async fn measurements(&self, athlete: Uuid) -> anyhow::Result<Vec<Value>> {
        let mut out = Vec::new();
        let mut after: Option<MeasurementCursor> = None;
        loop {
            let page = self
                .store
                .measurements_of(athlete, after.as_ref(), PAGE)
                .await?;
            let Some(last) = page.last() else { break };
            after = Some((last.at, last.source.clone(), last.measure.clone()));
            let full = page.len() == PAGE as usize;
            out.extend(page.into_iter().map(|m| {
                json!({
                    "source": m.source,
                    "measure": m.measure,
                    "at": m.at,
                    "local_date": m.local_date,
                    "value": m.value,
                    "hrv_kind": m.hrv_kind,
                    "device": m.device,
                    "received_at": m.received_at,
                })
            }));
            if !full {
                break;
            }
        }
        Ok(out)
    }

    async fn plans(&self, athlete: Uuid) -> anyhow::Result<Vec<Value>> {
        let mut out = Vec::new();
        for id in self.store.plan_ids_of(athlete).await? {
            let plan = self.store.plan(id).await?;
            let versions = self.store.plan_versions(id, None, u32::MAX).await?;
            let workouts = self
                .store
                .plan_workouts(id, stride_store::FAR_PAST, stride_store::FAR_FUTURE)
                .await?;
            out.push(json!({
                "id": plan.id,
                "name": plan.name,
                "status": plan.status,
                "version": plan.version,
                "request": plan.request,
                "phases": plan.plan.phases,
                "weeks": plan.plan.weeks,
                "created_at": plan.created_at,
                "updated_at": plan.updated_at,
                "versions": versions.into_iter().rev().map(|v| json!({
                    "version": v.version,
                    "reason": v.reason,
                    "actor_id": v.actor_id,
                    "created_at": v.created_at,
                    "snapshot": parse_or_text(v.snapshot),
                })).collect::<Vec<_>>(),
                "workouts": workouts.into_iter().map(|w| json!({
                    "id": w.id,
                    "plan_version": w.plan_version,
                    "date": w.workout.date,
                    "kind": w.workout.kind,
                    "target_duration_s": w.workout.target_duration_s,
                    "target_distance_m": w.workout.target_distance_m,
                    "intensity_zone": w.workout.intensity_zone,
                    "description": w.workout.description,
                    "state": w.state,
                    "activity_id": w.activity_id,
                })).collect::<Vec<_>>(),
            }));
        }
        Ok(out)
    }

    async fn proposals(&self, athlete: Uuid) -> anyhow::Result<Vec<Value>> {
        let rows = self.store.proposals_for(athlete, None, u32::MAX).await?;
        Ok(rows
            .into_iter()
            .rev()
            .map(|p| {
                json!({
                    "id": p.id,
                    "plan_id": p.plan_id,
                    "base_plan_version": p.base_plan_version,
                    "source_kind": p.source_kind,
                    "source_ref": p.source_ref,
                    "source_version": p.source_version,
                    "kind": p.kind,
                    "target": p.target,
                    "changes": parse_or_text(p.diff),
                    "receipts": parse_or_text(p.receipts),
                    "reason": p.reason,
                    "state": p.state,
                    "decision_reason": p.decision_reason,
                    "decided_by": p.decided_by,
                    "created_at": p.created_at,
                    "expires_at": p.expires_at,
                    "decided_at": p.decided_at,
                    "applied_at": p.applied_at,
                })
            })
            .collect())
    }

    async fn rules(&self, athlete: Uuid) -> anyhow::Result<Vec<Value>> {
        let mut out = Vec::new();
        for rule in self.store.rules_owned("athlete", athlete).await? {
            let versions = self.store.rule_versions(rule.id).await?;
            out.push(json!({
                "id": rule.id,
                "name": rule.name,
                "scope": rule.scope_kind,
                "active_version": rule.active_version,
                "created_by": rule.created_by,
                "created_at": rule.created_at,
                "updated_at": rule.updated_at,
                "versions": versions.into_iter().rev().map(|v| json!({
                    "version": v.version,
                    "status": v.status,
                    "source": v.source,
                    "fixtures": parse_or_text(v.fixtures),
                    "report": parse_or_text(v.report),
                    "created_by": v.created_by,
                    "created_at": v.created_at,
                })).collect::<Vec<_>>(),
            }));
        }
        Ok(out)
    }

    /// Connections without their tokens: never the sealed tokens, their key or their expiry.
    async fn connections(&self, athlete: Uuid) -> anyhow::Result<Vec<Value>> {
        Ok(self
            .store
            .connections_of(athlete)
            .await?
            .into_iter()
            .map(|c| {
                json!({
                    "id": c.id,
                    "provider": c.provider,
                    "external_athlete_id": c.external_athlete_id,
                    "scopes": c.scopes.split([',', ' ']).filter(|s| !s.is_empty()).collect::<Vec<_>>(),
                    "status": c.status.as_str(),
                    "connected_at": c.created_at,
                    "updated_at": c.updated_at,
                })
            })
            .collect())
    }

    async fn grants(&self, athlete: Uuid) -> anyhow::Result<Vec<Value>> {
        Ok(self
            .store
            .grants_involving(athlete)
            .await?
            .into_iter()
            .map(|g| {
                json!({
                    "id": g.id,
                    "role": if g.athlete_id == athlete { "granted_by_me" } else { "granted_to_me" },
                    "athlete_id": g.athlete_id,
                    "coach_id": g.coach_id,
                    "access": g.access,
                    "created_at": g.created_at,
                    "revoked_at": g.revoked_at,
                })
            })
            .collect())
    }

    async fn tasks(&self, athlete: Uuid) -> anyhow::Result<Vec<Value>> {
        Ok(self
            .store
            .tasks_of(athlete)
            .await?
            .into_iter()
            .map(|t| {
                json!({
                    "id": t.id,
                    "kind": t.kind,
                    "activity_id": t.activity_id,
                    "source": t.source,
                    "notice_kind": t.notice_kind,
                    "message": t.message,
                    "created_at": t.created_at,
                    "done_at": t.done_at,
                })
            })
            .collect())
    }

    /// Entries where the athlete is the actor, the real actor or the target, oldest first.
    async fn audit_entries(&self, athlete: Uuid) -> anyhow::Result<Vec<Value>> {
        let mut found: BTreeMap<i64, AuditEntry> = BTreeMap::new();
        let filters = [
            AuditFilter {
                actor_id: Some(athlete),
                ..AuditFilter::default()
            },
            AuditFilter {
                target_id: Some(athlete.to_string()),
                ..AuditFilter::default()
            },
        ];
        for filter in &filters {
            let mut before = None;
            loop {
                let page = self.store.search_audit(filter, before, PAGE).await?;
                let Some(last) = page.last() else { break };
                before = Some(last.seq);
                let full = page.len() == PAGE as usize;
                found.extend(page.into_iter().map(|e| (e.seq, e)));
                if !full {
                    break;
                }
            }
        }
        Ok(found
            .into_values()
            .map(|e| {
                json!({
                    "seq": e.seq,
                    "id": e.id,
                    "at": e.at,
                    "actor_id": e.actor_id,
                    "real_actor_id": e.real_actor_id,
                    "action": e.action,
                    "target_kind": e.target_kind,
                    "target_id": e.target_id,
                    "reason": e.reason,
                    "payload": parse_or_text(e.payload),
                    "hash": hex::encode(&e.hash),
                })
            })
            .collect())
    }
}

impl Handler<BuildExport> for Exports {
    fn run<'a>(&'a self, job: BuildExport, meta: &'a JobMeta) -> BoxFuture<'a, Verdict> {
        Box::pin(async move { self.build(job.export, meta.attempt).await })
    }
}

/// A stored JSON text as JSON, or as the text itself when it is not JSON.
fn parse_or_text(text: String) -> Value {
    serde_json::from_str(&text).unwrap_or(Value::String(text))
}

/// An activity's fields as `activities.json` lists them.
fn activity_summary(stored: &StoredActivity) -> Value {
    let r = &stored.record;
    let d = &r.draft;
    let x = &r.extras;
    json!({
        "id": stored.id,
        "file": format!("activities/{}.json", stored.id),
        "source": r.source,
        "external_id": r.external_id,
        "sport": d.sport,
        "sport_detail": x.sport_detail,
        "name": d.name,
        "start_time": d.start_time,
        "local_date": r.local_date,
        "utc_offset_s": r.utc_offset_s,
        "duration_s": d.duration_s,
        "moving_time_s": d.moving_time_s,
        "distance_m": d.distance_m,
        "elevation_gain_m": d.elevation_gain_m,
        "avg_hr_bpm": d.avg_hr,
        "max_hr_bpm": d.max_hr,
        "avg_power_w": x.avg_power_w,
        "avg_cadence_per_min": x.avg_cadence,
        "energy_kcal": x.energy_kcal,
        "rpe": d.rpe,
        "feeling": d.feeling,
        "notes": d.notes,
        "private": d.private,
        "load_rpe": r.load_rpe,
        "load_trimp": r.load_trimp,
        "device": x.device,
        "parent_external_id": x.parent_external_id,
        "has_samples": stored.has_samples,
        "duplicate_of": stored.duplicate_of,
        "received_at": r.received_at,
        "created_at": stored.created_at,
        "updated_at": stored.updated_at,
    })
}

/// Where the zip writer puts its bytes: a buffer the build drains into chunks.
#[derive(Clone, Default)]
struct Spool(Arc<Mutex<Vec<u8>>>);

impl Write for Spool {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Spool {
    /// The first `CHUNK_BYTES` bytes (or everything, with `all`) once there are that many.
    fn take(&self, all: bool) -> Option<Vec<u8>> {
        let mut buffer = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if buffer.len() >= CHUNK_BYTES {
            let rest = buffer.split_off(CHUNK_BYTES);
            Some(std::mem::replace(&mut *buffer, rest))
        } else if all && !buffer.is_empty() {
            Some(std::mem::take(&mut *buffer))
        } else {
            None
        }
    }
}

/// One run's archive as it is written: entries compressed into the spool, full chunks stored
/// as they fill, progress moved one step per entry.
struct Archive<'a> {
    exports: &'a Exports,
    export: ExportRow,
    run: Uuid,
    zip: zip::ZipWriter<zip::write::StreamWriter<Spool>>,
    spool: Spool,
    options: zip::write::SimpleFileOptions,
    seq: i32,
    size: i64,
    done: i32,
    reported: i32,
}

impl<'a> Archive<'a> {
    fn new(exports: &'a Exports, export: &ExportRow, run: Uuid, now: DateTime<Utc>) -> Self {
        let spool = Spool::default();
        let modified = zip::DateTime::from_date_and_time(
            u16::try_from(now.year()).unwrap_or(1980),
            u8::try_from(now.month()).unwrap_or(1),
            u8::try_from(now.day()).unwrap_or(1),
            u8::try_from(now.hour()).unwrap_or(0),
            u8::try_from(now.minute()).unwrap_or(0),
            u8::try_from(now.second()).unwrap_or(0),
        )
        .unwrap_or_default();
        Self {
            exports,
            export: export.clone(),
            run,
            zip: zip::ZipWriter::new_stream(spool.clone()),
            spool,
            options: zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .last_modified_time(modified)
                .unix_permissions(0o600),
            seq: 0,
            size: 0,
            done: 0,
            reported: 0,
        }
    }

    /// Adds `name` holding `value` as indented JSON, and moves one step.
    async fn json<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> anyhow::Result<()> {
        self.zip.start_file(name, self.options)?;
        serde_json::to_writer_pretty(&mut self.zip, value)?;
        self.zip.write_all(b"\n")?;
        self.store_full().await?;
        self.step().await
    }

    /// Adds `name` holding `text`, and moves one step.
    async fn text(&mut self, name: &str, text: &str) -> anyhow::Result<()> {
        self.zip.start_file(name, self.options)?;
        self.zip.write_all(text.as_bytes())?;
        self.store_full().await?;
        self.step().await
    }

    /// One step done: progress is written and published every so often, and at the end.
    async fn step(&mut self) -> anyhow::Result<()> {
        self.done += 1;
        let total = self.export.steps_total.max(1);
        let every = (total / PROGRESS_UPDATES).max(1);
        if self.done - self.reported >= every || self.done >= total {
            let now = self.exports.clock.now();
            if !self
                .exports
                .store
                .set_export_progress(self.export.id, self.run, self.done, now)
                .await?
            {
                return Err(Superseded.into());
            }
            self.reported = self.done;
            self.export.steps_done = self.done;
            self.export.updated_at = now;
            self.exports.moved(&self.export).await;
        }
        Ok(())
    }

    async fn store_full(&mut self) -> anyhow::Result<()> {
        while let Some(chunk) = self.spool.take(false) {
            self.store_chunk(chunk).await?;
        }
        Ok(())
    }

    async fn store_chunk(&mut self, chunk: Vec<u8>) -> anyhow::Result<()> {
        if !self
            .exports
            .store
            .put_export_chunk(self.export.id, self.run, self.seq, &chunk)
            .await?
        {
            return Err(Superseded.into());
        }
        self.seq += 1;
        self.size += i64::try_from(chunk.len()).unwrap_or(i64::MAX);
        Ok(())
    }

    /// Writes the archive's directory and stores what is left; returns its size in bytes.
    async fn finish(mut self) -> anyhow::Result<i64> {
        let zip = std::mem::replace(&mut self.zip, zip::ZipWriter::new_stream(Spool::default()));
        zip.finish()?;
        while let Some(chunk) = self.spool.take(true) {
            self.store_chunk(chunk).await?;
        }
        Ok(self.size)
    }
}

/// Reads an archive back into its files by name (for tools and tests).
pub fn unpack(archive: &[u8]) -> anyhow::Result<BTreeMap<String, Vec<u8>>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(archive))?;
    let mut files = BTreeMap::new();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        files.insert(file.name().to_owned(), bytes);
    }
    Ok(files)
}

/// `README.md` in every archive: what each file holds, field by field, with units.
pub const ARCHIVE_README: &str = include_str!("export_readme.md");
