"""gan_helpers.widgets.gan2d.evaluation: the stepper's numbers, on hand-made sample sets and on
a small untrained 2-D GAN, against the protocol computed directly."""
import numpy as np
import pytest

from gan_helpers.metrics.coverage import mode_coverage
from gan_helpers.theory import sigmoid
from gan_helpers.widgets.gan2d.evaluation import coverage_numbers, evaluate, fixed_latents
from gan_helpers.widgets.gan2d.model import GAN2DModel
from gan_helpers.widgets.gan2d.targets import toy_samples, toy_target


@pytest.fixture(scope="module")
def toy():
    return GAN2DModel(seed=0, latent_dim=4, widths=(16, 16), batch=32)


@pytest.fixture
def gan(toy):
    toy.reset()
    return toy.gan


def test_coverage_numbers_on_a_known_sample_set():
    centres, std, _ = toy_target("ring")
    samples = np.concatenate([
        np.repeat(centres[[0]], 6, axis=0),    # six exactly on mode 0
        np.repeat(centres[[2]] + [2 * std, 0], 3, axis=0),  # three within 3σ of mode 2
        centres[[5]] + [4 * std, 0],          # one nearest mode 5, but beyond 3σ
    ]).astype(np.float32)
    modes, hq, counts, shares = coverage_numbers(samples, centres, std)
    assert (modes, hq) == (2, 0.9)
    np.testing.assert_array_equal(counts, [6, 0, 3, 0, 0, 0, 0, 0])
    np.testing.assert_allclose(shares, [0.6, 0, 0.3, 0, 0, 0.1, 0, 0])


def test_coverage_numbers_agree_with_mode_coverage():
    centres, std, _ = toy_target("grid")
    x = toy_samples("grid", 300, seed=1)
    x[:100] += np.random.default_rng(0).normal(0, 0.5, (100, 2)).astype(np.float32)
    modes, hq, counts, shares = coverage_numbers(x, centres, std)
    cov = mode_coverage(x, centres, std)
    assert (modes, hq) == (cov.modes, cov.hq_fraction) and 0 < hq < 1
    np.testing.assert_array_equal(counts, cov.counts)
    near = np.argmin(np.linalg.norm(x[:, None] - centres[None], axis=-1), axis=1)
    np.testing.assert_allclose(shares, np.bincount(near, minlength=25) / 300)


def test_a_diverged_generator_scores_zero_instead_of_failing():
    centres, std, _ = toy_target("ring")
    x = np.zeros((4, 2), np.float32)
    x[1, 0] = np.nan
    modes, hq, counts, shares = coverage_numbers(x, centres, std)
    assert (modes, hq) == (0, 0.0)
    np.testing.assert_array_equal(counts, np.zeros(8, int))
    np.testing.assert_array_equal(shares, np.zeros(8))


def test_fixed_latents_are_seeded():
    z = fixed_latents(3, 10, 4)
    assert z.shape == (10, 4) and z.dtype == np.float32
    np.testing.assert_array_equal(z, fixed_latents(3, 10, 4))
    np.testing.assert_array_equal(
        z, np.random.default_rng(3).standard_normal((10, 4)).astype(np.float32))
    assert not np.allclose(z, fixed_latents(4, 10, 4))


def test_evaluate_is_the_protocol_on_g_and_d(gan):
    z, real = fixed_latents(0, 200, 4), toy_samples("ring", 120, seed=0)  # sizes may differ
    s = evaluate(gan, "ring", z, real, grid=21, seconds=1.5)
    centres, std, half_width = toy_target("ring")
    samples = np.asarray(gan.generator(z, training=False))
    np.testing.assert_array_equal(s["samples"], samples)
    assert s["real"] is real
    cov = mode_coverage(samples, centres, std)
    assert (s["modes"], s["hq_fraction"], s["n_modes"]) == (cov.modes, cov.hq_fraction, 8)
    np.testing.assert_array_equal(s["counts"], cov.counts)

    def d(x):
        return sigmoid(np.asarray(gan.discriminator(x, training=False))[:, 0])

    assert s["d_real"] == pytest.approx(d(real).mean(), abs=1e-6)
    assert s["d_fake"] == pytest.approx(d(samples).mean(), abs=1e-6)
    # axis is float32: compare with a float32 (NumPy 1.x would promote a Python float)
    assert s["d_grid"].shape == (21, 21)
    assert s["axis"][0] == -np.float32(half_width) == -s["axis"][-1]
    i, j = 3, 17  # d_grid[i, j] is D at (x, y) = (axis[j], axis[i])
    point = np.array([[s["axis"][j], s["axis"][i]]], np.float32)
    assert s["d_grid"][i, j] == pytest.approx(d(point)[0], abs=1e-6)
    assert (s["target"], s["step"], s["seconds"]) == ("ring", 0, 1.5)
    assert s["history"] == [{"step": 0, "modes": s["modes"], "hq_fraction": s["hq_fraction"],
                             "d_real": s["d_real"], "d_fake": s["d_fake"],
                             "shares": s["shares"]}]


def test_history_grows_with_training_and_restarts_at_step_0(toy, gan):
    z, real = fixed_latents(0, 50, 4), toy_samples("grid", 50, seed=0)
    s = evaluate(gan, "grid", z, real, grid=5)
    toy.train(3, "grid")
    s = evaluate(gan, "grid", z, real, grid=5, previous=s)
    s = evaluate(gan, "grid", z, real, grid=5, previous=s)
    assert [h["step"] for h in s["history"]] == [0, 3, 3]
    toy.reset()
    assert [h["step"] for h in evaluate(gan, "grid", z, real, grid=5, previous=s)["history"]] == [0]


def test_a_diverged_generator_is_evaluated(toy, gan):
    bias = gan.generator.layers[-1].bias
    bias.assign(np.full(bias.shape, np.nan, np.float32))
    z, real = fixed_latents(0, 20, 4), toy_samples("ring", 20, seed=0)
    s = evaluate(gan, "ring", z, real, grid=5)
    assert (s["modes"], s["hq_fraction"]) == (0, 0.0) and not np.any(s["shares"])
    toy.reset()  # the model's own reset brings the bias back
    assert np.all(np.isfinite(evaluate(gan, "ring", z, real, grid=5)["samples"]))
