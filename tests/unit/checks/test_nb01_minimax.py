"""Every exercise checker accepts the reference answer and rejects the usual mistakes,
each with its own hint (matched on a phrase of the hint)."""
import json
import pathlib
import re

import numpy as np
import pytest

from gan_helpers import checks, theory


def softplus(t):
    return np.logaddexp(0.0, t)


def accepts(checker, fn, capsys):
    checker(fn)
    out = capsys.readouterr().out
    assert "correct!" in out and "not yet right" not in out


def rejects(checker, fn, phrase):
    with pytest.raises(AssertionError, match=phrase):
        checker(fn)


# --- the core ---------------------------------------------------------------------------

def test_rel_error_is_symmetric_and_scale_free():
    assert checks.rel_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert checks.rel_error([1e6], [1.001e6]) == pytest.approx(0.001 / 2.001)
    assert checks.rel_error([2.0], [1.0]) == checks.rel_error([1.0], [2.0])
    with pytest.raises(AssertionError, match="shape mismatch"):
        checks.rel_error(np.zeros(3), np.zeros((3, 1)))


def test_check_function_lets_not_implemented_through():
    def todo(x):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        checks.check_function("todo", todo, np.sin, [(np.ones(2),)])


def test_check_function_generic_hint_when_no_known_mistake_matches():
    with pytest.raises(AssertionError, match="the text above"):
        checks.check_function("f", np.cos, np.sin, [(np.ones(2),)],
                              wrong_answers=[(np.tan, "tangent")])


# --- notebook 01 ------------------------------------------------------------------------

def test_optimal_discriminator_checker(capsys):
    accepts(checks.check_optimal_discriminator, lambda pd, pg: pd / (pd + pg), capsys)
    rejects(checks.check_optimal_discriminator, lambda pd, pg: pg / (pd + pg), "probability that x is fake")
    rejects(checks.check_optimal_discriminator, lambda pd, pg: pd / pg, "likelihood ratio")
    rejects(checks.check_optimal_discriminator, lambda pd, pg: 0.5 + 0 * pd, "only when p_g = p_data")
    rejects(checks.check_optimal_discriminator, lambda pd, pg: np.mean(pd / (pd + pg)), "element-wise")


def test_non_saturating_loss_checker(capsys):
    accepts(checks.check_non_saturating_loss, lambda l: np.logaddexp(0, -l), capsys)
    rejects(checks.check_non_saturating_loss, lambda l: -softplus(l), "saturating \\(minimax\\)")
    rejects(checks.check_non_saturating_loss, lambda l: -softplus(-l), "sign error")
    rejects(checks.check_non_saturating_loss, lambda l: softplus(l), "target 0")
    rejects(checks.check_non_saturating_loss, lambda l: np.mean(softplus(-l)), "one loss per logit")
    with np.errstate(all="ignore"):
        rejects(checks.check_non_saturating_loss, lambda l: -np.log(1 / (1 + np.exp(-l))),
                "np.logaddexp")


def test_jsd_checker(capsys):
    from scipy.special import rel_entr

    trapezoid = theory.trapezoid  # np.trapezoid (NumPy 2) or np.trapz (NumPy 1.x)

    def jsd(p, q, x):  # a second, independent solution: rel_entr and the trapezoid rule
        m = (p + q) / 2
        return 0.5 * trapezoid(rel_entr(p, m), x) + 0.5 * trapezoid(rel_entr(q, m), x)

    accepts(checks.check_jsd, jsd, capsys)
    with np.errstate(all="ignore"):
        rejects(checks.check_jsd, lambda p, q, x: trapezoid(rel_entr(p, q), x), "never p with q")
    rejects(checks.check_jsd, lambda p, q, x: trapezoid(rel_entr(p, (p + q) / 2), x), "KL\\(p ‖ m\\) alone")
    rejects(checks.check_jsd, lambda p, q, x: 2 * jsd(p, q, x), "dropped the ½")
    rejects(checks.check_jsd, lambda p, q, x: jsd(p, q, x) / np.log(2), "base 2")
    rejects(checks.check_jsd, lambda p, q, x: np.sqrt(jsd(p, q, x)), "square root")
    with np.errstate(all="ignore"):  # p·log(p/m) with p = 0 gives nan, not 0
        rejects(checks.check_jsd, lambda p, q, x: 0.5 * trapezoid(p * np.log(p / ((p + q) / 2)), x)
                + 0.5 * trapezoid(q * np.log(q / ((p + q) / 2)), x), "0·log 0")


# --- notebook 02 ------------------------------------------------------------------------

def test_dense_forward_checker(capsys):
    accepts(checks.check_dense_forward, lambda x, W, b: x @ W + b, capsys)
    rejects(checks.check_dense_forward, lambda x, W, b: x @ W, "forgot the bias")
    rejects(checks.check_dense_forward, lambda x, W, b: (W.T @ x.T).T[:, :1] + b[:1], "add b")


def test_dense_backward_checker(capsys):
    good = lambda dout, x, W: (dout @ W.T, x.T @ dout, dout.sum(axis=0))  # noqa: E731
    accepts(checks.check_dense_backward, good, capsys)
    rejects(checks.check_dense_backward,
            lambda dout, x, W: (dout @ W.T, dout.T @ x, dout.sum(axis=0)), "dout.T @ x is its transpose")
    rejects(checks.check_dense_backward,
            lambda dout, x, W: (dout @ W.T, x.T @ dout, dout), "sums over the batch")
    rejects(checks.check_dense_backward,
            lambda dout, x, W: (dout @ W.T, x.T @ dout, dout.mean(axis=0)), "do not average")
    rejects(checks.check_dense_backward,
            lambda dout, x, W: (dout @ W, x.T @ dout, dout.sum(axis=0)), "dx = dout @ W.T")
    rejects(checks.check_dense_backward,
            lambda dout, x, W: (dout @ W.T, x.T @ dout / len(x), dout.sum(axis=0)), "no 1/N")


def test_discriminator_loss_reference_matches_the_library():
    import tensorflow as tf

    import gan_helpers as gh

    rng = np.random.default_rng(0)
    r, f = rng.normal(size=8), rng.normal(size=8)
    want = float(gh.losses.discriminator_loss(tf.constant(r[:, None]), tf.constant(f[:, None])))
    assert checks._reference_discriminator_loss(r, f) == pytest.approx(want, rel=1e-6)


def test_discriminator_loss_checker(capsys):
    good = lambda r, f: np.mean(softplus(-r)) + np.mean(softplus(f))  # noqa: E731
    accepts(checks.check_discriminator_loss, good, capsys)
    sig = lambda t: 1 / (1 + np.exp(-t))  # noqa: E731
    with np.errstate(all="ignore"):
        rejects(checks.check_discriminator_loss, lambda r, f: good(sig(r), sig(f)), "sigmoid twice")
        rejects(checks.check_discriminator_loss,
                lambda r, f: -np.mean(np.log(r)) - np.mean(np.log(1 - f)), "not probabilities")
    rejects(checks.check_discriminator_loss, lambda r, f: good(f, r), "labels swapped")
    rejects(checks.check_discriminator_loss, lambda r, f: -good(r, f), "sign error")
    rejects(checks.check_discriminator_loss, lambda r, f: good(r, f) / 2, "don't average")
    rejects(checks.check_discriminator_loss, lambda r, f: softplus(-r) + softplus(f), "one number")


def test_checker_references_agree_with_theory():
    # The 01 checkers compare with gan_helpers.theory; spot-check it against formulas.
    l = np.array([-3.0, 0.0, 2.0])
    np.testing.assert_allclose(theory.non_saturating_loss(l), -np.log(1 / (1 + np.exp(-l))))


# --- every checker numbers its exercise as its notebook does ---------------------------------

@pytest.mark.parametrize("notebook", sorted(
    (pathlib.Path(__file__).resolve().parents[3] / "notebooks").glob("[0-9][0-9]_*.ipynb")),
    ids=lambda p: p.name[:2])
def test_checker_docstrings_number_exercises_as_the_notebook_does(notebook):
    """After each 'Exercise k' heading, the next checker called is the one whose docstring
    begins 'NN, exercise k:', so a hint never sends a learner to the wrong exercise."""
    cells = ["".join(c["source"]) for c in json.loads(notebook.read_text())["cells"]]
    found, number = {}, None
    for text in cells:
        heading = re.search(r"^(?:### Exercise (\d+):|\*\*Exercise (\d+)\.\*\*)", text, re.M)
        if heading:
            number = int(heading.group(1) or heading.group(2))
        call = re.search(r"gh\.checks\.(check_\w+)\(", text)
        if call and number is not None:
            found[call.group(1)] = number
            number = None
    assert sorted(found.values()) == list(range(1, len(found) + 1)) and len(found) >= 2
    for name, k in found.items():
        assert getattr(checks, name).__doc__.startswith(f"{notebook.name[:2]}, exercise {k}:"), name
