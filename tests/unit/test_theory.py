"""gan_helpers.theory: each quantity against an independent computation: the minimax game
(notebook 01), what each generator loss descends, and label smoothing's soft targets (notebook
03; the explorer's tests are in tests/unit/widgets/test_label_smoothing.py). theory.py under
NumPy 1.26 is tested in test_theory_numpy_compat.py."""
import numpy as np
import pytest
import tensorflow as tf
from scipy import integrate, optimize, stats
from scipy.spatial.distance import jensenshannon
from scipy.special import logsumexp, xlogy

from gan_helpers import losses
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
        return (0.5 * (a * np.log(a / m) if a > 0 else 0.0)
                + 0.5 * (b * np.log(b / m) if b > 0 else 0.0))

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
    assert all(T.minimax_state(m, sd)["V"] > s["V"] + 1e-3
               for m, sd in [(0.3, 1.0), (0.0, 1.3), (-2, 0.5)])


def test_state_is_finite_where_d_star_rounds_to_0_or_1():
    # A narrow p_g far from p_data: 1 - D* rounds to 0 in the tails; V must stay finite.
    for m, sd in [(4.0, 0.2), (-4.0, 3.0), (1.0, 0.3)]:
        s = T.minimax_state(m, sd)
        assert np.isfinite(s["V"]) and s["V"] == pytest.approx(s["C"], abs=1e-10)


def test_generator_losses_and_gradients():
    l = np.array([-30.0, -5.0, -1.0, 0.0, 2.0, 8.0])
    for ours, theirs in [(T.minimax_generator_loss, losses.minimax_generator_loss),
                         (T.non_saturating_generator_loss, losses.non_saturating_generator_loss)]:
        for li in l:  # gh.losses take the batch mean: compare one logit at a time
            assert ours(li) == pytest.approx(float(theirs(tf.constant([[li]]))), rel=1e-5, abs=1e-6)
    h = 1e-5  # central differences check the analytic gradients
    for loss, grad in [(T.minimax_generator_loss, T.minimax_generator_grad),
                       (T.non_saturating_generator_loss, T.non_saturating_generator_grad)]:
        np.testing.assert_allclose(grad(l), (loss(l + h) - loss(l - h)) / (2 * h), atol=1e-8)
    assert abs(T.minimax_generator_grad(-30.0)) < 1e-12
    assert T.non_saturating_generator_grad(-30.0) == pytest.approx(-1)
    assert np.all(np.isfinite(T.minimax_generator_loss(np.array([-800.0, 800.0]))))
    assert np.all(np.isfinite(T.non_saturating_generator_loss(np.array([-800.0, 800.0]))))


# --- NumPy compatibility and what each generator loss descends (notebook 01, section 3) ----

def test_trapezoid_is_numpys_rule_under_either_name():
    assert (T.trapezoid is getattr(np, "trapezoid", None)
            or T.trapezoid is getattr(np, "trapz", None))
    x = np.linspace(0.0, 1.0, 11)
    assert T.trapezoid(x**2, x) == pytest.approx(0.335)  # the trapezoid sum, not the exact 1/3


def test_gaussian_mixture_pdf():
    x = np.linspace(-12, 12, 24001)
    p = T.gaussian_mixture_pdf(x, [-2.0, 3.0], [0.5, 1.5], [0.25, 0.75])
    want = 0.25 * stats.norm.pdf(x, -2, 0.5) + 0.75 * stats.norm.pdf(x, 3, 1.5)
    np.testing.assert_allclose(p, want, rtol=1e-12)
    assert T.integrate(p, x) == pytest.approx(1.0, abs=1e-9)
    with pytest.raises(ValueError):
        T.gaussian_mixture_pdf(x, [0.0, 1.0], [1.0, 1.0], [0.5, 0.6])


TWO_MODES = dict(means=[-2.0, 2.0], stds=[0.5, 0.5])
GENERATORS = [(1.0, 1.0), (0.5, 2.0), (2.5, 0.3), (-1.0, 0.7)]


def log_two_modes(t):
    logs = [stats.norm.logpdf(t, m, s) for m, s in zip(*TWO_MODES.values())]
    return logsumexp(logs, axis=0) - np.log(2)


def two_modes(n=32001):
    x = np.linspace(-16.0, 16.0, n)
    return x, T.gaussian_mixture_pdf(x, **TWO_MODES)


@pytest.mark.parametrize("mean,std", GENERATORS)
def test_expected_losses_against_d_star_are_divergences(mean, std):
    x, pd = two_modes()
    pg = T.gaussian_pdf(x, mean, std)
    o = T.generator_objectives(pd, pg, x)
    kl_to_mix = T.kl_divergence(pg, 0.5 * (pd + pg), x)
    assert o["E_minus_log_d"] == pytest.approx(o["kl"] - kl_to_mix + np.log(2), abs=1e-9)
    assert o["E_log_one_minus_d"] == pytest.approx(kl_to_mix - np.log(2), abs=1e-9)
    assert o["non_saturating"] == pytest.approx(o["kl"] - 2 * o["jsd"], abs=1e-12)
    # the data's half of V plus the generator's half is the game's value -log 4 + 2·JSD
    e_log_d = T.integrate(xlogy(pd, T.optimal_discriminator(pd, pg)), x)
    assert e_log_d + o["E_log_one_minus_d"] == pytest.approx(-np.log(4) + 2 * o["jsd"], abs=1e-9)
    # reverse KL against scipy's quadrature of the closed-form densities
    def f(t):
        return stats.norm.pdf(t, mean, std) * (stats.norm.logpdf(t, mean, std) - log_two_modes(t))

    quad = integrate.quad(f, mean - 12 * std, mean + 12 * std, points=[-2.0, 2.0], limit=400)[0]
    assert o["kl"] == pytest.approx(quad, rel=1e-6)


@pytest.mark.parametrize("mean,std", GENERATORS)
def test_generator_gradients_follow_kl_minus_2jsd_and_2jsd(mean, std):
    # Arjovsky & Bottou 2017, Thm 2.5 (non-saturating) and the envelope theorem (minimax):
    # with D* of the current p_g held fixed, the expected pathwise gradients equal the
    # derivatives of KL(p_g‖p_data) - 2·JSD and of 2·JSD.
    x, pd = two_modes()
    g = T.gaussian_generator_gradients(x, pd, mean, std)
    h = 1e-4

    def fd(f):
        return np.array([(f(mean + h, std) - f(mean - h, std)) / (2 * h),
                         (f(mean, std + h) - f(mean, std - h)) / (2 * h)])

    def objective(key):
        return lambda m, s: T.generator_objectives(pd, T.gaussian_pdf(x, m, s), x)[key]

    np.testing.assert_allclose(g["non_saturating"], fd(objective("non_saturating")),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(g["minimax"], fd(objective("minimax")), rtol=1e-5, atol=1e-6)
    # the same, from the expected losses with D* frozen at (mean, std), moving only p_g;
    # log D* and log(1 - D*) from log densities, finite in the tails where the densities underflow
    log_pd, log_pg = log_two_modes(x), stats.norm.logpdf(x, mean, std)
    log_total = np.logaddexp(log_pd, log_pg)

    def frozen(log_fn):
        return lambda m, s: T.integrate(T.gaussian_pdf(x, m, s) * log_fn, x)

    np.testing.assert_allclose(g["non_saturating"], -fd(frozen(log_pd - log_total)),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(g["minimax"], fd(frozen(log_pg - log_total)), rtol=1e-5, atol=1e-6)
    # per sample the minimax slope is D/(1 - D) times the non-saturating one
    d0 = g["d_star"]
    ok = (g["p_g"] > 1e-12) & (d0 < 1 - 1e-9)
    np.testing.assert_allclose(g["slope_minimax"][ok],
                               d0[ok] / (1 - d0[ok]) * g["slope_non_saturating"][ok], rtol=1e-7)


def test_generator_gradients_need_a_positive_data_density():
    x = np.linspace(-50.0, 50.0, 1001)
    with pytest.raises(ValueError, match="p_data must be > 0"):
        T.gaussian_generator_gradients(x, T.gaussian_pdf(x, 0.0, 0.1), 0.0, 1.0)


def test_the_two_objectives_prefer_different_gaussians_for_two_modes():
    # Best N(m, s²) for p_data = ½N(-2, ½²) + ½N(2, ½²): the JSD's covers both modes,
    # KL(p_g‖p_data) - 2·JSD's sits on one (mode-seeking).
    x, pd = two_modes(16001)
    cands = [(m, s) for m in np.arange(-3, 3.01, 0.25) for s in np.arange(0.25, 3.01, 0.25)]
    vals = {c: T.generator_objectives(pd, T.gaussian_pdf(x, *c), x) for c in cands}
    best_js = min(cands, key=lambda c: vals[c]["jsd"])
    best_ns = min(cands, key=lambda c: vals[c]["non_saturating"])
    assert best_js == (0.0, 2.0)
    assert abs(best_ns[0]) == 2.0 and best_ns[1] == 0.5


# --- label smoothing (notebook 03): the soft-target BCE ---------------------------------------

TARGETS = [(1.0, 0.0), (0.9, 0.0), (0.9, 0.1), (0.75, 0.25), (0.6, 0.3)]  # (α, β)


@pytest.mark.parametrize("t", [0.0, 0.1, 0.5, 0.9, 1.0])
def test_soft_bce_is_the_cross_entropy_and_matches_tensorflow(t):
    l = np.linspace(-12, 12, 97)
    p = 1 / (1 + np.exp(-l))
    direct = -(t * np.log(p) if t else 0) - ((1 - t) * np.log1p(-p) if t < 1 else 0)
    np.testing.assert_allclose(T.soft_bce(t, l), direct, rtol=1e-9, atol=1e-12)
    labels = tf.fill(l.shape, tf.constant(t, tf.float64))
    tf_loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=labels,
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


# --- label smoothing: the optimal discriminator under targets (α, β) --------------------------

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
                lambda l, ai=ai, bi=bi: float(ai * T.soft_bce(alpha, l) + bi * T.soft_bce(beta, l)),
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
    nothing = np.zeros(2)
    assert T.smoothed_optimal_discriminator(nothing, nothing, 0.9, 0.1).tolist() == [0.5, 0.5]
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


def test_simultaneous_play_on_the_bilinear_game_spirals_out_at_the_closed_form_rate():
    from gan_helpers.theory import bilinear_game
    lr, steps = 0.2, 50
    path = bilinear_game(1.0, 0.5, lr=lr, steps=steps, updates="simultaneous")
    r = np.hypot(path[:, 0], path[:, 1])
    np.testing.assert_allclose(r, np.hypot(1.0, 0.5) * (1 + lr ** 2) ** (np.arange(steps + 1) / 2),
                               rtol=1e-12)
    # the first step, by hand: x - lr*y, y + lr*x from the same point
    np.testing.assert_allclose(path[1], [1.0 - 0.2 * 0.5, 0.5 + 0.2 * 1.0])


def test_alternating_play_cycles_on_a_conserved_ellipse():
    from gan_helpers.theory import bilinear_game
    lr = 0.3
    path = bilinear_game(1.0, 0.5, lr=lr, steps=2000, updates="alternating")
    x, y = path[:, 0], path[:, 1]
    np.testing.assert_allclose(x * x - lr * x * y + y * y, 1.0 - 0.15 + 0.25, rtol=1e-9)
    np.testing.assert_allclose(path[1], [1.0 - 0.3 * 0.5, 0.5 + 0.3 * (1.0 - 0.3 * 0.5)])
    r = np.hypot(x, y)
    assert r.max() < 1.5 and r.min() > 0.5     # bounded, and never near the equilibrium
    assert np.sign(x).min() < 0 < np.sign(x).max()  # it goes round


def test_bilinear_game_explains_bad_arguments():
    from gan_helpers.theory import bilinear_game
    with pytest.raises(ValueError, match="simultaneous, alternating"):
        bilinear_game(updates="together")
    with pytest.raises(ValueError, match="lr must be > 0"):
        bilinear_game(lr=0)
