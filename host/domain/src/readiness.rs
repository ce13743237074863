//! The readiness traffic light: one day's recovery signals, each judged against the athlete's
//! own history, with the values it used and the signals it could not judge.
//!
//! Rules (thresholds in [`ReadinessSettings`], defaults shown):
//!
//! - **HRV**: today's ln(HRV) (or the mean ln over the last `hrv_recent_days` days) against the
//!   mean and sample SD of ln(HRV) over up to 60 prior days, using **only values of the same
//!   kind as today's** (rMSSD and SDNN are never compared). At least 7 such values are needed.
//!   Below mean − 0.5 SD (the smallest worthwhile change) is yellow, below mean − 1.5 SD is red.
//!   Without enough history of that kind, the manual baseline of the same kind is used
//!   instead: a drop of 10 % is yellow, 25 % red (percentages, because a manual baseline has no
//!   SD; the same applies when the history has no variation at all). Otherwise HRV is missing,
//!   with the reason.
//! - **Resting HR**: today against the mean of up to 60 prior days (at least 7 values), else the
//!   manual baseline: +5 bpm yellow, +10 bpm red.
//! - **Sleep**: under 7 h or quality ≤ 2 yellow; under 5 h or quality 1 red.
//! - **Soreness** ≥ 7 yellow, ≥ 9 red. **Stress** ≥ 8 yellow.
//! - **Recent RPE**: the mean session RPE over the 3 days before today (readiness is a morning
//!   check) ≥ 8 is yellow.
//! - **Mood** (only when `use_mood`): ≤ 2 yellow.
//!
//! Overall: red if any signal is red or at least 3 are yellow; yellow if any is yellow; green
//! otherwise; no light at all when no signal could be judged. `confidence` is the fraction of
//! signals judged. A missing value is listed with why — never guessed.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::metrics::DailyValues;
use super::people::Baselines;
use super::validation::{Checks, ValidationError};

text_enum! {
    /// The traffic light.
    #[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
    pub enum Light {
        /// Train as planned.
        Green => "green",
        /// Train, but watch it; consider easing off.
        Yellow => "yellow",
        /// Ease off or rest.
        Red => "red",
    }
}

text_enum! {
    /// One input to readiness.
    #[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
    pub enum Signal {
        /// Heart-rate variability against the athlete's own baseline of the same kind.
        Hrv => "hrv",
        /// Resting heart rate against the athlete's baseline.
        RestingHr => "resting_hr",
        /// Sleep duration and quality.
        Sleep => "sleep",
        /// Muscle soreness.
        Soreness => "soreness",
        /// Life stress.
        Stress => "stress",
        /// Session RPE of the last few days.
        RecentRpe => "recent_rpe",
        /// Mood (only when enabled in the settings).
        Mood => "mood",
    }
}

/// Thresholds of the readiness rules. Stored as JSON; missing keys take their defaults.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReadinessSettings {
    /// How many prior days the HRV and resting-HR baselines look back (default 60).
    pub baseline_days: u32,
    /// Values of today's HRV kind needed for a personal HRV baseline (default 7).
    pub hrv_min_history: u32,
    /// Days in today's HRV figure: 1 compares today's value, 7 a 7-day rolling mean of ln HRV
    /// (default 1).
    pub hrv_recent_days: u32,
    /// SDs below the baseline mean that turn HRV yellow (default 0.5).
    pub hrv_yellow_sd: f64,
    /// SDs below the baseline mean that turn HRV red (default 1.5).
    pub hrv_red_sd: f64,
    /// The smallest day-to-day spread a personal HRV baseline is judged with, in ln units
    /// (default 0.04, about 4 %). Day-to-day variation of ln rMSSD is usually 3–13 %; a
    /// baseline steadier than this floor (a few identical readings) would make a normal
    /// fluctuation look extreme, so its SD is taken as the floor.
    pub hrv_min_sd_ln: f64,
    /// Percent below a baseline without SD that turns HRV yellow (default 10).
    pub hrv_yellow_drop_pct: f64,
    /// Percent below a baseline without SD that turns HRV red (default 25).
    pub hrv_red_drop_pct: f64,
    /// Prior resting-HR values needed for a personal baseline (default 7).
    pub resting_hr_min_history: u32,
    /// bpm above baseline that turns resting HR yellow (default 5).
    pub resting_hr_yellow_bpm: f64,
    /// bpm above baseline that turns resting HR red (default 10).
    pub resting_hr_red_bpm: f64,
    /// Sleep shorter than this many minutes is yellow (default 420).
    pub sleep_yellow_min: i32,
    /// Sleep shorter than this many minutes is red (default 300).
    pub sleep_red_min: i32,
    /// Sleep quality at or below this is yellow (default 2).
    pub sleep_quality_yellow: i32,
    /// Sleep quality at or below this is red (default 1).
    pub sleep_quality_red: i32,
    /// Soreness at or above this is yellow (default 7).
    pub soreness_yellow: i32,
    /// Soreness at or above this is red (default 9).
    pub soreness_red: i32,
    /// Stress at or above this is yellow (default 8).
    pub stress_yellow: i32,
    /// Days before today whose session RPEs count (default 3).
    pub recent_rpe_days: u32,
    /// Mean recent RPE at or above this is yellow (default 8).
    pub recent_rpe_yellow: f64,
    /// Whether mood is a signal (default false).
    pub use_mood: bool,
    /// Mood at or below this is yellow (default 2).
    pub mood_yellow: i32,
    /// This many yellow signals make the light red (default 3).
    pub yellows_for_red: u32,
}

impl Default for ReadinessSettings {
    fn default() -> Self {
        Self {
            baseline_days: 60,
            hrv_min_history: 7,
            hrv_recent_days: 1,
            hrv_yellow_sd: 0.5,
            hrv_red_sd: 1.5,
            hrv_min_sd_ln: 0.04,
            hrv_yellow_drop_pct: 10.0,
            hrv_red_drop_pct: 25.0,
            resting_hr_min_history: 7,
            resting_hr_yellow_bpm: 5.0,
            resting_hr_red_bpm: 10.0,
            sleep_yellow_min: 420,
            sleep_red_min: 300,
            sleep_quality_yellow: 2,
            sleep_quality_red: 1,
            soreness_yellow: 7,
            soreness_red: 9,
            stress_yellow: 8,
            recent_rpe_days: 3,
            recent_rpe_yellow: 8.0,
            use_mood: false,
            mood_yellow: 2,
            yellows_for_red: 3,
        }
    }
}

impl ReadinessSettings {
    /// Rejects thresholds that make no sense, naming each field.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut checks = Checks::new();
        checks.int_range(
            "baselineDays",
            Some(self.baseline_days.into()),
            7,
            365,
            "days",
        );
        checks.int_range(
            "hrvMinHistory",
            Some(self.hrv_min_history.into()),
            2,
            365,
            "values",
        );
        checks.int_range(
            "hrvRecentDays",
            Some(self.hrv_recent_days.into()),
            1,
            14,
            "days",
        );
        checks.float_range("hrvYellowSd", Some(self.hrv_yellow_sd), 0.0, 5.0, "SD");
        checks.float_range("hrvRedSd", Some(self.hrv_red_sd), 0.0, 5.0, "SD");
        checks.float_range("hrvMinSdLn", Some(self.hrv_min_sd_ln), 0.0, 0.5, "");
        if self.hrv_red_sd < self.hrv_yellow_sd {
            checks.fail("hrvRedSd", "must be at least the yellow threshold");
        }
        checks.float_range(
            "hrvYellowDropPct",
            Some(self.hrv_yellow_drop_pct),
            0.0,
            100.0,
            "%",
        );
        checks.float_range(
            "hrvRedDropPct",
            Some(self.hrv_red_drop_pct),
            0.0,
            100.0,
            "%",
        );
        if self.hrv_red_drop_pct < self.hrv_yellow_drop_pct {
            checks.fail("hrvRedDropPct", "must be at least the yellow threshold");
        }
        checks.int_range(
            "restingHrMinHistory",
            Some(self.resting_hr_min_history.into()),
            1,
            365,
            "values",
        );
        checks.float_range(
            "restingHrYellowBpm",
            Some(self.resting_hr_yellow_bpm),
            0.0,
            50.0,
            "bpm",
        );
        checks.float_range(
            "restingHrRedBpm",
            Some(self.resting_hr_red_bpm),
            0.0,
            50.0,
            "bpm",
        );
        if self.resting_hr_red_bpm < self.resting_hr_yellow_bpm {
            checks.fail("restingHrRedBpm", "must be at least the yellow threshold");
        }
        checks.int_range(
            "sleepYellowMin",
            Some(self.sleep_yellow_min.into()),
            0,
            1440,
            "min",
        );
        checks.int_range(
            "sleepRedMin",
            Some(self.sleep_red_min.into()),
            0,
            1440,
            "min",
        );
        checks.int_range(
            "recentRpeDays",
            Some(self.recent_rpe_days.into()),
            1,
            14,
            "days",
        );
        checks.float_range(
            "recentRpeYellow",
            Some(self.recent_rpe_yellow),
            0.0,
            10.0,
            "",
        );
        checks.int_range("yellowsForRed", Some(self.yellows_for_red.into()), 1, 7, "");
        checks.finish()
    }
}

/// Everything readiness looks at for one day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReadinessInputs {
    /// The day being judged.
    pub date: NaiveDate,
    /// That day's values, already merged across sources.
    pub today: DailyValues,
    /// Earlier days' values (about 60 days); any order, days on or after `date` are ignored.
    pub history: Vec<(NaiveDate, DailyValues)>,
    /// The athlete's manual baselines.
    pub baselines: Baselines,
    /// Session RPEs of recent activities, by local date.
    pub recent_rpes: Vec<(NaiveDate, i32)>,
}

/// A named number a reading rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
pub struct ReadingValue {
    /// What the number is, e.g. `baseline_mean_ln`.
    pub name: String,
    /// The number.
    pub value: f64,
}

/// One judged signal: its light, why, and the values used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
pub struct SignalReading {
    /// The signal.
    pub signal: Signal,
    /// Its light.
    pub light: Light,
    /// The reason, in words.
    pub reason: String,
    /// The receipts.
    pub values: Vec<ReadingValue>,
}

/// A signal that could not be judged, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
pub struct MissingSignal {
    /// The signal.
    pub signal: Signal,
    /// Why it is missing.
    pub reason: String,
}

/// The day's traffic light with everything it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
pub struct Readiness {
    /// The day.
    pub date: NaiveDate,
    /// The light; `None` when no signal at all could be judged.
    pub light: Option<Light>,
    /// Fraction of the signals that could be judged, 0–1.
    pub confidence: f64,
    /// Each judged signal.
    pub signals: Vec<SignalReading>,
    /// Each signal that could not be judged.
    pub missing: Vec<MissingSignal>,
}

/// Judges one day. Never panics, whatever the values.
pub fn readiness(inputs: &ReadinessInputs, settings: &ReadinessSettings) -> Readiness {
    let judged: Vec<(Signal, Result<SignalReading, String>)> = [
        (Signal::Hrv, hrv(inputs, settings)),
        (Signal::RestingHr, resting_hr(inputs, settings)),
        (Signal::Sleep, sleep(&inputs.today, settings)),
        (Signal::Soreness, soreness(&inputs.today, settings)),
        (Signal::Stress, stress(&inputs.today, settings)),
        (Signal::RecentRpe, recent_rpe(inputs, settings)),
    ]
    .into_iter()
    .chain(
        settings
            .use_mood
            .then(|| (Signal::Mood, mood(&inputs.today, settings))),
    )
    .collect();

    let considered = judged.len();
    let mut signals = Vec::new();
    let mut missing = Vec::new();
    for (signal, result) in judged {
        match result {
            Ok(reading) => signals.push(reading),
            Err(reason) => missing.push(MissingSignal { signal, reason }),
        }
    }
    let reds = signals.iter().filter(|s| s.light == Light::Red).count();
    let yellows = signals.iter().filter(|s| s.light == Light::Yellow).count();
    let light = if signals.is_empty() {
        None
    } else if reds > 0 || yellows >= settings.yellows_for_red.max(1) as usize {
        Some(Light::Red)
    } else if yellows > 0 {
        Some(Light::Yellow)
    } else {
        Some(Light::Green)
    };
    Readiness {
        date: inputs.date,
        light,
        confidence: signals.len() as f64 / considered as f64,
        signals,
        missing,
    }
}

fn value(name: &str, value: f64) -> ReadingValue {
    ReadingValue {
        name: name.to_owned(),
        value,
    }
}

fn reading(
    signal: Signal,
    light: Light,
    reason: String,
    values: Vec<ReadingValue>,
) -> SignalReading {
    SignalReading {
        signal,
        light,
        reason,
        values,
    }
}

/// History entries strictly before `date` and within the baseline window.
fn prior_days<'a>(
    inputs: &'a ReadinessInputs,
    days: u32,
) -> impl Iterator<Item = (NaiveDate, &'a DailyValues)> + 'a {
    let date = inputs.date;
    let start = date
        .checked_sub_days(Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MIN);
    inputs
        .history
        .iter()
        .filter(move |(d, _)| *d < date && *d >= start)
        .map(|(d, v)| (*d, v))
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

fn sample_sd(values: &[f64]) -> f64 {
    if values.len() < 2 {
        return 0.0;
    }
    let m = mean(values);
    (values.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (values.len() - 1) as f64).sqrt()
}

fn positive(value: f64) -> bool {
    value.is_finite() && value > 0.0
}

fn worst(a: Light, b: Light) -> Light {
    a.max(b)
}

fn hrv(inputs: &ReadinessInputs, settings: &ReadinessSettings) -> Result<SignalReading, String> {
    let Some((today_ms, kind)) = inputs.today.hrv else {
        return Err("no HRV logged today".to_owned());
    };
    if !positive(today_ms) {
        return Err(format!(
            "today's HRV of {today_ms} ms is not a positive number"
        ));
    }
    let mut same_kind: Vec<(NaiveDate, f64)> = Vec::new();
    let mut other_kinds = 0usize;
    for (date, values) in prior_days(inputs, settings.baseline_days) {
        match values.hrv {
            Some((ms, k)) if k == kind && positive(ms) => same_kind.push((date, ms.ln())),
            Some((ms, _)) if positive(ms) => other_kinds += 1,
            _ => {}
        }
    }
    let today_ln = today_ms.ln();
    let recent_days = settings.hrv_recent_days.max(1);

    if same_kind.len() >= settings.hrv_min_history.max(2) as usize {
        let baseline: Vec<f64> = same_kind.iter().map(|(_, ln)| *ln).collect();
        let (baseline_mean, baseline_sd) = (mean(&baseline), sample_sd(&baseline));
        let figure = if recent_days > 1 {
            let since = inputs
                .date
                .checked_sub_days(Days::new(u64::from(recent_days - 1)))
                .unwrap_or(NaiveDate::MIN);
            let mut recent: Vec<f64> = same_kind
                .iter()
                .filter(|(d, _)| *d >= since)
                .map(|(_, ln)| *ln)
                .collect();
            recent.push(today_ln);
            mean(&recent)
        } else {
            today_ln
        };
        if baseline_sd > 0.0 {
            // A baseline steadier than the floor is judged as if it varied that much.
            let spread = baseline_sd.max(settings.hrv_min_sd_ln);
            let yellow_below = baseline_mean - settings.hrv_yellow_sd * spread;
            let red_below = baseline_mean - settings.hrv_red_sd * spread;
            let z = (figure - baseline_mean) / spread;
            let light = if figure < red_below {
                Light::Red
            } else if figure < yellow_below {
                Light::Yellow
            } else {
                Light::Green
            };
            let usual = baseline_mean.exp();
            let (low, high) = (
                (baseline_mean - spread).exp(),
                (baseline_mean + spread).exp(),
            );
            let compared = if recent_days > 1 {
                format!(
                    "your {recent_days}-day HRV average of {:.0} ms (today {today_ms:.0} ms)",
                    figure.exp()
                )
            } else {
                format!("today's HRV of {today_ms:.0} ms")
            };
            let change = (figure.exp() / usual - 1.0) * 100.0;
            let verdict = match light {
                Light::Red => "well below your normal range",
                Light::Yellow => "below your normal range",
                Light::Green => "within or above your normal range",
            };
            let reason = format!(
                "{compared} is {:.0}% {} your usual {usual:.0} ms, {verdict} \
                 ({low:.0}–{high:.0} ms on a typical day, from {n} days of {kind}); \
                 {z:+.1} typical day-to-day changes{floor}",
                change.abs(),
                if change < 0.0 { "below" } else { "above" },
                n = baseline.len(),
                floor = if spread > baseline_sd {
                    format!(
                        " (your readings barely vary, so a change of about {:.0}% counts as one)",
                        (settings.hrv_min_sd_ln.exp() - 1.0) * 100.0
                    )
                } else {
                    String::new()
                },
            );
            return Ok(reading(
                Signal::Hrv,
                light,
                reason,
                vec![
                    value("today_ms", today_ms),
                    value("today_ln", today_ln),
                    value("compared_ln", figure),
                    value("baseline_mean_ln", baseline_mean),
                    value("baseline_sd_ln", baseline_sd),
                    value("judged_sd_ln", spread),
                    value("baseline_values", baseline.len() as f64),
                    value("yellow_below_ln", yellow_below),
                    value("red_below_ln", red_below),
                ],
            ));
        }
        let reference = baseline_mean.exp();
        return Ok(drop_reading(
            settings,
            today_ms,
            reference,
            &format!(
                "your {n} {kind} values of the last {days} days do not vary at all, so the drop is \
                 judged in percent",
                n = baseline.len(),
                days = settings.baseline_days
            ),
        ));
    }

    match inputs.baselines.hrv {
        Some((reference, baseline_kind)) if baseline_kind == kind && positive(reference) => {
            Ok(drop_reading(
                settings,
                today_ms,
                reference,
                &format!(
                    "only {n} {kind} values in the last {days} days ({need} needed for a personal \
                     baseline), so today is compared with your manual {kind} baseline",
                    n = same_kind.len(),
                    days = settings.baseline_days,
                    need = settings.hrv_min_history,
                ),
            ))
        }
        manual => {
            let mut reason = format!(
                "today's HRV is {kind}, and there are only {n} {kind} values in the last {days} \
                 days ({need} needed)",
                n = same_kind.len(),
                days = settings.baseline_days,
                need = settings.hrv_min_history,
            );
            if other_kinds > 0 {
                reason.push_str(&format!(
                    "; the {other_kinds} values of another kind (rMSSD and SDNN) are not comparable"
                ));
            }
            match manual {
                Some((_, manual_kind)) if manual_kind != kind => reason.push_str(&format!(
                    "; the manual baseline is {manual_kind}, which is not comparable with {kind}"
                )),
                _ => reason.push_str(&format!("; no manual {kind} baseline is set")),
            }
            Err(reason)
        }
    }
}

fn drop_reading(
    settings: &ReadinessSettings,
    today_ms: f64,
    reference_ms: f64,
    context: &str,
) -> SignalReading {
    let drop_pct = (1.0 - today_ms / reference_ms) * 100.0;
    let light = if drop_pct >= settings.hrv_red_drop_pct {
        Light::Red
    } else if drop_pct >= settings.hrv_yellow_drop_pct {
        Light::Yellow
    } else {
        Light::Green
    };
    SignalReading {
        signal: Signal::Hrv,
        light,
        reason: format!(
            "today's HRV {today_ms:.0} ms is {drop_pct:.1} % below the reference {reference_ms:.0} ms \
             (yellow from {}, red from {} % down): {context}",
            settings.hrv_yellow_drop_pct, settings.hrv_red_drop_pct
        ),
        values: vec![
            value("today_ms", today_ms),
            value("reference_ms", reference_ms),
            value("drop_pct", drop_pct),
        ],
    }
}

fn resting_hr(
    inputs: &ReadinessInputs,
    settings: &ReadinessSettings,
) -> Result<SignalReading, String> {
    let Some(today) = inputs.today.resting_hr else {
        return Err("no resting heart rate logged today".to_owned());
    };
    if today <= 0 {
        return Err(format!(
            "today's resting heart rate of {today} bpm is not positive"
        ));
    }
    let prior: Vec<f64> = prior_days(inputs, settings.baseline_days)
        .filter_map(|(_, v)| v.resting_hr.filter(|hr| *hr > 0).map(f64::from))
        .collect();
    let (baseline, source) = if prior.len() >= settings.resting_hr_min_history.max(1) as usize {
        (mean(&prior), format!("your mean over {} days", prior.len()))
    } else if let Some(manual) = inputs.baselines.resting_hr.filter(|hr| *hr > 0) {
        (
            f64::from(manual),
            format!(
                "your manual baseline (only {} values in the last {} days)",
                prior.len(),
                settings.baseline_days
            ),
        )
    } else {
        return Err(format!(
            "only {} resting heart rate values in the last {} days ({} needed) and no manual \
             baseline",
            prior.len(),
            settings.baseline_days,
            settings.resting_hr_min_history
        ));
    };
    let above = f64::from(today) - baseline;
    let light = if above >= settings.resting_hr_red_bpm {
        Light::Red
    } else if above >= settings.resting_hr_yellow_bpm {
        Light::Yellow
    } else {
        Light::Green
    };
    Ok(reading(
        Signal::RestingHr,
        light,
        format!(
            "resting heart rate {today} bpm is {above:+.1} bpm against {source} of {baseline:.1} \
             bpm (yellow from +{}, red from +{})",
            settings.resting_hr_yellow_bpm, settings.resting_hr_red_bpm
        ),
        vec![
            value("today_bpm", f64::from(today)),
            value("baseline_bpm", baseline),
            value("above_bpm", above),
        ],
    ))
}

fn sleep(today: &DailyValues, settings: &ReadinessSettings) -> Result<SignalReading, String> {
    if today.sleep_duration_min.is_none() && today.sleep_quality.is_none() {
        return Err("no sleep logged for last night".to_owned());
    }
    let mut light = Light::Green;
    let mut reasons = Vec::new();
    let mut values = Vec::new();
    if let Some(minutes) = today.sleep_duration_min {
        let part = if minutes < settings.sleep_red_min {
            Light::Red
        } else if minutes < settings.sleep_yellow_min {
            Light::Yellow
        } else {
            Light::Green
        };
        light = worst(light, part);
        reasons.push(format!(
            "slept {}h{:02} (yellow under {} min, red under {} min)",
            minutes / 60,
            (minutes % 60).abs(),
            settings.sleep_yellow_min,
            settings.sleep_red_min
        ));
        values.push(value("duration_min", f64::from(minutes)));
    }
    if let Some(quality) = today.sleep_quality {
        let part = if quality <= settings.sleep_quality_red {
            Light::Red
        } else if quality <= settings.sleep_quality_yellow {
            Light::Yellow
        } else {
            Light::Green
        };
        light = worst(light, part);
        reasons.push(format!(
            "quality {quality}/5 (yellow at {} or less, red at {} or less)",
            settings.sleep_quality_yellow, settings.sleep_quality_red
        ));
        values.push(value("quality", f64::from(quality)));
    }
    Ok(reading(Signal::Sleep, light, reasons.join("; "), values))
}

fn scale_reading(
    signal: Signal,
    label: &str,
    score: Option<i32>,
    yellow: i32,
    red: Option<i32>,
) -> Result<SignalReading, String> {
    let Some(score) = score else {
        return Err(format!("no {label} logged today"));
    };
    let light = if red.is_some_and(|r| score >= r) {
        Light::Red
    } else if score >= yellow {
        Light::Yellow
    } else {
        Light::Green
    };
    let thresholds = match red {
        Some(r) => format!("yellow from {yellow}, red from {r}"),
        None => format!("yellow from {yellow}"),
    };
    Ok(reading(
        signal,
        light,
        format!("{label} {score}/10 ({thresholds})"),
        vec![value(label, f64::from(score))],
    ))
}

fn soreness(today: &DailyValues, settings: &ReadinessSettings) -> Result<SignalReading, String> {
    scale_reading(
        Signal::Soreness,
        "soreness",
        today.soreness,
        settings.soreness_yellow,
        Some(settings.soreness_red),
    )
}

fn stress(today: &DailyValues, settings: &ReadinessSettings) -> Result<SignalReading, String> {
    scale_reading(
        Signal::Stress,
        "stress",
        today.stress,
        settings.stress_yellow,
        None,
    )
}

fn mood(today: &DailyValues, settings: &ReadinessSettings) -> Result<SignalReading, String> {
    let Some(mood) = today.mood else {
        return Err("no mood logged today".to_owned());
    };
    let light = if mood <= settings.mood_yellow {
        Light::Yellow
    } else {
        Light::Green
    };
    Ok(reading(
        Signal::Mood,
        light,
        format!("mood {mood}/5 (yellow at {} or less)", settings.mood_yellow),
        vec![value("mood", f64::from(mood))],
    ))
}

fn recent_rpe(
    inputs: &ReadinessInputs,
    settings: &ReadinessSettings,
) -> Result<SignalReading, String> {
    let days = settings.recent_rpe_days.max(1);
    let since = inputs
        .date
        .checked_sub_days(Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MIN);
    let rpes: Vec<f64> = inputs
        .recent_rpes
        .iter()
        .filter(|(d, rpe)| *d >= since && *d < inputs.date && (0..=10).contains(rpe))
        .map(|(_, rpe)| f64::from(*rpe))
        .collect();
    if rpes.is_empty() {
        return Err(format!("no rated sessions in the {days} days before today"));
    }
    let average = mean(&rpes);
    let light = if average >= settings.recent_rpe_yellow {
        Light::Yellow
    } else {
        Light::Green
    };
    Ok(reading(
        Signal::RecentRpe,
        light,
        format!(
            "mean session RPE {average:.1} over {n} sessions in the {days} days before today \
             (yellow from {})",
            settings.recent_rpe_yellow,
            n = rpes.len()
        ),
        vec![
            value("mean_rpe", average),
            value("sessions", rpes.len() as f64),
        ],
    ))
}

#[cfg(test)]
mod tests;
