"""Notebook 09's checkers accept the references and name the usual mistakes."""
import numpy as np
import pytest

import gan_helpers as gh
from gan_helpers import checks
from gan_helpers.checks import nb09_evaluation as nb09

# --- exercise 1: precision_recall -------------------------------------------------------------


def _dist(a, b):
    return np.sqrt(((a[:, None] - b[None]) ** 2).sum(-1))


def _pr(real, fake, k=3, kk=None, swap=False, same=False, closed=False):
    kk = k if kk is None else kk
    r_real = np.sort(_dist(real, real), 1)[:, kk]
    r_fake = np.sort(_dist(fake, fake), 1)[:, kk]
    inside = (lambda d, r: d <= r) if closed else (lambda d, r: d < r)
    p = inside(_dist(fake, real), r_real[None]).any(1).mean()
    r = (inside(_dist(real, fake), r_real[:, None]).any(1).mean() if same else
         inside(_dist(real, fake), r_fake[None]).any(1).mean())
    return (r, p) if swap else (p, r)


def test_precision_recall_accepts_a_loop_free_numpy_answer_and_a_closed_ball(passes):
    assert passes(checks.check_precision_recall, _pr) == 0
    # closed balls (<=) differ from open ones only on exact ties: none on these inputs
    assert passes(checks.check_precision_recall, lambda r, f, k: _pr(r, f, k, closed=True)) == 0


@pytest.mark.parametrize("wrong, hint", [
    (lambda r, f, k: _pr(r, f, k, kk=k - 1), "exclude the sample itself"),
    (lambda r, f, k: _pr(r, f, k, swap=True), "swapped"),
    (lambda r, f, k: _pr(r, f, k, same=True), "reused the real samples' balls"),
    (lambda r, f, k: (1.0, 1.0), "r_real = distance"),
    (lambda r, f, k: 0.5, "pair"),
])
def test_precision_recall_names_the_mistake(wrong, hint):
    with pytest.raises(AssertionError, match=hint):
        checks.check_precision_recall(wrong, grading=True)


# --- exercise 2: memoriser_flags --------------------------------------------------------------


def test_memoriser_flags_accepts_the_shift_tolerant_test_alone(passes):
    assert passes(checks.check_memoriser_flags, lambda: {"memorisation (shift-tolerant)"}) == 0
    assert passes(checks.check_memoriser_flags, lambda: ["memorisation (shift-tolerant)"]) == 0


@pytest.mark.parametrize("answer, hint", [
    ({"FID", "memorisation (shift-tolerant)"}, "data's mean and covariance"),
    ({"memorisation (pixels)", "memorisation (shift-tolerant)"}, "one-pixel shift"),
    ({"precision"}, "realistic digit"),
    ({"recall"}, "variety"),
    (set(), "shift"),
    ({"fid"}, "unknown metric"),
    (3, "set of metric names"),
])
def test_memoriser_flags_explains_each_metric_that_is_fooled(answer, hint):
    with pytest.raises(AssertionError, match=hint):
        checks.check_memoriser_flags(lambda: answer, grading=True)


# --- exercise 3: typical_subset ---------------------------------------------------------------


def _typical(features, labels, n):
    picks = []
    for k in range(10):
        ids = np.flatnonzero(labels == k)
        d = ((features[ids] - features[ids].mean(0)) ** 2).sum(1)
        picks.extend(ids[np.argsort(d)[: n // 10]])
    return np.array(picks)


def test_typical_subset_accepts_the_most_typical_digits(passes):
    assert passes(checks.check_typical_subset, _typical) == 0


def _random(features, labels, n):
    return np.random.default_rng(1).choice(len(labels), n, replace=False)


def _repeater(features, labels, n):
    return np.resize([np.flatnonzero(labels == k)[0] for k in range(10)], n)


def _three_digits(features, labels, n):
    return np.flatnonzero(labels < 3)[:n]


def _atypical(features, labels, n):
    picks = []
    for k in range(10):
        ids = np.flatnonzero(labels == k)
        d = ((features[ids] - features[ids].mean(0)) ** 2).sum(1)
        picks.extend(ids[np.argsort(d)[-(n // 10):]])   # the *least* typical
    return np.array(picks)


@pytest.mark.parametrize("wrong, hint", [
    (_random, "still spread"),
    (_repeater, "distinct"),
    (_three_digits, "every digit"),
    (_atypical, "precision"),
    (lambda f, y, n: np.linspace(0, 1, n), "integer indices"),
])
def test_typical_subset_names_the_mistake(wrong, hint):
    with pytest.raises(AssertionError, match=hint):
        checks.check_typical_subset(wrong, grading=True)


def test_the_metrics_list_names_what_the_notebook_computes():
    assert "memorisation (shift-tolerant)" in nb09.METRICS and len(set(nb09.METRICS)) == 8
    assert set(nb09._WHY) == set(nb09.METRICS) - nb09._FLAGS
    assert gh.metrics.precision_recall is not None
