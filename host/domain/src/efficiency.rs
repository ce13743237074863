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

/// The most samples one activity stores: about 28 hours at one a second, a little over 1 MB
/// per channel. Longer recordings are thinned by whoever delivers them.
pub const MAX_SAMPLES: usize = 100_000;
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
    /// At most `max_points` samples spread evenly over the whole activity, the first and the
    /// last always among them (for charts: a browser need not draw 20,000 points on 800
    /// pixels). Fewer than two points are taken as two.
    #[must_use]
    pub fn downsampled(&self, max_points: usize) -> Samples {
        let n = self.time_s.len();
        let max_points = max_points.max(2);
        if n <= max_points {
            return self.clone();
        }
        let indices: Vec<usize> = (0..max_points)
            .map(|i| i * (n - 1) / (max_points - 1))
            .collect();
        let pick = |channel: &Vec<f64>| indices.iter().map(|&i| channel[i]).collect::<Vec<_>>();
        let pick_channel = |channel: &Option<Vec<f64>>| channel.as_ref().map(pick);
        Samples {
            time_s: pick(&self.time_s),
            heart_rate: pick_channel(&self.heart_rate),
            speed_mps: pick_channel(&self.speed_mps),
            distance_m: pick_channel(&self.distance_m),
            altitude_m: pick_channel(&self.altitude_m),
            power_w: pick_channel(&self.power_w),
            cadence: pick_channel(&self.cadence),
        }
    }

    /// Checks that every channel is as long as `time_s`, that time strictly increases, and that
    /// every value is finite and plausible. Each failure names its channel and the first bad
    /// sample.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut checks = Checks::new();
        let n = self.time_s.len();
        if n > MAX_SAMPLES {
            checks.fail(
                "samples.timeSeconds",
                format!(
                    "{n} samples are more than the {MAX_SAMPLES} one activity may store \
                     (about 28 hours at one a second); record less often or split it"
                ),
            );
            return checks.finish();
        }
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
mod tests;
