"""Notebook 01's checkers accept the reference answer and reject the usual mistakes,
each with its own hint (matched on a phrase of the hint)."""
import numpy as np
from scipy.special import rel_entr

from gan_helpers import checks, theory


def softplus(t):
    return np.logaddexp(0.0, t)


# --- exercise 1: optimal_discriminator --------------------------------------------------------

def test_optimal_discriminator_checker(passes, rejects):
    check = checks.check_optimal_discriminator
    assert passes(check, lambda pd, pg: pd / (pd + pg)) <= 1e-8
    assert passes(check, theory.optimal_discriminator) == 0
    rejects(check, lambda pd, pg: pg / (pd + pg), "probability that x is fake")
    rejects(check, lambda pd, pg: pd / pg, "likelihood ratio")
    rejects(check, lambda pd, pg: 0.5 + 0 * pd, "only when p_g = p_data")
    rejects(check, lambda pd, pg: np.mean(pd / (pd + pg)), "element-wise")
    rejects(check, lambda pd, pg: pd / (pd + pg) + 0.01, "maximise a·log y")


# --- exercise 2: jsd --------------------------------------------------------------------------

def test_jsd_checker(passes, rejects):
    trapezoid = theory.trapezoid  # np.trapezoid (NumPy 2) or np.trapz (NumPy 1.x)

    def jsd(p, q, x):  # a second, independent solution: rel_entr and the trapezoid rule
        m = (p + q) / 2
        return 0.5 * trapezoid(rel_entr(p, m), x) + 0.5 * trapezoid(rel_entr(q, m), x)

    assert passes(checks.check_jsd, jsd) <= 1e-6
    with np.errstate(all="ignore"):
        rejects(checks.check_jsd, lambda p, q, x: trapezoid(rel_entr(p, q), x), "never p with q")
    rejects(checks.check_jsd, lambda p, q, x: trapezoid(rel_entr(p, (p + q) / 2), x),
            "KL\\(p ‖ m\\) alone")
    rejects(checks.check_jsd, lambda p, q, x: 2 * jsd(p, q, x), "dropped the ½")
    rejects(checks.check_jsd, lambda p, q, x: jsd(p, q, x) / np.log(2), "base 2")
    rejects(checks.check_jsd, lambda p, q, x: np.sqrt(jsd(p, q, x)), "square root")
    rejects(checks.check_jsd, lambda p, q, x: rel_entr(p, (p + q) / 2), "return one number")
    with np.errstate(all="ignore"):  # p·log(p/m) with p = 0 gives nan, not 0
        rejects(checks.check_jsd,
                lambda p, q, x: 0.5 * trapezoid(p * np.log(p / ((p + q) / 2)), x)
                + 0.5 * trapezoid(q * np.log(q / ((p + q) / 2)), x), "0·log 0")


# --- exercise 3: non_saturating_generator_loss ----------------------------------------------------

def test_non_saturating_loss_checker(passes, rejects):
    check = checks.check_non_saturating_generator_loss
    assert passes(check, lambda l: np.logaddexp(0, -l)) == 0
    rejects(check, lambda l: -softplus(l), "saturating \\(minimax\\)")
    rejects(check, lambda l: -softplus(-l), "sign error")
    rejects(check, lambda l: softplus(l), "target 0")
    rejects(check, lambda l: np.mean(softplus(-l)), "one loss per logit")
    with np.errstate(all="ignore"):
        rejects(check, lambda l: -np.log(1 / (1 + np.exp(-l))), "np.logaddexp")


def test_checker_references_agree_with_theory():
    # The 01 checkers compare with gan_helpers.theory; spot-check it against formulas.
    l = np.array([-3.0, 0.0, 2.0])
    sigma = 1 / (1 + np.exp(-l))
    np.testing.assert_allclose(theory.non_saturating_generator_loss(l), -np.log(sigma))
    np.testing.assert_allclose(theory.minimax_generator_loss(l), np.log(1 - sigma))
    pd, pg = np.array([0.1, 0.4, 0.0]), np.array([0.3, 0.4, 0.2])
    np.testing.assert_allclose(theory.optimal_discriminator(pd, pg), pd / (pd + pg))
