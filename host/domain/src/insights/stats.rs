//! The statistics behind insights: Pearson's r with its Fisher confidence interval and
//! Student-t p-value, ordinary least squares, Benjamini–Hochberg q-values, and the distribution
//! functions they rest on (log-gamma, the regularized incomplete beta and gamma functions,
//! Student's t, the normal quantile).
//!
//! They are written out here so the domain crate needs no numerics dependency; the golden
//! values in the tests come from scipy (`golden.py` beside the tests).

use std::f64::consts::PI;

/// Relative precision the iterative evaluations stop at.
const EPSILON: f64 = 1e-16;
/// Stands in for zero in Lentz's method, where a denominator must never be exactly zero.
const TINY: f64 = 1e-300;
/// Bound on the terms of a series or continued fraction (they converge in far fewer).
const MAX_TERMS: usize = 1_000;

/// Coefficients of the Lanczos approximation with g = 7 and nine terms.
const LANCZOS_G: f64 = 7.0;
const LANCZOS: [f64; 9] = [
    0.999_999_999_999_809_9,
    676.520_368_121_885_1,
    -1_259.139_216_722_402_8,
    771.323_428_777_653_1,
    -176.615_029_162_140_6,
    12.507_343_278_686_905,
    -0.138_571_095_265_720_12,
    9.984_369_578_019_572e-6,
    1.505_632_735_149_311_6e-7,
];

/// ln Γ(x) for x > 0 (Lanczos; reflection below ½).
pub(crate) fn ln_gamma(x: f64) -> f64 {
    if x < 0.5 {
        // Γ(x) Γ(1 − x) = π / sin(πx)
        return (PI / (PI * x).sin().abs()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let t = x + LANCZOS_G + 0.5;
    let series = LANCZOS
        .iter()
        .enumerate()
        .skip(1)
        .fold(LANCZOS[0], |sum, (i, c)| sum + c / (x + i as f64));
    0.5 * (2.0 * PI).ln() + (x + 0.5) * t.ln() - t + series.ln()
}

/// ln B(a, b).
fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// Natural log of `x`, taken from `1 − x` when that is the more precise of the two.
fn ln_of(x: f64, one_minus_x: f64) -> f64 {
    if x > 0.5 {
        (-one_minus_x).ln_1p()
    } else {
        x.ln()
    }
}

/// Keeps a Lentz denominator away from zero.
fn nonzero(value: f64) -> f64 {
    if value.abs() < TINY { TINY } else { value }
}

/// The continued fraction of I_x(a, b) (without its prefactor), by the modified Lentz method.
/// Its partial numerators are d(2m) = m(b − m)x / ((a + 2m − 1)(a + 2m)) and
/// d(2m + 1) = −(a + m)(a + b + m)x / ((a + 2m)(a + 2m + 1)); it converges fast for
/// x < (a + 1)/(a + b + 2).
fn beta_fraction(a: f64, b: f64, x: f64) -> f64 {
    let mut c = 1.0;
    let mut d = 1.0 / nonzero(1.0 - (a + b) * x / (a + 1.0));
    let mut h = d;
    for m in 1..=MAX_TERMS {
        let m = m as f64;
        let even = m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
        d = 1.0 / nonzero(1.0 + even * d);
        c = nonzero(1.0 + even / c);
        h *= d * c;
        let odd = -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0));
        d = 1.0 / nonzero(1.0 + odd * d);
        c = nonzero(1.0 + odd / c);
        let delta = d * c;
        h *= delta;
        if (delta - 1.0).abs() < EPSILON {
            break;
        }
    }
    h
}

/// The regularized incomplete beta function I_x(a, b). `one_minus_x` is 1 − x, passed in so
/// callers that know it more precisely than `1.0 - x` keep that precision.
pub(crate) fn regularized_beta(a: f64, b: f64, x: f64, one_minus_x: f64) -> f64 {
    if !(a > 0.0 && b > 0.0) || x.is_nan() || one_minus_x.is_nan() {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 0.0;
    }
    if one_minus_x <= 0.0 {
        return 1.0;
    }
    let ln_front = a * ln_of(x, one_minus_x) + b * ln_of(one_minus_x, x) - ln_beta(a, b);
    if x < (a + 1.0) / (a + b + 2.0) {
        ln_front.exp() * beta_fraction(a, b, x) / a
    } else {
        // I_x(a, b) = 1 − I_{1−x}(b, a), where the fraction converges.
        1.0 - ln_front.exp() * beta_fraction(b, a, one_minus_x) / b
    }
}

/// The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a): by the series of
/// P(a, x) below x = a + 1, by Legendre's continued fraction (modified Lentz) above.
pub(crate) fn upper_gamma(a: f64, x: f64) -> f64 {
    if a.is_nan() || a <= 0.0 || x.is_nan() {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 1.0;
    }
    if x.is_infinite() {
        return 0.0;
    }
    let ln_front = -x + a * x.ln() - ln_gamma(a);
    if x < a + 1.0 {
        let mut term = 1.0 / a;
        let mut sum = term;
        for n in 1..=MAX_TERMS {
            term *= x / (a + n as f64);
            sum += term;
            if term.abs() < sum.abs() * EPSILON {
                break;
            }
        }
        1.0 - ln_front.exp() * sum
    } else {
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / TINY;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..=MAX_TERMS {
            let i = i as f64;
            let numerator = -i * (i - a);
            b += 2.0;
            d = 1.0 / nonzero(numerator * d + b);
            c = nonzero(b + numerator / c);
            let delta = d * c;
            h *= delta;
            if (delta - 1.0).abs() < EPSILON {
                break;
            }
        }
        ln_front.exp() * h
    }
}

/// The standard normal CDF Φ(x) = ½ erfc(−x/√2), with erfc(z) = Q(½, z²) for z ≥ 0.
pub(crate) fn normal_cdf(x: f64) -> f64 {
    let tail = 0.5 * upper_gamma(0.5, 0.5 * x * x);
    if x < 0.0 { tail } else { 1.0 - tail }
}

/// Acklam's rational approximation of the normal quantile (relative error below 1.2e-9), for
/// 0 < p ≤ ½.
fn acklam_lower(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    if p < 0.024_25 {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

/// The standard normal quantile Φ⁻¹(p): Acklam's approximation refined by two Halley steps on
/// Φ(x) − p, which brings it to double precision.
pub(crate) fn normal_quantile(p: f64) -> f64 {
    if !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    if p > 0.5 {
        // 1 − p is exact here, and the lower tail is where the CDF is precise.
        return -normal_quantile(1.0 - p);
    }
    let mut x = acklam_lower(p);
    for _ in 0..2 {
        let error = normal_cdf(x) - p;
        let u = error * (2.0 * PI).sqrt() * (0.5 * x * x).exp();
        x -= u / (1.0 + 0.5 * x * u);
    }
    x
}

/// The density of Student's t with `df` degrees of freedom.
pub(crate) fn student_t_pdf(t: f64, df: f64) -> f64 {
    (ln_gamma(0.5 * (df + 1.0))
        - ln_gamma(0.5 * df)
        - 0.5 * (df * PI).ln()
        - 0.5 * (df + 1.0) * (t * t / df).ln_1p())
    .exp()
}

/// The CDF of Student's t with `df` degrees of freedom: each tail is
/// ½ I_{df/(df+t²)}(df/2, ½).
pub(crate) fn student_t_cdf(t: f64, df: f64) -> f64 {
    if t.is_nan() || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    let t2 = t * t;
    let x = df / (df + t2);
    let one_minus_x = 1.0 / (1.0 + df / t2);
    let tail = 0.5 * regularized_beta(0.5 * df, 0.5, x, one_minus_x);
    if t > 0.0 { 1.0 - tail } else { tail }
}

/// The quantile of Student's t: Newton's method on the CDF from a Cornish–Fisher start,
/// falling back to bisection whenever a step leaves the bracket around the root.
pub(crate) fn student_t_quantile(p: f64, df: f64) -> f64 {
    if !(0.0..=1.0).contains(&p) || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    if p == 0.5 {
        return 0.0;
    }
    if p > 0.5 {
        return -student_t_quantile(1.0 - p, df);
    }
    // The root is negative: bracket it in [low, high] with CDF(low) < p < CDF(high).
    let z = normal_quantile(p);
    let z3 = z * z * z;
    let guess =
        z + (z3 + z) / (4.0 * df) + (5.0 * z3 * z * z + 16.0 * z3 + 3.0 * z) / (96.0 * df * df);
    let mut t = if guess.is_finite() && guess < 0.0 {
        guess
    } else {
        -1.0
    };
    let mut high = 0.0;
    let mut low = t;
    while student_t_cdf(low, df) > p {
        high = low;
        low *= 2.0;
        if !low.is_finite() {
            return f64::NEG_INFINITY;
        }
    }
    for _ in 0..MAX_TERMS {
        let error = student_t_cdf(t, df) - p;
        if error == 0.0 {
            return t;
        }
        if error < 0.0 {
            low = low.max(t);
        } else {
            high = t.min(high);
        }
        let mut next = t - error / student_t_pdf(t, df);
        if !(next > low && next < high) {
            next = 0.5 * (low + high);
        }
        if (next - t).abs() <= 4.0 * f64::EPSILON * t.abs() {
            return next;
        }
        t = next;
    }
    t
}

/// Pearson's correlation of paired values, or `None` with fewer than three pairs, unequal
/// lengths, or either side constant (or not finite).
pub(crate) fn pearson(xs: &[f64], ys: &[f64]) -> Option<f64> {
    let sums = Moments::of(xs, ys)?;
    let r = sums.sxy / (sums.sxx.sqrt() * sums.syy.sqrt());
    r.is_finite().then(|| r.clamp(-1.0, 1.0))
}

/// Means and centred sums of squares and products of paired values.
struct Moments {
    mean_x: f64,
    mean_y: f64,
    sxx: f64,
    syy: f64,
    sxy: f64,
}

impl Moments {
    /// `None` with fewer than three pairs, unequal lengths, or either side constant.
    fn of(xs: &[f64], ys: &[f64]) -> Option<Self> {
        let n = xs.len();
        if n < 3 || ys.len() != n || is_constant(xs) || is_constant(ys) {
            return None;
        }
        let mean_x = mean(xs)?;
        let mean_y = mean(ys)?;
        let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
        for (x, y) in xs.iter().zip(ys) {
            let (dx, dy) = (x - mean_x, y - mean_y);
            sxx += dx * dx;
            syy += dy * dy;
            sxy += dx * dy;
        }
        (sxx > 0.0 && syy > 0.0 && sxx.is_finite() && syy.is_finite() && sxy.is_finite()).then_some(
            Self {
                mean_x,
                mean_y,
                sxx,
                syy,
                sxy,
            },
        )
    }
}

/// Whether every value equals the first (an empty slice counts as constant). Checked directly:
/// the deviations of identical values from their computed mean need not be exactly zero.
fn is_constant(values: &[f64]) -> bool {
    values
        .first()
        .is_none_or(|first| values.iter().all(|v| v == first))
}

/// The arithmetic mean, `None` when empty.
pub(crate) fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// The two-sided p-value of Pearson's r over `n` pairs under the null of no correlation:
/// P(|T| ≥ |t|) for t = r·√((n−2)/(1−r²)) with n − 2 degrees of freedom, which equals
/// I_{1−r²}((n−2)/2, ½). 1 with fewer than three pairs.
pub(crate) fn correlation_p_value(r: f64, n: usize) -> f64 {
    if n < 3 || r.is_nan() {
        return 1.0;
    }
    let df = (n - 2) as f64;
    let r2 = (r * r).min(1.0);
    regularized_beta(0.5 * df, 0.5, 1.0 - r2, r2)
}

/// The Fisher-z confidence interval of r over `n` pairs at `confidence` (two-sided):
/// tanh(atanh r ± z/√(n−3)), z the normal quantile at (1 + confidence)/2. (−1, 1) when n ≤ 3.
pub(crate) fn fisher_interval(r: f64, n: usize, confidence: f64) -> (f64, f64) {
    if n <= 3 {
        return (-1.0, 1.0);
    }
    let z = normal_quantile(0.5 + 0.5 * confidence);
    let half_width = z / ((n - 3) as f64).sqrt();
    let centre = r.clamp(-1.0, 1.0).atanh();
    ((centre - half_width).tanh(), (centre + half_width).tanh())
}

/// An ordinary least-squares line y = intercept + slope·x.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct LeastSquares {
    /// Change in y per unit of x.
    pub slope: f64,
    /// y at x = 0.
    pub intercept: f64,
    /// Standard error of the slope, from the residual variance with n − 2 degrees of freedom.
    pub slope_se: f64,
}

/// The least-squares line through paired values, or `None` as for [`pearson`].
pub(crate) fn least_squares(xs: &[f64], ys: &[f64]) -> Option<LeastSquares> {
    let sums = Moments::of(xs, ys)?;
    let slope = sums.sxy / sums.sxx;
    let intercept = sums.mean_y - slope * sums.mean_x;
    let residual: f64 = xs
        .iter()
        .zip(ys)
        .map(|(x, y)| {
            let e = y - intercept - slope * x;
            e * e
        })
        .sum();
    let df = (xs.len() - 2) as f64;
    Some(LeastSquares {
        slope,
        intercept,
        slope_se: (residual / df / sums.sxx).sqrt(),
    })
}

/// Benjamini–Hochberg q-values (adjusted p-values), in the order given: q of the p-value of
/// rank k among m is min over ranks j ≥ k of p(j)·m/j, at most 1. Rejecting every q ≤ α is the
/// step-up procedure at false discovery rate α. A NaN p-value counts as 1.
pub(crate) fn benjamini_hochberg(p_values: &[f64]) -> Vec<f64> {
    let m = p_values.len();
    let p = |i: usize| {
        let v = p_values[i];
        if v.is_nan() { 1.0 } else { v.clamp(0.0, 1.0) }
    };
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p(a).total_cmp(&p(b)));
    let mut q = vec![1.0; m];
    let mut running = 1.0_f64;
    for (rank, &i) in order.iter().enumerate().rev() {
        running = running.min(p(i) * m as f64 / (rank + 1) as f64);
        q[i] = running;
    }
    q
}

/// The `fraction` quantile of ascending `sorted` values, interpolating linearly between order
/// statistics (position fraction·(n − 1), as spreadsheets and numpy do by default).
pub(crate) fn quantile_sorted(sorted: &[f64], fraction: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let position = (fraction.clamp(0.0, 1.0) * last as f64).max(0.0);
    let below = position.floor() as usize;
    let above = (below + 1).min(last);
    let (lo, hi) = (*sorted.get(below)?, *sorted.get(above)?);
    Some(lo + (hi - lo) * (position - below as f64))
}

/// The median of values in any order, `None` when empty.
pub(crate) fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    quantile_sorted(&sorted, 0.5)
}
