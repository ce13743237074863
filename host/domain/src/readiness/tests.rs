//! Tests of [`super`].

use super::*;
use crate::people::HrvKind;
use proptest::prelude::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 4, 1).expect("valid date")
}

fn days_ago(n: u64) -> NaiveDate {
    today() - Days::new(n)
}

/// Thirty prior days of HRV of `kind` alternating 50 and 60 ms, resting HR alternating
/// 48 and 50 bpm.
fn history(kind: HrvKind) -> Vec<(NaiveDate, DailyValues)> {
    (1..=30)
        .map(|n| {
            let even = n % 2 == 0;
            (
                days_ago(n),
                DailyValues {
                    hrv: Some((if even { 50.0 } else { 60.0 }, kind)),
                    resting_hr: Some(if even { 48 } else { 50 }),
                    ..DailyValues::default()
                },
            )
        })
        .collect()
}

fn good_day() -> DailyValues {
    DailyValues {
        hrv: Some((56.0, HrvKind::Rmssd)),
        resting_hr: Some(49),
        sleep_duration_min: Some(480),
        sleep_quality: Some(4),
        soreness: Some(3),
        stress: Some(3),
        ..DailyValues::default()
    }
}

fn inputs(today_values: DailyValues) -> ReadinessInputs {
    ReadinessInputs {
        date: today(),
        today: today_values,
        history: history(HrvKind::Rmssd),
        baselines: Baselines::default(),
        recent_rpes: vec![(days_ago(1), 5), (days_ago(2), 6)],
    }
}

fn signal(r: &Readiness, signal: Signal) -> &SignalReading {
    r.signals
        .iter()
        .find(|s| s.signal == signal)
        .expect("signal judged")
}

#[test]
fn a_good_day_is_green_with_full_confidence() {
    let r = readiness(&inputs(good_day()), &ReadinessSettings::default());
    assert_eq!(r.light, Some(Light::Green));
    assert_eq!(r.confidence, 1.0);
    assert!(r.missing.is_empty());
    assert_eq!(r.signals.len(), 6);
}

#[test]
fn hrv_is_judged_in_ln_against_its_own_rolling_baseline() {
    // Baseline: 15 × ln 50 and 15 × ln 60 → mean (ln 50 + ln 60)/2 = ln √3000 ≈ 3.9995;
    // sample SD = (ln 60 − ln 50)/2 × √(30/29) ≈ 0.09274.
    // Yellow below mean − 0.5 SD ≈ 3.9531 (≈ 52.1 ms), red below mean − 1.5 SD ≈ 3.8604
    // (≈ 47.5 ms).
    let half_gap = (60.0_f64.ln() - 50.0_f64.ln()) / 2.0;
    let mean_ln = (50.0_f64.ln() + 60.0_f64.ln()) / 2.0;
    let sd_ln = half_gap * (30.0_f64 / 29.0).sqrt();
    let settings = ReadinessSettings::default();
    for (ms, light) in [
        (56.0, Light::Green),
        (50.0, Light::Yellow),
        (45.0, Light::Red),
    ] {
        let mut day = good_day();
        day.hrv = Some((ms, HrvKind::Rmssd));
        let r = readiness(&inputs(day), &settings);
        let hrv = signal(&r, Signal::Hrv);
        assert_eq!(hrv.light, light, "{ms} ms: {}", hrv.reason);
        let get = |name: &str| {
            hrv.values
                .iter()
                .find(|v| v.name == name)
                .expect("receipt present")
                .value
        };
        assert!((get("baseline_mean_ln") - mean_ln).abs() < 1e-12);
        assert!((get("baseline_sd_ln") - sd_ln).abs() < 1e-12);
        assert!((get("yellow_below_ln") - (mean_ln - 0.5 * sd_ln)).abs() < 1e-12);
        assert!((get("red_below_ln") - (mean_ln - 1.5 * sd_ln)).abs() < 1e-12);
        assert_eq!(get("baseline_values"), 30.0);
    }
}

#[test]
fn a_seven_day_rolling_mean_smooths_one_low_morning() {
    let settings = ReadinessSettings {
        hrv_recent_days: 7,
        ..ReadinessSettings::default()
    };
    let mut day = good_day();
    day.hrv = Some((45.0, HrvKind::Rmssd));
    // Alone, 45 ms is red; averaged with six days of 50/60 ms it is yellow at worst.
    let r = readiness(&inputs(day), &settings);
    assert_ne!(signal(&r, Signal::Hrv).light, Light::Red);
}

#[test]
fn sdnn_history_is_never_compared_with_rmssd_today() {
    // Apple history (SDNN ≈ 50–60 ms) and a Garmin morning (rMSSD 20 ms): against the SDNN
    // baseline this would be red; it must be missing instead.
    let mut input = inputs(DailyValues {
        hrv: Some((20.0, HrvKind::Rmssd)),
        ..good_day()
    });
    input.history = history(HrvKind::Sdnn);
    input.baselines.hrv = Some((55.0, HrvKind::Sdnn));
    let r = readiness(&input, &ReadinessSettings::default());
    assert!(r.signals.iter().all(|s| s.signal != Signal::Hrv));
    let missing = r
        .missing
        .iter()
        .find(|m| m.signal == Signal::Hrv)
        .expect("HRV is missing");
    assert!(
        missing.reason.contains("not comparable"),
        "{}",
        missing.reason
    );
    assert!(
        missing.reason.contains("manual baseline is sdnn"),
        "{}",
        missing.reason
    );
    assert!((r.confidence - 5.0 / 6.0).abs() < 1e-12);

    // With a manual rMSSD baseline, today is compared with that instead: 20 vs 25 ms is a
    // 20 % drop → yellow.
    input.baselines.hrv = Some((25.0, HrvKind::Rmssd));
    let r = readiness(&input, &ReadinessSettings::default());
    let hrv = signal(&r, Signal::Hrv);
    assert_eq!(hrv.light, Light::Yellow, "{}", hrv.reason);
    assert!(
        hrv.reason.contains("manual rmssd baseline"),
        "{}",
        hrv.reason
    );
    assert!(
        hrv.values
            .iter()
            .any(|v| v.name == "reference_ms" && v.value == 25.0)
    );

    // A mixed history (a switch from Apple to Garmin): only the ten rMSSD days form the
    // baseline, and 21.5 ms sits inside their 20–24 ms range.
    input.baselines.hrv = None;
    input.history.extend((1..=10).map(|n: u32| {
        (
            days_ago(u64::from(n)),
            DailyValues {
                hrv: Some((20.0 + f64::from(n % 5), HrvKind::Rmssd)),
                ..DailyValues::default()
            },
        )
    }));
    input.today.hrv = Some((21.5, HrvKind::Rmssd));
    let r = readiness(&input, &ReadinessSettings::default());
    let hrv = signal(&r, Signal::Hrv);
    assert!(
        hrv.values
            .iter()
            .any(|v| v.name == "baseline_values" && v.value == 10.0),
        "{}",
        hrv.reason
    );
    assert_eq!(hrv.light, Light::Green, "{}", hrv.reason);
}

#[test]
fn resting_hr_uses_its_rolling_mean_then_the_manual_baseline() {
    // Rolling mean of 48/50 = 49: 54 is +5 (yellow), 59 is +10 (red).
    for (bpm, light) in [(53, Light::Green), (54, Light::Yellow), (59, Light::Red)] {
        let r = readiness(
            &inputs(DailyValues {
                resting_hr: Some(bpm),
                ..good_day()
            }),
            &ReadinessSettings::default(),
        );
        assert_eq!(signal(&r, Signal::RestingHr).light, light, "{bpm}");
    }
    let mut input = inputs(DailyValues {
        resting_hr: Some(52),
        ..good_day()
    });
    input.history.truncate(3);
    input.baselines.resting_hr = Some(45);
    let r = readiness(&input, &ReadinessSettings::default());
    let rhr = signal(&r, Signal::RestingHr);
    assert_eq!(rhr.light, Light::Yellow);
    assert!(rhr.reason.contains("manual baseline"), "{}", rhr.reason);
}

#[test]
fn simple_scales_follow_their_thresholds() {
    let settings = ReadinessSettings::default();
    let light_of =
        |values: DailyValues, s: Signal| signal(&readiness(&inputs(values), &settings), s).light;
    let cases = [
        (
            DailyValues {
                sleep_duration_min: Some(400),
                ..good_day()
            },
            Signal::Sleep,
            Light::Yellow,
        ),
        (
            DailyValues {
                sleep_duration_min: Some(290),
                ..good_day()
            },
            Signal::Sleep,
            Light::Red,
        ),
        (
            DailyValues {
                sleep_quality: Some(2),
                ..good_day()
            },
            Signal::Sleep,
            Light::Yellow,
        ),
        (
            DailyValues {
                sleep_quality: Some(1),
                ..good_day()
            },
            Signal::Sleep,
            Light::Red,
        ),
        (
            DailyValues {
                soreness: Some(7),
                ..good_day()
            },
            Signal::Soreness,
            Light::Yellow,
        ),
        (
            DailyValues {
                soreness: Some(9),
                ..good_day()
            },
            Signal::Soreness,
            Light::Red,
        ),
        (
            DailyValues {
                stress: Some(8),
                ..good_day()
            },
            Signal::Stress,
            Light::Yellow,
        ),
        (
            DailyValues {
                stress: Some(10),
                ..good_day()
            },
            Signal::Stress,
            Light::Yellow,
        ),
    ];
    for (values, s, light) in cases {
        assert_eq!(light_of(values.clone(), s), light, "{values:?}");
    }
    let mut hard_week = inputs(good_day());
    hard_week.recent_rpes = vec![
        (days_ago(1), 9),
        (days_ago(2), 8),
        (days_ago(3), 7),
        (today(), 2),
        (days_ago(4), 1),
    ];
    // Only the three days before today count: (9 + 8 + 7) / 3 = 8 → yellow.
    let rpe = readiness(&hard_week, &settings);
    let reading = signal(&rpe, Signal::RecentRpe);
    assert_eq!(reading.light, Light::Yellow);
    assert!(
        reading
            .values
            .iter()
            .any(|v| v.name == "mean_rpe" && v.value == 8.0)
    );
}

#[test]
fn three_yellows_make_red_and_one_makes_yellow() {
    let one = DailyValues {
        soreness: Some(7),
        ..good_day()
    };
    assert_eq!(
        readiness(&inputs(one), &ReadinessSettings::default()).light,
        Some(Light::Yellow)
    );
    let three = DailyValues {
        soreness: Some(7),
        stress: Some(8),
        sleep_duration_min: Some(400),
        ..good_day()
    };
    assert_eq!(
        readiness(&inputs(three), &ReadinessSettings::default()).light,
        Some(Light::Red)
    );
}

#[test]
fn nothing_logged_means_no_light_and_zero_confidence() {
    let r = readiness(
        &ReadinessInputs {
            date: today(),
            ..ReadinessInputs::default()
        },
        &ReadinessSettings::default(),
    );
    assert_eq!(r.light, None);
    assert_eq!(r.confidence, 0.0);
    let missing: Vec<Signal> = r.missing.iter().map(|m| m.signal).collect();
    assert_eq!(missing, &Signal::ALL[..6]);

    let with_mood = ReadinessSettings {
        use_mood: true,
        ..ReadinessSettings::default()
    };
    let r = readiness(
        &inputs(DailyValues {
            mood: Some(2),
            ..good_day()
        }),
        &with_mood,
    );
    assert_eq!(signal(&r, Signal::Mood).light, Light::Yellow);
    assert_eq!(r.confidence, 1.0);
}

#[test]
fn settings_validate_and_default_from_partial_json() {
    assert!(ReadinessSettings::default().validate().is_ok());
    let bad = ReadinessSettings {
        hrv_red_sd: 0.2,
        baseline_days: 3,
        ..ReadinessSettings::default()
    };
    let fields: Vec<String> = bad
        .validate()
        .expect_err("bad")
        .errors
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(fields, ["baselineDays", "hrvRedSd"]);
    let parsed: ReadinessSettings = serde_json::from_str(r#"{"use_mood":true}"#).expect("parses");
    assert!(parsed.use_mood);
    assert_eq!(parsed.hrv_min_history, 7);
}

fn arbitrary_values() -> impl Strategy<Value = DailyValues> {
    let kind = prop_oneof![Just(HrvKind::Rmssd), Just(HrvKind::Sdnn)];
    let hrv_ms = prop_oneof![any::<f64>(), 1.0..200.0_f64];
    (
        proptest::option::of(any::<i32>()),
        proptest::option::of((hrv_ms, kind)),
        proptest::option::of(any::<i32>()),
        proptest::option::of(any::<i32>()),
        proptest::option::of(any::<i32>()),
        proptest::option::of(any::<i32>()),
        proptest::option::of(any::<i32>()),
    )
        .prop_map(
            |(resting_hr, hrv, sleep, quality, soreness, stress, mood)| DailyValues {
                resting_hr,
                hrv,
                sleep_duration_min: sleep,
                sleep_quality: quality,
                soreness,
                stress,
                mood,
                ..DailyValues::default()
            },
        )
}

proptest! {
    #[test]
    fn never_panics_and_missing_inputs_lower_confidence(
        today_values in arbitrary_values(),
        history in proptest::collection::vec((0u64..90, arbitrary_values()), 0..40),
        rpes in proptest::collection::vec((0u64..10, any::<i32>()), 0..6),
        manual_rhr in proptest::option::of(any::<i32>()),
        manual_hrv in proptest::option::of((any::<f64>(), prop_oneof![Just(HrvKind::Rmssd), Just(HrvKind::Sdnn)])),
        use_mood in any::<bool>(),
        which in 0usize..7,
    ) {
        let settings = ReadinessSettings { use_mood, ..ReadinessSettings::default() };
        let input = ReadinessInputs {
            date: today(),
            today: today_values,
            history: history.into_iter().map(|(n, v)| (days_ago(n), v)).collect(),
            baselines: Baselines { resting_hr: manual_rhr, hrv: manual_hrv, ..Baselines::default() },
            recent_rpes: rpes.into_iter().map(|(n, r)| (days_ago(n), r)).collect(),
        };
        let full = readiness(&input, &settings);
        prop_assert!((0.0..=1.0).contains(&full.confidence));
        prop_assert_eq!(full.signals.len() + full.missing.len(), if use_mood { 7 } else { 6 });
        prop_assert_eq!(full.light.is_none(), full.signals.is_empty());

        // Removing one input never raises confidence.
        let mut fewer = input.clone();
        match which {
            0 => fewer.today.hrv = None,
            1 => fewer.today.resting_hr = None,
            2 => { fewer.today.sleep_duration_min = None; fewer.today.sleep_quality = None; }
            3 => fewer.today.soreness = None,
            4 => fewer.today.stress = None,
            5 => fewer.recent_rpes.clear(),
            _ => fewer.today.mood = None,
        }
        prop_assert!(readiness(&fewer, &settings).confidence <= full.confidence);

        // HRV is only ever judged against values or baselines of today's kind.
        if let (Some((_, kind)), Some(hrv)) = (input.today.hrv, full.signals.iter().find(|s| s.signal == Signal::Hrv)) {
            let same_kind_history = input.history.iter().any(|(_, v)| v.hrv.is_some_and(|(_, k)| k == kind));
            let same_kind_manual = input.baselines.hrv.is_some_and(|(_, k)| k == kind);
            prop_assert!(same_kind_history || same_kind_manual, "{}", hrv.reason);
        }
    }
}

#[test]
fn a_very_steady_baseline_never_turns_a_normal_fluctuation_into_an_extreme() {
    // Thirty mornings of 70 and 71 ms: an SD of about 0.007 in ln units. Today's 65 ms (−8 %
    // from the geometric mean, 70.5 ms) would be −11 SD against that; with the 4 % floor it is
    // −2.0 typical changes, a plain red, explained in milliseconds and percent.
    let settings = ReadinessSettings::default();
    let mut input = inputs(good_day());
    input.history = (1..=30)
        .map(|n| {
            let date = input.date - chrono::Days::new(n);
            let day = DailyValues {
                hrv: Some((if n % 2 == 0 { 70.0 } else { 71.0 }, HrvKind::Rmssd)),
                ..DailyValues::default()
            };
            (date, day)
        })
        .collect();
    input.today.hrv = Some((65.0, HrvKind::Rmssd));
    let r = readiness(&input, &settings);
    let hrv = signal(&r, Signal::Hrv);
    assert_eq!(hrv.light, Light::Red, "{}", hrv.reason);
    let judged = hrv
        .values
        .iter()
        .find(|v| v.name == "judged_sd_ln")
        .expect("receipt")
        .value;
    assert!((judged - 0.04).abs() < 1e-12, "the floor is used: {judged}");
    assert!(
        hrv.reason.contains("8% below your usual 70 ms"),
        "{}",
        hrv.reason
    );
    assert!(hrv.reason.contains("barely vary"), "{}", hrv.reason);
    assert!(
        !hrv.reason.contains("SD"),
        "no statistics jargon: {}",
        hrv.reason
    );
    // At most a few typical changes away, never tens.
    assert!(hrv.reason.contains("-2.0 typical"), "{}", hrv.reason);
}
