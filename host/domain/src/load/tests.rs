//! Tests of [`super`].

use super::*;
use crate::activity::Sport;
use chrono::{TimeZone, Utc};
use proptest::prelude::*;

fn run(minutes: i64, avg_hr: Option<i32>, rpe: Option<i32>) -> ActivityDraft {
    let avg_hr = avg_hr.map(f64::from);
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
