//! Deterministic training plans toward a goal race, and their regeneration.
//!
//! **Calendar.** Weeks are counted back from race day: the last week ends on the race, each
//! earlier week ends seven days before the next, and the first week starts on the plan's start
//! date (so it may be shorter than seven days; it then gets a share of its target proportional
//! to its days). Every day from the start to the race has exactly one entry: a workout, or
//! `Rest` (unavailable days are always rest).
//!
//! **Phases.** Base → build → peak → taper. The taper lasts 1 week up to 10 km, 2 weeks up to
//! 30 km (half marathon) and 3 weeks beyond (marathon and ultra), but never more than a third
//! of the plan. The rest is split roughly 40 / 40 / 20 between base, build and peak; short plans
//! drop the peak first (under 4 weeks) and then the base (1 week left: build only).
//!
//! **Volume** is running minutes per week. The first week starts from the athlete's current
//! chronic load: weekly AU = 7 × chronic, divided by an assumed average session RPE (4) to give
//! minutes, times `volume_scale`, floored at `min_weekly_minutes`. Non-deload weeks rise by at
//! most `max_weekly_increase` over the *last non-deload week* (so the week after a deload is
//! capped against the week before it) toward a peak that depends on the distance
//! ([`peak_weekly_minutes`]). Every `deload_every_weeks`-th week outside the taper is a deload at
//! `deload_factor` of the last non-deload week. Taper week j of T runs at `1 − 0.5·j/T` of the
//! last non-deload pre-taper week, so race week is at half. Targets are whole minutes, rounded
//! down.
//!
//! **Workouts.** In priority order (the long run is protected): the race on race day with rest
//! the day before; the long run on `long_run_day`, or the nearest available day of that week
//! (ties go to the earlier day; none in race week); intervals and tempo in build and peak (one
//! in deload weeks and with 3 run days a week, a short tempo in the taper weeks before race
//! week), their days chosen together so that, when the week allows, neither is the day before
//! or after a long run (the previous week's included) nor beside the other; easy runs filling
//! `days_per_week` (the day after the long run is the last choice, and then a recovery run) —
//! but never more easy runs than the week's minutes can give 20 minutes each, so a low-volume
//! week gets fewer, longer runs; strength on a spare available day in base and build; rest on
//! every other day. Durations share the week's minutes by weight (long run 2.5, quality 1.2,
//! easy 1, recovery 0.7), the long run capped by distance ([`max_long_run_minutes`]) with the
//! excess shared by the other runs, rounded to 5 minutes, with minimums (long run 40, quality
//! 30, easy and recovery 20). Target distances come from the reference easy pace, for steady
//! runs only (long, easy, recovery at a 10 % slower pace), and the race.
//!
//! **Regeneration** ([`regenerate`]) keeps every workout dated before `from` and on the `keep`
//! dates verbatim, keeps the weeks that ended before `from`, and continues the volume
//! progression from them, so every invariant above still holds. Same inputs, same plan: there
//! is no randomness and no hash-ordered iteration.

mod calendar;
mod schedule;
#[cfg(test)]
mod tests;

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::validation::{Checks, ValidationError};

pub use calendar::{max_long_run_minutes, peak_weekly_minutes, taper_weeks};
use schedule::build;

text_enum! {
    /// A phase of a plan.
    #[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
    pub enum PhaseKind {
        /// Aerobic base: easy volume, strength, no hard sessions.
        Base => "base",
        /// Build: volume rises and threshold and interval work begins.
        Build => "build",
        /// Peak: the hardest, most race-specific weeks.
        Peak => "peak",
        /// Taper: volume falls so the athlete arrives fresh on race day.
        Taper => "taper",
    }
}

text_enum! {
    /// What a scheduled workout is. The text forms are stored in the database.
    #[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
    pub enum WorkoutKind {
        /// The week's long, easy run.
        LongRun => "long_run",
        /// Repeated hard efforts with recoveries.
        Intervals => "intervals",
        /// A sustained, comfortably hard run.
        Tempo => "tempo",
        /// An easy run.
        Easy => "easy",
        /// A very easy, short run.
        Recovery => "recovery",
        /// No training.
        Rest => "rest",
        /// Strength and conditioning.
        Strength => "strength",
        /// The goal race.
        Race => "race",
    }
}

impl WorkoutKind {
    /// Whether the workout is a run.
    pub fn is_run(self) -> bool {
        matches!(
            self,
            WorkoutKind::LongRun
                | WorkoutKind::Intervals
                | WorkoutKind::Tempo
                | WorkoutKind::Easy
                | WorkoutKind::Recovery
                | WorkoutKind::Race
        )
    }

    /// Whether the workout is a hard session (intervals or tempo).
    pub fn is_quality(self) -> bool {
        matches!(self, WorkoutKind::Intervals | WorkoutKind::Tempo)
    }

    /// Whether the workout is the week's big effort (long run or race).
    fn is_long(self) -> bool {
        matches!(self, WorkoutKind::LongRun | WorkoutKind::Race)
    }
}

/// When the athlete can train.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Availability {
    /// Run days per week, 3–7.
    pub days_per_week: u32,
    /// The preferred day of the long run.
    pub long_run_day: Weekday,
    /// Single days the athlete cannot train.
    pub unavailable_dates: Vec<NaiveDate>,
    /// Weekdays the athlete never trains.
    pub unavailable_weekdays: Vec<Weekday>,
}

impl Availability {
    /// Whether the athlete can train on `date`.
    pub fn is_available(&self, date: NaiveDate) -> bool {
        !self.unavailable_dates.contains(&date)
            && !self.unavailable_weekdays.contains(&date.weekday())
    }
}

/// What a plan is for, and what it starts from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanRequest {
    /// The race's name, if it has one.
    pub goal_race_name: Option<String>,
    /// Race day.
    pub goal_race_date: NaiveDate,
    /// Race distance, metres.
    pub goal_distance_m: f64,
    /// The plan's first day.
    pub start_date: NaiveDate,
    /// When the athlete can train.
    pub availability: Availability,
    /// The athlete's current chronic load, daily session-RPE AU.
    pub current_chronic_load: f64,
    /// Easy pace in seconds per kilometre, for target distances.
    pub reference_easy_pace_s_per_km: Option<f64>,
}

/// The longest plan accepted, in weeks.
pub const MAX_PLAN_WEEKS: i64 = 104;

impl PlanRequest {
    /// Checks the request, naming each field that makes a plan impossible.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut checks = Checks::new();
        checks.text("goalRaceName", self.goal_race_name.as_deref(), 200, false);
        checks.float_range(
            "goalDistanceMeters",
            Some(self.goal_distance_m),
            1_000.0,
            500_000.0,
            "m",
        );
        let days = (self.goal_race_date - self.start_date).num_days();
        if days <= 0 {
            checks.fail(
                "goalRaceDate",
                format!(
                    "{} must be after the start date {}",
                    self.goal_race_date, self.start_date
                ),
            );
        } else if days < 13 {
            checks.fail(
                "goalRaceDate",
                format!(
                    "is {days} days after the start date; a plan needs at least 2 weeks \
                     (race on day 14 or later)"
                ),
            );
        } else if days >= MAX_PLAN_WEEKS * 7 {
            checks.fail(
                "goalRaceDate",
                format!("is {days} days away; plans are limited to {MAX_PLAN_WEEKS} weeks"),
            );
        }
        let availability = &self.availability;
        checks.int_range(
            "availability.daysPerWeek",
            Some(i64::from(availability.days_per_week)),
            3,
            7,
            "days",
        );
        let open_weekdays = 7 - weekday_set(&availability.unavailable_weekdays).len() as u32;
        if (3..=7).contains(&availability.days_per_week)
            && open_weekdays < availability.days_per_week
        {
            checks.fail(
                "availability.unavailableWeekdays",
                format!(
                    "leave {open_weekdays} weekdays to train, fewer than the {} run days a week",
                    availability.days_per_week
                ),
            );
        }
        if availability
            .unavailable_weekdays
            .contains(&availability.long_run_day)
        {
            checks.fail(
                "availability.longRunDay",
                format!(
                    "{} is also marked as an unavailable weekday",
                    availability.long_run_day
                ),
            );
        }
        if !availability.is_available(self.goal_race_date) {
            checks.fail(
                "goalRaceDate",
                format!("{} is marked unavailable", self.goal_race_date),
            );
        }
        checks.float_range(
            "currentChronicLoad",
            Some(self.current_chronic_load),
            0.0,
            3_000.0,
            "AU/day",
        );
        checks.float_range(
            "referenceEasyPaceSecondsPerKm",
            self.reference_easy_pace_s_per_km,
            150.0,
            1_200.0,
            "s/km",
        );
        checks.finish()
    }

    fn race_name(&self) -> &str {
        self.goal_race_name
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or("goal race")
    }
}

fn weekday_set(days: &[Weekday]) -> BTreeSet<u32> {
    days.iter().map(|d| d.num_days_from_monday()).collect()
}

/// How plans progress. Stored as JSON; missing keys take their defaults.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanSettings {
    /// Largest rise of a non-deload week over the last non-deload week (default 0.10).
    pub max_weekly_increase: f64,
    /// Every this-many weeks is a deload week, 3–4 (default 4).
    pub deload_every_weeks: u32,
    /// A deload week's volume relative to the last non-deload week (default 0.7).
    pub deload_factor: f64,
    /// Multiplies the starting and peak volume (default 1.0).
    pub volume_scale: f64,
    /// Average session RPE assumed to turn chronic load into minutes (default 4).
    pub assumed_session_rpe: f64,
    /// The least weekly running minutes a plan starts from (default 90).
    pub min_weekly_minutes: f64,
    /// A make-up long run's length relative to the missed one (default 0.75).
    pub makeup_long_run_factor: f64,
}

impl Default for PlanSettings {
    fn default() -> Self {
        Self {
            max_weekly_increase: 0.10,
            deload_every_weeks: 4,
            deload_factor: 0.7,
            volume_scale: 1.0,
            assumed_session_rpe: 4.0,
            min_weekly_minutes: 90.0,
            makeup_long_run_factor: 0.75,
        }
    }
}

impl PlanSettings {
    /// Checks every setting, naming each field out of range.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut checks = Checks::new();
        checks.float_range(
            "maxWeeklyIncrease",
            Some(self.max_weekly_increase),
            0.01,
            0.5,
            "",
        );
        checks.int_range(
            "deloadEveryWeeks",
            Some(i64::from(self.deload_every_weeks)),
            3,
            4,
            "weeks",
        );
        checks.float_range("deloadFactor", Some(self.deload_factor), 0.4, 0.95, "");
        checks.float_range("volumeScale", Some(self.volume_scale), 0.1, 3.0, "");
        checks.float_range(
            "assumedSessionRpe",
            Some(self.assumed_session_rpe),
            1.0,
            10.0,
            "",
        );
        checks.float_range(
            "minWeeklyMinutes",
            Some(self.min_weekly_minutes),
            10.0,
            1_000.0,
            "min",
        );
        checks.float_range(
            "makeupLongRunFactor",
            Some(self.makeup_long_run_factor),
            0.3,
            1.0,
            "",
        );
        checks.finish()
    }
}

/// A stretch of the plan with one purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
pub struct Phase {
    /// Which phase.
    pub kind: PhaseKind,
    /// Its first day.
    pub start: NaiveDate,
    /// Its last day.
    pub end: NaiveDate,
}

/// One week of a plan and its volume target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
pub struct PlanWeek {
    /// 0-based position in the plan.
    pub index: u32,
    /// Its first day (the plan's start for a short first week).
    pub start: NaiveDate,
    /// Its last day.
    pub end: NaiveDate,
    /// The phase it belongs to.
    pub phase: PhaseKind,
    /// Running minutes for a full week.
    pub target_minutes: f64,
    /// Whether it is a deload week.
    pub deload: bool,
}

/// One day's scheduled workout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedWorkout {
    /// The day.
    pub date: NaiveDate,
    /// What it is.
    pub kind: WorkoutKind,
    /// How long, seconds.
    pub target_duration_s: Option<i32>,
    /// How far, metres (steady runs with a reference pace, and the race).
    pub target_distance_m: Option<f64>,
    /// Intensity zone 1–5.
    pub intensity_zone: Option<i32>,
    /// What to do, in plain language.
    pub description: String,
}

/// A training plan: its phases, weeks and one entry per day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Phases in order.
    pub phases: Vec<Phase>,
    /// Weeks in order.
    pub weeks: Vec<PlanWeek>,
    /// Workouts by date.
    pub workouts: Vec<PlannedWorkout>,
}

/// Why a plan is regenerated, beyond new inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Adjustment {
    /// Lower the volume from `from` on (a risk alert): the first regenerated week's progression
    /// state and the peak are multiplied by `factor`, and the plan builds again from there.
    ReduceVolume {
        /// Multiplier, above 0 and at most 1.
        factor: f64,
        /// Why, shown in the affected workouts.
        reason: String,
    },
    /// The long run on `date` was missed: a make-up long run (the missed one's duration times
    /// `makeup_long_run_factor`) goes on the first free day after it, within six days and not on
    /// or beside another long run; that week's intervals and tempo move after it (and off the
    /// days beside any long run), or become easy runs if there is no room. Ignored when the
    /// previous plan has no long run on `date`.
    MissedLongRun {
        /// The missed long run's date.
        date: NaiveDate,
    },
}

impl Adjustment {
    fn validate(&self) -> Result<(), ValidationError> {
        let mut checks = Checks::new();
        if let Adjustment::ReduceVolume { factor, reason } = self {
            checks.float_range("adjustment.factor", Some(*factor), 0.1, 1.0, "");
            checks.text("adjustment.reason", Some(reason), 500, true);
        }
        checks.finish()
    }
}

/// Builds the plan for `request`.
pub fn generate(request: &PlanRequest, settings: &PlanSettings) -> Result<Plan, ValidationError> {
    build(request, settings, None, request.start_date, &[], None)
}

/// Regenerates `previous` from `from` on: every workout dated before `from` or on a `keep` date
/// (completed workouts) is copied unchanged, weeks that ended before `from` keep their targets,
/// and everything else is planned again from `request` (which may bring new availability),
/// applying `adjustment`. The week holding `from` and those after it continue the volume
/// progression from the kept weeks, so the weekly cap holds across the seam. Regenerating with
/// nothing changed from the start of a week reproduces `previous` exactly.
pub fn regenerate(
    previous: &Plan,
    request: &PlanRequest,
    settings: &PlanSettings,
    from: NaiveDate,
    keep: &[NaiveDate],
    adjustment: Option<&Adjustment>,
) -> Result<Plan, ValidationError> {
    build(request, settings, Some(previous), from, keep, adjustment)
}
