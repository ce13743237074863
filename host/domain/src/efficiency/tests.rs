//! Tests of [`super`].

use super::*;

/// An hour sampled every second at `speed(t)` m/s and `hr(t)` bpm.
fn session(speed: impl Fn(f64) -> f64, hr: impl Fn(f64) -> f64) -> Samples {
    let time_s: Vec<f64> = (0..=3_600).map(f64::from).collect();
    Samples {
        heart_rate: Some(time_s.iter().map(|t| hr(*t)).collect()),
        speed_mps: Some(time_s.iter().map(|t| speed(*t)).collect()),
        time_s,
        ..Samples::default()
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn a_steady_run_has_no_decoupling() {
    // 3 m/s = 180 m/min at 150 bpm → EF 1.2.
    let e = efficiency(&session(|_| 3.0, |_| 150.0), &EfficiencySettings::default())
        .expect("HR and speed present");
    assert!(close(e.efficiency_factor, 1.2));
    assert!(close(e.decoupling_pct, 0.0));
    assert!(close(e.moving_s, 3_600.0));
    assert!(e.steady);
    assert_eq!(e.speed_source, SpeedSource::SpeedChannel);
}

#[test]
fn heart_rate_drift_shows_as_decoupling() {
    // Same 180 m/min throughout; HR 140 in the first half, 154 in the second.
    // EF1 = 180/140 ≈ 1.2857, EF2 = 180/154 ≈ 1.1688, decoupling = (1 − 140/154) × 100 ≈ 9.09 %.
    let e = efficiency(
        &session(|_| 3.0, |t| if t < 1_800.0 { 140.0 } else { 154.0 }),
        &EfficiencySettings::default(),
    )
    .expect("computed");
    assert!(close(e.first_half_ef, 180.0 / 140.0));
    assert!(close(e.second_half_ef, 180.0 / 154.0));
    assert!(close(e.decoupling_pct, (1.0 - 140.0 / 154.0) * 100.0));
    assert!((e.decoupling_pct - 9.09).abs() < 0.01);
    assert!(close(e.mean_hr, 147.0));
}

#[test]
fn stops_and_pauses_are_not_moving_time() {
    // Ten minutes standing at a light (speed 0, HR 100) do not count.
    let standing = |t: f64| (600.0..1_200.0).contains(&t);
    let e = efficiency(
        &session(
            |t| if standing(t) { 0.0 } else { 3.0 },
            |t| if standing(t) { 100.0 } else { 150.0 },
        ),
        &EfficiencySettings::default(),
    )
    .expect("computed");
    assert!(close(e.moving_s, 3_000.0));
    assert!(close(e.efficiency_factor, 1.2));

    // A 20-minute auto-pause between two samples is a gap, not moving time.
    let samples = Samples {
        time_s: vec![0.0, 10.0, 1_210.0, 1_220.0],
        heart_rate: Some(vec![150.0, 150.0, 150.0, 150.0]),
        speed_mps: Some(vec![3.0, 3.0, 3.0, 3.0]),
        ..Samples::default()
    };
    let e = efficiency(&samples, &EfficiencySettings::default()).expect("computed");
    assert!(close(e.moving_s, 20.0));
    assert!(!e.steady, "20 s is too short to call steady");
}

#[test]
fn speed_comes_from_distance_when_there_is_no_speed_channel() {
    let mut samples = session(|_| 3.0, |_| 150.0);
    samples.distance_m = Some(samples.time_s.iter().map(|t| t * 3.0).collect());
    samples.speed_mps = None;
    let e = efficiency(&samples, &EfficiencySettings::default()).expect("computed");
    assert!(close(e.efficiency_factor, 1.2));
    assert_eq!(e.speed_source, SpeedSource::DistanceChannel);
}

#[test]
fn intervals_are_computed_but_not_steady() {
    // Alternating 2 and 5 m/s minutes: CV = 1.5 / 3.5 ≈ 0.43.
    let e = efficiency(
        &session(
            |t| if (t / 60.0) as i64 % 2 == 0 { 2.0 } else { 5.0 },
            |_| 150.0,
        ),
        &EfficiencySettings::default(),
    )
    .expect("computed");
    assert!(!e.steady);
    assert!((e.speed_cv - 1.5 / 3.5).abs() < 0.01, "{}", e.speed_cv);
}

#[test]
fn missing_heart_rate_or_speed_gives_nothing() {
    let mut no_hr = session(|_| 3.0, |_| 150.0);
    no_hr.heart_rate = None;
    assert_eq!(efficiency(&no_hr, &EfficiencySettings::default()), None);
    let mut no_speed = session(|_| 3.0, |_| 150.0);
    no_speed.speed_mps = None;
    assert_eq!(efficiency(&no_speed, &EfficiencySettings::default()), None);
    assert_eq!(
        efficiency(&Samples::default(), &EfficiencySettings::default()),
        None
    );
}

#[test]
fn validation_names_the_channel_and_sample() {
    let valid = session(|_| 3.0, |_| 150.0);
    assert!(valid.validate().is_ok());
    type Mutation = fn(&mut Samples);
    let cases: Vec<(Mutation, &str, &str)> = vec![
        (
            |s| {
                s.time_s[5] = 4.0;
            },
            "samples.timeSeconds",
            "sample 5",
        ),
        (
            |s| {
                s.time_s[7] = f64::NAN;
            },
            "samples.timeSeconds",
            "sample 7",
        ),
        (
            |s| {
                s.heart_rate.as_mut().expect("hr")[9] = 300.0;
            },
            "samples.heartRate",
            "sample 9: 300 bpm",
        ),
        (
            |s| {
                s.speed_mps.as_mut().expect("speed").pop();
            },
            "samples.speedMetersPerSecond",
            "has 3600 values",
        ),
        (
            |s| {
                s.speed_mps.as_mut().expect("speed")[3] = f64::INFINITY;
            },
            "samples.speedMetersPerSecond",
            "sample 3",
        ),
        (
            |s| {
                s.power_w = Some(vec![-1.0; 3_601]);
            },
            "samples.powerWatts",
            "sample 0",
        ),
        (
            |s| {
                s.distance_m = Some((0..=3_600).map(|i| f64::from(3_600 - i)).collect());
            },
            "samples.distanceMeters",
            "less than",
        ),
    ];
    for (mutate, field, reason) in cases {
        let mut samples = valid.clone();
        mutate(&mut samples);
        let err = samples.validate().expect_err(field);
        assert_eq!(err.errors.len(), 1, "{err}");
        assert_eq!(err.errors[0].field, field);
        assert!(err.errors[0].reason.contains(reason), "{err}");
        assert_eq!(efficiency(&samples, &EfficiencySettings::default()), None);
    }
}

#[test]
fn samples_round_trip_through_json_without_absent_channels() {
    let samples = Samples {
        time_s: vec![0.0, 1.0],
        heart_rate: Some(vec![120.0, 121.0]),
        ..Samples::default()
    };
    let text = serde_json::to_string(&samples).expect("serializes");
    assert_eq!(text, r#"{"time_s":[0.0,1.0],"heart_rate":[120.0,121.0]}"#);
    assert_eq!(
        serde_json::from_str::<Samples>(&text).expect("parses"),
        samples
    );
}

#[test]
fn downsampling_keeps_the_ends_and_spreads_evenly() {
    let hour = session(|t| t / 1_000.0, |_| 150.0);
    let small = hour.downsampled(5);
    assert_eq!(small.time_s, vec![0.0, 900.0, 1_800.0, 2_700.0, 3_600.0]);
    assert_eq!(
        small.speed_mps.as_deref(),
        Some(&[0.0, 0.9, 1.8, 2.7, 3.6][..])
    );
    assert_eq!(small.heart_rate.as_ref().map(Vec::len), Some(5));
    assert_eq!(small.power_w, None, "absent channels stay absent");
    // Already small enough: unchanged; a silly limit still gives both ends.
    assert_eq!(hour.downsampled(10_000), hour);
    assert_eq!(hour.downsampled(0).time_s, vec![0.0, 3_600.0]);
}
