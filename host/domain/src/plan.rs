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

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::validation::{Checks, ValidationError};

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

/// Weeks of taper for a race distance: 1 up to 10 km, 2 up to 30 km, 3 beyond.
pub fn taper_weeks(distance_m: f64) -> u32 {
    if distance_m <= 10_500.0 {
        1
    } else if distance_m <= 30_000.0 {
        2
    } else {
        3
    }
}

/// Peak weekly running minutes for a race distance (at `volume_scale` 1): 240 up to 5 km,
/// 300 up to 10 km, 360 up to the half marathon, 450 up to the marathon, 540 beyond.
pub fn peak_weekly_minutes(distance_m: f64) -> f64 {
    match distance_m {
        d if d <= 5_500.0 => 240.0,
        d if d <= 10_500.0 => 300.0,
        d if d <= 21_500.0 => 360.0,
        d if d <= 42_500.0 => 450.0,
        _ => 540.0,
    }
}

/// The longest long run for a race distance, minutes: 75 up to 5 km, 90 up to 10 km, 120 up to
/// the half marathon, 180 up to the marathon, 240 beyond.
pub fn max_long_run_minutes(distance_m: f64) -> f64 {
    match distance_m {
        d if d <= 5_500.0 => 75.0,
        d if d <= 10_500.0 => 90.0,
        d if d <= 21_500.0 => 120.0,
        d if d <= 42_500.0 => 180.0,
        _ => 240.0,
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

/// One week of the calendar before volumes and workouts.
#[derive(Debug, Clone, Copy)]
struct Frame {
    start: NaiveDate,
    end: NaiveDate,
    phase: PhaseKind,
    deload: bool,
    /// (position 1..=T, T) inside the taper.
    taper: Option<(u32, u32)>,
}

fn frames(request: &PlanRequest, settings: &PlanSettings) -> Vec<Frame> {
    let days = (request.goal_race_date - request.start_date).num_days() + 1;
    let weeks = u32::try_from((days + 6) / 7).unwrap_or(0);
    let taper = taper_weeks(request.goal_distance_m).min((weeks / 3).max(1));
    let rest = weeks.saturating_sub(taper);
    let peak = if rest >= 4 {
        ((rest + 2) / 5).clamp(1, 3)
    } else {
        0
    };
    let build = if rest >= 2 {
        (rest - peak).div_ceil(2)
    } else {
        rest
    };
    let base = rest - peak - build;
    (0..weeks)
        .map(|k| {
            let weeks_after = u64::from(weeks - 1 - k);
            let end = days_before(request.goal_race_date, 7 * weeks_after);
            let start = days_before(end, 6).max(request.start_date);
            let phase = if k < base {
                PhaseKind::Base
            } else if k < base + build {
                PhaseKind::Build
            } else if k < rest {
                PhaseKind::Peak
            } else {
                PhaseKind::Taper
            };
            let in_taper = phase == PhaseKind::Taper;
            Frame {
                start,
                end,
                phase,
                deload: !in_taper && (k + 1) % settings.deload_every_weeks.max(1) == 0,
                taper: if in_taper {
                    Some((k + 1 - rest, taper))
                } else {
                    None
                },
            }
        })
        .collect()
}

fn phases_of(frames: &[Frame]) -> Vec<Phase> {
    let mut phases: Vec<Phase> = Vec::new();
    for frame in frames {
        match phases.last_mut() {
            Some(last) if last.kind == frame.phase => last.end = frame.end,
            _ => phases.push(Phase {
                kind: frame.phase,
                start: frame.start,
                end: frame.end,
            }),
        }
    }
    phases
}

/// Weekly targets, continuing from kept weeks (see the module docs for the rules).
fn plan_weeks(
    frames: &[Frame],
    request: &PlanRequest,
    settings: &PlanSettings,
    kept: &BTreeMap<NaiveDate, &PlanWeek>,
    first_regenerated: usize,
    reduce: Option<f64>,
) -> Vec<PlanWeek> {
    let chronic_minutes =
        7.0 * request.current_chronic_load / settings.assumed_session_rpe * settings.volume_scale;
    let mut start_minutes = chronic_minutes.max(settings.min_weekly_minutes).floor();
    let mut peak = (peak_weekly_minutes(request.goal_distance_m) * settings.volume_scale)
        .floor()
        .max(start_minutes);
    let mut last_non_deload: Option<f64> = None;
    let mut taper_reference: Option<f64> = None;
    let mut weeks = Vec::with_capacity(frames.len());
    for (k, frame) in frames.iter().enumerate() {
        let index = u32::try_from(k).unwrap_or(u32::MAX);
        let week = match kept.get(&frame.start) {
            Some(week) if k < first_regenerated => PlanWeek {
                index,
                ..(*week).clone()
            },
            _ => {
                if k == first_regenerated
                    && let Some(factor) = reduce
                {
                    start_minutes = (start_minutes * factor).floor();
                    peak = (peak * factor).floor();
                    last_non_deload = last_non_deload.map(|m| m * factor);
                    taper_reference = taper_reference.map(|m| m * factor);
                }
                let target = match (frame.taper, frame.deload, last_non_deload) {
                    (Some((j, t)), _, _) => {
                        taper_reference.unwrap_or(start_minutes)
                            * (1.0 - 0.5 * f64::from(j) / f64::from(t.max(1)))
                    }
                    (None, true, last) => last.unwrap_or(start_minutes) * settings.deload_factor,
                    (None, false, None) => start_minutes,
                    (None, false, Some(last)) => {
                        peak.min(last * (1.0 + settings.max_weekly_increase))
                    }
                };
                PlanWeek {
                    index,
                    start: frame.start,
                    end: frame.end,
                    phase: frame.phase,
                    target_minutes: target.floor().max(0.0),
                    deload: frame.deload,
                }
            }
        };
        if !week.deload {
            last_non_deload = Some(week.target_minutes);
            if week.phase != PhaseKind::Taper {
                taper_reference = Some(week.target_minutes);
            }
        }
        weeks.push(week);
    }
    weeks
}

/// What occupies a day while a week is being scheduled.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Day {
    /// Open for a workout.
    Free,
    /// The athlete cannot train: rest.
    Unavailable,
    /// Kept from the previous plan: the kind that counts, and its run minutes.
    Fixed(Option<WorkoutKind>, f64),
    /// Before `from` with nothing planned in the previous plan: stays rest.
    Past,
    /// Newly scheduled.
    Planned(Slot),
}

/// A newly scheduled session, before durations.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Slot {
    Race,
    RestBeforeRace,
    Long,
    Makeup,
    Quality(WorkoutKind),
    Easy,
    Recovery,
    Strength,
}

impl Slot {
    fn kind(self) -> WorkoutKind {
        match self {
            Slot::Race => WorkoutKind::Race,
            Slot::RestBeforeRace => WorkoutKind::Rest,
            Slot::Long | Slot::Makeup => WorkoutKind::LongRun,
            Slot::Quality(kind) => kind,
            Slot::Easy => WorkoutKind::Easy,
            Slot::Recovery => WorkoutKind::Recovery,
            Slot::Strength => WorkoutKind::Strength,
        }
    }

    /// Share of the week's minutes (0: not part of the weekly distribution).
    fn weight(self) -> f64 {
        match self {
            Slot::Long => 2.5,
            Slot::Quality(_) => 1.2,
            Slot::Easy => 1.0,
            Slot::Recovery => 0.7,
            Slot::Race | Slot::RestBeforeRace | Slot::Makeup | Slot::Strength => 0.0,
        }
    }

    fn min_minutes(self) -> f64 {
        match self {
            Slot::Long => 40.0,
            Slot::Makeup | Slot::Quality(_) => 30.0,
            Slot::Easy | Slot::Recovery | Slot::Strength => 20.0,
            Slot::Race | Slot::RestBeforeRace => 0.0,
        }
    }
}

/// A make-up long run waiting for a day.
#[derive(Debug, Clone, Copy)]
struct PendingMakeup {
    missed: NaiveDate,
    minutes: Option<f64>,
}

/// Everything about the plan as a whole that scheduling one week needs.
struct Context<'a> {
    request: &'a PlanRequest,
    settings: &'a PlanSettings,
    reduce_note: Option<String>,
}

/// One week being scheduled.
struct Week<'a> {
    frame: &'a Frame,
    target_minutes: f64,
    dates: Vec<NaiveDate>,
    days: Vec<Day>,
    /// The kind on the day before the week.
    previous_kind: Option<WorkoutKind>,
}

impl Week<'_> {
    fn kind_at(&self, i: i64) -> Option<WorkoutKind> {
        if i == -1 {
            return self.previous_kind;
        }
        match usize::try_from(i).ok().and_then(|i| self.days.get(i))? {
            Day::Fixed(kind, _) => *kind,
            Day::Planned(slot) => Some(slot.kind()),
            Day::Free | Day::Unavailable | Day::Past => None,
        }
    }

    fn is_long(&self, i: i64) -> bool {
        self.kind_at(i).is_some_and(WorkoutKind::is_long)
    }

    fn is_quality(&self, i: i64) -> bool {
        self.kind_at(i).is_some_and(WorkoutKind::is_quality)
    }

    fn is_hard(&self, i: i64) -> bool {
        self.is_long(i) || self.is_quality(i)
    }

    fn free(&self) -> Vec<usize> {
        (0..self.days.len())
            .filter(|i| self.days[*i] == Day::Free)
            .collect()
    }

    fn fixed_kinds(&self) -> Vec<WorkoutKind> {
        self.days
            .iter()
            .filter_map(|d| match d {
                Day::Fixed(kind, _) => *kind,
                _ => None,
            })
            .collect()
    }

    /// The best free days for `count` hard sessions, chosen together: fewest sessions beside a
    /// long run (or race), then fewest beside another hard session, then as far from every
    /// other hard day as possible, then the earliest. Returned in date order.
    fn best_quality_days(&self, candidates: &[usize], count: usize) -> Vec<usize> {
        let mut sets: Vec<Vec<usize>> = match count.min(candidates.len()) {
            0 => return Vec::new(),
            1 => candidates.iter().map(|&a| vec![a]).collect(),
            _ => candidates
                .iter()
                .enumerate()
                .flat_map(|(n, &a)| candidates[n + 1..].iter().map(move |&b| vec![a, b]))
                .collect(),
        };
        let len = self.days.len() as i64;
        let score = |set: &Vec<usize>| {
            let chosen: Vec<i64> = set.iter().map(|&i| i as i64).collect();
            let hard = |j: i64| chosen.contains(&j) || self.is_hard(j);
            let quality = |j: i64| chosen.contains(&j) || self.is_quality(j);
            let mut penalty = 0u32;
            let mut nearest = 7i64;
            for &i in &chosen {
                penalty += 2 * u32::from(self.is_long(i - 1) || self.is_long(i + 1));
                penalty += u32::from(quality(i - 1) || quality(i + 1));
                if let Some(d) = (-1..len)
                    .filter(|j| *j != i && hard(*j))
                    .map(|j| (j - i).abs())
                    .min()
                {
                    nearest = nearest.min(d);
                }
            }
            (penalty, Reverse(nearest), set.clone())
        };
        sets.sort_by_cached_key(score);
        sets.swap_remove(0)
    }
}

fn build(
    request: &PlanRequest,
    settings: &PlanSettings,
    previous: Option<&Plan>,
    from: NaiveDate,
    keep: &[NaiveDate],
    adjustment: Option<&Adjustment>,
) -> Result<Plan, ValidationError> {
    request.validate()?;
    settings.validate()?;
    if let Some(adjustment) = adjustment {
        adjustment.validate()?;
    }
    let frames = frames(request, settings);

    let keep: BTreeSet<NaiveDate> = keep.iter().copied().collect();
    let kept_workouts: Vec<PlannedWorkout> = previous
        .map(|p| {
            p.workouts
                .iter()
                .filter(|w| w.date < from || keep.contains(&w.date))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let mut kept_by_date: BTreeMap<NaiveDate, Vec<&PlannedWorkout>> = BTreeMap::new();
    for workout in &kept_workouts {
        kept_by_date.entry(workout.date).or_default().push(workout);
    }
    let kept_weeks: BTreeMap<NaiveDate, &PlanWeek> = previous
        .map(|p| p.weeks.iter().map(|w| (w.start, w)).collect())
        .unwrap_or_default();
    let first_regenerated = frames
        .iter()
        .position(|f| f.end >= from)
        .unwrap_or(frames.len());
    let reduce = match adjustment {
        Some(Adjustment::ReduceVolume { factor, .. }) => Some(*factor),
        _ => None,
    };
    let weeks = plan_weeks(
        &frames,
        request,
        settings,
        &kept_weeks,
        first_regenerated,
        reduce,
    );

    let mut pending = match adjustment {
        Some(Adjustment::MissedLongRun { date }) => previous
            .and_then(|p| {
                p.workouts
                    .iter()
                    .find(|w| w.date == *date && w.kind == WorkoutKind::LongRun)
            })
            .map(|missed| PendingMakeup {
                missed: *date,
                minutes: missed.target_duration_s.map(|s| f64::from(s) / 60.0),
            }),
        _ => None,
    };

    let mut workouts: Vec<PlannedWorkout> = kept_workouts.clone();
    let mut previous_kind = None;
    for (k, (frame, plan_week)) in frames.iter().zip(&weeks).enumerate() {
        let dates: Vec<NaiveDate> = frame
            .start
            .iter_days()
            .take_while(|d| *d <= frame.end)
            .collect();
        let days = dates
            .iter()
            .map(|date| {
                if let Some(kept) = kept_by_date.get(date) {
                    let missed = pending.is_some_and(|p| p.missed == *date);
                    let kind = kept
                        .iter()
                        .map(|w| w.kind)
                        .min_by_key(|kind| significance(*kind));
                    let minutes = kept
                        .iter()
                        .filter(|w| w.kind.is_run() && w.kind != WorkoutKind::Race)
                        .filter_map(|w| w.target_duration_s)
                        .map(|s| f64::from(s) / 60.0)
                        .sum();
                    if missed {
                        Day::Fixed(None, 0.0)
                    } else {
                        Day::Fixed(kind, minutes)
                    }
                } else if *date < from {
                    Day::Past
                } else if !request.availability.is_available(*date) {
                    Day::Unavailable
                } else {
                    Day::Free
                }
            })
            .collect();
        let mut week = Week {
            frame,
            target_minutes: plan_week.target_minutes,
            dates,
            days,
            previous_kind,
        };
        let context = Context {
            request,
            settings,
            reduce_note: match adjustment {
                Some(Adjustment::ReduceVolume { factor, reason }) if k == first_regenerated => {
                    Some(format!(
                        "Volume reduced to {:.0} % of plan: {reason}.",
                        factor * 100.0
                    ))
                }
                _ => None,
            },
        };
        workouts.extend(schedule_week(&mut week, &context, &mut pending));
        previous_kind = week.kind_at(week.days.len() as i64 - 1);
    }
    // Stable: kept workouts stay in their previous order within a day.
    workouts.sort_by_key(|w| w.date);
    Ok(Plan {
        phases: phases_of(&frames),
        weeks,
        workouts,
    })
}

/// Which kind describes a day that holds several kept workouts.
fn significance(kind: WorkoutKind) -> u8 {
    match kind {
        WorkoutKind::Race => 0,
        WorkoutKind::LongRun => 1,
        WorkoutKind::Intervals => 2,
        WorkoutKind::Tempo => 3,
        WorkoutKind::Easy => 4,
        WorkoutKind::Recovery => 5,
        WorkoutKind::Strength => 6,
        WorkoutKind::Rest => 7,
    }
}

/// Places this week's sessions on its free days and returns the new entries.
fn schedule_week(
    week: &mut Week<'_>,
    context: &Context<'_>,
    pending: &mut Option<PendingMakeup>,
) -> Vec<PlannedWorkout> {
    let request = context.request;
    let race_date = request.goal_race_date;
    let len = week.days.len();
    let race_index = week.dates.iter().position(|d| *d == race_date);
    let race_week = race_index.is_some();

    let fixed = week.fixed_kinds();
    let fixed_runs = fixed.iter().filter(|k| k.is_run()).count();
    let run_days = (request.availability.days_per_week as usize * len).div_ceil(7);
    let mut runs_left = run_days.saturating_sub(fixed_runs);

    if let Some(i) = race_index
        && week.days[i] == Day::Free
    {
        week.days[i] = Day::Planned(Slot::Race);
        runs_left = runs_left.saturating_sub(1);
    }
    if let Some(i) = race_index.and_then(|i| i.checked_sub(1))
        && week.days[i] == Day::Free
    {
        week.days[i] = Day::Planned(Slot::RestBeforeRace);
    }

    // The long run, protected.
    // A week whose long run was missed gets the make-up instead of a second regular one.
    let has_long = fixed.contains(&WorkoutKind::LongRun)
        || fixed.contains(&WorkoutKind::Race)
        || pending.is_some_and(|p| week.dates.contains(&p.missed));
    if !race_week && !has_long && runs_left > 0 {
        let preferred = date_in_week(week.frame.end, request.availability.long_run_day);
        let preferred = (preferred - week.dates[0]).num_days();
        if let Some(i) = week
            .free()
            .into_iter()
            .min_by_key(|&i| ((i as i64 - preferred).abs(), i))
        {
            week.days[i] = Day::Planned(Slot::Long);
            runs_left -= 1;
        }
    }

    // A make-up for a missed long run: the first free day after it, within six days, not on or
    // beside another long run.
    let mut makeup: Option<(usize, Option<f64>)> = None;
    if let Some(waiting) = *pending {
        let deadline = waiting
            .missed
            .checked_add_days(Days::new(6))
            .unwrap_or(NaiveDate::MAX);
        if runs_left > 0
            && let Some(i) = week.free().into_iter().find(|&i| {
                let date = week.dates[i];
                date > waiting.missed
                    && date <= deadline
                    && !week.is_long(i as i64 - 1)
                    && !week.is_long(i as i64 + 1)
            })
        {
            week.days[i] = Day::Planned(Slot::Makeup);
            runs_left -= 1;
            makeup = Some((i, waiting.minutes));
            *pending = None;
        } else if week.frame.end >= deadline {
            *pending = None;
        }
    }

    // Hard sessions, after the make-up when there is one; without room they become easy runs.
    let mut quality: Vec<WorkoutKind> = match (week.frame.phase, race_week) {
        (_, true) | (PhaseKind::Base, _) => vec![],
        (PhaseKind::Build, _) => vec![WorkoutKind::Tempo, WorkoutKind::Intervals],
        (PhaseKind::Peak, _) => vec![WorkoutKind::Intervals, WorkoutKind::Tempo],
        (PhaseKind::Taper, _) => vec![WorkoutKind::Tempo],
    };
    if week.frame.deload || request.availability.days_per_week <= 3 {
        quality.truncate(1);
    }
    quality.retain(|kind| !fixed.contains(kind));
    quality.truncate(runs_left);
    // After a make-up long run, hard sessions go after it and never beside a long run.
    let candidates: Vec<usize> = week
        .free()
        .into_iter()
        .filter(|&i| {
            makeup.is_none_or(|(m, _)| {
                i > m && !week.is_long(i as i64 - 1) && !week.is_long(i as i64 + 1)
            })
        })
        .collect();
    let quality_days = week.best_quality_days(&candidates, quality.len());
    for (i, kind) in quality_days.into_iter().zip(quality) {
        week.days[i] = Day::Planned(Slot::Quality(kind));
        runs_left -= 1;
    }

    // Easy runs fill the run days; the day after the long run is the last choice, and recovery.
    // A week too short for every run day gets fewer, longer easy runs (at least 20 minutes).
    let committed: f64 = week
        .days
        .iter()
        .filter_map(|d| match d {
            Day::Planned(slot) if slot.weight() > 0.0 => Some(slot.min_minutes()),
            _ => None,
        })
        .sum();
    let affordable = ((week_budget(week) - committed) / Slot::Easy.min_minutes()).floor();
    let easy_count = runs_left.min(affordable.max(0.0) as usize);
    let mut easy_days = week.free();
    easy_days.sort_by_key(|&i| (week.is_long(i as i64 - 1), i));
    for i in easy_days.into_iter().take(easy_count) {
        week.days[i] = Day::Planned(if week.is_long(i as i64 - 1) {
            Slot::Recovery
        } else {
            Slot::Easy
        });
    }

    // Strength on a spare day in base and build, preferably not the day before a hard one.
    let has_strength = fixed.contains(&WorkoutKind::Strength);
    if matches!(week.frame.phase, PhaseKind::Base | PhaseKind::Build)
        && !has_strength
        && let Some(i) = week
            .free()
            .into_iter()
            .min_by_key(|&i| (week.is_hard(i as i64 + 1), i))
    {
        week.days[i] = Day::Planned(Slot::Strength);
    }

    let mut minutes = session_minutes(week, context);
    if let Some((i, missed_minutes)) = makeup {
        // Shortened from the missed run, or from this week's long run when its length is unknown.
        let reference = missed_minutes
            .or_else(|| {
                week.days
                    .iter()
                    .position(|d| *d == Day::Planned(Slot::Long))
                    .map(|long| minutes[long])
            })
            .unwrap_or(week.target_minutes * 0.25);
        minutes[i] = round_to_five(reference * context.settings.makeup_long_run_factor)
            .max(Slot::Makeup.min_minutes());
    }
    (0..len)
        .filter_map(|i| describe_day(week, i, minutes[i], context))
        .collect()
}

/// The date in the seven days ending on `end` that falls on `weekday`.
fn date_in_week(end: NaiveDate, weekday: Weekday) -> NaiveDate {
    let back = (7 + end.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
    days_before(end, u64::from(back))
}

/// `date` minus `days`, stopping at the earliest representable date.
fn days_before(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_sub_days(Days::new(days))
        .unwrap_or(NaiveDate::MIN)
}

fn round_to_five(minutes: f64) -> f64 {
    (minutes / 5.0).round() * 5.0
}

/// Minutes for each day's new session (0 where there is none).
/// The running minutes left to share among the week's new sessions: the target (a share of it
/// for a short week) less the minutes of kept runs.
fn week_budget(week: &Week<'_>) -> f64 {
    let fixed_minutes: f64 = week
        .days
        .iter()
        .map(|d| match d {
            Day::Fixed(_, minutes) => *minutes,
            _ => 0.0,
        })
        .sum();
    let share = week.days.len() as f64 / 7.0;
    (week.target_minutes * share - fixed_minutes).max(0.0)
}

fn session_minutes(week: &Week<'_>, context: &Context<'_>) -> Vec<f64> {
    let budget = week_budget(week);
    let slots: Vec<Option<Slot>> = week
        .days
        .iter()
        .map(|d| match d {
            Day::Planned(slot) => Some(*slot),
            _ => None,
        })
        .collect();
    let total_weight: f64 = slots.iter().flatten().map(|s| s.weight()).sum();
    let mut raw: Vec<f64> = slots
        .iter()
        .map(|slot| match slot {
            Some(slot) if total_weight > 0.0 => budget * slot.weight() / total_weight,
            _ => 0.0,
        })
        .collect();
    // Cap the long run by distance and give the excess to the other runs.
    let cap = max_long_run_minutes(context.request.goal_distance_m);
    if let Some(long) = slots.iter().position(|s| *s == Some(Slot::Long))
        && raw[long] > cap
    {
        let excess = raw[long] - cap;
        raw[long] = cap;
        let others: f64 = slots
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != long)
            .filter_map(|(_, s)| s.map(|s| s.weight()))
            .sum();
        if others > 0.0 {
            for (i, slot) in slots.iter().enumerate() {
                if let Some(slot) = slot
                    && i != long
                {
                    raw[i] += excess * slot.weight() / others;
                }
            }
        }
    }
    slots
        .iter()
        .zip(raw)
        .map(|(slot, minutes)| match slot {
            Some(Slot::Strength) => 30.0,
            Some(slot) if slot.weight() > 0.0 => round_to_five(minutes).max(slot.min_minutes()),
            _ => 0.0,
        })
        .collect()
}

fn describe_day(
    week: &Week<'_>,
    i: usize,
    minutes: f64,
    context: &Context<'_>,
) -> Option<PlannedWorkout> {
    let date = week.dates[i];
    let request = context.request;
    let rest = |description: &str| PlannedWorkout {
        date,
        kind: WorkoutKind::Rest,
        target_duration_s: None,
        target_distance_m: None,
        intensity_zone: None,
        description: description.to_owned(),
    };
    let slot = match week.days[i] {
        Day::Fixed(..) => return None,
        Day::Unavailable => return Some(rest("Unavailable — rest day.")),
        Day::Past => return Some(rest("No workout was planned.")),
        Day::Free => return Some(rest("Rest day.")),
        Day::Planned(slot) => slot,
    };
    let pace = request.reference_easy_pace_s_per_km;
    let distance_at = |minutes: f64, pace_factor: f64| {
        pace.map(|p| ((minutes * 60.0 / (p * pace_factor) * 1_000.0) / 100.0).round() * 100.0)
    };
    let about = |distance: Option<f64>| {
        distance.map_or(String::new(), |d| format!(" (about {:.1} km)", d / 1_000.0))
    };
    let (zone, distance, mut description) = match slot {
        Slot::Race => {
            return Some(PlannedWorkout {
                date,
                kind: WorkoutKind::Race,
                target_duration_s: None,
                target_distance_m: Some(request.goal_distance_m),
                intensity_zone: None,
                description: format!(
                    "Race day: {}, {:.1} km — trust your training.",
                    request.race_name(),
                    request.goal_distance_m / 1_000.0
                ),
            });
        }
        Slot::RestBeforeRace => return Some(rest("Rest before race day — put your feet up.")),
        Slot::Strength => (
            None,
            None,
            format!(
                "Strength: {minutes:.0} min — squats, lunges, single-leg calf raises and core; \
                 controlled, stopping well short of failure."
            ),
        ),
        Slot::Long => {
            let distance = distance_at(minutes, 1.0);
            (
                Some(2),
                distance,
                format!(
                    "Long run: {minutes:.0} min easy, zone 2 — conversational pace{}.",
                    about(distance)
                ),
            )
        }
        Slot::Makeup => {
            let distance = distance_at(minutes, 1.0);
            (
                Some(2),
                distance,
                format!(
                    "Make-up long run: {minutes:.0} min easy, zone 2{} — shortened to replace the \
                     missed long run.",
                    about(distance)
                ),
            )
        }
        Slot::Easy => {
            let distance = distance_at(minutes, 1.0);
            (
                Some(2),
                distance,
                format!(
                    "Easy run: {minutes:.0} min, zone 2 — relaxed, conversational pace{}.",
                    about(distance)
                ),
            )
        }
        Slot::Recovery => {
            let distance = distance_at(minutes, 1.1);
            (
                Some(1),
                distance,
                format!(
                    "Recovery run: {minutes:.0} min very easy, zone 1 — loosen up after the long \
                     run{}.",
                    about(distance)
                ),
            )
        }
        Slot::Quality(WorkoutKind::Tempo) => {
            let (warm_up, cool_down) = if minutes >= 45.0 {
                (15.0, 10.0)
            } else {
                (10.0, 5.0)
            };
            let main = (minutes - warm_up - cool_down).max(10.0);
            (
                Some(3),
                None,
                format!(
                    "Tempo run: {minutes:.0} min — {warm_up:.0} min easy warm-up, {main:.0} min \
                     steady at a comfortably hard effort (zone 3), {cool_down:.0} min cool-down."
                ),
            )
        }
        Slot::Quality(_) => {
            let zone = if week.frame.phase == PhaseKind::Build {
                4
            } else {
                5
            };
            let (work, recovery) = if zone == 4 { (5.0, 2.0) } else { (3.0, 2.0) };
            let warm_up = if minutes >= 45.0 { 15.0 } else { 10.0 };
            let reps = ((minutes - warm_up - 5.0) / (work + recovery))
                .floor()
                .max(2.0);
            let cool_down = (minutes - warm_up - reps * (work + recovery)).max(5.0);
            (
                Some(zone),
                None,
                format!(
                    "Intervals: {minutes:.0} min — {warm_up:.0} min warm-up, {reps:.0} × {work:.0} \
                     min hard (zone {zone}) with {recovery:.0} min easy jogs, {cool_down:.0} min \
                     cool-down."
                ),
            )
        }
    };
    if week.frame.deload {
        description.push_str(" Deload week — lighter on purpose.");
    }
    if let Some(note) = &context.reduce_note {
        description.push(' ');
        description.push_str(note);
    }
    let kind = slot.kind();
    let seconds = (minutes * 60.0).round();
    Some(PlannedWorkout {
        date,
        kind,
        target_duration_s: (seconds > 0.0).then_some(seconds as i32),
        target_distance_m: distance,
        intensity_zone: zone,
        description,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    /// A 15-week half-marathon plan starting on a Wednesday, Fridays off, two single days off.
    fn half_marathon() -> PlanRequest {
        PlanRequest {
            goal_race_name: Some("City Half".into()),
            goal_race_date: day(2026, 6, 14),
            goal_distance_m: 21_097.5,
            start_date: day(2026, 3, 4),
            availability: Availability {
                days_per_week: 5,
                long_run_day: Weekday::Sun,
                unavailable_dates: vec![day(2026, 4, 12), day(2026, 5, 20)],
                unavailable_weekdays: vec![Weekday::Fri],
            },
            current_chronic_load: 45.0,
            reference_easy_pace_s_per_km: Some(360.0),
        }
    }

    fn on(plan: &Plan, date: NaiveDate) -> &PlannedWorkout {
        let mut found = plan.workouts.iter().filter(|w| w.date == date);
        let first = found.next().expect("an entry for every day");
        assert!(found.next().is_none(), "one entry on {date}");
        first
    }

    fn generated() -> Plan {
        generate(&half_marathon(), &PlanSettings::default()).expect("valid request")
    }

    #[test]
    fn phases_run_base_build_peak_taper_ending_on_race_day() {
        let plan = generated();
        let kinds: Vec<PhaseKind> = plan.phases.iter().map(|p| p.kind).collect();
        assert_eq!(kinds, PhaseKind::ALL);
        // 103 days → 15 weeks counted back from race day; a half-marathon taper is 2 weeks.
        assert_eq!(plan.weeks.len(), 15);
        let taper = plan.phases.last().expect("taper");
        assert_eq!(
            (taper.start, taper.end),
            (day(2026, 6, 1), day(2026, 6, 14))
        );
        // The first week is short: Wednesday to Sunday.
        assert_eq!(
            (plan.weeks[0].start, plan.weeks[0].end),
            (day(2026, 3, 4), day(2026, 3, 8))
        );
        assert_eq!(plan.phases[0].start, day(2026, 3, 4));
        assert_eq!(on(&plan, day(2026, 6, 14)).kind, WorkoutKind::Race);
        assert_eq!(
            on(&plan, day(2026, 6, 14)).target_distance_m,
            Some(21_097.5)
        );
        assert_eq!(on(&plan, day(2026, 6, 13)).kind, WorkoutKind::Rest);
    }

    #[test]
    fn taper_length_follows_distance_and_short_plans_compress() {
        assert_eq!(taper_weeks(5_000.0), 1);
        assert_eq!(taper_weeks(10_000.0), 1);
        assert_eq!(taper_weeks(21_097.5), 2);
        assert_eq!(taper_weeks(42_195.0), 3);
        assert_eq!(taper_weeks(100_000.0), 3);

        let mut request = half_marathon();
        request.goal_distance_m = 42_195.0;
        request.start_date = day(2026, 6, 1);
        let plan = generate(&request, &PlanSettings::default()).expect("two weeks is enough");
        let kinds: Vec<PhaseKind> = plan.phases.iter().map(|p| p.kind).collect();
        assert_eq!(kinds, [PhaseKind::Build, PhaseKind::Taper]);

        request.start_date = day(2026, 3, 1);
        let plan = generate(&request, &PlanSettings::default()).expect("valid");
        let taper: Vec<&PlanWeek> = plan
            .weeks
            .iter()
            .filter(|w| w.phase == PhaseKind::Taper)
            .collect();
        assert_eq!(taper.len(), 3);
        // Taper volume falls each week: 1 − 0.5·j/3 of the last pre-taper week.
        assert!(
            taper
                .windows(2)
                .all(|w| w[1].target_minutes < w[0].target_minutes)
        );
    }

    #[test]
    fn volume_starts_from_chronic_load_rises_ten_percent_and_deloads() {
        // Chronic 100 AU/day → 700 AU a week ÷ RPE 4 = 175 min. Then ×1.1 (rounded down):
        // 192, 211; week 4 deloads to 0.7 × 211 = 147; week 5 resumes from 211: 232.
        let mut request = half_marathon();
        request.current_chronic_load = 100.0;
        let plan = generate(&request, &PlanSettings::default()).expect("valid");
        let targets: Vec<f64> = plan
            .weeks
            .iter()
            .take(5)
            .map(|w| w.target_minutes)
            .collect();
        assert_eq!(targets, [175.0, 192.0, 211.0, 147.0, 232.0]);
        let deloads: Vec<bool> = plan.weeks.iter().take(8).map(|w| w.deload).collect();
        assert_eq!(
            deloads,
            [false, false, false, true, false, false, false, true]
        );

        // A beginner starts at the floor of 90 minutes.
        let mut beginner = half_marathon();
        beginner.current_chronic_load = 0.0;
        let plan = generate(&beginner, &PlanSettings::default()).expect("valid");
        assert_eq!(plan.weeks[0].target_minutes, 90.0);
    }

    #[test]
    fn the_long_run_takes_its_day_or_the_nearest_available_one() {
        let plan = generated();
        assert_eq!(on(&plan, day(2026, 3, 15)).kind, WorkoutKind::LongRun);
        // Sunday 12 April is unavailable: the long run moves to Saturday.
        assert_eq!(on(&plan, day(2026, 4, 12)).kind, WorkoutKind::Rest);
        assert_eq!(on(&plan, day(2026, 4, 11)).kind, WorkoutKind::LongRun);
        let long = on(&plan, day(2026, 3, 15));
        // 55 min at 6:00/km ≈ 9.17 km, rounded to 100 m.
        assert_eq!(long.target_duration_s, Some(55 * 60));
        assert_eq!(long.target_distance_m, Some(9_200.0));
        assert_eq!(long.intensity_zone, Some(2));
        assert_eq!(
            long.description,
            "Long run: 55 min easy, zone 2 — conversational pace (about 9.2 km)."
        );
    }

    #[test]
    fn hard_sessions_stay_off_the_days_around_the_long_run_and_each_other() {
        let plan = generated();
        let kind_on = |d: NaiveDate| plan.workouts.iter().find(|w| w.date == d).map(|w| w.kind);
        let quality: Vec<&PlannedWorkout> = plan
            .workouts
            .iter()
            .filter(|w| w.kind.is_quality())
            .collect();
        assert!(quality.len() > 10);
        for w in quality {
            for neighbour in [w.date.pred_opt(), w.date.succ_opt()].into_iter().flatten() {
                let kind = kind_on(neighbour);
                assert_ne!(
                    kind,
                    Some(WorkoutKind::LongRun),
                    "{} beside the long run",
                    w.date
                );
                assert!(
                    !kind.is_some_and(WorkoutKind::is_quality),
                    "{} beside a hard day",
                    w.date
                );
            }
            let phase = plan
                .weeks
                .iter()
                .find(|k| (k.start..=k.end).contains(&w.date));
            assert_ne!(phase.map(|p| p.phase), Some(PhaseKind::Base));
        }
        // A build week: tempo Tuesday, intervals Thursday, zone 4 for build intervals.
        assert_eq!(on(&plan, day(2026, 4, 28)).kind, WorkoutKind::Tempo);
        let intervals = on(&plan, day(2026, 4, 30));
        assert_eq!(intervals.kind, WorkoutKind::Intervals);
        assert_eq!(intervals.intensity_zone, Some(4));
        assert!(
            intervals
                .description
                .starts_with("Intervals: 30 min — 10 min warm-up, 2 × 5 min hard")
        );
    }

    #[test]
    fn strength_goes_on_a_spare_day_in_base_and_build_only() {
        let plan = generated();
        for w in plan
            .workouts
            .iter()
            .filter(|w| w.kind == WorkoutKind::Strength)
        {
            let week = plan
                .weeks
                .iter()
                .find(|k| (k.start..=k.end).contains(&w.date))
                .expect("week");
            assert!(
                matches!(week.phase, PhaseKind::Base | PhaseKind::Build),
                "{}",
                w.date
            );
        }
        assert_eq!(on(&plan, day(2026, 3, 16)).kind, WorkoutKind::Strength);
    }

    #[test]
    fn invalid_requests_name_their_fields() {
        let fields = |request: &PlanRequest| -> Vec<String> {
            request
                .validate()
                .err()
                .map(|e| e.errors.into_iter().map(|e| e.field).collect())
                .unwrap_or_default()
        };
        assert!(fields(&half_marathon()).is_empty());
        let mut r = half_marathon();
        r.goal_race_date = r.start_date;
        assert_eq!(fields(&r), ["goalRaceDate"]);
        r.goal_race_date = r.start_date + Days::new(12);
        assert_eq!(fields(&r), ["goalRaceDate"]);
        let mut r = half_marathon();
        r.availability.days_per_week = 2;
        r.goal_distance_m = 0.0;
        r.reference_easy_pace_s_per_km = Some(f64::NAN);
        assert_eq!(
            fields(&r),
            [
                "goalDistanceMeters",
                "availability.daysPerWeek",
                "referenceEasyPaceSecondsPerKm"
            ]
        );
        let mut r = half_marathon();
        r.availability.unavailable_weekdays = vec![Weekday::Mon, Weekday::Tue, Weekday::Sun];
        assert_eq!(
            fields(&r),
            [
                "availability.unavailableWeekdays",
                "availability.longRunDay",
                "goalRaceDate"
            ]
        );
        let bad = PlanSettings {
            deload_every_weeks: 5,
            max_weekly_increase: 0.9,
            ..PlanSettings::default()
        };
        let err = generate(&half_marathon(), &bad).expect_err("bad settings");
        let names: Vec<&str> = err.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(names, ["maxWeeklyIncrease", "deloadEveryWeeks"]);
    }

    #[test]
    fn regenerating_with_nothing_changed_reproduces_the_plan() {
        let plan = generated();
        let request = half_marathon();
        for week in &plan.weeks {
            let again = regenerate(
                &plan,
                &request,
                &PlanSettings::default(),
                week.start,
                &[],
                None,
            )
            .expect("valid");
            assert_eq!(again, plan, "from {}", week.start);
        }
    }

    #[test]
    fn a_volume_reduction_lowers_what_is_ahead_and_keeps_what_is_done() {
        let plan = generated();
        let from = day(2026, 4, 29);
        let completed = [day(2026, 4, 29)];
        let reduce = Adjustment::ReduceVolume {
            factor: 0.8,
            reason: "ACWR 1.62 on 28 April".into(),
        };
        let settings = PlanSettings::default();
        let reduced = regenerate(
            &plan,
            &half_marathon(),
            &settings,
            from,
            &completed,
            Some(&reduce),
        )
        .expect("valid");
        for w in plan
            .workouts
            .iter()
            .filter(|w| w.date < from || completed.contains(&w.date))
        {
            assert_eq!(on(&reduced, w.date), w);
        }
        // Week 8 (27 April) holds `from`: 0.8 × min(peak, 141 × 1.1) → floor(0.8 × 141 × 1.1) = 124.
        let week = &reduced.weeks[8];
        assert_eq!(week.start, day(2026, 4, 27));
        assert_eq!(week.target_minutes, (141.0_f64 * 0.8 * 1.1).floor());
        assert!(week.target_minutes < plan.weeks[8].target_minutes);
        assert_eq!(reduced.weeks[..8], plan.weeks[..8]);
        let long = on(&reduced, day(2026, 5, 3));
        assert!(long.target_duration_s < on(&plan, day(2026, 5, 3)).target_duration_s);
        assert!(
            long.description
                .contains("Volume reduced to 80 % of plan: ACWR 1.62"),
            "{}",
            long.description
        );
        assert!(
            !on(&reduced, day(2026, 5, 10))
                .description
                .contains("reduced")
        );
    }

    #[test]
    fn a_missed_long_run_gets_a_shortened_make_up_before_the_week_s_hard_sessions() {
        let plan = generated();
        let missed = day(2026, 5, 3);
        assert_eq!(on(&plan, missed).kind, WorkoutKind::LongRun);
        let adjustment = Adjustment::MissedLongRun { date: missed };
        let from = day(2026, 5, 4);
        let settings = PlanSettings::default();
        let again = regenerate(
            &plan,
            &half_marathon(),
            &settings,
            from,
            &[],
            Some(&adjustment),
        )
        .expect("valid");
        // The missed run stays as it was (the store marks it missed).
        assert_eq!(on(&again, missed), on(&plan, missed));
        // Monday: the make-up, 0.75 × 55 min ≈ 40 min.
        let makeup = on(&again, from);
        assert_eq!(makeup.kind, WorkoutKind::LongRun);
        assert_eq!(makeup.target_duration_s, Some(40 * 60));
        assert!(
            makeup.description.starts_with("Make-up long run: 40 min"),
            "{}",
            makeup.description
        );
        // The week's hard sessions come after it, never beside a long run; Sunday's long run stays.
        let week: Vec<&PlannedWorkout> = again
            .workouts
            .iter()
            .filter(|w| (day(2026, 5, 4)..=day(2026, 5, 10)).contains(&w.date))
            .collect();
        for w in week.iter().filter(|w| w.kind.is_quality()) {
            assert!(
                w.date > day(2026, 5, 5) && w.date < day(2026, 5, 9),
                "{}",
                w.date
            );
        }
        assert_eq!(on(&again, day(2026, 5, 10)).kind, WorkoutKind::LongRun);

        // No room after the make-up (Monday to Wednesday now unavailable): the hard sessions
        // become easy runs.
        let mut busy = half_marathon();
        busy.availability.unavailable_dates.extend([
            day(2026, 5, 4),
            day(2026, 5, 5),
            day(2026, 5, 6),
        ]);
        let again =
            regenerate(&plan, &busy, &settings, from, &[], Some(&adjustment)).expect("valid");
        assert_eq!(on(&again, day(2026, 5, 7)).kind, WorkoutKind::LongRun);
        assert!(
            on(&again, day(2026, 5, 7))
                .description
                .starts_with("Make-up")
        );
        assert!(
            again
                .workouts
                .iter()
                .filter(|w| (day(2026, 5, 4)..=day(2026, 5, 10)).contains(&w.date))
                .all(|w| !w.kind.is_quality())
        );
        assert_eq!(on(&again, day(2026, 5, 9)).kind, WorkoutKind::Easy);
    }

    #[test]
    fn a_midweek_missed_long_run_is_made_up_once_in_its_own_week() {
        let mut request = half_marathon();
        request.availability.long_run_day = Weekday::Wed;
        let settings = PlanSettings::default();
        let plan = generate(&request, &settings).expect("valid");
        let missed = day(2026, 4, 29);
        assert_eq!(on(&plan, missed).kind, WorkoutKind::LongRun);
        let adjustment = Adjustment::MissedLongRun { date: missed };
        let from = day(2026, 4, 30);
        let again =
            regenerate(&plan, &request, &settings, from, &[], Some(&adjustment)).expect("valid");
        let week: Vec<&PlannedWorkout> = again
            .workouts
            .iter()
            .filter(|w| (from..=day(2026, 5, 3)).contains(&w.date))
            .collect();
        let long_runs: Vec<NaiveDate> = week
            .iter()
            .filter(|w| w.kind == WorkoutKind::LongRun)
            .map(|w| w.date)
            .collect();
        assert_eq!(long_runs, [from], "one make-up, no second regular long run");
        assert!(on(&again, from).description.starts_with("Make-up long run"));
        let minutes = on(&plan, missed).target_duration_s.expect("duration") / 60;
        let expected = ((f64::from(minutes) * 0.75 / 5.0).round() * 5.0) as i32;
        assert_eq!(on(&again, from).target_duration_s, Some(expected * 60));
        // Friday is off and beside the make-up anyway; hard sessions may only use the weekend.
        for w in week.iter().filter(|w| w.kind.is_quality()) {
            assert!(w.date >= day(2026, 5, 2), "{}", w.date);
        }
        assert_eq!(on(&again, day(2026, 5, 6)).kind, WorkoutKind::LongRun);
    }

    #[test]
    fn plans_round_trip_through_json() {
        let plan = generated();
        let text = serde_json::to_string(&plan).expect("serializes");
        assert_eq!(serde_json::from_str::<Plan>(&text).expect("parses"), plan);
        assert!(text.contains("\"kind\":\"long_run\""));
        let request = serde_json::to_string(&half_marathon()).expect("serializes");
        assert_eq!(
            serde_json::from_str::<PlanRequest>(&request).expect("parses"),
            half_marathon()
        );
        let adjustment: Adjustment =
            serde_json::from_str(r#"{"kind":"missed_long_run","date":"2026-05-03"}"#)
                .expect("parses");
        assert_eq!(
            adjustment,
            Adjustment::MissedLongRun {
                date: day(2026, 5, 3)
            }
        );
    }

    // ---- properties ----

    fn weekday(n: u32) -> Weekday {
        Weekday::try_from(u8::try_from(n % 7).unwrap_or(0)).unwrap_or(Weekday::Mon)
    }

    prop_compose! {
        fn request_strategy()(
            start_offset in 0u64..400,
            span in 13u64..260,
            distance in prop_oneof![Just(5_000.0), Just(10_000.0), Just(21_097.5), Just(42_195.0), 3_000.0..100_000.0_f64],
            days_per_week in 3u32..=7,
            long_run_day in 0u32..7,
            off_weekday_seeds in proptest::collection::vec(0u32..7, 0..3),
            off_date_seeds in proptest::collection::vec(0u64..260, 0..25),
            chronic in 0.0..300.0_f64,
            pace in proptest::option::of(240.0..480.0_f64),
        ) -> PlanRequest {
            let start_date = day(2025, 1, 1) + Days::new(start_offset);
            let goal_race_date = start_date + Days::new(span);
            let long_run_day = weekday(long_run_day);
            let mut unavailable_weekdays: Vec<Weekday> = Vec::new();
            for seed in off_weekday_seeds {
                let candidate = weekday(seed);
                if candidate != long_run_day
                    && candidate != goal_race_date.weekday()
                    && !unavailable_weekdays.contains(&candidate)
                    && 7 - unavailable_weekdays.len() as u32 > days_per_week
                {
                    unavailable_weekdays.push(candidate);
                }
            }
            let unavailable_dates = off_date_seeds
                .into_iter()
                .map(|d| start_date + Days::new(d % span))
                .collect();
            PlanRequest {
                goal_race_name: None,
                goal_race_date,
                goal_distance_m: distance,
                start_date,
                availability: Availability { days_per_week, long_run_day, unavailable_dates, unavailable_weekdays },
                current_chronic_load: chronic,
                reference_easy_pace_s_per_km: pace,
            }
        }
    }

    prop_compose! {
        fn settings_strategy()(
            increase in 0.05..0.2_f64,
            deload_every in 3u32..=4,
            deload_factor in 0.5..0.9_f64,
            scale in 0.5..2.0_f64,
        ) -> PlanSettings {
            PlanSettings {
                max_weekly_increase: increase,
                deload_every_weeks: deload_every,
                deload_factor,
                volume_scale: scale,
                ..PlanSettings::default()
            }
        }
    }

    /// Checks what every plan promises; `regenerated_from` limits availability checks to the
    /// days that were planned again.
    fn check_invariants(
        plan: &Plan,
        request: &PlanRequest,
        settings: &PlanSettings,
        regenerated_from: NaiveDate,
        kept: &BTreeSet<NaiveDate>,
    ) -> Result<(), TestCaseError> {
        // One entry per day, start to race.
        let dates: Vec<NaiveDate> = plan.workouts.iter().map(|w| w.date).collect();
        let expected: Vec<NaiveDate> = request
            .start_date
            .iter_days()
            .take_while(|d| *d <= request.goal_race_date)
            .collect();
        prop_assert_eq!(&dates, &expected);
        // Nothing but rest on an unavailable day.
        for w in &plan.workouts {
            if w.date >= regenerated_from
                && !kept.contains(&w.date)
                && !request.availability.is_available(w.date)
            {
                prop_assert_eq!(w.kind, WorkoutKind::Rest, "{} is unavailable", w.date);
            }
            prop_assert!(w.intensity_zone.is_none_or(|z| (1..=5).contains(&z)));
            prop_assert!(w.target_duration_s.is_none_or(|s| s > 0));
        }
        // The weekly increase cap, the week after a deload capped against the last non-deload week.
        let mut last_non_deload: Option<f64> = None;
        for week in &plan.weeks {
            if !week.deload {
                if let Some(last) = last_non_deload {
                    prop_assert!(
                        week.target_minutes <= last * (1.0 + settings.max_weekly_increase) + 1e-9,
                        "week {} rises from {} to {}",
                        week.index,
                        last,
                        week.target_minutes
                    );
                }
                last_non_deload = Some(week.target_minutes);
            }
        }
        // Weeks tile the plan; a taper ends on race day with the race.
        prop_assert_eq!(
            plan.weeks.first().map(|w| w.start),
            Some(request.start_date)
        );
        for pair in plan.weeks.windows(2) {
            prop_assert_eq!(pair[0].end.succ_opt(), Some(pair[1].start));
            prop_assert!(pair[0].phase <= pair[1].phase);
        }
        let taper = plan.phases.last().expect("phases");
        prop_assert_eq!(taper.kind, PhaseKind::Taper);
        prop_assert_eq!(taper.end, request.goal_race_date);
        prop_assert_eq!(plan.weeks.last().map(|w| w.phase), Some(PhaseKind::Taper));
        if !kept.contains(&request.goal_race_date) && request.goal_race_date >= regenerated_from {
            prop_assert_eq!(
                dates
                    .last()
                    .map(|_| plan.workouts[plan.workouts.len() - 1].kind),
                Some(WorkoutKind::Race)
            );
        }
        // Full weeks never plan more run days than the athlete has.
        for week in plan.weeks.iter().filter(|w| w.start >= regenerated_from) {
            let runs = plan
                .workouts
                .iter()
                .filter(|w| (week.start..=week.end).contains(&w.date) && w.kind.is_run())
                .count();
            prop_assert!(
                runs <= request.availability.days_per_week as usize,
                "week {}: {runs} runs",
                week.index
            );
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

        #[test]
        fn generated_plans_keep_every_promise(request in request_strategy(), settings in settings_strategy()) {
            let plan = generate(&request, &settings).expect("valid request");
            prop_assert_eq!(&generate(&request, &settings).expect("valid"), &plan);
            check_invariants(&plan, &request, &settings, request.start_date, &BTreeSet::new())?;
            // The long run sits on its day whenever that day is available, outside race week.
            for week in plan.weeks.iter().filter(|w| w.phase != PhaseKind::Taper || w.end < request.goal_race_date) {
                let preferred = date_in_week(week.end, request.availability.long_run_day);
                if preferred >= week.start && request.availability.is_available(preferred) && week.end != request.goal_race_date {
                    prop_assert_eq!(on(&plan, preferred).kind, WorkoutKind::LongRun, "{}", preferred);
                }
            }
        }

        #[test]
        fn regeneration_keeps_the_past_and_every_promise(
            request in request_strategy(),
            settings in settings_strategy(),
            from_offset in 0u64..300,
            keep_offsets in proptest::collection::vec(0u64..300, 0..4),
            new_off_dates in proptest::collection::vec(0u64..300, 0..10),
            adjustment_choice in 0u8..3,
            factor in 0.3..1.0_f64,
            chronic in 0.0..300.0_f64,
        ) {
            let plan = generate(&request, &settings).expect("valid request");
            let span = (request.goal_race_date - request.start_date).num_days() as u64 + 1;
            let from = request.start_date + Days::new(from_offset % (span + 3));
            let keep: Vec<NaiveDate> = keep_offsets.iter().map(|d| request.start_date + Days::new(d % span)).collect();
            let mut changed = request.clone();
            changed.current_chronic_load = chronic;
            changed.availability.unavailable_dates.extend(
                new_off_dates.iter().map(|d| from + Days::new(*d % span)).filter(|d| *d != request.goal_race_date),
            );
            let missed_long_run = plan.workouts.iter().rev().find(|w| w.date < from && w.kind == WorkoutKind::LongRun).map(|w| w.date);
            let adjustment = match (adjustment_choice, missed_long_run) {
                (1, _) => Some(Adjustment::ReduceVolume { factor, reason: "risk alert".into() }),
                (2, Some(date)) => Some(Adjustment::MissedLongRun { date }),
                _ => None,
            };
            let again = regenerate(&plan, &changed, &settings, from, &keep, adjustment.as_ref()).expect("valid");
            prop_assert_eq!(
                &regenerate(&plan, &changed, &settings, from, &keep, adjustment.as_ref()).expect("valid"),
                &again
            );
            let kept: BTreeSet<NaiveDate> = keep.iter().copied().collect();
            for w in plan.workouts.iter().filter(|w| w.date < from || kept.contains(&w.date)) {
                prop_assert_eq!(on(&again, w.date), w);
            }
            for (before, after) in plan.weeks.iter().zip(&again.weeks).filter(|(w, _)| w.end < from) {
                prop_assert_eq!(before, after);
            }
            check_invariants(&again, &changed, &settings, from, &kept)?;
        }
    }
}
