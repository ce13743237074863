//! "What works for me": which logged or measured inputs go with an athlete's good and bad
//! days and sessions, in that athlete's own history — only what the data supports, each
//! finding with the observations behind it.
//!
//! The method (docs/insights.md explains it for athletes and coaches):
//!
//! - A fixed, documented list of (input, outcome, lag) pairs is tested ([`pairs`]); nothing is
//!   searched beyond it.
//! - For each pair the observations are collected from the window (today − `window_days`,
//!   today]: one per session for session outcomes (a day-level input counts once for each
//!   session of that day), one per day for readiness. Non-finite values are skipped.
//! - A pair with observations but fewer than `min_observations`, or spanning fewer than
//!   `min_history_days` days, is [`Waiting`]. A pair whose input or outcome never varies is not
//!   tested.
//! - Each tested pair gets Pearson's r, a Fisher-z confidence interval and a two-sided
//!   Student-t p-value; Benjamini–Hochberg q-values are computed over every pair tested for the
//!   athlete, and a pair with q ≤ `false_discovery_rate` is a [`Finding`]. Its effect is the
//!   least-squares slope times the input's interquartile range, with a t-based interval.
//! - Derived values: HRV and resting HR against the mean of the previous `baseline_days` days
//!   (at least 7 of them measured); EF against the median EF of the same sport family over the
//!   previous 42 days (at least 3 sessions); RPE against the athlete's mean for the same sport
//!   and duration bucket over the window (at least 3 sessions); previous load over the 3 days
//!   before (days without a record count as 0, but only once the record starts 3 days
//!   earlier); days since the last day at or above the `hard_day_percentile` of non-zero daily
//!   loads, counted from the day before (capped at 14).
//! - When a date or an activity appears twice in the input, the later entry wins.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::activity::Sport;
use super::validation::{Checks, ValidationError};

mod stats;

/// Fewest earlier days with a value for an HRV or resting-HR baseline.
const MIN_BASELINE_VALUES: usize = 7;
/// Days before a session whose same-family sessions give its reference EF.
const EF_REFERENCE_DAYS: u64 = 42;
/// Fewest earlier sessions for a reference EF.
const MIN_EF_REFERENCE: usize = 3;
/// Fewest sessions in a sport and duration bucket for a usual RPE.
const MIN_RPE_BUCKET: usize = 3;
/// Days summed for the previous load.
const PREVIOUS_LOAD_DAYS: u64 = 3;
/// Days since the last hard day are counted up to this.
const DAYS_SINCE_HARD_CAP: i64 = 14;
/// The longest session in the shortest RPE bucket, s (45 min).
const SHORT_SESSION_S: i64 = 45 * 60;
/// The longest session in the middle RPE bucket, s (90 min).
const MEDIUM_SESSION_S: i64 = 90 * 60;

text_enum! {
    /// What the athlete logged or the devices measured, tested as a possible influence.
    #[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
    pub enum InsightInput {
        /// Carbohydrate logged before the session, g.
        PreSessionCarbs => "pre_session_carbs",
        /// Carbohydrate logged during the session, g per hour of the session.
        CarbsDuring => "carbs_during",
        /// Caffeine logged before the session, mg.
        PreSessionCaffeine => "pre_session_caffeine",
        /// Sleep in the night ending on the day, hours.
        SleepDuration => "sleep_duration",
        /// HRV as % above or below the mean of the previous `baseline_days` days with HRV.
        HrvVsBaseline => "hrv_vs_baseline",
        /// Resting HR minus the mean of the previous `baseline_days` days with it, bpm.
        RestingHrVsBaseline => "resting_hr_vs_baseline",
        /// Sum of daily load over the 3 days before.
        PreviousLoad => "previous_load",
        /// The day before's 7-day monotony.
        Monotony => "monotony",
        /// Days since the last hard day (capped at 14).
        DaysSinceHard => "days_since_hard",
        /// Life and work stress rating of the day, 1–10.
        WorkStress => "work_stress",
        /// Whether the athlete travelled that day (0 or 1).
        Travel => "travel",
        /// Whether the athlete was ill that day (0 or 1).
        Illness => "illness",
    }
}

text_enum! {
    /// What an input may go with.
    #[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
    pub enum InsightOutcome {
        /// Session EF as % above or below the median EF of the same sport family's sessions in
        /// the previous 42 days.
        EfficiencyFactor => "efficiency_factor",
        /// Aerobic decoupling of a steady session, %.
        AerobicDecoupling => "aerobic_decoupling",
        /// Session RPE minus the athlete's mean RPE for the same sport and duration bucket.
        RpeForSessionType => "rpe_for_session_type",
        /// Self-rated readiness, 1–10, on the morning `lag_days` after the input's day.
        NextMorningReadiness => "next_morning_readiness",
    }
}

impl InsightInput {
    /// Whether the input belongs to a session rather than to a day.
    fn is_session_level(self) -> bool {
        matches!(
            self,
            Self::PreSessionCarbs | Self::CarbsDuring | Self::PreSessionCaffeine
        )
    }

    /// Whether the input is a yes/no flag (0 or 1).
    fn is_flag(self) -> bool {
        matches!(self, Self::Travel | Self::Illness)
    }

    /// The unit reported with the input's values.
    fn unit(self) -> &'static str {
        match self {
            Self::PreSessionCarbs => "g",
            Self::CarbsDuring => "g/h",
            Self::PreSessionCaffeine => "mg",
            Self::SleepDuration => "h",
            Self::HrvVsBaseline => "% vs baseline",
            Self::RestingHrVsBaseline => "bpm vs baseline",
            Self::PreviousLoad => "load",
            Self::Monotony => "monotony",
            Self::DaysSinceHard => "days",
            Self::WorkStress => "rating 1–10",
            Self::Travel | Self::Illness => "yes/no",
        }
    }

    /// "More of the input", in words.
    fn more_of(self) -> &'static str {
        match self {
            Self::PreSessionCarbs => "more carbohydrate before the session",
            Self::CarbsDuring => "more carbohydrate per hour during the session",
            Self::PreSessionCaffeine => "more caffeine before the session",
            Self::SleepDuration => "more sleep",
            Self::HrvVsBaseline => "a higher HRV against your baseline",
            Self::RestingHrVsBaseline => "a higher resting heart rate against your baseline",
            Self::PreviousLoad => "more training load in the 3 days before",
            Self::Monotony => "a more monotonous week before",
            Self::DaysSinceHard => "more days since your last hard day",
            Self::WorkStress => "a higher work and life stress rating",
            Self::Travel => "travel",
            Self::Illness => "illness",
        }
    }

    /// One value of the input, in words.
    fn level(self, value: f64) -> String {
        let v = format_amount(value);
        match self {
            Self::PreSessionCarbs => format!("{v} g"),
            Self::CarbsDuring => format!("{v} g per hour"),
            Self::PreSessionCaffeine => format!("{v} mg"),
            Self::SleepDuration => format!("{v} h of sleep"),
            Self::HrvVsBaseline => format!("{}% against your baseline", format_signed(value, 0)),
            Self::RestingHrVsBaseline => {
                format!("{} bpm against your baseline", format_signed(value, 1))
            }
            Self::PreviousLoad => format!("a 3-day load of {v}"),
            Self::Monotony => format!("a monotony of {v}"),
            Self::DaysSinceHard => format!("{v} days"),
            Self::WorkStress => format!("a rating of {v}"),
            Self::Travel | Self::Illness => v,
        }
    }
}

impl InsightOutcome {
    /// Whether the outcome belongs to a session rather than to a day.
    fn is_session_level(self) -> bool {
        !matches!(self, Self::NextMorningReadiness)
    }

    /// The unit of the outcome and of a finding's effect.
    fn unit(self) -> &'static str {
        match self {
            Self::EfficiencyFactor => "% vs recent median",
            Self::AerobicDecoupling => "%",
            Self::RpeForSessionType => "RPE points vs usual",
            Self::NextMorningReadiness => "readiness points",
        }
    }

    /// The outcome, in words, after "higher" or "lower".
    fn described(self, lag_days: i64) -> &'static str {
        match (self, lag_days) {
            (Self::EfficiencyFactor, _) => "efficiency factor",
            (Self::AerobicDecoupling, _) => "aerobic decoupling",
            (Self::RpeForSessionType, _) => "RPE than usual for that kind of session",
            (Self::NextMorningReadiness, 0) => "readiness that morning",
            (Self::NextMorningReadiness, _) => "readiness the next morning",
        }
    }

    /// The effect with its unit, e.g. "+2.1%" or "-0.4 readiness points".
    fn effect_text(self, formatted: &str) -> String {
        match self {
            Self::EfficiencyFactor => format!("{formatted}%"),
            Self::AerobicDecoupling => format!("{formatted} percentage points"),
            Self::RpeForSessionType => format!("{formatted} RPE points"),
            Self::NextMorningReadiness => format!("{formatted} readiness points"),
        }
    }
}

/// How insights are found. Stored as JSON; missing keys take their defaults.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct InsightSettings {
    /// Fewest observations for a pair to be tested (default 20).
    pub min_observations: usize,
    /// Fewest days between a pair's first and last observation (default 42).
    pub min_history_days: i64,
    /// Benjamini–Hochberg false discovery rate a finding's q-value must meet (default 0.10).
    pub false_discovery_rate: f64,
    /// Level of the confidence intervals (default 0.95).
    pub confidence: f64,
    /// Days before a day whose HRV and resting HR form its baseline (default 28).
    pub baseline_days: i64,
    /// Percentile of the non-zero daily loads at or above which a day is hard (default 0.8).
    pub hard_day_percentile: f64,
    /// Only data in (today − window_days, today] is used (default 365).
    pub window_days: i64,
}

impl Default for InsightSettings {
    fn default() -> Self {
        Self {
            min_observations: 20,
            min_history_days: 42,
            false_discovery_rate: 0.10,
            confidence: 0.95,
            baseline_days: 28,
            hard_day_percentile: 0.8,
            window_days: 365,
        }
    }
}

impl InsightSettings {
    /// Rejects settings that make no sense, naming each field.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut checks = Checks::new();
        checks.int_range(
            "minObservations",
            Some(i64::try_from(self.min_observations).unwrap_or(i64::MAX)),
            5,
            10_000,
            "observations",
        );
        checks.int_range(
            "minHistoryDays",
            Some(self.min_history_days),
            0,
            3_650,
            "days",
        );
        checks.float_range(
            "falseDiscoveryRate",
            Some(self.false_discovery_rate),
            0.001,
            0.5,
            "",
        );
        checks.float_range("confidence", Some(self.confidence), 0.5, 0.999, "");
        checks.int_range("baselineDays", Some(self.baseline_days), 7, 365, "days");
        checks.float_range(
            "hardDayPercentile",
            Some(self.hard_day_percentile),
            0.5,
            0.99,
            "",
        );
        checks.int_range("windowDays", Some(self.window_days), 14, 3_650, "days");
        if (0..=3_650).contains(&self.min_history_days) && self.window_days <= self.min_history_days
        {
            checks.fail(
                "windowDays",
                format!(
                    "the window ({} days) must be longer than the minimum history ({} days), \
                     or nothing could ever be found",
                    self.window_days, self.min_history_days
                ),
            );
        }
        checks.finish()
    }
}

/// One day of an athlete's record, as insights read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayRecord {
    /// The athlete's local calendar day.
    pub date: NaiveDate,
    /// Sleep in the night ending on this day, minutes.
    pub sleep_duration_min: Option<f64>,
    /// Morning HRV, ms.
    pub hrv_ms: Option<f64>,
    /// Resting heart rate, bpm.
    pub resting_hr: Option<f64>,
    /// Self-rated readiness, 1–10.
    pub readiness: Option<f64>,
    /// Self-rated life and work stress, 1–10.
    pub work_stress: Option<f64>,
    /// Whether the athlete logged travel.
    pub travel: Option<bool>,
    /// Whether the athlete logged illness.
    pub illness: Option<bool>,
    /// The day's total training load (0 on a rest day).
    pub load: f64,
    /// Monotony of the 7 days ending on this day.
    pub monotony: Option<f64>,
}

/// One session, as insights read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionRecord {
    /// The activity.
    pub activity_id: Uuid,
    /// The athlete's local day it started on.
    pub date: NaiveDate,
    /// The sport.
    pub sport: Sport,
    /// Elapsed time, s.
    pub duration_s: i64,
    /// Session RPE, 1–10.
    pub rpe: Option<f64>,
    /// Efficiency factor: mean speed (m/min) ÷ mean HR.
    pub efficiency_factor: Option<f64>,
    /// Aerobic decoupling, %; `Some` only for sessions steady enough for it to mean something.
    pub decoupling_pct: Option<f64>,
    /// Carbohydrate logged before the session, g.
    pub carbs_before_g: Option<f64>,
    /// Carbohydrate logged during the session, g in total.
    pub carbs_during_g: Option<f64>,
    /// Caffeine logged before the session, mg.
    pub caffeine_mg: Option<f64>,
}

/// One tested pair: an input, an outcome, and the days from the input to the outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
pub struct PairSpec {
    /// The possible influence.
    pub input: InsightInput,
    /// What it may go with.
    pub outcome: InsightOutcome,
    /// Days from the input's day to the outcome's (0: the same day or session).
    pub lag_days: i64,
}

const fn pair(input: InsightInput, outcome: InsightOutcome, lag_days: i64) -> PairSpec {
    PairSpec {
        input,
        outcome,
        lag_days,
    }
}

use InsightInput as In;
use InsightOutcome as Out;

/// The pairs tested, in the order they are reported.
static PAIRS: [PairSpec; 30] = [
    pair(In::PreSessionCarbs, Out::EfficiencyFactor, 0),
    pair(In::PreSessionCarbs, Out::AerobicDecoupling, 0),
    pair(In::PreSessionCarbs, Out::RpeForSessionType, 0),
    pair(In::CarbsDuring, Out::EfficiencyFactor, 0),
    pair(In::CarbsDuring, Out::AerobicDecoupling, 0),
    pair(In::CarbsDuring, Out::RpeForSessionType, 0),
    pair(In::PreSessionCaffeine, Out::EfficiencyFactor, 0),
    pair(In::PreSessionCaffeine, Out::AerobicDecoupling, 0),
    pair(In::PreSessionCaffeine, Out::RpeForSessionType, 0),
    pair(In::SleepDuration, Out::EfficiencyFactor, 0),
    pair(In::SleepDuration, Out::RpeForSessionType, 0),
    pair(In::SleepDuration, Out::NextMorningReadiness, 0),
    pair(In::HrvVsBaseline, Out::EfficiencyFactor, 0),
    pair(In::HrvVsBaseline, Out::RpeForSessionType, 0),
    pair(In::HrvVsBaseline, Out::NextMorningReadiness, 0),
    pair(In::RestingHrVsBaseline, Out::EfficiencyFactor, 0),
    pair(In::RestingHrVsBaseline, Out::RpeForSessionType, 0),
    pair(In::RestingHrVsBaseline, Out::NextMorningReadiness, 0),
    pair(In::PreviousLoad, Out::EfficiencyFactor, 0),
    pair(In::PreviousLoad, Out::AerobicDecoupling, 0),
    pair(In::PreviousLoad, Out::RpeForSessionType, 0),
    pair(In::DaysSinceHard, Out::EfficiencyFactor, 0),
    pair(In::DaysSinceHard, Out::AerobicDecoupling, 0),
    pair(In::DaysSinceHard, Out::RpeForSessionType, 0),
    pair(In::PreviousLoad, Out::NextMorningReadiness, 0),
    pair(In::Monotony, Out::NextMorningReadiness, 0),
    pair(In::WorkStress, Out::NextMorningReadiness, 1),
    pair(In::Travel, Out::NextMorningReadiness, 1),
    pair(In::Illness, Out::NextMorningReadiness, 1),
    pair(In::WorkStress, Out::RpeForSessionType, 0),
];

/// Every pair tested, with its lag (see docs/insights.md for what each means).
pub fn pairs() -> &'static [PairSpec] {
    &PAIRS
}

/// One observation behind a result: the input's day (and session), the input and the outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
pub struct Receipt {
    /// The day of the input (the outcome is `lag_days` later).
    pub date: NaiveDate,
    /// The session, for session outcomes.
    pub activity_id: Option<Uuid>,
    /// The input's value, in the input's unit.
    pub input: f64,
    /// The outcome's value, in the outcome's unit.
    pub outcome: f64,
}

/// The statistics of one tested pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
pub struct PairResult {
    /// The possible influence.
    pub input: InsightInput,
    /// What it may go with.
    pub outcome: InsightOutcome,
    /// Days from the input to the outcome.
    pub lag_days: i64,
    /// Observations.
    pub n: u32,
    /// Days between the first and the last observation.
    pub history_days: i64,
    /// Pearson's correlation.
    pub r: f64,
    /// Lower end of r's confidence interval (Fisher z).
    pub r_low: f64,
    /// Upper end of r's confidence interval.
    pub r_high: f64,
    /// Two-sided p-value of r against no correlation.
    pub p_value: f64,
    /// Benjamini–Hochberg q-value over every pair tested for the athlete.
    pub q_value: f64,
}

/// A pair the data supports, with its size in the athlete's units and its receipts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
pub struct Finding {
    /// The possible influence.
    pub input: InsightInput,
    /// What it goes with.
    pub outcome: InsightOutcome,
    /// Days from the input to the outcome.
    pub lag_days: i64,
    /// Observations.
    pub n: u32,
    /// Pearson's correlation.
    pub r: f64,
    /// Lower end of r's confidence interval.
    pub r_low: f64,
    /// Upper end of r's confidence interval.
    pub r_high: f64,
    /// Two-sided p-value.
    pub p_value: f64,
    /// Benjamini–Hochberg q-value.
    pub q_value: f64,
    /// A typical low input: its 25th percentile (0 for a flag; the minimum if it equals the
    /// 75th).
    pub input_low: f64,
    /// A typical high input: its 75th percentile (1 for a flag; the maximum if it equals the
    /// 25th).
    pub input_high: f64,
    /// Least-squares change in the outcome from `input_low` to `input_high`.
    pub effect: f64,
    /// Lower end of the effect's confidence interval (t-based).
    pub effect_low: f64,
    /// Upper end of the effect's confidence interval.
    pub effect_high: f64,
    /// The input's unit.
    pub input_unit: String,
    /// The outcome's (and the effect's) unit.
    pub outcome_unit: String,
    /// The finding in one or two sentences.
    pub summary: String,
    /// Every observation behind it, in date order.
    pub receipts: Vec<Receipt>,
}

/// A pair with some observations, but too few (or over too short a history) to test yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
pub struct Waiting {
    /// The possible influence.
    pub input: InsightInput,
    /// What it may go with.
    pub outcome: InsightOutcome,
    /// Observations so far.
    pub n: u32,
    /// More observations needed (at least 1 while the history is too short).
    pub needed: u32,
}

/// Everything insights found for one athlete.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
pub struct Insights {
    /// The day the window ends on.
    pub today: NaiveDate,
    /// Pairs the data supports, lowest q-value first (then strongest correlation).
    pub findings: Vec<Finding>,
    /// Every pair tested, findings included, in the order of [`pairs`].
    pub tested: Vec<PairResult>,
    /// Pairs waiting for more data, in the order of [`pairs`].
    pub waiting: Vec<Waiting>,
}

/// Finds what, in the athlete's own history, goes with good and bad days and sessions. Inputs
/// may come in any order, with gaps; nothing here panics on empty, constant or non-finite data.
pub fn find_insights(
    days: &[DayRecord],
    sessions: &[SessionRecord],
    today: NaiveDate,
    settings: &InsightSettings,
) -> Insights {
    let start = window_start(today, settings.window_days);
    let in_window = |date: NaiveDate| date <= today && start.is_none_or(|s| date > s);
    let history = History::new(days, &in_window, settings);
    let sessions = SessionOutcomes::new(sessions, &in_window);

    let mut candidates = Vec::new();
    let mut waiting = Vec::new();
    for spec in pairs() {
        let observations = observations(spec, &history, &sessions);
        let (Some(first), Some(last)) = (observations.first(), observations.last()) else {
            continue;
        };
        let n = observations.len();
        let history_days = (last.date - first.date).num_days();
        let long_enough = history_days >= settings.min_history_days;
        if n < settings.min_observations || !long_enough {
            let short_by = settings.min_observations.saturating_sub(n);
            let needed = if long_enough {
                short_by
            } else {
                short_by.max(1)
            };
            waiting.push(Waiting {
                input: spec.input,
                outcome: spec.outcome,
                n: count(n),
                needed: count(needed),
            });
            continue;
        }
        let (xs, ys) = split(&observations);
        let Some(r) = stats::pearson(&xs, &ys) else {
            continue;
        };
        let (r_low, r_high) = stats::fisher_interval(r, n, settings.confidence);
        candidates.push((
            PairResult {
                input: spec.input,
                outcome: spec.outcome,
                lag_days: spec.lag_days,
                n: count(n),
                history_days,
                r,
                r_low,
                r_high,
                p_value: stats::correlation_p_value(r, n),
                q_value: 1.0,
            },
            observations,
        ));
    }

    let p_values: Vec<f64> = candidates
        .iter()
        .map(|(result, _)| result.p_value)
        .collect();
    for ((result, _), q) in candidates
        .iter_mut()
        .zip(stats::benjamini_hochberg(&p_values))
    {
        result.q_value = q;
    }
    let mut findings: Vec<Finding> = candidates
        .iter()
        .filter(|(result, _)| result.q_value <= settings.false_discovery_rate)
        .filter_map(|(result, observations)| finding(result, observations, settings))
        .collect();
    findings.sort_by(|a, b| {
        a.q_value
            .total_cmp(&b.q_value)
            .then(b.r.abs().total_cmp(&a.r.abs()))
    });
    Insights {
        today,
        findings,
        tested: candidates.into_iter().map(|(result, _)| result).collect(),
        waiting,
    }
}

/// The exclusive start of the window; `None` when it reaches before the calendar.
fn window_start(today: NaiveDate, window_days: i64) -> Option<NaiveDate> {
    if window_days <= 0 {
        return Some(today);
    }
    today.checked_sub_days(Days::new(u64::try_from(window_days).unwrap_or(u64::MAX)))
}

/// A count as the API's u32.
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The value when it is finite.
fn finite(value: Option<f64>) -> Option<f64> {
    value.filter(|v| v.is_finite())
}

/// The value when it is finite and not negative (amounts logged).
fn amount(value: Option<f64>) -> Option<f64> {
    finite(value).filter(|v| *v >= 0.0)
}

/// 1 for yes, 0 for no.
fn flag(value: bool) -> f64 {
    if value { 1.0 } else { 0.0 }
}

/// The day `days` before `date`.
fn days_before(date: NaiveDate, days: u64) -> Option<NaiveDate> {
    date.checked_sub_days(Days::new(days))
}

/// A day's load, non-finite or negative values counted as 0.
fn load_of(day: &DayRecord) -> f64 {
    if day.load.is_finite() && day.load > 0.0 {
        day.load
    } else {
        0.0
    }
}

/// The day records in the window and what is derived from them.
struct History<'a> {
    days: BTreeMap<NaiveDate, &'a DayRecord>,
    hard_days: BTreeSet<NaiveDate>,
    baseline_days: u64,
}

impl<'a> History<'a> {
    fn new(
        records: &'a [DayRecord],
        in_window: &dyn Fn(NaiveDate) -> bool,
        settings: &InsightSettings,
    ) -> Self {
        let days: BTreeMap<NaiveDate, &DayRecord> = records
            .iter()
            .filter(|d| in_window(d.date))
            .map(|d| (d.date, d))
            .collect();
        let mut loads: Vec<f64> = days
            .values()
            .map(|d| load_of(d))
            .filter(|l| *l > 0.0)
            .collect();
        loads.sort_by(f64::total_cmp);
        let hard_days = match stats::quantile_sorted(&loads, settings.hard_day_percentile) {
            Some(threshold) => days
                .values()
                .filter(|d| load_of(d) > 0.0 && load_of(d) >= threshold)
                .map(|d| d.date)
                .collect(),
            None => BTreeSet::new(),
        };
        Self {
            days,
            hard_days,
            baseline_days: u64::try_from(settings.baseline_days).unwrap_or(0),
        }
    }

    fn record(&self, date: NaiveDate) -> Option<&'a DayRecord> {
        self.days.get(&date).copied()
    }

    /// Mean of `value` over the previous `baseline_days` days that have it (at least 7).
    fn baseline(&self, date: NaiveDate, value: fn(&DayRecord) -> Option<f64>) -> Option<f64> {
        let start = days_before(date, self.baseline_days)?;
        let values: Vec<f64> = self
            .days
            .range(start..date)
            .filter_map(|(_, d)| finite(value(d)))
            .collect();
        if values.len() < MIN_BASELINE_VALUES {
            return None;
        }
        stats::mean(&values)
    }

    /// A day-level input on `date`.
    fn input(&self, input: InsightInput, date: NaiveDate) -> Option<f64> {
        match input {
            In::SleepDuration => amount(self.record(date)?.sleep_duration_min).map(|m| m / 60.0),
            In::HrvVsBaseline => {
                let hrv = finite(self.record(date)?.hrv_ms)?;
                let baseline = self.baseline(date, |d| d.hrv_ms)?;
                (baseline > 0.0).then(|| (hrv / baseline - 1.0) * 100.0)
            }
            In::RestingHrVsBaseline => {
                let resting = finite(self.record(date)?.resting_hr)?;
                Some(resting - self.baseline(date, |d| d.resting_hr)?)
            }
            In::PreviousLoad => {
                let start = days_before(date, PREVIOUS_LOAD_DAYS)?;
                // Before the record starts, missing days are unknown rather than rest.
                let (first, _) = self.days.first_key_value()?;
                (*first <= start)
                    .then(|| self.days.range(start..date).map(|(_, d)| load_of(d)).sum())
            }
            In::Monotony => finite(self.record(days_before(date, 1)?)?.monotony),
            In::DaysSinceHard => {
                let last_hard = self.hard_days.range(..date).next_back()?;
                Some((date - *last_hard).num_days().min(DAYS_SINCE_HARD_CAP) as f64)
            }
            In::WorkStress => finite(self.record(date)?.work_stress),
            In::Travel => self.record(date)?.travel.map(flag),
            In::Illness => self.record(date)?.illness.map(flag),
            In::PreSessionCarbs | In::CarbsDuring | In::PreSessionCaffeine => None,
        }
    }

    fn readiness(&self, date: NaiveDate) -> Option<f64> {
        finite(self.record(date)?.readiness)
    }
}

/// Groups of sports whose EF is compared with each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum SportFamily {
    Running,
    Cycling,
    Single(Sport),
}

impl SportFamily {
    fn of(sport: Sport) -> Self {
        match sport {
            Sport::Run | Sport::TrailRun => Self::Running,
            Sport::Ride | Sport::VirtualRide | Sport::MountainBikeRide => Self::Cycling,
            other => Self::Single(other),
        }
    }
}

/// A session in the window with its derived outcomes.
struct SessionView<'a> {
    record: &'a SessionRecord,
    relative_ef: Option<f64>,
    relative_rpe: Option<f64>,
}

/// The sessions in the window, in date order.
struct SessionOutcomes<'a> {
    sessions: Vec<SessionView<'a>>,
}

impl<'a> SessionOutcomes<'a> {
    fn new(records: &'a [SessionRecord], in_window: &dyn Fn(NaiveDate) -> bool) -> Self {
        let unique: BTreeMap<Uuid, &SessionRecord> = records
            .iter()
            .filter(|s| in_window(s.date))
            .map(|s| (s.activity_id, s))
            .collect();
        let mut records: Vec<&SessionRecord> = unique.into_values().collect();
        records.sort_by_key(|s| (s.date, s.activity_id));

        let mut efs: BTreeMap<SportFamily, Vec<(NaiveDate, f64)>> = BTreeMap::new();
        let mut rpes: BTreeMap<(Sport, u8), Vec<f64>> = BTreeMap::new();
        for s in &records {
            if let Some(ef) = finite(s.efficiency_factor).filter(|ef| *ef > 0.0) {
                efs.entry(SportFamily::of(s.sport))
                    .or_default()
                    .push((s.date, ef));
            }
            if let Some(rpe) = finite(s.rpe) {
                rpes.entry((s.sport, duration_bucket(s.duration_s)))
                    .or_default()
                    .push(rpe);
            }
        }
        let usual_rpe: BTreeMap<(Sport, u8), f64> = rpes
            .into_iter()
            .filter(|(_, v)| v.len() >= MIN_RPE_BUCKET)
            .filter_map(|(key, v)| Some((key, stats::mean(&v)?)))
            .collect();

        let sessions = records
            .into_iter()
            .map(|record| {
                let relative_ef = finite(record.efficiency_factor)
                    .filter(|ef| *ef > 0.0)
                    .and_then(|ef| {
                        let earlier = efs.get(&SportFamily::of(record.sport))?;
                        let from = days_before(record.date, EF_REFERENCE_DAYS)?;
                        let lo = earlier.partition_point(|(d, _)| *d < from);
                        let hi = earlier.partition_point(|(d, _)| *d < record.date);
                        let reference: Vec<f64> =
                            earlier.get(lo..hi)?.iter().map(|(_, ef)| *ef).collect();
                        if reference.len() < MIN_EF_REFERENCE {
                            return None;
                        }
                        let median = stats::median(&reference)?;
                        Some((ef / median - 1.0) * 100.0)
                    });
                let relative_rpe = finite(record.rpe).and_then(|rpe| {
                    let usual =
                        usual_rpe.get(&(record.sport, duration_bucket(record.duration_s)))?;
                    Some(rpe - usual)
                });
                SessionView {
                    record,
                    relative_ef,
                    relative_rpe,
                }
            })
            .collect();
        Self { sessions }
    }
}

/// 0 under 45 minutes, 1 from 45 to 90, 2 over 90.
fn duration_bucket(duration_s: i64) -> u8 {
    if duration_s < SHORT_SESSION_S {
        0
    } else if duration_s <= MEDIUM_SESSION_S {
        1
    } else {
        2
    }
}

/// A session-level input.
fn session_input(input: InsightInput, session: &SessionRecord) -> Option<f64> {
    match input {
        In::PreSessionCarbs => amount(session.carbs_before_g),
        In::CarbsDuring => {
            let grams = amount(session.carbs_during_g)?;
            (session.duration_s > 0).then(|| grams / (session.duration_s as f64 / 3_600.0))
        }
        In::PreSessionCaffeine => amount(session.caffeine_mg),
        _ => None,
    }
}

/// A session-level outcome.
fn session_outcome(outcome: InsightOutcome, session: &SessionView<'_>) -> Option<f64> {
    match outcome {
        Out::EfficiencyFactor => session.relative_ef,
        Out::AerobicDecoupling => finite(session.record.decoupling_pct),
        Out::RpeForSessionType => session.relative_rpe,
        Out::NextMorningReadiness => None,
    }
}

/// One paired value, with where it came from.
struct Observation {
    date: NaiveDate,
    activity_id: Option<Uuid>,
    family: Option<SportFamily>,
    input: f64,
    outcome: f64,
}

/// The observations of one pair, in date order.
fn observations(
    spec: &PairSpec,
    history: &History<'_>,
    sessions: &SessionOutcomes<'_>,
) -> Vec<Observation> {
    if spec.outcome.is_session_level() {
        sessions
            .sessions
            .iter()
            .filter_map(|session| {
                let record = session.record;
                let outcome = session_outcome(spec.outcome, session)?;
                let input = if spec.input.is_session_level() {
                    session_input(spec.input, record)?
                } else {
                    history.input(spec.input, record.date)?
                };
                Some(Observation {
                    date: record.date,
                    activity_id: Some(record.activity_id),
                    family: Some(SportFamily::of(record.sport)),
                    input,
                    outcome,
                })
            })
            .collect()
    } else if spec.input.is_session_level() {
        Vec::new()
    } else {
        let lag = u64::try_from(spec.lag_days).unwrap_or(0);
        history
            .days
            .keys()
            .filter_map(|&date| {
                let input = history.input(spec.input, date)?;
                let outcome = history.readiness(date.checked_add_days(Days::new(lag))?)?;
                Some(Observation {
                    date,
                    activity_id: None,
                    family: None,
                    input,
                    outcome,
                })
            })
            .collect()
    }
}

/// Inputs and outcomes as two columns.
fn split(observations: &[Observation]) -> (Vec<f64>, Vec<f64>) {
    observations.iter().map(|o| (o.input, o.outcome)).unzip()
}

/// The finding for a pair that passed the q-value threshold.
fn finding(
    result: &PairResult,
    observations: &[Observation],
    settings: &InsightSettings,
) -> Option<Finding> {
    let (xs, ys) = split(observations);
    let line = stats::least_squares(&xs, &ys)?;
    let (input_low, input_high) = if result.input.is_flag() {
        (0.0, 1.0)
    } else {
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        let low = stats::quantile_sorted(&sorted, 0.25)?;
        let high = stats::quantile_sorted(&sorted, 0.75)?;
        if high > low {
            (low, high)
        } else {
            (*sorted.first()?, *sorted.last()?)
        }
    };
    let span = input_high - input_low;
    let df = (observations.len() as f64 - 2.0).max(1.0);
    let t = stats::student_t_quantile(0.5 + 0.5 * settings.confidence, df);
    let effect = line.slope * span;
    let effect_low = (line.slope - t * line.slope_se) * span;
    let effect_high = (line.slope + t * line.slope_se) * span;
    let summary = summary(
        result,
        observations,
        (input_low, input_high),
        (effect, effect_low, effect_high),
        settings.confidence,
    );
    Some(Finding {
        input: result.input,
        outcome: result.outcome,
        lag_days: result.lag_days,
        n: result.n,
        r: result.r,
        r_low: result.r_low,
        r_high: result.r_high,
        p_value: result.p_value,
        q_value: result.q_value,
        input_low,
        input_high,
        effect,
        effect_low,
        effect_high,
        input_unit: result.input.unit().to_owned(),
        outcome_unit: result.outcome.unit().to_owned(),
        summary,
        receipts: observations
            .iter()
            .map(|o| Receipt {
                date: o.date,
                activity_id: o.activity_id,
                input: o.input,
                outcome: o.outcome,
            })
            .collect(),
    })
}

/// "On 34 runs and rides, more carbohydrate before the session went with a higher efficiency
/// factor: +2.1% (95% CI +0.8 to +3.4) from 20 g to 60 g. An association in your own
/// history, not proof of cause."
fn summary(
    result: &PairResult,
    observations: &[Observation],
    (input_low, input_high): (f64, f64),
    (effect, effect_low, effect_high): (f64, f64, f64),
    confidence: f64,
) -> String {
    let what = if result.outcome.is_session_level() {
        sessions_noun(observations)
    } else {
        "days"
    };
    let direction = match (result.outcome, effect >= 0.0) {
        (Out::AerobicDecoupling, true) => "more",
        (Out::AerobicDecoupling, false) => "less",
        (_, true) => "a higher",
        (_, false) => "a lower",
    };
    let largest = effect.abs().max(effect_low.abs()).max(effect_high.abs());
    let decimals = if largest < 1.0 { 2 } else { 1 };
    let range = if result.input.is_flag() {
        format!("with {} versus without", result.input.more_of())
    } else {
        format!(
            "from {} to {}",
            result.input.level(input_low),
            result.input.level(input_high)
        )
    };
    format!(
        "On {n} {what}, {input} went with {direction} {outcome}: {effect} ({level} CI {low} to \
         {high}) {range}. An association in your own history, not proof of cause.",
        n = result.n,
        input = result.input.more_of(),
        outcome = result.outcome.described(result.lag_days),
        effect = result.outcome.effect_text(&format_signed(effect, decimals)),
        level = format_percent(confidence),
        low = format_signed(effect_low, decimals),
        high = format_signed(effect_high, decimals),
    )
}

/// "runs", "rides", "runs and rides", or "sessions".
fn sessions_noun(observations: &[Observation]) -> &'static str {
    let families: BTreeSet<SportFamily> = observations.iter().filter_map(|o| o.family).collect();
    let running = families.contains(&SportFamily::Running);
    let cycling = families.contains(&SportFamily::Cycling);
    match (running, cycling, families.len()) {
        (true, false, 1) => "runs",
        (false, true, 1) => "rides",
        (true, true, 2) => "runs and rides",
        _ => "sessions",
    }
}

/// A value with an explicit sign.
fn format_signed(value: f64, decimals: usize) -> String {
    let text = format!("{value:+.decimals$}");
    // "-0.0" reads as a direction the data does not have.
    if text
        .trim_start_matches(['+', '-'])
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        format!("{:.decimals$}", 0.0)
    } else {
        text
    }
}

/// An amount, whole above 10 and with one decimal below.
fn format_amount(value: f64) -> String {
    if value.abs() >= 10.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

/// 0.95 → "95%", 0.975 → "97.5%".
fn format_percent(fraction: f64) -> String {
    let percent = fraction * 100.0;
    if (percent - percent.round()).abs() < 1e-9 {
        format!("{percent:.0}%")
    } else {
        format!("{percent:.1}%")
    }
}

#[cfg(test)]
mod tests;
