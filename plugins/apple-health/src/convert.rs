//! From a parsed delivery to Stride's records, and to problems the athlete can act on.
//!
//! - Metrics become timestamped measurements (re-sending the same point replaces it, so the
//!   relay's repeats are harmless); a date-only point is placed at 12:00 UTC of its day, which
//!   is that same day in every time zone from UTC−11 to UTC+11.
//! - `sleep_analysis` in its aggregated shapes becomes one sleep per night here; in its
//!   per-stage shape it becomes [`Segment`]s, which the plugin merges with the segments it
//!   kept from earlier requests before it builds the nights (see [`crate::sleep`]).
//! - Workouts become activities: version 2 by their `id`, version 1 (no `id`) by an id
//!   derived from their start and name.
//!
//! Units are converted from what each item says; an unknown or missing unit skips that value
//! with a problem that names the metric (or workout) and the unit.

use std::collections::BTreeMap;

use stride_plugin_sdk::{
    Activity, HrvKind, Measure, Measurement, RecordItem, Samples, Sleep, Sport, UploadProblem,
};

use crate::model::{Data, List, Metric, Num, Obj, Point, Qty, Text, Workout};
use crate::sleep::{self, Segment, Stage};
use crate::time::{self, DAY_MS, Stamp, When};
use crate::units::{self, Dimension};

/// Problems listed per delivery; the rest are counted in one last line.
pub const MAX_PROBLEMS: usize = 50;

/// Problems, bounded.
#[derive(Debug, Default)]
pub struct Problems {
    list: Vec<UploadProblem>,
    more: usize,
}

impl Problems {
    /// Adds one.
    pub fn add(&mut self, item: impl Into<String>, message: impl Into<String>) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(UploadProblem {
                item: item.into(),
                message: message.into(),
            });
        } else {
            self.more += 1;
        }
    }

    /// The list, with a last line counting those left out.
    pub fn finish(mut self) -> Vec<UploadProblem> {
        if self.more > 0 {
            self.list.push(UploadProblem {
                item: "delivery".to_owned(),
                message: format!("…and {} more problems like these", self.more),
            });
        }
        self.list
    }
}

/// Points of one metric skipped for one reason: how many, and the first example.
#[derive(Debug, Default)]
struct Tally {
    by_reason: BTreeMap<&'static str, (usize, String)>,
}

impl Tally {
    fn skip(&mut self, reason: &'static str, example: String) {
        self.by_reason.entry(reason).or_insert((0, example)).0 += 1;
    }

    fn report(self, item: &str, total: usize, problems: &mut Problems) {
        for (reason, (count, example)) in self.by_reason {
            problems.add(
                item,
                format!("{count} of {total} points were skipped: {reason} (first: {example})"),
            );
        }
    }
}

/// What one delivery produced.
#[derive(Debug, Default)]
pub struct Converted {
    /// Measurements, aggregated-shape sleeps and activities.
    pub records: Vec<RecordItem>,
    /// Per-stage sleep segments, to be merged into nights.
    pub segments: Vec<Segment>,
    /// What could not be used.
    pub problems: Problems,
    /// Metrics and workouts looked at.
    pub items_done: u32,
}

/// The measure and dimension of each metric stored as measurements.
fn measure_of(name: &str) -> Option<(Measure, Dimension)> {
    Some(match name {
        "heart_rate_variability" | "heart_rate_variability_sdnn" => {
            (Measure::Hrv, Dimension::Interval)
        }
        "resting_heart_rate" => (Measure::RestingHeartRate, Dimension::HeartRate),
        "weight_body_mass" | "body_mass" => (Measure::Weight, Dimension::Mass),
        "body_fat_percentage" => (Measure::BodyFat, Dimension::Percent),
        "vo2_max" => (Measure::Vo2max, Dimension::Vo2),
        "respiratory_rate" => (Measure::RespiratoryRate, Dimension::BreathRate),
        "step_count" => (Measure::Steps, Dimension::Count),
        _ => return None,
    })
}

/// Whether Stride keeps anything of the metric `name` (others are read past).
pub fn keeps(name: &str) -> bool {
    measure_of(name).is_some() || name == "sleep_analysis"
}

fn measure_key(measure: Measure) -> u8 {
    match measure {
        Measure::Hrv => 0,
        Measure::RestingHeartRate => 1,
        Measure::Weight => 2,
        Measure::BodyFat => 3,
        Measure::Vo2max => 4,
        Measure::RespiratoryRate => 5,
        Measure::Steps => 6,
    }
}

/// The instant of a point's date: itself, or 12:00 UTC of a date-only day.
fn instant(when: When) -> i64 {
    match when {
        When::At(stamp) => stamp.ms,
        When::Day(day) => day * DAY_MS + DAY_MS / 2,
    }
}

fn describe_num(num: &Num) -> String {
    match num {
        Num::Missing => "no value".to_owned(),
        Num::Null => "null".to_owned(),
        Num::Val(v) => v.to_string(),
        Num::Bad(what) => what.clone(),
    }
}

fn describe_date(point_date: &crate::model::Date) -> String {
    match point_date {
        crate::model::Date::Missing => "no date".to_owned(),
        crate::model::Date::Null => "null".to_owned(),
        crate::model::Date::Ok(When::Day(day)) => format!("dated {}", time::format_day(*day)),
        crate::model::Date::Ok(When::At(stamp)) => {
            format!("dated {}", time::format_day(stamp.local_day()))
        }
        crate::model::Date::Bad(what) => what.clone(),
    }
}

const DATE_HINT: &str = "the date cannot be read (Stride reads e.g. 2024-02-06 14:30:00 -0800)";

/// Reports a list's cap.
fn report_cap<T>(list: &List<T>, item: &str, what: &str, problems: &mut Problems) {
    if list.skipped > 0 {
        problems.add(
            item,
            format!(
                "only the first {} of {} {what} were read; turn on Batch Requests in Health Auto \
                 Export (or choose a coarser Time Grouping) so each request is smaller",
                list.items.len(),
                list.items.len() + list.skipped
            ),
        );
    }
}

/// Converts a delivery.
pub fn convert(data: Data) -> Converted {
    let mut out = Converted::default();
    let mut measurements: BTreeMap<(u8, i64), Measurement> = BTreeMap::new();
    let mut nights: BTreeMap<i64, Sleep> = BTreeMap::new();
    let mut unused: Vec<String> = Vec::new();
    report_cap(&data.metrics, "metrics", "metrics", &mut out.problems);
    for (index, metric) in data.metrics.items.into_iter().enumerate() {
        out.items_done += 1;
        let metric = match metric {
            Obj::Ok(metric) => metric,
            Obj::Wrong(what) => {
                out.problems.add(
                    format!("metrics[{index}]"),
                    format!("this metric is {what}, not an object; it was skipped"),
                );
                continue;
            }
            Obj::Missing | Obj::Null => continue,
        };
        let Some(name) = metric.name.get().map(str::to_owned) else {
            out.problems.add(
                format!("metrics[{index}]"),
                "this metric has no name; it was skipped",
            );
            continue;
        };
        if let Some(what) = metric.data.wrong {
            out.problems.add(
                &name,
                format!("`data` is {what}, not a list of points; the metric was skipped"),
            );
            continue;
        }
        report_cap(&metric.data, &name, "points", &mut out.problems);
        if let Some((measure, dimension)) = measure_of(&name) {
            measure_points(
                &name,
                measure,
                dimension,
                &metric,
                &mut measurements,
                &mut out,
            );
        } else if name == "sleep_analysis" {
            sleep_points(&metric, &mut nights, &mut out);
        } else {
            // heart_rate, active_energy and the other metrics Stride does not keep.
            unused.push(name);
        }
    }
    if !unused.is_empty() {
        unused.truncate(20);
        log::debug!("metrics Stride does not keep: {}", unused.join(", "));
    }
    // Sized once: a delivery can hold tens of thousands of records.
    out.records = Vec::with_capacity(measurements.len() + nights.len() + data.workouts.items.len());
    out.records
        .extend(measurements.into_values().map(RecordItem::Measurement));
    out.records
        .extend(nights.into_values().map(RecordItem::Sleep));

    report_cap(&data.workouts, "workouts", "workouts", &mut out.problems);
    let mut activities: Vec<Activity> = Vec::new();
    for (index, workout) in data.workouts.items.into_iter().enumerate() {
        out.items_done += 1;
        let workout = match workout {
            Obj::Ok(workout) => workout,
            Obj::Wrong(what) => {
                out.problems.add(
                    format!("workouts[{index}]"),
                    format!("this workout is {what}, not an object; it was skipped"),
                );
                continue;
            }
            Obj::Missing | Obj::Null => continue,
        };
        if let Some(activity) = activity(index, &workout, &mut out.problems) {
            // The same workout twice in one delivery: the later copy wins.
            activities.retain(|a| a.external_id != activity.external_id);
            activities.push(activity);
        }
    }
    out.records
        .extend(activities.into_iter().map(RecordItem::Activity));
    out
}

fn measure_points(
    name: &str,
    measure: Measure,
    dimension: Dimension,
    metric: &Metric,
    measurements: &mut BTreeMap<(u8, i64), Measurement>,
    out: &mut Converted,
) {
    let total = metric.data.items.len();
    let unit = metric.units.get();
    let mut tally = Tally::default();
    for point in metric.data.items.iter() {
        let point = match point {
            Obj::Ok(point) => point,
            Obj::Wrong(what) => {
                tally.skip("a point is not an object", (*what).to_owned());
                continue;
            }
            Obj::Missing | Obj::Null => {
                tally.skip("a point is not an object", "null".to_owned());
                continue;
            }
        };
        let Some(when) = point.date.get() else {
            tally.skip(DATE_HINT, describe_date(&point.date));
            continue;
        };
        let raw = match (&point.qty, &point.avg) {
            (Num::Val(v), _) => *v,
            (Num::Missing | Num::Null, Num::Val(v)) => *v,
            (other, _) => {
                tally.skip("no usable qty", describe_num(other));
                continue;
            }
        };
        let Some(unit) = point.units.get().or(unit) else {
            match &metric.units {
                Text::Bad(what) => tally.skip(
                    "the metric's units are not a text like \"kg\"",
                    (*what).to_owned(),
                ),
                _ => tally.skip(
                    "no units are given, and Stride does not guess them",
                    format!("qty {raw}"),
                ),
            }
            continue;
        };
        let Some(value) = units::convert(dimension, unit, raw) else {
            tally.skip(
                "the unit is not one Stride knows",
                format!("\"{unit}\"; Stride reads {}", dimension.known()),
            );
            continue;
        };
        let positive = !matches!(measure, Measure::Steps | Measure::BodyFat);
        if value < 0.0 || (positive && value == 0.0) {
            tally.skip("the value is not positive", format!("{raw} {unit}"));
            continue;
        }
        let at_ms = instant(when);
        measurements.insert(
            (measure_key(measure), at_ms),
            Measurement {
                measure,
                at_ms,
                value,
                hrv_kind: (measure == Measure::Hrv).then_some(HrvKind::Sdnn),
                device: point.source.get().map(str::to_owned),
            },
        );
    }
    tally.report(name, total, &mut out.problems);
}

/// A duration field of an aggregated sleep, in minutes.
fn sleep_minutes(num: &Num, unit: Option<&str>) -> Result<Option<f64>, String> {
    match num {
        Num::Val(v) => {
            let unit = unit.ok_or("the metric has no units")?;
            let minutes = units::convert(Dimension::Duration, unit, *v).ok_or_else(|| {
                format!(
                    "the unit \"{unit}\" is not one Stride knows (it reads {})",
                    Dimension::Duration.known()
                )
            })?;
            if minutes < 0.0 {
                return Err(format!("a duration is negative ({v})"));
            }
            Ok(Some(minutes))
        }
        Num::Missing | Num::Null => Ok(None),
        Num::Bad(what) => Err(format!("a duration is {what}")),
    }
}

fn stamp(date: &crate::model::Date) -> Option<Stamp> {
    match date.get() {
        Some(When::At(stamp)) => Some(stamp),
        _ => None,
    }
}

fn sleep_points(metric: &Metric, nights: &mut BTreeMap<i64, Sleep>, out: &mut Converted) {
    let name = "sleep_analysis";
    let total = metric.data.items.len();
    let unit = metric.units.get();
    let mut tally = Tally::default();
    for point in metric.data.items.iter() {
        let point = match point {
            Obj::Ok(point) => point,
            Obj::Wrong(what) => {
                tally.skip("a point is not an object", (*what).to_owned());
                continue;
            }
            Obj::Missing | Obj::Null => {
                tally.skip("a point is not an object", "null".to_owned());
                continue;
            }
        };
        let Some(fields) = point.sleep.as_deref() else {
            tally.skip(
                "it has none of the sleep fields",
                describe_date(&point.date),
            );
            continue;
        };
        // The per-stage shape: one segment per stage.
        if !matches!(fields.value, Text::Missing)
            || !matches!(fields.start_date, crate::model::Date::Missing)
        {
            let (Some(start), Some(end)) = (stamp(&fields.start_date), stamp(&fields.end_date))
            else {
                tally.skip(DATE_HINT, describe_date(&fields.start_date));
                continue;
            };
            let Some(stage) = fields.value.get().and_then(Stage::parse) else {
                tally.skip(
                    "the stage is not one Stride knows (Core, Deep, REM, Awake, Asleep, In Bed)",
                    format!("{:?}", fields.value.get().unwrap_or("none")),
                );
                continue;
            };
            if end.ms <= start.ms || end.ms - start.ms > DAY_MS {
                tally.skip(
                    "the segment ends before it starts or lasts over a day",
                    format!("{} ms", end.ms - start.ms),
                );
                continue;
            }
            out.segments.push(Segment {
                start_ms: start.ms,
                end_ms: end.ms,
                stage,
                offset_s: start.offset_s,
            });
            continue;
        }
        // The aggregated shapes: one night per point.
        match aggregated_night(point, fields, unit) {
            Ok((day, sleep)) => {
                nights.insert(day, sleep);
            }
            Err((reason, example)) => tally.skip(reason, example),
        }
    }
    tally.report(name, total, &mut out.problems);
}

type Skip = (&'static str, String);

fn aggregated_night(
    point: &Point,
    fields: &crate::model::SleepFields,
    unit: Option<&str>,
) -> Result<(i64, Sleep), Skip> {
    let minutes = |num: &Num| sleep_minutes(num, unit).map_err(|why| ("a value is unusable", why));
    let total = minutes(&fields.total_sleep)?;
    let asleep = minutes(&fields.asleep)?;
    let core = minutes(&fields.core)?;
    let deep = minutes(&fields.deep)?;
    let rem = minutes(&fields.rem)?;
    let awake = minutes(&fields.awake)?;
    let in_bed = minutes(&fields.in_bed)?;
    // Current shape: totalSleep. Older shape: asleep. Failing both, the stages.
    let staged = [core, deep, rem];
    let asleep_min = total.or(asleep).or_else(|| {
        staged
            .iter()
            .any(Option::is_some)
            .then(|| staged.iter().flatten().sum())
    });
    let Some(asleep_min) = asleep_min else {
        return Err((
            "it has no sleep duration (totalSleep, asleep or stages)",
            describe_date(&point.date),
        ));
    };
    let start = stamp(&fields.sleep_start).or_else(|| stamp(&fields.in_bed_start));
    let end = stamp(&fields.sleep_end).or_else(|| stamp(&fields.in_bed_end));
    // Dated by the day it ended, in its own offset; else by its `date`.
    let day = match (end, point.date.get()) {
        (Some(end), _) => end.local_day(),
        (None, Some(When::Day(day))) => day,
        (None, Some(When::At(stamp))) => stamp.local_day(),
        (None, None) => return Err((DATE_HINT, describe_date(&point.date))),
    };
    let whole = |m: Option<f64>| m.map(|m| m.round() as i32);
    let sleep = Sleep {
        summary_id: Some(sleep::summary_id(day)),
        date: time::format_day(day),
        start_ms: start.map(|s| s.ms),
        end_ms: end.map(|s| s.ms),
        asleep_min: asleep_min.round() as i32,
        in_bed_min: whole(in_bed),
        deep_min: whole(deep),
        light_min: whole(core),
        rem_min: whole(rem),
        awake_min: whole(awake),
        score: None,
        quality: None,
        final_: true,
    };
    Ok((day, sleep))
}

/// The sport of Apple's workout type name.
pub fn sport_of(name: &str) -> Sport {
    let n = name.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| n.contains(w));
    if has(&["trail"]) && has(&["run"]) {
        Sport::TrailRun
    } else if has(&["run", "jog"]) && !has(&["wheelchair"]) {
        Sport::Run
    } else if has(&["hik"]) {
        Sport::Hike
    } else if has(&["walk"]) {
        Sport::Walk
    } else if has(&["mountain bik", "mtb"]) {
        Sport::MountainBikeRide
    } else if has(&["virtual"]) && has(&["cycl", "bik", "ride"]) {
        Sport::VirtualRide
    } else if has(&["cycl", "bik", "ride"]) {
        Sport::Ride
    } else if has(&["swim"]) {
        Sport::Swim
    } else if has(&["row"]) {
        Sport::Row
    } else if has(&["cross country ski", "cross-country ski", "nordic"]) {
        Sport::NordicSki
    } else if has(&["downhill", "snowboard", "alpine"]) {
        Sport::AlpineSki
    } else if has(&["strength", "weight", "core training"]) {
        Sport::Strength
    } else if has(&["yoga", "pilates", "mind and body", "flexibility"]) {
        Sport::Yoga
    } else if has(&[
        "elliptical",
        "stair",
        "hiit",
        "high intensity",
        "cardio",
        "jump rope",
        "kickboxing",
        "step training",
    ]) {
        Sport::Cardio
    } else if has(&["paddl", "kayak", "canoe", "surf"]) {
        Sport::Paddle
    } else if has(&["climb", "boulder"]) {
        Sport::Climb
    } else if has(&[
        "soccer",
        "football",
        "basketball",
        "tennis",
        "volleyball",
        "hockey",
        "rugby",
        "badminton",
        "squash",
        "pickleball",
        "baseball",
        "softball",
        "cricket",
        "handball",
        "lacrosse",
        "racquetball",
        "padel",
    ]) {
        Sport::TeamSport
    } else {
        Sport::Other
    }
}

/// `v1-<start ms>-<name>`: a stable id for a version-1 workout, which has none of its own.
fn derived_id(start_ms: i64, name: &str) -> String {
    let slug: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("v1-{start_ms}-{}", slug.trim_matches('-'))
}

/// A `{qty, units}` converted, or a problem naming the field and unit.
fn quantity(
    field: &str,
    value: &Obj<Qty>,
    dimension: Dimension,
    item: &str,
    problems: &mut Problems,
) -> Option<f64> {
    let qty = match value {
        Obj::Ok(qty) => qty,
        Obj::Missing | Obj::Null => return None,
        Obj::Wrong(what) => {
            problems.add(
                item,
                format!("`{field}` is {what}, not {{qty, units}}; the workout was kept without it"),
            );
            return None;
        }
    };
    let raw = match &qty.qty {
        Num::Val(v) => *v,
        Num::Missing | Num::Null => return None,
        Num::Bad(what) => {
            problems.add(
                item,
                format!("`{field}` is {what}; the workout was kept without it"),
            );
            return None;
        }
    };
    let Some(unit) = qty.units.get() else {
        problems.add(
            item,
            format!("`{field}` has no units; the workout was kept without it"),
        );
        return None;
    };
    match units::convert(dimension, unit, raw) {
        Some(v) if v >= 0.0 => Some(v),
        Some(_) => {
            problems.add(
                item,
                format!("`{field}` is negative ({raw} {unit}); the workout was kept without it"),
            );
            None
        }
        None => {
            problems.add(
                item,
                format!(
                    "`{field}` is in \"{unit}\", a unit Stride does not know (it reads {}); the \
                     workout was kept without it",
                    dimension.known()
                ),
            );
            None
        }
    }
}

fn activity(index: usize, workout: &Workout, problems: &mut Problems) -> Option<Activity> {
    let name = workout.name.get().unwrap_or("Workout").to_owned();
    let start = stamp(&workout.start);
    let label = workout
        .id
        .get()
        .map(str::to_owned)
        .unwrap_or_else(|| format!("workouts[{index}] ({name})"));
    let Some(start) = start else {
        problems.add(
            &label,
            format!(
                "the start {} cannot be read as a time with its UTC offset (e.g. 2024-02-06 \
                 07:00:00 -0800); the workout was skipped",
                describe_date(&workout.start)
            ),
        );
        return None;
    };
    let external_id = workout
        .id
        .get()
        .map(str::to_owned)
        .unwrap_or_else(|| derived_id(start.ms, &name));
    let end = stamp(&workout.end).filter(|end| end.ms > start.ms);
    let moving = workout.duration.value().filter(|d| *d > 0.0);
    let duration_s = match (end, moving) {
        (Some(end), _) => (end.ms - start.ms + 500) / 1000,
        (None, Some(d)) => d.round() as i64,
        (None, None) => 0,
    };
    if duration_s <= 0 {
        problems.add(
            &label,
            "the workout has neither an end after its start nor a positive duration; it was skipped",
        );
        return None;
    }
    let mut activity = Activity::new(external_id, sport_of(&name), name, start.ms, duration_s);
    activity.sport_detail = workout.name.get().map(str::to_owned);
    activity.utc_offset_s = Some(start.offset_s);
    activity.moving_time_s = moving
        .map(|d| d.round() as i64)
        .filter(|d| *d > 0 && *d <= duration_s);
    activity.distance_m = quantity(
        "distance",
        &workout.distance,
        Dimension::Distance,
        &label,
        problems,
    );
    activity.elevation_gain_m = quantity(
        "elevationUp",
        &workout.elevation_up,
        Dimension::Height,
        &label,
        problems,
    )
    .or_else(|| {
        let elevation = workout.elevation.get()?;
        let qty = Obj::Ok(Qty {
            qty: elevation.ascent.clone(),
            units: elevation.units.clone(),
        });
        quantity(
            "elevation.ascent",
            &qty,
            Dimension::Height,
            &label,
            problems,
        )
    });
    activity.energy_kcal = quantity(
        "activeEnergyBurned",
        &workout.active_energy_burned,
        Dimension::Energy,
        &label,
        problems,
    )
    .or_else(|| {
        quantity(
            "activeEnergy",
            &workout.active_energy,
            Dimension::Energy,
            &label,
            problems,
        )
    });
    for (field, wrong) in [
        ("heartRateData", workout.heart_rate_data.wrong),
        ("route", workout.route.wrong),
        (
            "heartRate",
            match workout.heart_rate {
                Obj::Wrong(what) => Some(what),
                _ => None,
            },
        ),
    ] {
        if let Some(what) = wrong {
            problems.add(
                &label,
                format!("`{field}` is {what}; the workout was kept without it"),
            );
        }
    }
    let summary = workout.heart_rate.get();
    activity.avg_hr = summary
        .and_then(|hr| {
            quantity(
                "heartRate.avg",
                &hr.avg,
                Dimension::HeartRate,
                &label,
                problems,
            )
        })
        .or_else(|| {
            quantity(
                "avgHeartRate",
                &workout.avg_heart_rate,
                Dimension::HeartRate,
                &label,
                problems,
            )
        });
    activity.max_hr = summary
        .and_then(|hr| {
            quantity(
                "heartRate.max",
                &hr.max,
                Dimension::HeartRate,
                &label,
                problems,
            )
        })
        .or_else(|| {
            quantity(
                "maxHeartRate",
                &workout.max_heart_rate,
                Dimension::HeartRate,
                &label,
                problems,
            )
        });
    // The unit heart-rate samples are in when they do not say.
    let summary_unit = summary
        .and_then(|hr| hr.avg.get().or(hr.max.get()))
        .or(workout.avg_heart_rate.get())
        .and_then(|q| q.units.get().map(str::to_owned));
    let heart = heart_samples(workout, start.ms, summary_unit.as_deref(), &label, problems);
    if activity.avg_hr.is_none() && !heart.is_empty() {
        activity.avg_hr = Some(heart.iter().map(|(_, v)| v).sum::<f64>() / heart.len() as f64);
    }
    activity.device = workout.source.get().map(str::to_owned).or_else(|| {
        workout
            .heart_rate_data
            .items
            .iter()
            .find_map(|p| p.get().and_then(|p| p.source.get().map(str::to_owned)))
    });
    report_cap(
        &workout.heart_rate_data,
        &label,
        "heart-rate samples",
        problems,
    );
    report_cap(&workout.route, &label, "route points", problems);
    activity.samples = samples(workout, start.ms, start.ms + duration_s * 1000, &heart);
    if let Err(why) = activity.check() {
        problems.add(&label, format!("the workout is not usable: {why}"));
        return None;
    }
    Some(activity)
}

/// The workout's heart-rate samples as (ms since the epoch, bpm), sorted.
fn heart_samples(
    workout: &Workout,
    start_ms: i64,
    summary_unit: Option<&str>,
    label: &str,
    problems: &mut Problems,
) -> Vec<(i64, f64)> {
    let mut out = Vec::new();
    let mut unusable = 0usize;
    let mut bad_unit: Option<String> = None;
    for point in workout.heart_rate_data.items.iter().filter_map(Obj::get) {
        let (Some(When::At(at)), Some(raw)) =
            (point.date.get(), point.avg.value().or(point.qty.value()))
        else {
            unusable += 1;
            continue;
        };
        let Some(unit) = point.units.get().or(summary_unit) else {
            bad_unit.get_or_insert_with(|| "no units".to_owned());
            continue;
        };
        match units::convert(Dimension::HeartRate, unit, raw) {
            Some(bpm) if bpm > 0.0 && at.ms >= start_ms - 60_000 => out.push((at.ms, bpm)),
            Some(_) => unusable += 1,
            None => {
                bad_unit.get_or_insert_with(|| format!("the unit \"{unit}\""));
            }
        }
    }
    if let Some(what) = bad_unit {
        problems.add(
            label,
            format!(
                "heart-rate samples with {what} were skipped (Stride reads {})",
                Dimension::HeartRate.known()
            ),
        );
    }
    if unusable > 0 {
        log::debug!("{label}: {unusable} heart-rate samples without a date or value");
    }
    out.sort_by_key(|(t, _)| *t);
    out.dedup_by_key(|(t, _)| *t);
    out
}

/// Linear interpolation of sorted (t, v) at `t`, clamped at the ends.
fn interpolate(series: &[(i64, f64)], t: i64) -> f64 {
    let i = series.partition_point(|(at, _)| *at <= t);
    match (i.checked_sub(1).and_then(|j| series.get(j)), series.get(i)) {
        (Some(&(t0, v0)), Some(&(t1, v1))) if t1 > t0 => {
            v0 + (v1 - v0) * (t - t0) as f64 / (t1 - t0) as f64
        }
        (Some(&(_, v)), _) | (None, Some(&(_, v))) => v,
        (None, None) => 0.0,
    }
}

/// Great-circle distance in metres (mean Earth radius 6 371 008.8 m).
fn haversine(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1) = (a.0.to_radians(), a.1.to_radians());
    let (la2, lo2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6_371_008.8 * h.sqrt().asin()
}

/// The recorded series: on the route's timestamps when it has them (heart rate interpolated
/// onto them), else on the heart-rate samples' own. A channel is given only when every point
/// has it (Apple marks an unknown speed with a negative value).
fn samples(workout: &Workout, start_ms: i64, end_ms: i64, heart: &[(i64, f64)]) -> Option<Samples> {
    let in_range = |t: i64| t >= start_ms - 60_000 && t <= end_ms + 60_000;
    let mut route: Vec<(i64, &crate::model::RoutePoint)> = workout
        .route
        .items
        .iter()
        .filter_map(Obj::get)
        .filter_map(|p| match p.timestamp.get() {
            Some(When::At(at)) if in_range(at.ms) => Some((at.ms, p)),
            _ => None,
        })
        .collect();
    route.sort_by_key(|(t, _)| *t);
    route.dedup_by_key(|(t, _)| *t);
    let seconds = |t: i64| ((t - start_ms).max(0)) as f64 / 1000.0;
    if route.len() >= 2 {
        let speed: Option<Vec<f64>> = route
            .iter()
            .map(|(_, p)| p.speed.value().filter(|s| *s >= 0.0))
            .collect();
        let altitude: Option<Vec<f64>> = route.iter().map(|(_, p)| p.altitude.value()).collect();
        let positions: Option<Vec<(f64, f64)>> = route
            .iter()
            .map(|(_, p)| {
                let (lat, lon) = (p.lat.value()?, p.lon.value()?);
                ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon))
                    .then_some((lat, lon))
            })
            .collect();
        let distance = positions.map(|positions| {
            let mut total = 0.0;
            let mut out = Vec::with_capacity(positions.len());
            for (i, p) in positions.iter().enumerate() {
                if i > 0 {
                    total += haversine(positions[i - 1], *p);
                }
                out.push(total);
            }
            out
        });
        let heart_rate = (!heart.is_empty())
            .then(|| route.iter().map(|(t, _)| interpolate(heart, *t)).collect());
        return Some(Samples {
            time_s: route.iter().map(|(t, _)| seconds(*t)).collect(),
            heart_rate,
            speed_mps: speed,
            distance_m: distance,
            altitude_m: altitude,
            power_w: None,
            cadence: None,
        });
    }
    let heart: Vec<&(i64, f64)> = heart.iter().filter(|(t, _)| in_range(*t)).collect();
    if heart.is_empty() {
        return None;
    }
    Some(Samples {
        time_s: heart.iter().map(|(t, _)| seconds(*t)).collect(),
        heart_rate: Some(heart.iter().map(|(_, v)| *v).collect()),
        speed_mps: None,
        distance_m: None,
        altitude_m: None,
        power_w: None,
        cadence: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(body: &str) -> Converted {
        let parsed = crate::model::parse(body.as_bytes()).expect("parses");
        convert(parsed.data)
    }

    fn measurements(out: &Converted) -> Vec<&Measurement> {
        out.records
            .iter()
            .filter_map(|r| match r {
                RecordItem::Measurement(m) => Some(m),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn count_per_min_and_bpm_agree() {
        let out = run(r#"{"data": {"metrics": [
            {"name": "resting_heart_rate", "units": "count/min",
             "data": [{"date": "2024-02-06 07:00:00 -0800", "qty": 52}]},
            {"name": "resting_heart_rate", "units": "bpm",
             "data": [{"date": "2024-02-07 07:00:00 -0800", "qty": 53.5}]}]}}"#);
        let m = measurements(&out);
        assert_eq!(m.len(), 2);
        assert_eq!((m[0].value, m[1].value), (52.0, 53.5));
        assert!(out.problems.finish().is_empty());
    }

    #[test]
    fn an_unknown_unit_is_a_problem_of_that_metric_only() {
        let out = run(r#"{"data": {"metrics": [
            {"name": "weight_body_mass", "units": "furlongs",
             "data": [{"date": "2024-02-06 07:00:00 -0800", "qty": 1}]},
            {"name": "weight_body_mass", "units": "lb",
             "data": [{"date": "2024-02-06 07:00:00 -0800", "qty": 165}]}]}}"#);
        let m = measurements(&out);
        assert_eq!(m.len(), 1);
        assert!((m[0].value - 74.842_741_05).abs() < 1e-6);
        let problems = out.problems.finish();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].item, "weight_body_mass");
        assert!(problems[0].message.contains("\"furlongs\""), "{problems:?}");
    }

    #[test]
    fn hrv_is_sdnn_and_repeats_collapse() {
        let out = run(r#"{"data": {"metrics": [
            {"name": "heart_rate_variability", "units": "ms", "data": [
              {"date": "2024-02-06 03:00:00 -0800", "qty": 41.2, "source": "Apple Watch"},
              {"date": "2024-02-06 03:00:00 -0800", "qty": 41.2, "source": "Apple Watch"}]}]}}"#);
        let m = measurements(&out);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].hrv_kind, Some(HrvKind::Sdnn));
        assert_eq!(m[0].device.as_deref(), Some("Apple Watch"));
    }

    #[test]
    fn sports() {
        assert_eq!(sport_of("Outdoor Run"), Sport::Run);
        assert_eq!(sport_of("Running"), Sport::Run);
        assert_eq!(sport_of("Trail Running"), Sport::TrailRun);
        assert_eq!(sport_of("Outdoor Walk"), Sport::Walk);
        assert_eq!(sport_of("Hiking"), Sport::Hike);
        assert_eq!(sport_of("Indoor Cycling"), Sport::Ride);
        assert_eq!(sport_of("Pool Swim"), Sport::Swim);
        assert_eq!(sport_of("Indoor Rowing"), Sport::Row);
        assert_eq!(sport_of("Traditional Strength Training"), Sport::Strength);
        assert_eq!(sport_of("High Intensity Interval Training"), Sport::Cardio);
        assert_eq!(sport_of("Tennis"), Sport::TeamSport);
        assert_eq!(sport_of("Tai Chi"), Sport::Other);
    }

    #[test]
    fn interpolation_and_distance() {
        let series = [(0, 100.0), (10_000, 120.0)];
        assert_eq!(interpolate(&series, 5_000), 110.0);
        assert_eq!(interpolate(&series, -5), 100.0);
        assert_eq!(interpolate(&series, 20_000), 120.0);
        // One degree of latitude on the mean sphere: 6371008.8 × π / 180 = 111195.08 m.
        assert!((haversine((0.0, 0.0), (1.0, 0.0)) - 111_195.08).abs() < 0.1);
    }
}
