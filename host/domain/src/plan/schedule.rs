//! Scheduling each week's days: the race, the long run, quality sessions, easy runs and
//! strength, their durations and descriptions (see the module docs of [`super`]).

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Days, NaiveDate, Weekday};

use super::calendar::{Frame, frames, max_long_run_minutes, phases_of, plan_weeks};
use super::*;
use crate::validation::ValidationError;

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

pub(super) fn build(
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
pub(super) fn date_in_week(end: NaiveDate, weekday: Weekday) -> NaiveDate {
    let back = (7 + end.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
    days_before(end, u64::from(back))
}

/// `date` minus `days`, stopping at the earliest representable date.
pub(super) fn days_before(date: NaiveDate, days: u64) -> NaiveDate {
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
