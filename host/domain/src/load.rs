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
    pub avg_hr: Option<i32>,
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
pub fn heart_rate_reserve(avg_hr: i32, resting_hr: i32, max_hr: i32) -> Option<f64> {
    (max_hr > resting_hr).then(|| {
        (f64::from(avg_hr) - f64::from(resting_hr)) / (f64::from(max_hr) - f64::from(resting_hr))
    })
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
mod tests {
    use super::*;
    use crate::activity::Sport;
    use chrono::{TimeZone, Utc};
    use proptest::prelude::*;

    fn run(minutes: i64, avg_hr: Option<i32>, rpe: Option<i32>) -> ActivityDraft {
        ActivityDraft {
            sport: Sport::Run,
            name: "Run".into(),
            start_time: Utc
                .with_ymd_and_hms(2026, 3, 2, 7, 0, 0)
                .single()
                .expect("valid time"),
            duration_s: minutes * 60 + 300,
            moving_time_s: Some(minutes * 60),
            distance_m: None,
            elevation_gain_m: None,
            avg_hr,
            max_hr: None,
            rpe,
            feeling: None,
            notes: None,
            private: false,
        }
    }

    fn context(sex: Option<Sex>) -> HeartRateContext {
        HeartRateContext {
            resting_hr: Some(40),
            max_hr: Some(200),
            sex,
        }
    }

    /// Worked example: 30 min, rest 40, max 200, average 160 → HRr = 120 / 160 = 0.75.
    /// Male: 30 × 0.75 × 0.64 × e^(1.92 × 0.75) = 14.4 × e^1.44 ≈ 60.78.
    /// Female: 30 × 0.75 × 0.86 × e^(1.67 × 0.75) = 19.35 × e^1.2525 ≈ 67.71.
    /// Unknown: 30 × 0.75 × 0.75 × e^(1.795 × 0.75) = 16.875 × e^1.34625 ≈ 64.85.
    #[test]
    fn banister_trimp_matches_the_worked_example() {
        let draft = run(30, Some(160), None);
        let cases = [
            (Some(Sex::Male), 14.4 * 1.44_f64.exp(), 60.78),
            (Some(Sex::Female), 19.35 * 1.2525_f64.exp(), 67.71),
            (None, 16.875 * 1.346_25_f64.exp(), 64.85),
        ];
        for (sex, exact, rounded) in cases {
            let loads = activity_loads(&draft, &context(sex));
            let trimp = loads.trimp.expect("all inputs present");
            assert!((trimp - exact).abs() < 1e-9, "{sex:?}: {trimp} vs {exact}");
            assert!(
                (trimp - rounded).abs() < 0.01,
                "{sex:?}: {trimp} vs {rounded}"
            );
            assert_eq!(loads.detail.heart_rate_reserve, Some(0.75));
            assert_eq!(loads.detail.minutes, 30.0);
            assert_eq!(loads.detail.minutes_source, MinutesSource::MovingTime);
        }
        let unknown = activity_loads(&draft, &context(None));
        assert_eq!(
            unknown.detail.trimp_coefficients,
            Some(TrimpCoefficients { a: 0.75, b: 1.795 })
        );
        assert!(
            unknown
                .detail
                .notes
                .iter()
                .any(|n| n.contains("mean of the male and female"))
        );
    }

    #[test]
    fn session_rpe_load_uses_moving_time_then_elapsed_time() {
        let draft = run(45, None, Some(6));
        let loads = activity_loads(&draft, &HeartRateContext::default());
        assert_eq!(loads.srpe, Some(270.0));

        let mut no_moving = draft.clone();
        no_moving.moving_time_s = None;
        no_moving.duration_s = 50 * 60;
        let loads = activity_loads(&no_moving, &HeartRateContext::default());
        assert_eq!(loads.srpe, Some(300.0));
        assert_eq!(loads.detail.minutes_source, MinutesSource::ElapsedTime);

        let mut zero_moving = no_moving.clone();
        zero_moving.moving_time_s = Some(0);
        assert_eq!(
            activity_loads(&zero_moving, &HeartRateContext::default()).srpe,
            Some(300.0)
        );
    }

    #[test]
    fn missing_inputs_are_named_never_guessed() {
        let loads = activity_loads(&run(30, None, None), &HeartRateContext::default());
        assert_eq!((loads.srpe, loads.trimp), (None, None));
        let notes = loads.detail.notes.join("\n");
        for expected in [
            "no RPE rating",
            "no average heart rate",
            "resting heart rate baseline is not set",
            "maximum heart rate baseline is not set",
        ] {
            assert!(
                notes.contains(expected),
                "missing note `{expected}` in {notes}"
            );
        }

        let only_max_missing = HeartRateContext {
            max_hr: None,
            ..context(Some(Sex::Male))
        };
        let loads = activity_loads(&run(30, Some(150), Some(5)), &only_max_missing);
        assert_eq!(loads.trimp, None);
        assert_eq!(
            loads.detail.notes,
            vec!["no TRIMP: the maximum heart rate baseline is not set".to_owned()]
        );
    }

    #[test]
    fn heart_rate_reserve_is_clamped_with_a_note() {
        let above = activity_loads(&run(30, Some(210), None), &context(Some(Sex::Male)));
        assert_eq!(above.detail.heart_rate_reserve, Some(1.0));
        assert!((above.trimp.expect("computed") - 30.0 * 0.64 * 1.92_f64.exp()).abs() < 1e-9);
        assert!(
            above
                .detail
                .notes
                .iter()
                .any(|n| n.contains("clamped to 1"))
        );

        let below = activity_loads(&run(30, Some(35), None), &context(Some(Sex::Male)));
        assert_eq!(below.trimp, Some(0.0));
        assert!(
            below
                .detail
                .notes
                .iter()
                .any(|n| n.contains("clamped to 0"))
        );

        let inverted = HeartRateContext {
            resting_hr: Some(200),
            max_hr: Some(190),
            sex: None,
        };
        let loads = activity_loads(&run(30, Some(150), None), &inverted);
        assert_eq!(loads.trimp, None);
        assert!(
            loads
                .detail
                .notes
                .iter()
                .any(|n| n.contains("not below the maximum")),
            "{:?}",
            loads.detail
        );
    }

    #[test]
    fn the_detail_round_trips_through_json() {
        let loads = activity_loads(&run(40, Some(150), Some(4)), &context(Some(Sex::Female)));
        let text = serde_json::to_string(&loads.detail).expect("serializes");
        let back: LoadDetail = serde_json::from_str(&text).expect("parses");
        assert_eq!(back, loads.detail);
        assert!(
            text.contains("\"minutes_source\":\"moving_time\""),
            "{text}"
        );
    }

    proptest! {
        #[test]
        fn loads_are_never_negative(
            duration_s in any::<i64>(),
            moving in proptest::option::of(any::<i64>()),
            rpe in proptest::option::of(-20i32..20),
            avg in proptest::option::of(-50i32..400),
            rest in proptest::option::of(-50i32..300),
            max in proptest::option::of(-50i32..400),
            sex in proptest::option::of(prop_oneof![Just(Sex::Male), Just(Sex::Female)]),
        ) {
            let mut draft = run(1, avg, rpe);
            draft.duration_s = duration_s;
            draft.moving_time_s = moving;
            let hr = HeartRateContext { resting_hr: rest, max_hr: max, sex };
            let loads = activity_loads(&draft, &hr);
            for load in [loads.srpe, loads.trimp].into_iter().flatten() {
                prop_assert!(load.is_finite() && load >= 0.0, "{loads:?}");
            }
            prop_assert!(loads.detail.minutes >= 0.0);
            if let Some(hrr) = loads.detail.heart_rate_reserve {
                prop_assert!((0.0..=1.0).contains(&hrr));
            }
        }
    }
}
