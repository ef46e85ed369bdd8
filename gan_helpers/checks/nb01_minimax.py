"""Checkers for notebooks/01_minimax_objective.ipynb.

Exercise 1, ``optimal_discriminator``: D*(x) from the two densities. Exercise 2, ``jsd``: the
Jensen-Shannon divergence of two densities on a grid. Exercise 3, ``non_saturating_generator_loss``:
the generator's loss -log σ(l) per logit. The references are :mod:`gan_helpers.theory`'s.
"""
import numpy as np

from .. import theory
from .core import check_function


def density_cases():
    """Two (p_data, p_g) pairs: Gaussians on a grid, and four hand-picked values with a 0."""
    x = np.linspace(-3.0, 5.0, 17)
    return [(theory.gaussian_pdf(x, 0.0, 1.0), theory.gaussian_pdf(x, 2.0, 0.5)),
            (np.array([0.1, 0.4, 0.25, 0.0]), np.array([0.3, 0.4, 0.05, 0.2]))]


# --- exercise 1: optimal_discriminator --------------------------------------------------------

def check_optimal_discriminator(optimal_discriminator):
    """01, exercise 1: D*(x) from the two densities at x."""
    check_function(
        "optimal_discriminator", optimal_discriminator, theory.optimal_discriminator,
        density_cases(), tol=1e-8,
        shape_hint="work element-wise on the arrays: no sums or means.",
        wrong_answers=[
            (lambda pd, pg: pg / (pd + pg),
             "you returned p_g/(p_data + p_g), the probability that x is fake; D(x) is the "
             "probability that x is real, so p_data goes in the numerator."),
            (lambda pd, pg: np.divide(pd, pg, out=np.full_like(pd, np.inf), where=pg > 0),
             "p_data/p_g is the likelihood ratio; setting a/y - b/(1-y) = 0 gives y = a/(a + b)."),
            (lambda pd, pg: np.full_like(pd, 0.5),
             "D* = 1/2 everywhere only when p_g = p_data; in general it depends on both."),
        ],
        hint="maximise a·log y + b·log(1 - y) over y with a = p_data(x), b = p_g(x).")


# --- exercise 2: jsd --------------------------------------------------------------------------

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


def check_jsd(jsd):
    """01, exercise 2: the Jensen-Shannon divergence of two densities on a grid, in nats."""
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


# --- exercise 3: non_saturating_generator_loss ----------------------------------------------------

def check_non_saturating_generator_loss(non_saturating_generator_loss):
    """01, exercise 3: the non-saturating generator loss -log σ(l), one value per logit."""
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
