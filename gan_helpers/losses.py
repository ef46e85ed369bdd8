"""GAN losses, all on discriminator *logits* l (D(x) = sigmoid(l)).

Everything goes through ``bce_with_logits``, the stable form of binary cross-entropy
    BCE(t, l) = -t·log σ(l) - (1-t)·log(1-σ(l)) = max(l, 0) - t·l + log(1 + e^{-|l|}),
which never evaluates log(0) however confident the discriminator is.

Naming rule (TF-GAN's): ``<kind>_<player>_loss``. ``kind`` is the game: ``minimax``
(Goodfellow et al. 2014, Eq. 1), ``non_saturating`` (the same game with G's loss
replaced, Sec. 3), ``hinge`` (Lim & Ye 2017) or ``wasserstein``
(:mod:`gan_helpers.variants`); ``player`` is ``generator`` or ``discriminator`` (WGAN's
"critic" is its discriminator). The non-saturating game keeps the minimax discriminator
loss, so there is no ``non_saturating_discriminator_loss``. :mod:`gan_helpers.theory` names
its per-sample NumPy curves the same way. ``GAN.compile`` takes the kinds:
``generator_loss`` ``"non_saturating"``, ``"minimax"`` or ``"hinge"``, and
``discriminator_loss`` ``"minimax"`` or ``"hinge"``.

References: Goodfellow et al. 2014, "Generative Adversarial Nets" (value function, Eq. 1,
and the non-saturating trick, Sec. 3); Salimans et al. 2016, "Improved Techniques for
Training GANs" (one-sided label smoothing, Sec. 3.4); Lim & Ye 2017, "Geometric GAN"
(the hinge loss, as used by SN-GAN, Miyato et al. 2018, SAGAN and BigGAN).
"""
import tensorflow as tf


def bce_with_logits(targets, logits):
    """Mean binary cross-entropy between ``targets`` in [0, 1] and ``logits`` (float32)."""
    logits = tf.cast(logits, tf.float32)  # losses in float32 even under mixed precision
    targets = tf.cast(tf.broadcast_to(targets, tf.shape(logits)), tf.float32)
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=targets, logits=logits))


def minimax_discriminator_loss(real_logits, fake_logits, real_target=1.0, fake_target=0.0):
    """Discriminator loss  BCE(real_target, l_real) + BCE(fake_target, l_fake).

    With the default targets (1, 0) this is -[log D(x) + log(1 - D(G(z)))], i.e. the
    negative of Goodfellow et al.'s value function V(D, G) (Eq. 1), which D maximises.
    ``real_target=0.9`` is one-sided label smoothing (Salimans et al. 2016, Sec. 3.4).
    Keep ``fake_target=0``: a non-zero fake target (two-sided smoothing) makes the
    optimal D equal (α·p_data + β·p_g)/(p_data + p_g), which stops pushing fakes out of
    regions without data. The parameter exists so notebook 03 can show that mistake.
    """
    if not 0.0 <= real_target <= 1.0 or not 0.0 <= fake_target <= 1.0:
        raise ValueError(f"targets must lie in [0, 1], got real_target={real_target}, "
                         f"fake_target={fake_target}.")
    return bce_with_logits(real_target, real_logits) + bce_with_logits(fake_target, fake_logits)


def minimax_generator_loss(fake_logits):
    """Minimax generator loss  E[log(1 - D(G(z)))], which G *minimises*; it saturates.

    Exactly the generator's side of V(D, G) (Goodfellow et al. 2014, Eq. 1). Equal to
    -BCE(0, l) = -softplus(l). Its gradient d/dl = -σ(l) vanishes when D confidently
    rejects the fakes (σ(l) -> 0), i.e. early in training: G learns nothing.
    """
    return -bce_with_logits(0.0, fake_logits)


def non_saturating_generator_loss(fake_logits):
    """Non-saturating generator loss  -E[log D(G(z))] = BCE(1, l) = softplus(-l).

    Goodfellow et al. 2014, Sec. 3: same fixed point as the minimax loss, but its
    gradient d/dl = σ(l) - 1 stays near -1 when D rejects the fakes, so G learns early.
    """
    return bce_with_logits(1.0, fake_logits)


def hinge_discriminator_loss(real_logits, fake_logits):
    """Hinge discriminator loss  E[max(0, 1 − l_real)] + E[max(0, 1 + l_fake)].

    Lim & Ye 2017 ("Geometric GAN"); SN-GAN (Miyato et al. 2018) and SAGAN/BigGAN train
    with it. D is no longer a probability: a real sample stops counting once its logit
    passes +1, a fake once it falls below −1, so D spends no capacity on samples it already
    separates by that margin (the support-vector idea behind the name).
    """
    real_logits = tf.cast(real_logits, tf.float32)
    fake_logits = tf.cast(fake_logits, tf.float32)
    return (tf.reduce_mean(tf.nn.relu(1.0 - real_logits))
            + tf.reduce_mean(tf.nn.relu(1.0 + fake_logits)))


def hinge_generator_loss(fake_logits):
    """Hinge generator loss  −E[l_fake]: raise D's score of the fakes (Lim & Ye 2017; the
    same form as the Wasserstein generator loss). Its gradient is −1/B per logit whatever D
    says, so it never saturates."""
    return -tf.reduce_mean(tf.cast(fake_logits, tf.float32))


GENERATOR_LOSSES = {
    "non_saturating": non_saturating_generator_loss,
    "minimax": minimax_generator_loss,
    "hinge": hinge_generator_loss,
}
DISCRIMINATOR_LOSSES = {
    "minimax": minimax_discriminator_loss,
    "hinge": hinge_discriminator_loss,
}


def get_generator_loss(name_or_fn):
    """Look up a generator loss by name ('non_saturating', 'minimax') or pass a callable."""
    if callable(name_or_fn):
        return name_or_fn
    try:
        return GENERATOR_LOSSES[name_or_fn]
    except KeyError:
        raise ValueError(f"unknown generator loss {name_or_fn!r}; use one of "
                         f"{', '.join(GENERATOR_LOSSES)} or a function of the fake "
                         "logits.") from None



def get_discriminator_loss(name_or_fn):
    """Look up a discriminator loss by name ('minimax', 'hinge') or pass a callable of
    ``(real_logits, fake_logits)``."""
    if callable(name_or_fn):
        return name_or_fn
    try:
        return DISCRIMINATOR_LOSSES[name_or_fn]
    except KeyError:
        raise ValueError(f"unknown discriminator loss {name_or_fn!r}; use one of "
                         f"{', '.join(DISCRIMINATOR_LOSSES)} or a function of the real and "
                         "fake logits.") from None
