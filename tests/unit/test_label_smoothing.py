"""Label smoothing (notebook 03): the theory functions against independent computations (the
explorer's tests are in tests/unit/widgets/test_label_smoothing.py)."""
import numpy as np
import pytest
import tensorflow as tf
from scipy import optimize

from gan_helpers import losses, theory as T

TARGETS = [(1.0, 0.0), (0.9, 0.0), (0.9, 0.1), (0.75, 0.25), (0.6, 0.3)]


# --- soft-target BCE ---------------------------------------------------------------------------

@pytest.mark.parametrize("t", [0.0, 0.1, 0.5, 0.9, 1.0])
def test_soft_bce_is_the_cross_entropy_and_matches_tensorflow(t):
    l = np.linspace(-12, 12, 97)
    p = 1 / (1 + np.exp(-l))
    direct = -(t * np.log(p) if t else 0) - ((1 - t) * np.log1p(-p) if t < 1 else 0)
    np.testing.assert_allclose(T.soft_bce(t, l), direct, rtol=1e-9, atol=1e-12)
    tf_loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.fill(l.shape, tf.constant(t, tf.float64)),
                                                      logits=tf.constant(l)).numpy()
    np.testing.assert_allclose(T.soft_bce(t, l), tf_loss, rtol=1e-12, atol=1e-12)
    # the library's batch mean is the mean of the per-sample values
    assert float(losses.bce_with_logits(t, l)) == pytest.approx(T.soft_bce(t, l).mean(), rel=1e-5)


def test_soft_bce_is_stable_for_huge_logits():
    out = T.soft_bce(0.9, np.array([-800.0, 800.0]))
    np.testing.assert_allclose(out, [0.9 * 800, 0.1 * 800])


@pytest.mark.parametrize("t", [0.0, 0.1, 0.9, 1.0])
def test_soft_bce_grad_matches_finite_differences_and_tape(t):
    l = np.linspace(-8, 8, 33)
    h = 1e-6
    fd = (T.soft_bce(t, l + h) - T.soft_bce(t, l - h)) / (2 * h)
    np.testing.assert_allclose(T.soft_bce_grad(t, l), fd, atol=1e-8)
    x = tf.constant(l)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = losses.bce_with_logits(t, x)
    np.testing.assert_allclose(tape.gradient(loss, x).numpy() * len(l), T.soft_bce_grad(t, l),
                               atol=1e-6)


@pytest.mark.parametrize("t", [0.1, 0.5, 0.9])
def test_soft_bce_minimum_is_at_sigma_equal_target_with_value_entropy(t):
    res = optimize.minimize_scalar(lambda l: float(T.soft_bce(t, l)), bracket=(-5, 5), tol=1e-12)
    assert T.sigmoid(res.x) == pytest.approx(t, abs=1e-6)
    assert res.fun == pytest.approx(-(t * np.log(t) + (1 - t) * np.log(1 - t)), abs=1e-10)
    assert T.soft_bce_grad(t, np.log(t / (1 - t))) == pytest.approx(0.0, abs=1e-12)


def test_targets_outside_unit_interval_are_refused():
    for bad in (-0.1, 1.5, np.nan):
        with pytest.raises(ValueError, match="\\[0, 1\\]"):
            T.soft_bce(bad, 0.0)
    with pytest.raises(ValueError, match="alpha"):
        T.smoothed_optimal_discriminator(1.0, 1.0, alpha=1.1)
    with pytest.raises(ValueError, match="beta"):
        T.smoothing_state(0.9, -0.2)


# --- the optimal discriminator under targets (α, β) -------------------------------------------

@pytest.mark.parametrize("alpha,beta", TARGETS)
def test_smoothed_d_star_maximises_the_pointwise_objective(alpha, beta):
    a = np.array([0.1, 0.7, 2.0, 0.0, 1e-3, 0.4])
    b = np.array([0.3, 0.7, 0.5, 1.0, 0.8, 0.0])
    d = T.smoothed_optimal_discriminator(a, b, alpha, beta)
    y = np.linspace(1e-7, 1 - 1e-7, 400001)[:, None]
    best = y[np.argmax(T.smoothed_d_objective(y, a, b, alpha, beta), axis=0), 0]
    np.testing.assert_allclose(d, best, atol=1e-5)
    # and as a minimum of the density-weighted soft BCE on the logit (an independent route)
    for ai, bi, di in zip(a, b, d):
        if 0 < di < 1:
            res = optimize.minimize_scalar(
                lambda l: float(ai * T.soft_bce(alpha, l) + bi * T.soft_bce(beta, l)),
                bracket=(-3, 3), tol=1e-12)
            assert T.sigmoid(res.x) == pytest.approx(di, abs=1e-6)


def test_smoothed_d_star_special_cases():
    rng = np.random.default_rng(0)
    a, b = rng.uniform(0, 1, 50), rng.uniform(0, 1, 50)
    np.testing.assert_allclose(T.smoothed_optimal_discriminator(a, b),
                               T.optimal_discriminator(a, b), rtol=1e-15)
    # D*_(α,β) = α·D* + β·(1 - D*): an affine squeeze of the unsmoothed D* into [β, α]
    d = T.optimal_discriminator(a, b)
    np.testing.assert_allclose(T.smoothed_optimal_discriminator(a, b, 0.9, 0.1),
                               0.9 * d + 0.1 * (1 - d), rtol=1e-12)
    assert T.smoothed_optimal_discriminator(np.zeros(2), np.zeros(2), 0.9, 0.1).tolist() == [0.5, 0.5]
    # only data: D* = α; only fakes: D* = β
    assert T.smoothed_optimal_discriminator(1.0, 0.0, 0.9, 0.1) == pytest.approx(0.9)
    assert T.smoothed_optimal_discriminator(0.0, 1.0, 0.9, 0.1) == pytest.approx(0.1)


@pytest.mark.parametrize("alpha,beta", TARGETS)
def test_log_d_star_and_push_match_direct_computation(alpha, beta):
    x = np.linspace(-3, 6, 901)
    log_d, push = T.smoothed_log_d_star(x, alpha, beta)
    direct = T.smoothed_optimal_discriminator(T.gaussian_pdf(x, 0, 1), T.gaussian_pdf(x, 4, 1),
                                              alpha, beta)
    np.testing.assert_allclose(np.exp(log_d), direct, rtol=1e-10)
    np.testing.assert_allclose(push[1:-1], np.gradient(log_d, x)[1:-1], atol=2e-4)


def test_push_on_fakes_far_from_the_data():
    x = np.array([4.0, 6.0, 10.0, 30.0])  # p_g = N(4, 1) large, p_data = N(0, 1) ~ 0
    _, hard = T.smoothed_log_d_star(x, 1.0, 0.0)
    _, one_sided = T.smoothed_log_d_star(x, 0.9, 0.0)
    _, two_sided = T.smoothed_log_d_star(x, 0.9, 0.1)
    # beta = 0: the push toward the data is the difference of the scores, -4, wherever the
    # fakes are (exact even at x = 30, where p_data underflows to 0 as a float)
    np.testing.assert_allclose(hard, -4.0, atol=2e-3)
    np.testing.assert_allclose(one_sided, hard, rtol=1e-12)
    # beta > 0: the push decays like p_data/p_g, to nothing
    assert abs(two_sided[0]) < 0.02 and np.all(np.abs(two_sided[1:]) < 1e-5)
    assert np.all(np.diff(np.abs(two_sided)) < 0)
    with pytest.raises(ValueError, match="-inf"):
        T.smoothed_log_d_star(x, 0.0, 0.0)


def test_smoothing_state_summaries():
    s = T.smoothing_state(0.9, 0.0)
    assert s["d_max"] == pytest.approx(0.9, abs=1e-6) and s["d_tail"] < 1e-6
    assert s["best_logit_real"] == pytest.approx(np.log(9)) and s["best_logit_fake"] == -np.inf
    assert s["push_at_g_mean"] == pytest.approx(-4.0, abs=1e-2)
    two = T.smoothing_state(0.9, 0.1)
    assert two["d_tail"] == pytest.approx(0.1, abs=1e-6)
    assert abs(two["push_at_g_mean"]) < 0.02 and abs(two["push_tail"]) < 1e-6
    hard = T.smoothing_state(1.0, 0.0)
    assert hard["best_logit_real"] == np.inf and hard["d_max"] > 0.999
    for k in ("loss_real", "loss_fake", "grad_real", "grad_fake"):
        assert s[k].shape == s["logits"].shape and np.all(np.isfinite(s[k]))
    assert np.all(s["d_star"] <= 0.9 + 1e-12) and np.all(two["d_star"] >= 0.1 - 1e-12)
