"""gan_helpers.stats: the paired t-interval agrees with SciPy's paired t-test, uses n - 1 degrees
of freedom, covers the truth 95% of the time on simulated data, and Bonferroni widens it."""
import numpy as np
import pytest
from scipy import stats as st

from gan_helpers import stats


def test_paired_interval_matches_scipys_paired_t_test():
    rng = np.random.default_rng(0)
    base = rng.normal(0.9, 0.01, 7)
    treated = base + rng.normal(0.004, 0.003, 7)
    iv = stats.paired_t_interval(treated, base)
    ci = st.ttest_rel(treated, base).confidence_interval(0.95)
    np.testing.assert_allclose([iv.low, iv.high], [ci.low, ci.high], rtol=1e-10)
    np.testing.assert_allclose(iv.mean, np.mean(treated - base))
    assert iv.n == 7 and iv.level == pytest.approx(0.95)


def test_degrees_of_freedom_are_n_minus_1():
    d = np.array([1.0, 2.0, 4.0])
    mean, low, high = stats.t_interval(d)
    half = st.t.ppf(0.975, 2) * np.std(d, ddof=1) / np.sqrt(3)   # t(2) = 4.30, not 1.96
    np.testing.assert_allclose([low, high], [mean - half, mean + half])


def test_bonferroni_widens_to_level_one_minus_alpha_over_m():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=6), rng.normal(size=6)
    one, four = stats.paired_t_interval(a, b), stats.paired_t_interval(a, b, n_comparisons=4)
    assert four.level == pytest.approx(1 - 0.05 / 4)
    assert four.low < one.low < one.high < four.high
    np.testing.assert_allclose(four.mean, one.mean)


@pytest.mark.parametrize("n", [3, 5, 10])
def test_coverage_on_simulated_data_is_the_nominal_level(n):
    rng = np.random.default_rng(n)
    d = rng.normal(0.3, 2.0, (40_000, n))                # true mean 0.3
    _, low, high = stats.t_interval(d)
    coverage = np.mean((low <= 0.3) & (0.3 <= high))
    assert abs(coverage - 0.95) < 0.006                   # Monte Carlo sd 0.0011


def test_two_se_rule_has_far_more_than_5_percent_false_positives_with_3_seeds():
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(2, 40_000, 3))               # no difference at all
    assert np.mean(stats.two_se_rule(a, b)) > 0.09        # ~0.12 for 3 seeds per arm


def test_verdict():
    assert stats.verdict(stats.Interval(1.0, 0.1, 2.0, 5, 0.95)) == "helps"
    assert stats.verdict(stats.Interval(-1.0, -2.0, -0.1, 5, 0.95)) == "hurts"
    assert stats.verdict(stats.Interval(0.5, -0.1, 1.1, 5, 0.95)) == "inconclusive"


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="at least 2"):
        stats.t_interval([1.0])
    with pytest.raises(ValueError, match="equal length"):
        stats.paired_t_interval([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="n_comparisons"):
        stats.paired_t_interval([1.0, 2.0], [1.0, 3.0], n_comparisons=0)
    with pytest.raises(ValueError, match="confidence"):
        stats.t_interval([1.0, 2.0], confidence=95)
