"""Checkers for notebooks/01_minimax_objective.ipynb.

Exercise 1 (derive), ``optimal_discriminator``: D*(x), the maximiser of a·log y + b·log(1 - y)
with a = p_data(x), b = p_g(x), from the two densities. Exercise 2 (derive),
``d_star_logit``: the logit of D* for N(0, 1) against N(mu, s²) in closed form. Exercise 3, ``jsd``:
the Jensen-Shannon divergence of two densities on a grid. Exercise 4,
``non_saturating_generator_loss``: the generator's loss -log σ(l) per logit. Exercise 5 (predict),
``predicted_gradient_ratio``: how much stronger the non-saturating gradient is at D(G(z)) = 1e-3.
The references are :mod:`gan_helpers.theory`'s, except :func:`d_star_logit` here (exercise 5
has no later use, so no reference).
"""
import numpy as np

from .. import theory
from .core import check_function, exercise


def density_cases():
    """Two (p_data, p_g) pairs: Gaussians on a grid, and four hand-picked values with a 0."""
    x = np.linspace(-3.0, 5.0, 17)
    return [(theory.gaussian_pdf(x, 0.0, 1.0), theory.gaussian_pdf(x, 2.0, 0.5)),
            (np.array([0.1, 0.4, 0.25, 0.0]), np.array([0.3, 0.4, 0.05, 0.2]))]


# --- exercise 1: optimal_discriminator --------------------------------------------------------

@exercise(reference=theory.optimal_discriminator)
def check_optimal_discriminator(optimal_discriminator):
    """01, exercise 1: D*(x), the maximiser over y of p_data(x)·log y + p_g(x)·log(1 - y)."""
    step = ("you returned the hard decision 'real wherever p_data > p_g' (the Bayes "
            "classifier's label); but f(y) = a·log y + b·log(1 - y) → -∞ at y = 0 and at y = 1 "
            "when a, b > 0, so its maximum is strictly inside (0, 1): D* is a probability, not "
            "a 0/1 label.")
    check_function(
        "optimal_discriminator", optimal_discriminator, theory.optimal_discriminator,
        density_cases(), tol=1e-8,
        shape_hint="work element-wise on the arrays: no sums or means.",
        finite_hint="your result is inf or nan at a point where D* is finite: D* is a "
        "probability in [0, 1] wherever p_data + p_g > 0 (the checker includes a point with "
        "p_data = p_g and one with p_data = 0). A division by a - b comes from a sign slip: "
        "d/dy log(1 - y) = -1/(1 - y), so f'(y) = 0 reads a/y = b/(1 - y).",
        wrong_answers=[
            (lambda pd, pg: pg / (pd + pg),
             "you returned b/(a + b) = p_g/(p_data + p_g), with a and b swapped: that is the "
             "probability that x is fake. a = p_data(x) multiplies log y, and y = D(x) is the "
             "probability of *real*; redo a(1 - y) = b·y."),
            (lambda pd, pg: np.divide(pd, pg, out=np.full_like(pd, np.inf), where=pg > 0),
             "p_data/p_g is the likelihood ratio: that is D*/(1 - D*), the odds, not the "
             "probability (it exceeds 1 wherever p_data > p_g). From a/y = b/(1 - y), solve "
             "for y itself, not for y/(1 - y)."),
            (lambda pd, pg: np.full_like(pd, 0.5),
             "y = 1/2 maximises f only when a = b, i.e. where p_g = p_data; in general the "
             "maximiser depends on both a and b."),
            (lambda pd, pg: np.where(pd > pg, 1.0, 0.0), step),
            (lambda pd, pg: np.where(pd >= pg, 1.0, 0.0), step),
        ],
        hint="differentiate f(y) = a·log y + b·log(1 - y) with a = p_data(x), b = p_g(x) "
        "(mind the chain rule on log(1 - y)), set f'(y) = 0 and solve for y.")


# --- exercise 2 (derive): d_star_logit ---------------------------------------------------------

def d_star_logit(x, mu, s):
    """log(p_data/p_g)(x) = log(D*/(1 - D*))(x) for p_data = N(0, 1), p_g = N(mu, s²), in closed
    form: ½((x - mu)/s)² - ½x² + log s, a quadratic in x (linear, mu²/2 - mu·x, when s = 1)."""
    x = np.asarray(x, dtype=np.float64)
    return 0.5 * ((x - mu) / s) ** 2 - 0.5 * x * x + np.log(s)


_logit_reference = d_star_logit  # the checker's argument below shadows the name


def _logit_cases():
    # Moderate x, and tails (|x| = 40, 60) where both densities underflow to 0 in float64:
    # only a closed form is finite there.
    x = np.concatenate([np.linspace(-4.0, 6.0, 21), [-60.0, -40.0, 40.0, 60.0]])
    return [(x, 2.0, 0.5), (x, -1.0, 2.5), (x, 0.5, 0.3), (x, 3.0, 1.0)]


@exercise(reference=d_star_logit)
def check_d_star_logit(d_star_logit):
    """01, exercise 2: the logit log(p_data/p_g)(x) of D* for N(0, 1) against N(mu, s²)."""
    ref = _logit_reference

    def s1_formula(x, mu, s):
        return mu * mu / 2 - mu * x

    check_function(
        "d_star_logit", d_star_logit, ref, _logit_cases(), tol=1e-8,
        shape_hint="return one logit per x (the shape of x): no sums or means.",
        finite_hint="your result is inf or nan at |x| = 40 or 60, where p_data and p_g both "
        "underflow to 0 in float64 (e^(-800) = 0), so log(p_data/p_g) computed from the "
        "densities is log(0/0). The logit itself is finite: expand log N(x; 0, 1) - "
        "log N(x; mu, s²) by hand and return the closed form, which needs no densities.",
        wrong_answers=[
            (lambda x, mu, s: -ref(x, mu, s),
             "sign flipped: you returned log(p_g/p_data), the logit of 1 - D* (the probability "
             "of *fake*). D* = σ(t) with t = log(p_data/p_g)."),
            (lambda x, mu, s: ((x - mu) / s) ** 2 - x * x + np.log(s),
             "the ½ is missing from the quadratic terms: log N(x; mu, s²) = -(x - mu)²/(2s²) "
             "- log s - ½ log 2π."),
            (lambda x, mu, s: 2 * ref(x, mu, s),
             "the ½ is missing from the quadratic terms (and you doubled log s): "
             "log N(x; mu, s²) = -(x - mu)²/(2s²) - log s - ½ log 2π."),
            (lambda x, mu, s: ref(x, mu, s) - np.log(s),
             "you forgot log s: the normalising constants 1/√(2π) and 1/(s√(2π)) do not cancel "
             "when s ≠ 1; their ratio contributes + log s."),
            (lambda x, mu, s: ref(x, mu, s) - 2 * np.log(s),
             "the sign of log s: p_g carries 1/s in front, so dividing by p_g multiplies by s: "
             "+ log s."),
            (lambda x, mu, s: 0.5 * (x - mu) ** 2 / s - 0.5 * x * x + np.log(s),
             "s is the standard deviation: the exponent of N(x; mu, s²) divides by the "
             "variance s², not by s."),
            (s1_formula,
             "mu²/2 - mu·x is the equal-variance case s = 1 only; for s ≠ 1 the x² terms do not "
             "cancel and the logit is quadratic in x."),
            (lambda x, mu, s: theory.sigmoid(ref(x, mu, s)),
             "you returned D*(x) itself, a probability; the exercise asks for its logit "
             "log(D*/(1 - D*)) = log(p_data/p_g)."),
        ],
        hint="t(x) = log N(x; 0, 1) - log N(x; mu, s²) with log N(x; m, s²) = -(x - m)²/(2s²) "
        "- log s - ½ log 2π; the ½ log 2π cancel.")


# --- exercise 3: jsd --------------------------------------------------------------------------

def _biweight(x, centre):
    """A smooth density that is exactly 0 outside [centre - 1, centre + 1]."""
    u = np.clip(x - centre, -1.0, 1.0)
    return 15.0 / 16.0 * (1.0 - u * u) ** 2


def _jsd_cases():
    x = np.linspace(-12.0, 14.0, 4001)
    pdf = theory.gaussian_pdf
    return [(pdf(x, 0.0, 1.0), pdf(x, 2.0, 0.5), x),
            (pdf(x, 0.0, 1.0), pdf(x, 0.5, 2.0), x),
            (pdf(x, 1.0, 1.0), pdf(x, 1.0, 1.0), x),
            (_biweight(x, 0.0), _biweight(x, 1.0), x)]  # partly disjoint supports: 0·log 0


@exercise(reference=theory.jsd)
def check_jsd(jsd):
    """01, exercise 3: the Jensen-Shannon divergence of two densities on a grid, in nats."""
    check_function(
        "jsd", jsd, theory.jsd, _jsd_cases(), tol=1e-6,
        shape_hint="return one number: integrate over the grid (gh.theory.trapezoid(y, x)).",
        finite_hint="JSD is finite (at most log 2) even where one density is 0. "
        "nan comes from 0·log 0, which must count as 0: use scipy.special.rel_entr(p, m). "
        "inf comes from comparing p with q directly (KL(p ‖ q) is infinite where "
        "q = 0 < p): compare each with the mixture m = (p + q)/2, never p with q.",
        wrong_answers=[
            (lambda p, q, x: theory.kl_divergence(p, 0.5 * (p + q), x),
             "that is KL(p ‖ m) alone, which is not symmetric in p and q; JSD averages it with "
             "KL(q ‖ m)."),
            (lambda p, q, x: 2.0 * theory.jsd(p, q, x),
             "you dropped the ½ factors: JSD = ½ KL(p ‖ m) + ½ KL(q ‖ m), and it is at most "
             "log 2."),
            (lambda p, q, x: theory.jsd(p, q, x) / np.log(2.0),
             "you used log base 2 (bits); the theory's -log 4 + 2·JSD is in nats: use np.log."),
            (lambda p, q, x: np.sqrt(theory.jsd(p, q, x)),
             "you returned the square root (scipy's jensenshannon is that distance); the "
             "divergence is its square."),
        ],
        hint="JSD = ½ ∫ p log(p/m) dx + ½ ∫ q log(q/m) dx with m = (p + q)/2.")


# --- exercise 4: non_saturating_generator_loss ----------------------------------------------------

@exercise(reference=theory.non_saturating_generator_loss)
def check_non_saturating_generator_loss(non_saturating_generator_loss):
    """01, exercise 4: the non-saturating generator loss -log σ(l), one value per logit."""
    cases = [(np.array([-5.0, -1.0, 0.0, 0.5, 3.0]),),
             (np.array([-800.0, -40.0, 40.0, 800.0]),)]
    check_function(
        "non_saturating_generator_loss", non_saturating_generator_loss,
        theory.non_saturating_generator_loss, cases,
        tol=1e-8,
        shape_hint="return one loss per logit (no mean): the input's shape.",
        finite_hint="log(sigmoid(l)) underflows to log(0) for very negative l. Write "
        "-log σ(l) = log(1 + e^(-l)) = softplus(-l) and use np.logaddexp(0, -l).",
        wrong_answers=[
            (theory.minimax_generator_loss,
             "that is the saturating (minimax) loss log(1 - D(G(z))); the non-saturating one "
             "is -log D(G(z)) = softplus(-l)."),
            (lambda l: -theory.non_saturating_generator_loss(l),  # log σ(l)
             "sign error: you returned log D(G(z)); G *minimises* -log D(G(z)), i.e. it "
             "maximises log D(G(z))."),
            (lambda l: -theory.minimax_generator_loss(l),  # softplus(l) = -log(1 - σ(l))
             "that is -log(1 - D(G(z))), the cross-entropy with target 0 (what D wants for "
             "fakes); the generator uses target 1: -log σ(l)."),
        ],
        hint="-log σ(l) = log(1 + e^(-l)): use np.logaddexp(0, -logits).")


# --- exercise 5 (predict): predicted_gradient_ratio ---------------------------------------------

@exercise(reference=None)
def check_predicted_gradient_ratio(predicted_gradient_ratio):
    """01, exercise 5: |d/dl non-saturating| / |d/dl minimax| at D(G(z)) = 1e-3, predicted."""
    d = 1e-3
    ll = np.log(d) - np.log1p(-d)                       # the logit with σ(l) = d
    check_function(
        "predicted_gradient_ratio", predicted_gradient_ratio, lambda: (1 - d) / d, [()],
        tol=2e-4,  # accepts 999 ± 0.4, rejects 1/D = 1000
        shape_hint="return one number.",
        wrong_answers=[
            (lambda: 1 / d,
             "1/D = 1000 is the ratio with the non-saturating gradient taken as exactly -1; it "
             "is σ(l) - 1 = -(1 - D), so the ratio is (1 - D)/D."),
            (lambda: d / (1 - d),
             "inverted: D/(1 - D) is minimax over non-saturating, the weak one over the strong "
             "one. The question asks how many times *larger* the non-saturating gradient is."),
            (lambda: d,
             "inverted: about 1e-3 is the weak (minimax) gradient over the strong one; the "
             "question asks non-saturating over minimax."),
            (lambda: abs(theory.non_saturating_generator_loss(ll)
                         / theory.minimax_generator_loss(ll)),
             "that is the ratio of the two *losses*, -log D / |log(1 - D)|; the question is "
             "about their gradients in the logit, σ(l) - 1 and -σ(l)."),
            (lambda: 1.0,
             "both losses push the same way, but not equally hard: the gradients are "
             "-σ(l) and σ(l) - 1."),
        ],
        hint="the gradients in the logit are -σ(l) (minimax) and σ(l) - 1 (non-saturating), "
        "with σ(l) = D(G(z)) = 1e-3: divide their sizes.")
