"""Notebook 06's exercise checkers accept right answers (the reference and independent
solutions) and reject the usual mistakes, each with its own hint."""
import warnings

import numpy as np
import pytest
from scipy import linalg

from gan_helpers import checks, metrics
from gan_helpers.checks import nb06_fid

# --- exercise 1: frechet_distance -------------------------------------------------------------

def frechet_symmetric(mu1, c1, mu2, c2):
    """Independent solution: Tr (C1 C2)^½ = Tr (C1^½ C2 C1^½)^½, a symmetric PSD matrix
    whose square root comes from an eigendecomposition."""
    r = linalg.sqrtm(c1).real
    w = np.linalg.eigvalsh(r @ c2 @ r)
    d = mu1 - mu2
    return d @ d + np.trace(c1) + np.trace(c2) - 2 * np.sum(np.sqrt(np.clip(w, 0, None)))


def frechet_parts(fn):
    def wrapped(mu1, c1, mu2, c2):
        d = mu1 - mu2
        return fn(d, linalg.sqrtm(c1 @ c2).real, c1, c2)
    return wrapped


def test_frechet_checker_accepts_right_answers(passes):
    assert passes(checks.check_frechet_distance, metrics.frechet_distance) < 1e-12
    assert passes(checks.check_frechet_distance, frechet_symmetric) < 1e-9
    # scipy's complex sqrtm is fine once the (zero) imaginary part is dropped
    assert passes(checks.check_frechet_distance,
                  lambda m1, c1, m2, c2: complex(frechet_symmetric(m1, c1, m2, c2))) < 1e-9


def test_frechet_checker_cases_tell_the_mistakes_apart():
    """The cases must separate the subtle mistakes from the answer by far more than the
    tolerance, or a wrong answer could pass: covariances that do not commute, and a product
    with positive entries (so the entry-wise np.sqrt is finite, and its hint reachable)."""
    cases = nb06_fid._frechet_cases()
    assert all(not np.allclose(c1 @ c2, c2 @ c1) and np.all(c1 @ c2 > 0)
               for _, c1, _, c2 in cases[1:])
    mistakes = [lambda d, s, c1, c2: d @ d + np.trace(c1 + c2 - 2 * linalg.sqrtm(c1).real
                                                      @ linalg.sqrtm(c2).real),
                lambda d, s, c1, c2: d @ d + np.trace(c1 + c2 - 2 * np.sqrt(c1 @ c2))]
    for mistake in mistakes:
        worst = max(checks.rel_error(frechet_parts(mistake)(*c), metrics.frechet_distance(*c))
                    for c in cases)
        assert worst > 1e-3


def test_frechet_checker_rejects_the_usual_mistakes(rejects):
    check = checks.check_frechet_distance
    rejects(check, frechet_parts(lambda d, s, c1, c2: d @ d + np.trace(c1 + c2 - 2 * c1 @ c2)),
            "matrix square root")
    rejects(check, frechet_parts(lambda d, s, c1, c2: d @ d + np.trace(
        c1 + c2 - 2 * np.sqrt(c1 @ c2))), "entry by entry")
    rejects(check, frechet_parts(lambda d, s, c1, c2: d @ d + np.trace(
        c1 + c2 - 2 * linalg.sqrtm(c1).real @ linalg.sqrtm(c2).real)), "commute")
    rejects(check, frechet_parts(lambda d, s, c1, c2: np.trace(c1 + c2 - 2 * s)), "mean term")
    rejects(check, frechet_parts(lambda d, s, c1, c2: np.linalg.norm(d) + np.trace(
        c1 + c2 - 2 * s)), "squared")
    rejects(check, frechet_parts(lambda d, s, c1, c2: np.sqrt(d @ d + np.trace(
        c1 + c2 - 2 * s))), "no final square root")
    rejects(check, frechet_parts(lambda d, s, c1, c2: d @ d + np.trace(c1 + c2 - s)),
            "factor 2")
    rejects(check, frechet_parts(lambda d, s, c1, c2: d @ d + np.sum(c1 + c2 - 2 * s)),
            "np.trace")


def test_frechet_checker_rejects_unusable_outputs(rejects):
    check = checks.check_frechet_distance
    rejects(check, lambda m1, c1, m2, c2: c1 + c2,
            "has shape \\(1, 1\\), expected \\(\\).*one number")
    rejects(check, lambda m1, c1, m2, c2: complex(frechet_symmetric(m1, c1, m2, c2), 0.5),
            "real part")
    with np.errstate(invalid="ignore"):  # entry-wise sqrt of negative entries: nan
        rejects(check, lambda m1, c1, m2, c2: np.trace(c1 + c2 - 2 * np.sqrt(-c1 @ c2)),
                "nan for negative entries")
    rejects(check, lambda m1, c1, m2, c2: 1.0 + 0.0 * float(m1[0]), "sqrtm\\(C1 @ C2\\)")


# --- exercise 2: feature_statistics -----------------------------------------------------------

def test_feature_statistics_checker_accepts_right_answers(passes):
    def by_hand(f):
        mu = f.mean(axis=0)
        c = f - mu
        return mu, c.T @ c / (len(f) - 1)

    with pytest.warns(UserWarning):  # the library warns on the N < d case; still right
        assert passes(checks.check_feature_statistics, metrics.feature_statistics) < 1e-12
    with warnings.catch_warnings():  # the checker's own reference keeps that warning quiet
        warnings.simplefilter("error")
        assert passes(checks.check_feature_statistics, by_hand) < 1e-12


def test_feature_statistics_checker_rejects_the_usual_mistakes(rejects):
    check = checks.check_feature_statistics
    rejects(check, lambda f: (f.mean(0), np.cov(f, rowvar=False, bias=True)), "N - 1")
    rejects(check, lambda f: (f.mean(0), np.cov(f, rowvar=False, ddof=0)), "biased")
    rejects(check, lambda f: (f.mean(0), f.T @ f / (len(f) - 1)), "subtract the mean")
    rejects(check, lambda f: (f.mean(0), np.corrcoef(f, rowvar=False)), "correlations")
    rejects(check, lambda f: (f.mean(0), np.diag(f.var(0, ddof=1))), "only the variances")
    rejects(check, lambda f: (f.mean(0), np.cov(f)), "rowvar=False")  # (N, N)
    rejects(check, lambda f: (f.mean(1), np.cov(f, rowvar=False)), "axis=0")
    rejects(check, lambda f: np.cov(f, rowvar=False), "return a tuple of 2 arrays")
    rejects(check, lambda f: (f.mean(0), f.T @ f), "feature_statistics \\(sigma\\): not yet right")
    rejects(check, lambda f: (f.mean(0) + 1e-3, np.cov(f, rowvar=False)), "one mean per feature")


# --- exercise 3: expected_mean_term -----------------------------------------------------------

def mean_term_by_coordinates(mu1, s1, n1, mu2, s2, n2):
    """Independent solution: coordinate by coordinate, E(x̄1j − x̄2j)² = (mu1j − mu2j)² +
    Var(x̄1j) + Var(x̄2j), with Var(x̄ij) = Σi[j, j] / Ni, summed over j."""
    return sum((a - b) ** 2 + v1 / n1 + v2 / n2
               for a, b, v1, v2 in zip(mu1, mu2, np.diagonal(s1), np.diagonal(s2)))


def mean_mistake(formula):
    def wrong(mu1, s1, n1, mu2, s2, n2):
        d = np.asarray(mu1) - np.asarray(mu2)
        return formula(d @ d, s1, n1, s2, n2)
    return wrong


def test_expected_mean_term_checker_accepts_right_answers(passes):
    ref = nb06_fid._reference_expected_mean_term
    assert passes(checks.check_expected_mean_term, ref) < 1e-12
    assert passes(checks.check_expected_mean_term, mean_term_by_coordinates) < 1e-12
    # as a 0-d array, and with the traces taken as sums of eigenvalues
    assert passes(checks.check_expected_mean_term, mean_mistake(
        lambda m, s1, n1, s2, n2: np.asarray(m + np.linalg.eigvalsh(s1).sum() / n1
                                             + np.linalg.eigvalsh(s2).sum() / n2))) < 1e-9


def test_expected_mean_term_reference_matches_a_simulation():
    """The closed form is the expectation: a seeded simulation of the checker's third case
    (small N, so that the mistakes are far apart) agrees within 4 standard errors, and the
    N - 1 mistake lies far outside them."""
    mu1, s1, n1, mu2, s2, n2 = nb06_fid._expected_mean_cases()[2]
    rng, repeats = np.random.default_rng(0), 20000
    x1 = mu1 + rng.standard_normal((repeats, n1, len(mu1))) @ np.linalg.cholesky(s1).T
    x2 = mu2 + rng.standard_normal((repeats, n2, len(mu2))) @ np.linalg.cholesky(s2).T
    v = x1.mean(axis=1) - x2.mean(axis=1)
    terms = np.einsum("ri,ri->r", v, v)
    mean, se = terms.mean(), terms.std(ddof=1) / np.sqrt(repeats)
    assert abs(mean - nb06_fid._reference_expected_mean_term(mu1, s1, n1, mu2, s2, n2)) < 4 * se
    d = mu1 - mu2
    n_minus_1 = d @ d + np.trace(s1) / (n1 - 1) + np.trace(s2) / (n2 - 1)
    assert abs(mean - n_minus_1) > 10 * se


def test_expected_mean_term_checker_rejects_the_usual_mistakes(rejects):
    check, w, tr = checks.check_expected_mean_term, mean_mistake, np.trace
    rejects(check, w(lambda m, s1, n1, s2, n2: tr(s1) / n1 + tr(s2) / n2), "you left out")
    rejects(check, w(lambda m, s1, n1, s2, n2: m + tr(s1) / n1), "only the first")
    rejects(check, w(lambda m, s1, n1, s2, n2: m + tr(s2) / n2), "only the second")
    rejects(check, w(lambda m, s1, n1, s2, n2: m + tr(s1) / n2 + tr(s2) / n1), "swapped")
    rejects(check, w(lambda m, s1, n1, s2, n2: m + tr(s1) + tr(s2)), "averaging shrinks")
    rejects(check, w(lambda m, s1, n1, s2, n2: m + tr(s1) / (n1 - 1) + tr(s2) / (n2 - 1)),
            "unbiased \\*sample covariance")
    rejects(check, w(lambda m, s1, n1, s2, n2: m + tr(s1) / n1 ** 2 + tr(s2) / n2 ** 2),
            "without that factor N")
    rejects(check, w(lambda m, s1, n1, s2, n2: m + tr(s1) / np.sqrt(n1)
                     + tr(s2) / np.sqrt(n2)), "standard error")
    rejects(check, w(lambda m, s1, n1, s2, n2: m + tr(s1) / n1 - tr(s2) / n2),
            "with a plus")
    rejects(check, w(lambda m, s1, n1, s2, n2: m + (tr(s1) + tr(s2)) / (n1 + n2)),
            "dividing the sum by N1 \\+ N2")
    rejects(check, w(lambda m, s1, n1, s2, n2: m + np.linalg.det(s1) / n1
                     + np.linalg.det(s2) / n2), "determinant")
    rejects(check, w(lambda m, s1, n1, s2, n2: m + np.linalg.norm(s1) / n1
                     + np.linalg.norm(s2) / n2), "Frobenius")
    rejects(check, w(lambda m, s1, n1, s2, n2: m + np.sum(s1) / n1 + np.sum(s2) / n2),
            "sum of all entries")
    rejects(check, w(lambda m, s1, n1, s2, n2: np.sqrt(m) + tr(s1) / n1 + tr(s2) / n2),
            "\\*squared\\* distance")


def test_expected_mean_term_checker_rejects_unusable_outputs(rejects):
    check = checks.check_expected_mean_term
    rejects(check, lambda m1, s1, n1, m2, s2, n2: (m1 - m2) ** 2 + np.diagonal(s1) / n1
            + np.diagonal(s2) / n2, "one number")  # per coordinate, not summed
    rejects(check, lambda m1, s1, n1, m2, s2, n2: 1.0, "E‖v‖² = ‖E v‖² \\+ Tr Cov\\(v\\)")


# --- exercise 4: fid_infinity -----------------------------------------------------------------

def test_fid_infinity_checker_accepts_right_answers(passes):
    def lstsq(ns, fids):
        a = np.stack([np.ones(len(ns)), 1 / np.asarray(ns)], 1)
        return tuple(np.linalg.lstsq(a, fids, rcond=None)[0])

    assert passes(checks.check_fid_infinity, metrics.fid_infinity) < 1e-12
    assert passes(checks.check_fid_infinity, lstsq) < 1e-9
    assert passes(checks.check_fid_infinity, lambda ns, f: np.polyfit(1 / ns, f, 1)[::-1]) < 1e-9


def test_fid_infinity_checker_rejects_the_usual_mistakes(rejects):
    check = checks.check_fid_infinity
    rejects(check, lambda ns, f: tuple(np.polyfit(1 / ns, f, 1)), "highest power first")
    rejects(check, lambda ns, f: tuple(np.polyfit(ns, f, 1)[::-1]), "line in N")

    def endpoints(ns, f):
        k = (f[-1] - f[0]) / (1 / ns[-1] - 1 / ns[0])
        return f[0] - k / ns[0], k

    rejects(check, endpoints, "first and last points")
    rejects(check, lambda ns, f: (f[-1], 0.0), "least squares on x = 1/N")  # generic hint
    rejects(check, lambda ns, f: np.polyfit(1 / ns, f, 1)[1], "the pair")  # FID∞ alone
