"""Checkers for notebooks/08_diagnosing_training.ipynb.

Exercise 1, ``dirac_growth`` (derive): the factor by which one simultaneous gradient step
multiplies the distance to the Dirac-GAN's equilibrium, linearised there: √(1 + η²/4).
Exercise 2, ``diagnosis`` (diagnose): four unlabelled training panels from fresh runs (seeds
the notebook's gallery never used), each one of the gallery's behaviours; the reader names
each. The panels are trained by :func:`mystery_runs` in an order fixed here, so the notebook's
code does not give the answer away. A wrong name gets the signal that tells the two apart.
"""
import numpy as np

from .core import compare, exercise, report

# --- exercise 1: dirac_growth -----------------------------------------------------------------


def _reference_dirac_growth(lr):
    # Near θ = ψ = 0, σ(ψθ) ≈ σ(0) = 1/2: ψ ← ψ − (η/2)θ, θ ← θ + (η/2)ψ, a rotation scaled
    # by the square root of the determinant 1 + η²/4.
    return np.sqrt(1.0 + lr ** 2 / 4.0)


@exercise(reference=_reference_dirac_growth)
def check_dirac_growth(dirac_growth):
    """08, exercise 1: ``dirac_growth(lr)``: the factor by which one *simultaneous* SGD step
    multiplies the Dirac-GAN's distance √(θ² + ψ²) to its equilibrium, near it."""
    cases = [(0.01,), (0.1,), (0.3,), (1.0,), (2.0,)]
    as_float = lambda fn: lambda lr: np.asarray(fn(lr), dtype=np.float64)  # noqa: E731
    worst = compare(
        "dirac_growth", as_float(dirac_growth), as_float(_reference_dirac_growth), cases,
        tol=1e-9,
        wrong_answers=[
            (lambda lr: np.sqrt(1 + lr ** 2),
             "that is the bilinear game's factor. Here D's logit ψθ passes through the sigmoid: "
             "each gradient carries σ(ψθ), which is 1/2 at the equilibrium."),
            (lambda lr: 1 + lr ** 2 / 4,
             "that is the factor of the *squared* distance (the determinant of the step's "
             "matrix); the distance grows by its square root."),
            (lambda lr: 1 + lr ** 2,
             "that is the bilinear game's squared factor, and the sigmoid's 1/2 is missing."),
            (lambda lr: np.ones_like(lr),
             "1 is what alternating steps keep (on average): simultaneous steps expand. Write "
             "both updates with the old (θ, ψ), then the step's 2x2 matrix."),
            (lambda lr: np.sqrt(1 + lr ** 2 / 16),
             "σ(0) = 1/2, not 1/4 (that is σ'(0)): the gradients are σ(ψθ)·θ and σ(ψθ)·ψ, and "
             "at ψθ = 0 the sigmoid itself, not its slope, multiplies them."),
        ],
        hint="linearise at θ = ψ = 0: D's step ψ ← ψ − η·σ(ψθ)·θ, G's step θ ← θ + η·σ(ψθ)·ψ "
             "with σ(0) = 1/2; the step is (θ, ψ) ← M (θ, ψ) for a 2x2 matrix M, a rotation "
             "times a scale; the scale is √det M.")
    report("dirac_growth", worst, 1e-9)


# --- exercise 2: diagnosis --------------------------------------------------------------------

LABELS = ("healthy", "D wins", "mode collapse", "oscillation", "output range", "divergence")
# The behaviour behind each mystery panel (the notebook trains them through mystery_runs).
_KEY = {"A": "output range", "B": "mode collapse", "C": "healthy", "D": "D wins"}
MYSTERY_SEED = 100  # fresh runs: the gallery trains seeds 0, 1, 2

# What tells the true behaviour (first) from the one named (second), read off the panels.
_TELLS = {
    ("D wins", "output range"): "both have D(G(z)) near 0, but here G's gradient norm falls to "
    "~0 (the saturating loss stops teaching G) while the samples still span negative pixels; "
    "under an output-range mismatch the samples never go below 0.",
    ("output range", "D wins"): "both have D(G(z)) near 0, but look at the samples' pixel range "
    "in the panel's title: none is below 0, so G cannot draw the data's background (-1) at all; "
    "its gradient norm shrinks far less than a winning D's saturating loss lets it.",
    ("mode collapse", "healthy"): "D(G(z)) is high (D is fooled) and the losses look calm, but "
    "the samples of different z are the same image: count the distinct samples, not the loss.",
    ("healthy", "mode collapse"): "the samples differ from one z to the next (several digits), "
    "and D(x), D(G(z)) stay apart but away from 0 and 1: that is a healthy run.",
    ("D wins", "mode collapse"): "the samples look alike, but D(G(z)) is near 0 and G's "
    "gradient vanishes: G is not fooling D with one image, it gets no signal at all.",
    ("mode collapse", "D wins"): "D(G(z)) is high, not near 0: D is being fooled, by one "
    "image repeated (the samples of different z are the same).",
    ("output range", "mode collapse"): "the samples are alike because they are flat grey: "
    "their pixels never go below 0 (see the panel's title), and D(G(z)) is near 0, not high.",
    ("healthy", "D wins"): "D(G(z)) stays well above 0 and G's gradient does not vanish; the "
    "samples improve over time.",
}


def _reference_diagnosis():
    return dict(_KEY)


def mystery_runs(train):
    """Train the four mystery panels: ``train(kind, seed)`` is the notebook's gallery function
    (kind one of :data:`LABELS`); returns {letter: what ``train`` returned}, letters A-D."""
    return {letter: train(kind, MYSTERY_SEED + i) for i, (letter, kind) in enumerate(_KEY.items())}


@exercise()
def check_diagnosis(diagnosis):
    """08, exercise 2: ``diagnosis() -> {"A": label, ..., "D": label}``, each label one of
    :data:`LABELS`."""
    got = diagnosis()
    if not isinstance(got, dict):
        raise AssertionError(f"diagnosis() should return a dict {{'A': label, ...}}, got "
                             f"{type(got).__name__}.")
    missing = sorted(set(_KEY) - set(got))
    if missing:
        raise AssertionError(f"name every panel: {', '.join(missing)} missing (letters "
                             f"{', '.join(_KEY)}).")
    unknown = {k: v for k, v in got.items() if v not in LABELS}
    if unknown:
        names = ", ".join(map(repr, LABELS))
        given = ", ".join(f"{k}: {v!r}" for k, v in sorted(unknown.items()))
        raise AssertionError(f"use the gallery's names exactly, one of {names}; not {given}.")
    wrong = [(k, _KEY[k], got[k]) for k in _KEY if got[k] != _KEY[k]]
    if wrong:
        letter, truth, named = wrong[0]
        tell = _TELLS.get((truth, named), f"compare panel {letter} with the gallery's "
                          f"'{named}' panel signal by signal: D(G(z)), G's gradient norm, "
                          "the samples and their pixel range.")
        raise AssertionError(f"{len(wrong)} of {len(_KEY)} panels misnamed. Panel {letter} is "
                             f"not '{named}': {tell}")
    report("diagnosis", 0.0, 0)  # names: exact, so the error is 0
