//! Garmin's Health and Activity API summaries as they arrive (push bodies and pull answers),
//! and their mapping onto Stride's records.
//!
//! Units, checked against the recorded payloads in `shared/fixtures/garmin`:
//! - every time is `…InSeconds` since the epoch (UTC), with a separate
//!   `startTimeOffsetInSeconds` (the athlete's offset from UTC, seconds);
//! - durations are seconds (sleep stages too; Stride wants minutes);
//! - `bodyComps` weigh in grams (`weightInGrams`: 75450 → 75.45 kg);
//! - `hrv.lastNightAvg` is the overnight RMSSD in milliseconds;
//! - `averageRunCadenceInStepsPerMinute` is, despite its name, per leg: the documented example
//!   has 84 with 5022 steps in 1789 s (168 steps/min), so it is doubled;
//! - `averagePaceInMinutesPerKilometer` disagrees with the speed in every example and is not
//!   used; speeds are m/s, distances metres (a distance that could not be covered in the
//!   elapsed time at the average speed is dropped);
//! - stress values below zero mean "off wrist / moving" and are skipped.

use serde::Deserialize;
use serde_json::Value;
use stride_plugin_sdk::{
    Activity, DailySummary, Hrv, HrvKind, Lap, Measure, Measurement, Samples, Sleep, Sport,
};

/// A number that may arrive as a JSON number or a numeric string; anything else is `None`.
fn num(value: Option<&Value>) -> Option<f64> {
    match value? {
        Value::Number(n) => n.as_f64().filter(|v| v.is_finite()),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|v| v.is_finite()),
        _ => None,
    }
}

fn int(value: Option<&Value>) -> Option<i64> {
    num(value).map(|v| v.round() as i64)
}

fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A Garmin summary, read leniently: a field of the wrong type counts as absent.
pub struct Item<'a>(pub &'a Value);

impl Item<'_> {
    fn f(&self, key: &str) -> Option<f64> {
        num(self.0.get(key))
    }

    fn i(&self, key: &str) -> Option<i64> {
        int(self.0.get(key))
    }

    fn s(&self, key: &str) -> Option<String> {
        text(self.0.get(key))
    }

    /// The summary's id (`summaryId`).
    pub fn summary_id(&self) -> Option<String> {
        self.s("summaryId")
    }

    /// The athlete's calendar day: `calendarDate` when given, else the local day of `start`.
    fn calendar_date(&self, start_key: &str, offset_key: &str) -> Option<String> {
        if let Some(date) = self.s("calendarDate").filter(|d| valid_date(d)) {
            return Some(date);
        }
        let start = self.i(start_key)?;
        let offset = self.i(offset_key).unwrap_or(0);
        Some(civil_date((start + offset).div_euclid(86_400)))
    }
}

/// Whether `text` is a `YYYY-MM-DD` date.
pub fn valid_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 3
        && parts[0].len() == 4
        && parts[1].len() == 2
        && parts[2].len() == 2
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
        && parts[1].parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))
        && parts[2].parse::<u32>().is_ok_and(|d| (1..=31).contains(&d))
}

/// `YYYY-MM-DD` of a day number (days since 1970-01-01), Howard Hinnant's algorithm.
pub fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date.
pub fn days_from_civil(date: &str) -> Option<i64> {
    if !valid_date(date) {
        return None;
    }
    let mut parts = date.split('-').map(|p| p.parse::<i64>());
    let (year, month, day) = (
        parts.next()?.ok()?,
        parts.next()?.ok()?,
        parts.next()?.ok()?,
    );
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// Maps Garmin's activity types (Health/Activity API names, `_V2` and `_WS` variants
/// included) onto Stride's sports. Unknown names fall back by family, then to `Other`.
pub fn sport(name: &str) -> Sport {
    let n = name.trim().to_ascii_uppercase().replace([' ', '-'], "_");
    let n = n
        .strip_suffix("_V2")
        .or_else(|| n.strip_suffix("_WS"))
        .unwrap_or(&n);
    match n {
        "TRAIL_RUNNING" | "ULTRA_RUN" | "OBSTACLE_RUN" => Sport::TrailRun,
        "RUNNING" | "STREET_RUNNING" | "TRACK_RUNNING" | "TREADMILL_RUNNING" | "INDOOR_RUNNING"
        | "VIRTUAL_RUN" | "INDOOR_TRACK" => Sport::Run,
        "WALKING" | "CASUAL_WALKING" | "SPEED_WALKING" | "INDOOR_WALKING" => Sport::Walk,
        "HIKING" | "SNOW_SHOE" | "RUCKING" => Sport::Hike,
        "VIRTUAL_RIDE" | "INDOOR_CYCLING" | "INDOOR_HANDCYCLING" => Sport::VirtualRide,
        "MOUNTAIN_BIKING" | "DOWNHILL_BIKING" | "E_BIKE_MOUNTAIN" | "ENDURO_MTB" => {
            Sport::MountainBikeRide
        }
        "CYCLING" | "ROAD_BIKING" | "GRAVEL_CYCLING" | "CYCLOCROSS" | "TRACK_CYCLING"
        | "RECUMBENT_CYCLING" | "E_BIKE_FITNESS" | "BMX" | "HANDCYCLING" | "BIKE_COMMUTING"
        | "BIKE_TOURING" => Sport::Ride,
        "SWIMMING" | "LAP_SWIMMING" | "OPEN_WATER_SWIMMING" => Sport::Swim,
        "ROWING" | "INDOOR_ROWING" => Sport::Row,
        "CROSS_COUNTRY_SKIING"
        | "SKATE_SKIING"
        | "BACKCOUNTRY_SKIING_SNOWBOARDING"
        | "BACKCOUNTRY_SKIING" => Sport::NordicSki,
        "RESORT_SKIING_SNOWBOARDING" | "RESORT_SKIING" | "RESORT_SNOWBOARDING" => Sport::AlpineSki,
        "STRENGTH_TRAINING" => Sport::Strength,
        "YOGA" | "PILATES" | "BREATHWORK" => Sport::Yoga,
        "ELLIPTICAL" | "STAIR_CLIMBING" | "INDOOR_CARDIO" | "HIIT" | "FITNESS_EQUIPMENT"
        | "FLOOR_CLIMBING" | "JUMP_ROPE" => Sport::Cardio,
        "PADDLING"
        | "KAYAKING"
        | "STAND_UP_PADDLEBOARDING"
        | "WHITEWATER_RAFTING_KAYAKING"
        | "CANOEING" => Sport::Paddle,
        "ROCK_CLIMBING" | "INDOOR_CLIMBING" | "BOULDERING" | "MOUNTAINEERING" => Sport::Climb,
        "SOCCER" | "AMERICAN_FOOTBALL" | "BASKETBALL" | "BASEBALL" | "SOFTBALL" | "CRICKET"
        | "FIELD_HOCKEY" | "ICE_HOCKEY" | "LACROSSE" | "RUGBY" | "VOLLEYBALL" | "ULTIMATE_DISC"
        | "TENNIS" | "PADEL" | "PICKLEBALL" | "SQUASH" | "BADMINTON" | "RACQUETBALL"
        | "TABLE_TENNIS" | "PLATFORM_TENNIS" => Sport::TeamSport,
        other if other.contains("TRAIL") => Sport::TrailRun,
        other if other.contains("RUN") => Sport::Run,
        other if other.contains("MOUNTAIN_BIK") => Sport::MountainBikeRide,
        other if other.contains("CYCLING") || other.contains("BIK") => Sport::Ride,
        other if other.contains("SWIM") => Sport::Swim,
        other if other.contains("WALK") => Sport::Walk,
        other if other.contains("ROW") => Sport::Row,
        other if other.contains("PADDL") || other.contains("KAYAK") => Sport::Paddle,
        _ => Sport::Other,
    }
}

/// "TRAIL_RUNNING" → "Trail running", for an activity without a name.
fn title(kind: &str) -> String {
    let lower = kind.replace('_', " ").to_ascii_lowercase();
    let mut chars = lower.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => "Workout".to_owned(),
    }
}

/// What an activity summary says about itself before it becomes a record.
pub enum ActivityKind {
    /// A workout (possibly one leg of a multisport activity).
    Workout(Box<Activity>),
    /// The parent of a multisport activity: its legs are the workouts, it is not stored.
    MultisportParent,
}

/// An `activities` item, or the `summary` of an `activityDetails` item (with the details'
/// `samples` and `laps`).
pub fn activity(item: &Value) -> Result<ActivityKind, String> {
    let outer = Item(item);
    // activityDetails nest the summary; the ids stay on the outer item.
    let summary = item
        .get("summary")
        .filter(|s| s.is_object())
        .unwrap_or(item);
    let s = Item(summary);
    if summary.get("isParent").and_then(Value::as_bool) == Some(true) {
        return Ok(ActivityKind::MultisportParent);
    }
    let id = outer
        .s("activityId")
        .or_else(|| s.s("activityId"))
        .or_else(|| outer.summary_id())
        .ok_or("the activity has neither activityId nor summaryId")?;
    let start_s = s
        .i("startTimeInSeconds")
        .ok_or_else(|| format!("activity {id} has no startTimeInSeconds"))?;
    let duration_s = s
        .i("durationInSeconds")
        .filter(|d| *d > 0)
        .ok_or_else(|| format!("activity {id} has no positive durationInSeconds"))?;
    let kind = s.s("activityType").unwrap_or_else(|| "OTHER".to_owned());
    let name = s
        .s("activityName")
        .or_else(|| outer.s("activityName"))
        .unwrap_or_else(|| title(&kind));
    let sport = sport(&kind);
    let mut activity = Activity::new(id, sport, name, start_s * 1000, duration_s);
    activity.sport_detail = Some(kind);
    activity.utc_offset_s = s
        .i("startTimeOffsetInSeconds")
        .and_then(|o| i32::try_from(o).ok())
        .filter(|o| o.abs() <= 18 * 3600);
    activity.moving_time_s = s.i("movingDurationInSeconds").filter(|m| *m > 0);
    activity.distance_m = s.f("distanceInMeters").filter(|d| *d >= 0.0);
    // Covering the distance in the elapsed time can never need more than the average (moving)
    // speed; Garmin's own documented example has a 519 km "run" at 2.9 m/s. Such a distance
    // is not stored rather than stored wrong.
    if let (Some(distance), Some(speed)) = (
        activity.distance_m,
        s.f("averageSpeedInMetersPerSecond").filter(|v| *v > 0.0),
    ) && distance / duration_s as f64 > speed * 1.5 + 0.5
    {
        log::warn!(
            "activity {}: {distance} m in {duration_s} s contradicts its average speed {speed} m/s; distance dropped",
            activity.external_id
        );
        activity.distance_m = None;
    }
    activity.elevation_gain_m = s.f("totalElevationGainInMeters").filter(|d| *d >= 0.0);
    activity.avg_hr = s.f("averageHeartRateInBeatsPerMinute").filter(|v| *v > 0.0);
    activity.max_hr = s.f("maxHeartRateInBeatsPerMinute").filter(|v| *v > 0.0);
    activity.avg_power_w = s.f("averagePowerInWatts").filter(|v| *v > 0.0);
    activity.avg_cadence = s
        .f("averageRunCadenceInStepsPerMinute")
        .map(|per_leg| per_leg * 2.0)
        .or_else(|| s.f("averageBikeCadenceInRoundsPerMinute"))
        .or_else(|| s.f("averageSwimCadenceInStrokesPerMinute"))
        .filter(|v| *v > 0.0);
    activity.energy_kcal = s.f("activeKilocalories").filter(|v| *v >= 0.0);
    activity.device = s.s("deviceName");
    activity.parent_external_id = s
        .s("parentSummaryId")
        .or_else(|| outer.s("parentSummaryId"));
    if let Some(samples) = item.get("samples").and_then(Value::as_array) {
        activity.samples = samples_of(samples, start_s, duration_s);
    }
    if let Some(laps) = item.get("laps").and_then(Value::as_array) {
        activity.laps = laps_of(laps, start_s, duration_s, activity.samples.as_ref());
    }
    activity.check()?;
    Ok(ActivityKind::Workout(Box::new(activity)))
}

/// One channel of the samples: the value of `key` in each sample, gaps filled with the
/// nearest earlier value (leading gaps with the first one); none if no sample has it.
fn channel(samples: &[&Value], keys: &[&str], scale: f64) -> Option<Vec<f64>> {
    let raw: Vec<Option<f64>> = samples
        .iter()
        .map(|s| keys.iter().find_map(|k| num(s.get(*k))).map(|v| v * scale))
        .collect();
    let first = raw.iter().flatten().next().copied()?;
    let mut last = first;
    Some(
        raw.into_iter()
            .map(|v| {
                if let Some(v) = v {
                    last = v;
                }
                last
            })
            .collect(),
    )
}

/// Samples within the activity (a sample stamped outside it, as in Garmin's own documented
/// example, is dropped), ordered by time.
fn samples_of(samples: &[Value], start_s: i64, duration_s: i64) -> Option<Samples> {
    let mut kept: Vec<(f64, &Value)> = samples
        .iter()
        .filter_map(|sample| {
            let at = num(sample.get("startTimeInSeconds"))?;
            let offset = at - start_s as f64;
            (0.0..=duration_s as f64 + 60.0)
                .contains(&offset)
                .then_some((offset, sample))
        })
        .collect();
    if kept.len() < samples.len() {
        log::warn!(
            "dropped {} of {} samples stamped outside the activity",
            samples.len() - kept.len(),
            samples.len()
        );
    }
    if kept.is_empty() {
        return None;
    }
    kept.sort_by(|a, b| a.0.total_cmp(&b.0));
    let values: Vec<&Value> = kept.iter().map(|(_, v)| *v).collect();
    let cadence = channel(
        &values,
        &["bikeCadenceInRPM", "swimCadenceInStrokesPerMinute"],
        1.0,
    )
    .or_else(|| channel(&values, &["stepsPerMinute"], 1.0));
    Some(Samples {
        time_s: kept.iter().map(|(t, _)| *t).collect(),
        heart_rate: channel(&values, &["heartRate"], 1.0),
        speed_mps: channel(&values, &["speedMetersPerSecond"], 1.0),
        distance_m: channel(&values, &["totalDistanceInMeters"], 1.0),
        altitude_m: channel(&values, &["elevationInMeters"], 1.0),
        power_w: channel(&values, &["powerInWatts"], 1.0),
        cadence,
    })
}

/// Laps from their start times (Garmin gives only those): each lasts until the next one or
/// the activity's end; distance and heart rate come from the samples within it.
fn laps_of(laps: &[Value], start_s: i64, duration_s: i64, samples: Option<&Samples>) -> Vec<Lap> {
    let mut starts: Vec<f64> = laps
        .iter()
        .filter_map(|lap| num(lap.get("startTimeInSeconds")))
        .map(|at| at - start_s as f64)
        .filter(|offset| (0.0..duration_s as f64).contains(offset))
        .collect();
    starts.sort_by(f64::total_cmp);
    starts.dedup();
    let end = duration_s as f64;
    starts
        .iter()
        .enumerate()
        .map(|(i, &from)| {
            let to = starts.get(i + 1).copied().unwrap_or(end);
            let mut lap = Lap {
                start_s: from,
                duration_s: to - from,
                distance_m: None,
                avg_hr: None,
                max_hr: None,
                avg_power_w: None,
                avg_cadence: None,
            };
            if let Some(samples) = samples {
                let inside: Vec<usize> = samples
                    .time_s
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| **t >= from && **t <= to)
                    .map(|(i, _)| i)
                    .collect();
                if let (Some(&a), Some(&b)) = (inside.first(), inside.last()) {
                    let mean = |values: &Vec<f64>| {
                        inside.iter().map(|&i| values[i]).sum::<f64>() / inside.len() as f64
                    };
                    if let Some(distance) = &samples.distance_m {
                        lap.distance_m = Some((distance[b] - distance[a]).max(0.0));
                    }
                    if let Some(hr) = &samples.heart_rate {
                        lap.avg_hr = Some(mean(hr));
                        lap.max_hr = inside.iter().map(|&i| hr[i]).reduce(f64::max);
                    }
                    lap.avg_power_w = samples.power_w.as_ref().map(mean);
                    lap.avg_cadence = samples.cadence.as_ref().map(mean);
                }
            }
            lap
        })
        .collect()
}

/// What a `dailies` item says about the day.
#[derive(Debug, Default, Clone, serde::Serialize, Deserialize)]
pub struct DayParts {
    /// From `dailies`.
    pub resting_hr: Option<f64>,
    pub stress_score: Option<i32>,
    pub steps: Option<i64>,
    pub active_kcal: Option<f64>,
    /// From `dailies` (newer payloads) or `stressDetails`.
    pub body_battery_high: Option<i32>,
    pub body_battery_low: Option<i32>,
    /// From `stressDetails`, used when the daily has no stress score.
    pub detail_stress: Option<i32>,
}

fn score(value: Option<f64>) -> Option<i32> {
    value
        .filter(|v| (0.0..=100.0).contains(v))
        .map(|v| v.round() as i32)
}

/// A `dailies` item: its date and what it says.
pub fn daily(item: &Value) -> Result<(String, DayParts), String> {
    let d = Item(item);
    let date = d
        .calendar_date("startTimeInSeconds", "startTimeOffsetInSeconds")
        .ok_or("the daily has neither calendarDate nor startTimeInSeconds")?;
    let parts = DayParts {
        resting_hr: d.f("restingHeartRateInBeatsPerMinute").filter(|v| *v > 0.0),
        // Garmin's documented example spells it `averageStresslevel`; -1 means "no data".
        stress_score: score(
            d.f("averageStressLevel")
                .or_else(|| d.f("averageStresslevel")),
        ),
        steps: d.i("steps").filter(|v| *v >= 0),
        active_kcal: d.f("activeKilocalories").filter(|v| *v >= 0.0),
        body_battery_high: score(d.f("bodyBatteryHighestValue")),
        body_battery_low: score(d.f("bodyBatteryLowestValue")),
        detail_stress: None,
    };
    Ok((date, parts))
}

/// A `stressDetails` item: its date and the day's body battery range and mean stress, from the
/// 3-minute values (negative ones mean off-wrist or moving, and are skipped).
pub fn stress_details(item: &Value) -> Result<(String, DayParts), String> {
    let d = Item(item);
    let date = d
        .calendar_date("startTimeInSeconds", "startTimeOffsetInSeconds")
        .ok_or("stressDetails have neither calendarDate nor startTimeInSeconds")?;
    let values = |key: &str| -> Vec<f64> {
        item.get(key)
            .and_then(Value::as_object)
            .map(|m| {
                m.values()
                    .filter_map(|v| num(Some(v)))
                    .filter(|v| (0.0..=100.0).contains(v))
                    .collect()
            })
            .unwrap_or_default()
    };
    let stress = values("timeOffsetStressLevelValues");
    let battery = values("timeOffsetBodyBatteryValues");
    let parts = DayParts {
        detail_stress: (!stress.is_empty())
            .then(|| (stress.iter().sum::<f64>() / stress.len() as f64).round() as i32),
        body_battery_high: battery.iter().copied().reduce(f64::max).map(|v| v as i32),
        body_battery_low: battery.iter().copied().reduce(f64::min).map(|v| v as i32),
        ..DayParts::default()
    };
    Ok((date, parts))
}

/// One day's record from what the dailies and the stress details said.
pub fn day_record(date: &str, daily: &DayParts, stress: &DayParts) -> DailySummary {
    DailySummary {
        // One id per athlete-day, whichever summary told it: a re-sent daily and a later
        // stressDetails both replace the same row.
        summary_id: Some(format!("garmin-day:{date}")),
        date: date.to_owned(),
        resting_hr: daily.resting_hr,
        stress_score: daily.stress_score.or(stress.detail_stress),
        body_battery_high: daily.body_battery_high.or(stress.body_battery_high),
        body_battery_low: daily.body_battery_low.or(stress.body_battery_low),
        steps: daily.steps,
        active_kcal: daily.active_kcal,
        weight_kg: None,
        readiness: None,
        stress: None,
    }
}

fn minutes(seconds: Option<i64>) -> Option<i32> {
    seconds
        .filter(|s| *s >= 0)
        .and_then(|s| i32::try_from((s + 30) / 60).ok())
}

/// A `sleeps` item. `validation` ending in `TENTATIVE` is not final.
pub fn sleep(item: &Value) -> Result<Sleep, String> {
    let s = Item(item);
    let start = s.i("startTimeInSeconds");
    let duration = s
        .i("durationInSeconds")
        .filter(|d| *d > 0)
        .ok_or("the sleep has no positive durationInSeconds")?;
    let date = match s.s("calendarDate").filter(|d| valid_date(d)) {
        Some(date) => date,
        None => {
            // Dated by the local day it ended.
            let start = start.ok_or("the sleep has neither calendarDate nor startTimeInSeconds")?;
            let offset = s.i("startTimeOffsetInSeconds").unwrap_or(0);
            civil_date((start + duration + offset).div_euclid(86_400))
        }
    };
    let deep = s.i("deepSleepDurationInSeconds");
    let light = s.i("lightSleepDurationInSeconds");
    let rem = s
        .i("remSleepInSeconds")
        .or_else(|| s.i("remSleepDurationInSeconds"));
    let awake = s.i("awakeDurationInSeconds");
    let unmeasurable = s.i("unmeasurableSleepDurationInSeconds").unwrap_or(0);
    let staged: Vec<i64> = [deep, light, rem].into_iter().flatten().collect();
    let asleep_s = if staged.is_empty() {
        duration - awake.unwrap_or(0).max(0) - unmeasurable.max(0)
    } else {
        staged.iter().map(|v| (*v).max(0)).sum()
    };
    let validation = s.s("validation").unwrap_or_default().to_ascii_uppercase();
    Ok(Sleep {
        summary_id: s.summary_id(),
        date,
        start_ms: start.map(|v| v * 1000),
        end_ms: start.map(|v| (v + duration) * 1000),
        asleep_min: minutes(Some(asleep_s.max(0))).unwrap_or(0),
        in_bed_min: minutes(Some(duration)),
        deep_min: minutes(deep),
        light_min: minutes(light),
        rem_min: minutes(rem),
        awake_min: minutes(awake),
        score: score(
            item.get("overallSleepScore")
                .and_then(|o| num(o.get("value")))
                .or_else(|| s.f("overallSleepScore")),
        ),
        quality: None,
        final_: !validation.ends_with("TENTATIVE"),
    })
}

/// An `hrv` item: the overnight average RMSSD, ms.
pub fn hrv(item: &Value) -> Result<Hrv, String> {
    let h = Item(item);
    let date = h
        .calendar_date("startTimeInSeconds", "startTimeOffsetInSeconds")
        .ok_or("the hrv summary has no calendarDate")?;
    let value = h
        .f("lastNightAvg")
        .filter(|v| *v > 0.0 && *v < 1000.0)
        .ok_or("the hrv summary has no usable lastNightAvg")?;
    Ok(Hrv {
        summary_id: h.summary_id(),
        date,
        value_ms: value,
        kind: HrvKind::Rmssd,
    })
}

/// A `bodyComps` item: weight (grams → kg) and body fat, at the measurement's time.
pub fn body_comp(item: &Value) -> Result<Vec<Measurement>, String> {
    let b = Item(item);
    let at = b
        .i("measurementTimeInSeconds")
        .ok_or("the body composition has no measurementTimeInSeconds")?
        * 1000;
    let mut out = Vec::new();
    if let Some(grams) = b.f("weightInGrams").filter(|g| *g > 0.0) {
        out.push(measurement(Measure::Weight, at, grams / 1000.0));
    }
    if let Some(fat) = b.f("bodyFatInPercent").filter(|p| *p > 0.0 && *p < 100.0) {
        out.push(measurement(Measure::BodyFat, at, fat));
    }
    Ok(out)
}

/// A `userMetrics` item: VO2max, dated by day only (stamped at noon UTC, which stays within
/// that day for every offset up to ±12 h).
pub fn user_metrics(item: &Value) -> Result<Vec<Measurement>, String> {
    let u = Item(item);
    let date = u
        .s("calendarDate")
        .ok_or("the user metrics have no calendarDate")?;
    let day = days_from_civil(&date).ok_or_else(|| format!("unreadable calendarDate `{date}`"))?;
    let at = (day * 86_400 + 12 * 3600) * 1000;
    Ok(u.f("vo2Max")
        .filter(|v| *v > 0.0 && *v < 100.0)
        .map(|v| measurement(Measure::Vo2max, at, v))
        .into_iter()
        .collect())
}

/// An `allDayRespiration` item: one breathing rate per epoch.
pub fn respiration(item: &Value) -> Result<Vec<Measurement>, String> {
    let r = Item(item);
    let start = r
        .i("startTimeInSeconds")
        .ok_or("the respiration summary has no startTimeInSeconds")?;
    let values = item
        .get("timeOffsetEpochToBreaths")
        .and_then(Value::as_object)
        .ok_or("the respiration summary has no timeOffsetEpochToBreaths")?;
    let mut out: Vec<Measurement> = values
        .iter()
        .filter_map(|(offset, value)| {
            let offset: i64 = offset.parse().ok()?;
            let value = num(Some(value)).filter(|v| *v > 0.0 && *v < 100.0)?;
            Some(measurement(
                Measure::RespiratoryRate,
                (start + offset) * 1000,
                value,
            ))
        })
        .collect();
    out.sort_by_key(|m| m.at_ms);
    Ok(out)
}

fn measurement(measure: Measure, at_ms: i64, value: f64) -> Measurement {
    Measurement {
        measure,
        at_ms,
        value,
        hrv_kind: None,
        device: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn civil_dates_round_trip() {
        for day in [-719_468, -1, 0, 1, 10_957, 20_513, 20_514, 2_932_896] {
            let date = civil_date(day);
            assert_eq!(days_from_civil(&date), Some(day), "{date}");
        }
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_514), "2026-03-02");
        assert_eq!(days_from_civil("2024-02-29"), Some(19_782));
        assert_eq!(days_from_civil("2024-13-01"), None);
    }

    #[test]
    fn sports_map_by_name_and_family() {
        assert!(matches!(sport("TRAIL_RUNNING"), Sport::TrailRun));
        assert!(matches!(sport("TREADMILL_RUNNING"), Sport::Run));
        assert!(matches!(sport("ROAD_BIKING"), Sport::Ride));
        assert!(matches!(sport("INDOOR_CYCLING"), Sport::VirtualRide));
        assert!(matches!(sport("KAYAKING_V2"), Sport::Paddle));
        assert!(matches!(
            sport("RESORT_SKIING_SNOWBOARDING_WS"),
            Sport::AlpineSki
        ));
        assert!(matches!(sport("Running"), Sport::Run));
        assert!(matches!(sport("SOMETHING_NEW"), Sport::Other));
    }

    #[test]
    fn sleep_stages_and_validation() {
        let item = json!({
            "summaryId": "s", "calendarDate": "2016-01-10", "durationInSeconds": 15264,
            "startTimeInSeconds": 1452419581, "deepSleepDurationInSeconds": 11231,
            "lightSleepDurationInSeconds": 3541, "remSleepInSeconds": 0,
            "awakeDurationInSeconds": 492, "validation": "AUTO_TENTATIVE"
        });
        let night = sleep(&item).expect("a sleep");
        assert_eq!(night.asleep_min, 246);
        assert_eq!(night.in_bed_min, Some(254));
        assert!(!night.final_);
    }
}
