//! Daily metrics: how the athlete slept, recovered and felt on one day.

use chrono::NaiveDate;
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
