"""Notebook 04's checkers accept the reference and name the usual mistakes."""
import numpy as np
import pytest

from gan_helpers import checks, latent
from gan_helpers.checks import nb04_dcgan

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


# --- exercise 2: upsampling_plan (design) -----------------------------------------------------

def _stamped(n, kernel, stride):
    """Stamps covering each output pixel of a 1-D transposed convolution of n ones, literally:
    every input pixel adds a kernel of ones at i * stride (no padding, no cropping)."""
    cover = np.zeros(n * stride + kernel, dtype=int)
    for i in range(n):
        cover[i * stride:i * stride + kernel] += 1
    return cover


@pytest.mark.parametrize("kernel", range(1, 10))
@pytest.mark.parametrize("stride", range(1, 5))
def test_stamp_counts_are_the_literal_overlap(kernel, stride):
    cover = _stamped(4 * kernel + 4, kernel, stride)
    middle = 2 * kernel * stride + stride * 2          # far from both ends
    period = cover[middle:middle + stride].tolist()
    assert sorted(period) == sorted(nb04_dcgan._stamp_counts(kernel, stride))
    assert (len(set(period)) == 1) == (kernel % stride == 0)


@pytest.mark.parametrize("plan", [
    [(5, 1), (4, 2), (4, 2)],           # the reference: the tutorial's 5s -> 4s where strided
    [(4, 2), (4, 2)],
    [(6, 2), (4, 2)],
    [(8, 4)],
    ((3, 1), (4, 2), (6, 2), (1, 1)),   # a tuple of pairs, a 1x1 layer: fine
    [[4, 2], [4, 2]],
    np.array([[4, 2], [4, 2]]),
])
def test_upsampling_plan_accepts_good_plans(passes, plan):
    assert passes(checks.check_upsampling_plan, lambda: plan) == 0


@pytest.mark.parametrize("plan, hint", [
    ([(5, 1), (5, 2), (5, 2)], "layer 2 \\(kernel 5, stride 2\\) overlaps unevenly: .* "
     "3, 2, 3, 2, .* checkerboard of 9, 6, 4"),            # the tutorial's own plan
    ([(3, 2), (3, 2)], "layer 1 .* overlaps unevenly: .* 2, 1, 2, 1, .* 4, 2, 1"),
    ([(4, 2), (5, 2)], "layer 2 \\(kernel 5, stride 2\\) overlaps unevenly"),
    ([(5, 4)], "overlaps unevenly: .* 2, 1, 1, 1, 2, 1, 1, 1"),
    ([(1, 2), (4, 2)], "leaves holes: .* 1, 0, 1, 0"),
    ([(2, 2), (2, 2)], "tile without overlapping"),
    ([(4, 4)], "tile without overlapping"),
    ([(4, 2), (4, 2), (4, 2)], "7 -> 14 -> 28 -> 56, not 7 -> ... -> 28: .* multiply to "
     "28 / 7 = 4"),
    ([(5, 2)], "7 -> 14, not 7 -> ... -> 28"),
    ([(5, 1), (5, 1), (5, 1)], "stride 1 everywhere the plan never upsamples"),
    ([(2, 4), (2, 4)], "\\(kernel, stride\\), in that order"),
    ([(1, 5), (2, 4), (2, 4)], "\\(kernel, stride\\), in that order"),
    ((4, 2), "list of \\(kernel, stride\\) pairs"),
    ([(4.0, 2), (4, 2)], "list of \\(kernel, stride\\) pairs"),
    ([(0, 2), (4, 2)], "list of \\(kernel, stride\\) pairs"),
    ([], "list of \\(kernel, stride\\) pairs"),
    (None, "list of \\(kernel, stride\\) pairs"),
])
def test_upsampling_plan_names_the_mistake(rejects, plan, hint):
    rejects(checks.check_upsampling_plan, lambda: plan, hint)


def test_upsampling_plan_reference_is_the_fallback(capsys):
    def broken():
        return [(5, 1), (5, 2), (5, 2)]

    ref = checks.yours_or_reference(broken, name="upsampling_plan")
    assert ref() == [(5, 1), (4, 2), (4, 2)]
    assert "does not pass its check yet" in capsys.readouterr().out


# --- exercise 3: slerp ------------------------------------------------------------------------

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
