"""gan_helpers.theory: each quantity against an independent computation."""
import numpy as np
import pytest
from scipy import integrate, stats
from scipy.spatial.distance import jensenshannon

from gan_helpers import theory as T

PAIRS = [((0.0, 1.0), (2.0, 1.0)), ((0.0, 1.0), (0.5, 0.3)), ((1.0, 0.5), (-3.0, 2.5)),
         ((0.0, 1.0), (0.0, 1.0))]


def densities(data, g, n=20001):
    x = T.grid_for(data, g, n=n)
    return x, T.gaussian_pdf(x, *data), T.gaussian_pdf(x, *g)


def test_gaussian_pdf_matches_scipy_and_integrates_to_one():
    x = np.linspace(-9, 11, 4001)
    np.testing.assert_allclose(T.gaussian_pdf(x, 1.0, 2.0), stats.norm.pdf(x, 1.0, 2.0), rtol=1e-12)
    assert T.integrate(T.gaussian_pdf(x, 1.0, 2.0), x) == pytest.approx(1.0, abs=1e-6)
    with pytest.raises(ValueError):
        T.gaussian_pdf(x, 0.0, 0.0)


def test_optimal_discriminator_maximises_pointwise_objective():
    a, b = np.array([0.1, 0.7, 2.0, 0.0]), np.array([0.3, 0.7, 0.5, 1.0])
    d = T.optimal_discriminator(a, b)
    y = np.linspace(1e-6, 1 - 1e-6, 200001)[:, None]
    best = y[np.argmax(a * np.log(y) + b * np.log(1 - y), axis=0), 0]
    np.testing.assert_allclose(d, best, atol=1e-5)
    assert d[1] == 0.5
    assert T.optimal_discriminator(np.zeros(2), np.zeros(2)).tolist() == [0.5, 0.5]


@pytest.mark.parametrize("data,g", PAIRS)
def test_value_at_optimum_is_minus_log4_plus_2jsd(data, g):
    s = T.minimax_state(g[0], g[1], *data)
    assert s["V"] == pytest.approx(-np.log(4) + 2 * s["JSD"], abs=1e-10)
    # D* beats any other discriminator, e.g. D = 1/2 (whose V is -log 4 for every G)
    x, pd, pg = s["x"], s["p_data"], s["p_g"]
    assert T.value_function(np.full_like(x, 0.5), pd, pg, x) == pytest.approx(-np.log(4), abs=1e-6)
    for eps in (0.05, -0.05):
        worse = np.clip(s["d_star"] + eps, 1e-9, 1 - 1e-9)
        assert T.value_function(worse, pd, pg, x) < s["V"]


@pytest.mark.parametrize("data,g", PAIRS)
def test_jsd_matches_quadrature_and_scipy(data, g):
    x, p, q = densities(data, g)
    js = T.jsd(p, q, x)

    def integrand(t):
        a, b = stats.norm.pdf(t, *data), stats.norm.pdf(t, *g)
        m = (a + b) / 2
        return 0.5 * (a * np.log(a / m) if a > 0 else 0.0) + 0.5 * (b * np.log(b / m) if b > 0 else 0.0)

    lo, hi = x[0], x[-1]
    quad = integrate.quad(integrand, lo, hi, points=[data[0], g[0]], limit=200)[0]
    assert js == pytest.approx(quad, abs=1e-8)
    # scipy's jensenshannon is the square root of the divergence of two mass vectors
    assert js == pytest.approx(jensenshannon(p, q) ** 2, abs=1e-6)
    assert js == pytest.approx(T.jsd(q, p, x), abs=1e-12)  # symmetric
    assert 0.0 <= js <= np.log(2)


def test_jsd_limits():
    x = np.linspace(-10, 30, 40001)
    p, far = T.gaussian_pdf(x, 0, 1), T.gaussian_pdf(x, 20, 1)
    assert T.jsd(p, p, x) == 0.0
    assert T.jsd(p, far, x) == pytest.approx(np.log(2), abs=1e-6)


def test_kl_matches_gaussian_closed_form():
    x = np.linspace(-15, 15, 30001)
    m1, s1, m2, s2 = 0.3, 0.8, -1.0, 1.7
    closed = np.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - 0.5
    got = T.kl_divergence(T.gaussian_pdf(x, m1, s1), T.gaussian_pdf(x, m2, s2), x)
    assert got == pytest.approx(closed, abs=1e-8)


def test_minimum_is_at_pg_equal_pdata():
    s = T.minimax_state(0.0, 1.0)
    assert s["V"] == pytest.approx(-np.log(4), abs=1e-12)
    assert np.all(s["d_star"] == 0.5)
    assert all(T.minimax_state(m, sd)["V"] > s["V"] + 1e-3 for m, sd in [(0.3, 1.0), (0.0, 1.3), (-2, 0.5)])


def test_state_is_finite_where_d_star_rounds_to_0_or_1():
    # A narrow p_g far from p_data: 1 - D* rounds to 0 in the tails; V must stay finite.
    for m, sd in [(4.0, 0.2), (-4.0, 3.0), (1.0, 0.3)]:
        s = T.minimax_state(m, sd)
        assert np.isfinite(s["V"]) and s["V"] == pytest.approx(s["C"], abs=1e-10)


def test_generator_losses_and_gradients():
    import tensorflow as tf

    import gan_helpers as gh

    l = np.array([-30.0, -5.0, -1.0, 0.0, 2.0, 8.0])
    for ours, theirs in [(T.saturating_loss, gh.losses.generator_loss_minimax),
                         (T.non_saturating_loss, gh.losses.generator_loss_non_saturating)]:
        for li in l:  # gh.losses take the batch mean: compare one logit at a time
            assert ours(li) == pytest.approx(float(theirs(tf.constant([[li]]))), rel=1e-5, abs=1e-6)
    h = 1e-5  # central differences check the analytic gradients
    for loss, grad in [(T.saturating_loss, T.saturating_grad),
                       (T.non_saturating_loss, T.non_saturating_grad)]:
        np.testing.assert_allclose(grad(l), (loss(l + h) - loss(l - h)) / (2 * h), atol=1e-8)
    assert abs(T.saturating_grad(-30.0)) < 1e-12 and T.non_saturating_grad(-30.0) == pytest.approx(-1)
    assert np.all(np.isfinite(T.saturating_loss(np.array([-800.0, 800.0]))))
    assert np.all(np.isfinite(T.non_saturating_loss(np.array([-800.0, 800.0]))))
