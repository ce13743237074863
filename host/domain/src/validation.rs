//! Rejecting impossible values with a reason a person can act on.
//!
//! Field names are the API's (camelCase), so a client can put the message beside the input
//! that caused it.

use serde::Serialize;

/// The earliest day Stride keeps training data for. Earlier dates are almost always a mistake
/// (a year typed wrong, a device clock at zero), and each day of history costs a row of stats.
pub const EARLIEST_DAY: chrono::NaiveDate = match chrono::NaiveDate::from_ymd_opt(1970, 1, 1) {
    Some(day) => day,
    None => chrono::NaiveDate::MIN,
};

/// One rejected field and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field as the API names it, e.g. `averageHeartRate`.
    pub field: String,
    /// What is wrong, in words.
    pub reason: String,
}

/// Everything wrong with one input; never empty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ValidationError {
    /// Each rejected field, in the order checked.
    pub errors: Vec<FieldError>,
}

impl ValidationError {
    /// A validation error about a single field.
    pub fn single(field: &str, reason: impl Into<String>) -> Self {
        Self {
            errors: vec![FieldError {
                field: field.to_owned(),
                reason: reason.into(),
            }],
        }
    }
}

impl std::fmt::Display for ValidationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", e.field, e.reason)?;
        }
        Ok(())
    }
}

/// Collects field errors so one response names every problem, not just the first.
#[derive(Debug, Default)]
pub struct Checks {
    errors: Vec<FieldError>,
}

impl Checks {
    /// Starts an empty set of checks.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a failure for `field`.
    pub fn fail(&mut self, field: &str, reason: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.to_owned(),
            reason: reason.into(),
        });
    }

    /// Checks an optional integer lies in `min..=max` (inclusive), naming the unit.
    pub fn int_range(&mut self, field: &str, value: Option<i64>, min: i64, max: i64, unit: &str) {
        if let Some(v) = value
            && !(min..=max).contains(&v)
        {
            self.fail(
                field,
                format!("{v} {unit} is outside the possible range {min}–{max} {unit}"),
            );
        }
    }

    /// Checks an optional number is finite and lies in `min..=max`, naming the unit.
    pub fn float_range(&mut self, field: &str, value: Option<f64>, min: f64, max: f64, unit: &str) {
        if let Some(v) = value {
            if !v.is_finite() {
                self.fail(field, "must be a finite number");
            } else if !(min..=max).contains(&v) {
                self.fail(
                    field,
                    format!("{v} {unit} is outside the possible range {min}–{max} {unit}"),
                );
            }
        }
    }

    /// Checks an optional text is at most `max` characters (and, when `required`, not blank).
    pub fn text(&mut self, field: &str, value: Option<&str>, max: usize, required: bool) {
        match value {
            Some(v) if v.chars().count() > max => self.fail(
                field,
                format!(
                    "is {} characters long; the limit is {max}",
                    v.chars().count()
                ),
            ),
            Some(v) if required && v.trim().is_empty() => self.fail(field, "must not be empty"),
            None if required => self.fail(field, "is required"),
            _ => {}
        }
    }

    /// Whether anything failed so far.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// Ok when every check passed, otherwise every failure.
    pub fn finish(self) -> Result<(), ValidationError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ValidationError {
                errors: self.errors,
            })
        }
    }
}

/// Heart rate any human can show, in beats per minute.
pub const HEART_RATE_BPM: (i64, i64) = (25, 250);

/// Formats seconds as `h:mm:ss` (or `m:ss` under an hour) for messages.
pub fn format_duration(seconds: f64) -> String {
    let total = seconds.round() as i64;
    let (h, m, s) = (total / 3600, (total % 3600) / 60, total % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_every_failure_in_order() {
        let mut checks = Checks::new();
        checks.int_range("rpe", Some(11), 1, 10, "");
        checks.float_range("weightKg", Some(f64::NAN), 20.0, 400.0, "kg");
        checks.text("name", Some(""), 10, true);
        let err = checks.finish().expect_err("three failures");
        let fields: Vec<_> = err.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["rpe", "weightKg", "name"]);
        assert!(err.to_string().starts_with("rpe: 11  is outside"));
    }

    #[test]
    fn durations_read_like_a_stopwatch() {
        assert_eq!(format_duration(755.36), "12:35");
        assert_eq!(format_duration(7235.0), "2:00:35");
    }
}
