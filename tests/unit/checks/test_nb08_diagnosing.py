"""Notebook 08's checker accepts the key, refuses malformed answers and names, for each
plausible confusion, the signal that tells the two behaviours apart."""
import numpy as np
import pytest

from gan_helpers import checks
from gan_helpers.checks import nb08_diagnosing as nb08

KEY = {"A": "output range", "B": "mode collapse", "C": "healthy", "D": "D wins"}


def test_diagnosis_accepts_the_key(passes):
    assert passes(checks.check_diagnosis, lambda: dict(KEY)) == 0


def with_(**changes):
    return lambda: {**KEY, **changes}


@pytest.mark.parametrize("answer, hint", [
    (with_(A="D wins", D="output range"), "pixel range"),      # the two D(G(z)) -> 0 swapped
    (with_(D="output range"), "gradient norm falls"),
    (with_(B="healthy"), "same image"),                       # calm losses fooled the reader
    (with_(C="mode collapse"), "healthy run"),
    (with_(B="D wins"), "high, not near 0"),
    (with_(D="mode collapse"), "gets no signal"),
    (with_(A="mode collapse"), "flat grey"),
    (with_(C="oscillation"), "signal by signal"),             # no specific tell: the generic one
    (with_(A="grey images"), "gallery's names exactly"),
    (lambda: {"A": "output range"}, "B, C, D missing"),
    (lambda: ["output range", "mode collapse", "healthy", "D wins"], "return a dict"),
])
def test_diagnosis_names_the_confusion(answer, hint):
    with pytest.raises(AssertionError, match=hint):
        checks.check_diagnosis(answer, grading=True)


def test_mystery_runs_trains_each_behaviour_once_on_fresh_seeds():
    calls = []
    out = nb08.mystery_runs(lambda kind, seed: calls.append((kind, seed)) or kind)
    assert out == KEY
    assert sorted(k for k, _ in calls) == sorted(KEY.values())
    assert all(kind in nb08.LABELS for kind, _ in calls)
    assert min(s for _, s in calls) >= 3   # the gallery trains seeds 0, 1, 2 (5 under full)


# --- exercise 1: dirac_growth -----------------------------------------------------------------

def test_dirac_growth_accepts_the_derivation(passes):
    assert passes(checks.check_dirac_growth, lambda lr: np.sqrt(1 + lr ** 2 / 4)) == 0
    assert passes(checks.check_dirac_growth, lambda lr: np.hypot(1, lr / 2)) < 1e-12


@pytest.mark.parametrize("wrong, hint", [
    (lambda lr: np.sqrt(1 + lr ** 2), "bilinear game's factor"),
    (lambda lr: 1 + lr ** 2 / 4, "squared"),
    (lambda lr: 1.0 + 0 * lr, "alternating"),
    (lambda lr: np.sqrt(1 + lr ** 2 / 16), "not 1/4"),
    (lambda lr: 1 + lr / 2, "linearise"),                  # no known mistake: the general hint
])
def test_dirac_growth_names_the_mistake(wrong, hint):
    with pytest.raises(AssertionError, match=hint):
        checks.check_dirac_growth(wrong, grading=True)


def test_dirac_growth_reference_is_what_the_linearised_step_does():
    """The reference against the 2x2 step matrix itself, and against gradient play on the exact
    Dirac-GAN started very close to its equilibrium."""
    for lr in (0.05, 0.3, 1.0):
        m = np.array([[1, lr / 2], [-lr / 2, 1]])   # (θ, ψ) <- M (θ, ψ)
        np.testing.assert_allclose(np.sqrt(np.linalg.det(m)), nb08._reference_dirac_growth(lr))
        theta, psi, sig = 1e-4, 0.0, lambda t: 1 / (1 + np.exp(-t))
        for _ in range(50):
            theta, psi = theta + lr * sig(psi * theta) * psi, psi - lr * sig(psi * theta) * theta
        np.testing.assert_allclose(np.hypot(theta, psi) / 1e-4,
                                   nb08._reference_dirac_growth(lr) ** 50, rtol=1e-4)
