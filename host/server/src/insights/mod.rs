//! "What works for me": each athlete's own history tested for what goes with good and bad
//! sessions and mornings (`stride_domain::insights` does the statistics). This service gathers
//! the athlete's days and sessions, computes and stores the result as a durable job (after
//! their data changes, coalesced, and nightly), and serves it to the athlete and their coaches.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Days, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::{Accounts, Viewer};
use crate::config::TrainingConfig;
use crate::error::{AppError, AppResult};
use crate::jobs::{Handler, JobKind, JobMeta, Verdict};
use stride_domain::activity::Sport;
use stride_domain::clock::SharedClock;
use stride_domain::efficiency::{Samples, efficiency};
use stride_domain::ids::AthleteId;
use stride_domain::insights::{DayRecord, InsightSettings, Insights, SessionRecord, find_insights};
use stride_domain::people::GrantAccess;
use stride_sandbox::services::BoxFuture;
use stride_store::{InsightSessionRow, Store};

/// How insights are computed and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InsightsConfig {
    /// The method's thresholds: minimum observations and history, false-discovery rate,
    /// confidence, baselines, window.
    pub method: InsightSettings,
    /// After an athlete's data changes, recompute this many seconds later (a burst of writes,
    /// such as an import, is one computation).
    pub recompute_after_s: u64,
    /// Activities stored before efficiency was kept get it computed from their samples, at
    /// most this many per computation.
    pub backfill_per_run: u32,
}

impl Default for InsightsConfig {
    fn default() -> Self {
        Self {
            method: InsightSettings::default(),
            recompute_after_s: 30,
            backfill_per_run: 500,
        }
    }
}

/// Recomputes one athlete's insights. Jobs for the same athlete that wait join one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComputeInsights {
    /// Not before this instant (a short delay coalesces bursts of writes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<DateTime<Utc>>,
}

impl ComputeInsights {
    /// A computation `delay_s` seconds after `now`.
    pub fn after(now: DateTime<Utc>, delay_s: u64) -> Self {
        Self {
            not_before: (delay_s > 0)
                .then(|| now + TimeDelta::seconds(i64::try_from(delay_s).unwrap_or(i64::MAX / 2))),
        }
    }
}

impl JobKind for ComputeInsights {
    const NAME: &'static str = "insights.compute";
    // Before the nightly rules check (5), so the rules see fresh insights.
    const PRIORITY: i32 = 6;

    fn dedupe_key(&self, athlete: Option<AthleteId>) -> Option<String> {
        athlete.map(|a| format!("insights:{a}"))
    }

    fn not_before(&self) -> Option<DateTime<Utc>> {
        self.not_before
    }
}

/// An athlete's insights as stored, with when they were computed.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredInsights {
    /// When.
    pub computed_at: DateTime<Utc>,
    /// What was found.
    pub insights: Insights,
}

/// The insights service.
#[derive(Clone)]
pub struct InsightsService {
    store: Store,
    clock: SharedClock,
    accounts: Accounts,
    settings: Arc<TrainingConfig>,
}

impl std::fmt::Debug for InsightsService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InsightsService")
    }
}

impl InsightsService {
    /// The service.
    pub fn new(
        store: Store,
        clock: SharedClock,
        accounts: Accounts,
        settings: Arc<TrainingConfig>,
    ) -> Self {
        Self {
            store,
            clock,
            accounts,
            settings,
        }
    }

    /// The athlete's stored insights, for a viewer who may read the athlete's data (the
    /// athlete, a granted coach, or an admin allowed to).
    pub async fn for_viewer(
        &self,
        viewer: &Viewer,
        athlete_id: Uuid,
    ) -> AppResult<Option<StoredInsights>> {
        self.accounts
            .authorize_athlete(viewer, athlete_id, GrantAccess::Read)
            .await?;
        self.stored(athlete_id).await
    }

    /// The athlete's stored insights (no authorization: for the rules and the digest).
    pub async fn stored(&self, athlete_id: Uuid) -> AppResult<Option<StoredInsights>> {
        let Some(row) = self.store.insights(athlete_id).await? else {
            return Ok(None);
        };
        let insights: Insights = serde_json::from_str(&row.body).map_err(|e| {
            AppError::Internal(anyhow::anyhow!(
                "stored insights of {athlete_id} do not parse: {e}"
            ))
        })?;
        Ok(Some(StoredInsights {
            computed_at: row.computed_at,
            insights,
        }))
    }

    /// Recomputes now, for a viewer with read-write access (the athlete or a read-write
    /// coach), and returns the result.
    pub async fn refresh_for(
        &self,
        viewer: &Viewer,
        athlete_id: Uuid,
    ) -> AppResult<StoredInsights> {
        self.accounts
            .authorize_athlete(viewer, athlete_id, GrantAccess::ReadWrite)
            .await?;
        self.refresh(athlete_id).await
    }

    /// Gathers the athlete's days and sessions, computes their insights and stores them.
    pub async fn refresh(&self, athlete_id: Uuid) -> AppResult<StoredInsights> {
        let athlete = self.store.user(athlete_id).await?;
        let now = self.clock.now();
        let today = now.with_timezone(&athlete.profile.time_zone).date_naive();
        let method = &self.settings.insights.method;
        self.backfill_efficiency(athlete_id).await?;
        // Baselines and "previous days" reach back before the window's first day.
        let reach = u64::try_from(method.window_days.max(1) + method.baseline_days.max(0) + 60)
            .unwrap_or(500);
        let from = today.checked_sub_days(Days::new(reach)).unwrap_or(today);
        let (metrics, logs, stats, sessions) = tokio::try_join!(
            self.store.daily_metrics_between(athlete_id, from, today),
            self.store.day_logs_between(athlete_id, from, today),
            self.store.stats_between(None, athlete_id, from, today),
            self.store.insight_sessions(athlete_id, from, today),
        )?;
        let merged = crate::training::merge_by_day(metrics, &self.settings.source_priority);
        let mut days: BTreeMap<NaiveDate, DayRecord> = BTreeMap::new();
        let blank = |date| DayRecord {
            date,
            sleep_duration_min: None,
            hrv_ms: None,
            resting_hr: None,
            readiness: None,
            work_stress: None,
            travel: None,
            illness: None,
            load: 0.0,
            monotony: None,
        };
        for stat in &stats {
            let day = days.entry(stat.date).or_insert_with(|| blank(stat.date));
            day.load = stat.load;
            day.monotony = stat.monotony;
        }
        for (date, values) in merged {
            let day = days.entry(date).or_insert_with(|| blank(date));
            day.sleep_duration_min = values.sleep_duration_min.map(f64::from);
            day.hrv_ms = values.hrv.map(|(ms, _)| ms);
            day.resting_hr = values.resting_hr.map(f64::from);
            day.readiness = values.readiness.map(f64::from);
            // The day's 1–10 stress rating is the athlete's; a logged work stress wins.
            day.work_stress = values.stress.map(f64::from);
        }
        for log in logs {
            let day = days.entry(log.date).or_insert_with(|| blank(log.date));
            if let Some(stress) = log.work_stress {
                day.work_stress = Some(f64::from(stress));
            }
            day.travel = log.travel;
            day.illness = log.illness;
        }
        let days: Vec<DayRecord> = days.into_values().collect();
        let sessions: Vec<SessionRecord> = sessions.iter().filter_map(session_record).collect();
        let method = *method;
        let insights =
            tokio::task::spawn_blocking(move || find_insights(&days, &sessions, today, &method))
                .await
                .map_err(|e| AppError::Internal(anyhow::anyhow!("computing insights: {e}")))?;
        let body = serde_json::to_string(&insights)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("serializing insights: {e}")))?;
        let count = i32::try_from(insights.findings.len()).unwrap_or(i32::MAX);
        self.store
            .save_insights(athlete_id, now, count, &body)
            .await?;
        Ok(StoredInsights {
            computed_at: now,
            insights,
        })
    }

    /// Computes the efficiency of activities whose samples were stored before Stride kept it.
    async fn backfill_efficiency(&self, athlete_id: Uuid) -> AppResult<()> {
        let limit = self.settings.insights.backfill_per_run;
        if limit == 0 {
            return Ok(());
        }
        for id in self
            .store
            .activities_without_efficiency(athlete_id, limit)
            .await?
        {
            let computed = match self.store.activity_samples(id).await? {
                Some(json) => serde_json::from_str::<Samples>(&json)
                    .ok()
                    .and_then(|samples| efficiency(&samples, &self.settings.efficiency)),
                None => None,
            };
            self.store
                .fill_activity_efficiency(
                    id,
                    computed.as_ref().map(|e| e.efficiency_factor),
                    computed
                        .as_ref()
                        .filter(|e| e.steady)
                        .map(|e| e.decoupling_pct),
                )
                .await?;
        }
        Ok(())
    }
}

/// A stored session as the statistics read it. Efficiency comes from the samples when they
/// were recorded, else from the summary (mean moving speed in m/min ÷ average heart rate,
/// the same definition).
fn session_record(row: &InsightSessionRow) -> Option<SessionRecord> {
    let sport: Sport = row.sport.parse().ok()?;
    let summary_ef = || {
        let seconds = row
            .moving_time_s
            .filter(|m| *m > 0)
            .unwrap_or(row.duration_s) as f64;
        match (row.distance_m, row.avg_hr) {
            (Some(d), Some(hr)) if d > 0.0 && hr > 0.0 && seconds > 0.0 => {
                Some(d / seconds * 60.0 / hr)
            }
            _ => None,
        }
    };
    Some(SessionRecord {
        activity_id: row.id,
        date: row.local_date,
        sport,
        duration_s: row.duration_s,
        rpe: row.rpe.map(f64::from),
        efficiency_factor: row.efficiency_factor.or_else(summary_ef),
        decoupling_pct: row.decoupling_pct,
        carbs_before_g: row.carbs_before_g,
        carbs_during_g: row.carbs_during_g,
        caffeine_mg: row.caffeine_mg,
    })
}

impl Handler<ComputeInsights> for InsightsService {
    fn run<'a>(&'a self, _job: ComputeInsights, meta: &'a JobMeta) -> BoxFuture<'a, Verdict> {
        Box::pin(async move {
            let Some(athlete) = meta.athlete else {
                return Verdict::Fail("computing insights needs an athlete".to_owned());
            };
            match self.refresh(athlete.uuid()).await {
                Ok(stored) => {
                    tracing::info!(athlete = %athlete, findings = stored.insights.findings.len(), tested = stored.insights.tested.len(), "insights computed");
                    Verdict::Done
                }
                // The account is gone (erased meanwhile): nothing to do.
                Err(AppError::NotFound(_)) => Verdict::Done,
                Err(AppError::Internal(error)) => Verdict::Retry(format!("{error:#}")),
                Err(error) => Verdict::Retry(error.to_string()),
            }
        })
    }
}
