"""Checkers for notebooks/02_dense_bp_gan.ipynb.

Exercise 1, ``dense_forward``: out = x W + b. Exercise 2, ``dense_backward``: its gradients
(dx, dW, db). Exercise 3, ``minimax_discriminator_loss``: D's loss from logits, batch means.
"""
import numpy as np

from .. import theory
from .core import check_function, check_parts


def _reference_dense_forward(x, W, b):
    return np.asarray(x, np.float64) @ np.asarray(W, np.float64) + np.asarray(b, np.float64)


def _reference_dense_backward(dout, x, W):
    dout, x, W = (np.asarray(a, np.float64) for a in (dout, x, W))
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


def _dense_cases():
    rng = np.random.default_rng(231)
    return [(rng.standard_normal((5, 3)), rng.standard_normal((3, 4)), rng.standard_normal(4)),
            (rng.standard_normal((2, 6)), rng.standard_normal((6, 6)), rng.standard_normal(6))]


# --- exercise 1: dense_forward ----------------------------------------------------------------

def check_dense_forward(dense_forward):
    """02, exercise 1: out = x W + b for a batch x (N, D_in), W (D_in, D_out), b (D_out,)."""
    check_function(
        "dense_forward", dense_forward, _reference_dense_forward, _dense_cases(), tol=1e-10,
        shape_hint="x (N, D_in) @ W (D_in, D_out) gives (N, D_out); add b to every row.",
        wrong_answers=[(lambda x, W, b: x @ W, "you forgot the bias b."),
                       (lambda x, W, b: x @ W - b, "sign error: the bias is added, x @ W + b.")],
        hint="out = x @ W + b.")


# --- exercise 2: dense_backward ---------------------------------------------------------------

def check_dense_backward(dense_backward):
    """02, exercise 2: (dx, dW, db) of out = x W + b, given the upstream gradient dout."""
    rng = np.random.default_rng(1986)
    cases = [(rng.standard_normal((n, o)), x, W) for (x, W, _), n, o in
             zip(_dense_cases(), (5, 2), (4, 6))]
    hints = {
        "dx": "dx = dout @ W.T: (N, D_out) @ (D_out, D_in) -> (N, D_in), x's shape.",
        "dW": "dW = x.T @ dout: (D_in, N) @ (N, D_out) -> (D_in, D_out), W's shape "
              "(dout.T @ x is its transpose).",
        "db": "db = dout.sum(axis=0): b is added to every row, so its gradient sums over "
              "the batch; shape (D_out,).",
    }
    # Missing transposes change shapes, so the shape hints above catch them; these are
    # the mistakes with the right shapes.
    wrong = {
        "dx": [(lambda dout, x, W: dout @ W.T / len(x),
                "no 1/N here: a mean over the batch is already inside dout; dx = dout @ W.T.")],
        "dW": [(lambda dout, x, W: x.T @ dout / len(x),
                "no 1/N here: a mean over the batch is already inside dout; dW = x.T @ dout.")],
        "db": [(lambda dout, x, W: dout.mean(axis=0),
                "sum over the batch, do not average: db = dout.sum(axis=0).")],
    }
    shapes = ("shapes: dx = dout @ W.T is (N, D_in); dW = x.T @ dout is (D_in, D_out); "
              "db = dout.sum(axis=0) is (D_out,).")
    check_parts("dense_backward", dense_backward, _reference_dense_backward, cases,
                ("dx", "dW", "db"), tol=1e-10, wrong_answers=wrong, hints=hints,
                error_hint=shapes)


# --- exercise 3: minimax_discriminator_loss -------------------------------------------------------

def _reference_discriminator_loss(real_logits, fake_logits):
    """BCE(1, l_real) + BCE(0, l_fake), batch means, as
    gan_helpers.losses.minimax_discriminator_loss computes it (here in float64)."""
    return float(np.mean(theory.soft_bce(1.0, real_logits))
                 + np.mean(theory.soft_bce(0.0, fake_logits)))


def check_minimax_discriminator_loss(minimax_discriminator_loss):
    """02, exercise 3: D's loss from logits, -[mean log σ(l_real) + mean log(1 - σ(l_fake))]."""
    cases = [(np.array([2.0, -0.5, 1.0, 3.0]), np.array([-1.0, 0.3, -2.0, -4.0])),
             (np.array([0.0, 0.1]), np.array([0.0, -0.1])),
             (np.array([60.0, -300.0, 5.0]), np.array([-60.0, 300.0, -5.0]))]
    ref = _reference_discriminator_loss
    check_function(
        "minimax_discriminator_loss", minimax_discriminator_loss, ref, cases, tol=1e-8,
        shape_hint="return one number: the mean over each batch, real term + fake term.",
        finite_hint="work on logits: -log σ(l) = softplus(-l) = np.logaddexp(0, -l) and "
        "-log(1 - σ(l)) = softplus(l). Logits can be negative, so they are not "
        "probabilities, and log(sigmoid(l)) underflows for very negative l.",
        wrong_answers=[
            (lambda r, f: ref(theory.sigmoid(r), theory.sigmoid(f)),
             "you applied the sigmoid twice: the logit formula softplus(∓l) already contains "
             "σ; pass raw logits, not σ(l)."),
            (lambda r, f: ref(f, r),
             "labels swapped: real samples have target 1 (-log σ(l_real)), fakes target 0 "
             "(-log(1 - σ(l_fake)))."),
            (lambda r, f: -ref(r, f),
             "sign error: you returned V(D, G), which D maximises; its loss is -V."),
            (lambda r, f: 0.5 * ref(r, f),
             "sum the real and the fake terms (as gh.losses.minimax_discriminator_loss does), "
             "don't average them."),
        ],
        hint="loss = mean(softplus(-l_real)) + mean(softplus(l_fake)).")
