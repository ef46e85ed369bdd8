"""Small statistics for comparing training runs over seeds: paired t-intervals, adjusted for
the number of comparisons made.

When two recipes are trained from the same seeds (same data order, same initialisation),
seed s gives a *pair* of scores, and the differences d_s = treated_s - baseline_s cancel the
luck both runs share. For n pairs, the Student t-interval for the mean difference is

    mean(d) ± t_{1 - α/2, n - 1} · sd(d) / √n,      sd with ddof = 1,

exact when the d_s are independent draws of one normal distribution (Student 1908, "The
probable error of a mean"). With n - 1 degrees of freedom the quantile is much larger than
the normal's 1.96 for few seeds (2.78 for n = 5), so a "two standard errors" rule over 3 seeds
claims far more than 5% false findings (about 12% per comparison: tests/unit/test_stats.py).

Several comparisons at once need a family-wise guarantee: with m intervals each at level
1 - α/m (Bonferroni), all m cover their true values at once with probability ≥ 1 - α.
"""
from typing import NamedTuple

import numpy as np
from scipy.stats import t as student_t


class Interval(NamedTuple):
    mean: float     # the mean paired difference
    low: float
    high: float
    n: int          # number of pairs (seeds)
    level: float    # confidence level of this one interval (after any adjustment)


def t_interval(d, confidence=0.95, axis=-1):
    """Student t-interval for the mean of ``d`` along ``axis``: returns ``(mean, low, high)``
    (arrays when ``d`` has more than one dimension, so a whole simulation is one call).
    Uses n - 1 degrees of freedom and the sample sd with ddof = 1; needs n >= 2."""
    d = np.asarray(d, dtype=np.float64)
    n = d.shape[axis]
    if n < 2:
        raise ValueError(f"t_interval: need at least 2 values for a spread, got {n}.")
    if not 0 < confidence < 1:
        raise ValueError(f"t_interval: confidence must lie in (0, 1), got {confidence}.")
    mean = d.mean(axis=axis)
    half = student_t.ppf(0.5 + confidence / 2, df=n - 1) * d.std(axis=axis, ddof=1) / np.sqrt(n)
    return mean, mean - half, mean + half


def paired_t_interval(treated, baseline, confidence=0.95, n_comparisons=1):
    """Interval for the mean of ``treated - baseline`` over paired seeds (entry s of both
    arrays from the same seed). ``n_comparisons`` = m widens it to level 1 - (1 - confidence)/m
    (Bonferroni), so that m such intervals hold together with probability >= ``confidence``."""
    treated = np.asarray(treated, dtype=np.float64)
    baseline = np.asarray(baseline, dtype=np.float64)
    if treated.shape != baseline.shape or treated.ndim != 1:
        raise ValueError(f"paired_t_interval: need two 1-D arrays of equal length (one entry per "
                         f"seed), got shapes {treated.shape} and {baseline.shape}.")
    if int(n_comparisons) < 1:
        raise ValueError(f"paired_t_interval: n_comparisons must be >= 1, got {n_comparisons}.")
    level = 1 - (1 - confidence) / int(n_comparisons)
    mean, low, high = t_interval(treated - baseline, level)
    return Interval(float(mean), float(low), float(high), len(treated), level)


def verdict(interval):
    """'helps' when the whole interval lies above 0, 'hurts' when below, else 'inconclusive'."""
    if interval.low > 0:
        return "helps"
    if interval.high < 0:
        return "hurts"
    return "inconclusive"


def two_se_rule(a, b, axis=-1):
    """The naive rule this module replaces: unpaired difference of means, 'significant' when
    it exceeds two standard errors sqrt(var_a/n + var_b/n). Returns booleans (for a simulation
    of its false-positive rate)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    n = a.shape[axis]
    se = np.sqrt(a.var(axis=axis, ddof=1) / n + b.var(axis=axis, ddof=1) / b.shape[axis])
    return np.abs(a.mean(axis=axis) - b.mean(axis=axis)) > 2 * se
