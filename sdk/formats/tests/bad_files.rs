//! Every kind of bad file: each must give a clear error naming the file and the problem,
//! never a panic, in bounded time. The hostile inputs are built here.

#![expect(clippy::unwrap_used, reason = "a failing unwrap is a failing test")]

use std::io::{Cursor, Write};
use std::time::{Duration, Instant};

use stride_formats::archive::{Entry, Zip};
use stride_formats::{FormatError, Limits, Problem, read_file, read_file_with};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../../shared/fixtures/files/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const FENIX: &str = "fitparse_activity-small-fenix2-run.fit";

/// Runs `f`, failing the test if it takes longer than `limit`.
fn timed<T>(limit: Duration, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    assert!(
        start.elapsed() < limit,
        "took {:?}, more than {limit:?}",
        start.elapsed()
    );
    out
}

fn refused(name: &str, bytes: &[u8]) -> FormatError {
    let e = timed(Duration::from_secs(10), || read_file(name, bytes)).unwrap_err();
    assert_eq!(e.file, name, "{e}");
    assert!(e.to_string().starts_with(&format!("{name}: ")), "{e}");
    e
}

fn gpx(points: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>{points}</trkseg></trk></gpx>"#
    )
}

fn trkpt(lat: f64, lon: f64, time: &str) -> String {
    format!(r#"<trkpt lat="{lat}" lon="{lon}"><ele>10</ele><time>{time}</time></trkpt>"#)
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        if name.ends_with('/') {
            writer.add_directory(*name, options).unwrap();
        } else {
            writer.start_file(*name, options).unwrap();
            writer.write_all(bytes).unwrap();
        }
    }
    writer.finish().unwrap().into_inner()
}

fn read_zip(bytes: Vec<u8>, limits: Limits) -> Vec<Entry> {
    let mut zip = Zip::open("export.zip", Cursor::new(bytes), limits).unwrap();
    std::iter::from_fn(|| zip.next_entry()).collect()
}

#[test]
fn zero_length_files() {
    for name in ["run.fit", "run.gpx", "run.tcx", "run.fit.gz", "mystery"] {
        assert_eq!(refused(name, &[]).problem, Problem::Empty);
    }
    // A gzip holding nothing is empty too.
    assert_eq!(refused("run.fit.gz", &gzip(b"")).problem, Problem::Empty);
}

#[test]
fn wrong_type_behind_a_right_extension() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    let e = refused("run.fit", png);
    assert_eq!(
        e.problem,
        Problem::WrongType {
            expected: "a FIT file".to_owned(),
            found: "a PNG image".to_owned()
        }
    );
    let gpx_text = gpx(&trkpt(1.0, 1.0, "2024-01-01T00:00:00Z"));
    let e = refused("run.fit", gpx_text.as_bytes());
    assert!(e.to_string().contains("looks like a GPX file"), "{e}");
    let e = refused("ride.gpx", &fixture(FENIX));
    assert!(e.to_string().contains("looks like a FIT file"), "{e}");
    let e = refused("ride.tcx", gpx_text.as_bytes());
    assert!(e.to_string().contains("GPX"), "{e}");
    let e = refused("run.fit.gz", &fixture(FENIX));
    assert!(matches!(e.problem, Problem::WrongType { .. }), "{e}");
    let e = refused("notes.txt", b"hello, this is not an activity");
    assert!(e.to_string().contains("text starting"), "{e}");
    // XML that is neither GPX nor TCX.
    let e = refused("run.gpx", b"<?xml version=\"1.0\"?><kml><Document/></kml>");
    assert!(e.to_string().contains("<kml>"), "{e}");
}

#[test]
fn truncated_files() {
    let fit = fixture(FENIX);
    for cut in [13, 100, fit.len() / 2, fit.len() - 1] {
        let e = refused("run.fit", &fit[..cut]);
        assert!(matches!(e.problem, Problem::Truncated(_)), "cut {cut}: {e}");
    }
    let text = gpx(&trkpt(1.0, 1.0, "2024-01-01T00:00:00Z"));
    let e = refused("run.gpx", &text.as_bytes()[..text.len() - 20]);
    assert!(
        matches!(e.problem, Problem::Truncated(_) | Problem::Malformed(_)),
        "{e}"
    );
    let gz = gzip(&fit);
    let e = refused("run.fit.gz", &gz[..gz.len() / 2]);
    assert!(matches!(e.problem, Problem::Truncated(_)), "{e}");
}

#[test]
fn corrupted_bytes_never_panic() {
    let fit = fixture(FENIX);
    let start = Instant::now();
    for i in 0..300usize {
        let mut bytes = fit.clone();
        let at = 14 + (i * 7919) % (bytes.len() - 16);
        bytes[at] ^= 0x5a;
        let other = (at * 31) % bytes.len();
        bytes[other] = 0xff;
        // Either outcome is fine; a panic or a hang is not.
        if let Err(e) = read_file("run.fit", &bytes) {
            assert_eq!(e.file, "run.fit");
        }
    }
    assert!(start.elapsed() < Duration::from_secs(60));
}

#[test]
fn billion_laughs_is_refused_unexpanded() {
    let mut doctype = String::from("<!DOCTYPE gpx [\n<!ENTITY lol \"lol\">\n");
    doctype.push_str("<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n");
    for i in 2..10 {
        let prev = format!("&lol{};", i - 1).repeat(10);
        doctype.push_str(&format!("<!ENTITY lol{i} \"{prev}\">\n"));
    }
    doctype.push_str("]>\n");
    let text = format!(
        "<?xml version=\"1.0\"?>\n{doctype}<gpx><trk><name>&lol9;</name><trkseg>{}</trkseg></trk></gpx>",
        trkpt(1.0, 1.0, "2024-01-01T00:00:00Z")
    );
    let e = timed(Duration::from_secs(1), || {
        read_file("laughs.gpx", text.as_bytes())
    })
    .unwrap_err();
    assert!(matches!(e.problem, Problem::Refused(_)), "{e}");
    assert!(e.to_string().contains("DOCTYPE"), "{e}");
}

#[test]
fn external_entities_are_refused_and_never_fetched() {
    let text = "<?xml version=\"1.0\"?>\n<!DOCTYPE TrainingCenterDatabase [<!ENTITY xxe SYSTEM \
         \"file:///etc/passwd\">]>\n<TrainingCenterDatabase><Activities><Activity \
         Sport=\"Running\"><Notes>&xxe;</Notes></Activity></Activities></TrainingCenterDatabase>";
    let e = refused("leak.tcx", text.as_bytes());
    assert!(e.to_string().contains("DOCTYPE"), "{e}");
    assert!(!e.to_string().contains("root:"), "{e}");
    // Without a DOCTYPE, a reference to an undeclared entity is refused too.
    let text = gpx(
        "<trkpt lat=\"1\" lon=\"1\"><time>2024-01-01T00:00:00Z</time><name>&xxe;</name></trkpt>",
    );
    let e = refused("leak.gpx", text.as_bytes());
    assert!(e.to_string().contains("&xxe;"), "{e}");
    // The five predefined entities and character references are fine.
    let text = format!(
        "<?xml version=\"1.0\"?><gpx creator=\"A &amp; B\"><trk><name>Tom &amp; Jerry&#33;</name><trkseg>{}{}</trkseg></trk></gpx>",
        trkpt(1.0, 1.0, "2024-01-01T00:00:00Z"),
        trkpt(1.0, 1.001, "2024-01-01T00:00:30Z")
    );
    let a = read_file("fine.gpx", text.as_bytes()).unwrap();
    assert_eq!(a.name, "Tom & Jerry!");
    assert_eq!(a.device.as_deref(), Some("A & B"));
}

#[test]
fn ten_thousand_identical_points() {
    let point = trkpt(45.0, 7.0, "2024-05-01T06:00:00Z");
    let text = gpx(&point.repeat(10_000));
    let e = refused("stuck.gpx", text.as_bytes());
    assert_eq!(e.problem, Problem::NoDuration(10_000));
    assert!(
        e.to_string().contains("10000 points have the same time"),
        "{e}"
    );
}

#[test]
fn ten_thousand_points_standing_still() {
    // Same place, one second apart: an activity of 9,999 s with no distance and no motion.
    let points: String = (0..10_000)
        .map(|i| {
            let t = chrono::DateTime::from_timestamp(1_714_543_200 + i, 0).unwrap();
            trkpt(
                45.0,
                7.0,
                &t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            )
        })
        .collect();
    let a = timed(Duration::from_secs(10), || {
        read_file("still.gpx", gpx(&points).as_bytes())
    })
    .unwrap();
    assert_eq!(a.duration_s, 9_999);
    assert_eq!(a.distance_m, Some(0.0));
    assert_eq!(a.moving_time_s, Some(0));
    assert_eq!(a.elevation_gain_m, Some(0.0));
    assert_eq!(a.samples.unwrap().time_s.len(), 10_000);
}

#[test]
fn timestamps_going_backwards() {
    let text = gpx(&[
        trkpt(1.0, 1.0, "2024-01-01T10:00:00Z"),
        trkpt(1.0, 1.0001, "2024-01-01T10:00:10Z"),
        trkpt(1.0, 1.0002, "2024-01-01T10:00:05Z"),
    ]
    .concat());
    let e = refused("back.gpx", text.as_bytes());
    assert_eq!(
        e.problem,
        Problem::TimeGoesBackwards {
            index: 2,
            at_ms: 1_704_103_205_000,
            previous_ms: 1_704_103_210_000
        }
    );
    assert!(e.to_string().contains("5.0 s before"), "{e}");
}

#[test]
fn repeated_timestamps_keep_the_first_point() {
    let text = gpx(&[
        trkpt(1.0, 1.0, "2024-01-01T10:00:00Z"),
        trkpt(1.0, 1.0001, "2024-01-01T10:00:01Z"),
        trkpt(1.0, 1.0005, "2024-01-01T10:00:01Z"),
        trkpt(1.0, 1.0002, "2024-01-01T10:00:02Z"),
    ]
    .concat());
    let a = read_file("dupes.gpx", text.as_bytes()).unwrap();
    assert_eq!(a.samples.unwrap().time_s, vec![0.0, 1.0, 2.0]);
}

#[test]
fn files_without_any_timestamp() {
    let text = gpx(r#"<trkpt lat="1" lon="1"><ele>3</ele></trkpt><trkpt lat="1" lon="2"/>"#);
    assert_eq!(
        refused("route.gpx", text.as_bytes()).problem,
        Problem::NoTimestamps
    );
    let tcx = "<?xml version=\"1.0\"?><TrainingCenterDatabase><Activities><Activity \
               Sport=\"Biking\"><Lap><Track><Trackpoint><DistanceMeters>5</DistanceMeters>\
               </Trackpoint></Track></Lap></Activity></Activities></TrainingCenterDatabase>";
    assert_eq!(
        refused("ride.tcx", tcx.as_bytes()).problem,
        Problem::NoTimestamps
    );
}

#[test]
fn fit_relative_timestamps() {
    let name = "fitparse_compressed-speed-distance.fit";
    let e = refused(name, &fixture(name));
    assert!(matches!(e.problem, Problem::RelativeTimestamps(_)), "{e}");
}

#[test]
fn gzip_bombs_stop_while_inflating() {
    // 8 MiB of zeros gzips to a few KiB: far over the 100× ratio.
    let bomb = gzip(&vec![0u8; 8 << 20]);
    let e = refused("bomb.fit.gz", &bomb);
    assert!(matches!(e.problem, Problem::Refused(_)), "{e}");
    assert!(e.to_string().contains("zip bomb"), "{e}");
    // With the ratio allowed, the size cap still holds.
    let limits = Limits {
        max_ratio: u64::MAX / 2,
        max_file_bytes: 1 << 20,
        ..Limits::default()
    };
    let e = read_file_with("bomb.fit.gz", &bomb, &limits).unwrap_err();
    assert!(e.to_string().contains("more than 1048576 bytes"), "{e}");
}

#[test]
fn zip_bombs_are_refused_by_declared_and_counted_size() {
    let zeros = vec![0u8; 8 << 20];
    let bytes = zip(&[("activities/bomb.gpx", &zeros)]);
    let entries = read_zip(bytes.clone(), Limits::default());
    let Entry::Problem(e) = &entries[0] else {
        panic!("{entries:?}")
    };
    assert_eq!(e.file, "activities/bomb.gpx");
    assert!(e.to_string().contains("zip bomb"), "{e}");
    // The per-file size cap, from the declared size.
    let small = Limits {
        max_file_bytes: 1 << 20,
        ..Limits::default()
    };
    let entries = read_zip(bytes.clone(), small);
    assert!(
        matches!(&entries[0], Entry::Problem(e) if e.to_string().contains("declares 8388608 bytes")),
        "{entries:?}"
    );
    // The whole-archive cap.
    let total = Limits {
        max_archive_bytes: 1 << 20,
        max_ratio: u64::MAX / 2,
        ..Limits::default()
    };
    let entries = read_zip(bytes.clone(), total);
    assert!(
        matches!(&entries[0], Entry::Problem(e) if e.to_string().contains("in all")),
        "{entries:?}"
    );
    // A forged header that declares 1,000 bytes: inflating stops at the declared size.
    let mut forged = bytes;
    let declared = 1_000u32.to_le_bytes();
    let local = forged.windows(4).position(|w| w == b"PK\x03\x04").unwrap();
    forged[local + 22..local + 26].copy_from_slice(&declared);
    let central = forged.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    forged[central + 24..central + 28].copy_from_slice(&declared);
    let entries = timed(Duration::from_secs(5), || {
        read_zip(forged, Limits::default())
    });
    let Entry::Problem(e) = &entries[0] else {
        panic!("{entries:?}")
    };
    assert_eq!(e.file, "activities/bomb.gpx");
}

#[test]
fn too_many_entries() {
    let entries: Vec<(String, Vec<u8>)> = (0..20).map(|i| (format!("f{i}.csv"), vec![])).collect();
    let refs: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let limits = Limits {
        max_entries: 10,
        ..Limits::default()
    };
    let e = Zip::open("big.zip", Cursor::new(zip(&refs)), limits).unwrap_err();
    assert!(e.to_string().contains("20 entries"), "{e}");
}

#[test]
fn too_many_points() {
    let points: String = (0..50)
        .map(|i| trkpt(1.0, 1.0, &format!("2024-01-01T10:00:{i:02}Z")))
        .collect();
    let limits = Limits {
        max_points: 20,
        ..Limits::default()
    };
    let e = read_file_with("long.gpx", gpx(&points).as_bytes(), &limits).unwrap_err();
    assert!(e.to_string().contains("more than 20 track points"), "{e}");
}

#[test]
fn strava_export_layout() {
    let fit = fixture(FENIX);
    let gpx_bytes = fixture("georust-gpx_garmin-activity.gpx");
    let tcx_bytes = fixture("tcxparser_no_hr.tcx");
    let bytes = zip(&[
        ("activities/", b""),
        ("activities/1001.fit.gz", &gzip(&fit)),
        ("activities/1002.gpx", &gpx_bytes),
        ("activities/1003.tcx.gz", &gzip(&tcx_bytes)),
        (
            "activities/1004.fit",
            &fixture("fitparse_activity-unexpected-eof.fit"),
        ),
        ("activities/1005.gpx", b""),
        ("activities.csv", b"Activity ID,Activity Date\n1001,x\n"),
        ("profile.csv", b"a,b\n"),
        ("media/photo.jpg", b"\xff\xd8\xff\xe0"),
        ("archive/old.zip", b"PK\x05\x06"),
    ]);
    let entries = read_zip(bytes, Limits::default());
    let mut activities = Vec::new();
    let mut problems = Vec::new();
    let mut skipped = Vec::new();
    for entry in entries {
        match entry {
            Entry::Activity { name, activity, .. } => activities.push((name, activity)),
            Entry::Problem(e) => problems.push(e),
            Entry::Skipped { name } => skipped.push(name),
        }
    }
    let names: Vec<&str> = activities.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "activities/1001.fit.gz",
            "activities/1002.gpx",
            "activities/1003.tcx.gz"
        ]
    );
    // Gzipped or not, the same file is the same activity.
    assert_eq!(
        activities[0].1.external_id,
        read_file("run.fit", &fit).unwrap().external_id
    );
    assert_eq!(activities[2].1.duration_s, 1992);
    let files: Vec<&str> = problems.iter().map(|e| e.file.as_str()).collect();
    assert_eq!(
        files,
        [
            "activities/1004.fit",
            "activities/1005.gpx",
            "archive/old.zip"
        ]
    );
    assert!(matches!(problems[0].problem, Problem::Truncated(_)));
    assert_eq!(problems[1].problem, Problem::Empty);
    assert_eq!(
        skipped,
        [
            "activities/",
            "activities.csv",
            "profile.csv",
            "media/photo.jpg"
        ]
    );
}

#[test]
fn not_a_zip() {
    let e = Zip::open(
        "export.zip",
        Cursor::new(b"PK\x03\x04garbage".to_vec()),
        Limits::default(),
    )
    .unwrap_err();
    assert_eq!(e.file, "export.zip");
    assert!(matches!(e.problem, Problem::Malformed(_)), "{e}");
}
