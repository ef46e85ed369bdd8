"""Notebook 04's checkers accept the reference and name the usual mistakes."""
import numpy as np
import pytest

from gan_helpers import checks, latent

# --- exercise 1: same_output_size -------------------------------------------------------------

def test_same_output_size_accepts_correct_answers(passes):
    assert passes(checks.check_same_output_size, lambda n, s, t: n * s if t else -(-n // s)) == 0
    assert passes(checks.check_same_output_size,
                  lambda n, s, t: n * s if t else int(np.ceil(n / s))) == 0


@pytest.mark.parametrize("wrong, hint", [
    (lambda n, s, t: n * s if t else n // s, "rounds \\*up\\*"),
    (lambda n, s, t: -(-n // s), "multiplies the size by the stride"),
    (lambda n, s, t: -(-n // s) if t else n * s, "directions are swapped"),
    (lambda n, s, t: n, "only at stride 1"),
    (lambda n, s, t: (n - 1) * s + 5 if t else -(-n // s), "ceil\\(n / s\\); .*n \\* s"),
])
def test_same_output_size_names_the_mistake(wrong, hint):
    with pytest.raises(AssertionError, match=hint):
        checks.check_same_output_size(wrong)


# --- exercise 2: slerp ------------------------------------------------------------------------

def _slerp_unguarded(z0, z1, t):
    z0, z1 = np.asarray(z0, np.float64), np.asarray(z1, np.float64)
    cos = z0 @ z1 / (np.linalg.norm(z0) * np.linalg.norm(z1))
    omega = np.arccos(np.clip(cos, -1.0, 1.0))
    with np.errstate(invalid="ignore", divide="ignore"):  # 0/0 for (anti)parallel vectors
        return (np.sin((1 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)


def _slerp(z0, z1, t):
    z0, z1 = np.asarray(z0, np.float64), np.asarray(z1, np.float64)
    cos = z0 @ z1 / (np.linalg.norm(z0) * np.linalg.norm(z1))
    omega = np.arccos(np.clip(cos, -1.0, 1.0))
    if np.sin(omega) < 1e-6:  # (anti)parallel: fall back to lerp
        return (1 - t) * z0 + t * z1
    return (np.sin((1 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)


def _slerp_parallel_only(z0, z1, t):
    # Guards Ω = 0 but not Ω = π, where sin Ω is rounding noise (~1e-16), not 0.
    z0, z1 = np.asarray(z0, np.float64), np.asarray(z1, np.float64)
    cos = z0 @ z1 / (np.linalg.norm(z0) * np.linalg.norm(z1))
    omega = np.arccos(np.clip(cos, -1.0, 1.0))
    if omega == 0:
        return (1 - t) * z0 + t * z1
    return (np.sin((1 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)


def test_slerp_accepts_correct_answers(passes):
    assert passes(checks.check_slerp, _slerp) < 1e-10
    assert passes(checks.check_slerp, latent.slerp) == 0
    # float32 arithmetic is fine too
    assert passes(checks.check_slerp, lambda a, b, t: _slerp(a, b, t).astype(np.float32)) <= 1e-6


def _unnormalised(z0, z1, t):
    with np.errstate(invalid="ignore"):  # cosine of the raw vectors: outside [-1, 1] -> nan
        omega = np.arccos(z0 @ z1)
        return (np.sin((1 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)


@pytest.mark.parametrize("wrong, hint", [
    (lambda a, b, t: (1 - t) * a + t * b, "that is linear interpolation"),
    (lambda a, b, t: _slerp(a, b, 1 - t), "t runs the wrong way"),
    (lambda a, b, t: _slerp(a / np.linalg.norm(a), b / np.linalg.norm(b), t),
     "you interpolated the unit vectors"),
    (_unnormalised, "arccos of a number outside"),
    (lambda a, b, t: _slerp(a, b, t)[:, None], "one vector of z0's shape"),
    (lambda a, b, t: np.sin(1 - t) * a + np.sin(t) * b, "Ω = arccos"),
    (_slerp_unguarded, "parallel or antiparallel vectors"),
    (_slerp_parallel_only, "parallel or antiparallel vectors"),
])
def test_slerp_names_the_mistake(wrong, hint):
    with pytest.raises(AssertionError, match=hint):
        checks.check_slerp(wrong)
