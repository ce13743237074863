//! Hand-built FIT files (header, definition and data messages, CRC) for the cases the shared
//! fixtures do not cover: plain records, times going backwards, relative times with and
//! without a `timestamp_correlation`, no timestamps, identical points.

#![expect(clippy::unwrap_used, reason = "a failing unwrap is a failing test")]

use stride_formats::{Problem, fit, read_file};

/// FIT's CRC-16 (the SDK's nibble-table algorithm).
fn crc(bytes: &[u8]) -> u16 {
    const TABLE: [u16; 16] = [
        0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401, 0xA001, 0x6C00, 0x7800,
        0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
    ];
    let mut crc = 0u16;
    for &byte in bytes {
        for nibble in [byte & 0xF, byte >> 4] {
            let tmp = TABLE[usize::from(crc & 0xF)];
            crc = (crc >> 4) & 0x0FFF;
            crc = crc ^ tmp ^ TABLE[usize::from(nibble)];
        }
    }
    crc
}

/// A field: (number, size, base type).
type Def = (u8, u8, u8);
const ENUM: u8 = 0x00;
const UINT8: u8 = 0x02;
const UINT16: u8 = 0x84;
const UINT32: u8 = 0x86;

#[derive(Default)]
struct FitBuilder {
    data: Vec<u8>,
}

impl FitBuilder {
    fn define(&mut self, local: u8, global: u16, fields: &[Def]) -> &mut Self {
        self.data.push(0x40 | local);
        self.data.extend([0, 0]);
        self.data.extend(global.to_le_bytes());
        self.data.push(u8::try_from(fields.len()).unwrap());
        for (num, size, base) in fields {
            self.data.extend([*num, *size, *base]);
        }
        self
    }

    fn message(&mut self, local: u8, values: &[&[u8]]) -> &mut Self {
        self.data.push(local);
        for v in values {
            self.data.extend(*v);
        }
        self
    }

    fn finish(&self) -> Vec<u8> {
        let mut out = vec![12u8, 0x10];
        out.extend(2100u16.to_le_bytes());
        out.extend(u32::try_from(self.data.len()).unwrap().to_le_bytes());
        out.extend(b".FIT");
        out.extend(&self.data);
        let c = crc(&out);
        out.extend(c.to_le_bytes());
        out
    }
}

/// file_id (activity, garmin) then a record definition: timestamp, distance (cm), hr, power.
fn with_records(records: &[(u32, u32, u8, u16)]) -> FitBuilder {
    let mut fit = FitBuilder::default();
    fit.define(0, 0, &[(0, 1, ENUM), (1, 2, UINT16)])
        .message(0, &[&[4], &1u16.to_le_bytes()])
        .define(
            1,
            20,
            &[
                (253, 4, UINT32),
                (5, 4, UINT32),
                (3, 1, UINT8),
                (7, 2, UINT16),
            ],
        );
    for (t, cm, hr, w) in records {
        fit.message(
            1,
            &[
                &t.to_le_bytes(),
                &cm.to_le_bytes(),
                &[*hr],
                &w.to_le_bytes(),
            ],
        );
    }
    fit
}

/// 2021-09-08T02:46:40Z: 1,000,000,000 s after the FIT epoch.
const T0: u32 = 1_000_000_000;
const T0_MS: i64 = (631_065_600 + 1_000_000_000) * 1000;

#[test]
fn plain_records_without_a_session() {
    let bytes = with_records(&[
        (T0, 0, 100, 200),
        (T0 + 10, 3_000, 110, 0),
        (T0 + 20, 6_000, 120, 400),
    ])
    .finish();
    let a = fit::read(&bytes).unwrap();
    assert_eq!(a.start_ms, T0_MS);
    assert_eq!(a.duration_s, 20);
    assert_eq!(a.distance_m, Some(60.0));
    assert_eq!(a.moving_time_s, Some(20));
    assert_eq!(a.avg_hr, Some(110.0));
    assert_eq!(a.max_hr, Some(120.0));
    assert_eq!(a.avg_power_w, Some(200.0));
    assert_eq!(a.device.as_deref(), Some("garmin"));
    assert_eq!(a.samples.unwrap().time_s, vec![0.0, 10.0, 20.0]);
    // A bad CRC is refused.
    let mut broken = bytes;
    let last = broken.len() - 1;
    broken[last] ^= 0xff;
    let e = read_file("crc.fit", &broken).unwrap_err();
    assert!(e.to_string().to_lowercase().contains("crc"), "{e}");
}

#[test]
fn fit_times_going_backwards() {
    let bytes = with_records(&[
        (T0, 0, 100, 0),
        (T0 + 10, 100, 100, 0),
        (T0 + 4, 200, 100, 0),
    ])
    .finish();
    let e = read_file("back.fit", &bytes).unwrap_err();
    assert_eq!(
        e.problem,
        Problem::TimeGoesBackwards {
            index: 2,
            at_ms: T0_MS + 4_000,
            previous_ms: T0_MS + 10_000
        }
    );
}

#[test]
fn relative_times_without_correlation_are_refused() {
    let bytes = with_records(&[(1_000, 0, 100, 0), (1_010, 100, 100, 0)]).finish();
    let e = read_file("relative.fit", &bytes).unwrap_err();
    assert_eq!(e.problem, Problem::RelativeTimestamps(1_000));
}

#[test]
fn relative_times_with_a_correlation_are_placed() {
    let mut fit = with_records(&[(1_000, 0, 100, 0), (1_010, 3_000, 100, 0)]);
    // timestamp_correlation (162): timestamp 253 = T0 at system_timestamp 1 = 1,000.
    fit.define(2, 162, &[(253, 4, UINT32), (1, 4, UINT32)])
        .message(2, &[&T0.to_le_bytes(), &1_000u32.to_le_bytes()]);
    let a = read_file("correlated.fit", &fit.finish()).unwrap();
    assert_eq!(a.start_ms, T0_MS);
    assert_eq!(a.duration_s, 10);
}

#[test]
fn fit_without_timestamps() {
    let mut fit = FitBuilder::default();
    fit.define(0, 20, &[(5, 4, UINT32), (3, 1, UINT8)]);
    for i in 0..5u32 {
        fit.message(0, &[&(i * 100).to_le_bytes(), &[120]]);
    }
    let e = read_file("untimed.fit", &fit.finish()).unwrap_err();
    assert_eq!(e.problem, Problem::NoTimestamps);
}

#[test]
fn ten_thousand_identical_fit_records() {
    let records = vec![(T0, 0, 100, 0); 10_000];
    let e = read_file("stuck.fit", &with_records(&records).finish()).unwrap_err();
    assert_eq!(e.problem, Problem::NoDuration(10_000));
}
