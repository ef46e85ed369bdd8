"""Notebook 01's checkers accept the reference answer and reject the usual mistakes,
each with its own hint (matched on a phrase of the hint)."""
import numpy as np
from scipy.special import rel_entr

from gan_helpers import checks, theory
from gan_helpers.checks import nb01_minimax


def softplus(t):
    return np.logaddexp(0.0, t)


# --- exercise 1: optimal_discriminator --------------------------------------------------------

def test_optimal_discriminator_checker(passes, rejects):
    check = checks.check_optimal_discriminator
    assert passes(check, lambda pd, pg: pd / (pd + pg)) <= 1e-8
    with np.errstate(divide="ignore"):  # another form of the same y: 1/(1 + b/a), a = 0 → 0
        assert passes(check, lambda pd, pg: 1 / (1 + pg / pd)) <= 1e-8
    assert passes(check, theory.optimal_discriminator) == 0
    rejects(check, lambda pd, pg: pg / (pd + pg), "a and b swapped")
    rejects(check, lambda pd, pg: pg / (pd + pg), "probability that x is fake")
    rejects(check, lambda pd, pg: pd / pg, "likelihood ratio")
    rejects(check, lambda pd, pg: pd / pg, r"D\*/\(1 - D\*\), the odds, not the probability")
    rejects(check, lambda pd, pg: 0.5 + 0 * pd, "only when a = b")
    rejects(check, lambda pd, pg: (pd > pg).astype(float), "hard decision")
    rejects(check, lambda pd, pg: (pd >= pg).astype(float), "not a 0/1 label")
    with np.errstate(all="ignore"):  # f'(y) = a/y + b/(1 - y) = 0 gives y = a/(a - b)
        rejects(check, lambda pd, pg: pd / (pd - pg), "sign slip")
    rejects(check, lambda pd, pg: np.mean(pd / (pd + pg)), "element-wise")
    rejects(check, lambda pd, pg: pd / (pd + pg) + 0.01, "chain rule on log")


# --- exercise 2 (derive): d_star_logit -----------------------------------------------------

def test_d_star_logit_reference_is_the_log_density_ratio():
    # The closed form equals log(D*/(1 - D*)) computed numerically from the two densities
    # (1 - D* as D* with the arguments swapped, so that no tail rounds to 1 - 1 = 0).
    x = np.linspace(-6.0, 8.0, 141)
    for mu, s in [(2.0, 1.0), (2.0, 0.5), (-1.0, 2.5), (0.5, 0.3)]:
        pd, pg = theory.gaussian_pdf(x, 0.0, 1.0), theory.gaussian_pdf(x, mu, s)
        numeric = (np.log(theory.optimal_discriminator(pd, pg))
                   - np.log(theory.optimal_discriminator(pg, pd)))
        np.testing.assert_allclose(nb01_minimax.d_star_logit(x, mu, s), numeric,
                                   rtol=1e-9, atol=1e-9)
    # equal variances: linear, mu²/2 - mu·x (the notebook's 2 - 2x for mu = 2)
    np.testing.assert_allclose(nb01_minimax.d_star_logit(x, 2.0, 1.0), 2.0 - 2.0 * x)


def test_d_star_logit_checker(passes, rejects):
    check = checks.check_d_star_logit

    def mine(x, mu, s):  # a second, independent form: expanded in powers of x
        return (1 / s**2 - 1) / 2 * x**2 - mu / s**2 * x + mu**2 / (2 * s**2) + np.log(s)

    assert passes(check, mine) <= 1e-8
    assert passes(check, nb01_minimax.d_star_logit) == 0
    ref = nb01_minimax.d_star_logit
    rejects(check, lambda x, mu, s: -ref(x, mu, s), "sign flipped")
    rejects(check, lambda x, mu, s: (x - mu) ** 2 / s**2 - x**2 + np.log(s), "½ is missing")
    rejects(check, lambda x, mu, s: (x - mu) ** 2 / s**2 - x**2 + 2 * np.log(s), "½ is missing")
    rejects(check, lambda x, mu, s: (x - mu) ** 2 / (2 * s**2) - x**2 / 2, "forgot log s")
    rejects(check, lambda x, mu, s: (x - mu) ** 2 / (2 * s**2) - x**2 / 2 - np.log(s),
            "sign of log s")
    rejects(check, lambda x, mu, s: (x - mu) ** 2 / (2 * s) - x**2 / 2 + np.log(s),
            "variance s²")
    rejects(check, lambda x, mu, s: mu**2 / 2 - mu * x, "equal-variance case")
    rejects(check, lambda x, mu, s: theory.sigmoid(ref(x, mu, s)), r"D\*\(x\) itself")
    rejects(check, lambda x, mu, s: np.sum(ref(x, mu, s)), "one logit per x")
    with np.errstate(all="ignore"):  # numerically from the densities: log(0/0) in the tails
        rejects(check, lambda x, mu, s: np.log(theory.gaussian_pdf(x, 0.0, 1.0)
                                               / theory.gaussian_pdf(x, mu, s)), "closed form")


# --- exercise 3: jsd --------------------------------------------------------------------------

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


# --- exercise 4: non_saturating_generator_loss ----------------------------------------------------

def test_non_saturating_loss_checker(passes, rejects):
    check = checks.check_non_saturating_generator_loss
    assert passes(check, lambda l: np.logaddexp(0, -l)) == 0
    rejects(check, lambda l: -softplus(l), "saturating \\(minimax\\)")
    rejects(check, lambda l: -softplus(-l), "sign error")
    rejects(check, lambda l: softplus(l), "target 0")
    rejects(check, lambda l: np.mean(softplus(-l)), "one loss per logit")
    with np.errstate(all="ignore"):
        rejects(check, lambda l: -np.log(1 / (1 + np.exp(-l))), "np.logaddexp")


# --- exercise 5 (predict): predicted_gradient_ratio ----------------------------------------

def test_predicted_gradient_ratio_checker(passes, rejects):
    check = checks.check_predicted_gradient_ratio
    assert passes(check, lambda: 999.0) == 0
    assert passes(check, lambda: (1 - 1e-3) / 1e-3) <= 1e-12
    rejects(check, lambda: 1000.0, "1/D = 1000")
    rejects(check, lambda: 1e-3 / (1 - 1e-3), r"inverted: D/\(1 - D\)")
    rejects(check, lambda: 1e-3, "inverted: about 1e-3")
    rejects(check, lambda: np.log(1e-3) / np.log1p(-1e-3), r"ratio of the two \*losses\*")
    rejects(check, lambda: 1.0, "not equally hard")
    rejects(check, lambda: 10.0, "divide their sizes")
    rejects(check, lambda: [999.0], "one number")


def test_checker_references_agree_with_theory():
    # The 01 checkers compare with gan_helpers.theory; spot-check it against formulas.
    l = np.array([-3.0, 0.0, 2.0])
    sigma = 1 / (1 + np.exp(-l))
    np.testing.assert_allclose(theory.non_saturating_generator_loss(l), -np.log(sigma))
    np.testing.assert_allclose(theory.minimax_generator_loss(l), np.log(1 - sigma))
    pd, pg = np.array([0.1, 0.4, 0.0]), np.array([0.3, 0.4, 0.2])
    np.testing.assert_allclose(theory.optimal_discriminator(pd, pg), pd / (pd + pg))
