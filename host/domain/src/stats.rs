//! Rolling training stats per athlete per day: acute and chronic load, ACWR, TSB, monotony and
//! strain, and the risk alerts they raise — each alert with the receipts a coach needs to
//! recompute it by hand.
//!
//! Conventions (all configurable in [`StatsSettings`]):
//!
//! - **Daily load** is the sum of the chosen [`LoadMetric`] over the athlete's activities on
//!   that calendar day (the athlete's local date); rest days are 0. Activities missing the
//!   metric contribute 0 — callers report them as "unrated".
//! - **Acute / chronic load** are exponentially weighted moving averages,
//!   `ewma_t = λ·load_t + (1 − λ)·ewma_{t−1}`, starting from 0 before the first day of history.
//!   By default λ = 2/(N+1) over N = 7 and 28 days (Williams et al., 2017). The first day of
//!   history is whatever day the caller first computes with an empty [`StatsSeed`]; callers
//!   keep it stable (for example the athlete's earliest activity).
//! - **ACWR** = acute / chronic (`None` while chronic is 0). **TSB** = chronic − acute.
//! - **Monotony** (Foster, 1998) = mean / SD of the daily loads of the last `monotony_days`
//!   days, rest days and days before history counted as 0. The SD is the *sample* SD by
//!   default (n − 1, as coaches' spreadsheets compute it with `STDEV`). When the SD is 0 the
//!   monotony is `None` if the mean is 0 and `monotony_cap` otherwise; any larger ratio is also
//!   reported as the cap. Either way `monotony_capped` says so. **Strain** = weekly load (the sum
//!   over the same days) × monotony.
//! - **Warming up**: while fewer than `chronic_days` days of history exist the chronic load is
//!   still filling up and ACWR runs high, so ACWR alerts are suppressed; the values themselves
//!   are still reported.
//!
//! Incremental updates equal full recomputation bit for bit: each day depends only on its own
//! load and on the previous day's acute/chronic, the previous `monotony_days − 1` loads and the
//! history count, all of which are stored in [`DayStats`]. [`StatsSeed::from_previous`] rebuilds
//! that state from stored days and [`compute_days`] continues with the same arithmetic in the
//! same order.

use std::collections::{BTreeMap, VecDeque};

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::load::non_negative;
use super::validation::{Checks, ValidationError};

text_enum! {
    /// How the EWMA decay λ is derived from a window of N days.
    #[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
    pub enum EwmaConvention {
        /// λ = 2/(N+1) (Williams et al., 2017).
        Williams => "williams",
        /// λ = 1/N (Coggan's ATL/CTL).
        Coggan => "coggan",
        /// λ = 1 − e^(−1/N) (GoldenCheetah's performance manager chart).
        GoldenCheetah => "golden_cheetah",
    }
}

impl EwmaConvention {
    /// The decay λ for a window of `days` days (0 days is treated as 1).
    pub fn lambda(self, days: u32) -> f64 {
        let n = f64::from(days.max(1));
        match self {
            EwmaConvention::Williams => 2.0 / (n + 1.0),
            EwmaConvention::Coggan => 1.0 / n,
            EwmaConvention::GoldenCheetah => 1.0 - (-1.0 / n).exp(),
        }
    }
}

text_enum! {
    /// Which standard deviation monotony divides by.
    #[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
    pub enum SdConvention {
        /// Divide the squared deviations by n.
        Population => "population",
        /// Divide the squared deviations by n − 1 (spreadsheet `STDEV`).
        Sample => "sample",
    }
}

text_enum! {
    /// Which session load feeds the daily totals.
    #[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
    pub enum LoadMetric {
        /// Foster's session-RPE load.
        SessionRpe => "session_rpe",
        /// Banister's TRIMP.
        Trimp => "trimp",
    }
}

impl LoadMetric {
    /// Picks this metric from an activity's two loads.
    pub fn select(self, srpe: Option<f64>, trimp: Option<f64>) -> Option<f64> {
        match self {
            LoadMetric::SessionRpe => srpe,
            LoadMetric::Trimp => trimp,
        }
    }
}

/// How rolling stats are computed and when they raise alerts. Stored as JSON; missing keys
/// take their defaults.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StatsSettings {
    /// How λ follows from a window length.
    pub convention: EwmaConvention,
    /// Acute window N, days (default 7).
    pub acute_days: u32,
    /// Chronic window N, days (default 28); also the warming-up period.
    pub chronic_days: u32,
    /// Days over which monotony, weekly load and strain are computed (default 7).
    pub monotony_days: u32,
    /// Which SD monotony uses (default sample).
    pub sd_convention: SdConvention,
    /// ACWR above this raises an alert (default 1.5).
    pub acwr_alert: f64,
    /// Monotony above this raises an alert (default 2.0).
    pub monotony_alert: f64,
    /// Monotony reported when the SD is 0 with a positive mean, and the ceiling of every
    /// monotony value (default 10: far above the alert, so the alert still fires, while strain
    /// stays finite).
    pub monotony_cap: f64,
    /// Which load feeds the daily totals (default session RPE).
    pub load_metric: LoadMetric,
}

impl Default for StatsSettings {
    fn default() -> Self {
        Self {
            convention: EwmaConvention::Williams,
            acute_days: 7,
            chronic_days: 28,
            monotony_days: 7,
            sd_convention: SdConvention::Sample,
            acwr_alert: 1.5,
            monotony_alert: 2.0,
            monotony_cap: 10.0,
            load_metric: LoadMetric::SessionRpe,
        }
    }
}

impl StatsSettings {
    /// Rejects windows and thresholds that make no sense, naming each field.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut checks = Checks::new();
        checks.int_range("acuteDays", Some(i64::from(self.acute_days)), 1, 90, "days");
        checks.int_range(
            "chronicDays",
            Some(i64::from(self.chronic_days)),
            2,
            365,
            "days",
        );
        if self.acute_days >= 1 && self.chronic_days <= self.acute_days {
            checks.fail(
                "chronicDays",
                format!(
                    "the chronic window ({} days) must be longer than the acute window ({} days)",
                    self.chronic_days, self.acute_days
                ),
            );
        }
        checks.int_range(
            "monotonyDays",
            Some(i64::from(self.monotony_days)),
            2,
            28,
            "days",
        );
        checks.float_range("acwrAlert", Some(self.acwr_alert), 0.1, 10.0, "");
        checks.float_range("monotonyAlert", Some(self.monotony_alert), 0.1, 100.0, "");
        checks.float_range("monotonyCap", Some(self.monotony_cap), 0.1, 1000.0, "");
        if self.monotony_cap.is_finite()
            && self.monotony_alert.is_finite()
            && self.monotony_cap <= self.monotony_alert
        {
            checks.fail(
                "monotonyCap",
                format!(
                    "the cap ({}) must be above the monotony alert ({}), or a perfectly \
                     monotonous week could never raise the alert",
                    self.monotony_cap, self.monotony_alert
                ),
            );
        }
        checks.finish()
    }

    /// λ of the acute EWMA.
    pub fn acute_lambda(&self) -> f64 {
        self.convention.lambda(self.acute_days)
    }

    /// λ of the chronic EWMA.
    pub fn chronic_lambda(&self) -> f64 {
        self.convention.lambda(self.chronic_days)
    }

    fn window(&self) -> usize {
        self.monotony_days.max(1) as usize
    }
}

/// One athlete-day of rolling stats: what is stored, and all that incremental updates need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
pub struct DayStats {
    /// The athlete's local calendar day.
    pub date: NaiveDate,
    /// That day's total load (0 on rest days).
    pub load: f64,
    /// Acute load (EWMA over `acute_days`).
    pub acute: f64,
    /// Chronic load (EWMA over `chronic_days`).
    pub chronic: f64,
    /// Acute:chronic workload ratio; `None` while chronic is 0.
    pub acwr: Option<f64>,
    /// Training stress balance, chronic − acute.
    pub tsb: f64,
    /// Foster's monotony over the last `monotony_days` days; `None` when every load is 0.
    pub monotony: Option<f64>,
    /// Whether monotony is the configured cap rather than mean / SD.
    pub monotony_capped: bool,
    /// Sum of the loads over the last `monotony_days` days.
    pub weekly_load: f64,
    /// Weekly load × monotony.
    pub strain: Option<f64>,
    /// Days of history up to and including this one.
    pub history_days: u32,
    /// Whether history is still shorter than the chronic window (ACWR alerts suppressed).
    pub warming_up: bool,
}

/// The state the day before a recomputation starts, rebuilt from stored [`DayStats`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatsSeed {
    acute: f64,
    chronic: f64,
    /// Loads of the days before the first computed day, oldest first (days before history: 0).
    recent_loads: Vec<f64>,
    history_days: u32,
    last_date: Option<NaiveDate>,
}

impl StatsSeed {
    /// The seed at the start of history: everything 0.
    pub fn start() -> Self {
        Self::default()
    }

    /// How many stored days before the recomputation [`Self::from_previous`] needs: the
    /// previous `monotony_days − 1` days (at least 1, for the previous acute and chronic load).
    pub fn days_needed(settings: &StatsSettings) -> usize {
        settings.window().saturating_sub(1).max(1)
    }

    /// The seed from the stored days just before the recomputation (an empty slice is the start
    /// of history). The latest day gives acute, chronic and the history count; the loads of the
    /// window are looked up by date, and a date with no stored day counts as 0 (rest, or before
    /// history). Order does not matter; pass at least [`Self::days_needed`] days.
    pub fn from_previous(previous_days: &[DayStats], settings: &StatsSettings) -> Self {
        let Some(last) = previous_days.iter().max_by_key(|d| d.date) else {
            return Self::start();
        };
        let loads_by_date: BTreeMap<NaiveDate, f64> =
            previous_days.iter().map(|d| (d.date, d.load)).collect();
        let recent_loads = (0..settings.window().saturating_sub(1))
            .rev()
            .map(|back| {
                last.date
                    .checked_sub_days(Days::new(back as u64))
                    .and_then(|date| loads_by_date.get(&date).copied())
                    .unwrap_or(0.0)
            })
            .collect();
        Self {
            acute: last.acute,
            chronic: last.chronic,
            recent_loads,
            history_days: last.history_days,
            last_date: Some(last.date),
        }
    }

    /// The last stored day the seed was built from; the recomputation starts the day after.
    pub fn last_date(&self) -> Option<NaiveDate> {
        self.last_date
    }

    /// The first day to compute from this seed, when it was built from stored days.
    pub fn next_date(&self) -> Option<NaiveDate> {
        self.last_date.and_then(|d| d.succ_opt())
    }
}

/// Mean and SD of a window of loads, or `None` for the SD when it is undefined.
fn mean_and_sd(loads: &[f64], convention: SdConvention) -> (f64, Option<f64>) {
    let n = loads.len();
    if n == 0 {
        return (0.0, None);
    }
    let sum: f64 = loads.iter().sum();
    let mean = sum / n as f64;
    let squares: f64 = loads.iter().map(|x| (x - mean) * (x - mean)).sum();
    let divisor = match convention {
        SdConvention::Population => n,
        SdConvention::Sample => n - 1,
    };
    let sd = (divisor > 0).then(|| (squares / divisor as f64).sqrt());
    (mean, sd)
}

/// Monotony and whether it was capped, from a window's mean and SD.
fn monotony_of(mean: f64, sd: Option<f64>, cap: f64) -> (Option<f64>, bool) {
    let Some(sd) = sd else {
        return (None, false);
    };
    if mean <= 0.0 {
        return (None, false);
    }
    if sd > 0.0 {
        let ratio = mean / sd;
        if ratio > cap {
            (Some(cap), true)
        } else {
            (Some(ratio), false)
        }
    } else {
        (Some(cap), true)
    }
}

/// Computes consecutive days starting at `first_date`, one per entry of `daily_loads`, from the
/// state in `seed`. `first_date` is the day after the seed's last day ([`StatsSeed::next_date`];
/// any day for [`StatsSeed::start`], which becomes the first day of history). Negative or
/// non-finite loads count as 0 (no activity produces them).
pub fn compute_days(
    seed: &StatsSeed,
    first_date: NaiveDate,
    daily_loads: &[f64],
    settings: &StatsSettings,
) -> Vec<DayStats> {
    let acute_lambda = settings.acute_lambda();
    let chronic_lambda = settings.chronic_lambda();
    let window = settings.window();
    let mut acute = seed.acute;
    let mut chronic = seed.chronic;
    let mut history_days = seed.history_days;
    let mut recent: VecDeque<f64> = seed.recent_loads.iter().copied().collect();
    while recent.len() + 1 < window {
        recent.push_front(0.0);
    }
    while recent.len() >= window {
        recent.pop_front();
    }

    let mut days = Vec::with_capacity(daily_loads.len());
    let mut date = Some(first_date);
    for raw in daily_loads {
        let Some(today) = date else { break };
        let load = non_negative(*raw);
        acute = acute_lambda * load + (1.0 - acute_lambda) * acute;
        chronic = chronic_lambda * load + (1.0 - chronic_lambda) * chronic;
        recent.push_back(load);
        if recent.len() > window {
            recent.pop_front();
        }
        let loads: Vec<f64> = recent.iter().copied().collect();
        let (mean, sd) = mean_and_sd(&loads, settings.sd_convention);
        let weekly_load: f64 = loads.iter().sum();
        let (monotony, monotony_capped) = monotony_of(mean, sd, settings.monotony_cap);
        history_days = history_days.saturating_add(1);
        days.push(DayStats {
            date: today,
            load,
            acute,
            chronic,
            acwr: (chronic > 0.0).then(|| acute / chronic),
            tsb: chronic - acute,
            monotony,
            monotony_capped,
            weekly_load,
            strain: monotony.map(|m| weekly_load * m),
            history_days,
            warming_up: history_days < settings.chronic_days,
        });
        date = today.succ_opt();
    }
    days
}

/// Daily load totals for every day from `from` to `to` inclusive (0 on rest days), from
/// `(local date, load)` pairs. Each day's loads are summed in ascending order, so the total
/// does not depend on the order activities arrive in. Negative or non-finite loads count as 0.
pub fn daily_loads(activities: &[(NaiveDate, f64)], from: NaiveDate, to: NaiveDate) -> Vec<f64> {
    if to < from {
        return Vec::new();
    }
    let mut in_range: Vec<(NaiveDate, f64)> = activities
        .iter()
        .filter(|(date, _)| (from..=to).contains(date))
        .map(|&(date, load)| (date, non_negative(load)))
        .collect();
    in_range.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let span = (to - from).num_days();
    let mut totals = vec![0.0; usize::try_from(span).unwrap_or(0).saturating_add(1)];
    for (date, load) in in_range {
        if let Some(total) = usize::try_from((date - from).num_days())
            .ok()
            .and_then(|i| totals.get_mut(i))
        {
            *total += load;
        }
    }
    totals
}

/// The first day to recompute after activities dated `changed_dates` were inserted, edited or
/// deleted (for an edit that moves an activity, pass both its old and new date): the earliest
/// of them. Everything from that day to the end is recomputed; `None` when nothing changed.
pub fn affected_from(changed_dates: &[NaiveDate]) -> Option<NaiveDate> {
    changed_dates.iter().min().copied()
}

/// One activity's contribution to a daily load, as cited in alert receipts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
pub struct ActivityLoadRef {
    /// The activity.
    pub id: Uuid,
    /// Its local date.
    pub date: NaiveDate,
    /// Its load in the configured metric.
    pub load: f64,
}

text_enum! {
    /// What a risk alert is about.
    #[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
    pub enum AlertKind {
        /// The acute:chronic workload ratio is above its threshold.
        AcwrHigh => "acwr_high",
        /// Training monotony is above its threshold.
        MonotonyHigh => "monotony_high",
    }
}

/// A day's total load, as cited in receipts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
pub struct DailyLoad {
    /// The day.
    pub date: NaiveDate,
    /// Its total load.
    pub load: f64,
}

/// The EWMA values a hand recomputation starts from: the day before the receipt window.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
pub struct EwmaStart {
    /// The day these values belong to.
    pub date: NaiveDate,
    /// Acute load that day (0 before history).
    pub acute: f64,
    /// Chronic load that day (0 before history).
    pub chronic: f64,
}

/// Everything an alert rests on, enough to recompute it by hand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
pub struct AlertReceipts {
    /// The days the value is computed over, oldest first, with their loads: the chronic window
    /// for ACWR, the monotony window for monotony.
    pub window: Vec<DailyLoad>,
    /// Acute load on the alert's day.
    pub acute: f64,
    /// Chronic load on the alert's day.
    pub chronic: f64,
    /// λ of the acute EWMA.
    pub acute_lambda: f64,
    /// λ of the chronic EWMA.
    pub chronic_lambda: f64,
    /// Where the EWMA recursion over `window` starts (ACWR alerts); `None` when the stats
    /// passed in did not reach back that far.
    pub ewma_start: Option<EwmaStart>,
    /// Sum of the monotony window's loads on the alert's day.
    pub weekly_load: f64,
    /// Mean daily load over the monotony window (monotony alerts).
    pub mean_load: Option<f64>,
    /// SD of the daily loads over the monotony window (monotony alerts).
    pub sd_load: Option<f64>,
    /// The SD convention used.
    pub sd_convention: SdConvention,
    /// Whether the monotony value is the cap.
    pub monotony_capped: bool,
    /// The activities dated inside the window, by date then id.
    pub activities: Vec<ActivityLoadRef>,
    /// The computation in words, with the numbers.
    pub explanation: String,
}

/// A load-based injury-risk alert on one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
pub struct RiskAlert {
    /// What crossed its threshold.
    pub kind: AlertKind,
    /// The day it happened.
    pub date: NaiveDate,
    /// The value that crossed (ACWR or monotony).
    pub value: f64,
    /// The threshold it exceeded.
    pub threshold: f64,
    /// What it rests on.
    pub receipts: AlertReceipts,
}

/// Alerts for every day in `days` whose value is above its threshold: ACWR above
/// `acwr_alert` (not while warming up) and monotony above `monotony_alert`. Receipts cite the
/// stored days in `days` (pass the preceding `chronic_days` days too for complete windows) and
/// the `activities` dated inside each window. Sorted by date, then kind; callers may collapse
/// runs of consecutive days.
pub fn risk_alerts(
    days: &[DayStats],
    settings: &StatsSettings,
    activities: &[ActivityLoadRef],
) -> Vec<RiskAlert> {
    let by_date: BTreeMap<NaiveDate, &DayStats> = days.iter().map(|d| (d.date, d)).collect();
    let mut alerts = Vec::new();
    for day in by_date.values() {
        if let Some(acwr) = day.acwr
            && !day.warming_up
            && acwr > settings.acwr_alert
        {
            alerts.push(acwr_alert(day, acwr, &by_date, settings, activities));
        }
        if let Some(monotony) = day.monotony
            && monotony > settings.monotony_alert
        {
            alerts.push(monotony_alert(
                day, monotony, &by_date, settings, activities,
            ));
        }
    }
    alerts
}

/// The first day of history, from a day's history count.
fn history_start(day: &DayStats) -> Option<NaiveDate> {
    day.date
        .checked_sub_days(Days::new(u64::from(day.history_days.saturating_sub(1))))
}

/// The days `len` long ending on `day`, clipped to history.
fn window_days(day: &DayStats, len: u32) -> Vec<NaiveDate> {
    let start = day
        .date
        .checked_sub_days(Days::new(u64::from(len.saturating_sub(1))))
        .unwrap_or(day.date);
    let start = history_start(day).map_or(start, |h| h.max(start));
    start.iter_days().take_while(|d| *d <= day.date).collect()
}

fn activities_between(
    activities: &[ActivityLoadRef],
    first: NaiveDate,
    last: NaiveDate,
) -> Vec<ActivityLoadRef> {
    let mut inside: Vec<ActivityLoadRef> = activities
        .iter()
        .filter(|a| (first..=last).contains(&a.date))
        .copied()
        .collect();
    inside.sort_by(|a, b| a.date.cmp(&b.date).then(a.id.cmp(&b.id)));
    inside
}

fn acwr_alert(
    day: &DayStats,
    acwr: f64,
    by_date: &BTreeMap<NaiveDate, &DayStats>,
    settings: &StatsSettings,
    activities: &[ActivityLoadRef],
) -> RiskAlert {
    let dates = window_days(day, settings.chronic_days);
    // Only the stretch of stored days that reaches back without a gap can be recomputed.
    let mut window: Vec<DailyLoad> = dates
        .iter()
        .rev()
        .map_while(|date| {
            by_date.get(date).map(|d| DailyLoad {
                date: *date,
                load: d.load,
            })
        })
        .collect();
    window.reverse();
    let first = window.first().map_or(day.date, |w| w.date);
    let ewma_start = first.pred_opt().and_then(|before| {
        if history_start(day).is_some_and(|h| h == first) {
            Some(EwmaStart {
                date: before,
                acute: 0.0,
                chronic: 0.0,
            })
        } else {
            by_date.get(&before).map(|d| EwmaStart {
                date: before,
                acute: d.acute,
                chronic: d.chronic,
            })
        }
    });
    let (acute_lambda, chronic_lambda) = (settings.acute_lambda(), settings.chronic_lambda());
    let explanation = format!(
        "ACWR {acwr:.2} on {date} is above {threshold}: acute load {acute:.1} ({a}-day EWMA, \
         λ = {acute_lambda:.4}) ÷ chronic load {chronic:.1} ({c}-day EWMA, λ = \
         {chronic_lambda:.4}); each day, ewma = λ × load + (1 − λ) × the previous day's ewma, \
         from {start} over the {n} days listed",
        date = day.date,
        threshold = settings.acwr_alert,
        acute = day.acute,
        chronic = day.chronic,
        a = settings.acute_days,
        c = settings.chronic_days,
        start = ewma_start.map_or_else(
            || "the stored values before the window (not passed in)".to_owned(),
            |s| format!(
                "acute {:.1} and chronic {:.1} on {}",
                s.acute, s.chronic, s.date
            )
        ),
        n = window.len(),
    );
    RiskAlert {
        kind: AlertKind::AcwrHigh,
        date: day.date,
        value: acwr,
        threshold: settings.acwr_alert,
        receipts: AlertReceipts {
            activities: activities_between(activities, first, day.date),
            window,
            acute: day.acute,
            chronic: day.chronic,
            acute_lambda,
            chronic_lambda,
            ewma_start,
            weekly_load: day.weekly_load,
            mean_load: None,
            sd_load: None,
            sd_convention: settings.sd_convention,
            monotony_capped: day.monotony_capped,
            explanation,
        },
    }
}

fn monotony_alert(
    day: &DayStats,
    monotony: f64,
    by_date: &BTreeMap<NaiveDate, &DayStats>,
    settings: &StatsSettings,
    activities: &[ActivityLoadRef],
) -> RiskAlert {
    let len = settings.monotony_days.max(1);
    let first = day
        .date
        .checked_sub_days(Days::new(u64::from(len - 1)))
        .unwrap_or(day.date);
    let history = history_start(day);
    // Days before history count as rest, exactly as in `compute_days`.
    let window: Vec<DailyLoad> = first
        .iter_days()
        .take_while(|d| *d <= day.date)
        .filter_map(|date| match by_date.get(&date) {
            Some(d) => Some(DailyLoad { date, load: d.load }),
            None if history.is_some_and(|h| date < h) => Some(DailyLoad { date, load: 0.0 }),
            None => None,
        })
        .collect();
    let loads: Vec<f64> = window.iter().map(|w| w.load).collect();
    let complete = window.len() == len as usize;
    let (mean, sd) = mean_and_sd(&loads, settings.sd_convention);
    let sd_name = match settings.sd_convention {
        SdConvention::Population => "population SD",
        SdConvention::Sample => "sample SD",
    };
    let mut explanation = if day.monotony_capped {
        format!(
            "monotony on {date} is at its cap of {cap}: the daily loads barely vary (mean \
             {mean:.1}, {sd_name} {sd:.3} over {len} days)",
            date = day.date,
            cap = settings.monotony_cap,
            sd = sd.unwrap_or(0.0),
        )
    } else {
        format!(
            "monotony {monotony:.2} on {date} is above {threshold}: mean daily load {mean:.1} ÷ \
             {sd_name} {sd:.1} over {len} days (rest days count as 0)",
            date = day.date,
            threshold = settings.monotony_alert,
            sd = sd.unwrap_or(0.0),
        )
    };
    explanation.push_str(&format!(
        "; weekly load {weekly:.1} × monotony = strain {strain:.1}",
        weekly = day.weekly_load,
        strain = day.strain.unwrap_or(0.0),
    ));
    if !complete {
        explanation.push_str("; some days of the window were not passed in");
    }
    RiskAlert {
        kind: AlertKind::MonotonyHigh,
        date: day.date,
        value: monotony,
        threshold: settings.monotony_alert,
        receipts: AlertReceipts {
            activities: activities_between(activities, first, day.date),
            window,
            acute: day.acute,
            chronic: day.chronic,
            acute_lambda: settings.acute_lambda(),
            chronic_lambda: settings.chronic_lambda(),
            ewma_start: None,
            weekly_load: day.weekly_load,
            mean_load: Some(mean),
            sd_load: sd,
            sd_convention: settings.sd_convention,
            monotony_capped: day.monotony_capped,
            explanation,
        },
    }
}

#[cfg(test)]
mod tests;
