//! Daily metrics: how the athlete slept, recovered and felt on one day.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::Change;
use super::people::HrvKind;
use super::validation::{Checks, ValidationError};

/// The values logged for one day; each is optional because devices report different subsets.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DailyValues {
    /// Resting heart rate, bpm.
    pub resting_hr: Option<i32>,
    /// Heart-rate variability in ms, with its kind (never compared across kinds).
    pub hrv: Option<(f64, HrvKind)>,
    /// Body weight, kg.
    pub weight_kg: Option<f64>,
    /// Sleep duration, minutes.
    pub sleep_duration_min: Option<i32>,
    /// Sleep quality, 1 (poor) to 5 (excellent).
    pub sleep_quality: Option<i32>,
    /// Self-rated readiness, 1 (not at all) to 10 (fully ready).
    pub readiness: Option<i32>,
    /// Muscle soreness, 1 (none) to 10 (severe).
    pub soreness: Option<i32>,
    /// Life stress, 1 (none) to 10 (extreme).
    pub stress: Option<i32>,
    /// Mood, 1 (low) to 5 (great).
    pub mood: Option<i32>,
    /// Free text.
    pub notes: Option<String>,
    /// What devices measure beyond the values above (sleep stages, device stress, steps…).
    #[serde(default)]
    pub detail: DayDetail,
}

/// One night's sleep as a device measured it. A provider revises a night (Garmin's
/// TENTATIVE becomes FINAL) by sending it whole again: the newer delivery replaces the night.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SleepDetail {
    /// Time in bed, minutes (asleep plus awake in bed), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_bed_min: Option<i32>,
    /// Deep sleep, minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deep_min: Option<i32>,
    /// Light (core) sleep, minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub light_min: Option<i32>,
    /// REM sleep, minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rem_min: Option<i32>,
    /// Awake during the night, minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub awake_min: Option<i32>,
    /// The device's sleep score, 0–100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<i32>,
    /// When the sleep started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<DateTime<Utc>>,
    /// When it ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<DateTime<Utc>>,
    /// False while the provider may still revise it.
    #[serde(default)]
    pub r#final: bool,
}

/// Device measurements of a day that Stride shows but does not (yet) compute with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DayDetail {
    /// The night's sleep in detail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sleep: Option<SleepDetail>,
    /// The device's stress score for the day, 0–100 (not the athlete's 1–10 rating).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stress_score: Option<i32>,
    /// Garmin's Body Battery, highest of the day (0–100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_battery_high: Option<i32>,
    /// Body Battery, lowest of the day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_battery_low: Option<i32>,
    /// Steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps: Option<i64>,
    /// Active energy, kcal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_kcal: Option<f64>,
    /// VO2max estimate, ml/kg/min.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vo2max: Option<f64>,
    /// Respiratory rate, breaths per minute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub respiratory_rate: Option<f64>,
    /// Body fat, percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_fat_pct: Option<f64>,
}

impl DayDetail {
    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        *self == DayDetail::default()
    }

    fn overlay(&mut self, newer: DayDetail) {
        let DayDetail {
            sleep,
            stress_score,
            body_battery_high,
            body_battery_low,
            steps,
            active_kcal,
            vo2max,
            respiratory_rate,
            body_fat_pct,
        } = newer;
        // A night is replaced whole: stages a revision no longer has must not linger.
        if sleep.is_some() {
            self.sleep = sleep;
        }
        self.stress_score = stress_score.or(self.stress_score);
        self.body_battery_high = body_battery_high.or(self.body_battery_high);
        self.body_battery_low = body_battery_low.or(self.body_battery_low);
        self.steps = steps.or(self.steps);
        self.active_kcal = active_kcal.or(self.active_kcal);
        self.vo2max = vo2max.or(self.vo2max);
        self.respiratory_rate = respiratory_rate.or(self.respiratory_rate);
        self.body_fat_pct = body_fat_pct.or(self.body_fat_pct);
    }

    fn validate(&self, checks: &mut Checks) {
        if let Some(sleep) = &self.sleep {
            for (field, value) in [
                ("sleep.inBedMinutes", sleep.in_bed_min),
                ("sleep.deepMinutes", sleep.deep_min),
                ("sleep.lightMinutes", sleep.light_min),
                ("sleep.remMinutes", sleep.rem_min),
                ("sleep.awakeMinutes", sleep.awake_min),
            ] {
                checks.int_range(field, value.map(i64::from), 0, 1440, "min");
            }
            checks.int_range("sleep.score", sleep.score.map(i64::from), 0, 100, "");
            if let (Some(start), Some(end)) = (sleep.start, sleep.end)
                && end < start
            {
                checks.fail(
                    "sleep.end",
                    format!("{end} is before the sleep's start, {start}"),
                );
            }
        }
        checks.int_range("stressScore", self.stress_score.map(i64::from), 0, 100, "");
        checks.int_range(
            "bodyBatteryHigh",
            self.body_battery_high.map(i64::from),
            0,
            100,
            "",
        );
        checks.int_range(
            "bodyBatteryLow",
            self.body_battery_low.map(i64::from),
            0,
            100,
            "",
        );
        checks.int_range("steps", self.steps, 0, 200_000, "steps");
        checks.float_range("activeKcal", self.active_kcal, 0.0, 20_000.0, "kcal");
        checks.float_range("vo2max", self.vo2max, 10.0, 100.0, "ml/kg/min");
        checks.float_range(
            "respiratoryRate",
            self.respiratory_rate,
            3.0,
            70.0,
            "breaths/min",
        );
        checks.float_range("bodyFatPercent", self.body_fat_pct, 2.0, 75.0, "%");
    }
}

impl DailyValues {
    /// Lays `newer` over these values: each value `newer` has replaces this one; the others
    /// stay. (A source re-sending part of a day never erases what it sent before.)
    pub fn overlay(&mut self, newer: DailyValues) {
        let DailyValues {
            resting_hr,
            hrv,
            weight_kg,
            sleep_duration_min,
            sleep_quality,
            readiness,
            soreness,
            stress,
            mood,
            notes,
            detail,
        } = newer;
        self.resting_hr = resting_hr.or(self.resting_hr);
        self.hrv = hrv.or(self.hrv);
        self.weight_kg = weight_kg.or(self.weight_kg);
        self.sleep_duration_min = sleep_duration_min.or(self.sleep_duration_min);
        self.sleep_quality = sleep_quality.or(self.sleep_quality);
        self.readiness = readiness.or(self.readiness);
        self.soreness = soreness.or(self.soreness);
        self.stress = stress.or(self.stress);
        self.mood = mood.or(self.mood);
        self.notes = notes.or_else(|| self.notes.take());
        self.detail.overlay(detail);
    }

    /// Checks every present value, and that the day is not after the athlete's today.
    pub fn validate(&self, date: NaiveDate, today: NaiveDate) -> Result<(), ValidationError> {
        let mut checks = Checks::new();
        if date < super::validation::EARLIEST_DAY {
            checks.fail(
                "date",
                format!(
                    "{date} is before {}: a year typed wrong?",
                    super::validation::EARLIEST_DAY
                ),
            );
        }
        if date > today {
            checks.fail(
                "date",
                format!("{date} is in the future: the athlete's today is {today}"),
            );
        }
        checks.int_range(
            "restingHeartRate",
            self.resting_hr.map(i64::from),
            20,
            150,
            "bpm",
        );
        checks.float_range("hrvMs", self.hrv.map(|(v, _)| v), 1.0, 400.0, "ms");
        checks.float_range("weightKg", self.weight_kg, 20.0, 400.0, "kg");
        checks.int_range(
            "sleepDurationMinutes",
            self.sleep_duration_min.map(i64::from),
            0,
            1440,
            "min",
        );
        checks.int_range("sleepQuality", self.sleep_quality.map(i64::from), 1, 5, "");
        checks.int_range("readiness", self.readiness.map(i64::from), 1, 10, "");
        checks.int_range("soreness", self.soreness.map(i64::from), 1, 10, "");
        checks.int_range("stress", self.stress.map(i64::from), 1, 10, "");
        checks.int_range("mood", self.mood.map(i64::from), 1, 5, "");
        checks.text("notes", self.notes.as_deref(), 10_000, false);
        self.detail.validate(&mut checks);
        checks.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_values_are_all_named() {
        let values = DailyValues {
            resting_hr: Some(10),
            hrv: Some((0.0, HrvKind::Rmssd)),
            sleep_duration_min: Some(1_500),
            mood: Some(6),
            ..DailyValues::default()
        };
        let day = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
        let err = values.validate(day, day).expect_err("invalid");
        let fields: Vec<_> = err.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["restingHeartRate", "hrvMs", "sleepDurationMinutes", "mood"]
        );
    }
}

/// Edits to one day's values; [`Change::Keep`] leaves a value as logged before.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DailyValuesPatch {
    /// Resting heart rate.
    pub resting_hr: Change<i32>,
    /// HRV with its kind.
    pub hrv: Change<(f64, HrvKind)>,
    /// Weight.
    pub weight_kg: Change<f64>,
    /// Sleep duration.
    pub sleep_duration_min: Change<i32>,
    /// Sleep quality.
    pub sleep_quality: Change<i32>,
    /// Readiness.
    pub readiness: Change<i32>,
    /// Soreness.
    pub soreness: Change<i32>,
    /// Stress.
    pub stress: Change<i32>,
    /// Mood.
    pub mood: Change<i32>,
    /// Notes.
    pub notes: Change<String>,
}

impl DailyValuesPatch {
    /// Applies the edits to `values`.
    pub fn apply(self, values: &mut DailyValues) {
        self.resting_hr.apply(&mut values.resting_hr);
        self.hrv.apply(&mut values.hrv);
        self.weight_kg.apply(&mut values.weight_kg);
        self.sleep_duration_min
            .apply(&mut values.sleep_duration_min);
        self.sleep_quality.apply(&mut values.sleep_quality);
        self.readiness.apply(&mut values.readiness);
        self.soreness.apply(&mut values.soreness);
        self.stress.apply(&mut values.stress);
        self.mood.apply(&mut values.mood);
        self.notes.apply(&mut values.notes);
    }
}

/// What a single device measurement measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Heart-rate variability, ms (with its kind).
    Hrv,
    /// Resting heart rate, bpm.
    RestingHeartRate,
    /// Body weight, kg.
    Weight,
    /// Body fat, percent.
    BodyFat,
    /// VO2max estimate, ml/kg/min.
    Vo2max,
    /// Breaths per minute.
    RespiratoryRate,
    /// Steps over the measurement's interval.
    Steps,
}

impl Measure {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Hrv => "hrv",
            Measure::RestingHeartRate => "resting_heart_rate",
            Measure::Weight => "weight",
            Measure::BodyFat => "body_fat",
            Measure::Vo2max => "vo2max",
            Measure::RespiratoryRate => "respiratory_rate",
            Measure::Steps => "steps",
        }
    }
}

impl std::str::FromStr for Measure {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "hrv" => Measure::Hrv,
            "resting_heart_rate" => Measure::RestingHeartRate,
            "weight" => Measure::Weight,
            "body_fat" => Measure::BodyFat,
            "vo2max" => Measure::Vo2max,
            "respiratory_rate" => Measure::RespiratoryRate,
            "steps" => Measure::Steps,
            other => return Err(format!("unknown measure `{other}`")),
        })
    }
}

/// One timestamped measurement from a device.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    /// What it measures.
    pub measure: Measure,
    /// When.
    pub at: DateTime<Utc>,
    /// The value, in the measure's unit.
    pub value: f64,
    /// For HRV: which statistic.
    pub hrv_kind: Option<HrvKind>,
}

/// One day's values from several sources merged into one, per field: the source earliest in
/// `priority` that has a value wins (sources not listed come after, alphabetically). A night's
/// sleep is taken whole from one source. HRV is taken only in `hrv_kind`: rMSSD and SDNN are
/// different statistics, and a baseline must be built from one of them.
pub fn merge_sources(
    mut entries: Vec<(String, DailyValues)>,
    priority: &[String],
    hrv_kind: HrvKind,
) -> DailyValues {
    let rank = |source: &str| {
        priority
            .iter()
            .position(|p| p == source)
            .unwrap_or(priority.len())
    };
    entries.sort_by(|(a, _), (b, _)| (rank(a), a).cmp(&(rank(b), b)));
    // Lowest priority first, each higher one laid over it.
    entries
        .into_iter()
        .rev()
        .fold(DailyValues::default(), |mut merged, (_, mut values)| {
            if values.hrv.is_some_and(|(_, kind)| kind != hrv_kind) {
                values.hrv = None;
            }
            merged.overlay(values);
            merged
        })
}

/// The HRV statistic an athlete's history is read in: the one with readings on more days
/// (rMSSD on a tie, the more common among devices). `days` holds each day's kinds.
pub fn dominant_hrv_kind<'a>(kinds: impl IntoIterator<Item = &'a HrvKind>) -> HrvKind {
    let (mut rmssd, mut sdnn) = (0usize, 0usize);
    for kind in kinds {
        match kind {
            HrvKind::Rmssd => rmssd += 1,
            HrvKind::Sdnn => sdnn += 1,
        }
    }
    if sdnn > rmssd {
        HrvKind::Sdnn
    } else {
        HrvKind::Rmssd
    }
}

impl Measurement {
    /// Checks one point: a plausible value for its measure, HRV with its kind, and a day
    /// (`date`, the athlete's day of the instant) that is not in the future.
    pub fn validate(&self, date: NaiveDate, today: NaiveDate) -> Result<(), ValidationError> {
        let mut checks = Checks::new();
        let field = self.measure.as_str();
        if date < super::validation::EARLIEST_DAY || date > today {
            checks.fail(
                field,
                format!(
                    "measured on {date}, outside {} to today ({today})",
                    super::validation::EARLIEST_DAY
                ),
            );
        }
        let (min, max, unit) = match self.measure {
            Measure::Hrv => (1.0, 400.0, "ms"),
            Measure::RestingHeartRate => (20.0, 150.0, "bpm"),
            Measure::Weight => (20.0, 400.0, "kg"),
            Measure::BodyFat => (2.0, 75.0, "%"),
            Measure::Vo2max => (10.0, 100.0, "ml/kg/min"),
            Measure::RespiratoryRate => (4.0, 60.0, "breaths/min"),
            Measure::Steps => (0.0, 200_000.0, "steps"),
        };
        checks.float_range(field, Some(self.value), min, max, unit);
        if self.measure == Measure::Hrv && self.hrv_kind.is_none() {
            checks.fail(field, "an HRV value needs its kind (rMSSD or SDNN)");
        }
        checks.finish()
    }
}

/// One day's values from the day's measurements of one source:
///
/// - HRV: the mean of the day's readings of the kind with most readings (Apple Health takes
///   several SDNN readings a day, mostly at rest and overnight); kinds are never averaged
///   together.
/// - Resting heart rate and respiratory rate: the mean of the day's readings.
/// - Weight, body fat and VO2max: the latest reading of the day.
/// - Steps: the sum.
pub fn day_from_measurements(points: &[Measurement]) -> DailyValues {
    fn mean(values: &[f64]) -> Option<f64> {
        (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
    }
    let of = |measure: Measure| -> Vec<&Measurement> {
        let mut chosen: Vec<&Measurement> =
            points.iter().filter(|p| p.measure == measure).collect();
        chosen.sort_by_key(|p| p.at);
        chosen
    };
    let values = |measure: Measure| -> Vec<f64> { of(measure).iter().map(|p| p.value).collect() };
    let latest = |measure: Measure| of(measure).last().map(|p| p.value);

    let hrv = {
        let readings = of(Measure::Hrv);
        let count = |kind: HrvKind| readings.iter().filter(|p| p.hrv_kind == Some(kind)).count();
        let kind = if count(HrvKind::Sdnn) > count(HrvKind::Rmssd) {
            HrvKind::Sdnn
        } else {
            HrvKind::Rmssd
        };
        let of_kind: Vec<f64> = readings
            .iter()
            .filter(|p| p.hrv_kind == Some(kind))
            .map(|p| p.value)
            .collect();
        mean(&of_kind).map(|ms| ((ms * 10.0).round() / 10.0, kind))
    };
    let steps = values(Measure::Steps);
    DailyValues {
        resting_hr: mean(&values(Measure::RestingHeartRate)).map(|bpm| bpm.round() as i32),
        hrv,
        weight_kg: latest(Measure::Weight),
        detail: DayDetail {
            vo2max: latest(Measure::Vo2max),
            body_fat_pct: latest(Measure::BodyFat),
            respiratory_rate: mean(&values(Measure::RespiratoryRate))
                .map(|r| (r * 10.0).round() / 10.0),
            steps: (!steps.is_empty()).then(|| steps.iter().sum::<f64>().round() as i64),
            ..DayDetail::default()
        },
        ..DailyValues::default()
    }
}

#[cfg(test)]
mod device_tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, hour, 0, 0)
            .single()
            .expect("instant")
    }

    fn point(measure: Measure, hour: u32, value: f64, kind: Option<HrvKind>) -> Measurement {
        Measurement {
            measure,
            at: at(hour),
            value,
            hrv_kind: kind,
        }
    }

    #[test]
    fn a_day_is_derived_from_its_points_without_mixing_hrv_kinds() {
        let day = day_from_measurements(&[
            point(Measure::Hrv, 3, 40.0, Some(HrvKind::Sdnn)),
            point(Measure::Hrv, 5, 50.0, Some(HrvKind::Sdnn)),
            point(Measure::Hrv, 6, 90.0, Some(HrvKind::Rmssd)),
            point(Measure::RestingHeartRate, 7, 51.0, None),
            point(Measure::RestingHeartRate, 8, 52.0, None),
            point(Measure::Weight, 7, 70.4, None),
            point(Measure::Weight, 19, 71.0, None),
            point(Measure::Steps, 9, 4_000.0, None),
            point(Measure::Steps, 18, 6_500.0, None),
        ]);
        assert_eq!(day.hrv, Some((45.0, HrvKind::Sdnn)));
        assert_eq!(day.resting_hr, Some(52), "51.5 rounds half away from zero");
        assert_eq!(day.weight_kg, Some(71.0), "the latest weighing");
        assert_eq!(day.detail.steps, Some(10_500));
        assert_eq!(day.detail.vo2max, None);
    }

    #[test]
    fn a_revised_night_replaces_the_old_one_whole() {
        let mut stored = DailyValues {
            sleep_duration_min: Some(400),
            detail: DayDetail {
                sleep: Some(SleepDetail {
                    deep_min: Some(80),
                    rem_min: Some(90),
                    ..SleepDetail::default()
                }),
                steps: Some(3_000),
                ..DayDetail::default()
            },
            ..DailyValues::default()
        };
        stored.overlay(DailyValues {
            sleep_duration_min: Some(420),
            detail: DayDetail {
                sleep: Some(SleepDetail {
                    deep_min: Some(85),
                    r#final: true,
                    ..SleepDetail::default()
                }),
                ..DayDetail::default()
            },
            ..DailyValues::default()
        });
        let sleep = stored.detail.sleep.expect("a night");
        assert_eq!(sleep.deep_min, Some(85));
        assert_eq!(
            sleep.rem_min, None,
            "the revision has no REM figure; the old one goes"
        );
        assert!(sleep.r#final);
        assert_eq!(stored.sleep_duration_min, Some(420));
        assert_eq!(stored.detail.steps, Some(3_000), "other values stay");
    }

    #[test]
    fn sources_merge_by_priority_and_hrv_kinds_never_mix() {
        let garmin = DailyValues {
            resting_hr: Some(48),
            hrv: Some((62.0, HrvKind::Rmssd)),
            detail: DayDetail {
                sleep: Some(SleepDetail {
                    deep_min: Some(80),
                    ..SleepDetail::default()
                }),
                steps: Some(9000),
                ..DayDetail::default()
            },
            ..DailyValues::default()
        };
        let apple = DailyValues {
            resting_hr: Some(51),
            hrv: Some((41.0, HrvKind::Sdnn)),
            weight_kg: Some(70.5),
            detail: DayDetail {
                sleep: Some(SleepDetail {
                    rem_min: Some(90),
                    ..SleepDetail::default()
                }),
                ..DayDetail::default()
            },
            ..DailyValues::default()
        };
        let manual = DailyValues {
            resting_hr: Some(50),
            ..DailyValues::default()
        };
        let priority = vec!["manual".to_owned(), "garmin".to_owned()];
        let merged = merge_sources(
            vec![
                ("apple-health".to_owned(), apple.clone()),
                ("garmin".to_owned(), garmin),
                ("manual".to_owned(), manual),
            ],
            &priority,
            HrvKind::Sdnn,
        );
        // Manual first, then Garmin, then the unlisted Apple.
        assert_eq!(merged.resting_hr, Some(50));
        // Garmin's rMSSD is not read as SDNN: Apple's SDNN is the day's HRV.
        assert_eq!(merged.hrv, Some((41.0, HrvKind::Sdnn)));
        assert_eq!(merged.weight_kg, Some(70.5));
        // The night comes whole from Garmin, not stitched from both.
        let sleep = merged.detail.sleep.expect("a night");
        assert_eq!((sleep.deep_min, sleep.rem_min), (Some(80), None));
        assert_eq!(merged.detail.steps, Some(9000));
        let only_rmssd = merge_sources(
            vec![("apple-health".to_owned(), apple)],
            &priority,
            HrvKind::Rmssd,
        );
        assert_eq!(only_rmssd.hrv, None);
        assert_eq!(
            dominant_hrv_kind(&[HrvKind::Sdnn, HrvKind::Rmssd, HrvKind::Sdnn]),
            HrvKind::Sdnn
        );
        assert_eq!(
            dominant_hrv_kind(&[HrvKind::Sdnn, HrvKind::Rmssd]),
            HrvKind::Rmssd
        );
    }
}
