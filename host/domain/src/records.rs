//! The fastest any human has covered a distance, per sport: the bound past which an activity
//! is impossible rather than impressive.
//!
//! Each curve lists (distance in metres, best time in seconds). Between points the time is
//! interpolated on a log–log scale (Riegel's observation that time grows as a power of
//! distance); outside the curve the nearest point's average speed is kept, which errs on the
//! side of accepting data.

use super::activity::Sport;
use super::validation::format_duration;

/// A record curve for one family of sports.
#[derive(Debug)]
pub struct RecordCurve {
    /// What the numbers are, for messages ("the running world record").
    pub label: &'static str,
    /// (distance m, time s), strictly increasing in both.
    pub points: &'static [(f64, f64)],
}

/// Men's outright running world records (track to 24 h), as of 2025.
pub const RUNNING: RecordCurve = RecordCurve {
    label: "running world record",
    points: &[
        (100.0, 9.58),
        (200.0, 19.19),
        (400.0, 43.03),
        (800.0, 100.91),
        (1_000.0, 131.96),
        (1_500.0, 206.00),
        (3_000.0, 440.67),
        (5_000.0, 755.36),
        (10_000.0, 1_571.00),
        (21_097.5, 3_402.0),
        (42_195.0, 7_235.0),
        (100_000.0, 21_935.0),
        (319_614.0, 86_400.0),
    ],
};

/// Race-walking world records.
pub const WALKING: RecordCurve = RecordCurve {
    label: "race-walking world record",
    points: &[
        (20_000.0, 4_596.0),
        (35_000.0, 8_843.0),
        (50_000.0, 12_753.0),
    ],
};

/// Long-course swimming world records, then open-water marathon swims.
pub const SWIMMING: RecordCurve = RecordCurve {
    label: "swimming world record",
    points: &[
        (50.0, 20.91),
        (100.0, 46.40),
        (200.0, 102.00),
        (400.0, 220.07),
        (800.0, 452.12),
        (1_500.0, 870.67),
        (10_000.0, 6_652.0),
        (25_000.0, 17_400.0),
    ],
};

/// Cycling: generous bounds, because a descent legitimately beats any track record; the
/// curve runs from a 100 km/h descent to the 24-hour distance record.
pub const CYCLING: RecordCurve = RecordCurve {
    label: "fastest plausible ride",
    points: &[
        (1_000.0, 33.3),
        (10_000.0, 400.0),
        (56_792.0, 2_840.0),
        (1_026_000.0, 86_400.0),
    ],
};

/// Rowing: the men's eight over 2 km, extended with erg records.
pub const ROWING: RecordCurve = RecordCurve {
    label: "rowing world record",
    points: &[(2_000.0, 318.68), (6_000.0, 1_090.0), (42_195.0, 8_400.0)],
};

/// Cross-country skiing, downhill sections included.
pub const SKIING: RecordCurve = RecordCurve {
    label: "fastest plausible ski",
    points: &[(1_000.0, 60.0), (50_000.0, 6_300.0)],
};

impl RecordCurve {
    /// The shortest possible time, in seconds, to cover `distance_m`.
    pub fn fastest_time(&self, distance_m: f64) -> f64 {
        let points = self.points;
        let (Some(&(first_d, first_t)), Some(&(last_d, last_t))) = (points.first(), points.last())
        else {
            return 0.0;
        };
        if distance_m <= first_d {
            return first_t * distance_m / first_d;
        }
        for pair in points.windows(2) {
            let ((d0, t0), (d1, t1)) = (pair[0], pair[1]);
            if distance_m <= d1 {
                let exponent = (t1 / t0).ln() / (d1 / d0).ln();
                return t0 * (distance_m / d0).powf(exponent);
            }
        }
        last_t * distance_m / last_d
    }
}

/// The record curve that bounds a sport, if speed says anything about it.
pub fn curve_for(sport: Sport) -> Option<&'static RecordCurve> {
    match sport {
        Sport::Run | Sport::TrailRun | Sport::Hike => Some(&RUNNING),
        Sport::Walk => Some(&WALKING),
        Sport::Swim => Some(&SWIMMING),
        Sport::Ride | Sport::VirtualRide | Sport::MountainBikeRide => Some(&CYCLING),
        Sport::Row => Some(&ROWING),
        Sport::NordicSki => Some(&SKIING),
        Sport::Strength
        | Sport::Yoga
        | Sport::Other
        | Sport::Cardio
        | Sport::Paddle
        | Sport::AlpineSki
        | Sport::Climb
        | Sport::TeamSport => None,
    }
}

/// Why a distance in a time is impossible for a sport, or `None` when it is possible.
pub fn impossible_speed(sport: Sport, distance_m: f64, seconds: f64) -> Option<String> {
    let curve = curve_for(sport)?;
    if distance_m <= 0.0 || seconds <= 0.0 {
        return None;
    }
    let fastest = curve.fastest_time(distance_m);
    (seconds < fastest).then(|| {
        format!(
            "{:.2} km in {} is faster than the {} for that distance ({}); check the distance and time",
            distance_m / 1000.0,
            format_duration(seconds),
            curve.label,
            format_duration(fastest),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_points_are_exact_and_monotonic() {
        for curve in [&RUNNING, &WALKING, &SWIMMING, &CYCLING, &ROWING, &SKIING] {
            for &(d, t) in curve.points {
                assert!(
                    (curve.fastest_time(d) - t).abs() < 1e-6,
                    "{} at {d}",
                    curve.label
                );
            }
            let mut last = 0.0;
            for d in (1..2_000).map(|k| f64::from(k) * 250.0) {
                let t = curve.fastest_time(d);
                assert!(t > last, "{} not increasing at {d}", curve.label);
                last = t;
            }
        }
    }

    #[test]
    fn a_sub_world_record_5k_is_rejected_and_a_fast_one_is_not() {
        assert!(impossible_speed(Sport::Run, 5_000.0, 12.0 * 60.0).is_some());
        assert!(impossible_speed(Sport::Run, 5_000.0, 13.0 * 60.0).is_none());
        assert!(impossible_speed(Sport::Strength, 5_000.0, 1.0).is_none());
    }

    #[test]
    fn the_message_names_the_numbers() {
        let reason = impossible_speed(Sport::Run, 10_000.0, 20.0 * 60.0).expect("impossible");
        assert!(reason.contains("10.00 km in 20:00"), "{reason}");
        assert!(reason.contains("26:11"), "{reason}");
    }
}
