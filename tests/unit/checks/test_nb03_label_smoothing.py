"""Notebook 03's checkers accept correct answers and name the usual mistakes."""
import numpy as np
import pytest
import tensorflow as tf
from scipy.special import expit

import gan_helpers as gh
from gan_helpers import checks, theory
from gan_helpers.checks import nb03_label_smoothing


def _softplus(x):
    return np.logaddexp(0.0, np.asarray(x, np.float64))


def _bce(t, l):
    return np.mean(_softplus(l) - t * np.asarray(l, np.float64))


# --- exercise 1: bce_grad ---------------------------------------------------------------------

@pytest.mark.parametrize("answer", [
    theory.soft_bce_grad,
    lambda t, l: expit(l) - t,
    lambda t, l: 1.0 / (1.0 + np.exp(-np.asarray(l, np.float64))) - t,
    lambda t, l: tf.sigmoid(tf.constant(l, tf.float64)) - t,
])
def test_bce_grad_accepts_correct_answers(answer, passes):
    with np.errstate(over="ignore"):
        assert passes(checks.check_bce_grad, answer) <= 1e-8


@pytest.mark.parametrize("wrong, hint", [
    (lambda t, l: t - expit(l), "sign error"),
    (lambda t, l: expit(l) - 1.0, "hard target 1"),
    (lambda t, l: (expit(l) - t) / (expit(l) * (1 - expit(l))), "finite for every logit"),
    (lambda t, l: expit(l) * (1 - expit(l)), "derivative of the sigmoid alone"),
    (lambda t, l: (expit(l) - t) / np.size(l), "no 1/N"),
    (lambda t, l: np.sum(expit(l) - t), "one gradient per logit"),
    # the loss, not its gradient
    (lambda t, l: _softplus(l) - t * l, "softplus'\\(l\\) = σ\\(l\\)"),
])
def test_bce_grad_names_the_mistake(wrong, hint):
    with pytest.raises(AssertionError, match=hint), np.errstate(all="ignore"):
        checks.check_bce_grad(wrong)


def test_bce_grad_gradient_wrt_probability_is_named_where_finite():
    # Only the finite cases: the |l| = 800 case stops the mistake at the finiteness check above.
    def wrong(t, l):
        return (expit(l) - t) / (expit(l) * (1 - expit(l)))

    ref = theory.soft_bce_grad
    l = np.linspace(-3, 3, 7)
    with pytest.raises(AssertionError, match="with respect to the probability"):
        checks.check_function("g", wrong, ref, [(0.9, l), (0.0, l)], tol=1e-8,
                              wrong_answers=[(wrong, "with respect to the probability")])


# --- exercise 2: predicted_d_star (predict, then run) ------------------------------------------

def _prediction(one_sided=(0.9, 0.0, 0.45), two_sided=(0.9, 0.1, 0.5)):
    return lambda: {"one_sided": one_sided, "two_sided": two_sided}


@pytest.mark.parametrize("answer", [
    _prediction(),
    nb03_label_smoothing.reference_predicted_d_star,
    _prediction([0.9, 0, 0.9 / 2], np.array([0.9, 0.1, (0.9 + 0.1) / 2])),   # list, array, ints
    _prediction((np.float32(0.9), 0.0, 0.45), (0.9, 0.1, 0.5)),
])
def test_predicted_d_star_accepts_correct_answers(answer, passes):
    assert passes(checks.check_predicted_d_star, answer) <= 1e-3


def test_predicted_d_star_reference_is_the_closed_form():
    """The reference is D*_{α,β} = (α p_data + β p_g)/(p_data + p_g) at the three kinds of
    points, which is α, β and (α + β)/2."""
    ref = nb03_label_smoothing.reference_predicted_d_star()
    for key, (a, b) in nb03_label_smoothing.PREDICTION_TARGETS.items():
        assert ref[key] == pytest.approx((a, b, (a + b) / 2), abs=1e-12)


@pytest.mark.parametrize("wrong, hint", [
    # forgot that the real target is alpha
    (_prediction((1.0, 0.0, 0.45)), "forgot that the target is α"),
    (_prediction((0.9, 0.0, 0.45), (1.0, 0.1, 0.5)), "forgot that the target is α"),
    # beta > 0 "matters nowhere": two-sided predicted like one-sided
    (_prediction(two_sided=(0.9, 0.0, 0.45)), "as if β = 0.1 mattered nowhere"),
    # two-sided generator-only value: forgot beta (the argument against smoothing fakes)
    (_prediction(two_sided=(0.9, 0.0, 0.5)), "forgot the fake target β.*against smoothing"),
    (_prediction(two_sided=(0.9, 0.9, 0.5)), "not toward 1 - β"),
    # one-sided with a fake target 1 - alpha
    (_prediction(one_sided=(0.9, 0.1, 0.45)), "keeps the fake target at β = 0"),
    # the equal-density point
    (_prediction(one_sided=(0.9, 0.0, 0.5)), "0.5 is the unsmoothed D\\*.*mean of the two"),
    (_prediction(two_sided=(0.9, 0.1, 0.45)), "leaves out the fakes' target"),
    (_prediction(one_sided=(0.9, 0.0, 0.9)), "pull just as hard"),
    (_prediction(one_sided=(0.9, 0.0, 0.3)), "one_sided, where p_data = p_g: at a point x"),
    # notebook 01's answer everywhere
    (_prediction((1.0, 0.0, 0.5), (1.0, 0.0, 0.5)), "notebook 01's unsmoothed D\\*"),
    # layout mistakes
    (_prediction((0.9, 0.1, 0.5), (0.9, 0.0, 0.45)), "swapped: one-sided is"),
    (_prediction((0.0, 0.9, 0.45)), "you swapped the first two"),
    (_prediction((90.0, 0.0, 45.0)), "not 90"),
    (_prediction((0.9, 0.0)), "2 number\\(s\\), expected 3"),
    (_prediction(two_sided=lambda a, b: (a, b, (a + b) / 2)), "not a formula"),
    (lambda: (0.9, 0.0, 0.45, 0.9, 0.1, 0.5), "you returned tuple"),
    (lambda: {"one-sided": (0.9, 0.0, 0.45), "two-sided": (0.9, 0.1, 0.5)},
     "the key 'one_sided' is missing"),
    (_prediction((0.9, -np.inf, 0.45)), "give the limit"),
])
def test_predicted_d_star_names_the_mistake(wrong, hint, rejects):
    rejects(checks.check_predicted_d_star, wrong, hint)


# --- exercise 3: smoothed_optimal_discriminator -----------------------------------------------

@pytest.mark.parametrize("answer", [
    theory.smoothed_optimal_discriminator,
    lambda pd, pg, a, b: (a * pd + b * pg) / (pd + pg),
    lambda pd, pg, a, b: a * pd / (pd + pg) + b * pg / (pd + pg),
    lambda pd, pg, a, b: b + (a - b) * theory.optimal_discriminator(pd, pg),
])
def test_smoothed_d_star_accepts_correct_answers(answer, passes):
    assert passes(checks.check_smoothed_optimal_discriminator, answer) <= 1e-8


@pytest.mark.parametrize("wrong, hint", [
    (lambda pd, pg, a, b: pd / (pd + pg), "unsmoothed D\\*"),
    (lambda pd, pg, a, b: a * pd / (pd + pg), "one-sided smoothing only"),
    (lambda pd, pg, a, b: (a * pd + (1 - b) * pg) / (pd + pg), "weight on log y is β"),
    (lambda pd, pg, a, b: (b * pd + a * pg) / (pd + pg), "swapped"),
    (lambda pd, pg, a, b: (a * pd + b * pg) / ((1 - a) * pd + (1 - b) * pg), "the odds"),
    (lambda pd, pg, a, b: np.mean((a * pd + b * pg) / (pd + pg)), "element-wise"),
    (lambda pd, pg, a, b: (a * pd + b * pg) / (pd + pg) + 0.01, "A/\\(A \\+ B\\)"),
])
def test_smoothed_d_star_names_the_mistake(wrong, hint):
    with pytest.raises(AssertionError, match=hint):
        checks.check_smoothed_optimal_discriminator(wrong)


# --- exercise 4: one_sided_losses -------------------------------------------------------------

def _numpy_answer(r, f, a):
    return _bce(a, r) + _bce(0.0, f), _bce(1.0, f)


def _tf_answer(r, f, a):
    r, f = tf.constant(r, tf.float32), tf.constant(f, tf.float32)
    d = (tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(tf.fill(tf.shape(r), a), r))
         + tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(tf.zeros_like(f), f)))
    return d, tf.reduce_mean(tf.nn.softplus(-f))


@pytest.mark.parametrize("answer", [
    _numpy_answer,
    _tf_answer,
    lambda r, f, a: (gh.losses.minimax_discriminator_loss(r, f, real_target=a),
                     gh.losses.non_saturating_generator_loss(f)),
    lambda r, f, a: [float(v) for v in _numpy_answer(r, f, a)],
])
def test_one_sided_losses_accepts_correct_answers(answer, passes):
    assert passes(checks.check_one_sided_losses, answer) <= 1e-6


def test_one_sided_losses_reference_matches_the_library():
    """The checker's float64 reference is what gh.losses computes (in float32)."""
    rng = np.random.default_rng(3)
    r, f = rng.normal(0.0, 3.0, (32, 1)), rng.normal(0.0, 3.0, (32, 1))
    for alpha in (0.75, 0.9, 1.0):
        d_loss, g_loss = nb03_label_smoothing._reference_one_sided_losses(r, f, alpha)
        assert d_loss == pytest.approx(float(gh.losses.minimax_discriminator_loss(
            tf.constant(r), tf.constant(f), real_target=alpha)), rel=1e-6)
        assert g_loss == pytest.approx(float(gh.losses.non_saturating_generator_loss(
            tf.constant(f))), rel=1e-6)


def _with_d(d_fn):
    return lambda r, f, a: (d_fn(np.asarray(r, float), np.asarray(f, float), a), _bce(1.0, f))


def _with_g(g_fn):
    return lambda r, f, a: (_bce(a, r) + _bce(0.0, f), g_fn(np.asarray(f, float), a))


@pytest.mark.parametrize("wrong, hint", [
    # D's side
    (_with_d(lambda r, f, a: _bce(a, r) + _bce(1 - a, f)), "two-sided smoothing"),
    (_with_d(lambda r, f, a: _bce(1.0, r) + _bce(1 - a, f)), "you smoothed the fake term"),
    (_with_d(lambda r, f, a: _bce(a, r) + _bce(a, f)), "fakes got the target α too"),
    (_with_d(lambda r, f, a: _bce(1.0, r) + _bce(0.0, f)), "no smoothing applied"),
    (_with_d(lambda r, f, a: _bce(0.9, r) + _bce(0.0, f)), "hard-coded to 0.9"),
    (_with_d(lambda r, f, a: a * _bce(1.0, r) + _bce(0.0, f)), "scaled by α"),
    (_with_d(lambda r, f, a: np.mean(a * _softplus(-r)) + _bce(0.0, f)), "without its second term"),
    (_with_d(lambda r, f, a: _bce(a, expit(r)) + _bce(0.0, expit(f))), "sigmoid twice"),
    (_with_d(lambda r, f, a: 0.5 * (_bce(a, r) + _bce(0.0, f))), "don't average"),
    (_with_d(lambda r, f, a: -np.mean(a * np.log(expit(r)) + (1 - a) * np.log(1 - expit(r)))
             - np.mean(np.log(1 - expit(f)))), "inf or nan"),
    (_with_d(lambda r, f, a: _softplus(r) - a * r + _softplus(f)), "two numbers"),
    # G's side
    (_with_g(lambda f, a: _bce(a, f)), "smoothed the generator's target too"),
    (_with_g(lambda f, a: _bce(0.9, f)), "target is 1, not 0.9"),
    (_with_g(lambda f, a: -_bce(0.0, f)), "saturating minimax"),
    (_with_g(lambda f, a: _bce(0.0, f)), "G wants them called real"),
    (lambda r, f, a: _bce(a, r) + _bce(0.0, f), "return a tuple of 2"),
])
def test_one_sided_losses_names_the_mistake(wrong, hint):
    with pytest.raises(AssertionError, match=hint), np.errstate(all="ignore"):
        checks.check_one_sided_losses(wrong)


def test_one_sided_losses_reports_an_exception_with_the_hint():
    def broken(r, f, a):
        raise ValueError("boom")

    with pytest.raises(AssertionError, match="one_sided_losses: your function raised "
                                             "ValueError: boom.*two numbers"):
        checks.check_one_sided_losses(broken)
