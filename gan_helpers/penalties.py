"""Penalties on the discriminator's input gradient (they need the network, not only logits).

* **R1** (Mescheder, Geiger & Nowozin 2018, "Which Training Methods for GANs do actually
  Converge?", Sec. 4.1): (γ/2)·E_{x∼data}‖∇ₓD(x)‖², on *real* data only. Near an
  equilibrium where G matches the data, D's gradient on the data should vanish; the
  penalty pulls it there, which makes the game locally convergent where plain GAN training
  oscillates. ``GAN.compile(r1_gamma=γ)`` adds it to the discriminator's loss.
* WGAN-GP's two-sided penalty on interpolates is :func:`gan_helpers.variants.gradient_penalty`.
"""
import tensorflow as tf


def r1_penalty(discriminator, real, training=True):
    """E[‖∇ₓ D(x)‖²] over the real batch: the squared L2 norm of each sample's input gradient
    of D's logit, averaged (multiply by γ/2 in D's loss; Mescheder et al. 2018, Sec. 4.1).

    ``real``: the discriminator's input, or ``[images, condition]`` for a conditional D (the
    gradient is taken with respect to the images alone). No epsilon is needed: unlike
    WGAN-GP's norm, the *squared* norm is differentiable at 0.
    """
    x = tf.cast(real[0] if isinstance(real, (list, tuple)) else real, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        inputs = ([x, *(tf.convert_to_tensor(c) for c in real[1:])]
                  if isinstance(real, (list, tuple)) else x)
        logits = tf.cast(discriminator(inputs, training=training), tf.float32)
    grads = tape.gradient(logits, x)  # of the logits' sum: per-sample input gradients
    return tf.reduce_mean(tf.reduce_sum(tf.square(grads), axis=list(range(1, len(x.shape)))))
