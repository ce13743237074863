//! A multisport FIT file (swim, T1, bike, T2, run) becomes the whole and one activity per
//! leg. The file is `tests/data/triathlon.fit`, written by `tests/golden/make_multisport.py`;
//! every expected number was read from it independently by `tests/golden/multisport.py`
//! (fitdecode), with:
//!
//! ```sh
//! python3 sdk/formats/tests/golden/make_multisport.py sdk/formats/tests/data/triathlon.fit
//! /tmp/pyv/bin/python sdk/formats/tests/golden/multisport.py sdk/formats/tests/data/triathlon.fit
//! ```
//!
//! Its output is quoted beside each assertion.

#![expect(clippy::unwrap_used, reason = "a failing unwrap is a failing test")]

use std::io::{Cursor, Write};

use stride_formats::archive::{Entry, Zip};
use stride_formats::{Limits, read_file, read_recording_with};
use stride_plugin_sdk::{Activity, Sport};

fn triathlon() -> Vec<u8> {
    let path = format!("{}/tests/data/triathlon.fit", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// What the golden script prints for a leg.
struct Leg {
    sport: Sport,
    detail: &'static str,
    start_ms: i64,
    elapsed: i64,
    distance: f64,
    hr: (f64, f64),
    kcal: f64,
    ascent: Option<f64>,
    power: Option<f64>,
    cadence: Option<f64>,
    samples: usize,
    moving: i64,
    laps: &'static [(f64, f64, f64)],
}

// records=771 laps=7 sessions=5 utc_offset_s=7200
// leg 1: sport=swimming/open_water start_ms=1780808400000 elapsed=1500.0 distance=1490.0 hr=136/142 kcal=310 ascent=None power=None cadence=None samples=150 moving_s=1490 laps=[(0, 1500.0, 1490.0)]
// leg 2: sport=transition/generic start_ms=1780809900000 elapsed=120.0 distance=88.0 hr=146/152 kcal=12 ascent=None power=None cadence=None samples=12 moving_s=110 laps=[(0, 120.0, 88.0)]
// leg 3: sport=cycling/road start_ms=1780810020000 elapsed=3600.0 distance=35900.0 hr=148/154 kcal=820 ascent=120 power=200 cadence=90 samples=360 moving_s=3590 laps=[(0, 1800.0, 17900.0), (1800, 1800.0, 17900.0)]
// leg 4: sport=transition/generic start_ms=1780813620000 elapsed=90.0 distance=48.0 hr=155/160 kcal=8 ascent=None power=None cadence=None samples=9 moving_s=80 laps=[(0, 90.0, 48.0)]
// leg 5: sport=running/generic start_ms=1780813710000 elapsed=2400.0 distance=9841.2 hr=164/170 kcal=640 ascent=0.0 power=None cadence=86 samples=240 moving_s=2360 laps=[(0, 1200.0, 4837.2), (1200, 1200.0, 4962.3)]
// whole: start_ms=1780808400000 elapsed=7710 distance=47367.2 ascent=120 kcal=1790 hr=150.7/170 power=200.0 cadence=88.4 moving_s=7630 samples=771 laps=7
const LEGS: [Leg; 5] = [
    Leg {
        sport: Sport::Swim,
        detail: "swimming/open_water",
        start_ms: 1_780_808_400_000,
        elapsed: 1500,
        distance: 1490.0,
        hr: (136.0, 142.0),
        kcal: 310.0,
        ascent: None,
        power: None,
        cadence: None,
        samples: 150,
        moving: 1490,
        laps: &[(0.0, 1500.0, 1490.0)],
    },
    Leg {
        sport: Sport::Other,
        detail: "transition",
        start_ms: 1_780_809_900_000,
        elapsed: 120,
        distance: 88.0,
        hr: (146.0, 152.0),
        kcal: 12.0,
        ascent: None,
        power: None,
        cadence: None,
        samples: 12,
        moving: 110,
        laps: &[(0.0, 120.0, 88.0)],
    },
    Leg {
        sport: Sport::Ride,
        detail: "cycling/road",
        start_ms: 1_780_810_020_000,
        elapsed: 3600,
        distance: 35900.0,
        hr: (148.0, 154.0),
        kcal: 820.0,
        ascent: Some(120.0),
        power: Some(200.0),
        cadence: Some(90.0),
        samples: 360,
        moving: 3590,
        laps: &[(0.0, 1800.0, 17900.0), (1800.0, 1800.0, 17900.0)],
    },
    Leg {
        sport: Sport::Other,
        detail: "transition",
        start_ms: 1_780_813_620_000,
        elapsed: 90,
        distance: 48.0,
        hr: (155.0, 160.0),
        kcal: 8.0,
        ascent: None,
        power: None,
        cadence: None,
        samples: 9,
        moving: 80,
        laps: &[(0.0, 90.0, 48.0)],
    },
    Leg {
        sport: Sport::Run,
        detail: "running",
        start_ms: 1_780_813_710_000,
        elapsed: 2400,
        distance: 9841.2,
        hr: (164.0, 170.0),
        kcal: 640.0,
        ascent: Some(0.0),
        power: None,
        cadence: Some(86.0),
        samples: 240,
        moving: 2360,
        laps: &[(0.0, 1200.0, 4837.2), (1200.0, 1200.0, 4962.3)],
    },
];

fn close(actual: Option<f64>, expected: f64, what: &str) {
    let actual = actual.unwrap_or_else(|| panic!("{what}: none, expected {expected}"));
    assert!(
        (actual - expected).abs() < 0.01,
        "{what}: {actual}, expected {expected}"
    );
}

fn check_leg(n: usize, leg: &Activity, want: &Leg, parent: &str) {
    let what = |field: &str| format!("leg {n} {field}");
    assert_eq!(leg.external_id, format!("{parent}-{n}"));
    assert_eq!(leg.parent_external_id.as_deref(), Some(parent));
    assert_eq!(leg.sport, want.sport, "{}", what("sport"));
    assert_eq!(leg.sport_detail.as_deref(), Some(want.detail));
    assert_eq!(leg.start_ms, want.start_ms, "{}", what("start"));
    assert_eq!(leg.utc_offset_s, Some(7200));
    assert_eq!(leg.duration_s, want.elapsed, "{}", what("elapsed"));
    close(leg.distance_m, want.distance, &what("distance"));
    assert_eq!((leg.avg_hr, leg.max_hr), (Some(want.hr.0), Some(want.hr.1)));
    assert_eq!(leg.energy_kcal, Some(want.kcal), "{}", what("kcal"));
    assert_eq!(leg.elevation_gain_m, want.ascent, "{}", what("ascent"));
    assert_eq!(leg.avg_power_w, want.power, "{}", what("power"));
    assert_eq!(leg.avg_cadence, want.cadence, "{}", what("cadence"));
    assert_eq!(leg.moving_time_s, Some(want.moving), "{}", what("moving"));
    let samples = leg.samples.as_ref().unwrap();
    assert_eq!(samples.time_s.len(), want.samples, "{}", what("samples"));
    assert_eq!(
        samples.time_s.first(),
        Some(&0.0),
        "{}",
        what("first sample")
    );
    assert!(
        samples
            .time_s
            .last()
            .is_some_and(|t| *t < want.elapsed as f64),
        "{}",
        what("samples in range")
    );
    // The distance channel starts at 0 in every leg.
    assert_eq!(samples.distance_m.as_ref().unwrap().first(), Some(&0.0));
    let laps: Vec<(f64, f64, f64)> = leg
        .laps
        .iter()
        .map(|l| (l.start_s, l.duration_s, l.distance_m.unwrap_or(-1.0)))
        .collect();
    assert_eq!(laps, want.laps, "{}", what("laps"));
    assert_eq!(leg.device.as_deref(), Some("garmin fr945"));
}

#[test]
fn a_triathlon_is_five_legs_and_a_whole() {
    let bytes = triathlon();
    let recording = read_recording_with("tri.fit", &bytes, &Limits::default()).unwrap();
    let whole = &recording.whole;
    assert_eq!(recording.legs.len(), 5);
    for (i, (leg, want)) in recording.legs.iter().zip(&LEGS).enumerate() {
        check_leg(i + 1, leg, want, &whole.external_id);
    }

    // whole: start_ms=1780808400000 elapsed=7710 distance=47367.2 ascent=120 kcal=1790
    // hr=150.7/170 power=200.0 cadence=88.4 moving_s=7630 samples=771 laps=7
    assert_eq!(whole.parent_external_id, None);
    assert_eq!(whole.sport, Sport::Other);
    assert_eq!(
        whole.sport_detail.as_deref(),
        Some("multisport: swimming, cycling, running")
    );
    assert_eq!(whole.name, "Multisport 2026-06-07 (FIT)");
    assert_eq!(whole.start_ms, 1_780_808_400_000);
    assert_eq!(whole.duration_s, 7710);
    close(whole.distance_m, 47367.2, "whole distance");
    assert_eq!(whole.elevation_gain_m, Some(120.0));
    assert_eq!(whole.energy_kcal, Some(1790.0));
    assert_eq!((whole.avg_hr, whole.max_hr), (Some(150.7), Some(170.0)));
    assert_eq!(whole.avg_power_w, Some(200.0));
    assert_eq!(whole.avg_cadence, Some(88.4));
    assert_eq!(whole.moving_time_s, Some(7630));
    let samples = whole.samples.as_ref().unwrap();
    assert_eq!(samples.time_s.len(), 771);
    // The whole's distance channel carries on across legs (the device restarts it): it ends
    // near the sum of the legs' distances and never goes down.
    let distances = samples.distance_m.as_ref().unwrap();
    assert!(distances.windows(2).all(|w| w[1] >= w[0]));
    assert!(
        distances.last().unwrap() > &47_000.0,
        "{:?}",
        distances.last()
    );
    assert_eq!(whole.laps.len(), 7);
    assert_eq!(whole.device.as_deref(), Some("garmin fr945"));

    // The legs' time adds up to the whole's; nothing counts twice once the whole is left out.
    let legs_time: i64 = recording.legs.iter().map(|l| l.duration_s).sum();
    assert_eq!(legs_time, whole.duration_s);
    let stored = recording.clone().into_stored();
    assert_eq!(stored.len(), 5);
    assert!(stored.iter().all(|a| a.parent_external_id.is_some()));

    // `read_file` (the Garmin plugin's entry point) gives the whole.
    let single = read_file("tri.fit", &bytes).unwrap();
    assert_eq!(single.external_id, whole.external_id);
    assert_eq!(single.duration_s, 7710);
}

#[test]
fn a_triathlon_in_a_zip_keeps_its_legs() {
    let bytes = triathlon();
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    writer.start_file("races/tri.fit", options).unwrap();
    writer.write_all(&bytes).unwrap();
    let archive = writer.finish().unwrap().into_inner();
    let mut zip = Zip::open("export.zip", Cursor::new(archive), Limits::default()).unwrap();
    let Some(Entry::Activity {
        name,
        activity,
        legs,
    }) = zip.next_entry()
    else {
        panic!("no activity");
    };
    assert_eq!(name, "races/tri.fit");
    assert_eq!(legs.len(), 5);
    assert!(
        legs.iter()
            .all(|l| l.parent_external_id.as_deref() == Some(activity.external_id.as_str()))
    );
    assert!(zip.next_entry().is_none());
}

#[test]
fn one_session_is_no_multisport() {
    let path = format!(
        "{}/../../../shared/fixtures/files/fitparse_activity-small-fenix2-run.fit",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&path).unwrap();
    let recording = read_recording_with("run.fit", &bytes, &Limits::default()).unwrap();
    assert!(recording.legs.is_empty());
    assert_eq!(recording.whole.parent_external_id, None);
    let stored = recording.into_stored();
    assert_eq!(stored.len(), 1);
}
