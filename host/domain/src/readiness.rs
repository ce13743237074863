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
        let (figure, figure_name) = if recent_days > 1 {
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
            (mean(&recent), format!("{recent_days}-day mean ln {kind}"))
        } else {
            (today_ln, format!("ln {kind}"))
        };
        if baseline_sd > 0.0 {
            let yellow_below = baseline_mean - settings.hrv_yellow_sd * baseline_sd;
            let red_below = baseline_mean - settings.hrv_red_sd * baseline_sd;
            let z = (figure - baseline_mean) / baseline_sd;
            let light = if figure < red_below {
                Light::Red
            } else if figure < yellow_below {
                Light::Yellow
            } else {
                Light::Green
            };
            let reason = format!(
                "{figure_name} {figure:.3} (today {today_ms:.0} ms) is {z:+.2} SD from your \
                 baseline {baseline_mean:.3} ± {baseline_sd:.3} over {n} days of {kind} \
                 (yellow below {yellow_below:.3}, red below {red_below:.3})",
                n = baseline.len(),
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
mod tests {
    use super::*;
    use crate::people::HrvKind;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 4, 1).expect("valid date")
    }

    fn days_ago(n: u64) -> NaiveDate {
        today() - Days::new(n)
    }

    /// Thirty prior days of HRV of `kind` alternating 50 and 60 ms, resting HR alternating
    /// 48 and 50 bpm.
    fn history(kind: HrvKind) -> Vec<(NaiveDate, DailyValues)> {
        (1..=30)
            .map(|n| {
                let even = n % 2 == 0;
                (
                    days_ago(n),
                    DailyValues {
                        hrv: Some((if even { 50.0 } else { 60.0 }, kind)),
                        resting_hr: Some(if even { 48 } else { 50 }),
                        ..DailyValues::default()
                    },
                )
            })
            .collect()
    }

    fn good_day() -> DailyValues {
        DailyValues {
            hrv: Some((56.0, HrvKind::Rmssd)),
            resting_hr: Some(49),
            sleep_duration_min: Some(480),
            sleep_quality: Some(4),
            soreness: Some(3),
            stress: Some(3),
            ..DailyValues::default()
        }
    }

    fn inputs(today_values: DailyValues) -> ReadinessInputs {
        ReadinessInputs {
            date: today(),
            today: today_values,
            history: history(HrvKind::Rmssd),
            baselines: Baselines::default(),
            recent_rpes: vec![(days_ago(1), 5), (days_ago(2), 6)],
        }
    }

    fn signal(r: &Readiness, signal: Signal) -> &SignalReading {
        r.signals
            .iter()
            .find(|s| s.signal == signal)
            .expect("signal judged")
    }

    #[test]
    fn a_good_day_is_green_with_full_confidence() {
        let r = readiness(&inputs(good_day()), &ReadinessSettings::default());
        assert_eq!(r.light, Some(Light::Green));
        assert_eq!(r.confidence, 1.0);
        assert!(r.missing.is_empty());
        assert_eq!(r.signals.len(), 6);
    }

    #[test]
    fn hrv_is_judged_in_ln_against_its_own_rolling_baseline() {
        // Baseline: 15 × ln 50 and 15 × ln 60 → mean (ln 50 + ln 60)/2 = ln √3000 ≈ 3.9995;
        // sample SD = (ln 60 − ln 50)/2 × √(30/29) ≈ 0.09274.
        // Yellow below mean − 0.5 SD ≈ 3.9531 (≈ 52.1 ms), red below mean − 1.5 SD ≈ 3.8604
        // (≈ 47.5 ms).
        let half_gap = (60.0_f64.ln() - 50.0_f64.ln()) / 2.0;
        let mean_ln = (50.0_f64.ln() + 60.0_f64.ln()) / 2.0;
        let sd_ln = half_gap * (30.0_f64 / 29.0).sqrt();
        let settings = ReadinessSettings::default();
        for (ms, light) in [
            (56.0, Light::Green),
            (50.0, Light::Yellow),
            (45.0, Light::Red),
        ] {
            let mut day = good_day();
            day.hrv = Some((ms, HrvKind::Rmssd));
            let r = readiness(&inputs(day), &settings);
            let hrv = signal(&r, Signal::Hrv);
            assert_eq!(hrv.light, light, "{ms} ms: {}", hrv.reason);
            let get = |name: &str| {
                hrv.values
                    .iter()
                    .find(|v| v.name == name)
                    .expect("receipt present")
                    .value
            };
            assert!((get("baseline_mean_ln") - mean_ln).abs() < 1e-12);
            assert!((get("baseline_sd_ln") - sd_ln).abs() < 1e-12);
            assert!((get("yellow_below_ln") - (mean_ln - 0.5 * sd_ln)).abs() < 1e-12);
            assert!((get("red_below_ln") - (mean_ln - 1.5 * sd_ln)).abs() < 1e-12);
            assert_eq!(get("baseline_values"), 30.0);
        }
    }

    #[test]
    fn a_seven_day_rolling_mean_smooths_one_low_morning() {
        let settings = ReadinessSettings {
            hrv_recent_days: 7,
            ..ReadinessSettings::default()
        };
        let mut day = good_day();
        day.hrv = Some((45.0, HrvKind::Rmssd));
        // Alone, 45 ms is red; averaged with six days of 50/60 ms it is yellow at worst.
        let r = readiness(&inputs(day), &settings);
        assert_ne!(signal(&r, Signal::Hrv).light, Light::Red);
    }

    #[test]
    fn sdnn_history_is_never_compared_with_rmssd_today() {
        // Apple history (SDNN ≈ 50–60 ms) and a Garmin morning (rMSSD 20 ms): against the SDNN
        // baseline this would be red; it must be missing instead.
        let mut input = inputs(DailyValues {
            hrv: Some((20.0, HrvKind::Rmssd)),
            ..good_day()
        });
        input.history = history(HrvKind::Sdnn);
        input.baselines.hrv = Some((55.0, HrvKind::Sdnn));
        let r = readiness(&input, &ReadinessSettings::default());
        assert!(r.signals.iter().all(|s| s.signal != Signal::Hrv));
        let missing = r
            .missing
            .iter()
            .find(|m| m.signal == Signal::Hrv)
            .expect("HRV is missing");
        assert!(
            missing.reason.contains("not comparable"),
            "{}",
            missing.reason
        );
        assert!(
            missing.reason.contains("manual baseline is sdnn"),
            "{}",
            missing.reason
        );
        assert!((r.confidence - 5.0 / 6.0).abs() < 1e-12);

        // With a manual rMSSD baseline, today is compared with that instead: 20 vs 25 ms is a
        // 20 % drop → yellow.
        input.baselines.hrv = Some((25.0, HrvKind::Rmssd));
        let r = readiness(&input, &ReadinessSettings::default());
        let hrv = signal(&r, Signal::Hrv);
        assert_eq!(hrv.light, Light::Yellow, "{}", hrv.reason);
        assert!(
            hrv.reason.contains("manual rmssd baseline"),
            "{}",
            hrv.reason
        );
        assert!(
            hrv.values
                .iter()
                .any(|v| v.name == "reference_ms" && v.value == 25.0)
        );

        // A mixed history (a switch from Apple to Garmin): only the ten rMSSD days form the
        // baseline, and 21.5 ms sits inside their 20–24 ms range.
        input.baselines.hrv = None;
        input.history.extend((1..=10).map(|n: u32| {
            (
                days_ago(u64::from(n)),
                DailyValues {
                    hrv: Some((20.0 + f64::from(n % 5), HrvKind::Rmssd)),
                    ..DailyValues::default()
                },
            )
        }));
        input.today.hrv = Some((21.5, HrvKind::Rmssd));
        let r = readiness(&input, &ReadinessSettings::default());
        let hrv = signal(&r, Signal::Hrv);
        assert!(
            hrv.values
                .iter()
                .any(|v| v.name == "baseline_values" && v.value == 10.0),
            "{}",
            hrv.reason
        );
        assert_eq!(hrv.light, Light::Green, "{}", hrv.reason);
    }

    #[test]
    fn resting_hr_uses_its_rolling_mean_then_the_manual_baseline() {
        // Rolling mean of 48/50 = 49: 54 is +5 (yellow), 59 is +10 (red).
        for (bpm, light) in [(53, Light::Green), (54, Light::Yellow), (59, Light::Red)] {
            let r = readiness(
                &inputs(DailyValues {
                    resting_hr: Some(bpm),
                    ..good_day()
                }),
                &ReadinessSettings::default(),
            );
            assert_eq!(signal(&r, Signal::RestingHr).light, light, "{bpm}");
        }
        let mut input = inputs(DailyValues {
            resting_hr: Some(52),
            ..good_day()
        });
        input.history.truncate(3);
        input.baselines.resting_hr = Some(45);
        let r = readiness(&input, &ReadinessSettings::default());
        let rhr = signal(&r, Signal::RestingHr);
        assert_eq!(rhr.light, Light::Yellow);
        assert!(rhr.reason.contains("manual baseline"), "{}", rhr.reason);
    }

    #[test]
    fn simple_scales_follow_their_thresholds() {
        let settings = ReadinessSettings::default();
        let light_of = |values: DailyValues, s: Signal| {
            signal(&readiness(&inputs(values), &settings), s).light
        };
        let cases = [
            (
                DailyValues {
                    sleep_duration_min: Some(400),
                    ..good_day()
                },
                Signal::Sleep,
                Light::Yellow,
            ),
            (
                DailyValues {
                    sleep_duration_min: Some(290),
                    ..good_day()
                },
                Signal::Sleep,
                Light::Red,
            ),
            (
                DailyValues {
                    sleep_quality: Some(2),
                    ..good_day()
                },
                Signal::Sleep,
                Light::Yellow,
            ),
            (
                DailyValues {
                    sleep_quality: Some(1),
                    ..good_day()
                },
                Signal::Sleep,
                Light::Red,
            ),
            (
                DailyValues {
                    soreness: Some(7),
                    ..good_day()
                },
                Signal::Soreness,
                Light::Yellow,
            ),
            (
                DailyValues {
                    soreness: Some(9),
                    ..good_day()
                },
                Signal::Soreness,
                Light::Red,
            ),
            (
                DailyValues {
                    stress: Some(8),
                    ..good_day()
                },
                Signal::Stress,
                Light::Yellow,
            ),
            (
                DailyValues {
                    stress: Some(10),
                    ..good_day()
                },
                Signal::Stress,
                Light::Yellow,
            ),
        ];
        for (values, s, light) in cases {
            assert_eq!(light_of(values.clone(), s), light, "{values:?}");
        }
        let mut hard_week = inputs(good_day());
        hard_week.recent_rpes = vec![
            (days_ago(1), 9),
            (days_ago(2), 8),
            (days_ago(3), 7),
            (today(), 2),
            (days_ago(4), 1),
        ];
        // Only the three days before today count: (9 + 8 + 7) / 3 = 8 → yellow.
        let rpe = readiness(&hard_week, &settings);
        let reading = signal(&rpe, Signal::RecentRpe);
        assert_eq!(reading.light, Light::Yellow);
        assert!(
            reading
                .values
                .iter()
                .any(|v| v.name == "mean_rpe" && v.value == 8.0)
        );
    }

    #[test]
    fn three_yellows_make_red_and_one_makes_yellow() {
        let one = DailyValues {
            soreness: Some(7),
            ..good_day()
        };
        assert_eq!(
            readiness(&inputs(one), &ReadinessSettings::default()).light,
            Some(Light::Yellow)
        );
        let three = DailyValues {
            soreness: Some(7),
            stress: Some(8),
            sleep_duration_min: Some(400),
            ..good_day()
        };
        assert_eq!(
            readiness(&inputs(three), &ReadinessSettings::default()).light,
            Some(Light::Red)
        );
    }

    #[test]
    fn nothing_logged_means_no_light_and_zero_confidence() {
        let r = readiness(
            &ReadinessInputs {
                date: today(),
                ..ReadinessInputs::default()
            },
            &ReadinessSettings::default(),
        );
        assert_eq!(r.light, None);
        assert_eq!(r.confidence, 0.0);
        let missing: Vec<Signal> = r.missing.iter().map(|m| m.signal).collect();
        assert_eq!(missing, &Signal::ALL[..6]);

        let with_mood = ReadinessSettings {
            use_mood: true,
            ..ReadinessSettings::default()
        };
        let r = readiness(
            &inputs(DailyValues {
                mood: Some(2),
                ..good_day()
            }),
            &with_mood,
        );
        assert_eq!(signal(&r, Signal::Mood).light, Light::Yellow);
        assert_eq!(r.confidence, 1.0);
    }

    #[test]
    fn settings_validate_and_default_from_partial_json() {
        assert!(ReadinessSettings::default().validate().is_ok());
        let bad = ReadinessSettings {
            hrv_red_sd: 0.2,
            baseline_days: 3,
            ..ReadinessSettings::default()
        };
        let fields: Vec<String> = bad
            .validate()
            .expect_err("bad")
            .errors
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["baselineDays", "hrvRedSd"]);
        let parsed: ReadinessSettings =
            serde_json::from_str(r#"{"use_mood":true}"#).expect("parses");
        assert!(parsed.use_mood);
        assert_eq!(parsed.hrv_min_history, 7);
    }

    fn arbitrary_values() -> impl Strategy<Value = DailyValues> {
        let kind = prop_oneof![Just(HrvKind::Rmssd), Just(HrvKind::Sdnn)];
        let hrv_ms = prop_oneof![any::<f64>(), 1.0..200.0_f64];
        (
            proptest::option::of(any::<i32>()),
            proptest::option::of((hrv_ms, kind)),
            proptest::option::of(any::<i32>()),
            proptest::option::of(any::<i32>()),
            proptest::option::of(any::<i32>()),
            proptest::option::of(any::<i32>()),
            proptest::option::of(any::<i32>()),
        )
            .prop_map(
                |(resting_hr, hrv, sleep, quality, soreness, stress, mood)| DailyValues {
                    resting_hr,
                    hrv,
                    sleep_duration_min: sleep,
                    sleep_quality: quality,
                    soreness,
                    stress,
                    mood,
                    ..DailyValues::default()
                },
            )
    }

    proptest! {
        #[test]
        fn never_panics_and_missing_inputs_lower_confidence(
            today_values in arbitrary_values(),
            history in proptest::collection::vec((0u64..90, arbitrary_values()), 0..40),
            rpes in proptest::collection::vec((0u64..10, any::<i32>()), 0..6),
            manual_rhr in proptest::option::of(any::<i32>()),
            manual_hrv in proptest::option::of((any::<f64>(), prop_oneof![Just(HrvKind::Rmssd), Just(HrvKind::Sdnn)])),
            use_mood in any::<bool>(),
            which in 0usize..7,
        ) {
            let settings = ReadinessSettings { use_mood, ..ReadinessSettings::default() };
            let input = ReadinessInputs {
                date: today(),
                today: today_values,
                history: history.into_iter().map(|(n, v)| (days_ago(n), v)).collect(),
                baselines: Baselines { resting_hr: manual_rhr, hrv: manual_hrv, ..Baselines::default() },
                recent_rpes: rpes.into_iter().map(|(n, r)| (days_ago(n), r)).collect(),
            };
            let full = readiness(&input, &settings);
            prop_assert!((0.0..=1.0).contains(&full.confidence));
            prop_assert_eq!(full.signals.len() + full.missing.len(), if use_mood { 7 } else { 6 });
            prop_assert_eq!(full.light.is_none(), full.signals.is_empty());

            // Removing one input never raises confidence.
            let mut fewer = input.clone();
            match which {
                0 => fewer.today.hrv = None,
                1 => fewer.today.resting_hr = None,
                2 => { fewer.today.sleep_duration_min = None; fewer.today.sleep_quality = None; }
                3 => fewer.today.soreness = None,
                4 => fewer.today.stress = None,
                5 => fewer.recent_rpes.clear(),
                _ => fewer.today.mood = None,
            }
            prop_assert!(readiness(&fewer, &settings).confidence <= full.confidence);

            // HRV is only ever judged against values or baselines of today's kind.
            if let (Some((_, kind)), Some(hrv)) = (input.today.hrv, full.signals.iter().find(|s| s.signal == Signal::Hrv)) {
                let same_kind_history = input.history.iter().any(|(_, v)| v.hrv.is_some_and(|(_, k)| k == kind));
                let same_kind_manual = input.baselines.hrv.is_some_and(|(_, k)| k == kind);
                prop_assert!(same_kind_history || same_kind_manual, "{}", hrv.reason);
            }
        }
    }
}
