"""Generators and discriminators. Every discriminator returns *logits* (no sigmoid):
the losses in :mod:`gan_helpers.losses` apply the sigmoid inside a numerically stable
cross-entropy."""
import math

import keras
from keras import layers


def _as_shape(shape):
    return (shape,) if isinstance(shape, int) else tuple(shape)


def dense_generator(latent_dim=100, widths=(128, 256), output_shape=(28, 28, 1),
                    activation="relu", output_activation="tanh", batchnorm=False,
                    name="dense_generator"):
    """A dense (MLP, "BP network") generator: z -> widths... -> prod(output_shape) -> reshape.

    The default is a common tutorial's G (100 -> 128 -> 256 -> 784, tanh). For 2-D toy
    data use ``output_shape=2`` and ``output_activation=None`` (linear).
    ``batchnorm=True`` puts a ``BatchNormalization(momentum=0.8)`` after each hidden
    activation, as E. Linder-Norén's widely copied Keras-GAN MLP does (``gan/gan.py``:
    256 -> 512 -> 1024, LeakyReLU(0.2)); BatchNorm in G is one of the DCGAN paper's
    stabilising rules (Radford et al. 2016, section 3).
    """
    output_shape = _as_shape(output_shape)
    z = keras.Input((latent_dim,), name="z")
    h = z
    for i, w in enumerate(widths):
        h = layers.Dense(w, activation=activation, name=f"dense_{i}")(h)
        if batchnorm:
            h = layers.BatchNormalization(momentum=0.8, name=f"bn_{i}")(h)
    # float32 output even under a mixed-precision policy: samples feed metrics and plots.
    h = layers.Dense(math.prod(output_shape), activation=output_activation, dtype="float32",
                     name="out")(h)
    if len(output_shape) > 1:
        h = layers.Reshape(output_shape, dtype="float32", name="image")(h)
    return keras.Model(z, h, name=name)


def dense_discriminator(input_shape=(28, 28, 1), widths=(128, 64), activation="relu",
                        dropout=0.0, name="dense_discriminator"):
    """A dense (MLP) discriminator: x -> flatten -> widths... -> 1 logit.

    The default is a common tutorial's D (784 -> 128 -> 64 -> 1).
    """
    x = keras.Input(_as_shape(input_shape), name="x")
    h = layers.Flatten(name="flatten")(x) if len(_as_shape(input_shape)) > 1 else x
    for i, w in enumerate(widths):
        h = layers.Dense(w, activation=activation, name=f"dense_{i}")(h)
        if dropout:
            h = layers.Dropout(dropout, name=f"dropout_{i}")(h)
    logit = layers.Dense(1, dtype="float32", name="logit")(h)  # float32 under mixed precision
    return keras.Model(x, logit, name=name)


def dcgan_generator(latent_dim=100, width=1.0, name="dcgan_generator"):
    """The TF DCGAN tutorial's generator (28x28x1 MNIST, tanh output in [-1, 1]).

    Dense(7*7*256, no bias) -> BN -> LeakyReLU -> Reshape(7, 7, 256) ->
    Conv2DTranspose(128, 5, s=1) -> BN -> LeakyReLU -> Conv2DTranspose(64, 5, s=2) -> BN ->
    LeakyReLU -> Conv2DTranspose(1, 5, s=2, tanh); 'same' padding, no biases.
    ``width`` scales the channel counts (1.0 = the tutorial's).
    """
    c = [max(1, int(round(k * width))) for k in (256, 128, 64)]
    z = keras.Input((latent_dim,), name="z")
    h = layers.Dense(7 * 7 * c[0], use_bias=False, name="project")(z)
    h = layers.BatchNormalization(name="bn_0")(h)
    h = layers.LeakyReLU(name="lrelu_0")(h)
    h = layers.Reshape((7, 7, c[0]), name="reshape")(h)  # 7x7
    h = layers.Conv2DTranspose(c[1], 5, strides=1, padding="same", use_bias=False, name="up_1")(h)
    h = layers.BatchNormalization(name="bn_1")(h)
    h = layers.LeakyReLU(name="lrelu_1")(h)  # 7x7
    h = layers.Conv2DTranspose(c[2], 5, strides=2, padding="same", use_bias=False, name="up_2")(h)
    h = layers.BatchNormalization(name="bn_2")(h)
    h = layers.LeakyReLU(name="lrelu_2")(h)  # 14x14
    # float32 output even under a mixed-precision policy: images feed metrics and plots.
    img = layers.Conv2DTranspose(1, 5, strides=2, padding="same", use_bias=False,
                                 activation="tanh", dtype="float32", name="image")(h)  # 28x28
    return keras.Model(z, img, name=name)


def dcgan_discriminator(width=1.0, dropout=0.3, input_shape=(28, 28, 1), spectral_norm=False,
                        name="dcgan_discriminator"):
    """The TF DCGAN tutorial's discriminator, returning one logit per image.

    Conv2D(64, 5, s=2) -> LeakyReLU -> Dropout(0.3) -> Conv2D(128, 5, s=2) -> LeakyReLU ->
    Dropout(0.3) -> Flatten -> Dense(1). ``width`` scales the channel counts.

    ``spectral_norm=True`` wraps both convolutions and the last Dense in
    ``keras.layers.SpectralNormalization`` (Miyato et al. 2018, one power iteration): each
    time D runs in training mode, each kernel W, reshaped to (-1, out), is divided by an
    estimate of its largest singular value σ(W), so every layer is (about) 1-Lipschitz. Keras
    *assigns* W/σ(W) to the kernel before using it, so the gradient does not flow through σ
    as in the paper's formulation; the kernels stay projected to spectral norm ≈ 1.
    """
    c = [max(1, int(round(k * width))) for k in (64, 128)]

    def sn(layer, **kwargs):
        if not spectral_norm:
            return layer
        return layers.SpectralNormalization(layer, name=f"sn_{layer.name}", **kwargs)

    x = keras.Input(input_shape, name="x")
    h = sn(layers.Conv2D(c[0], 5, strides=2, padding="same", name="conv_1"))(x)  # 14x14
    h = layers.LeakyReLU(name="lrelu_1")(h)
    h = layers.Dropout(dropout, name="dropout_1")(h)
    h = sn(layers.Conv2D(c[1], 5, strides=2, padding="same", name="conv_2"))(h)  # 7x7
    h = layers.LeakyReLU(name="lrelu_2")(h)
    h = layers.Dropout(dropout, name="dropout_2")(h)
    h = layers.Flatten(name="flatten")(h)
    # float32 logits under mixed precision (the wrapper returns its input's dtype)
    logit = sn(layers.Dense(1, dtype="float32", name="logit"), dtype="float32")(h)
    return keras.Model(x, logit, name=name)


def dirac_gan(theta=0.5, psi=0.0):
    """The Dirac-GAN of Mescheder et al. (2018, "Which Training Methods for GANs do actually
    Converge?", section 2.1): the data are the single point x = 0, the generator outputs the
    single point θ whatever its noise, and the discriminator is linear, D(x) = ψ·x (a logit).
    The equilibrium is θ = ψ = 0; the smallest GAN on which gradient play can be watched.

    Returns ``(generator, discriminator)`` for :class:`gan_helpers.GAN`: G's only trainable
    weight that moves is its bias θ (its kernel multiplies a zeroed noise, so its gradient
    is 0), D's only weight is its kernel ψ (no bias). Read them back with
    ``float(generator.get_layer("theta").bias[0])`` and
    ``float(discriminator.get_layer("psi").kernel[0, 0])``.
    """
    z = keras.Input((1,), name="z")
    zeroed = layers.Lambda(lambda t: 0.0 * t, name="ignore_noise")(z)
    out = layers.Dense(1, kernel_initializer="zeros",
                       bias_initializer=keras.initializers.Constant(float(theta)),
                       dtype="float32", name="theta")(zeroed)
    x = keras.Input((1,), name="x")
    logit = layers.Dense(1, use_bias=False, kernel_initializer=keras.initializers.Constant(
        float(psi)), dtype="float32", name="psi")(x)
    return (keras.Model(z, out, name="dirac_generator"),
            keras.Model(x, logit, name="dirac_discriminator"))
