//! Tests of [`super`].

use super::*;
use proptest::prelude::*;

const TOLERANCE: f64 = 1e-9;

fn day0() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 5).expect("valid date")
}

fn date(offset: u64) -> NaiveDate {
    day0() + Days::new(offset)
}

fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() <= TOLERANCE * expected.abs().max(1.0)
}

fn full(loads: &[f64], settings: &StatsSettings) -> Vec<DayStats> {
    compute_days(&StatsSeed::start(), day0(), loads, settings)
}

#[test]
fn each_convention_gives_its_published_lambda() {
    let williams = StatsSettings::default();
    assert_eq!(williams.acute_lambda(), 0.25);
    assert!(close(williams.chronic_lambda(), 2.0 / 29.0));
    assert!(close(williams.chronic_lambda(), 0.068_965_517_241_379_3));

    assert_eq!(EwmaConvention::Coggan.lambda(7), 1.0 / 7.0);
    assert_eq!(EwmaConvention::Coggan.lambda(28), 1.0 / 28.0);
    // GoldenCheetah: 1 − e^(−1/7) ≈ 0.133122, 1 − e^(−1/28) ≈ 0.035084.
    assert!((EwmaConvention::GoldenCheetah.lambda(7) - 0.133_122).abs() < 1e-6);
    assert!((EwmaConvention::GoldenCheetah.lambda(28) - 0.035_084).abs() < 1e-6);
    assert_eq!("golden_cheetah".parse(), Ok(EwmaConvention::GoldenCheetah));
}

#[test]
fn williams_ewma_of_a_first_load_follows_the_recursion() {
    // Day 1: 400 AU from 0 → acute 0.25 × 400 = 100, chronic 400 × 2/29 ≈ 27.586.
    // Day 2: rest → acute 0.75 × 100 = 75, chronic 27.586 × 27/29 ≈ 25.684.
    let days = full(&[400.0, 0.0], &StatsSettings::default());
    assert_eq!(days[0].acute, 100.0);
    assert!(close(days[0].chronic, 800.0 / 29.0));
    assert!(close(
        days[0].acwr.expect("chronic > 0"),
        100.0 / (800.0 / 29.0)
    ));
    assert!(close(days[0].tsb, 800.0 / 29.0 - 100.0));
    assert_eq!(days[1].acute, 75.0);
    assert!(close(days[1].chronic, 800.0 / 29.0 * 27.0 / 29.0));
    assert_eq!((days[0].history_days, days[1].history_days), (1, 2));
    assert!(days[1].warming_up);
}

#[test]
fn a_constant_load_converges_to_acwr_one() {
    // Closed form from 0: ewma_n = L × (1 − (1 − λ)^n), so ACWR → 1 as both terms vanish.
    let days = full(&[350.0; 400], &StatsSettings::default());
    let last = days.last().expect("400 days");
    assert!(close(last.acute, 350.0 * (1.0 - 0.75_f64.powi(400))));
    let chronic = 350.0 * (1.0 - (27.0_f64 / 29.0).powi(400));
    assert!((last.chronic - chronic).abs() < 1e-6);
    assert!((last.acwr.expect("chronic > 0") - 1.0).abs() < 1e-9);
    assert!(!last.warming_up);
    // A perfectly even week: SD 0 with a positive mean reports the cap.
    assert_eq!(last.monotony, Some(10.0));
    assert!(last.monotony_capped);
    assert!(close(last.weekly_load, 2_450.0));
    assert!(close(last.strain.expect("monotony known"), 24_500.0));
}

#[test]
fn foster_monotony_and_strain_for_a_concrete_week() {
    // Week: 300, 500, 200, 600, 0, 800, 300 → sum 2700, mean 2700/7 ≈ 385.71.
    // Σx² = 1,470,000; Σ(x − mean)² = 1,470,000 − 2700²/7 = 3,000,000/7 ≈ 428,571.43.
    // Sample SD = √(428,571.43 / 6) ≈ 267.26 → monotony ≈ 1.4432, strain ≈ 3896.7.
    // Population SD = √(428,571.43 / 7) ≈ 247.44 → monotony ≈ 1.5588, strain ≈ 4208.9.
    let week = [300.0, 500.0, 200.0, 600.0, 0.0, 800.0, 300.0];
    let sum_of_squares = 3_000_000.0 / 7.0;
    let mean = 2_700.0 / 7.0;

    let sample = full(&week, &StatsSettings::default());
    let last = sample.last().expect("seven days");
    let expected = mean / (sum_of_squares / 6.0_f64).sqrt();
    assert!(close(last.weekly_load, 2_700.0));
    assert!(close(last.monotony.expect("sd > 0"), expected));
    assert!((last.monotony.expect("sd > 0") - 1.4432).abs() < 1e-4);
    assert!((last.strain.expect("monotony") - 3_896.7).abs() < 0.1);
    assert!(!last.monotony_capped);

    let population = StatsSettings {
        sd_convention: SdConvention::Population,
        ..StatsSettings::default()
    };
    let last = full(&week, &population).pop().expect("seven days");
    let expected = mean / (sum_of_squares / 7.0_f64).sqrt();
    assert!(close(last.monotony.expect("sd > 0"), expected));
    assert!((last.monotony.expect("sd > 0") - 1.5588).abs() < 1e-4);
    assert!((last.strain.expect("monotony") - 4_208.9).abs() < 0.1);
}

#[test]
fn days_before_history_count_as_rest_in_the_monotony_window() {
    // Day 1 of history: window 0,0,0,0,0,0,700 → mean 100, sample SD √(6×100² + 600²)/6.
    let first = full(&[700.0], &StatsSettings::default()).remove(0);
    let sd = ((6.0 * 100.0_f64.powi(2) + 600.0_f64.powi(2)) / 6.0).sqrt();
    assert!(close(first.monotony.expect("sd > 0"), 100.0 / sd));
    assert!(close(first.weekly_load, 700.0));
    // Nothing at all: no monotony, no strain.
    let rest = full(&[0.0], &StatsSettings::default()).remove(0);
    assert_eq!((rest.monotony, rest.strain, rest.acwr), (None, None, None));
}

fn spike_scenario() -> (Vec<f64>, Vec<ActivityLoadRef>) {
    // Six weeks at 300 AU a day, then one week at 900 AU a day.
    let loads: Vec<f64> = (0..49)
        .map(|d| if d < 42 { 300.0 } else { 900.0 })
        .collect();
    let activities = loads
        .iter()
        .enumerate()
        .map(|(d, load)| ActivityLoadRef {
            id: Uuid::from_u128(d as u128 + 1),
            date: date(d as u64),
            load: *load,
        })
        .collect();
    (loads, activities)
}

#[test]
fn a_one_week_spike_raises_acwr_above_one_and_a_half_with_receipts() {
    let settings = StatsSettings::default();
    let (loads, activities) = spike_scenario();
    let days = full(&loads, &settings);

    // By hand: after 42 days at 300, acute = 300(1 − 0.75^42), chronic = 300(1 − (27/29)^42);
    // then 7 days at 900: ewma = 900 − (900 − ewma_42)(1 − λ)^7.
    let k = 27.0_f64 / 29.0;
    let acute_42 = 300.0 * (1.0 - 0.75_f64.powi(42));
    let chronic_42 = 300.0 * (1.0 - k.powi(42));
    let acute_49 = 900.0 - (900.0 - acute_42) * 0.75_f64.powi(7);
    let chronic_49 = 900.0 - (900.0 - chronic_42) * k.powi(7);
    let last = days.last().expect("49 days");
    assert!(close(last.acute, acute_49), "{} vs {acute_49}", last.acute);
    assert!(
        close(last.chronic, chronic_49),
        "{} vs {chronic_49}",
        last.chronic
    );
    let acwr = last.acwr.expect("chronic > 0");
    assert!(close(acwr, acute_49 / chronic_49));
    assert!(acwr > 1.5 && acwr < 1.6, "≈ 1.56, got {acwr}");

    let alerts = risk_alerts(&days, &settings, &activities);
    let acwr_alerts: Vec<&RiskAlert> = alerts
        .iter()
        .filter(|a| a.kind == AlertKind::AcwrHigh)
        .collect();
    let last_alert = acwr_alerts.last().expect("the spike raises an alert");
    assert_eq!(last_alert.date, date(48));
    assert_eq!(last_alert.threshold, 1.5);
    assert_eq!(last_alert.value, acwr);
    // Nothing before the spike, and not while warming up.
    assert!(acwr_alerts.iter().all(|a| a.date >= date(42)));

    // The receipts recompute the alert by hand.
    let receipts = &last_alert.receipts;
    assert_eq!(receipts.window.len(), 28);
    assert_eq!(receipts.window[0].date, date(21));
    let start = receipts.ewma_start.expect("day 20 was passed in");
    assert_eq!(start.date, date(20));
    let (mut acute, mut chronic) = (start.acute, start.chronic);
    for day in &receipts.window {
        acute = receipts.acute_lambda * day.load + (1.0 - receipts.acute_lambda) * acute;
        chronic = receipts.chronic_lambda * day.load + (1.0 - receipts.chronic_lambda) * chronic;
    }
    assert_eq!((acute, chronic), (receipts.acute, receipts.chronic));
    assert_eq!(receipts.activities.len(), 28);
    assert_eq!(receipts.activities[0].id, Uuid::from_u128(22));
    assert!(
        receipts.explanation.contains("ACWR 1.5"),
        "{}",
        receipts.explanation
    );
}

#[test]
fn acwr_alerts_are_suppressed_while_warming_up() {
    // A brand-new athlete: the first big day gives ACWR 0.25 / (2/29) ≈ 3.6.
    let settings = StatsSettings::default();
    let days = full(&[500.0, 500.0, 500.0], &settings);
    assert!(days[0].acwr.expect("chronic > 0") > 3.0);
    assert!(days.iter().all(|d| d.warming_up));
    assert!(
        risk_alerts(&days, &settings, &[])
            .iter()
            .all(|a| a.kind != AlertKind::AcwrHigh)
    );
}

#[test]
fn a_monotonous_week_raises_a_monotony_alert_with_receipts() {
    let settings = StatsSettings::default();
    // Four weeks of varied training, then a week of near-identical days.
    let mut loads: Vec<f64> = (0..28).map(|d| [0.0, 600.0, 200.0, 500.0][d % 4]).collect();
    loads.extend([400.0, 420.0, 400.0, 380.0, 400.0, 410.0, 390.0]);
    let days = full(&loads, &settings);
    let alerts = risk_alerts(&days, &settings, &[]);
    let alert = alerts
        .iter()
        .find(|a| a.kind == AlertKind::MonotonyHigh && a.date == date(34))
        .expect("monotony alert on the last day");
    let r = &alert.receipts;
    let window: Vec<f64> = r.window.iter().map(|w| w.load).collect();
    assert_eq!(window, [400.0, 420.0, 400.0, 380.0, 400.0, 410.0, 390.0]);
    // mean 400, sample SD √(0+400+0+400+0+100+100)/6 = √(1000/6) ≈ 12.91 → monotony ≈ 30.98,
    // above the cap of 10.
    assert!(close(r.mean_load.expect("mean"), 400.0));
    assert!(close(r.sd_load.expect("sd"), (1_000.0_f64 / 6.0).sqrt()));
    assert_eq!(alert.value, 10.0);
    assert!(r.monotony_capped);
    assert!(close(r.weekly_load, 2_800.0));
}

#[test]
fn daily_loads_sum_per_day_with_rest_days_as_zero() {
    let activities = [
        (date(0), 200.0),
        (date(2), 150.0),
        (date(0), 100.0),
        (date(9), 999.0),
        (date(1), -5.0),
    ];
    assert_eq!(
        daily_loads(&activities, date(0), date(3)),
        vec![300.0, 0.0, 150.0, 0.0]
    );
    assert!(daily_loads(&activities, date(3), date(2)).is_empty());
    assert_eq!(affected_from(&[date(4), date(2), date(7)]), Some(date(2)));
    assert_eq!(affected_from(&[]), None);
}

#[test]
fn settings_validation_names_the_fields() {
    assert!(StatsSettings::default().validate().is_ok());
    let nonsense = StatsSettings {
        acute_days: 0,
        chronic_days: 7,
        monotony_days: 1,
        acwr_alert: f64::NAN,
        monotony_cap: 1.0,
        ..StatsSettings::default()
    };
    let err = nonsense.validate().expect_err("nonsense");
    let fields: Vec<&str> = err.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        ["acuteDays", "monotonyDays", "acwrAlert", "monotonyCap"]
    );
    let inverted = StatsSettings {
        acute_days: 28,
        chronic_days: 7,
        ..StatsSettings::default()
    };
    let err = inverted.validate().expect_err("chronic ≤ acute");
    assert_eq!(err.errors[0].field, "chronicDays");
    let partial: StatsSettings =
        serde_json::from_str(r#"{"convention":"coggan","acute_days":5}"#).expect("parses");
    assert_eq!(partial.convention, EwmaConvention::Coggan);
    assert_eq!((partial.acute_days, partial.chronic_days), (5, 28));
}

#[derive(Debug, Clone)]
enum Edit {
    Change { index: usize, load: f64 },
    Delete { index: usize },
    Insert { day: u64, load: f64 },
}

fn settings_strategy() -> impl Strategy<Value = StatsSettings> {
    (
        prop_oneof![
            Just(EwmaConvention::Williams),
            Just(EwmaConvention::Coggan),
            Just(EwmaConvention::GoldenCheetah)
        ],
        1u32..10,
        2u32..10,
        prop_oneof![Just(SdConvention::Sample), Just(SdConvention::Population)],
    )
        .prop_map(|(convention, acute, monotony, sd)| StatsSettings {
            convention,
            acute_days: acute,
            chronic_days: acute * 4,
            monotony_days: monotony,
            sd_convention: sd,
            ..StatsSettings::default()
        })
}

fn load_strategy() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        0.0..1_500.0,
        (1i32..=10, 1i32..240).prop_map(|(r, m)| f64::from(r * m))
    ]
}

proptest! {
    #[test]
    fn incremental_recomputation_equals_full_recomputation(
        settings in settings_strategy(),
        span in 1u64..120,
        activities in proptest::collection::vec((0u64..120, load_strategy()), 0..60),
        edit in prop_oneof![
            (any::<usize>(), load_strategy()).prop_map(|(index, load)| Edit::Change { index, load }),
            any::<usize>().prop_map(|index| Edit::Delete { index }),
            (0u64..120, load_strategy()).prop_map(|(day, load)| Edit::Insert { day, load }),
        ],
    ) {
        let last = date(span - 1);
        let mut before: Vec<(NaiveDate, f64)> = activities
            .iter()
            .map(|&(d, load)| (date(d % span), load))
            .collect();
        let stored = full(&daily_loads(&before, day0(), last), &settings);

        let changed = match edit {
            Edit::Change { index, load } if !before.is_empty() => {
                let i = index % before.len();
                before[i].1 = load;
                before[i].0
            }
            Edit::Delete { index } if !before.is_empty() => before.remove(index % before.len()).0,
            Edit::Insert { day, load } => {
                before.push((date(day % span), load));
                date(day % span)
            }
            Edit::Change { load, .. } => {
                before.push((day0(), load));
                day0()
            }
            Edit::Delete { .. } => day0(),
        };
        let after = before;
        let from = affected_from(&[changed]).expect("one date");
        let split = usize::try_from((from - day0()).num_days()).expect("from ≥ day 0");

        let seed = StatsSeed::from_previous(&stored[..split], &settings);
        prop_assert_eq!(seed.next_date().unwrap_or(day0()), from);
        let mut incremental = stored[..split].to_vec();
        incremental.extend(compute_days(&seed, from, &daily_loads(&after, from, last), &settings));

        let recomputed = full(&daily_loads(&after, day0(), last), &settings);
        prop_assert_eq!(incremental.len(), recomputed.len());
        for (a, b) in incremental.iter().zip(&recomputed) {
            prop_assert_eq!(a, b);
            prop_assert_eq!(a.acute.to_bits(), b.acute.to_bits());
            prop_assert_eq!(a.chronic.to_bits(), b.chronic.to_bits());
            prop_assert_eq!(a.monotony.map(f64::to_bits), b.monotony.map(f64::to_bits));
            prop_assert_eq!(a.strain.map(f64::to_bits), b.strain.map(f64::to_bits));
        }

        // Seeding from only the days the seed needs gives the same answer.
        let needed = StatsSeed::days_needed(&settings).min(split);
        let short_seed = StatsSeed::from_previous(&stored[split - needed..split], &settings);
        prop_assert_eq!(&short_seed, &seed);
    }

    #[test]
    fn stats_are_never_negative_and_a_week_of_rest_lowers_acute_load(
        settings in settings_strategy(),
        loads in proptest::collection::vec(load_strategy(), 1..80),
        bump in 1.0..2_000.0_f64,
    ) {
        let mut loads = loads;
        loads.push(bump);
        let trained = full(&loads, &settings);
        let before_rest = trained.last().expect("at least one day").acute;
        prop_assert!(before_rest > 0.0);
        loads.extend([0.0; 7]);
        let rested = full(&loads, &settings);
        for day in &rested {
            prop_assert!(day.load >= 0.0 && day.acute >= 0.0 && day.chronic >= 0.0);
            prop_assert!(day.weekly_load >= 0.0);
            prop_assert!(day.acwr.is_none_or(|v| v >= 0.0));
            prop_assert!(day.strain.is_none_or(|v| v >= 0.0));
            prop_assert!(day.monotony.is_none_or(|v| v > 0.0 && v <= settings.monotony_cap));
        }
        let after_rest = rested.last().expect("rest days").acute;
        prop_assert!(after_rest < before_rest, "{after_rest} ≥ {before_rest}");
    }
}
