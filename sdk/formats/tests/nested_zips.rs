//! Zips inside zips (a Garmin bulk export holds `UploadedFiles_0-_Part1.zip` and more, each
//! holding many `.fit` files): read depth first, every inner file named by its path, caps
//! across the whole tree, walks continued from a position, and nested zip bombs refused with
//! the path inside the archive.

#![expect(clippy::unwrap_used, reason = "a failing unwrap is a failing test")]

use std::io::{Cursor, Write};
use std::time::{Duration, Instant};

use stride_formats::archive::{Entry, Position, Zip};
use stride_formats::{FormatError, Limits, Problem, read_file};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../../shared/fixtures/files/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const FENIX: &str = "fitparse_activity-small-fenix2-run.fit";
const GPX: &str = "georust-gpx_garmin-activity.gpx";
const TCX: &str = "tcxparser_no_hr.tcx";

/// A zip of `entries`; `stored` names entries kept without compression; `level` is the
/// deflate level of the others.
fn zip_with(entries: &[(&str, &[u8])], stored: &[&str], level: i64) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        let method = if stored.contains(name) {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(method)
            .compression_level((method == zip::CompressionMethod::Deflated).then_some(level));
        if name.ends_with('/') {
            writer.add_directory(*name, options).unwrap();
        } else {
            writer.start_file(*name, options).unwrap();
            writer.write_all(bytes).unwrap();
        }
    }
    writer.finish().unwrap().into_inner()
}

fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    zip_with(entries, &[], 6)
}

/// Every entry of a walk, with the time it took.
fn walk(bytes: Vec<u8>, limits: Limits) -> Vec<Entry> {
    let start = Instant::now();
    let mut zip = Zip::open("export.zip", Cursor::new(bytes), limits).unwrap();
    let entries: Vec<Entry> = std::iter::from_fn(|| zip.next_entry()).collect();
    assert!(zip.is_finished());
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "took {:?}",
        start.elapsed()
    );
    entries
}

fn names(entries: &[Entry]) -> (Vec<String>, Vec<FormatError>) {
    let mut activities = Vec::new();
    let mut problems = Vec::new();
    for entry in entries {
        match entry {
            Entry::Activity { name, .. } => activities.push(name.clone()),
            Entry::Problem(e) => problems.push(e.clone()),
            Entry::Skipped { .. } => {}
        }
    }
    (activities, problems)
}

/// A Garmin-like export: two parts (one deflated, one stored), each holding activity files,
/// beside the export's JSON, with a broken file in one part.
fn garmin_export() -> Vec<u8> {
    let fit = fixture(FENIX);
    let gpx = fixture(GPX);
    let tcx = fixture(TCX);
    let part1 = zip(&[
        ("ann_1001.fit", &fit),
        ("ann_1002.gpx", &gpx),
        ("notes.txt", b"hello"),
    ]);
    let part2 = zip(&[
        ("ann_2001.tcx", &tcx),
        (
            "ann_2002.fit",
            &fixture("fitparse_activity-unexpected-eof.fit"),
        ),
    ]);
    zip_with(
        &[
            ("DI_CONNECT/", b""),
            (
                "DI_CONNECT/DI-Connect-Fitness/ann_summarizedActivities.json",
                b"[]",
            ),
            (
                "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip",
                &part1,
            ),
            (
                "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part2.zip",
                &part2,
            ),
            ("top.gpx", &gpx),
        ],
        &["DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part2.zip"],
        6,
    )
}

const PART1: &str = "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip";
const PART2: &str = "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part2.zip";

#[test]
fn a_garmin_export_with_inner_zips_is_read_through() {
    let entries = walk(garmin_export(), Limits::default());
    let (activities, problems) = names(&entries);
    assert_eq!(
        activities,
        [
            format!("{PART1}!ann_1001.fit"),
            format!("{PART1}!ann_1002.gpx"),
            format!("{PART2}!ann_2001.tcx"),
            "top.gpx".to_owned(),
        ]
    );
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].file, format!("{PART2}!ann_2002.fit"));
    assert!(matches!(problems[0].problem, Problem::Truncated(_)));
    // The inner files are the same activities as on their own.
    let Entry::Activity { activity, .. } = &entries
        .iter()
        .find(|e| matches!(e, Entry::Activity { name, .. } if name.ends_with("1001.fit")))
        .unwrap()
    else {
        unreachable!()
    };
    assert_eq!(
        activity.external_id,
        read_file("x.fit", &fixture(FENIX)).unwrap().external_id
    );
}

#[test]
fn a_walk_continues_from_its_position_inside_an_inner_zip() {
    let bytes = garmin_export();
    let whole = names(&walk(bytes.clone(), Limits::default())).0;
    // One activity file per call, each call a fresh reader from the last position's text.
    let mut position: Option<Position> = None;
    let mut seen = Vec::new();
    let mut calls = 0;
    loop {
        calls += 1;
        assert!(calls < 20, "never finishes");
        let mut zip =
            Zip::open("export.zip", Cursor::new(bytes.clone()), Limits::default()).unwrap();
        if let Some(p) = &position {
            zip.resume(&p.to_string().parse().unwrap()).unwrap();
        }
        while let Some(entry) = zip.next_entry() {
            match entry {
                Entry::Activity { name, .. } => {
                    seen.push(name);
                    break;
                }
                Entry::Problem(e) => {
                    seen.push(format!("problem {}", e.file));
                    break;
                }
                Entry::Skipped { .. } => {}
            }
        }
        if zip.is_finished() {
            break;
        }
        let next = zip.position();
        // Inside an inner zip the position has two levels.
        if seen
            .last()
            .is_some_and(|n| n.contains("Part1.zip!ann_1001"))
        {
            assert_eq!(next.path.len(), 2, "{next}");
        }
        position = Some(next);
    }
    let activities: Vec<String> = seen
        .iter()
        .filter(|n| !n.starts_with("problem"))
        .cloned()
        .collect();
    assert_eq!(activities, whole);
    assert_eq!(
        seen.iter().filter(|n| n.starts_with("problem")).count(),
        1,
        "{seen:?}"
    );
    // The totals carry on: the bytes inflated in earlier calls count.
    // 5 entries at the top; 3 and 2 in the inner zips.
    assert!(position.is_some_and(|p| p.inflated > 0 && p.listed == 5));
}

#[test]
fn a_nested_zip_bomb_is_refused_naming_its_path() {
    // 8 MiB of zeros as a FIT file, deflated inside an inner zip inside the upload.
    let zeros = vec![0u8; 8 << 20];
    let inner = zip(&[("bomb.fit", &zeros)]);
    let outer = zip(&[("a.gpx", &fixture(GPX)), ("exports/inner.zip", &inner)]);
    let entries = walk(outer, Limits::default());
    let (activities, problems) = names(&entries);
    assert_eq!(activities, ["a.gpx"]);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].file, "exports/inner.zip!bomb.fit");
    assert!(
        problems[0].to_string().contains("zip bomb"),
        "{}",
        problems[0]
    );
}

#[test]
fn zips_nested_too_deep_stop_the_walk() {
    // 42.zip style: zips of zips of zips; only three levels are read.
    let fit = fixture(FENIX);
    let mut bytes = zip(&[("deep.fit", &fit)]);
    for level in (1..=4).rev() {
        bytes = zip(&[(&format!("l{level}.zip"), &bytes), ("x.csv", b"a")]);
    }
    let entries = walk(bytes.clone(), Limits::default());
    let (activities, problems) = names(&entries);
    assert!(activities.is_empty());
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].file, "l1.zip!l2.zip!l3.zip");
    assert!(
        problems[0]
            .to_string()
            .contains("a zip inside 3 zips; zips are read 3 deep at most"),
        "{}",
        problems[0]
    );
    // The depth is a setting.
    let deeper = Limits {
        max_depth: 6,
        ..Limits::default()
    };
    let (activities, problems) = names(&walk(bytes, deeper));
    assert_eq!(problems.len(), 0);
    assert_eq!(activities, ["l1.zip!l2.zip!l3.zip!l4.zip!deep.fit"]);
}

#[test]
fn totals_and_entry_counts_hold_across_the_tree() {
    let fit = fixture(FENIX);
    let inner = zip(&[("a.fit", &fit), ("b.fit", &fit)]);
    let outer = zip(&[("one.zip", &inner), ("two.zip", &inner)]);
    // Everything: four activities.
    assert_eq!(names(&walk(outer.clone(), Limits::default())).0.len(), 4);
    // Room for the first inner zip and its two files, not for all: the total is the tree's.
    let fit_len = fit.len() as u64;
    let total = Limits {
        max_archive_bytes: inner.len() as u64 + 2 * fit_len + 100,
        ..Limits::default()
    };
    let entries = walk(outer.clone(), total);
    let (activities, problems) = names(&entries);
    assert_eq!(activities, ["one.zip!a.fit", "one.zip!b.fit"]);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].file, "two.zip");
    assert!(
        problems[0].to_string().contains("in all"),
        "{}",
        problems[0]
    );
    // Entries: 2 at the top and 2 in each inner zip are 6; 5 allowed stops at the second.
    let count = Limits {
        max_entries: 5,
        ..Limits::default()
    };
    let (activities, problems) = names(&walk(outer, count));
    assert_eq!(activities.len(), 2);
    assert_eq!(problems[0].file, "two.zip");
    assert!(
        problems[0].to_string().contains("6 entries in all"),
        "{}",
        problems[0]
    );
}

#[test]
fn ratios_multiply_through_inner_zips() {
    // Zeros deflated at level 1 leave a repetitive stream that deflates well again: each
    // layer alone stays under the ratio allowed, together they do not.
    let zeros = vec![0u8; 4 << 20];
    let inner = zip_with(&[("z.fit", &zeros)], &[], 1);
    let outer = zip_with(&[("inner.zip", &inner)], &[], 9);
    let leaf_ratio = zeros.len() as f64 / (inner.len() as f64);
    let inner_ratio = inner.len() as f64 / (outer.len() as f64);
    let max_ratio = leaf_ratio.max(inner_ratio).ceil() as u64 + 2;
    assert!(
        leaf_ratio * inner_ratio > max_ratio as f64 * 1.5,
        "the layers compress {leaf_ratio:.1}× and {inner_ratio:.1}×"
    );
    let limits = Limits {
        max_ratio,
        ratio_floor_bytes: 1024,
        ..Limits::default()
    };
    let (activities, problems) = names(&walk(outer, limits));
    assert!(activities.is_empty());
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].file, "inner.zip!z.fit");
    assert!(
        problems[0].to_string().contains("nested zip bomb"),
        "{}",
        problems[0]
    );
}

#[test]
fn a_compressed_inner_zip_over_the_memory_cap_is_refused_a_stored_one_is_read() {
    let fit = fixture(FENIX);
    let gpx = fixture(GPX);
    let inner = zip(&[("a.fit", &fit), ("b.gpx", &gpx)]);
    let small = Limits {
        max_nested_zip_bytes: inner.len() as u64 - 1,
        ..Limits::default()
    };
    let deflated = zip(&[("part.zip", &inner), ("c.gpx", &gpx)]);
    let (activities, problems) = names(&walk(deflated, small.clone()));
    assert_eq!(activities, ["c.gpx"]);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].file, "part.zip");
    assert!(
        problems[0].to_string().contains("inner zip"),
        "{}",
        problems[0]
    );
    // Stored, it is read in place whatever its size.
    let stored = zip_with(&[("part.zip", &inner), ("c.gpx", &gpx)], &["part.zip"], 6);
    let (activities, problems) = names(&walk(stored, small));
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(activities, ["part.zip!a.fit", "part.zip!b.gpx", "c.gpx"]);
}

#[test]
fn a_broken_inner_zip_is_one_problem() {
    let gpx = fixture(GPX);
    let outer = zip(&[("old.zip", b"PK\x03\x04 not really"), ("c.gpx", &gpx)]);
    let (activities, problems) = names(&walk(outer, Limits::default()));
    assert_eq!(activities, ["c.gpx"]);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].file, "old.zip");
    assert!(matches!(problems[0].problem, Problem::Malformed(_)));
}

#[test]
fn positions_read_back_and_bad_ones_are_refused() {
    let p = Position {
        path: vec![4, 17],
        inflated: 123_456,
        listed: 40,
    };
    assert_eq!(p.to_string(), "4/17:123456:40");
    assert_eq!("4/17:123456:40".parse::<Position>(), Ok(p));
    assert!("x:1".parse::<Position>().is_err());
    // Without inner zips, the text is the older `entry:inflated`.
    let flat = Position {
        path: vec![7],
        inflated: 1234,
        listed: 0,
    };
    assert_eq!(flat.to_string(), "7:1234");
    assert_eq!("7:1234".parse::<Position>(), Ok(flat));
    assert!("1:2:3:4".parse::<Position>().is_err());
    // Resuming past the end of an archive is an error, not a panic.
    let bytes = zip(&[("a.gpx", &fixture(GPX))]);
    let mut zip = Zip::open("e.zip", Cursor::new(bytes), Limits::default()).unwrap();
    let e = zip
        .resume(&Position {
            path: vec![9],
            inflated: 0,
            listed: 0,
        })
        .unwrap_err();
    assert!(e.to_string().contains("cannot continue"), "{e}");
}
