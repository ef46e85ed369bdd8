"""Notebook 02's checkers accept the reference answer and reject the usual mistakes,
each with its own hint (matched on a phrase of the hint)."""
import numpy as np
import pytest
import tensorflow as tf

import gan_helpers as gh
from gan_helpers import checks
from gan_helpers.checks import nb02_dense_gan


def softplus(t):
    return np.logaddexp(0.0, t)


# --- exercise 1: dense_forward ----------------------------------------------------------------

def test_dense_forward_checker(passes, rejects):
    assert passes(checks.check_dense_forward, lambda x, W, b: x @ W + b) <= 1e-10
    assert passes(checks.check_dense_forward,
                  lambda x, W, b: tf.matmul(x, W) + b) <= 1e-10
    rejects(checks.check_dense_forward, lambda x, W, b: x @ W, "forgot the bias")
    rejects(checks.check_dense_forward, lambda x, W, b: x @ W - b, "sign error: the bias is added")
    rejects(checks.check_dense_forward, lambda x, W, b: (W.T @ x.T).T[:, :1] + b[:1], "add b")
    rejects(checks.check_dense_forward, lambda x, W, b: x @ W + 2 * b, "out = x @ W \\+ b")


# --- exercise 2: dense_backward ---------------------------------------------------------------

def _backward(dx=lambda dout, x, W: dout @ W.T, dW=lambda dout, x, W: x.T @ dout,
              db=lambda dout, x, W: dout.sum(axis=0)):
    return lambda dout, x, W: (dx(dout, x, W), dW(dout, x, W), db(dout, x, W))


def test_dense_backward_checker(passes, rejects):
    check = checks.check_dense_backward
    assert passes(check, _backward()) <= 1e-10
    rejects(check, _backward(dW=lambda dout, x, W: dout.T @ x), "dout.T @ x is its transpose")
    rejects(check, _backward(db=lambda dout, x, W: dout), "sums over the batch")
    rejects(check, _backward(db=lambda dout, x, W: dout.mean(axis=0)), "do not average")
    rejects(check, _backward(dx=lambda dout, x, W: dout @ W), "dx = dout @ W.T")
    rejects(check, _backward(dx=lambda dout, x, W: dout @ W.T / len(x)),
            "dense_backward \\(dx\\): .*no 1/N here.*dx = dout @ W.T")
    rejects(check, _backward(dW=lambda dout, x, W: x.T @ dout / len(x)),
            "dense_backward \\(dW\\): .*no 1/N here.*dW = x.T @ dout")
    rejects(check, lambda dout, x, W: (dout @ W.T, x.T @ dout), "return a tuple of 3 arrays")
    rejects(check, lambda dout, x, W: dout @ W.T @ x, "raised ValueError.*shapes: dx")


# --- exercise 3: minimax_discriminator_loss -------------------------------------------------------

def test_discriminator_loss_reference_matches_the_library():
    rng = np.random.default_rng(0)
    r, f = rng.normal(size=8), rng.normal(size=8)
    want = float(gh.losses.minimax_discriminator_loss(tf.constant(r[:, None]),
                                                      tf.constant(f[:, None])))
    assert nb02_dense_gan._reference_discriminator_loss(r, f) == pytest.approx(want, rel=1e-6)


def test_discriminator_loss_checker(passes, rejects):
    check = checks.check_minimax_discriminator_loss

    def good(r, f):
        return np.mean(softplus(-r)) + np.mean(softplus(f))

    def sig(t):
        return 1 / (1 + np.exp(-t))

    assert passes(check, good) <= 1e-8
    with np.errstate(all="ignore"):
        rejects(check, lambda r, f: good(sig(r), sig(f)), "sigmoid twice")
        rejects(check, lambda r, f: -np.mean(np.log(r)) - np.mean(np.log(1 - f)),
                "not probabilities")
    rejects(check, lambda r, f: good(f, r), "labels swapped")
    rejects(check, lambda r, f: -good(r, f), "sign error")
    rejects(check, lambda r, f: good(r, f) / 2, "don't average")
    rejects(check, lambda r, f: softplus(-r) + softplus(f), "one number")
