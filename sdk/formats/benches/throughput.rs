//! Parse throughput on the shared fixture files: `cargo bench -p stride-formats`.
//! Criterion reports bytes per second (MB/s) per file; files per second is 1 ÷ the time per
//! iteration (one iteration parses one file).

#![expect(
    missing_docs,
    reason = "criterion's macros generate undocumented functions"
)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/fixtures/files"
);

const FILES: &[&str] = &[
    "fitparse_activity-small-fenix2-run.fit",
    "fitparse_compressed-speed-distance.fit",
    "georust-gpx_garmin-activity.gpx",
    "tcxparser_no_hr.tcx",
];

fn throughput(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    group
        .sample_size(20)
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    for name in FILES {
        let Ok(bytes) = std::fs::read(format!("{FIXTURES}/{name}")) else {
            eprintln!("skipping {name}: fixture not found under {FIXTURES}");
            continue;
        };
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(*name, |b| {
            b.iter(|| {
                let result = stride_formats::read_file(name, std::hint::black_box(&bytes));
                std::hint::black_box(result.is_ok())
            });
        });
    }
    group.finish();
}

criterion_group!(benches, throughput);
criterion_main!(benches);
