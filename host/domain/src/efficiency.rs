//! Aerobic efficiency from an activity's recorded samples: efficiency factor and aerobic
//! decoupling (Pa:HR).
//!
//! - Each sample's values hold from its time until the next sample's. An interval longer than
//!   `max_gap_s` is a pause (auto-pause, lost signal) and an interval slower than
//!   `min_moving_speed_mps` is standing still: neither is part of the **moving** time.
//! - **Efficiency factor (EF)** = mean speed in m/min ÷ mean heart rate, both time-weighted over
//!   the moving intervals.
//! - **Aerobic decoupling** = (EF of the first half − EF of the second half) ÷ EF of the first
//!   half × 100 %, the halves split at the midpoint of the elapsed time. Positive means heart
//!   rate drifted up (or speed down) as the session went on.
//! - Decoupling only means something for a **steady** session: one with at least
//!   `min_steady_minutes` of moving time and a coefficient of variation of speed (time-weighted
//!   SD ÷ mean over the moving part) of at most `steady_max_speed_cv`. Both numbers are computed
//!   regardless; `steady` says whether to trust the decoupling.
//! - Speed comes from the speed channel, or from the distance channel (Δdistance ÷ Δtime) when
//!   the file has no speed channel.

use serde::{Deserialize, Serialize};

use super::activity::MAX_DURATION_S;
use super::validation::{Checks, HEART_RATE_BPM, ValidationError};

/// Time series recorded during an activity, stored columnar: one array per channel, each
/// parallel to `time_s`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Samples {
    /// Seconds since the start, strictly increasing.
    pub time_s: Vec<f64>,
    /// Heart rate, bpm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heart_rate: Option<Vec<f64>>,
    /// Speed, m/s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed_mps: Option<Vec<f64>>,
    /// Cumulative distance, m.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distance_m: Option<Vec<f64>>,
    /// Altitude, m.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub altitude_m: Option<Vec<f64>>,
    /// Power, W.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub power_w: Option<Vec<f64>>,
    /// Cadence, rpm or steps per minute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cadence: Option<Vec<f64>>,
}

/// Fastest plausible speed in a sample, m/s (216 km/h: beyond any sport Stride records).
pub const MAX_SPEED_MPS: f64 = 60.0;

impl Samples {
    /// Checks that every channel is as long as `time_s`, that time strictly increases, and that
    /// every value is finite and plausible. Each failure names its channel and the first bad
    /// sample.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut checks = Checks::new();
        let n = self.time_s.len();
        if let Some(i) = self.time_s.iter().position(|t| !t.is_finite() || *t < 0.0) {
            checks.fail(
                "samples.timeSeconds",
                format!(
                    "sample {i}: {} is not a finite, non-negative time",
                    self.time_s[i]
                ),
            );
        } else if let Some(i) = self.time_s.windows(2).position(|w| w[1] <= w[0]) {
            checks.fail(
                "samples.timeSeconds",
                format!(
                    "sample {}: time {} s does not come after {} s",
                    i + 1,
                    self.time_s[i + 1],
                    self.time_s[i]
                ),
            );
        } else if let (Some(first), Some(last)) = (self.time_s.first(), self.time_s.last())
            && last - first > MAX_DURATION_S as f64
        {
            checks.fail(
                "samples.timeSeconds",
                format!("spans {} s, longer than the 14-day limit", last - first),
            );
        }
        let (hr_lo, hr_hi) = HEART_RATE_BPM;
        let channels = [
            (
                "samples.heartRate",
                &self.heart_rate,
                hr_lo as f64,
                hr_hi as f64,
                "bpm",
            ),
            (
                "samples.speedMetersPerSecond",
                &self.speed_mps,
                0.0,
                MAX_SPEED_MPS,
                "m/s",
            ),
            (
                "samples.distanceMeters",
                &self.distance_m,
                0.0,
                5_000_000.0,
                "m",
            ),
            (
                "samples.altitudeMeters",
                &self.altitude_m,
                -500.0,
                9_000.0,
                "m",
            ),
            ("samples.powerWatts", &self.power_w, 0.0, 3_000.0, "W"),
            ("samples.cadence", &self.cadence, 0.0, 300.0, "per minute"),
        ];
        for (field, channel, lo, hi, unit) in channels {
            let Some(values) = channel else { continue };
            if values.len() != n {
                checks.fail(
                    field,
                    format!("has {} values but timeSeconds has {n}", values.len()),
                );
            } else if let Some(i) = values.iter().position(|v| !v.is_finite()) {
                checks.fail(
                    field,
                    format!("sample {i}: {} is not a finite number", values[i]),
                );
            } else if let Some(i) = values.iter().position(|v| !(lo..=hi).contains(v)) {
                checks.fail(
                    field,
                    format!(
                        "sample {i}: {} {unit} is outside the possible range {lo}–{hi} {unit}",
                        values[i]
                    ),
                );
            }
        }
        if let Some(distance) = &self.distance_m
            && distance.len() == n
            && distance.iter().all(|d| d.is_finite())
            && let Some(i) = distance.windows(2).position(|w| w[1] < w[0])
        {
            checks.fail(
                "samples.distanceMeters",
                format!(
                    "sample {}: distance {} m is less than the {} m before it",
                    i + 1,
                    distance[i + 1],
                    distance[i]
                ),
            );
        }
        checks.finish()
    }
}

/// When a session counts as moving and as steady. Stored as JSON; missing keys take defaults.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EfficiencySettings {
    /// Intervals slower than this are standing still, m/s (default 0.5).
    pub min_moving_speed_mps: f64,
    /// Intervals longer than this between samples are pauses, s (default 60).
    pub max_gap_s: f64,
    /// Largest coefficient of variation of speed for a steady session (default 0.15).
    pub steady_max_speed_cv: f64,
    /// Least moving time for a steady session, minutes (default 20).
    pub min_steady_minutes: f64,
}

impl Default for EfficiencySettings {
    fn default() -> Self {
        Self {
            min_moving_speed_mps: 0.5,
            max_gap_s: 60.0,
            steady_max_speed_cv: 0.15,
            min_steady_minutes: 20.0,
        }
    }
}

text_enum! {
    /// Where the speeds behind an efficiency figure came from.
    #[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
    pub enum SpeedSource {
        /// The recorded speed channel.
        SpeedChannel => "speed_channel",
        /// Differences of the cumulative distance channel.
        DistanceChannel => "distance_channel",
    }
}

/// Efficiency factor and decoupling of one session, with the numbers behind them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
pub struct Efficiency {
    /// Mean speed (m/min) ÷ mean heart rate over the moving part.
    pub efficiency_factor: f64,
    /// EF of the first half of the elapsed time.
    pub first_half_ef: f64,
    /// EF of the second half of the elapsed time.
    pub second_half_ef: f64,
    /// (first − second) ÷ first × 100, in percent.
    pub decoupling_pct: f64,
    /// Mean moving speed, m/min.
    pub mean_speed_m_per_min: f64,
    /// Mean heart rate while moving, bpm.
    pub mean_hr: f64,
    /// Moving time, s.
    pub moving_s: f64,
    /// Coefficient of variation of speed while moving.
    pub speed_cv: f64,
    /// Whether the session was steady enough for the decoupling to mean something.
    pub steady: bool,
    /// Where the speeds came from.
    pub speed_source: SpeedSource,
}

/// Time-weighted sums over moving intervals.
#[derive(Debug, Default, Clone, Copy)]
struct Sums {
    seconds: f64,
    speed: f64,
    hr: f64,
}

impl Sums {
    fn add(&mut self, seconds: f64, speed: f64, hr: f64) {
        self.seconds += seconds;
        self.speed += seconds * speed;
        self.hr += seconds * hr;
    }

    /// EF = (mean speed × 60) ÷ mean HR, when both are positive.
    fn ef(&self) -> Option<f64> {
        (self.seconds > 0.0 && self.hr > 0.0 && self.speed > 0.0)
            .then(|| self.speed * 60.0 / self.hr)
    }
}

/// EF and decoupling of a session, or `None` when heart rate or speed (and distance) is
/// missing, the samples are invalid (see [`Samples::validate`]), or either half has no moving
/// time.
pub fn efficiency(samples: &Samples, settings: &EfficiencySettings) -> Option<Efficiency> {
    samples.validate().ok()?;
    let time = &samples.time_s;
    let hr = samples.heart_rate.as_ref()?;
    let (speeds, speed_source): (Vec<f64>, SpeedSource) =
        match (&samples.speed_mps, &samples.distance_m) {
            (Some(speed), _) => (speed.clone(), SpeedSource::SpeedChannel),
            (None, Some(distance)) => (
                time.windows(2)
                    .zip(distance.windows(2))
                    .map(|(t, d)| (d[1] - d[0]) / (t[1] - t[0]))
                    .collect(),
                SpeedSource::DistanceChannel,
            ),
            (None, None) => return None,
        };
    let (first, last) = (*time.first()?, *time.last()?);
    let midpoint = first + (last - first) / 2.0;

    let mut whole = Sums::default();
    let mut halves = [Sums::default(), Sums::default()];
    let mut moving: Vec<(f64, f64)> = Vec::new();
    for (i, t) in time.windows(2).enumerate() {
        let (start, end) = (t[0], t[1]);
        let seconds = end - start;
        let (Some(&speed), Some(&heart)) = (speeds.get(i), hr.get(i)) else {
            continue;
        };
        if seconds > settings.max_gap_s || speed < settings.min_moving_speed_mps {
            continue;
        }
        whole.add(seconds, speed, heart);
        moving.push((seconds, speed));
        let before_mid = (midpoint - start).clamp(0.0, seconds);
        if before_mid > 0.0 {
            halves[0].add(before_mid, speed, heart);
        }
        if seconds - before_mid > 0.0 {
            halves[1].add(seconds - before_mid, speed, heart);
        }
    }
    let efficiency_factor = whole.ef()?;
    let first_half_ef = halves[0].ef()?;
    let second_half_ef = halves[1].ef()?;

    let mean_speed = whole.speed / whole.seconds;
    let variance = moving
        .iter()
        .map(|(s, v)| s * (v - mean_speed) * (v - mean_speed))
        .sum::<f64>()
        / whole.seconds;
    let speed_cv = variance.sqrt() / mean_speed;
    Some(Efficiency {
        efficiency_factor,
        first_half_ef,
        second_half_ef,
        decoupling_pct: (first_half_ef - second_half_ef) / first_half_ef * 100.0,
        mean_speed_m_per_min: mean_speed * 60.0,
        mean_hr: whole.hr / whole.seconds,
        moving_s: whole.seconds,
        speed_cv,
        steady: speed_cv <= settings.steady_max_speed_cv
            && whole.seconds >= settings.min_steady_minutes * 60.0,
        speed_source,
    })
}

#[cfg(test)]
mod tests {
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
}
