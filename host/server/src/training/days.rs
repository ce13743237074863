//! An athlete's day as the Today page and the rules see it: the readiness light, the stats
//! series and the week's alerts, the active plan and its workouts around today. Read for a
//! batch of athletes at once, with one query per table; each athlete keeps their own days
//! (today in their time zone). The nightly pass reads its athletes this way, and so do the
//! home screens that miss the cache together.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use uuid::Uuid;

use super::Training;
use super::stats::readiness_reads_from;
use crate::error::AppResult;
use stride_domain::metrics::DailyValues;
use stride_domain::people::Baselines;
use stride_domain::readiness::Readiness;
use stride_domain::stats::{DayStats, RiskAlert};
use stride_store::{StoredPlan, StoredWorkout, User};

/// One athlete's day to read, judged against their baselines.
pub(crate) struct DayRequest<'a> {
    pub athlete: &'a User,
    pub baselines: Baselines,
}

/// The days an athlete's day covers, from their today.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DaySpan {
    pub today: NaiveDate,
    pub week_ago: NaiveDate,
    pub fortnight_ago: NaiveDate,
    /// The last day of the week ahead.
    pub ahead: NaiveDate,
    /// The first day of the stats series and the activities' loads the week's alerts read.
    pub series_from: NaiveDate,
    /// The first day of daily metrics the readiness light reads.
    pub metrics_from: NaiveDate,
    /// The first day of the activities' RPEs the readiness light reads.
    pub rpes_from: NaiveDate,
}

impl DaySpan {
    fn of(training: &Training, athlete: &User) -> Self {
        let today = training.today_for(athlete);
        let week_ago = today.checked_sub_days(Days::new(6)).unwrap_or(today);
        let (metrics_from, rpes_from) = readiness_reads_from(today);
        Self {
            today,
            week_ago,
            fortnight_ago: today.checked_sub_days(Days::new(14)).unwrap_or(today),
            ahead: today.checked_add_days(Days::new(6)).unwrap_or(today),
            series_from: training.alerts_read_from(week_ago),
            metrics_from,
            rpes_from,
        }
    }
}

/// An athlete's day.
pub(crate) struct AthleteDay {
    pub span: DaySpan,
    pub readiness: Readiness,
    /// Today's values, merged across sources.
    pub merged: DailyValues,
    /// The stats series from `span.series_from` through today.
    pub series: Vec<DayStats>,
    /// Risk alerts of the last seven days, newest first.
    pub alerts: Vec<RiskAlert>,
    pub plan: Option<StoredPlan>,
    /// The active plan's workouts from a fortnight ago through the week ahead, by date.
    pub workouts: Vec<StoredWorkout>,
}

impl AthleteDay {
    /// Today's stats (derived when no activity was logged today; none before any history).
    pub fn stats_today(&self) -> Option<&DayStats> {
        self.series.last().filter(|d| d.date == self.span.today)
    }
}

/// An athlete's rows, kept to their own days (an athlete may be asked for twice).
fn own<'r, T: Clone>(
    of: &'r HashMap<Uuid, Vec<T>>,
    key: &Uuid,
    keep: impl Fn(&T) -> bool + 'r,
) -> impl Iterator<Item = T> + 'r {
    of.get(key)
        .into_iter()
        .flatten()
        .filter(move |row| keep(row))
        .cloned()
}

fn grouped<T>(rows: impl IntoIterator<Item = (Uuid, T)>) -> HashMap<Uuid, Vec<T>> {
    let mut out: HashMap<Uuid, Vec<T>> = HashMap::new();
    for (key, row) in rows {
        out.entry(key).or_default().push(row);
    }
    out
}

impl Training {
    /// The day of each athlete in `requests`, in their order. A query covers the union of
    /// the batch's days; each athlete keeps theirs.
    pub(crate) async fn days_of(&self, requests: &[DayRequest<'_>]) -> AppResult<Vec<AthleteDay>> {
        let spans: Vec<DaySpan> = requests
            .iter()
            .map(|r| DaySpan::of(self, r.athlete))
            .collect();
        let (Some(earliest), Some(latest)) = (
            spans
                .iter()
                .map(|s| s.metrics_from.min(s.series_from).min(s.fortnight_ago))
                .min(),
            spans.iter().map(|s| s.ahead).max(),
        ) else {
            return Ok(Vec::new());
        };
        let earliest_of =
            |day: fn(&DaySpan) -> NaiveDate| spans.iter().map(day).min().unwrap_or(earliest);
        let last_today = spans.iter().map(|s| s.today).max().unwrap_or(latest);
        let ids: Vec<Uuid> = requests.iter().map(|r| r.athlete.id).collect();
        let store = &self.store;
        let (metrics, rpes, spans_stored, loads, plans) = tokio::try_join!(
            store.daily_metrics_of(&ids, earliest_of(|s| s.metrics_from), last_today),
            store.rpes_of(&ids, earliest_of(|s| s.rpes_from), last_today),
            store.stats_spans_of(&ids),
            store.activity_loads_of(&ids, earliest_of(|s| s.series_from), last_today),
            store.active_plans_of(&ids),
        )?;
        let ranges: Vec<(Uuid, NaiveDate, NaiveDate)> = ids
            .iter()
            .zip(&spans)
            .map(|(id, s)| {
                let last_stored = spans_stored.get(id).map(|(_, last)| *last);
                (
                    *id,
                    self.series_reads_from(s.series_from, s.today, last_stored),
                    s.today,
                )
            })
            .collect();
        let plan_ids: Vec<Uuid> = plans.iter().map(|p| p.id).collect();
        let (stats, workouts) = tokio::try_join!(
            store.stats_of(&ranges),
            store.plan_workouts_of(&plan_ids, earliest_of(|s| s.fortnight_ago), latest),
        )?;
        let metrics = grouped(metrics.into_iter().map(|m| (m.user_id, m)));
        let rpes = grouped(
            rpes.into_iter()
                .map(|(user, date, rpe)| (user, (date, rpe))),
        );
        let stats = grouped(stats);
        let loads = grouped(loads);
        let workouts = grouped(workouts.into_iter().map(|w| (w.plan_id, w)));
        let plans: HashMap<Uuid, StoredPlan> = plans.into_iter().map(|p| (p.user_id, p)).collect();
        let mut days = Vec::with_capacity(requests.len());
        for (request, span) in requests.iter().zip(spans) {
            let id = request.athlete.id;
            let today = span.today;
            let (readiness, merged) = self.readiness_from(
                today,
                own(&metrics, &id, |m| {
                    m.date >= span.metrics_from && m.date <= today
                })
                .collect(),
                own(&rpes, &id, |(date, _)| {
                    *date >= span.rpes_from && *date <= today
                })
                .collect(),
                request.baselines,
            );
            let last_stored = spans_stored.get(&id).map(|(_, last)| *last);
            let series = self.series_from(
                stats.get(&id).map_or(&[][..], Vec::as_slice),
                last_stored,
                span.series_from,
                today,
            );
            let week_loads = own(&loads, &id, |l| {
                l.local_date >= span.series_from && l.local_date <= today
            })
            .collect();
            let mut alerts = self.alerts_from(&series, week_loads, span.week_ago);
            alerts.reverse();
            let plan = plans.get(&id).cloned();
            let workouts = match &plan {
                Some(plan) => own(&workouts, &plan.id, |w| {
                    w.workout.date >= span.fortnight_ago && w.workout.date <= span.ahead
                })
                .collect(),
                None => Vec::new(),
            };
            days.push(AthleteDay {
                span,
                readiness,
                merged,
                series,
                alerts,
                plan,
                workouts,
            });
        }
        Ok(days)
    }
}
