//! Tests of [`super`] and [`super::stats`].
//!
//! The golden values come from scipy: `python3 host/domain/src/insights/golden.py` (after
//! `pip install scipy`) prints every number hard-coded in the `golden` module below.

use super::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Within 1e-9 of the expected value, relatively.
fn assert_close(actual: f64, expected: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= 1e-9 * expected.abs(),
        "{what}: got {actual:e}, expected {expected:e}"
    );
}

mod golden {
    //! Against scipy 1.17 (see golden.py).

    use super::super::stats::*;
    use super::assert_close;

    const X1: [f64; 12] = [6.1, 7.4, 5.8, 8.0, 7.1, 6.6, 7.9, 6.9, 7.3, 5.5, 8.3, 6.4];
    const Y1: [f64; 12] = [4.0, 6.5, 4.4, 7.1, 5.9, 4.8, 6.2, 6.0, 5.5, 3.9, 7.4, 5.6];
    const X2: [f64; 10] = [20.0, 0.0, 45.0, 60.0, 10.0, 80.0, 35.0, 0.0, 55.0, 25.0];
    const Y2: [f64; 10] = [1.2, 0.4, -0.8, 0.9, 2.1, -1.5, 0.3, 1.1, -0.2, 0.6];

    #[test]
    fn student_t_cdf_matches_scipy() {
        let cases = [
            (-8.0, 5.0, 0.000_246_453_330_286_222_1),
            (2.5, 12.0, 0.986_042_300_214_337_4),
            (0.3, 1.0, 0.592_773_579_077_742_3),
            (-1.7, 2.5, 0.102_806_108_579_941_91),
            (4.0, 30.0, 0.999_809_077_181_958_1),
            (-0.05, 200.0, 0.480_086_143_436_633_25),
        ];
        for (t, df, expected) in cases {
            assert_close(student_t_cdf(t, df), expected, &format!("t.cdf({t}, {df})"));
        }
    }

    #[test]
    fn student_t_quantile_matches_scipy() {
        let cases = [
            (0.975, 1.0, 12.706_204_736_174_694),
            (0.975, 2.0, 4.302_652_729_749_462),
            (0.975, 5.0, 2.570_581_835_636_314_6),
            (0.975, 10.0, 2.228_138_851_986_274),
            (0.975, 30.0, 2.042_272_456_301_237_8),
            (0.975, 238.0, 1.969_981_529_529_944_5),
            (0.995, 7.0, 3.499_483_297_350_492_4),
            (0.05, 3.5, -2.222_433_493_649_601),
            (1e-8, 4.0, -131.594_736_940_623_56),
        ];
        for (p, df, expected) in cases {
            assert_close(
                student_t_quantile(p, df),
                expected,
                &format!("t.ppf({p}, {df})"),
            );
        }
    }

    #[test]
    fn normal_quantile_matches_scipy() {
        let cases = [
            (1e-10, -6.361_340_902_404_056),
            (0.001, -3.090_232_306_167_813),
            (0.025, -1.959_963_984_540_054_5),
            (0.3, -0.524_400_512_708_040_9),
            (0.8, 0.841_621_233_572_914_3),
            (0.975, 1.959_963_984_540_054),
            (0.9999, 3.719_016_485_455_709),
        ];
        for (p, expected) in cases {
            assert_close(normal_quantile(p), expected, &format!("norm.ppf({p})"));
        }
        assert_eq!(normal_quantile(0.5), 0.0);
    }

    #[test]
    fn pearson_p_value_and_fisher_interval_match_scipy() {
        /// x, y, r, p and r's 95% interval.
        type Case<'a> = (&'a [f64], &'a [f64], f64, f64, (f64, f64));
        let cases: [Case<'_>; 2] = [
            (
                &X1,
                &Y1,
                0.929_937_812_016_507_7,
                1.181_051_890_293_708_4e-5,
                (0.763_522_857_297_059_7, 0.980_534_964_541_006_9),
            ),
            (
                &X2,
                &Y2,
                -0.706_491_857_167_716_6,
                0.022_372_486_477_546_58,
                (-0.924_760_692_505_124_9, -0.138_453_055_446_44),
            ),
        ];
        for (xs, ys, r_expected, p_expected, (low_expected, high_expected)) in cases {
            let r = pearson(xs, ys).expect("varies");
            assert_close(r, r_expected, "r");
            assert_close(correlation_p_value(r, xs.len()), p_expected, "p");
            let (low, high) = fisher_interval(r, xs.len(), 0.95);
            assert_close(low, low_expected, "r low");
            assert_close(high, high_expected, "r high");
        }
    }

    #[test]
    fn least_squares_matches_linregress() {
        let line = least_squares(&X1, &Y1).expect("varies");
        assert_close(line.slope, 1.195_066_196_780_645_7, "slope 1");
        assert_close(line.intercept, -2.687_417_849_318_982, "intercept 1");
        assert_close(line.slope_se, 0.149_434_736_077_778_19, "stderr 1");
        let line = least_squares(&X2, &Y2).expect("varies");
        assert_close(line.slope, -0.027_311_827_956_989_25, "slope 2");
        assert_close(line.intercept, 1.311_290_322_580_645_2, "intercept 2");
        assert_close(line.slope_se, 0.009_672_991_391_826_327, "stderr 2");
    }

    #[test]
    fn quartiles_match_numpy() {
        for (xs, low, high) in [(&X1[..], 6.325, 7.525), (&X2[..], 12.5, 52.5)] {
            let mut sorted = xs.to_vec();
            sorted.sort_by(f64::total_cmp);
            assert_close(quantile_sorted(&sorted, 0.25).expect("values"), low, "p25");
            assert_close(quantile_sorted(&sorted, 0.75).expect("values"), high, "p75");
        }
    }

    #[test]
    fn benjamini_hochberg_matches_false_discovery_control() {
        let p = [
            0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216, 0.9, 0.04,
        ];
        let expected = [
            0.012,
            0.048,
            0.084,
            0.084,
            0.084,
            0.102_857_142_857_142_84,
            0.110_999_999_999_999_99,
            0.235_636_363_636_363_62,
            0.235_636_363_636_363_62,
            0.235_636_363_636_363_62,
            0.9,
            0.084,
        ];
        for (q, e) in benjamini_hochberg(&p).into_iter().zip(expected) {
            assert_close(q, e, "q");
        }
    }
}

mod distributions {
    use super::super::stats::*;

    #[test]
    fn the_t_quantile_inverts_the_cdf() {
        for df in [1.0, 2.0, 3.0, 7.5, 18.0, 60.0, 1_000.0] {
            for p in [1e-6, 0.01, 0.2, 0.5, 0.77, 0.99] {
                let t = student_t_quantile(p, df);
                let back = student_t_cdf(t, df);
                assert!(
                    (back - p).abs() <= 1e-12 * p.max(1e-3),
                    "df {df}, p {p}: t {t}, back {back}"
                );
            }
        }
    }

    #[test]
    fn edges_give_limits_not_panics() {
        assert_eq!(student_t_cdf(f64::INFINITY, 5.0), 1.0);
        assert_eq!(student_t_cdf(f64::NEG_INFINITY, 5.0), 0.0);
        assert!(student_t_cdf(f64::NAN, 5.0).is_nan());
        assert!(student_t_cdf(1.0, 0.0).is_nan());
        assert_eq!(student_t_quantile(1.0, 5.0), f64::INFINITY);
        assert!(student_t_quantile(1.5, 5.0).is_nan());
        assert_eq!(normal_quantile(0.0), f64::NEG_INFINITY);
        assert!(normal_quantile(f64::NAN).is_nan());
        assert_eq!(correlation_p_value(1.0, 30), 0.0);
        assert_eq!(correlation_p_value(0.0, 30), 1.0);
        assert_eq!(fisher_interval(1.0, 30, 0.95), (1.0, 1.0));
        assert_eq!(fisher_interval(0.5, 3, 0.95), (-1.0, 1.0));
        assert!(benjamini_hochberg(&[]).is_empty());
        assert_eq!(benjamini_hochberg(&[f64::NAN, 0.01]), vec![1.0, 0.02]);
        assert_eq!(quantile_sorted(&[], 0.5), None);
        assert_eq!(median(&[3.0, 1.0, 2.0, 10.0]), Some(2.5));
    }

    #[test]
    fn constant_or_short_columns_have_no_correlation() {
        assert_eq!(pearson(&[0.1, 0.1, 0.1, 0.1], &[1.0, 2.0, 3.0, 4.0]), None);
        assert_eq!(pearson(&[1.0, 2.0, 3.0], &[5.0, 5.0, 5.0]), None);
        assert_eq!(pearson(&[1.0, 2.0], &[1.0, 2.0]), None);
        assert_eq!(pearson(&[1.0, 2.0, 3.0], &[1.0, 2.0]), None);
        assert_eq!(least_squares(&[2.0; 5], &[1.0, 2.0, 3.0, 4.0, 5.0]), None);
        let perfect = pearson(&[1.0, 2.0, 3.0, 4.0], &[2.0, 4.0, 6.0, 8.0]).expect("varies");
        assert!((perfect - 1.0).abs() < 1e-15);
    }

    #[test]
    fn q_values_are_monotone_in_p() {
        let p = [0.3, 0.001, 0.04, 0.02, 0.9, 0.04, 0.5];
        let q = benjamini_hochberg(&p);
        for i in 0..p.len() {
            assert!(q[i] >= p[i]);
            for j in 0..p.len() {
                if p[i] <= p[j] {
                    assert!(q[i] <= q[j]);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Synthetic athletes

fn day0() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 5).expect("valid date")
}

fn date(offset: u64) -> NaiveDate {
    day0() + Days::new(offset)
}

/// One draw from N(mean, sd), by Box–Muller.
fn normal(rng: &mut StdRng, mean: f64, sd: f64) -> f64 {
    let u1: f64 = 1.0 - rng.r#gen::<f64>();
    let u2: f64 = rng.r#gen::<f64>();
    mean + sd * (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// Effects planted in a synthetic athlete.
#[derive(Debug, Clone, Copy)]
struct Planted {
    /// Readiness points per hour of sleep.
    sleep_readiness: f64,
    /// EF % per g of carbohydrate before the session.
    carbs_ef: f64,
}

const NULL: Planted = Planted {
    sleep_readiness: 0.0,
    carbs_ef: 0.0,
};

const PLANTED: Planted = Planted {
    sleep_readiness: 0.8,
    carbs_ef: 0.05,
};

/// Number of days a synthetic athlete records.
const DAYS: u64 = 240;

struct Athlete {
    days: Vec<DayRecord>,
    sessions: Vec<SessionRecord>,
    today: NaiveDate,
}

/// 240 days of an athlete: sleep ~ N(7.2 h, 0.8), readiness = 5 + planted·(sleep − 7.2) +
/// noise, a session on most days (sometimes two) with EF noise, RPE and logged carbs on some.
/// Everything not planted is independent noise. A few days have no record at all.
fn athlete(seed: u64, planted: Planted) -> Athlete {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut days = Vec::new();
    let mut sessions = Vec::new();
    for offset in 0..DAYS {
        let day = date(offset);
        let mut load = 0.0;
        let session_count = if rng.gen_bool(0.8) {
            1 + usize::from(rng.gen_bool(0.1))
        } else {
            0
        };
        for _ in 0..session_count {
            let running = rng.gen_bool(0.5);
            let minutes = rng.gen_range(30..=120);
            let rpe = f64::from(rng.gen_range(3..=8));
            let carbs = rng.gen_range(0.0..100.0);
            let base_ef = if running { 1.3 } else { 2.2 };
            let noise = normal(&mut rng, 0.0, 3.0);
            let efficiency_factor = base_ef * (1.0 + (planted.carbs_ef * carbs + noise) / 100.0);
            load += rpe * f64::from(minutes);
            sessions.push(SessionRecord {
                activity_id: Uuid::from_u128(
                    (u128::from(seed) << 64) | u128::from(rng.r#gen::<u64>()),
                ),
                date: day,
                sport: if running { Sport::Run } else { Sport::Ride },
                duration_s: i64::from(minutes) * 60,
                rpe: Some(rpe),
                efficiency_factor: Some(efficiency_factor),
                decoupling_pct: rng.gen_bool(0.5).then(|| normal(&mut rng, 4.0, 2.0)),
                carbs_before_g: rng.gen_bool(0.6).then_some(carbs),
                carbs_during_g: rng
                    .gen_bool(0.4)
                    .then(|| rng.gen_range(0.0..90.0) * f64::from(minutes) / 60.0),
                caffeine_mg: rng.gen_bool(0.5).then(|| {
                    if rng.gen_bool(0.4) {
                        0.0
                    } else {
                        rng.gen_range(50.0..200.0)
                    }
                }),
            });
        }
        let sleep_h = normal(&mut rng, 7.2, 0.8);
        let readiness =
            5.0 + planted.sleep_readiness * (sleep_h - 7.2) + normal(&mut rng, 0.0, 1.2);
        let record = DayRecord {
            date: day,
            sleep_duration_min: Some(sleep_h * 60.0),
            hrv_ms: rng.gen_bool(0.9).then(|| normal(&mut rng, 60.0, 8.0)),
            resting_hr: Some(normal(&mut rng, 50.0, 3.0)),
            readiness: Some(readiness),
            work_stress: Some(f64::from(rng.gen_range(1..=10))),
            travel: Some(rng.gen_bool(0.06)),
            illness: Some(rng.gen_bool(0.04)),
            load,
            monotony: Some(normal(&mut rng, 1.5, 0.3)),
        };
        if rng.gen_bool(0.97) {
            days.push(record);
        }
    }
    // Callers may send records in any order.
    days.reverse();
    sessions.reverse();
    Athlete {
        days,
        sessions,
        today: date(DAYS - 1),
    }
}

fn insights_of(athlete: &Athlete) -> Insights {
    find_insights(
        &athlete.days,
        &athlete.sessions,
        athlete.today,
        &InsightSettings::default(),
    )
}

fn find(insights: &Insights, input: InsightInput, outcome: InsightOutcome) -> Option<&Finding> {
    insights
        .findings
        .iter()
        .find(|f| f.input == input && f.outcome == outcome)
}

/// How often, over many seeds, a planted effect was found, how close its slope was and how often
/// the interval covered it.
#[derive(Debug, Default)]
struct Recovery {
    found_with_right_sign: usize,
    slopes: Vec<f64>,
    covered: usize,
}

impl Recovery {
    fn add(&mut self, finding: Option<&Finding>, planted_slope: f64) {
        let Some(f) = finding else { return };
        let span = f.input_high - f.input_low;
        if f.effect.signum() == planted_slope.signum() {
            self.found_with_right_sign += 1;
        }
        self.slopes.push(f.effect / span);
        let planted_effect = planted_slope * span;
        if (f.effect_low..=f.effect_high).contains(&planted_effect) {
            self.covered += 1;
        }
    }

    fn check(&self, seeds: usize, planted_slope: f64, what: &str) {
        let mean_slope = self.slopes.iter().sum::<f64>() / self.slopes.len().max(1) as f64;
        assert!(
            self.found_with_right_sign * 10 >= seeds * 9,
            "{what}: found with the right sign in {} of {seeds}",
            self.found_with_right_sign
        );
        assert!(
            (mean_slope - planted_slope).abs() <= 0.15 * planted_slope.abs(),
            "{what}: mean slope {mean_slope}, planted {planted_slope}"
        );
        assert!(
            self.covered * 100 >= seeds * 85,
            "{what}: interval covered the planted effect in {} of {seeds}",
            self.covered
        );
    }
}

#[test]
fn planted_effects_are_found_with_their_size() {
    const SEEDS: u64 = 50;
    let mut sleep = Recovery::default();
    let mut carbs = Recovery::default();
    for seed in 0..SEEDS {
        let insights = insights_of(&athlete(seed, PLANTED));
        sleep.add(
            find(&insights, In::SleepDuration, Out::NextMorningReadiness),
            PLANTED.sleep_readiness,
        );
        carbs.add(
            find(&insights, In::PreSessionCarbs, Out::EfficiencyFactor),
            PLANTED.carbs_ef,
        );
    }
    sleep.check(SEEDS as usize, PLANTED.sleep_readiness, "sleep → readiness");
    // The EF outcome is relative to a median that itself carries the average carbohydrate
    // effect (about +2.5%), so its slope is ~2.5% below the planted one: inside the margin.
    carbs.check(SEEDS as usize, PLANTED.carbs_ef, "carbs before → EF");
}

/// Under the global null (no input related to any outcome) every discovery is false, so the
/// false discovery proportion of an athlete is 1 if anything is found and 0 otherwise: the
/// FDR Benjamini–Hochberg controls *is* the probability of any finding, at most α (for
/// independent or positively dependent p-values; our pairs share outcomes and inputs, which in
/// practice makes it smaller). Over 300 independent athletes the share with a finding is a
/// binomial proportion with standard error at most √(α(1 − α)/300), so it stays below α plus
/// three standard errors except with probability about 0.1%; with fixed seeds the test is
/// deterministic.
#[test]
fn without_effects_few_athletes_get_any_finding() {
    const ATHLETES: u64 = 300;
    let alpha = InsightSettings::default().false_discovery_rate;
    let mut with_findings = 0;
    let mut tested = 0;
    for seed in 1_000..1_000 + ATHLETES {
        let insights = insights_of(&athlete(seed, NULL));
        tested += insights.tested.len();
        if !insights.findings.is_empty() {
            with_findings += 1;
        }
    }
    assert!(
        tested >= ATHLETES as usize * 25,
        "most pairs should be tested: {tested}"
    );
    let share = with_findings as f64 / ATHLETES as f64;
    let margin = 3.0 * (alpha * (1.0 - alpha) / ATHLETES as f64).sqrt();
    assert!(
        share <= alpha + margin,
        "{with_findings} of {ATHLETES} null athletes had a finding ({share:.3} > {:.3})",
        alpha + margin
    );
}

// ---------------------------------------------------------------------------------------------
// Edge cases

#[test]
fn nothing_in_gives_nothing_out() {
    let insights = find_insights(&[], &[], day0(), &InsightSettings::default());
    assert_eq!(
        insights,
        Insights {
            today: day0(),
            findings: Vec::new(),
            tested: Vec::new(),
            waiting: Vec::new(),
        }
    );
}

/// Days with sleep and readiness only.
fn sleep_days(count: u64) -> Vec<DayRecord> {
    (0..count)
        .map(|i| DayRecord {
            date: date(i),
            sleep_duration_min: Some(400.0 + (i % 7) as f64 * 10.0),
            hrv_ms: None,
            resting_hr: None,
            readiness: Some(5.0 + (i % 5) as f64 * 0.5),
            work_stress: None,
            travel: None,
            illness: None,
            load: 0.0,
            monotony: None,
        })
        .collect()
}

#[test]
fn too_little_data_says_how_much_more_is_needed() {
    let settings = InsightSettings::default();
    let sleep_waiting = |insights: &Insights| {
        insights
            .waiting
            .iter()
            .find(|w| w.input == In::SleepDuration && w.outcome == Out::NextMorningReadiness)
            .cloned()
    };
    // 10 days: 10 more observations.
    let insights = find_insights(&sleep_days(10), &[], date(9), &settings);
    assert!(insights.tested.is_empty());
    assert_eq!(
        sleep_waiting(&insights),
        Some(Waiting {
            input: In::SleepDuration,
            outcome: Out::NextMorningReadiness,
            n: 10,
            needed: 10,
        })
    );
    // 30 days are enough observations but only 29 days of history: at least one more.
    let insights = find_insights(&sleep_days(30), &[], date(29), &settings);
    assert!(insights.tested.is_empty());
    assert_eq!(
        sleep_waiting(&insights).map(|w| (w.n, w.needed)),
        Some((30, 1))
    );
    // 43 days: tested.
    let insights = find_insights(&sleep_days(43), &[], date(42), &settings);
    assert!(sleep_waiting(&insights).is_none());
    assert!(
        insights
            .tested
            .iter()
            .any(|t| t.input == In::SleepDuration && t.n == 43 && t.history_days == 42)
    );
}

#[test]
fn a_constant_input_is_not_tested() {
    let mut data = athlete(7, PLANTED);
    for s in &mut data.sessions {
        s.caffeine_mg = Some(100.0);
    }
    let insights = insights_of(&data);
    assert!(!insights.tested.is_empty());
    assert!(
        insights
            .tested
            .iter()
            .all(|t| t.input != In::PreSessionCaffeine)
    );
    assert!(
        insights
            .findings
            .iter()
            .all(|f| f.input != In::PreSessionCaffeine)
    );
    assert!(
        insights
            .waiting
            .iter()
            .all(|w| w.input != In::PreSessionCaffeine)
    );
}

#[test]
fn receipts_are_exactly_the_observations_used() {
    let data = athlete(3, PLANTED);
    let insights = insights_of(&data);
    assert!(!insights.findings.is_empty());
    for f in &insights.findings {
        assert_eq!(f.receipts.len(), f.n as usize, "{:?}", (f.input, f.outcome));
        assert!(f.receipts.windows(2).all(|w| w[0].date <= w[1].date));
        let tested = insights
            .tested
            .iter()
            .find(|t| t.input == f.input && t.outcome == f.outcome && t.lag_days == f.lag_days)
            .expect("findings are among the tested");
        assert_eq!((tested.n, tested.r, tested.q_value), (f.n, f.r, f.q_value));
        // Recomputing r from the receipts gives the reported r.
        let (xs, ys): (Vec<f64>, Vec<f64>) =
            f.receipts.iter().map(|r| (r.input, r.outcome)).unzip();
        assert_eq!(super::stats::pearson(&xs, &ys), Some(f.r));
        assert!(f.summary.starts_with("On "), "{}", f.summary);
        assert!(f.summary.ends_with("not proof of cause."), "{}", f.summary);
    }
    let sleep = find(&insights, In::SleepDuration, Out::NextMorningReadiness).expect("planted");
    for receipt in &sleep.receipts {
        let day = data
            .days
            .iter()
            .find(|d| d.date == receipt.date)
            .expect("a receipt's day was recorded");
        assert_eq!(receipt.activity_id, None);
        assert_eq!(
            Some(receipt.input),
            day.sleep_duration_min.map(|m| m / 60.0)
        );
        assert_eq!(Some(receipt.outcome), day.readiness);
    }
    let carbs = find(&insights, In::PreSessionCarbs, Out::EfficiencyFactor).expect("planted");
    assert!(carbs.receipts.iter().all(|r| r.activity_id.is_some()));
    assert!(
        carbs.summary.contains("runs and rides"),
        "{}",
        carbs.summary
    );
    assert_eq!(carbs.input_unit, "g");
    assert_eq!(carbs.outcome_unit, "% vs recent median");
}

#[test]
fn findings_come_lowest_q_first() {
    let insights = insights_of(&athlete(11, PLANTED));
    assert!(insights.findings.len() >= 2);
    assert!(
        insights
            .findings
            .windows(2)
            .all(|w| w[0].q_value <= w[1].q_value)
    );
    assert!(insights.tested.iter().all(|t| t.q_value >= t.p_value));
    for f in &insights.findings {
        assert!(f.q_value <= 0.10 && f.r_low <= f.r && f.r <= f.r_high);
        assert!(f.effect_low <= f.effect && f.effect <= f.effect_high);
    }
}

#[test]
fn non_finite_values_are_skipped_without_panicking() {
    let mut data = athlete(5, PLANTED);
    for (i, d) in data.days.iter_mut().enumerate() {
        match i % 4 {
            0 => d.sleep_duration_min = Some(f64::NAN),
            1 => d.hrv_ms = Some(f64::INFINITY),
            2 => d.load = f64::NEG_INFINITY,
            _ => d.readiness = Some(f64::NAN),
        }
    }
    for (i, s) in data.sessions.iter_mut().enumerate() {
        match i % 3 {
            0 => s.efficiency_factor = Some(f64::NAN),
            1 => s.carbs_before_g = Some(f64::INFINITY),
            _ => s.duration_s = 0,
        }
    }
    let insights = insights_of(&data);
    for t in &insights.tested {
        assert!(t.r.is_finite() && t.p_value.is_finite() && t.q_value.is_finite());
    }
    for f in &insights.findings {
        assert!(
            f.receipts
                .iter()
                .all(|r| r.input.is_finite() && r.outcome.is_finite())
        );
    }
    // Every session has the same EF: not tested, no panic.
    let mut flat = athlete(5, NULL);
    for s in &mut flat.sessions {
        s.efficiency_factor = Some(1.5);
    }
    let insights = insights_of(&flat);
    assert!(
        insights
            .tested
            .iter()
            .all(|t| t.outcome != Out::EfficiencyFactor)
    );
}

#[test]
fn only_the_window_counts() {
    let data = athlete(2, PLANTED);
    let settings = InsightSettings {
        window_days: 100,
        ..InsightSettings::default()
    };
    let insights = find_insights(&data.days, &data.sessions, data.today, &settings);
    let first_allowed = data.today - Days::new(99);
    for f in &insights.findings {
        assert!(
            f.receipts
                .iter()
                .all(|r| r.date >= first_allowed && r.date <= data.today)
        );
    }
    // A "today" before every record sees nothing.
    let insights = find_insights(
        &data.days,
        &data.sessions,
        date(0) - Days::new(1),
        &settings,
    );
    assert!(insights.tested.is_empty() && insights.waiting.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Derived inputs and outcomes

fn empty_day(offset: u64) -> DayRecord {
    DayRecord {
        date: date(offset),
        sleep_duration_min: None,
        hrv_ms: None,
        resting_hr: None,
        readiness: None,
        work_stress: None,
        travel: None,
        illness: None,
        load: 0.0,
        monotony: None,
    }
}

fn session(offset: u64, sport: Sport, minutes: i64) -> SessionRecord {
    SessionRecord {
        activity_id: Uuid::from_u128((u128::from(offset) << 32) | minutes as u128),
        date: date(offset),
        sport,
        duration_s: minutes * 60,
        rpe: None,
        efficiency_factor: None,
        decoupling_pct: None,
        carbs_before_g: None,
        carbs_during_g: None,
        caffeine_mg: None,
    }
}

fn history_of<'a>(days: &'a [DayRecord], settings: &InsightSettings) -> History<'a> {
    History::new(days, &|_| true, settings)
}

#[test]
fn baselines_need_seven_earlier_days() {
    let mut days: Vec<DayRecord> = (0..10).map(empty_day).collect();
    for (i, d) in days.iter_mut().enumerate() {
        d.hrv_ms = Some(if i < 9 { 50.0 } else { 55.0 });
        d.resting_hr = Some(if i < 9 { 48.0 } else { 51.0 });
    }
    let settings = InsightSettings::default();
    let history = history_of(&days, &settings);
    let hrv = history
        .input(In::HrvVsBaseline, date(9))
        .expect("nine earlier days");
    assert!((hrv - 10.0).abs() < 1e-9, "{hrv}");
    assert_eq!(history.input(In::RestingHrVsBaseline, date(9)), Some(3.0));
    // Day 6 has six earlier days: no baseline.
    assert_eq!(history.input(In::HrvVsBaseline, date(6)), None);
    assert_eq!(history.input(In::HrvVsBaseline, date(7)), Some(0.0));
    // A baseline of 7 days looks back 7 days only.
    let short = InsightSettings {
        baseline_days: 7,
        ..settings
    };
    let history = history_of(&days, &short);
    assert_eq!(history.input(In::RestingHrVsBaseline, date(9)), Some(3.0));
    days[3].resting_hr = None;
    let history = history_of(&days, &short);
    assert_eq!(history.input(In::RestingHrVsBaseline, date(9)), None);
}

#[test]
fn previous_load_counts_missing_days_as_rest_once_the_record_starts() {
    let mut days: Vec<DayRecord> = [0, 1, 3, 5].into_iter().map(empty_day).collect();
    days[0].load = 100.0;
    days[1].load = 50.0;
    days[2].load = 30.0;
    days[3].load = 70.0;
    let settings = InsightSettings::default();
    let history = history_of(&days, &settings);
    assert_eq!(history.input(In::PreviousLoad, date(2)), None);
    assert_eq!(history.input(In::PreviousLoad, date(3)), Some(150.0));
    assert_eq!(history.input(In::PreviousLoad, date(4)), Some(80.0));
    assert_eq!(history.input(In::PreviousLoad, date(6)), Some(100.0));
    assert_eq!(history.input(In::PreviousLoad, date(9)), Some(0.0));
}

#[test]
fn days_since_hard_counts_from_the_day_before_and_stops_at_fourteen() {
    // Non-zero loads 10..=100: the 80th percentile is 82, so only 90 and 100 are hard.
    let mut days: Vec<DayRecord> = (0..40).map(empty_day).collect();
    for (i, load) in (1..=10).map(|k| f64::from(k) * 10.0).enumerate() {
        days[i * 2].load = load;
    }
    let settings = InsightSettings::default();
    let history = history_of(&days, &settings);
    assert_eq!(
        history.hard_days.iter().copied().collect::<Vec<_>>(),
        vec![date(16), date(18)]
    );
    assert_eq!(history.input(In::DaysSinceHard, date(16)), None);
    assert_eq!(history.input(In::DaysSinceHard, date(17)), Some(1.0));
    assert_eq!(history.input(In::DaysSinceHard, date(18)), Some(2.0));
    assert_eq!(history.input(In::DaysSinceHard, date(25)), Some(7.0));
    assert_eq!(history.input(In::DaysSinceHard, date(39)), Some(14.0));
    assert_eq!(history.input(In::Monotony, date(1)), None);
}

#[test]
fn ef_is_relative_to_the_same_family_over_the_previous_six_weeks() {
    let mut sessions = Vec::new();
    for (offset, sport, ef) in [
        (0, Sport::Run, 0.5),
        (10, Sport::Run, 1.0),
        (20, Sport::TrailRun, 1.1),
        (30, Sport::Run, 1.2),
        (35, Sport::Ride, 3.0),
        (43, Sport::Run, 1.21),
        (44, Sport::Ride, 2.0),
    ] {
        let mut s = session(offset, sport, 60);
        s.efficiency_factor = Some(ef);
        sessions.push(s);
    }
    let outcomes = SessionOutcomes::new(&sessions, &|_| true);
    let relative: Vec<Option<f64>> = outcomes.sessions.iter().map(|s| s.relative_ef).collect();
    // Day 43's run: runs on days 10, 20, 30 (day 0 is 43 days back) have median 1.1.
    let day43 = relative[5].expect("three earlier runs");
    assert!((day43 - 10.0).abs() < 1e-9, "{day43}");
    // Day 30's run: runs on days 0, 10, 20 have median 1.0.
    let day30 = relative[3].expect("three earlier runs");
    assert!((day30 - 20.0).abs() < 1e-9, "{day30}");
    assert_eq!(relative[..3], [None; 3]);
    assert_eq!(relative[4], None, "no earlier ride");
    assert_eq!(relative[6], None, "only one earlier ride");
}

#[test]
fn rpe_is_relative_to_the_same_sport_and_duration_bucket() {
    let mut sessions = Vec::new();
    for (offset, minutes, rpe) in [
        (0, 30, 3.0),
        (1, 40, 4.0),
        (2, 44, 5.0),
        (3, 45, 8.0),
        (4, 60, 6.0),
    ] {
        let mut s = session(offset, Sport::Run, minutes);
        s.rpe = Some(rpe);
        sessions.push(s);
    }
    let outcomes = SessionOutcomes::new(&sessions, &|_| true);
    let relative: Vec<Option<f64>> = outcomes.sessions.iter().map(|s| s.relative_rpe).collect();
    assert_eq!(relative, vec![Some(-1.0), Some(0.0), Some(1.0), None, None]);
}

#[test]
fn several_sessions_on_one_day_each_count() {
    let mut days: Vec<DayRecord> = (0..5).map(empty_day).collect();
    days[1].load = 40.0;
    let mut sessions = Vec::new();
    for minutes in [30, 60] {
        let mut s = session(4, Sport::Run, minutes);
        s.decoupling_pct = Some(minutes as f64 / 10.0);
        sessions.push(s);
    }
    let settings = InsightSettings::default();
    let history = history_of(&days, &settings);
    let outcomes = SessionOutcomes::new(&sessions, &|_| true);
    let spec = pair(In::PreviousLoad, Out::AerobicDecoupling, 0);
    let observed = observations(&spec, &history, &outcomes);
    let pairs: Vec<(f64, f64)> = observed.iter().map(|o| (o.input, o.outcome)).collect();
    assert_eq!(pairs, vec![(40.0, 3.0), (40.0, 6.0)]);
}

#[test]
fn next_morning_pairs_look_one_day_ahead() {
    let mut days: Vec<DayRecord> = (0..3).map(empty_day).collect();
    days[0].travel = Some(true);
    days[1].travel = Some(false);
    days[1].readiness = Some(4.0);
    days[2].readiness = Some(7.0);
    let settings = InsightSettings::default();
    let history = history_of(&days, &settings);
    let outcomes = SessionOutcomes::new(&[], &|_| true);
    let observed = observations(
        &pair(In::Travel, Out::NextMorningReadiness, 1),
        &history,
        &outcomes,
    );
    let pairs: Vec<(NaiveDate, f64, f64)> = observed
        .iter()
        .map(|o| (o.date, o.input, o.outcome))
        .collect();
    assert_eq!(pairs, vec![(date(0), 1.0, 4.0), (date(1), 0.0, 7.0)]);
}

// ---------------------------------------------------------------------------------------------
// Settings, pairs and text

#[test]
fn default_settings_are_valid_and_bad_ones_are_named() {
    assert_eq!(InsightSettings::default().validate(), Ok(()));
    let parsed: InsightSettings = serde_json::from_str("{}").expect("missing keys take defaults");
    assert_eq!(parsed, InsightSettings::default());
    let parsed: InsightSettings =
        serde_json::from_str("{\"min_observations\": 30}").expect("one key given");
    assert_eq!(parsed.min_observations, 30);
    assert_eq!(parsed.window_days, 365);
    let bad = InsightSettings {
        min_observations: 2,
        false_discovery_rate: 0.9,
        confidence: f64::NAN,
        window_days: 30,
        ..InsightSettings::default()
    };
    let err = bad.validate().expect_err("four problems");
    let fields: Vec<&str> = err.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "minObservations",
            "falseDiscoveryRate",
            "confidence",
            "windowDays"
        ]
    );
}

#[test]
fn the_documented_pairs_are_thirty_and_distinct() {
    let all = pairs();
    assert_eq!(all.len(), 30);
    let distinct: BTreeSet<(InsightInput, InsightOutcome, i64)> = all
        .iter()
        .map(|p| (p.input, p.outcome, p.lag_days))
        .collect();
    assert_eq!(distinct.len(), all.len());
    for input in InsightInput::ALL {
        assert!(all.iter().any(|p| p.input == *input), "{input} is tested");
    }
    for outcome in InsightOutcome::ALL {
        assert!(
            all.iter().any(|p| p.outcome == *outcome),
            "{outcome} is tested"
        );
    }
    // Session inputs only ever meet session outcomes.
    assert!(
        all.iter()
            .all(|p| !p.input.is_session_level() || p.outcome.is_session_level())
    );
    let lagged: Vec<InsightInput> = all
        .iter()
        .filter(|p| p.lag_days == 1)
        .map(|p| p.input)
        .collect();
    assert_eq!(lagged, [In::WorkStress, In::Travel, In::Illness]);
}

#[test]
fn enums_keep_their_text() {
    for input in InsightInput::ALL {
        assert_eq!(input.as_str().parse::<InsightInput>(), Ok(*input));
    }
    assert_eq!(
        serde_json::to_string(&In::HrvVsBaseline).expect("serializes"),
        "\"hrv_vs_baseline\""
    );
    assert_eq!(Out::RpeForSessionType.as_str(), "rpe_for_session_type");
}

#[test]
fn numbers_read_plainly() {
    assert_eq!(format_signed(2.14, 1), "+2.1");
    assert_eq!(format_signed(-0.04, 1), "0.0");
    assert_eq!(format_signed(-0.456, 2), "-0.46");
    assert_eq!(format_amount(62.4), "62");
    assert_eq!(format_amount(7.25), "7.2");
    assert_eq!(format_percent(0.95), "95%");
    assert_eq!(format_percent(0.975), "97.5%");
}
