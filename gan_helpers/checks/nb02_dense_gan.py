"""Checkers for notebooks/02_dense_bp_gan.ipynb.

Exercise 1, ``dense_forward``: out = x W + b. Exercise 2, ``dense_backward``: its gradients
(dx, dW, db). Exercise 3, ``train_step``: one alternating GAN update (D, then G judged by
the updated D), compared with the library's ``GAN.alternating_step`` on the same weights,
data and noise.
"""
import random

import keras
import numpy as np
import tensorflow as tf

from .. import losses, models, training
from .core import (
    call_reader,
    check_function,
    check_output,
    check_parts,
    exercise,
    rel_error,
    report,
    to_numpy,
)


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

@exercise(reference=_reference_dense_forward)
def check_dense_forward(dense_forward):
    """02, exercise 1: out = x W + b for a batch x (N, D_in), W (D_in, D_out), b (D_out,)."""
    check_function(
        "dense_forward", dense_forward, _reference_dense_forward, _dense_cases(), tol=1e-10,
        shape_hint="x (N, D_in) @ W (D_in, D_out) gives (N, D_out); add b to every row.",
        wrong_answers=[(lambda x, W, b: x @ W, "you forgot the bias b."),
                       (lambda x, W, b: x @ W - b, "sign error: the bias is added, x @ W + b.")],
        hint="out = x @ W + b.")


# --- exercise 2: dense_backward ---------------------------------------------------------------

@exercise(reference=_reference_dense_backward)
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


# --- exercise 3: train_step -------------------------------------------------------------------

_REFERENCE_GANS = []  # (generator, discriminator, d_optimizer, g_optimizer, gan), newest last


def _reference_gan(generator, discriminator, d_optimizer, g_optimizer):
    """The library's trainer around these networks and optimisers, made once and kept."""
    players = (generator, discriminator, d_optimizer, g_optimizer)
    for *known, gan in _REFERENCE_GANS:
        if all(a is b for a, b in zip(known, players)):
            return gan
    with tf.init_scope():  # eagerly, even when first called inside a tf.function
        gan = training.GAN(generator, discriminator, seed=0)
        gan.compile(d_optimizer=d_optimizer, g_optimizer=g_optimizer, jit_compile=False)
    _REFERENCE_GANS.append((*players, gan))
    del _REFERENCE_GANS[:-8]
    return gan


def _reference_train_step(generator, discriminator, d_optimizer, g_optimizer, real, z):
    """One alternating update by the library: ``gh.GAN(generator, discriminator)`` compiled
    with these optimisers runs ``alternating_step(real, None, z=z)``. Returns
    ``(d_loss, g_loss)``."""
    gan = _reference_gan(generator, discriminator, d_optimizer, g_optimizer)
    d_loss, g_loss, _, _ = gan.alternating_step(real, None, z=z)
    return d_loss, g_loss


# Plausible mistakes, each a whole step with the exercise's signature.

def _step(generator, discriminator, d_optimizer, g_optimizer, real, z, d_loss_fn=None,
          g_loss_fn=losses.non_saturating_generator_loss, update_d=True, update_g=True,
          d_moves_g=False, g_moves_d=False, old_d=False, swap_optimizers=False):
    if swap_optimizers:
        d_optimizer, g_optimizer = g_optimizer, d_optimizer
    d_loss_fn = d_loss_fn or losses.minimax_discriminator_loss
    d_vars, g_vars = discriminator.trainable_variables, generator.trainable_variables
    with tf.GradientTape(persistent=True) as tape:
        fake = generator(z, training=True)
        d_loss = d_loss_fn(discriminator(real, training=True), discriminator(fake, training=True))
        old_g_loss = g_loss_fn(discriminator(fake, training=True))
    if update_d:
        grads = tape.gradient(d_loss, d_vars + g_vars if d_moves_g else d_vars)
        d_optimizer.apply_gradients(zip(grads, d_vars + g_vars if d_moves_g else d_vars))
    if old_d:
        g_loss, g_grads = old_g_loss, tape.gradient(old_g_loss, g_vars)
    else:
        with tf.GradientTape() as tape:
            g_loss = g_loss_fn(discriminator(generator(z, training=True), training=True))
        g_grads = tape.gradient(g_loss, g_vars + d_vars if g_moves_d else g_vars)
    if update_g:
        g_optimizer.apply_gradients(zip(g_grads, g_vars + d_vars if g_moves_d else g_vars))
    return d_loss, g_loss


def _mistake(**kwargs):
    return lambda *args: _step(*args, **kwargs)


_TRAIN_STEP_MISTAKES = [
    (_mistake(old_d=True),
     "G's step used D's logits from before D's update (both gradients at the old point: "
     "simultaneous updates). Alternating means: update D first, then compute the generator's "
     "loss on the logits of the updated D, in a new tape."),
    (_mistake(g_loss_fn=losses.minimax_generator_loss),
     "that is the minimax generator loss log(1 - D(G(z))); use the non-saturating "
     "gh.losses.non_saturating_generator_loss, -log D(G(z))."),
    (_mistake(d_moves_g=True),
     "D's loss moved G: in D's step the fakes are constants (inputs to D), so take D's "
     "gradient with respect to D's trainable variables only."),
    (_mistake(g_moves_d=True),
     "G's loss moved D: the gradient flows through D to reach G, but G's step updates "
     "G's trainable variables only."),
    (_mistake(update_d=False),
     "D was never updated: apply D's gradients with d_optimizer before G's step."),
    (_mistake(update_g=False),
     "G was never updated: apply G's gradients with g_optimizer after D's step."),
    (_mistake(d_loss_fn=lambda r, f: losses.minimax_discriminator_loss(f, r)),
     "labels swapped in D's loss: real samples have target 1, fakes target 0, i.e. "
     "gh.losses.minimax_discriminator_loss(D(real), D(G(z))) in that order."),
    (_mistake(swap_optimizers=True),
     "optimisers swapped: d_optimizer updates D, g_optimizer updates G (the checker gives "
     "them different learning rates)."),
    (lambda *args: _step(*args)[::-1],
     "your step is right but returns (g_loss, d_loss); return (d_loss, g_loss)."),
]


def _small_gan():
    """A tiny dense G (4 -> 8 -> 3) and D (3 -> 8 -> 1) with fixed weights, and fresh Adam
    optimisers (D's learning rate differs from G's, so a swap shows)."""
    state = random.getstate()  # Keras seeds unseeded initialisers from Python's random
    try:
        g = models.dense_generator(latent_dim=4, widths=(8,), output_shape=3,
                                   output_activation=None)
        d = models.dense_discriminator(input_shape=3, widths=(8,))
    finally:
        random.setstate(state)
    rng = np.random.default_rng(2014)
    for net in (g, d):
        net.set_weights([rng.normal(0.0, 0.5, w.shape).astype(np.float32)
                         for w in net.get_weights()])
    return (g, d, keras.optimizers.Adam(0.05, beta_1=0.5),
            keras.optimizers.Adam(0.02, beta_1=0.5))


def _train_step_batches(steps=2):
    rng = np.random.default_rng(1406)
    return [(tf.constant(rng.normal([1.0, -1.0, 0.5], 0.3, (6, 3)), tf.float32),
             tf.constant(rng.standard_normal((6, 4)), tf.float32)) for _ in range(steps)]


_TRAIN_STEP_PARTS = ("losses", "generator weights", "discriminator weights")


def _run_train_step(step, name=None):
    """Two steps of ``step`` on a fresh tiny GAN: the losses they return (steps x 2), then
    G's and D's weights after them (one flat array each), all float64."""
    g, d, d_opt, g_opt = _small_gan()
    losses_seen = []
    for real, z in _train_step_batches():
        args = (g, d, d_opt, g_opt, real, z)
        got = step(*args) if name is None else call_reader(name, step, args, _TRAIN_STEP_ERROR)
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            raise AssertionError(f"{name}: return the two losses, (d_loss, g_loss).")
        losses_seen.append([np.asarray(to_numpy(v), np.float64) for v in got])
    flat = [np.concatenate([np.ravel(w) for w in net.get_weights()]).astype(np.float64)
            for net in (g, d)]
    try:
        losses_seen = np.array(losses_seen)
    except ValueError:  # ragged: losses of different shapes
        losses_seen = np.array([[np.nan]])
    return [losses_seen, *flat]


_KNOWN_RUNS = {}


def _known_run(key, step):
    """:func:`_run_train_step` of the reference or of a known mistake, computed once per
    session (it is deterministic) and per dtype policy."""
    key = (key, keras.config.dtype_policy().name)
    if key not in _KNOWN_RUNS:
        _KNOWN_RUNS[key] = _run_train_step(step)
    return _KNOWN_RUNS[key]


_TRAIN_STEP_ERROR = ("use one tf.GradientTape per step, take each loss's gradient with "
                     "respect to its own player's trainable_variables, and apply them with "
                     "optimizer.apply_gradients(zip(grads, variables)). A gradient of None "
                     "means the loss was not computed inside that tape.")

_TRAIN_STEP_HINTS = {
    "losses": "return (d_loss, g_loss): D's loss on the real batch and the fakes G(z) before "
              "D's update, and G's non-saturating loss on the updated D's logits.",
    "generator weights": "G's step: after D's update, minimise "
                         "gh.losses.non_saturating_generator_loss(D(G(z))) over G's "
                         "trainable variables only, with g_optimizer.",
    "discriminator weights": "D's step: minimise gh.losses.minimax_discriminator_loss(D(real), "
                             "D(G(z))) over D's trainable variables only, with d_optimizer; "
                             "G's step must not move D.",
}


@exercise(reference=_reference_train_step)
def check_train_step(train_step):
    """02, exercise 3: one alternating update (D on real vs held-constant fakes G(z), then G
    with the non-saturating loss on the updated D), returning (d_loss, g_loss)."""
    name, tol = "train_step", 1e-5
    got = _run_train_step(train_step, name)
    want = _known_run("reference", _reference_train_step)
    forms = []
    for part, g, w in zip(_TRAIN_STEP_PARTS, got, want):
        forms.append(check_output(f"{name} ({part})", g, w,
                                  shape_hint="return two scalar losses, (d_loss, g_loss)."
                                  if part == "losses" else _TRAIN_STEP_HINTS[part],
                                  finite_hint=_TRAIN_STEP_HINTS[part]))
    errors = np.array([rel_error(g, w) for g, w in forms])
    if errors.max() <= tol:
        report(name, errors.max(), tol)
        return
    part = _TRAIN_STEP_PARTS[int(np.argmax(errors > tol))]
    hint = _TRAIN_STEP_HINTS[part]
    for i, (wrong, wrong_hint) in enumerate(_TRAIN_STEP_MISTAKES):
        outputs = _known_run(i, wrong)
        if all(rel_error(g, o) <= tol for (g, _), o in zip(forms, outputs)):
            hint = wrong_hint
            break
    raise AssertionError(f"{name} ({part}): not yet right (relative error {errors.max():.2e}). "
                         f"Hint: {hint}")
