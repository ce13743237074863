//! The calendar of a plan: weeks counted back from race day, their phases, and each week's
//! target minutes (see the module docs of [`super`] for the rules).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::schedule::days_before;
use super::{Phase, PhaseKind, PlanRequest, PlanSettings, PlanWeek};

/// Weeks of taper for a race distance: 1 up to 10 km, 2 up to 30 km, 3 beyond.
pub fn taper_weeks(distance_m: f64) -> u32 {
    if distance_m <= 10_500.0 {
        1
    } else if distance_m <= 30_000.0 {
        2
    } else {
        3
    }
}

/// Peak weekly running minutes for a race distance (at `volume_scale` 1): 240 up to 5 km,
/// 300 up to 10 km, 360 up to the half marathon, 450 up to the marathon, 540 beyond.
pub fn peak_weekly_minutes(distance_m: f64) -> f64 {
    match distance_m {
        d if d <= 5_500.0 => 240.0,
        d if d <= 10_500.0 => 300.0,
        d if d <= 21_500.0 => 360.0,
        d if d <= 42_500.0 => 450.0,
        _ => 540.0,
    }
}

/// The longest long run for a race distance, minutes: 75 up to 5 km, 90 up to 10 km, 120 up to
/// the half marathon, 180 up to the marathon, 240 beyond.
pub fn max_long_run_minutes(distance_m: f64) -> f64 {
    match distance_m {
        d if d <= 5_500.0 => 75.0,
        d if d <= 10_500.0 => 90.0,
        d if d <= 21_500.0 => 120.0,
        d if d <= 42_500.0 => 180.0,
        _ => 240.0,
    }
}

/// One week of the calendar before volumes and workouts.
#[derive(Debug, Clone, Copy)]
pub(super) struct Frame {
    pub(super) start: NaiveDate,
    pub(super) end: NaiveDate,
    pub(super) phase: PhaseKind,
    pub(super) deload: bool,
    /// (position 1..=T, T) inside the taper.
    pub(super) taper: Option<(u32, u32)>,
}

pub(super) fn frames(request: &PlanRequest, settings: &PlanSettings) -> Vec<Frame> {
    let days = (request.goal_race_date - request.start_date).num_days() + 1;
    let weeks = u32::try_from((days + 6) / 7).unwrap_or(0);
    let taper = taper_weeks(request.goal_distance_m).min((weeks / 3).max(1));
    let rest = weeks.saturating_sub(taper);
    let peak = if rest >= 4 {
        ((rest + 2) / 5).clamp(1, 3)
    } else {
        0
    };
    let build = if rest >= 2 {
        (rest - peak).div_ceil(2)
    } else {
        rest
    };
    let base = rest - peak - build;
    (0..weeks)
        .map(|k| {
            let weeks_after = u64::from(weeks - 1 - k);
            let end = days_before(request.goal_race_date, 7 * weeks_after);
            let start = days_before(end, 6).max(request.start_date);
            let phase = if k < base {
                PhaseKind::Base
            } else if k < base + build {
                PhaseKind::Build
            } else if k < rest {
                PhaseKind::Peak
            } else {
                PhaseKind::Taper
            };
            let in_taper = phase == PhaseKind::Taper;
            Frame {
                start,
                end,
                phase,
                deload: !in_taper && (k + 1) % settings.deload_every_weeks.max(1) == 0,
                taper: if in_taper {
                    Some((k + 1 - rest, taper))
                } else {
                    None
                },
            }
        })
        .collect()
}

pub(super) fn phases_of(frames: &[Frame]) -> Vec<Phase> {
    let mut phases: Vec<Phase> = Vec::new();
    for frame in frames {
        match phases.last_mut() {
            Some(last) if last.kind == frame.phase => last.end = frame.end,
            _ => phases.push(Phase {
                kind: frame.phase,
                start: frame.start,
                end: frame.end,
            }),
        }
    }
    phases
}

/// Weekly targets, continuing from kept weeks (see the module docs for the rules).
pub(super) fn plan_weeks(
    frames: &[Frame],
    request: &PlanRequest,
    settings: &PlanSettings,
    kept: &BTreeMap<NaiveDate, &PlanWeek>,
    first_regenerated: usize,
    reduce: Option<f64>,
) -> Vec<PlanWeek> {
    let chronic_minutes =
        7.0 * request.current_chronic_load / settings.assumed_session_rpe * settings.volume_scale;
    let mut start_minutes = chronic_minutes.max(settings.min_weekly_minutes).floor();
    let mut peak = (peak_weekly_minutes(request.goal_distance_m) * settings.volume_scale)
        .floor()
        .max(start_minutes);
    let mut last_non_deload: Option<f64> = None;
    let mut taper_reference: Option<f64> = None;
    let mut weeks = Vec::with_capacity(frames.len());
    for (k, frame) in frames.iter().enumerate() {
        let index = u32::try_from(k).unwrap_or(u32::MAX);
        let week = match kept.get(&frame.start) {
            Some(week) if k < first_regenerated => PlanWeek {
                index,
                ..(*week).clone()
            },
            _ => {
                if k == first_regenerated
                    && let Some(factor) = reduce
                {
                    start_minutes = (start_minutes * factor).floor();
                    peak = (peak * factor).floor();
                    last_non_deload = last_non_deload.map(|m| m * factor);
                    taper_reference = taper_reference.map(|m| m * factor);
                }
                let target = match (frame.taper, frame.deload, last_non_deload) {
                    (Some((j, t)), _, _) => {
                        taper_reference.unwrap_or(start_minutes)
                            * (1.0 - 0.5 * f64::from(j) / f64::from(t.max(1)))
                    }
                    (None, true, last) => last.unwrap_or(start_minutes) * settings.deload_factor,
                    (None, false, None) => start_minutes,
                    (None, false, Some(last)) => {
                        peak.min(last * (1.0 + settings.max_weekly_increase))
                    }
                };
                PlanWeek {
                    index,
                    start: frame.start,
                    end: frame.end,
                    phase: frame.phase,
                    target_minutes: target.floor().max(0.0),
                    deload: frame.deload,
                }
            }
        };
        if !week.deload {
            last_non_deload = Some(week.target_minutes);
            if week.phase != PhaseKind::Taper {
                taper_reference = Some(week.target_minutes);
            }
        }
        weeks.push(week);
    }
    weeks
}
