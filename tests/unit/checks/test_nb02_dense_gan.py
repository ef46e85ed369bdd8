"""Notebook 02's checkers accept the reference answer and reject the usual mistakes,
each with its own hint (matched on a phrase of the hint)."""
import keras
import numpy as np
import tensorflow as tf

import gan_helpers as gh
from gan_helpers import checks
from gan_helpers.checks import nb02_dense_gan

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


# --- exercise 3: train_step -------------------------------------------------------------------

def _apply(optimizer, loss, tape, variables):
    optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))


def alternating(G, D, d_opt, g_opt, real, z):
    fake = G(z, training=True)
    with tf.GradientTape() as tape:
        d_loss = gh.losses.minimax_discriminator_loss(D(real, training=True),
                                                      D(fake, training=True))
    _apply(d_opt, d_loss, tape, D.trainable_variables)
    with tf.GradientTape() as tape:
        g_loss = gh.losses.non_saturating_generator_loss(D(G(z, training=True), training=True))
    _apply(g_opt, g_loss, tape, G.trainable_variables)
    return d_loss, g_loss


def alternating_one_tape(G, D, d_opt, g_opt, real, z):
    # One persistent tape, the fakes cut off with stop_gradient for D's step.
    with tf.GradientTape(persistent=True) as tape:
        fake = G(z)
        d_loss = gh.losses.minimax_discriminator_loss(D(real), D(tf.stop_gradient(fake)))
        with tape.stop_recording():
            _apply(d_opt, d_loss, tape, D.trainable_variables)
        g_loss = gh.losses.non_saturating_generator_loss(D(fake))
    _apply(g_opt, g_loss, tape, G.trainable_variables)
    return d_loss, g_loss


def simultaneous(G, D, d_opt, g_opt, real, z):
    # The TF DCGAN tutorial's step: both gradients at the old (G, D).
    with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
        fake_logits = D(G(z))
        d_loss = gh.losses.minimax_discriminator_loss(D(real), fake_logits)
        g_loss = gh.losses.non_saturating_generator_loss(fake_logits)
    _apply(d_opt, d_loss, d_tape, D.trainable_variables)
    _apply(g_opt, g_loss, g_tape, G.trainable_variables)
    return d_loss, g_loss


def with_losses(d_loss_fn=gh.losses.minimax_discriminator_loss,
                g_loss_fn=gh.losses.non_saturating_generator_loss):
    def step(G, D, d_opt, g_opt, real, z):
        with tf.GradientTape() as tape:
            d_loss = d_loss_fn(D(real), D(G(z)))
        _apply(d_opt, d_loss, tape, D.trainable_variables)
        with tf.GradientTape() as tape:
            g_loss = g_loss_fn(D(G(z)))
        _apply(g_opt, g_loss, tape, G.trainable_variables)
        return d_loss, g_loss
    return step


def d_loss_moves_g(G, D, d_opt, g_opt, real, z):
    # "Update the GAN" with D's loss: the fakes are not held constant.
    with tf.GradientTape() as tape:
        d_loss = gh.losses.minimax_discriminator_loss(D(real), D(G(z)))
    _apply(d_opt, d_loss, tape, D.trainable_variables + G.trainable_variables)
    with tf.GradientTape() as tape:
        g_loss = gh.losses.non_saturating_generator_loss(D(G(z)))
    _apply(g_opt, g_loss, tape, G.trainable_variables)
    return d_loss, g_loss


def only_g(G, D, d_opt, g_opt, real, z):
    d_loss = gh.losses.minimax_discriminator_loss(D(real), D(G(z)))
    with tf.GradientTape() as tape:
        g_loss = gh.losses.non_saturating_generator_loss(D(G(z)))
    _apply(g_opt, g_loss, tape, G.trainable_variables)
    return d_loss, g_loss


def swapped_optimizers(G, D, d_opt, g_opt, real, z):
    return alternating(G, D, g_opt, d_opt, real, z)


def fakes_outside_g_tape(G, D, d_opt, g_opt, real, z):
    fake = G(z)
    with tf.GradientTape() as tape:
        d_loss = gh.losses.minimax_discriminator_loss(D(real), D(fake))
    _apply(d_opt, d_loss, tape, D.trainable_variables)
    with tf.GradientTape() as tape:
        g_loss = gh.losses.non_saturating_generator_loss(D(fake))  # G(z) was not recorded
    _apply(g_opt, g_loss, tape, G.trainable_variables)
    return d_loss, g_loss


def test_train_step_reference_is_the_librarys_alternating_step_and_runs_in_a_tf_function():
    G, D, d_opt, g_opt = nb02_dense_gan._small_gan()  # fixed weights: two identical copies
    gan = gh.GAN(*nb02_dense_gan._small_gan()[:2])
    gan.compile(d_optimizer=keras.optimizers.Adam(0.05, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(0.02, beta_1=0.5), jit_compile=False)
    step = tf.function(lambda real, z: nb02_dense_gan._reference_train_step(
        G, D, d_opt, g_opt, real, z))  # as notebook 02's loop uses it
    for real, z in nb02_dense_gan._train_step_batches():
        np.testing.assert_allclose(step(real, z), gan.alternating_step(real, None, z=z)[:2],
                                   rtol=1e-6)
    for a, b in zip(G.weights + D.weights, gan.generator.weights + gan.discriminator.weights):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6, atol=1e-7)
    assert int(g_opt.iterations) == 2  # the second call reused the trainer the first one made


def test_train_step_checker(passes, rejects):
    check = checks.check_train_step
    assert passes(check, alternating) <= 1e-5
    assert passes(check, alternating_one_tape) <= 1e-5
    rejects(check, simultaneous, "before D's update.*simultaneous")
    rejects(check, with_losses(g_loss_fn=gh.losses.minimax_generator_loss),
            "minimax generator loss")
    rejects(check, d_loss_moves_g, "D's loss moved G.*constants")
    rejects(check, only_g, "D was never updated")
    rejects(check, with_losses(d_loss_fn=lambda r, f: gh.losses.minimax_discriminator_loss(f, r)),
            "labels swapped")
    rejects(check, swapped_optimizers, "optimisers swapped")
    rejects(check, lambda *args: alternating(*args)[::-1], "returns \\(g_loss, d_loss\\)")
    rejects(check, fakes_outside_g_tape, "raised .*None means the loss was not computed")
    rejects(check, lambda *args: alternating(*args)[0], "return the two losses")
