"""Golden values for the insights statistics, computed with scipy.

Run: python3 host/domain/src/insights/golden.py
Paste its output into the golden tests in tests.rs. The datasets here must match
the ones hard-coded there.
"""

import numpy as np
from scipy import stats

# Two small paired datasets: a strong positive relation, and a negative one.
X1 = [6.1, 7.4, 5.8, 8.0, 7.1, 6.6, 7.9, 6.9, 7.3, 5.5, 8.3, 6.4]
Y1 = [4.0, 6.5, 4.4, 7.1, 5.9, 4.8, 6.2, 6.0, 5.5, 3.9, 7.4, 5.6]
X2 = [20.0, 0.0, 45.0, 60.0, 10.0, 80.0, 35.0, 0.0, 55.0, 25.0]
Y2 = [1.2, 0.4, -0.8, 0.9, 2.1, -1.5, 0.3, 1.1, -0.2, 0.6]

P_VALUES = [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216, 0.9, 0.04]


def show(name, value):
    print(f"{name} = {value!r}")


def main():
    for t, df in [(-8.0, 5.0), (2.5, 12.0), (0.3, 1.0), (-1.7, 2.5), (4.0, 30.0), (-0.05, 200.0)]:
        show(f"t.cdf({t}, {df})", float(stats.t.cdf(t, df)))
    for p, df in [(0.975, 1.0), (0.975, 2.0), (0.975, 5.0), (0.975, 10.0), (0.975, 30.0),
                  (0.975, 238.0), (0.995, 7.0), (0.05, 3.5), (1e-8, 4.0)]:
        show(f"t.ppf({p}, {df})", float(stats.t.ppf(p, df)))
    for p in [1e-10, 0.001, 0.025, 0.3, 0.5, 0.8, 0.975, 0.9999]:
        show(f"norm.ppf({p})", float(stats.norm.ppf(p)))
    for name, x, y in [("1", X1, Y1), ("2", X2, Y2)]:
        res = stats.pearsonr(x, y)
        ci = res.confidence_interval(0.95)
        show(f"pearson{name}.r", float(res.statistic))
        show(f"pearson{name}.p", float(res.pvalue))
        show(f"pearson{name}.ci95", (float(ci.low), float(ci.high)))
        lr = stats.linregress(x, y)
        show(f"linregress{name}.slope", float(lr.slope))
        show(f"linregress{name}.intercept", float(lr.intercept))
        show(f"linregress{name}.stderr", float(lr.stderr))
        show(f"percentile{name}.25_75", (float(np.percentile(x, 25)), float(np.percentile(x, 75))))
    show("bh", [float(q) for q in stats.false_discovery_control(P_VALUES, method="bh")])


if __name__ == "__main__":
    main()
