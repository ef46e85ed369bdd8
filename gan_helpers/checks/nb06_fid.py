"""Checkers for notebooks/06_fid.ipynb.

Exercise 1, ``frechet_distance``: the Fréchet distance between two Gaussians. Exercise 2,
``feature_statistics``: the mean and covariance it is computed from. Exercise 3,
``fid_infinity``: the extrapolation of FID_N to N -> ∞. The references are
:mod:`gan_helpers.metrics`'.
"""
import warnings

import numpy as np
from scipy import linalg

from .. import metrics
from .core import check_function, check_parts, to_numpy

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


# --- exercise 3: fid_infinity -----------------------------------------------------------------

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


def check_fid_infinity(fid_infinity):
    """06, exercise 3: least-squares fit FID_N = FID∞ + k / N; returns (FID∞, k)."""
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
