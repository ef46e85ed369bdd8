"""Checkers for notebooks/06_fid.ipynb.

Exercise 1, ``frechet_distance``: the Fréchet distance between two Gaussians. Exercise 2,
``feature_statistics``: the mean and covariance it is computed from. Exercise 3 (derive),
``expected_mean_term``: E‖μ̂1 − μ̂2‖² for two independent samples of sizes N1, N2, i.e. how
much the mean term of FID_N is biased. Exercise 4, ``fid_infinity``: the extrapolation of
FID_N to N -> ∞. The references are :mod:`gan_helpers.metrics`' (for exercise 3, which has
none there, :func:`_reference_expected_mean_term` below).
"""
import warnings

import numpy as np
from scipy import linalg

from .. import metrics
from .core import check_function, check_parts, exercise, to_numpy

# --- exercise 1: frechet_distance -------------------------------------------------------------

def _frechet_cases():
    """Fixed (mu1, sigma1, mu2, sigma2): a 1-D pair, then full covariances that do not
    commute (so (C1 C2)^½ differs from C1^½ C2^½). Their entries are positive, so that the
    entry-wise np.sqrt(C1 @ C2) mistake gives a finite, recognisable wrong value."""
    rng = np.random.default_rng(2017)
    cases = [(np.array([1.0]), np.array([[4.0]]), np.array([-0.5]), np.array([[0.25]]))]
    for d in (3, 6):
        a, b = rng.uniform(0.0, 1.0, (2, d, d))
        c1, c2 = a @ a.T / d + 0.5 * np.eye(d), b @ b.T / d + 0.5 * np.eye(d)
        cases.append((rng.standard_normal(d), c1, rng.standard_normal(d), c2))
    return cases


def _frechet_mistake(formula):
    """A wrong d² from ``formula(diff, sqrtm(C1 C2), C1, C2)``."""
    def wrong(mu1, sigma1, mu2, sigma2):
        diff = np.asarray(mu1, np.float64) - np.asarray(mu2, np.float64)
        return formula(diff, np.real(linalg.sqrtm(sigma1 @ sigma2)), sigma1, sigma2)
    return wrong


@exercise(reference=metrics.frechet_distance)
def check_frechet_distance(frechet_distance):
    """06, exercise 1: d² = ‖μ1 − μ2‖² + Tr(C1 + C2 − 2 (C1 C2)^½) from two means and
    covariances."""
    what = "d² = ‖μ1 − μ2‖² + Tr(C1 + C2 − 2 sqrtm(C1 @ C2)), one float."
    wrong = _frechet_mistake
    check_function(
        "frechet_distance", frechet_distance, metrics.frechet_distance, _frechet_cases(),
        tol=1e-6, shape_hint="return one number, " + what,
        complex_hint="scipy.linalg.sqrtm can return a complex matrix whose imaginary part is "
        "rounding noise: keep its real part (covmean.real).",
        finite_hint="np.sqrt of a matrix takes square roots entry by entry (nan for negative "
        "entries); the matrix square root is scipy.linalg.sqrtm.",
        wrong_answers=[
            (wrong(lambda d, s, c1, c2: d @ d + np.trace(c1 + c2 - 2 * c1 @ c2)),
             "you used C1 @ C2 where the formula has its matrix square root (C1 C2)^½: "
             "covmean = scipy.linalg.sqrtm(sigma1 @ sigma2)."),
            (wrong(lambda d, s, c1, c2: d @ d + np.trace(c1 + c2 - 2 * np.sqrt(c1 @ c2))),
             "np.sqrt works entry by entry; the matrix square root (a matrix S with S @ S = "
             "C1 @ C2) is scipy.linalg.sqrtm(sigma1 @ sigma2)."),
            (wrong(lambda d, s, c1, c2: d @ d + np.trace(
                c1 + c2 - 2 * np.real(linalg.sqrtm(c1) @ linalg.sqrtm(c2)))),
             "(C1 C2)^½ is not C1^½ C2^½: the two agree only when C1 and C2 commute (e.g. "
             "both diagonal). Take one sqrtm of the product: sqrtm(sigma1 @ sigma2)."),
            (wrong(lambda d, s, c1, c2: np.trace(c1 + c2 - 2 * s)),
             "you left out the mean term ‖μ1 − μ2‖²: two Gaussians with equal covariances "
             "but different means are not at distance 0."),
            (wrong(lambda d, s, c1, c2: np.linalg.norm(d) + np.trace(c1 + c2 - 2 * s)),
             "the mean term is the *squared* distance ‖μ1 − μ2‖² = diff @ diff, not the norm."),
            (wrong(lambda d, s, c1, c2: np.sqrt(d @ d + np.trace(c1 + c2 - 2 * s))),
             "you returned the distance d; FID is its square d² (no final square root)."),
            (wrong(lambda d, s, c1, c2: d @ d + np.trace(c1 + c2 - s)),
             "the cross term is −2 Tr (C1 C2)^½: you dropped the factor 2 (in 1-D it is the "
             "−2 s1 s2 of (s1 − s2)²)."),
            (wrong(lambda d, s, c1, c2: d @ d + np.sum(c1 + c2 - 2 * s)),
             "Tr is the sum of the *diagonal* (np.trace), not of all entries (np.sum)."),
        ],
        hint=what)


# --- exercise 2: feature_statistics -----------------------------------------------------------

def _reference_feature_statistics(features):
    """The library's statistics, without its warning for N ≤ d (one case has N < d on
    purpose: the covariance is singular there, but well defined)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return metrics.feature_statistics(features)


@exercise(reference=_reference_feature_statistics)
def check_feature_statistics(feature_statistics):
    """06, exercise 2: (mean (d,), unbiased covariance (d, d)) of features (N, d)."""
    rng = np.random.default_rng(2020)
    mix = rng.standard_normal((4, 4))
    cases = [(rng.standard_normal((6, 3)) * [1.0, 2.0, 0.5] + [3.0, -1.0, 0.5],),
             (rng.standard_normal((40, 4)) @ mix + 2.0,),
             (rng.standard_normal((5, 9)) + 1.0,)]  # N < d: singular, but well defined
    shapes = ("mu is the mean over the samples (axis=0), shape (d,); sigma is d × d: "
              "np.cov(features, rowvar=False), as the features are columns.")
    hints = {
        "mu": "mu = features.mean(axis=0): average over the N samples (rows), one mean per "
              "feature.",
        "sigma": "sigma = np.cov(features, rowvar=False): centre the features, then "
                 "(f - mu).T @ (f - mu) / (N - 1).",
    }
    wrong = {
        "sigma": [
            (lambda f: np.cov(f, rowvar=False, bias=True),
             "you divided by N (the biased, maximum-likelihood covariance); FID's reference "
             "code uses the unbiased estimate, dividing by N - 1 (np.cov's default)."),
            (lambda f: f.T @ f / (len(f) - 1),
             "subtract the mean before multiplying: (f - mu).T @ (f - mu) / (N - 1); f.T @ f "
             "is a second moment, not a covariance."),
            (lambda f: np.corrcoef(f, rowvar=False),
             "np.corrcoef gives correlations (covariances divided by the standard deviations); "
             "FID needs the covariances themselves."),
            (lambda f: np.diag(np.var(f, axis=0, ddof=1)),
             "you kept only the variances (the diagonal); FID compares the full covariance, "
             "including how features vary together."),
        ],
    }
    check_parts("feature_statistics", feature_statistics, _reference_feature_statistics, cases,
                ("mu", "sigma"), tol=1e-8, wrong_answers=wrong, hints=hints, shape_hint=shapes)


# --- exercise 3: expected_mean_term -----------------------------------------------------------

def _reference_expected_mean_term(mu1, sigma1, n1, mu2, sigma2, n2):
    """E‖μ̂1 − μ̂2‖² for the means of two independent samples of n1 and n2 i.i.d. draws from
    distributions with means mu1, mu2 and covariances sigma1, sigma2:
    ‖mu1 − mu2‖² + Tr(sigma1)/n1 + Tr(sigma2)/n2 (the reference of exercise 3)."""
    diff = np.asarray(mu1, dtype=np.float64) - np.asarray(mu2, dtype=np.float64)
    return float(diff @ diff + np.trace(np.asarray(sigma1, dtype=np.float64)) / n1
                 + np.trace(np.asarray(sigma2, dtype=np.float64)) / n2)


def _expected_mean_cases():
    """Fixed (mu1, sigma1, n1, mu2, sigma2, n2): a 1-D pair, full covariances with N1 ≠ N2
    and small N (so that 1/(N - 1) is far from 1/N), and two samples of one Gaussian."""
    rng = np.random.default_rng(1982)
    cases = [(np.array([1.0]), np.array([[4.0]]), 5, np.array([-0.5]), np.array([[9.0]]), 3)]
    for d, n1, n2 in ((3, 10, 40), (5, 7, 2)):
        a, b = rng.standard_normal((2, d, d))
        cases.append((rng.standard_normal(d), a @ a.T + 0.5 * np.eye(d), n1,
                      rng.standard_normal(d), b @ b.T + 0.5 * np.eye(d), n2))
    c = rng.standard_normal((4, 4))
    mu, sigma = rng.standard_normal(4), c @ c.T + np.eye(4)
    cases.append((mu, sigma, 6, mu.copy(), sigma, 24))  # one Gaussian, two samples
    return cases


def _mean_mistake(formula):
    """A wrong E‖μ̂1 − μ̂2‖² from ``formula(‖mu1 − mu2‖², sigma1, n1, sigma2, n2)``."""
    def wrong(mu1, sigma1, n1, mu2, sigma2, n2):
        diff = np.asarray(mu1, np.float64) - np.asarray(mu2, np.float64)
        return formula(diff @ diff, sigma1, n1, sigma2, n2)
    return wrong


@exercise(reference=_reference_expected_mean_term)
def check_expected_mean_term(expected_mean_term):
    """06, exercise 3: (derive) E‖μ̂1 − μ̂2‖² = ‖μ1 − μ2‖² + Tr Σ1/N1 + Tr Σ2/N2."""
    tr, w = np.trace, _mean_mistake
    check_function(
        "expected_mean_term", expected_mean_term, _reference_expected_mean_term,
        _expected_mean_cases(), tol=1e-9,
        shape_hint="return one number: the expected value of ‖μ̂1 − μ̂2‖².",
        wrong_answers=[
            (w(lambda m, s1, n1, s2, n2: tr(s1) / n1 + tr(s2) / n2),
             "you left out ‖μ1 − μ2‖²: for any random vector v, E‖v‖² = ‖E v‖² + Tr Cov(v), "
             "and here E v = μ1 − μ2."),
            (w(lambda m, s1, n1, s2, n2: m + tr(s1) / n1),
             "both samples' means scatter, so both contribute: Cov(μ̂1 − μ̂2) = Cov(μ̂1) + "
             "Cov(μ̂2) has a term from each sample (you kept only the first)."),
            (w(lambda m, s1, n1, s2, n2: m + tr(s2) / n2),
             "both samples' means scatter, so both contribute: Cov(μ̂1 − μ̂2) = Cov(μ̂1) + "
             "Cov(μ̂2) has a term from each sample (you kept only the second)."),
            (w(lambda m, s1, n1, s2, n2: m + tr(s1) / n2 + tr(s2) / n1),
             "you swapped N1 and N2: the mean of sample i, drawn from Σi, averages Ni draws."),
            (w(lambda m, s1, n1, s2, n2: m + tr(s1) + tr(s2)),
             "that is Tr Cov of two single draws: the covariance of a mean of N i.i.d. draws is "
             "Σ/N, not Σ (averaging shrinks the scatter)."),
            (w(lambda m, s1, n1, s2, n2: m + tr(s1) / (n1 - 1) + tr(s2) / (n2 - 1)),
             "the mean divides by N, and so does its covariance: Cov(x̄) = Σ/N exactly. N - 1 "
             "belongs to the unbiased *sample covariance*, not here."),
            (w(lambda m, s1, n1, s2, n2: m + tr(s1) / n1 ** 2 + tr(s2) / n2 ** 2),
             "Cov(x̄) = Cov(Σ x_k)/N² = N·Σ/N² = Σ/N: the N² is divided by the N draws' "
             "covariances added up (you divided by N² without that factor N)."),
            (w(lambda m, s1, n1, s2, n2: m + tr(s1) / np.sqrt(n1) + tr(s2) / np.sqrt(n2)),
             "the *standard error* of a mean falls like 1/√N, so its covariance (a square) "
             "falls like 1/N: Cov(x̄) = Σ/N."),
            (w(lambda m, s1, n1, s2, n2: m + tr(s1) / n1 - tr(s2) / n2),
             "the two samples are independent, so their covariances add: Cov(μ̂1 − μ̂2) = "
             "Cov(μ̂1) + Cov(μ̂2), with a plus even for a difference."),
            (w(lambda m, s1, n1, s2, n2: m + (tr(s1) + tr(s2)) / (n1 + n2)),
             "each sample's mean has its own covariance Σi/Ni: add Tr Σ1/N1 and Tr Σ2/N2 "
             "rather than dividing the sum by N1 + N2."),
            (w(lambda m, s1, n1, s2, n2: m + np.linalg.det(s1) / n1 + np.linalg.det(s2) / n2),
             "E‖v‖² is the sum of E v_j² over the coordinates: the *trace* (sum of the "
             "diagonal) of the covariance, not its determinant."),
            (w(lambda m, s1, n1, s2, n2: m + np.linalg.norm(s1) / n1 + np.linalg.norm(s2) / n2),
             "E‖v‖² is the sum of E v_j² over the coordinates: the *trace* (sum of the "
             "diagonal) of the covariance, not its Frobenius norm (np.linalg.norm)."),
            (w(lambda m, s1, n1, s2, n2: m + np.sum(s1) / n1 + np.sum(s2) / n2),
             "E‖v‖² is the sum of E v_j² over the coordinates: the *trace* (np.trace, the "
             "diagonal), not the sum of all entries."),
            (w(lambda m, s1, n1, s2, n2: np.sqrt(m) + tr(s1) / n1 + tr(s2) / n2),
             "the mean term is the *squared* distance: ‖E v‖² = diff @ diff, not its norm."),
        ],
        hint="E‖v‖² = ‖E v‖² + Tr Cov(v) for v = μ̂1 − μ̂2; work out E v and Cov(v) from "
             "Cov(mean of N i.i.d. draws of Σ) and the independence of the two samples.")


# --- exercise 4: fid_infinity -----------------------------------------------------------------

def _fid_infinity_cases():
    ns = np.array([250.0, 500.0, 1000.0, 2500.0])
    return [(ns, 1.5 + 900.0 / ns + np.array([0.3, -0.4, 0.5, -0.1])),
            (ns, 40.0 + 3000.0 / ns + np.array([-1.0, 0.8, 0.6, -0.2])),
            (np.array([300.0, 300.0, 600.0, 1200.0, 2400.0]),
             np.array([9.1, 8.3, 5.0, 3.1, 2.4]))]


def _as_pair(fn):
    return lambda ns, fids: np.asarray(to_numpy(fn(ns, fids)), dtype=np.float64).ravel()


def _endpoints(ns, fids):
    """The line through the first and the last point only."""
    k = (fids[-1] - fids[0]) / (1 / ns[-1] - 1 / ns[0])
    return fids[0] - k / ns[0], k


@exercise(reference=metrics.fid_infinity)
def check_fid_infinity(fid_infinity):
    """06, exercise 4: least-squares fit FID_N = FID∞ + k / N; returns (FID∞, k)."""
    check_function(
        "fid_infinity", _as_pair(fid_infinity), _as_pair(metrics.fid_infinity),
        _fid_infinity_cases(), tol=1e-6,
        shape_hint="return the pair (fid_inf, k) of the line FID_N = fid_inf + k / N.",
        wrong_answers=[
            (_as_pair(lambda ns, fids: tuple(np.polyfit(1 / ns, fids, 1))),
             "np.polyfit returns the highest power first, [slope, intercept]: FID∞ is the "
             "intercept, i.e. k, fid_inf = np.polyfit(1 / ns, fids, 1)."),
            (_as_pair(lambda ns, fids: tuple(np.polyfit(ns, fids, 1)[::-1])),
             "you fitted a line in N; the bias is proportional to 1/N, so fit against x = 1/N "
             "and read the intercept at 1/N = 0 (that is N -> ∞, not N = 0)."),
            (_as_pair(_endpoints),
             "you drew the line through the first and last points only; fit all points by "
             "least squares (np.polyfit or np.linalg.lstsq), so that noise in one FID "
             "matters less."),
        ],
        hint="least squares on x = 1/N: k, fid_inf = np.polyfit(1 / ns, fids, 1).")
