//! Tests of plan generation and regeneration.

use std::collections::BTreeSet;

use chrono::{Datelike, Days};
use proptest::prelude::*;

use super::schedule::date_in_week;
use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// A 15-week half-marathon plan starting on a Wednesday, Fridays off, two single days off.
fn half_marathon() -> PlanRequest {
    PlanRequest {
        goal_race_name: Some("City Half".into()),
        goal_race_date: day(2026, 6, 14),
        goal_distance_m: 21_097.5,
        start_date: day(2026, 3, 4),
        availability: Availability {
            days_per_week: 5,
            long_run_day: Weekday::Sun,
            unavailable_dates: vec![day(2026, 4, 12), day(2026, 5, 20)],
            unavailable_weekdays: vec![Weekday::Fri],
        },
        current_chronic_load: 45.0,
        reference_easy_pace_s_per_km: Some(360.0),
    }
}

fn on(plan: &Plan, date: NaiveDate) -> &PlannedWorkout {
    let mut found = plan.workouts.iter().filter(|w| w.date == date);
    let first = found.next().expect("an entry for every day");
    assert!(found.next().is_none(), "one entry on {date}");
    first
}

fn generated() -> Plan {
    generate(&half_marathon(), &PlanSettings::default()).expect("valid request")
}

#[test]
fn phases_run_base_build_peak_taper_ending_on_race_day() {
    let plan = generated();
    let kinds: Vec<PhaseKind> = plan.phases.iter().map(|p| p.kind).collect();
    assert_eq!(kinds, PhaseKind::ALL);
    // 103 days → 15 weeks counted back from race day; a half-marathon taper is 2 weeks.
    assert_eq!(plan.weeks.len(), 15);
    let taper = plan.phases.last().expect("taper");
    assert_eq!(
        (taper.start, taper.end),
        (day(2026, 6, 1), day(2026, 6, 14))
    );
    // The first week is short: Wednesday to Sunday.
    assert_eq!(
        (plan.weeks[0].start, plan.weeks[0].end),
        (day(2026, 3, 4), day(2026, 3, 8))
    );
    assert_eq!(plan.phases[0].start, day(2026, 3, 4));
    assert_eq!(on(&plan, day(2026, 6, 14)).kind, WorkoutKind::Race);
    assert_eq!(
        on(&plan, day(2026, 6, 14)).target_distance_m,
        Some(21_097.5)
    );
    assert_eq!(on(&plan, day(2026, 6, 13)).kind, WorkoutKind::Rest);
}

#[test]
fn taper_length_follows_distance_and_short_plans_compress() {
    assert_eq!(taper_weeks(5_000.0), 1);
    assert_eq!(taper_weeks(10_000.0), 1);
    assert_eq!(taper_weeks(21_097.5), 2);
    assert_eq!(taper_weeks(42_195.0), 3);
    assert_eq!(taper_weeks(100_000.0), 3);

    let mut request = half_marathon();
    request.goal_distance_m = 42_195.0;
    request.start_date = day(2026, 6, 1);
    let plan = generate(&request, &PlanSettings::default()).expect("two weeks is enough");
    let kinds: Vec<PhaseKind> = plan.phases.iter().map(|p| p.kind).collect();
    assert_eq!(kinds, [PhaseKind::Build, PhaseKind::Taper]);

    request.start_date = day(2026, 3, 1);
    let plan = generate(&request, &PlanSettings::default()).expect("valid");
    let taper: Vec<&PlanWeek> = plan
        .weeks
        .iter()
        .filter(|w| w.phase == PhaseKind::Taper)
        .collect();
    assert_eq!(taper.len(), 3);
    // Taper volume falls each week: 1 − 0.5·j/3 of the last pre-taper week.
    assert!(
        taper
            .windows(2)
            .all(|w| w[1].target_minutes < w[0].target_minutes)
    );
}

#[test]
fn volume_starts_from_chronic_load_rises_ten_percent_and_deloads() {
    // Chronic 100 AU/day → 700 AU a week ÷ RPE 4 = 175 min. Then ×1.1 (rounded down):
    // 192, 211; week 4 deloads to 0.7 × 211 = 147; week 5 resumes from 211: 232.
    let mut request = half_marathon();
    request.current_chronic_load = 100.0;
    let plan = generate(&request, &PlanSettings::default()).expect("valid");
    let targets: Vec<f64> = plan
        .weeks
        .iter()
        .take(5)
        .map(|w| w.target_minutes)
        .collect();
    assert_eq!(targets, [175.0, 192.0, 211.0, 147.0, 232.0]);
    let deloads: Vec<bool> = plan.weeks.iter().take(8).map(|w| w.deload).collect();
    assert_eq!(
        deloads,
        [false, false, false, true, false, false, false, true]
    );

    // A beginner starts at the floor of 90 minutes.
    let mut beginner = half_marathon();
    beginner.current_chronic_load = 0.0;
    let plan = generate(&beginner, &PlanSettings::default()).expect("valid");
    assert_eq!(plan.weeks[0].target_minutes, 90.0);
}

#[test]
fn the_long_run_takes_its_day_or_the_nearest_available_one() {
    let plan = generated();
    assert_eq!(on(&plan, day(2026, 3, 15)).kind, WorkoutKind::LongRun);
    // Sunday 12 April is unavailable: the long run moves to Saturday.
    assert_eq!(on(&plan, day(2026, 4, 12)).kind, WorkoutKind::Rest);
    assert_eq!(on(&plan, day(2026, 4, 11)).kind, WorkoutKind::LongRun);
    let long = on(&plan, day(2026, 3, 15));
    // 55 min at 6:00/km ≈ 9.17 km, rounded to 100 m.
    assert_eq!(long.target_duration_s, Some(55 * 60));
    assert_eq!(long.target_distance_m, Some(9_200.0));
    assert_eq!(long.intensity_zone, Some(2));
    assert_eq!(
        long.description,
        "Long run: 55 min easy, zone 2 — conversational pace (about 9.2 km)."
    );
}

#[test]
fn hard_sessions_stay_off_the_days_around_the_long_run_and_each_other() {
    let plan = generated();
    let kind_on = |d: NaiveDate| plan.workouts.iter().find(|w| w.date == d).map(|w| w.kind);
    let quality: Vec<&PlannedWorkout> = plan
        .workouts
        .iter()
        .filter(|w| w.kind.is_quality())
        .collect();
    assert!(quality.len() > 10);
    for w in quality {
        for neighbour in [w.date.pred_opt(), w.date.succ_opt()].into_iter().flatten() {
            let kind = kind_on(neighbour);
            assert_ne!(
                kind,
                Some(WorkoutKind::LongRun),
                "{} beside the long run",
                w.date
            );
            assert!(
                !kind.is_some_and(WorkoutKind::is_quality),
                "{} beside a hard day",
                w.date
            );
        }
        let phase = plan
            .weeks
            .iter()
            .find(|k| (k.start..=k.end).contains(&w.date));
        assert_ne!(phase.map(|p| p.phase), Some(PhaseKind::Base));
    }
    // A build week: tempo Tuesday, intervals Thursday, zone 4 for build intervals.
    assert_eq!(on(&plan, day(2026, 4, 28)).kind, WorkoutKind::Tempo);
    let intervals = on(&plan, day(2026, 4, 30));
    assert_eq!(intervals.kind, WorkoutKind::Intervals);
    assert_eq!(intervals.intensity_zone, Some(4));
    assert!(
        intervals
            .description
            .starts_with("Intervals: 30 min — 10 min warm-up, 2 × 5 min hard")
    );
}

#[test]
fn strength_goes_on_a_spare_day_in_base_and_build_only() {
    let plan = generated();
    for w in plan
        .workouts
        .iter()
        .filter(|w| w.kind == WorkoutKind::Strength)
    {
        let week = plan
            .weeks
            .iter()
            .find(|k| (k.start..=k.end).contains(&w.date))
            .expect("week");
        assert!(
            matches!(week.phase, PhaseKind::Base | PhaseKind::Build),
            "{}",
            w.date
        );
    }
    assert_eq!(on(&plan, day(2026, 3, 16)).kind, WorkoutKind::Strength);
}

#[test]
fn invalid_requests_name_their_fields() {
    let fields = |request: &PlanRequest| -> Vec<String> {
        request
            .validate()
            .err()
            .map(|e| e.errors.into_iter().map(|e| e.field).collect())
            .unwrap_or_default()
    };
    assert!(fields(&half_marathon()).is_empty());
    let mut r = half_marathon();
    r.goal_race_date = r.start_date;
    assert_eq!(fields(&r), ["goalRaceDate"]);
    r.goal_race_date = r.start_date + Days::new(12);
    assert_eq!(fields(&r), ["goalRaceDate"]);
    let mut r = half_marathon();
    r.availability.days_per_week = 2;
    r.goal_distance_m = 0.0;
    r.reference_easy_pace_s_per_km = Some(f64::NAN);
    assert_eq!(
        fields(&r),
        [
            "goalDistanceMeters",
            "availability.daysPerWeek",
            "referenceEasyPaceSecondsPerKm"
        ]
    );
    let mut r = half_marathon();
    r.availability.unavailable_weekdays = vec![Weekday::Mon, Weekday::Tue, Weekday::Sun];
    assert_eq!(
        fields(&r),
        [
            "availability.unavailableWeekdays",
            "availability.longRunDay",
            "goalRaceDate"
        ]
    );
    let bad = PlanSettings {
        deload_every_weeks: 5,
        max_weekly_increase: 0.9,
        ..PlanSettings::default()
    };
    let err = generate(&half_marathon(), &bad).expect_err("bad settings");
    let names: Vec<&str> = err.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(names, ["maxWeeklyIncrease", "deloadEveryWeeks"]);
}

#[test]
fn regenerating_with_nothing_changed_reproduces_the_plan() {
    let plan = generated();
    let request = half_marathon();
    for week in &plan.weeks {
        let again = regenerate(
            &plan,
            &request,
            &PlanSettings::default(),
            week.start,
            &[],
            None,
        )
        .expect("valid");
        assert_eq!(again, plan, "from {}", week.start);
    }
}

#[test]
fn a_volume_reduction_lowers_what_is_ahead_and_keeps_what_is_done() {
    let plan = generated();
    let from = day(2026, 4, 29);
    let completed = [day(2026, 4, 29)];
    let reduce = Adjustment::ReduceVolume {
        factor: 0.8,
        reason: "ACWR 1.62 on 28 April".into(),
    };
    let settings = PlanSettings::default();
    let reduced = regenerate(
        &plan,
        &half_marathon(),
        &settings,
        from,
        &completed,
        Some(&reduce),
    )
    .expect("valid");
    for w in plan
        .workouts
        .iter()
        .filter(|w| w.date < from || completed.contains(&w.date))
    {
        assert_eq!(on(&reduced, w.date), w);
    }
    // Week 8 (27 April) holds `from`: 0.8 × min(peak, 141 × 1.1) → floor(0.8 × 141 × 1.1) = 124.
    let week = &reduced.weeks[8];
    assert_eq!(week.start, day(2026, 4, 27));
    assert_eq!(week.target_minutes, (141.0_f64 * 0.8 * 1.1).floor());
    assert!(week.target_minutes < plan.weeks[8].target_minutes);
    assert_eq!(reduced.weeks[..8], plan.weeks[..8]);
    let long = on(&reduced, day(2026, 5, 3));
    assert!(long.target_duration_s < on(&plan, day(2026, 5, 3)).target_duration_s);
    assert!(
        long.description
            .contains("Volume reduced to 80 % of plan: ACWR 1.62"),
        "{}",
        long.description
    );
    assert!(
        !on(&reduced, day(2026, 5, 10))
            .description
            .contains("reduced")
    );
}

#[test]
fn a_missed_long_run_gets_a_shortened_make_up_before_the_week_s_hard_sessions() {
    let plan = generated();
    let missed = day(2026, 5, 3);
    assert_eq!(on(&plan, missed).kind, WorkoutKind::LongRun);
    let adjustment = Adjustment::MissedLongRun { date: missed };
    let from = day(2026, 5, 4);
    let settings = PlanSettings::default();
    let again = regenerate(
        &plan,
        &half_marathon(),
        &settings,
        from,
        &[],
        Some(&adjustment),
    )
    .expect("valid");
    // The missed run stays as it was (the store marks it missed).
    assert_eq!(on(&again, missed), on(&plan, missed));
    // Monday: the make-up, 0.75 × 55 min ≈ 40 min.
    let makeup = on(&again, from);
    assert_eq!(makeup.kind, WorkoutKind::LongRun);
    assert_eq!(makeup.target_duration_s, Some(40 * 60));
    assert!(
        makeup.description.starts_with("Make-up long run: 40 min"),
        "{}",
        makeup.description
    );
    // The week's hard sessions come after it, never beside a long run; Sunday's long run stays.
    let week: Vec<&PlannedWorkout> = again
        .workouts
        .iter()
        .filter(|w| (day(2026, 5, 4)..=day(2026, 5, 10)).contains(&w.date))
        .collect();
    for w in week.iter().filter(|w| w.kind.is_quality()) {
        assert!(
            w.date > day(2026, 5, 5) && w.date < day(2026, 5, 9),
            "{}",
            w.date
        );
    }
    assert_eq!(on(&again, day(2026, 5, 10)).kind, WorkoutKind::LongRun);

    // No room after the make-up (Monday to Wednesday now unavailable): the hard sessions
    // become easy runs.
    let mut busy = half_marathon();
    busy.availability
        .unavailable_dates
        .extend([day(2026, 5, 4), day(2026, 5, 5), day(2026, 5, 6)]);
    let again = regenerate(&plan, &busy, &settings, from, &[], Some(&adjustment)).expect("valid");
    assert_eq!(on(&again, day(2026, 5, 7)).kind, WorkoutKind::LongRun);
    assert!(
        on(&again, day(2026, 5, 7))
            .description
            .starts_with("Make-up")
    );
    assert!(
        again
            .workouts
            .iter()
            .filter(|w| (day(2026, 5, 4)..=day(2026, 5, 10)).contains(&w.date))
            .all(|w| !w.kind.is_quality())
    );
    assert_eq!(on(&again, day(2026, 5, 9)).kind, WorkoutKind::Easy);
}

#[test]
fn a_midweek_missed_long_run_is_made_up_once_in_its_own_week() {
    let mut request = half_marathon();
    request.availability.long_run_day = Weekday::Wed;
    let settings = PlanSettings::default();
    let plan = generate(&request, &settings).expect("valid");
    let missed = day(2026, 4, 29);
    assert_eq!(on(&plan, missed).kind, WorkoutKind::LongRun);
    let adjustment = Adjustment::MissedLongRun { date: missed };
    let from = day(2026, 4, 30);
    let again =
        regenerate(&plan, &request, &settings, from, &[], Some(&adjustment)).expect("valid");
    let week: Vec<&PlannedWorkout> = again
        .workouts
        .iter()
        .filter(|w| (from..=day(2026, 5, 3)).contains(&w.date))
        .collect();
    let long_runs: Vec<NaiveDate> = week
        .iter()
        .filter(|w| w.kind == WorkoutKind::LongRun)
        .map(|w| w.date)
        .collect();
    assert_eq!(long_runs, [from], "one make-up, no second regular long run");
    assert!(on(&again, from).description.starts_with("Make-up long run"));
    let minutes = on(&plan, missed).target_duration_s.expect("duration") / 60;
    let expected = ((f64::from(minutes) * 0.75 / 5.0).round() * 5.0) as i32;
    assert_eq!(on(&again, from).target_duration_s, Some(expected * 60));
    // Friday is off and beside the make-up anyway; hard sessions may only use the weekend.
    for w in week.iter().filter(|w| w.kind.is_quality()) {
        assert!(w.date >= day(2026, 5, 2), "{}", w.date);
    }
    assert_eq!(on(&again, day(2026, 5, 6)).kind, WorkoutKind::LongRun);
}

#[test]
fn plans_round_trip_through_json() {
    let plan = generated();
    let text = serde_json::to_string(&plan).expect("serializes");
    assert_eq!(serde_json::from_str::<Plan>(&text).expect("parses"), plan);
    assert!(text.contains("\"kind\":\"long_run\""));
    let request = serde_json::to_string(&half_marathon()).expect("serializes");
    assert_eq!(
        serde_json::from_str::<PlanRequest>(&request).expect("parses"),
        half_marathon()
    );
    let adjustment: Adjustment =
        serde_json::from_str(r#"{"kind":"missed_long_run","date":"2026-05-03"}"#).expect("parses");
    assert_eq!(
        adjustment,
        Adjustment::MissedLongRun {
            date: day(2026, 5, 3)
        }
    );
}

// ---- properties ----

fn weekday(n: u32) -> Weekday {
    Weekday::try_from(u8::try_from(n % 7).unwrap_or(0)).unwrap_or(Weekday::Mon)
}

prop_compose! {
    fn request_strategy()(
        start_offset in 0u64..400,
        span in 13u64..260,
        distance in prop_oneof![Just(5_000.0), Just(10_000.0), Just(21_097.5), Just(42_195.0), 3_000.0..100_000.0_f64],
        days_per_week in 3u32..=7,
        long_run_day in 0u32..7,
        off_weekday_seeds in proptest::collection::vec(0u32..7, 0..3),
        off_date_seeds in proptest::collection::vec(0u64..260, 0..25),
        chronic in 0.0..300.0_f64,
        pace in proptest::option::of(240.0..480.0_f64),
    ) -> PlanRequest {
        let start_date = day(2025, 1, 1) + Days::new(start_offset);
        let goal_race_date = start_date + Days::new(span);
        let long_run_day = weekday(long_run_day);
        let mut unavailable_weekdays: Vec<Weekday> = Vec::new();
        for seed in off_weekday_seeds {
            let candidate = weekday(seed);
            if candidate != long_run_day
                && candidate != goal_race_date.weekday()
                && !unavailable_weekdays.contains(&candidate)
                && 7 - unavailable_weekdays.len() as u32 > days_per_week
            {
                unavailable_weekdays.push(candidate);
            }
        }
        let unavailable_dates = off_date_seeds
            .into_iter()
            .map(|d| start_date + Days::new(d % span))
            .collect();
        PlanRequest {
            goal_race_name: None,
            goal_race_date,
            goal_distance_m: distance,
            start_date,
            availability: Availability { days_per_week, long_run_day, unavailable_dates, unavailable_weekdays },
            current_chronic_load: chronic,
            reference_easy_pace_s_per_km: pace,
        }
    }
}

prop_compose! {
    fn settings_strategy()(
        increase in 0.05..0.2_f64,
        deload_every in 3u32..=4,
        deload_factor in 0.5..0.9_f64,
        scale in 0.5..2.0_f64,
    ) -> PlanSettings {
        PlanSettings {
            max_weekly_increase: increase,
            deload_every_weeks: deload_every,
            deload_factor,
            volume_scale: scale,
            ..PlanSettings::default()
        }
    }
}

/// Checks what every plan promises; `regenerated_from` limits availability checks to the
/// days that were planned again.
fn check_invariants(
    plan: &Plan,
    request: &PlanRequest,
    settings: &PlanSettings,
    regenerated_from: NaiveDate,
    kept: &BTreeSet<NaiveDate>,
) -> Result<(), TestCaseError> {
    // One entry per day, start to race.
    let dates: Vec<NaiveDate> = plan.workouts.iter().map(|w| w.date).collect();
    let expected: Vec<NaiveDate> = request
        .start_date
        .iter_days()
        .take_while(|d| *d <= request.goal_race_date)
        .collect();
    prop_assert_eq!(&dates, &expected);
    // Nothing but rest on an unavailable day.
    for w in &plan.workouts {
        if w.date >= regenerated_from
            && !kept.contains(&w.date)
            && !request.availability.is_available(w.date)
        {
            prop_assert_eq!(w.kind, WorkoutKind::Rest, "{} is unavailable", w.date);
        }
        prop_assert!(w.intensity_zone.is_none_or(|z| (1..=5).contains(&z)));
        prop_assert!(w.target_duration_s.is_none_or(|s| s > 0));
    }
    // The weekly increase cap, the week after a deload capped against the last non-deload week.
    let mut last_non_deload: Option<f64> = None;
    for week in &plan.weeks {
        if !week.deload {
            if let Some(last) = last_non_deload {
                prop_assert!(
                    week.target_minutes <= last * (1.0 + settings.max_weekly_increase) + 1e-9,
                    "week {} rises from {} to {}",
                    week.index,
                    last,
                    week.target_minutes
                );
            }
            last_non_deload = Some(week.target_minutes);
        }
    }
    // Weeks tile the plan; a taper ends on race day with the race.
    prop_assert_eq!(
        plan.weeks.first().map(|w| w.start),
        Some(request.start_date)
    );
    for pair in plan.weeks.windows(2) {
        prop_assert_eq!(pair[0].end.succ_opt(), Some(pair[1].start));
        prop_assert!(pair[0].phase <= pair[1].phase);
    }
    let taper = plan.phases.last().expect("phases");
    prop_assert_eq!(taper.kind, PhaseKind::Taper);
    prop_assert_eq!(taper.end, request.goal_race_date);
    prop_assert_eq!(plan.weeks.last().map(|w| w.phase), Some(PhaseKind::Taper));
    if !kept.contains(&request.goal_race_date) && request.goal_race_date >= regenerated_from {
        prop_assert_eq!(
            dates
                .last()
                .map(|_| plan.workouts[plan.workouts.len() - 1].kind),
            Some(WorkoutKind::Race)
        );
    }
    // Full weeks never plan more run days than the athlete has.
    for week in plan.weeks.iter().filter(|w| w.start >= regenerated_from) {
        let runs = plan
            .workouts
            .iter()
            .filter(|w| (week.start..=week.end).contains(&w.date) && w.kind.is_run())
            .count();
        prop_assert!(
            runs <= request.availability.days_per_week as usize,
            "week {}: {runs} runs",
            week.index
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn generated_plans_keep_every_promise(request in request_strategy(), settings in settings_strategy()) {
        let plan = generate(&request, &settings).expect("valid request");
        prop_assert_eq!(&generate(&request, &settings).expect("valid"), &plan);
        check_invariants(&plan, &request, &settings, request.start_date, &BTreeSet::new())?;
        // The long run sits on its day whenever that day is available, outside race week.
        for week in plan.weeks.iter().filter(|w| w.phase != PhaseKind::Taper || w.end < request.goal_race_date) {
            let preferred = date_in_week(week.end, request.availability.long_run_day);
            if preferred >= week.start && request.availability.is_available(preferred) && week.end != request.goal_race_date {
                prop_assert_eq!(on(&plan, preferred).kind, WorkoutKind::LongRun, "{}", preferred);
            }
        }
    }

    #[test]
    fn regeneration_keeps_the_past_and_every_promise(
        request in request_strategy(),
        settings in settings_strategy(),
        from_offset in 0u64..300,
        keep_offsets in proptest::collection::vec(0u64..300, 0..4),
        new_off_dates in proptest::collection::vec(0u64..300, 0..10),
        adjustment_choice in 0u8..3,
        factor in 0.3..1.0_f64,
        chronic in 0.0..300.0_f64,
    ) {
        let plan = generate(&request, &settings).expect("valid request");
        let span = (request.goal_race_date - request.start_date).num_days() as u64 + 1;
        let from = request.start_date + Days::new(from_offset % (span + 3));
        let keep: Vec<NaiveDate> = keep_offsets.iter().map(|d| request.start_date + Days::new(d % span)).collect();
        let mut changed = request.clone();
        changed.current_chronic_load = chronic;
        changed.availability.unavailable_dates.extend(
            new_off_dates.iter().map(|d| from + Days::new(*d % span)).filter(|d| *d != request.goal_race_date),
        );
        let missed_long_run = plan.workouts.iter().rev().find(|w| w.date < from && w.kind == WorkoutKind::LongRun).map(|w| w.date);
        let adjustment = match (adjustment_choice, missed_long_run) {
            (1, _) => Some(Adjustment::ReduceVolume { factor, reason: "risk alert".into() }),
            (2, Some(date)) => Some(Adjustment::MissedLongRun { date }),
            _ => None,
        };
        let again = regenerate(&plan, &changed, &settings, from, &keep, adjustment.as_ref()).expect("valid");
        prop_assert_eq!(
            &regenerate(&plan, &changed, &settings, from, &keep, adjustment.as_ref()).expect("valid"),
            &again
        );
        let kept: BTreeSet<NaiveDate> = keep.iter().copied().collect();
        for w in plan.workouts.iter().filter(|w| w.date < from || kept.contains(&w.date)) {
            prop_assert_eq!(on(&again, w.date), w);
        }
        for (before, after) in plan.weeks.iter().zip(&again.weeks).filter(|(w, _)| w.end < from) {
            prop_assert_eq!(before, after);
        }
        check_invariants(&again, &changed, &settings, from, &kept)?;
    }
}
