//! Rolling stats, risk alerts and readiness for an athlete, kept current incrementally.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use uuid::Uuid;

use super::Training;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use stride_domain::metrics::DailyValues;
use stride_domain::people::{Baselines, GrantAccess};
use stride_domain::readiness::{Readiness, ReadinessInputs, readiness};
use stride_domain::stats::{
    ActivityLoadRef, DayStats, RiskAlert, StatsSeed, compute_days, risk_alerts,
};
use stride_store::DailyMetricsRecord;

/// The longest range one stats query covers, in days (ten years).
const MAX_RANGE_DAYS: i64 = 3_660;

/// Days of daily metrics a readiness judgement looks back over.
const READINESS_HISTORY_DAYS: u64 = 60;

/// A day range a computed series may cover: `from` not after `to`, at most
/// [`MAX_RANGE_DAYS`] days, and not before Stride's earliest day.
pub(crate) fn bounded_range(from: NaiveDate, to: NaiveDate) -> AppResult<()> {
    if from > to {
        return Err(AppError::bad_input(
            "from",
            format!("{from} is after `to` ({to})"),
        ));
    }
    if (to - from).num_days() > MAX_RANGE_DAYS {
        return Err(AppError::bad_input(
            "to",
            format!("a range may cover at most {MAX_RANGE_DAYS} days"),
        ));
    }
    if from < stride_domain::validation::EARLIEST_DAY {
        return Err(AppError::bad_input(
            "from",
            format!(
                "{from} is before {}, the earliest day Stride keeps",
                stride_domain::validation::EARLIEST_DAY
            ),
        ));
    }
    Ok(())
}

impl Training {
    /// Stats for every day in `from..=to` (the days since history began), including rest
    /// days up to the athlete's today that no activity has written yet.
    pub async fn stats_series(
        &self,
        viewer: &Viewer,
        athlete_id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> AppResult<Vec<DayStats>> {
        let athlete = self.athlete(viewer, athlete_id, GrantAccess::Read).await?;
        bounded_range(from, to)?;
        let end = to.min(self.today_for(&athlete));
        self.series(athlete_id, from, end).await
    }

    /// What [`Training::stats_series`] checks (access, the range), without reading the days:
    /// for a request that asks only for the conventions.
    pub async fn check_stats_series(
        &self,
        viewer: &Viewer,
        athlete_id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> AppResult<()> {
        self.athlete(viewer, athlete_id, GrantAccess::Read).await?;
        bounded_range(from, to)?;
        Ok(())
    }

    /// Stored days in range plus derived rest days after the last stored one, up to `end`.
    pub(crate) async fn series(
        &self,
        athlete_id: Uuid,
        from: NaiveDate,
        end: NaiveDate,
    ) -> AppResult<Vec<DayStats>> {
        if from > end {
            return Ok(Vec::new());
        }
        let settings = self.settings.stats;
        let mut days = self
            .store
            .stats_between(None, athlete_id, from, end)
            .await?;
        let Some((_, last_stored)) = self.store.stats_span(None, athlete_id).await? else {
            return Ok(days);
        };
        if last_stored < end {
            let needed = StatsSeed::days_needed(&settings) as u64;
            let seed_from = last_stored
                .checked_sub_days(Days::new(needed))
                .unwrap_or(last_stored);
            let previous = self
                .store
                .stats_between(None, athlete_id, seed_from, last_stored)
                .await?;
            let seed = StatsSeed::from_previous(&previous, &settings);
            let first = last_stored.succ_opt().unwrap_or(last_stored);
            let rest = (end - last_stored).num_days().max(0) as usize;
            days.extend(
                compute_days(&seed, first, &vec![0.0; rest], &settings)
                    .into_iter()
                    .filter(|d| d.date >= from),
            );
        }
        Ok(days)
    }

    /// Load-based risk alerts on days in `from..=to`, each with its receipts.
    pub async fn alerts(
        &self,
        viewer: &Viewer,
        athlete_id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> AppResult<Vec<RiskAlert>> {
        let athlete = self.athlete(viewer, athlete_id, GrantAccess::Read).await?;
        bounded_range(from, to)?;
        let end = to.min(self.today_for(&athlete));
        self.alerts_between(athlete_id, from, end).await
    }

    pub(crate) async fn alerts_between(
        &self,
        athlete_id: Uuid,
        from: NaiveDate,
        end: NaiveDate,
    ) -> AppResult<Vec<RiskAlert>> {
        Ok(self.alerts_and_series(athlete_id, from, end).await?.0)
    }

    /// Alerts on days in `from..=end`, and the stats series they were judged on (which starts
    /// a chronic window earlier, for the receipts, and ends on `end`).
    pub(crate) async fn alerts_and_series(
        &self,
        athlete_id: Uuid,
        from: NaiveDate,
        end: NaiveDate,
    ) -> AppResult<(Vec<RiskAlert>, Vec<DayStats>)> {
        if from > end {
            return Ok((Vec::new(), Vec::new()));
        }
        let settings = self.settings.stats;
        // The receipts cite the whole chronic window before each alert.
        let lead = u64::from(settings.chronic_days.max(settings.monotony_days));
        let window_start = from.checked_sub_days(Days::new(lead)).unwrap_or(from);
        let days = self.series(athlete_id, window_start, end).await?;
        let metric = settings.load_metric;
        let activities: Vec<ActivityLoadRef> = self
            .store
            .activity_loads(None, athlete_id, window_start, end)
            .await?
            .into_iter()
            .filter_map(|r| {
                metric
                    .select(r.load_rpe, r.load_trimp)
                    .map(|load| ActivityLoadRef {
                        id: r.id,
                        date: r.local_date,
                        load,
                    })
            })
            .collect();
        let alerts = risk_alerts(&days, &settings, &activities)
            .into_iter()
            .filter(|a| a.date >= from)
            .collect();
        Ok((alerts, days))
    }

    /// The readiness traffic light for `date` (default: the athlete's today).
    pub async fn readiness(
        &self,
        viewer: &Viewer,
        athlete_id: Uuid,
        date: Option<NaiveDate>,
    ) -> AppResult<Readiness> {
        let athlete = self.athlete(viewer, athlete_id, GrantAccess::Read).await?;
        let date = date.unwrap_or_else(|| self.today_for(&athlete));
        self.readiness_on(&athlete, date).await
    }

    pub(crate) async fn readiness_on(
        &self,
        athlete: &stride_store::User,
        date: NaiveDate,
    ) -> AppResult<Readiness> {
        let baselines = self.store.baselines(athlete.id).await?;
        Ok(self.readiness_with(athlete, date, baselines).await?.0)
    }

    /// The readiness light for `date` judged against `baselines`, and that day's values
    /// merged across sources.
    pub(crate) async fn readiness_with(
        &self,
        athlete: &stride_store::User,
        date: NaiveDate,
        baselines: Baselines,
    ) -> AppResult<(Readiness, DailyValues)> {
        let since = date
            .checked_sub_days(Days::new(READINESS_HISTORY_DAYS))
            .unwrap_or(date);
        let recent_since = date.checked_sub_days(Days::new(7)).unwrap_or(date);
        let (rows, recent_rpes) = tokio::try_join!(
            self.store.daily_metrics_between(athlete.id, since, date),
            self.store.recent_rpes(athlete.id, recent_since, date),
        )?;
        let mut by_day = merge_by_day(rows, &self.settings.source_priority);
        let today = by_day.remove(&date).unwrap_or_default();
        let inputs = ReadinessInputs {
            date,
            today: today.clone(),
            history: by_day.into_iter().collect(),
            baselines,
            recent_rpes,
        };
        Ok((readiness(&inputs, &self.settings.readiness), today))
    }
}

/// Merges each day's entries from several sources into one, by the configured source
/// priority; HRV is read in the statistic the window has on more days.
pub(crate) fn merge_by_day(
    rows: Vec<DailyMetricsRecord>,
    priority: &[String],
) -> BTreeMap<NaiveDate, DailyValues> {
    let mut grouped: BTreeMap<NaiveDate, Vec<(String, DailyValues)>> = BTreeMap::new();
    let mut kinds = BTreeMap::new();
    for row in rows {
        if let Some((_, kind)) = row.values.hrv {
            kinds.insert((row.date, kind), kind);
        }
        grouped
            .entry(row.date)
            .or_default()
            .push((row.source, row.values));
    }
    let hrv_kind = stride_domain::metrics::dominant_hrv_kind(kinds.values());
    grouped
        .into_iter()
        .map(|(date, entries)| {
            (
                date,
                stride_domain::metrics::merge_sources(entries, priority, hrv_kind),
            )
        })
        .collect()
}
