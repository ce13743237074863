//! Session loads: how hard one activity was, as numbers that carry their receipts.
//!
//! Two conventions, stated here and recorded in every [`LoadDetail`]:
//!
//! - **Session-RPE load** (Foster et al., 2001): `RPE (CR-10) × minutes`, in arbitrary units
//!   (AU). Minutes are the *moving* time when the activity has one above zero, otherwise the
//!   elapsed duration: a café stop in the middle of a ride is not training.
//! - **Banister TRIMP** (Banister, 1991): `minutes × HRr × a × e^(b × HRr)` with the heart-rate
//!   reserve fraction `HRr = (avg HR − resting HR) / (max HR − resting HR)` clamped to 0–1.
//!   Men: a = 0.64, b = 1.92; women: a = 0.86, b = 1.67. **When sex is not known, a and b are
//!   the means of the male and female coefficients** (a = 0.75, b = 1.795), which lands between
//!   the two curves instead of silently picking one. Resting and maximum heart rate come from
//!   the athlete's baselines, never from the activity itself.
//!
//! A load is never negative, and a load that cannot be computed is `None` with a note in the
//! detail saying which input is missing — it is never guessed.

use serde::{Deserialize, Serialize};

use super::activity::ActivityDraft;
use super::people::{Baselines, Sex};

/// What TRIMP needs to know about the athlete's heart, beyond the activity itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeartRateContext {
    /// Resting heart rate baseline, bpm.
    pub resting_hr: Option<i32>,
    /// Maximum heart rate baseline, bpm.
    pub max_hr: Option<i32>,
    /// Sex, for Banister's coefficients; `None` uses the mean of the male and female values.
    pub sex: Option<Sex>,
}

impl HeartRateContext {
    /// The context from an athlete's baselines and profile sex.
    pub fn from_baselines(baselines: &Baselines, sex: Option<Sex>) -> Self {
        Self {
            resting_hr: baselines.resting_hr,
            max_hr: baselines.max_hr,
            sex,
        }
    }
}

/// Banister's TRIMP weighting `a × e^(b × HRr)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrimpCoefficients {
    /// The multiplier `a`.
    pub a: f64,
    /// The exponent factor `b`.
    pub b: f64,
}

impl TrimpCoefficients {
    /// Banister's coefficients for men.
    pub const MALE: Self = Self { a: 0.64, b: 1.92 };
    /// Banister's coefficients for women.
    pub const FEMALE: Self = Self { a: 0.86, b: 1.67 };
    /// The documented default when sex is unknown: the mean of the male and female values.
    pub const UNKNOWN_SEX: Self = Self {
        a: (0.64 + 0.86) / 2.0,
        b: (1.92 + 1.67) / 2.0,
    };

    /// The coefficients for `sex`, or [`Self::UNKNOWN_SEX`] when it is not known.
    pub fn for_sex(sex: Option<Sex>) -> Self {
        match sex {
            Some(Sex::Male) => Self::MALE,
            Some(Sex::Female) => Self::FEMALE,
            None => Self::UNKNOWN_SEX,
        }
    }
}

text_enum! {
    /// Which duration the minutes of a load came from.
    #[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
    pub enum MinutesSource {
        /// The activity's moving time (preferred).
        MovingTime => "moving_time",
        /// The elapsed duration, used when no positive moving time was recorded.
        ElapsedTime => "elapsed_time",
    }
}

/// The receipts of an activity's loads: every input, coefficient and intermediate value, and
/// notes in words about anything that was missing or adjusted. Stored as JSON beside the loads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadDetail {
    /// Minutes used by both loads.
    pub minutes: f64,
    /// Where those minutes came from.
    pub minutes_source: MinutesSource,
    /// Session RPE (CR-10) used, if any.
    pub rpe: Option<i32>,
    /// Average heart rate of the activity, bpm.
    pub avg_hr: Option<f64>,
    /// Resting heart rate baseline used, bpm.
    pub resting_hr: Option<i32>,
    /// Maximum heart rate baseline used, bpm.
    pub max_hr: Option<i32>,
    /// Sex used to choose the TRIMP coefficients (`None`: the mean of both).
    pub sex: Option<Sex>,
    /// The TRIMP coefficients used, when TRIMP was computed.
    pub trimp_coefficients: Option<TrimpCoefficients>,
    /// Heart-rate reserve fraction (after clamping to 0–1), when TRIMP was computed.
    pub heart_rate_reserve: Option<f64>,
    /// Plain-language notes: missing inputs, clamped values, defaults applied.
    pub notes: Vec<String>,
}

/// Both loads of one activity and how they were computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityLoads {
    /// Session-RPE load in AU, when the session was rated.
    pub srpe: Option<f64>,
    /// Banister TRIMP, when heart rate and both heart-rate baselines are known.
    pub trimp: Option<f64>,
    /// The receipts.
    pub detail: LoadDetail,
}

/// Foster's session-RPE load: `rpe × minutes`, never negative.
pub fn session_rpe_load(rpe: f64, minutes: f64) -> f64 {
    non_negative(rpe) * non_negative(minutes)
}

/// The heart-rate reserve fraction `(avg − rest) / (max − rest)`, unclamped; `None` when the
/// maximum is not above the resting rate.
pub fn heart_rate_reserve(avg_hr: f64, resting_hr: i32, max_hr: i32) -> Option<f64> {
    (max_hr > resting_hr)
        .then(|| (avg_hr - f64::from(resting_hr)) / (f64::from(max_hr) - f64::from(resting_hr)))
}

/// Banister's TRIMP for `minutes` at heart-rate reserve fraction `hrr` (clamped to 0–1).
pub fn banister_trimp(minutes: f64, hrr: f64, coefficients: TrimpCoefficients) -> f64 {
    let hrr = clamp_unit(hrr);
    non_negative(minutes * hrr * coefficients.a * (coefficients.b * hrr).exp())
}

/// Both loads of `draft`, with the receipts. Never panics and never returns a negative load.
pub fn activity_loads(draft: &ActivityDraft, hr: &HeartRateContext) -> ActivityLoads {
    let mut notes = Vec::new();
    let (seconds, minutes_source) = match draft.moving_time_s {
        Some(moving) if moving > 0 => (moving, MinutesSource::MovingTime),
        _ => {
            notes.push("no moving time recorded: minutes are the elapsed duration".to_owned());
            (draft.duration_s, MinutesSource::ElapsedTime)
        }
    };
    if seconds <= 0 {
        notes.push(format!(
            "duration of {seconds} s is not positive: loads count 0 minutes"
        ));
    }
    let minutes = non_negative(seconds as f64 / 60.0);

    let srpe = match draft.rpe {
        None => {
            notes.push("no session-RPE load: the session has no RPE rating".to_owned());
            None
        }
        Some(rpe) if !(0..=10).contains(&rpe) => {
            notes.push(format!(
                "no session-RPE load: RPE {rpe} is outside the CR-10 scale (0–10)"
            ));
            None
        }
        Some(rpe) => Some(session_rpe_load(f64::from(rpe), minutes)),
    };

    let mut trimp_coefficients = None;
    let mut heart_rate_reserve_used = None;
    let trimp = match (draft.avg_hr, hr.resting_hr, hr.max_hr) {
        (Some(avg), Some(rest), Some(max)) => match heart_rate_reserve(avg, rest, max) {
            None => {
                notes.push(format!(
                    "no TRIMP: the resting heart rate baseline ({rest} bpm) is not below the \
                     maximum ({max} bpm)"
                ));
                None
            }
            Some(raw) => {
                if raw > 1.0 {
                    notes.push(format!(
                        "average heart rate {avg} bpm is above the maximum baseline {max} bpm: \
                         heart-rate reserve clamped to 1"
                    ));
                } else if raw < 0.0 {
                    notes.push(format!(
                        "average heart rate {avg} bpm is below the resting baseline {rest} bpm: \
                         heart-rate reserve clamped to 0"
                    ));
                }
                let hrr = clamp_unit(raw);
                let coefficients = TrimpCoefficients::for_sex(hr.sex);
                if hr.sex.is_none() {
                    notes.push(format!(
                        "sex not set: TRIMP uses the mean of the male and female coefficients \
                         (a = {}, b = {})",
                        coefficients.a, coefficients.b
                    ));
                }
                trimp_coefficients = Some(coefficients);
                heart_rate_reserve_used = Some(hrr);
                Some(banister_trimp(minutes, hrr, coefficients))
            }
        },
        (avg, rest, max) => {
            for (absent, why) in [
                (avg.is_none(), "no average heart rate was recorded"),
                (rest.is_none(), "the resting heart rate baseline is not set"),
                (max.is_none(), "the maximum heart rate baseline is not set"),
            ] {
                if absent {
                    notes.push(format!("no TRIMP: {why}"));
                }
            }
            None
        }
    };

    ActivityLoads {
        srpe,
        trimp,
        detail: LoadDetail {
            minutes,
            minutes_source,
            rpe: draft.rpe,
            avg_hr: draft.avg_hr,
            resting_hr: hr.resting_hr,
            max_hr: hr.max_hr,
            sex: hr.sex,
            trimp_coefficients,
            heart_rate_reserve: heart_rate_reserve_used,
            notes,
        },
    }
}

/// `value` if it is a finite non-negative number, else 0.
pub(crate) fn non_negative(value: f64) -> f64 {
    if value.is_finite() && value > 0.0 {
        value
    } else {
        0.0
    }
}

fn clamp_unit(value: f64) -> f64 {
    if value.is_nan() {
        0.0
    } else {
        value.clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests;
