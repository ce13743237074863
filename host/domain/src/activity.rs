//! Activities: what the athlete did, from any source, and the rules that make one possible.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::Change;
use super::records::impossible_speed;
use super::validation::{Checks, HEART_RATE_BPM, ValidationError, format_duration};

text_enum! {
    /// The sport of an activity. Provider-specific types map onto these.
    #[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
    pub enum Sport {
        /// Road or track running.
        Run => "run",
        /// Off-road running.
        TrailRun => "trail_run",
        /// Walking.
        Walk => "walk",
        /// Hiking.
        Hike => "hike",
        /// Road or gravel cycling.
        Ride => "ride",
        /// Indoor cycling on a trainer or app.
        VirtualRide => "virtual_ride",
        /// Mountain biking.
        MountainBikeRide => "mountain_bike_ride",
        /// Pool or open-water swimming.
        Swim => "swim",
        /// Rowing on water or an ergometer.
        Row => "row",
        /// Cross-country skiing.
        NordicSki => "nordic_ski",
        /// Strength and conditioning.
        Strength => "strength",
        /// Yoga and mobility.
        Yoga => "yoga",
        /// Anything else.
        Other => "other",
        /// Elliptical, stair stepper, HIIT and other indoor cardio.
        Cardio => "cardio",
        /// Kayak, canoe, stand-up paddle.
        Paddle => "paddle",
        /// Downhill skiing and snowboarding.
        AlpineSki => "alpine_ski",
        /// Climbing, bouldering, mountaineering.
        Climb => "climb",
        /// Team and racket sports.
        TeamSport => "team_sport",
    }
}

impl Sport {
    /// Whether the sport counts toward running volume in plans.
    pub fn is_running(self) -> bool {
        matches!(self, Sport::Run | Sport::TrailRun)
    }
}

/// The longest a single activity may last (a multi-day ultra fits; a forgotten watch does not).
pub const MAX_DURATION_S: i64 = 14 * 24 * 3600;

/// The fields of an activity as entered by hand or delivered by a plugin, before validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityDraft {
    /// The sport.
    pub sport: Sport,
    /// Title shown in lists.
    pub name: String,
    /// When it started.
    pub start_time: DateTime<Utc>,
    /// Elapsed time in seconds.
    pub duration_s: i64,
    /// Time in motion, in seconds.
    pub moving_time_s: Option<i64>,
    /// Distance in metres.
    pub distance_m: Option<f64>,
    /// Total ascent in metres.
    pub elevation_gain_m: Option<f64>,
    /// Average heart rate, bpm, as precise as its source gave it (kept to one decimal).
    pub avg_hr: Option<f64>,
    /// Maximum heart rate, bpm (one decimal).
    pub max_hr: Option<f64>,
    /// Session RPE on the CR-10 scale (1–10).
    pub rpe: Option<i32>,
    /// How it felt, 1 (awful) to 5 (great).
    pub feeling: Option<i32>,
    /// Free text.
    pub notes: Option<String>,
    /// Hidden from coaches' feeds when true (still counted in the athlete's own stats).
    pub private: bool,
}

impl ActivityDraft {
    /// Checks every field and the relations between them. `local_date` is the day the
    /// activity started in the athlete's time zone; `today` is the athlete's today.
    pub fn validate(&self, local_date: NaiveDate, today: NaiveDate) -> Result<(), ValidationError> {
        let mut checks = Checks::new();
        if local_date < super::validation::EARLIEST_DAY {
            checks.fail(
                "startTime",
                format!(
                    "{local_date} is before {}: a year typed wrong, or a device clock that was not set?",
                    super::validation::EARLIEST_DAY
                ),
            );
        }
        checks.text("name", Some(&self.name), 200, true);
        checks.text("notes", self.notes.as_deref(), 10_000, false);
        if self.duration_s <= 0 {
            checks.fail(
                "durationSeconds",
                format!("must be positive, got {} s", self.duration_s),
            );
        } else if self.duration_s > MAX_DURATION_S {
            checks.fail(
                "durationSeconds",
                format!(
                    "{} is longer than the 14-day limit for one activity",
                    format_duration(self.duration_s as f64)
                ),
            );
        }
        if let Some(moving) = self.moving_time_s {
            if moving < 0 {
                checks.fail(
                    "movingTimeSeconds",
                    format!("must not be negative, got {moving} s"),
                );
            } else if self.duration_s > 0 && moving > self.duration_s {
                checks.fail(
                    "movingTimeSeconds",
                    format!(
                        "{moving} s is longer than the elapsed time of {} s",
                        self.duration_s
                    ),
                );
            }
        }
        checks.float_range("distanceMeters", self.distance_m, 0.0, 5_000_000.0, "m");
        checks.float_range(
            "elevationGainMeters",
            self.elevation_gain_m,
            0.0,
            50_000.0,
            "m",
        );
        let (lo, hi) = HEART_RATE_BPM;
        let (lo, hi) = (lo as f64, hi as f64);
        checks.float_range("averageHeartRate", self.avg_hr, lo, hi, "bpm");
        checks.float_range("maxHeartRate", self.max_hr, lo, hi, "bpm");
        if let (Some(avg), Some(max)) = (self.avg_hr, self.max_hr)
            && avg > max
            && [avg, max].iter().all(|hr| (lo..=hi).contains(hr))
        {
            checks.fail(
                "averageHeartRate",
                format!("{avg} bpm is above the maximum of {max} bpm"),
            );
        }
        checks.int_range("rpe", self.rpe.map(i64::from), 1, 10, "(CR-10)");
        checks.int_range("feeling", self.feeling.map(i64::from), 1, 5, "");
        if local_date > today {
            checks.fail(
                "startTime",
                format!("{local_date} is in the future: the athlete's today is {today}"),
            );
        }
        if checks.is_empty() {
            let seconds = self
                .moving_time_s
                .filter(|m| *m > 0)
                .unwrap_or(self.duration_s);
            if let Some(reason) = self
                .distance_m
                .and_then(|d| impossible_speed(self.sport, d, seconds as f64))
            {
                checks.fail("distanceMeters", reason);
            }
        }
        checks.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn easy_run() -> ActivityDraft {
        ActivityDraft {
            sport: Sport::Run,
            name: "Easy run".into(),
            start_time: Utc
                .with_ymd_and_hms(2026, 3, 2, 7, 0, 0)
                .single()
                .expect("valid"),
            duration_s: 3_000,
            moving_time_s: Some(2_900),
            distance_m: Some(9_000.0),
            elevation_gain_m: Some(80.0),
            avg_hr: Some(140.0),
            max_hr: Some(160.0),
            rpe: Some(3),
            feeling: Some(4),
            notes: None,
            private: false,
        }
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).expect("valid date")
    }

    fn failed_fields(draft: &ActivityDraft, today: NaiveDate) -> Vec<String> {
        match draft.validate(day(2), today) {
            Ok(()) => vec![],
            Err(e) => e.errors.into_iter().map(|e| e.field).collect(),
        }
    }

    #[test]
    fn an_ordinary_run_is_valid() {
        assert_eq!(failed_fields(&easy_run(), day(2)), Vec::<String>::new());
    }

    #[test]
    fn each_impossible_value_names_its_field() {
        type Mutation = fn(&mut ActivityDraft);
        let cases: Vec<(Mutation, &str)> = vec![
            (|a| a.duration_s = -5, "durationSeconds"),
            (|a| a.moving_time_s = Some(4_000), "movingTimeSeconds"),
            (|a| a.avg_hr = Some(251.0), "averageHeartRate"),
            (|a| a.max_hr = Some(300.0), "maxHeartRate"),
            (|a| a.rpe = Some(0), "rpe"),
            (|a| a.rpe = Some(11), "rpe"),
            (|a| a.distance_m = Some(-1.0), "distanceMeters"),
            (|a| a.distance_m = Some(20_000.0), "distanceMeters"),
            (|a| a.name = "  ".into(), "name"),
        ];
        for (mutate, field) in cases {
            let mut draft = easy_run();
            mutate(&mut draft);
            assert_eq!(
                failed_fields(&draft, day(2)),
                vec![field.to_owned()],
                "{field}"
            );
        }
    }

    #[test]
    fn a_future_day_is_rejected_but_later_today_is_not() {
        assert_eq!(
            failed_fields(&easy_run(), day(1)),
            vec!["startTime".to_owned()]
        );
        assert!(easy_run().validate(day(2), day(2)).is_ok());
    }
}

/// What a source said about an activity beyond the common fields: shown, kept with the
/// copy it came with, not used in load computations.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ActivityExtras {
    /// The source's own name for the sport (`TRAIL_RUNNING`, `Outdoor Run`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sport_detail: Option<String>,
    /// The device that recorded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// For one leg of a multisport activity: the source's id of the whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_external_id: Option<String>,
    /// Average power, W.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avg_power_w: Option<f64>,
    /// Average cadence, per minute as the device counts it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avg_cadence: Option<f64>,
    /// Energy, kcal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub energy_kcal: Option<f64>,
    /// Laps or splits.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub laps: Vec<Lap>,
}

/// One lap (or split) of an activity.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Lap {
    /// Seconds from the activity's start.
    pub start_s: f64,
    /// Length, seconds.
    pub duration_s: f64,
    /// Distance, m.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distance_m: Option<f64>,
    /// Average heart rate, bpm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avg_hr: Option<f64>,
    /// Maximum heart rate, bpm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_hr: Option<f64>,
    /// Average power, W.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avg_power_w: Option<f64>,
    /// Average cadence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avg_cadence: Option<f64>,
}

/// Most laps one activity keeps (a 24-hour race in 100 m splits has fewer).
pub const MAX_LAPS: usize = 2_000;

impl ActivityExtras {
    /// Checks what a source sent: plausible numbers, bounded text and lap count.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut checks = Checks::new();
        checks.text("sportDetail", self.sport_detail.as_deref(), 100, false);
        checks.text("device", self.device.as_deref(), 200, false);
        checks.text(
            "parentExternalId",
            self.parent_external_id.as_deref(),
            200,
            false,
        );
        checks.float_range("averagePowerWatts", self.avg_power_w, 0.0, 3_000.0, "W");
        checks.float_range("averageCadence", self.avg_cadence, 0.0, 300.0, "/min");
        checks.float_range("energyKcal", self.energy_kcal, 0.0, 50_000.0, "kcal");
        if self.laps.len() > MAX_LAPS {
            checks.fail(
                "laps",
                format!(
                    "{} laps are more than the {MAX_LAPS} one activity keeps",
                    self.laps.len()
                ),
            );
        }
        for (i, lap) in self.laps.iter().enumerate() {
            let field = format!("laps[{i}]");
            if !(lap.start_s.is_finite() && lap.start_s >= 0.0) {
                checks.fail(&field, format!("starts at {} s", lap.start_s));
            }
            if !(lap.duration_s.is_finite() && lap.duration_s >= 0.0) {
                checks.fail(&field, format!("lasts {} s", lap.duration_s));
            }
            checks.float_range(
                &format!("{field}.distanceMeters"),
                lap.distance_m,
                0.0,
                1_000_000.0,
                "m",
            );
            checks.float_range(
                &format!("{field}.averageHeartRate"),
                lap.avg_hr,
                0.0,
                260.0,
                "bpm",
            );
            checks.float_range(
                &format!("{field}.maxHeartRate"),
                lap.max_hr,
                0.0,
                260.0,
                "bpm",
            );
        }
        checks.finish()
    }
}

/// Edits to an activity: `None` / [`Change::Keep`] leave a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActivityPatch {
    /// New sport.
    pub sport: Option<Sport>,
    /// New title.
    pub name: Option<String>,
    /// New start.
    pub start_time: Option<DateTime<Utc>>,
    /// New elapsed time, seconds.
    pub duration_s: Option<i64>,
    /// Moving time, seconds.
    pub moving_time_s: Change<i64>,
    /// Distance, metres.
    pub distance_m: Change<f64>,
    /// Ascent, metres.
    pub elevation_gain_m: Change<f64>,
    /// Average heart rate.
    pub avg_hr: Change<f64>,
    /// Maximum heart rate.
    pub max_hr: Change<f64>,
    /// Session RPE.
    pub rpe: Change<i32>,
    /// Feeling.
    pub feeling: Change<i32>,
    /// Notes.
    pub notes: Change<String>,
    /// Privacy.
    pub private: Option<bool>,
}

impl ActivityPatch {
    /// Applies the edits to `draft`; validation happens on the result.
    pub fn apply(self, draft: &mut ActivityDraft) {
        if let Some(sport) = self.sport {
            draft.sport = sport;
        }
        if let Some(name) = self.name {
            draft.name = name;
        }
        if let Some(start) = self.start_time {
            draft.start_time = start;
        }
        if let Some(duration) = self.duration_s {
            draft.duration_s = duration;
        }
        self.moving_time_s.apply(&mut draft.moving_time_s);
        self.distance_m.apply(&mut draft.distance_m);
        self.elevation_gain_m.apply(&mut draft.elevation_gain_m);
        self.avg_hr.apply(&mut draft.avg_hr);
        self.max_hr.apply(&mut draft.max_hr);
        self.rpe.apply(&mut draft.rpe);
        self.feeling.apply(&mut draft.feeling);
        self.notes.apply(&mut draft.notes);
        if let Some(private) = self.private {
            draft.private = private;
        }
    }
}
