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
use stride_store::{ActivityLoadRow, DailyMetricsRecord};

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
        let last_stored = self
            .store
            .stats_span(None, athlete_id)
            .await?
            .map(|(_, last)| last);
        let first = self.series_reads_from(from, end, last_stored);
        let stored = self
            .store
            .stats_between(None, athlete_id, first, end)
            .await?;
        Ok(self.series_from(&stored, last_stored, from, end))
    }

    /// The first stored day [`Training::series_from`] needs for `from..=end`: `from`, or
    /// earlier when days after the last stored one (`last_stored`) are derived from the days
    /// before it.
    pub(crate) fn series_reads_from(
        &self,
        from: NaiveDate,
        end: NaiveDate,
        last_stored: Option<NaiveDate>,
    ) -> NaiveDate {
        match last_stored {
            Some(last) if last < end => {
                let needed = StatsSeed::days_needed(&self.settings.stats) as u64;
                last.checked_sub_days(Days::new(needed))
                    .unwrap_or(last)
                    .min(from)
            }
            _ => from,
        }
    }

    /// The series for `from..=end` from the stored days (oldest first, from
    /// [`Training::series_reads_from`] through `end`) and the last stored day.
    pub(crate) fn series_from(
        &self,
        stored: &[DayStats],
        last_stored: Option<NaiveDate>,
        from: NaiveDate,
        end: NaiveDate,
    ) -> Vec<DayStats> {
        if from > end {
            return Vec::new();
        }
        let settings = self.settings.stats;
        let mut days: Vec<DayStats> = stored
            .iter()
            .filter(|d| d.date >= from && d.date <= end)
            .cloned()
            .collect();
        let Some(last_stored) = last_stored else {
            return days;
        };
        if last_stored < end {
            let needed = StatsSeed::days_needed(&settings) as u64;
            let seed_from = last_stored
                .checked_sub_days(Days::new(needed))
                .unwrap_or(last_stored);
            let previous: Vec<DayStats> = stored
                .iter()
                .filter(|d| d.date >= seed_from && d.date <= last_stored)
                .cloned()
                .collect();
            let seed = StatsSeed::from_previous(&previous, &settings);
            let first = last_stored.succ_opt().unwrap_or(last_stored);
            let rest = (end - last_stored).num_days().max(0) as usize;
            days.extend(
                compute_days(&seed, first, &vec![0.0; rest], &settings)
                    .into_iter()
                    .filter(|d| d.date >= from),
            );
        }
        days
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
        let window_start = self.alerts_read_from(from);
        let days = self.series(athlete_id, window_start, end).await?;
        let loads = self
            .store
            .activity_loads(None, athlete_id, window_start, end)
            .await?;
        Ok((self.alerts_from(&days, loads, from), days))
    }

    /// The first day [`Training::alerts_from`] needs of the series and the activities' loads
    /// to judge days from `from`: the receipts cite the whole chronic window before each alert.
    pub(crate) fn alerts_read_from(&self, from: NaiveDate) -> NaiveDate {
        let settings = self.settings.stats;
        let lead = u64::from(settings.chronic_days.max(settings.monotony_days));
        from.checked_sub_days(Days::new(lead)).unwrap_or(from)
    }

    /// Alerts on days from `from`, judged on `days` (the series from
    /// [`Training::alerts_read_from`]) with the loads of the activities on those days.
    pub(crate) fn alerts_from(
        &self,
        days: &[DayStats],
        loads: Vec<ActivityLoadRow>,
        from: NaiveDate,
    ) -> Vec<RiskAlert> {
        let settings = self.settings.stats;
        let metric = settings.load_metric;
        let activities: Vec<ActivityLoadRef> = loads
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
        risk_alerts(days, &settings, &activities)
            .into_iter()
            .filter(|a| a.date >= from)
            .collect()
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
        let (since, recent_since) = readiness_reads_from(date);
        let (rows, recent_rpes) = tokio::try_join!(
            self.store.daily_metrics_between(athlete.id, since, date),
            self.store.recent_rpes(athlete.id, recent_since, date),
        )?;
        Ok(self.readiness_from(date, rows, recent_rpes, baselines))
    }

    /// The readiness light for `date` from the daily metrics and the activities' RPEs read
    /// from the days [`readiness_reads_from`] gives, through `date`; and that day's values.
    pub(crate) fn readiness_from(
        &self,
        date: NaiveDate,
        rows: Vec<DailyMetricsRecord>,
        recent_rpes: Vec<(NaiveDate, i32)>,
        baselines: Baselines,
    ) -> (Readiness, DailyValues) {
        let mut by_day = merge_by_day(rows, &self.settings.source_priority);
        let today = by_day.remove(&date).unwrap_or_default();
        let inputs = ReadinessInputs {
            date,
            today: today.clone(),
            history: by_day.into_iter().collect(),
            baselines,
            recent_rpes,
        };
        (readiness(&inputs, &self.settings.readiness), today)
    }
}

/// The first day of the daily metrics and of the activities' RPEs that a readiness judgement
/// for `date` reads.
pub(crate) fn readiness_reads_from(date: NaiveDate) -> (NaiveDate, NaiveDate) {
    let since = date
        .checked_sub_days(Days::new(READINESS_HISTORY_DAYS))
        .unwrap_or(date);
    let recent_since = date.checked_sub_days(Days::new(7)).unwrap_or(date);
    (since, recent_since)
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
