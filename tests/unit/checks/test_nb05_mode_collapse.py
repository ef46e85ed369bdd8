"""Notebook 05's checkers accept the reference answers and reject plausible mistakes
with the hint that names them."""
import keras
import numpy as np
import pytest
import tensorflow as tf

import gan_helpers as gh
from gan_helpers import variants as V
from gan_helpers.metrics import mode_coverage

# --- exercise 1: mode_coverage ----------------------------------------------------------------

def _coverage(radius=3.0, squared=False, require_hq=True):
    def fn(samples, centres, std):
        d2 = ((samples[:, None, :] - centres[None]) ** 2).sum(-1)
        dist = d2.min(1) if squared else np.sqrt(d2.min(1))
        hq = dist < radius * std
        near = d2.argmin(1)
        return len(np.unique(near[hq] if require_hq else near)), hq.mean()
    return fn


def test_mode_coverage_checker(passes):
    assert passes(gh.checks.check_mode_coverage, mode_coverage) == 0
    assert passes(gh.checks.check_mode_coverage, _coverage()) < 1e-6
    for mistake, hint in [(dict(require_hq=False), "high-quality"), (dict(radius=1.0), "3 \\* std"),
                          (dict(squared=True), "not the squared distance")]:
        with pytest.raises(AssertionError, match=hint):
            gh.checks.check_mode_coverage(_coverage(**mistake))
    with pytest.raises(AssertionError, match="return a pair \\(modes, hq_fraction\\)"):
        gh.checks.check_mode_coverage(lambda s, c, sd: 3)


# --- exercise 2: diagnose --------------------------------------------------------------------

def _diagnose(bar=0.6, radius=3.0, raw=False, order="hq first", all_modes=1.0):
    """A reader's diagnosis, written out by hand, with one mistake switched on."""
    def diagnose(samples, centres, std):
        d = np.sqrt(((samples[:, None, :] - centres[None]) ** 2).sum(-1))
        hq = d.min(1) < (radius if raw else radius * std)
        modes, hq_fraction = len(np.unique(d.argmin(1)[hq])), hq.mean()
        every_mode = modes >= all_modes * len(centres)
        if order == "modes only":
            return "healthy" if every_mode else "mode collapse"
        if order == "modes first" and not every_mode:
            return "mode collapse"
        if hq_fraction <= bar:
            return "low quality"
        return "healthy" if every_mode else "mode collapse"
    return diagnose


def test_diagnose_checker_accepts_the_rule_written_two_ways(passes):
    def with_the_library(samples, centres, std):
        cov = mode_coverage(samples, centres, std)
        if cov.hq_fraction <= 0.6:
            return "low quality"
        return "mode collapse" if cov.modes < len(centres) else "healthy"
    assert passes(gh.checks.check_diagnose, with_the_library) == 0
    assert passes(gh.checks.check_diagnose, _diagnose()) == 0
    # the claim's per-seed floor of 30% gives the same verdicts: no set lies between the bars
    assert passes(gh.checks.check_diagnose, _diagnose(bar=0.3)) == 0


def test_diagnosis_cases_are_what_their_labels_say():
    from gan_helpers.checks.nb05_mode_collapse import diagnosis_cases
    cases = diagnosis_cases()
    assert {label for *_, label in cases} == {"healthy", "mode collapse", "low quality"}
    for name, samples, centres, std, label in cases:
        cov = mode_coverage(samples, centres, std)
        assert not 0.3 <= cov.hq_fraction <= 0.7, name  # clear of both bars
        if label == "low quality":
            assert cov.hq_fraction < 0.3, name
        else:
            assert cov.hq_fraction > 0.8, name
            assert (cov.modes == len(centres)) == (label == "healthy"), name
    # the traps: low-quality sets whose mode count alone would say healthy, and collapse
    low = [mode_coverage(s, c, sd).modes / len(c) for _, s, c, sd, lab in cases
           if lab == "low quality"]
    assert max(low) == 1.0 and min(low) < 0.5


@pytest.mark.parametrize("mistake, hint", [
    (dict(order="modes only"), "modes column alone.*Look at HQ first"),
    (dict(order="modes first"), "mode count before HQ.*never learned"),
    (dict(raw=True), "not within a distance of 3"),
    (dict(radius=0.03, raw=True), "use the std you are given"),
    (dict(bar=0.98), "not the data's own 98.9%"),
    (dict(all_modes=0.5), "healthy means every mode captured.*partial"),
])
def test_diagnose_checker_names_the_mistake(rejects, mistake, hint):
    rejects(gh.checks.check_diagnose, _diagnose(**mistake), hint)


def test_diagnose_checker_explains_a_misread_set_it_does_not_recognise(rejects):
    def healthy_means_no_stray_samples(samples, centres, std):  # bar 0.9: only the grid trips
        return _diagnose(bar=0.85)(samples, centres, std)
    rejects(gh.checks.check_diagnose, healthy_means_no_stray_samples,
            "1 of 11 sample sets misread; first, a healthy grid.*HQ 84%: you said 'low quality', "
            "it is 'healthy'.*sharp enough by the notebook's bar")


def test_diagnose_checker_wants_the_three_labels():
    with pytest.raises(AssertionError, match="return one of the strings 'healthy', "
                                             "'mode collapse', 'low quality'"):
        gh.checks.check_diagnose(lambda s, c, sd: "collapsed")
    with pytest.raises(AssertionError, match="return one of the strings"):
        gh.checks.check_diagnose(lambda s, c, sd: 1)


# --- exercise 2: gradient_penalty -------------------------------------------------------------

def _gp(draw="uniform", minus_one=True, square=True, eps=1e-12, axes="sample", sqrt=True):
    """A reader's gradient penalty, with one mistake switched on."""
    def gradient_penalty(critic, real, fake, seed_generator=None):
        real = tf.convert_to_tensor(real, tf.float32)
        fake = tf.convert_to_tensor(fake, tf.float32)
        shape = (real.shape[0],) + (1,) * (len(real.shape) - 1)
        if draw == "uniform":
            u = keras.random.uniform(shape, seed=seed_generator)
        elif draw == "normal":
            u = keras.random.normal(shape, seed=seed_generator)
        elif draw == "half":
            u = tf.fill(shape, 0.5)
        else:
            u = keras.random.uniform(real.shape, seed=seed_generator)
        x_hat = real + u * (fake - real)
        with tf.GradientTape() as tape:
            tape.watch(x_hat)
            s = critic(x_hat)
        g = tape.gradient(s, x_hat)
        red = {"sample": list(range(1, len(g.shape))), "last": [-1], "batch": None}[axes]
        sq = tf.reduce_sum(g * g, axis=red)
        norm = tf.sqrt(sq + eps) if sqrt else sq
        d = norm - 1.0 if minus_one else norm
        return tf.reduce_mean(d * d if square else d)
    return gradient_penalty


def test_gradient_penalty_checker_accepts_the_library_and_a_hand_written_one(passes):
    assert passes(gh.checks.check_gradient_penalty, V.gradient_penalty) < 1e-2
    assert passes(gh.checks.check_gradient_penalty, _gp()) < 1e-2


@pytest.mark.parametrize("mistake, hint", [
    (dict(draw="normal"), "not normal.*two thirds"),
    (dict(draw="per_element"), "one u per sample"),
    (dict(draw="half"), "not the midpoint 0.5"),
    (dict(minus_one=False), "towards 1, not towards 0"),
    (dict(square=False), "square"),
    (dict(sqrt=False), "not the squared norm"),
    (dict(axes="last"), "not over the last axis"),
    (dict(axes="batch"), "not one over the whole batch"),
])
def test_gradient_penalty_checker_names_the_mistake(mistake, hint):
    with pytest.raises(AssertionError, match=hint):
        gh.checks.check_gradient_penalty(_gp(**mistake))


def test_gradient_penalty_checker_catches_nan_at_zero_gradient():
    with pytest.raises(AssertionError, match=r"1e-12"):
        gh.checks.check_gradient_penalty(_gp(eps=0.0))


def test_gradient_penalty_checker_needs_gradients_to_reach_the_critic():
    def numpy_gp(critic, real, fake, seed_generator=None):
        return float(_gp()(critic, real, fake, seed_generator))  # off the tape
    with pytest.raises(AssertionError, match="no gradient reaches the critic's weights"):
        gh.checks.check_gradient_penalty(numpy_gp)


# --- exercise 3: pack -------------------------------------------------------------------------

def test_pack_checker(passes):
    assert passes(gh.checks.check_pack, lambda x, m: V.pack(x, m)) == 0

    def reshaped(x, m):
        if len(x) % m:
            raise ValueError("not divisible")
        return np.asarray(x).reshape(len(x) // m, -1)
    assert passes(gh.checks.check_pack, reshaped) == 0

    def strided(x, m):
        if len(x) % m:
            raise ValueError("not divisible")
        return np.asarray(x).reshape(m, len(x) // m, -1).transpose(1, 0, 2).reshape(len(x) // m, -1)
    with pytest.raises(AssertionError, match="consecutive rows"):
        gh.checks.check_pack(strided)

    def interleaved(x, m):
        if len(x) % m:
            raise ValueError("not divisible")
        return np.asarray(x).reshape(len(x) // m, m, -1).transpose(0, 2, 1).reshape(len(x) // m, -1)
    with pytest.raises(AssertionError, match="interleaved the coordinates"):
        gh.checks.check_pack(interleaved)

    def silent(x, m):  # drops the remainder without complaint
        x = np.asarray(x)[: len(x) // m * m]
        return x.reshape(len(x) // m, -1)
    with pytest.raises(AssertionError, match="raise a ValueError"):
        gh.checks.check_pack(silent)

    def averaged(x, m):
        if len(x) % m:
            raise ValueError("not divisible")
        return np.asarray(x).reshape(len(x) // m, m, -1).mean(axis=1)
    with pytest.raises(AssertionError, match="has shape \\(2, 2\\), expected \\(2, 6\\).*"
                                             "x.reshape\\(B // m, m \\* d\\)"):
        gh.checks.check_pack(averaged)

    def type_error(x, m):
        raise TypeError("m must be an int")
    with pytest.raises(AssertionError, match="should raise ValueError, not TypeError"):
        gh.checks.check_pack(type_error)


def test_pack_reference_is_the_plain_reshape():
    x = np.arange(24, dtype=np.float32).reshape(8, 3)
    np.testing.assert_array_equal(V.pack(x, 4), x.reshape(2, 12))
