//! Golden values for the shared real-world fixtures (`../shared/fixtures/files`).
//!
//! Every expected number was produced independently by `tests/golden/compute.py` (fitdecode
//! for FIT, gpxpy for GPX, Python's ElementTree for TCX; the derived values re-implement the
//! documented rules of `src/summary.rs` in Python), with:
//!
//! ```sh
//! /tmp/pyv/bin/python sdk/formats/tests/golden/compute.py /work/shared/fixtures/files
//! ```
//!
//! Its output is quoted beside each assertion.

#![expect(clippy::unwrap_used, reason = "a failing unwrap is a failing test")]

use stride_formats::{Problem, read_file};
use stride_plugin_sdk::Sport;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../../shared/fixtures/files/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn close(actual: f64, expected: f64, tolerance: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= tolerance,
        "{what}: {actual} is not within {tolerance} of {expected}"
    );
}

#[test]
fn fenix2_run_fit() {
    let name = "fitparse_activity-small-fenix2-run.fit";
    let a = read_file(name, &fixture(name)).unwrap();
    // "2809 records, 2809 after dropping repeated times"
    let samples = a.samples.as_ref().unwrap();
    assert_eq!(samples.time_s.len(), 2809);
    // "start_ms=1439649908000 utc_offset_s=7200"
    assert_eq!(a.start_ms, 1_439_649_908_000);
    assert_eq!(a.utc_offset_s, Some(7200));
    // "session: elapsed=2832.0 distance=9008.22 ascent=64 kcal=516 cadence=81 sport=running"
    assert_eq!(a.duration_s, 2832);
    close(a.distance_m.unwrap(), 9008.22, 0.005, "distance");
    assert_eq!(a.elevation_gain_m, Some(64.0));
    assert_eq!(a.energy_kcal, Some(516.0));
    assert_eq!(a.avg_cadence, Some(81.0));
    assert_eq!(a.sport, Sport::Run);
    assert_eq!(a.sport_detail.as_deref(), Some("running"));
    // The session has no heart rate: "records: hr avg=154.0 max=178 moving_s=2813"
    assert_eq!(a.avg_hr, Some(154.0));
    assert_eq!(a.max_hr, Some(178.0));
    assert_eq!(a.moving_time_s, Some(2813));
    assert_eq!(a.device.as_deref(), Some("garmin fenix2"));
    // Four laps: 14:45:09 270 s 848.94 m, 14:49:40 836 s 2987.88 m, 15:03:37 758 s
    // 2978.79 m, 15:16:16 965 s 2192.61 m; the activity starts 14:45:08.
    let laps: Vec<(f64, f64, f64)> = a
        .laps
        .iter()
        .map(|l| (l.start_s, l.duration_s, l.distance_m.unwrap()))
        .collect();
    assert_eq!(
        laps,
        vec![
            (1.0, 270.0, 848.94),
            (272.0, 836.0, 2987.88),
            (1109.0, 758.0, 2978.79),
            (1868.0, 965.0, 2192.61)
        ]
    );
    assert_eq!(a.laps[1].avg_cadence, Some(83.0));
    // The laps carry no heart rate; from the points within each lap:
    // "hr=(127.7, 146)", "(159.9, 169)", "(172.6, 178)", "(141.6, 177)"
    let lap_hr: Vec<(Option<f64>, Option<f64>)> =
        a.laps.iter().map(|l| (l.avg_hr, l.max_hr)).collect();
    assert_eq!(
        lap_hr,
        vec![
            (Some(127.7), Some(146.0)),
            (Some(159.9), Some(169.0)),
            (Some(172.6), Some(178.0)),
            (Some(141.6), Some(177.0))
        ]
    );
    // Samples carry the device's channels.
    assert!(samples.heart_rate.is_some() && samples.altitude_m.is_some());
    // fitdecode: the last record's distance is 9007.07 m (the session total says 9008.22).
    close(
        *samples.distance_m.as_ref().unwrap().last().unwrap(),
        9007.07,
        1e-6,
        "last distance sample",
    );
    assert_eq!(a.external_id.len(), 64);
}

#[test]
fn compressed_speed_distance_fit_is_refused_for_relative_times() {
    // fitdecode: every timestamp is small (17217864 = system time since power-on), there is
    // no timestamp_correlation message, only activity.local_timestamp (local, zone unknown).
    let name = "fitparse_compressed-speed-distance.fit";
    let e = read_file(name, &fixture(name)).unwrap_err();
    assert_eq!(e.file, name);
    assert_eq!(e.problem, Problem::RelativeTimestamps(17_217_864));
    assert!(e.to_string().contains("switched on"), "{e}");
}

#[test]
fn truncated_fit_fixture_is_refused() {
    // fitdecode: "FitEOFError: expected 1 bytes, got 0 @ 768".
    let name = "fitparse_activity-unexpected-eof.fit";
    let e = read_file(name, &fixture(name)).unwrap_err();
    assert!(matches!(e.problem, Problem::Truncated(_)), "{e}");
    assert!(e.to_string().starts_with(name), "{e}");
}

#[test]
fn garmin_connect_gpx_with_extensions() {
    let name = "georust-gpx_garmin-activity.gpx";
    let a = read_file(name, &fixture(name)).unwrap();
    // "988 points, 988 after dropping repeated times"
    let samples = a.samples.as_ref().unwrap();
    assert_eq!(samples.time_s.len(), 988);
    // "name='casual stroll' type='running' creator='Garmin Connect'"
    assert_eq!(a.name, "casual stroll");
    assert_eq!(a.sport, Sport::Run);
    assert_eq!(a.sport_detail.as_deref(), Some("running"));
    assert_eq!(a.device.as_deref(), Some("Garmin Connect"));
    // "start_ms=1501339595000 elapsed=5498 distance=12821.20 moving_s=5485 gain=214.2"
    assert_eq!(a.start_ms, 1_501_339_595_000);
    assert_eq!(a.duration_s, 5498);
    close(a.distance_m.unwrap(), 12_821.20, 0.01, "distance");
    assert_eq!(a.moving_time_s, Some(5485));
    assert_eq!(a.elevation_gain_m, Some(214.2));
    // "hr avg=145.5 max=171.0 cadence avg=80.0" (from TrackPointExtension hr and cad)
    assert_eq!(a.avg_hr, Some(145.5));
    assert_eq!(a.max_hr, Some(171.0));
    assert_eq!(a.avg_cadence, Some(80.0));
    assert_eq!(samples.heart_rate.as_ref().unwrap()[0], 74.0);
    assert_eq!(a.utc_offset_s, None);
}

#[test]
fn wahoo_gpx_with_empty_elevation() {
    let name = "georust-gpx_wahoo_example.gpx";
    let a = read_file(name, &fixture(name)).unwrap();
    // "3 points ... start_ms=1650833673000 elapsed=2 distance=0.00 moving_s=0 gain=None"
    assert_eq!(a.samples.as_ref().unwrap().time_s, vec![0.0, 1.0, 2.0]);
    assert_eq!(a.start_ms, 1_650_833_673_000);
    assert_eq!(a.duration_s, 2);
    assert_eq!(a.distance_m, Some(0.0));
    assert_eq!(a.moving_time_s, Some(0));
    assert_eq!(a.elevation_gain_m, None);
    assert!(a.samples.as_ref().unwrap().altitude_m.is_none());
    // "type=None": no sport in the file.
    assert_eq!(a.sport, Sport::Other);
    assert_eq!(a.name, "04/24/22");
}

#[test]
fn tcx_without_heart_rate() {
    let name = "tcxparser_no_hr.tcx";
    let a = read_file(name, &fixture(name)).unwrap();
    // "384 trackpoints ... sport=Running laps=3"
    assert_eq!(a.samples.as_ref().unwrap().time_s.len(), 384);
    assert_eq!(a.sport, Sport::Run);
    assert_eq!(a.laps.len(), 3);
    // "start_ms=1356557393000 elapsed=1992 lap distance sum=4689.24 kcal=379.0
    //  moving_s=1985 gain=129.8"
    assert_eq!(a.start_ms, 1_356_557_393_000);
    assert_eq!(a.duration_s, 1992);
    close(a.distance_m.unwrap(), 4689.24, 0.005, "distance");
    assert_eq!(a.energy_kcal, Some(379.0));
    assert_eq!(a.moving_time_s, Some(1985));
    assert_eq!(a.elevation_gain_m, Some(129.8));
    assert_eq!(a.avg_hr, None);
    assert!(a.samples.as_ref().unwrap().heart_rate.is_none());
    // "lap start=2012-12-26T21:40:02Z time=714.80 distance=1609.34399414"
    assert_eq!(a.laps[1].start_s, 609.0);
    close(a.laps[1].duration_s, 714.80, 1e-9, "lap 2 time");
    close(
        a.laps[1].distance_m.unwrap(),
        1609.344,
        0.001,
        "lap 2 distance",
    );
}

#[test]
fn every_fixture_gives_an_activity_or_a_named_error() {
    let dir = format!(
        "{}/../../../shared/fixtures/files",
        env!("CARGO_MANIFEST_DIR")
    );
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".txt") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        match read_file(&name, &bytes) {
            Ok(a) => assert!(a.check().is_ok(), "{name}"),
            Err(e) => assert_eq!(e.file, name),
        }
    }
}
