"""Checkers for notebooks/03_label_smoothing.ipynb.

Exercise 1, ``bce_grad``: the gradient of a soft-target BCE with respect to the logit.
Exercise 2 (predict), ``predicted_d_star``: D* at three kinds of points under one-sided and
two-sided smoothing, predicted before the notebook derives it (no library reference).
Exercise 3, ``smoothed_optimal_discriminator``: D* under real and fake targets (α, β).
Exercise 4, ``one_sided_losses``: D's loss with one-sided smoothing and G's loss, batch means.
The references are :mod:`gan_helpers.theory`'s.
"""
import numpy as np

from .. import theory
from .core import call_reader, check_function, check_parts, exercise, rel_error, report
from .nb01_minimax import density_cases


def _bce(t, l):
    """Mean BCE(t, l) over a batch of logits, in float64."""
    return float(np.mean(theory.soft_bce(t, l)))


# --- exercise 1: bce_grad ---------------------------------------------------------------------

@exercise(reference=theory.soft_bce_grad)
def check_bce_grad(bce_grad):
    """03, exercise 1: d BCE(t, l)/dl per sample, for soft targets t and logits l."""
    l = np.array([-6.0, -2.0, -0.5, 0.0, 0.5, 2.1972, 4.0])
    cases = [(0.9, l), (1.0, l), (0.0, l), (0.1, l),
             (np.array([0.9, 0.9, 0.0, 0.0, 0.75]), np.array([3.0, -1.0, 2.0, -3.0, 1.0])),
             (0.9, np.array([-800.0, -40.0, 40.0, 800.0]))]  # a very confident D
    sig = theory.sigmoid
    check_function(
        "bce_grad", bce_grad, theory.soft_bce_grad, cases, tol=1e-8,
        shape_hint="return one gradient per logit (no sum or mean): the logits' shape.",
        finite_hint="σ(l) - t is finite for every logit. Compute σ with "
        "scipy.special.expit (or 1/(1 + exp(-l))), and do not divide by σ(l)(1 - σ(l)), "
        "which is 0 for |l| = 800.",
        wrong_answers=[
            (lambda t, z: t - sig(z),
             "sign error: t - σ(l) is the direction that *lowers* the loss; the gradient is "
             "σ(l) - t (positive when D says more than its target, so descent lowers l)."),
            (lambda t, z: sig(z) - 1.0,
             "that is the gradient for the hard target 1: the soft target t replaces the 1, "
             "σ(l) - t."),
            (lambda t, z: (sig(z) - t) / (sig(z) * (1.0 - sig(z))),
             "that is the gradient with respect to the probability D = σ(l), (D - t)/(D(1 - D)); "
             "the chain rule through σ multiplies it by σ'(l) = D(1 - D), which cancels the "
             "denominator: d/dl = σ(l) - t."),
            (lambda t, z: sig(z) * (1.0 - sig(z)),
             "σ(l)(1 - σ(l)) is the derivative of the sigmoid alone; differentiate the loss "
             "softplus(l) - t·l instead."),
            (lambda t, z: (sig(z) - t) / np.size(z),
             "no 1/N: this is the gradient per sample, not of a batch mean."),
        ],
        hint="BCE(t, l) = softplus(l) - t·l, and softplus'(l) = σ(l): the gradient is σ(l) - t.")


# --- exercise 2: predicted_d_star (predict, then run) -----------------------------------------

PREDICTION_TARGETS = {"one_sided": (0.9, 0.0), "two_sided": (0.9, 0.1)}   # (α, β)
PREDICTION_POINTS = ("only data has mass", "only the generator has mass", "p_data = p_g")
_POINT_DENSITIES = ((1.0, 0.0), (0.0, 1.0), (1.0, 1.0))   # (p_data, p_g): only the ratio matters
_PREDICTION_TOL = 1e-3

_LOSS_AT_X = ("at a point x, D minimises p_data(x)·BCE(α, l) + p_g(x)·BCE(β, l), and "
              "section 1 showed that BCE(t, l) alone is smallest at D = σ(l) = t.")
_EQUAL_HINT = ("where p_data = p_g, D's loss at x is BCE(α, l) + BCE(β, l) = 2·softplus(l) - "
               "(α + β)·l = 2·BCE((α + β)/2, l) (BCE is linear in its target), so D* is the mean "
               "of the two targets, (α + β)/2.")


def reference_predicted_d_star():
    """The true D*(x) at the three kinds of points (:data:`PREDICTION_POINTS`), for each target
    pair of :data:`PREDICTION_TARGETS`, from :func:`gan_helpers.theory.smoothed_optimal_
    discriminator` (Salimans et al. 2016, Sec. 3.4)."""
    return {key: tuple(float(theory.smoothed_optimal_discriminator(pd, pg, a, b))
                       for pd, pg in _POINT_DENSITIES)
            for key, (a, b) in PREDICTION_TARGETS.items()}


# Known wrong values of one entry: (key or None for both, index of the point, value, hint).
_WRONG_VALUES = [
    (None, 0, 1.0,
     "where only data has mass, D sees only real samples at x, so its loss there is "
     "BCE(α, l) alone, smallest at D = α = 0.9 (section 1), not 1: you forgot that the target "
     "is α. Smoothing caps D exactly where it used to be surest."),
    ("one_sided", 1, 0.1,
     "one-sided smoothing keeps the fake target at β = 0: where only the generator has mass, "
     "D's loss is BCE(0, l), smallest as D -> 0. (0.1 = 1 - α is the two-sided fake target.)"),
    ("two_sided", 1, 0.0,
     "where only the generator has mass, D's loss at x is BCE(β, l) alone, smallest at "
     "D = β = 0.1, not 0: you forgot the fake target β. That floor is the argument against "
     "smoothing the fakes: D* sits flat at β wherever only fakes live, so it gives them no "
     "direction toward the data (section 3)."),
    ("two_sided", 1, 0.9,
     "a fake with target β = 0.1 pulls D toward β, not toward 1 - β: where only the "
     "generator has mass, D* = β = 0.1."),
    ("one_sided", 2, 0.5,
     "0.5 is the unsmoothed D* where p_data = p_g (notebook 01); the targets move it. "
     + _EQUAL_HINT + " One-sided: (0.9 + 0)/2 = 0.45."),
    ("two_sided", 2, 0.45,
     "0.45 leaves out the fakes' target β = 0.1. " + _EQUAL_HINT + " Two-sided: "
     "(0.9 + 0.1)/2 = 0.5."),
    (None, 2, 0.9,
     "α is D* where only real samples land; where p_data = p_g the fakes pull just as hard "
     "toward β. " + _EQUAL_HINT),
]


def _prediction_array(got, key):
    """The reader's three numbers for ``key`` as a float64 array, or AssertionError naming
    what is wrong with the form."""
    name = "predicted_d_star"
    layout = ('return {"one_sided": (only data, only generator, equal), "two_sided": '
              '(only data, only generator, equal)}: three numbers per key.')
    if not isinstance(got, dict):
        raise AssertionError(f"{name}: you returned {type(got).__name__}; {layout}")
    if key not in got:
        raise AssertionError(f"{name}: the key {key!r} is missing; {layout}")
    value = got[key]
    if callable(value) or isinstance(value, str):
        raise AssertionError(f"{name} ({key}): return numbers, not a formula or a function: "
                             "the point of a prediction is to commit to values.")
    try:
        arr = np.asarray([float(v) for v in value], dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise AssertionError(f"{name} ({key}): could not read three numbers ({err}); "
                             f"{layout}") from err
    if arr.shape != (3,):
        raise AssertionError(f"{name} ({key}): {arr.size} number(s), expected 3; {layout}")
    if not np.all(np.isfinite(arr)):
        raise AssertionError(f"{name} ({key}): inf or nan; where the best logit is ±inf, "
                             "give the limit of D = σ(l), a probability.")
    if np.any((arr < 0) | (arr > 1)):
        raise AssertionError(f"{name} ({key}): D*(x) is a probability in [0, 1] (write 0.9, "
                             "not 90, and give D, not its logit).")
    return arr


def _close(x, y):
    return bool(np.all(np.isclose(x, y, rtol=_PREDICTION_TOL, atol=1e-9)))


@exercise(reference=None)
def check_predicted_d_star(predicted_d_star):
    """03, exercise 2: predicted D*(x) where only data has mass, where only the generator has
    mass, and where p_data = p_g, for one-sided (0.9, 0) and two-sided (0.9, 0.1) targets."""
    name = "predicted_d_star"
    got = call_reader(name, predicted_d_star, (),
                      'return {"one_sided": (a, b, c), "two_sided": (a, b, c)} with numbers.')
    want = {k: np.asarray(v) for k, v in reference_predicted_d_star().items()}
    mine = {k: _prediction_array(got, k) for k in PREDICTION_TARGETS}
    errors = {k: rel_error(mine[k], want[k]) for k in PREDICTION_TARGETS}
    worst = max(errors.values())
    if worst <= _PREDICTION_TOL:
        report(name, worst, _PREDICTION_TOL)
        return
    one, two = "one_sided", "two_sided"
    unsmoothed = np.array([1.0, 0.0, 0.5])
    if _close(mine[one], unsmoothed) and _close(mine[two], unsmoothed):
        why = ("that is notebook 01's unsmoothed D* = p_data/(p_data + p_g) at every point: "
               "the targets change the optimum. " + _LOSS_AT_X)
    elif _close(mine[one], want[two]) and _close(mine[two], want[one]):
        why = "one_sided and two_sided are swapped: one-sided is (α, β) = (0.9, 0)."
    elif _close(mine[two], want[one]):
        why = ("your two-sided prediction equals the one-sided one, as if β = 0.1 mattered "
               "nowhere. A fake target β pulls D toward β wherever fakes have mass: D* = β "
               "where only the generator has mass and (α + β)/2 where p_data = p_g.")
    else:
        why = None
        for key in (one, two):
            if why is None and _close(mine[key], want[key][[1, 0, 2]]):
                why = (f"{key}: the order is (only data, only the generator, p_data = p_g); "
                       "you swapped the first two.")
        for key in (one, two):
            for i in range(3):
                if why is not None or _close(mine[key][i], want[key][i]):
                    continue
                why = next((h for k, j, v, h in _WRONG_VALUES
                            if k in (None, key) and j == i and _close(mine[key][i], v)), None)
                why = why or (f"{key}, where {PREDICTION_POINTS[i]}: " + _LOSS_AT_X
                              + " Weigh the real and the fake term by the densities there.")
    raise AssertionError(f"{name}: not yet right (relative error {worst:.2e}). Hint: {why}")


# --- exercise 3: smoothed_optimal_discriminator -----------------------------------------------

def _smoothed_cases():
    (a, b), (small_a, small_b) = density_cases()
    return [(a, b, 0.9, 0.1), (a, b, 0.8, 0.0), (small_a, small_b, 0.9, 0.0),
            (small_a, small_b, 0.75, 0.2), (a, b, 1.0, 0.0)]


@exercise(reference=theory.smoothed_optimal_discriminator)
def check_smoothed_optimal_discriminator(smoothed_optimal_discriminator):
    """03, exercise 3: D*(x) for real target α and fake target β, element-wise."""
    check_function(
        "smoothed_optimal_discriminator", smoothed_optimal_discriminator,
        theory.smoothed_optimal_discriminator, _smoothed_cases(), tol=1e-8,
        shape_hint="work element-wise on the arrays: no sums or means.",
        wrong_answers=[
            (lambda pd, pg, a, b: pd / (pd + pg),
             "that is the unsmoothed D* = p_data/(p_data + p_g): the targets α and β change "
             "the optimum."),
            (lambda pd, pg, a, b: a * pd / (pd + pg),
             "right for one-sided smoothing only: with a fake target β > 0 the fakes also "
             "pull y up, adding β·p_g to the numerator."),
            (lambda pd, pg, a, b: (a * pd + (1 - b) * pg) / (pd + pg),
             "a fake with target β contributes β·log y + (1 - β)·log(1 - y): its weight on "
             "log y is β, not 1 - β."),
            (lambda pd, pg, a, b: (b * pd + a * pg) / (pd + pg),
             "α and β are swapped: α is the target of real samples, so it multiplies p_data."),
            (lambda pd, pg, a, b: (a * pd + b * pg) / ((1 - a) * pd + (1 - b) * pg),
             "you returned A/B, the odds y/(1 - y); from A/y = B/(1 - y) the optimum is "
             "y = A/(A + B), and A + B = p_data + p_g."),
        ],
        hint="collect the log y and log(1 - y) terms: A·log y + B·log(1 - y) with "
             "A = α·p_data + β·p_g and B = (1 - α)·p_data + (1 - β)·p_g; the maximum is "
             "y = A/(A + B).")


# --- exercise 4: one_sided_losses -------------------------------------------------------------

def _reference_one_sided_losses(real_logits, fake_logits, alpha):
    """(BCE(α, l_real) + BCE(0, l_fake), BCE(1, l_fake)), batch means: what
    gan_helpers.losses.minimax_discriminator_loss(real_target=α) and
    non_saturating_generator_loss compute (here in float64)."""
    return _bce(alpha, real_logits) + _bce(0.0, fake_logits), _bce(1.0, fake_logits)


def _one_sided_mistakes():
    """The known wrong d_loss and g_loss, as functions of the case (r, f, α)."""
    sig, ref = theory.sigmoid, _reference_one_sided_losses
    d_loss = [
        (lambda r, f, a: _bce(a, r) + _bce(1 - a, f),
         "that is two-sided smoothing (fake target 1 - α). Keep the fake target at 0: with "
         "β > 0 the optimal D is β where only fakes live, and those fakes stop being "
         "pushed toward the data. Smooth the real targets only."),
        (lambda r, f, a: _bce(1.0, r) + _bce(1 - a, f),
         "you smoothed the fake term (target 1 - α) and left the real target at 1; "
         "one-sided smoothing is the other way round: real target α, fake target 0."),
        (lambda r, f, a: _bce(a, r) + _bce(a, f),
         "the fakes got the target α too; their target stays 0."),
        (lambda r, f, a: _bce(1.0, r) + _bce(0.0, f),
         "no smoothing applied: the real target must be alpha, not 1."),
        (lambda r, f, a: _bce(0.9, r) + _bce(0.0, f),
         "the real target is hard-coded to 0.9; use the argument alpha."),
        (lambda r, f, a: a * _bce(1.0, r) + _bce(0.0, f),
         "you computed -α·log σ(l) = α·BCE(1, l): the hard-target loss scaled by α, or "
         "equivalently the soft-target cross-entropy without its second term "
         "-(1 - α)·log(1 - σ(l)). Its minimum is still at D = 1 (only the gradient "
         "shrinks), so nothing stops D's overconfidence; BCE(α, l) keeps both terms and "
         "is smallest at D = α."),
        (lambda r, f, a: ref(sig(r), sig(f), a)[0],
         "you applied the sigmoid twice: pass the raw logits to a from-logits loss."),
        (lambda r, f, a: 0.5 * (_bce(a, r) + _bce(0.0, f)),
         "sum the real and the fake terms (as gh.losses.minimax_discriminator_loss does), "
         "don't average them."),
    ]
    g_loss = [
        (lambda r, f, a: _bce(a, f),
         "you smoothed the generator's target too (BCE(α, l)). Then G's loss is smallest "
         "where D(G(z)) = α and rises beyond it: G is pushed back from fooling D fully. "
         "Smoothing is a regulariser for D only; G keeps the target 1."),
        (lambda r, f, a: _bce(0.9, f),
         "the generator's target is 1, not 0.9: no smoothing in G's loss."),
        (lambda r, f, a: -_bce(0.0, f),
         "that is the saturating minimax loss log(1 - D(G(z))); use the non-saturating "
         "-log D(G(z)) = BCE(1, l)."),
        (lambda r, f, a: _bce(0.0, f),
         "target 0 is what D wants for fakes; G wants them called real: target 1."),
    ]
    return {"d_loss": d_loss, "g_loss": g_loss}


@exercise(reference=_reference_one_sided_losses)
def check_one_sided_losses(one_sided_losses):
    """03, exercise 4: (D's loss with one-sided smoothing α, G's non-saturating loss), both
    batch means, from the logits of a real and a fake batch."""
    rng = np.random.default_rng(2016)
    cases = [(np.array([2.0, -0.5, 1.0, 3.0]), np.array([-1.0, 0.3, -2.0, -4.0]), 0.9),
             (rng.normal(1.0, 2.0, (16, 1)), rng.normal(-1.0, 2.0, (16, 1)), 0.8),
             (np.array([60.0, -30.0, 5.0]), np.array([-60.0, 30.0, -5.0]), 0.75),
             (rng.normal(0.0, 1.0, (8, 1)), rng.normal(0.0, 1.0, (8, 1)), 1.0)]
    hints = {"d_loss": "d_loss = mean BCE(α, l_real) + mean BCE(0, l_fake), with "
                       "BCE(t, l) = softplus(l) - t·l.",
             "g_loss": "g_loss = mean BCE(1, l_fake) = mean softplus(-l_fake), on the fake "
                       "logits: the non-saturating loss, unsmoothed."}
    check_parts(
        "one_sided_losses", one_sided_losses, _reference_one_sided_losses, cases,
        ("d_loss", "g_loss"), tol=1e-6, wrong_answers=_one_sided_mistakes(), hints=hints,
        shape_hint="return two numbers, (d_loss, g_loss), each a batch mean.",
        finite_hint="work on logits: BCE(t, l) = softplus(l) - t·l with "
        "softplus(l) = np.logaddexp(0, l) (or tf.nn.sigmoid_cross_entropy_with_"
        "logits); log(sigmoid(l)) is -inf for l = -60.")
