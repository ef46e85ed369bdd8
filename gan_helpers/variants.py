"""Remedies for mode collapse: WGAN-GP and PacGAN packing.

* **WGAN-GP** (Gulrajani et al. 2017, "Improved Training of Wasserstein GANs"): the
  discriminator becomes a *critic* f with unbounded scores, trained to maximise
  E[f(x)] − E[f(G(z))], an estimate of the Wasserstein-1 distance (Arjovsky et al. 2017,
  "Wasserstein GAN") when f is 1-Lipschitz. Instead of WGAN's weight clipping, a gradient
  penalty λ·E[(‖∇f(x̂)‖₂ − 1)²] on random interpolates x̂ of real and fake samples keeps
  f close to 1-Lipschitz. The generator minimises −E[f(G(z))]. Paper settings: λ = 10,
  5 critic steps per generator step, Adam(1e-4, β1 = 0, β2 = 0.9) (β1 = 0.5 in its MNIST
  code). Do not put batch normalisation in the critic: the penalty is per sample.
* **PacGAN** (Lin et al. 2018, "PacGAN: The power of two samples in generative adversarial
  networks"): the discriminator judges *m samples at once*, all real or all fake. A
  generator that covers only some modes makes packs that are visibly less diverse than
  real packs, so collapse becomes easy to detect and therefore costly. Only the
  discriminator's input changes; the loss and the generator stay as they are.
"""
import keras
import tensorflow as tf

from .training import GAN

GP_EPSILON = 1e-12


# --- WGAN-GP -----------------------------------------------------------------------------

def interpolate(real, fake, seed_generator=None):
    """Random points on the segments between paired real and fake samples:
    x̂ = x + u·(x̃ − x), with one u ~ U[0, 1] *per sample*, broadcast over its other axes.

    Uniform, not normal: for u ~ N(0, 1), P(u < 0 or u > 1) = ½ + (1 − Φ(1)) ≈ 0.66, so two
    thirds of the x̂ would lie outside the segment, penalising the critic where the penalty
    was never meant to act.
    ``seed_generator``: a ``keras.random.SeedGenerator``, an int, or None.
    """
    real = tf.convert_to_tensor(real)
    fake = tf.cast(tf.convert_to_tensor(fake), real.dtype)
    shape = tf.concat([tf.shape(real)[:1], tf.ones([tf.rank(real) - 1], tf.int32)], axis=0)
    u = keras.random.uniform(shape, minval=0.0, maxval=1.0, dtype=real.dtype, seed=seed_generator)
    return real + u * (fake - real)


def gradient_penalty(critic, real, fake, seed_generator=None):
    """WGAN-GP's penalty E[(‖∇_x̂ f(x̂)‖₂ − 1)²] on uniform interpolates x̂ (Gulrajani et al.
    2017, Algorithm 1). Multiply by λ = 10 in the critic's loss.

    The norm is sqrt(Σ g² + 1e-12): the derivative of sqrt is infinite at 0, so a sample
    whose input gradient is exactly zero (a dead ReLU critic, say) would otherwise turn
    every weight's gradient into NaN (∞ · 0); the epsilon shifts the norm by < 1e-6.
    """
    x_hat = tf.cast(interpolate(real, fake, seed_generator), tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = tf.cast(critic(x_hat, training=True), tf.float32)
    grads = tape.gradient(scores, x_hat)  # d(sum of scores)/dx̂ = per-sample gradients
    axes = list(range(1, len(x_hat.shape)))
    norms = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=axes) + GP_EPSILON)
    return tf.reduce_mean(tf.square(norms - 1.0))


def wasserstein_generator_loss(fake_scores):
    """The WGAN generator loss −E[f(G(z))]: raise the critic's score of the fakes."""
    return -tf.reduce_mean(tf.cast(fake_scores, tf.float32))


def wasserstein_discriminator_loss(real_scores, fake_scores):
    """The WGAN critic's loss E[f(G(z))] − E[f(x)], the negative of its Wasserstein
    estimate (the critic is the discriminator player: ``<kind>_<player>_loss``)."""
    return (tf.reduce_mean(tf.cast(fake_scores, tf.float32))
            - tf.reduce_mean(tf.cast(real_scores, tf.float32)))


class WGANGP(GAN):
    """A WGAN with gradient penalty (Gulrajani et al. 2017) on top of :class:`GAN`.

    Only the game changes: ``compute_d_loss`` returns the critic loss
    E[f(x̃)] − E[f(x)] + λ·GP and the generator loss is −E[f(x̃)]. The discriminator
    passed in is used as the critic (its "logits" are unbounded scores); ``d_steps``
    (default 5) critic updates precede each generator update. Besides ``d_loss`` and
    ``g_loss``, ``fit`` reports ``w_distance`` (E[f(x)] − E[f(x̃)], the critic's estimate
    of the Wasserstein distance, which should fall as G improves) and ``gp`` (the
    unweighted penalty), both averaged over all critic steps. ``d_real``/``d_fake`` are the
    sigmoids of the critic's scores, kept for a uniform progress bar; they are not
    probabilities for a critic.
    """

    def __init__(self, generator, critic, latent_dim=None, d_steps=5, gp_weight=10.0, seed=None,
                 **kwargs):
        super().__init__(generator, critic, latent_dim=latent_dim, d_steps=d_steps, seed=seed,
                         **kwargs)
        if not gp_weight >= 0:
            raise ValueError(f"WGANGP: gp_weight must be >= 0, got {gp_weight}.")
        self.gp_weight = float(gp_weight)
        self.w_tracker = keras.metrics.Mean(name="w_distance")
        self.gp_tracker = keras.metrics.Mean(name="gp")

    def compile(self, *args, d_optimizer=None, g_optimizer=None, jit_compile="auto", **kwargs):
        """Like :meth:`GAN.compile`, with the Wasserstein generator loss. Recommended:
        ``Adam(1e-4, beta_1=0.5, beta_2=0.9)`` for both players."""
        for arg in ("generator_loss", "discriminator_loss", "real_target", "fake_target",
                    "r1_gamma"):
            if arg in kwargs:
                raise ValueError(f"WGANGP.compile: {arg} does not apply to a Wasserstein critic.")
        super().compile(*args, d_optimizer=d_optimizer, g_optimizer=g_optimizer,
                        generator_loss=wasserstein_generator_loss, jit_compile=jit_compile,
                        **kwargs)

    @property
    def metrics(self):
        return super().metrics + [self.w_tracker, self.gp_tracker]

    def compute_d_loss(self, real, fake):
        """Critic loss  E[f(x̃)] − E[f(x)] + λ·E[(‖∇f(x̂)‖₂ − 1)²]  (Algorithm 1)."""
        real_scores = self.discriminator(real, training=True)
        fake_scores = self.discriminator(fake, training=True)
        gp = gradient_penalty(self.discriminator, real, fake, self.seed_generator)
        critic_loss = wasserstein_discriminator_loss(real_scores, fake_scores)
        self.w_tracker.update_state(-critic_loss)
        self.gp_tracker.update_state(gp)
        return critic_loss + self.gp_weight * gp, real_scores, fake_scores


# --- PacGAN ------------------------------------------------------------------------------

def pack(x, m):
    """Pack a batch of B samples into B/m groups of m: sample j of group k is x[k·m + j].

    (B, d) -> (B/m, m·d): the m samples' features side by side, [x_{km}, …, x_{km+m−1}].
    (B, H, W, C) -> (B/m, H, W, m·C): images stacked along the channel axis (PacDCGAN).
    Raises ValueError when B is known and not a multiple of m.
    """
    m = int(m)
    if m < 1:
        raise ValueError(f"pack: m must be >= 1, got {m}.")
    x = tf.convert_to_tensor(x)
    batch = x.shape[0]
    if batch is not None and batch % m:
        raise ValueError(f"pack: the batch ({batch}) must be a multiple of m={m}, or the last "
                         "pack would mix in samples from nowhere; use a batch size divisible by m "
                         "(and drop_remainder=True in tf.data).")
    sample_shape = x.shape[1:]
    if len(sample_shape) == 0:
        raise ValueError("pack: expected samples with at least one feature axis, got shape "
                         f"{tuple(x.shape)}.")
    grouped = tf.reshape(x, [-1, m] + list(sample_shape))  # (B/m, m, *sample_shape)
    if len(sample_shape) > 1:  # images: move the pack axis next to the channels
        perm = [0] + list(range(2, len(sample_shape) + 1)) + [1, len(sample_shape) + 1]
        grouped = tf.transpose(grouped, perm)  # (B/m, H, W, m, C)
    return tf.reshape(grouped, [-1] + list(sample_shape[:-1]) + [m * sample_shape[-1]])


class Pack(keras.layers.Layer):
    """A Keras layer doing :func:`pack`: (B, ..., C) -> (B/m, ..., m·C) (Lin et al. 2018)."""

    def __init__(self, m, **kwargs):
        super().__init__(**kwargs)
        if int(m) < 1:
            raise ValueError(f"Pack: m must be >= 1, got {m}.")
        self.m = int(m)

    def call(self, x):
        return pack(x, self.m)

    def compute_output_shape(self, input_shape):
        batch = input_shape[0]
        return ((None if batch is None else batch // self.m),
                *input_shape[1:-1], self.m * input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "m": self.m}


def packed_discriminator(inner, m, name=None):
    """Wrap a discriminator so that it judges packs of ``m`` samples (PacGAN, Lin et al. 2018).

    ``inner`` must accept packed inputs: its input's last axis is m times a sample's, e.g.
    ``gh.dense_discriminator(input_shape=2 * m)`` for 2-D points or
    ``gh.dcgan_discriminator(input_shape=(28, 28, m))`` for MNIST. The returned model takes
    a batch of B single samples (B divisible by m) and returns B/m logits, one per pack;
    the GAN losses then average over packs. PacGAN's only other change is the size of D's
    first layer, which grows with m.
    """
    in_shape = tuple(inner.input_shape[1:])
    if in_shape[-1] is None or in_shape[-1] % m:
        raise ValueError(f"packed_discriminator: the inner discriminator's input {in_shape} must "
                         f"have a last axis divisible by m={m} (m samples side by side).")
    sample_shape = in_shape[:-1] + (in_shape[-1] // m,)
    x = keras.Input(sample_shape, name="x")
    logit = inner(Pack(m, name=f"pack{m}")(x))
    return keras.Model(x, logit, name=name or f"pac{m}_{inner.name}")


__all__ = ["interpolate", "gradient_penalty", "wasserstein_generator_loss",
           "wasserstein_discriminator_loss", "WGANGP", "pack", "Pack", "packed_discriminator",
           "GP_EPSILON"]
