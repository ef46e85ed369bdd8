"""Conditional GANs (Mirza & Osindero 2014): both players are told the class label.

The generator gets ``[z, y]`` and must draw a digit of class ``y``; the discriminator gets
``[x, y]`` and judges whether ``x`` is a real example *of class y*. A sharp digit of the
wrong class is then a fake, so G has to obey the label.

How the label joins each network (``join``):

* ``"onehot"``: G sees ``concat(z, one_hot(y))``; D sees the image with ``n_classes``
  extra constant planes, plane k all ones when y = k (the one-hot broadcast to 28×28).
* ``"embedding"`` (default): G sees ``concat(z, E_g[y])`` with a learned ``embed_dim``-vector
  per class; D sees the image with one extra channel, a learned 28×28 map per class.

Behind the join sits one of the workbook's networks (``body``), so only the conditioning is
new here:

* ``"dcgan"`` (default): the DCGAN networks (:func:`gan_helpers.dcgan_generator`,
  :func:`gan_helpers.dcgan_discriminator`), at ``width``;
* ``"dense"``: notebook 02's trained MLPs (G 256-512-1024 with LeakyReLU(0.2) and BatchNorm,
  D 512-256 with LeakyReLU(0.2); :func:`gan_helpers.dense_generator`,
  :func:`gan_helpers.dense_discriminator`). A dense D flattens the image, so its label is
  appended to the 784 pixels as a vector (one-hot or embedding), not as planes: a dense
  layer on constant planes could only learn one bias per class, which the appended one-hot
  gives it directly.
:class:`ConditionalGAN` is a :class:`gan_helpers.GAN`: same ``compile``/``fit``, losses,
trackers, noise generator, ``compute_d_loss`` hook; its ``train_step`` takes
``(images, labels)`` batches, e.g. from ``gh.mnist_dataset(..., with_labels=True)``.
"""
import keras
import numpy as np
import tensorflow as tf
from keras import layers

from .metrics import classifier_logits
from .models import dcgan_discriminator, dcgan_generator, dense_discriminator, dense_generator
from .training import GAN

JOINS = ("embedding", "onehot")
BODIES = ("dcgan", "dense")
FAKE_LABELS = ("uniform", "real")


def _check_join(join, body="dcgan"):
    if join not in JOINS:
        raise ValueError(f"unknown join {join!r}; use one of {', '.join(JOINS)}.")
    if body not in BODIES:
        raise ValueError(f"unknown body {body!r}; use one of {', '.join(BODIES)}.")


def _label_code(y, join, n_classes, embed_dim):
    """The label as a vector: one_hot(y), or a learned ``embed_dim``-vector per class."""
    if join == "onehot":
        return layers.CategoryEncoding(n_classes, output_mode="one_hot", name="one_hot")(y)
    return layers.Embedding(n_classes, embed_dim, name="label_embedding")(y)


def conditional_generator(latent_dim=64, n_classes=10, join="embedding", embed_dim=16,
                          width=1.0, body="dcgan", name="conditional_generator"):
    """G([z, y]) -> image: the label's code is concatenated to z, then a generator ``body``.

    ``z``: (batch, latent_dim) floats; ``y``: (batch,) integer labels in [0, n_classes).
    ``join="onehot"`` appends one_hot(y) (n_classes numbers); ``"embedding"`` appends a
    learned ``embed_dim``-vector per class. ``body="dcgan"``: the DCGAN generator, its
    channel counts scaled by ``width``; ``"dense"``: notebook 02's MLP (``width`` unused).
    """
    _check_join(join, body)
    z = keras.Input((latent_dim,), name="z")
    y = keras.Input((), dtype="int32", name="label")
    h = layers.Concatenate(name="z_and_label")([z, _label_code(y, join, n_classes, embed_dim)])
    if body == "dense":
        net = dense_generator(latent_dim=int(h.shape[-1]), widths=(256, 512, 1024),
                              activation="leaky_relu", batchnorm=True, name="dense_body")
    else:
        net = dcgan_generator(latent_dim=int(h.shape[-1]), width=width, name="dcgan_body")
    return keras.Model([z, y], net(h), name=name)


def conditional_discriminator(n_classes=10, join="embedding", width=1.0, dropout=0.3,
                              image_shape=(28, 28, 1), body="dcgan", embed_dim=16,
                              name="conditional_discriminator"):
    """D([x, y]) -> one logit: the image and its label together, then a discriminator ``body``.

    ``body="dcgan"``: the label becomes extra image channels before the DCGAN critic (at
    ``width``, with ``dropout``): ``join="onehot"`` adds ``n_classes`` constant planes
    (one_hot(y) broadcast over the image); ``"embedding"`` adds one learned H×W map per class.
    Either way the first convolution sees pixels and label together, so D can judge "is this
    a real 7?". ``body="dense"``: notebook 02's MLP D on the flattened image with one_hot(y)
    (or a learned ``embed_dim``-vector) appended (``width`` and ``dropout`` unused).
    """
    _check_join(join, body)
    height, wid, channels = image_shape
    x = keras.Input(image_shape, name="x")
    y = keras.Input((), dtype="int32", name="label")
    if body == "dense":
        code = _label_code(y, join, n_classes, embed_dim)
        h = layers.Concatenate(name="image_and_label")([layers.Flatten(name="flatten")(x), code])
        net = dense_discriminator(input_shape=int(h.shape[-1]), widths=(512, 256),
                                  activation="leaky_relu", name="dense_body")
        return keras.Model([x, y], net(h), name=name)
    if join == "onehot":
        code = layers.CategoryEncoding(n_classes, output_mode="one_hot", name="one_hot")(y)
        code = layers.Reshape((1, 1, n_classes), name="as_pixel")(code)
        planes = layers.UpSampling2D((height, wid), name="broadcast")(code)  # (H, W, n_classes)
    else:
        code = layers.Embedding(n_classes, height * wid, name="label_embedding")(y)
        planes = layers.Reshape((height, wid, 1), name="label_map")(code)      # (H, W, 1)
    h = layers.Concatenate(axis=-1, name="image_and_label")([x, planes])
    body = dcgan_discriminator(width=width, dropout=dropout,
                               input_shape=(height, wid, channels + int(planes.shape[-1])),
                               name="dcgan_body")
    return keras.Model([x, y], body(h), name=name)


class ConditionalGAN(GAN):
    """A :class:`GAN` whose players see class labels; trains on ``(images, labels)``.

    Args:
        generator: maps ``[z, labels]`` to images (e.g. :func:`conditional_generator`).
        discriminator: maps ``[images, labels]`` to logits (:func:`conditional_discriminator`).
        n_classes: labels are integers in ``[0, n_classes)``.
        fake_labels: ``"uniform"`` draws the fakes' labels uniformly at random (every class
            trained equally often); ``"real"`` reuses the real batch's labels (fakes and
            reals then have the same class mix).
        latent_dim, d_steps, seed: as for :class:`GAN`.
    """

    def __init__(self, generator, discriminator, n_classes=10, latent_dim=None,
                 fake_labels="uniform", d_steps=1, seed=None, **kwargs):
        if len(generator.inputs) != 2 or len(discriminator.inputs) != 2:
            raise ValueError("ConditionalGAN: the generator must take [z, labels] and the "
                             "discriminator [images, labels] (two inputs each); build them with "
                             "conditional_generator / conditional_discriminator.")
        if fake_labels not in FAKE_LABELS:
            raise ValueError(f"ConditionalGAN: fake_labels must be one of {FAKE_LABELS}, "
                             f"got {fake_labels!r}.")
        super().__init__(generator, discriminator, latent_dim=latent_dim, d_steps=d_steps,
                         seed=seed, **kwargs)
        self.n_classes = int(n_classes)
        self.fake_labels = fake_labels

    @property
    def image_shape(self):
        """The shape of one image, (H, W, C): the discriminator's first input."""
        return self.sample_shape

    def call(self, inputs, training=False):
        z, labels = inputs
        return self.generator([z, labels], training=training)

    def sample_labels(self, n):
        """``n`` labels drawn uniformly from ``[0, n_classes)`` (int32), from the model's
        own seeded noise generator, like :meth:`sample_latent`."""
        seed = self.seed_generator.next()
        ctx = tf.distribute.get_replica_context()
        if ctx is not None and ctx.num_replicas_in_sync > 1:  # see GAN.sample_latent
            seed = tf.random.experimental.stateless_fold_in(seed, ctx.replica_id_in_sync_group)
        return tf.random.stateless_uniform((n,), seed=seed, minval=0, maxval=self.n_classes,
                                           dtype=tf.int32)

    def _labels_for(self, labels, n):
        if labels is None:
            # Deterministic and balanced: 0, 1, ..., 9, 0, 1, ... (an image grid with
            # nrow=n_classes then has one digit per column).
            return np.arange(n, dtype=np.int32) % self.n_classes
        labels = np.asarray(labels)
        if labels.ndim == 0:
            labels = np.full(n, labels)
        if not np.issubdtype(labels.dtype, np.integer):
            raise ValueError("ConditionalGAN.generate: labels must be integers, "
                             f"got {labels.dtype}.")
        if labels.shape != (n,):
            raise ValueError(f"ConditionalGAN.generate: {len(labels)} labels for {n} samples; "
                             "pass one label per sample (or a single int for all).")
        if labels.size and (labels.min() < 0 or labels.max() >= self.n_classes):
            raise ValueError(f"ConditionalGAN.generate: labels must lie in [0, {self.n_classes}), "
                             f"got values from {labels.min()} to {labels.max()}.")
        return labels.astype(np.int32)

    def generate(self, n=None, z=None, labels=None, batch_size=500):
        """Samples of the requested classes (inference mode) as a NumPy array.

        ``labels``: an int array (one label per sample), a single int (every sample that
        digit), or None (the classes in turn: 0, 1, ..., n_classes - 1, 0, ...). The number
        of samples comes from ``n``, ``z`` or ``labels``, whichever is given.
        """
        if n is None:
            if z is not None:
                n = len(z)
            elif labels is not None and np.ndim(labels) == 1:
                n = len(labels)
            else:
                raise ValueError("ConditionalGAN.generate: pass n, z (latents) or an array of "
                                 "labels.")
        if z is None:
            z = self.generate_latents(n)
        z = np.asarray(z, dtype=np.float32)
        if z.ndim != 2 or z.shape != (n, self.latent_dim):
            raise ValueError("ConditionalGAN.generate: z must have shape "
                             f"({n}, {self.latent_dim}), got {z.shape}.")
        labels = self._labels_for(labels, n)
        return self.generator.predict([z, labels], batch_size=batch_size, verbose=0)

    def split_batch(self, data):
        if not (isinstance(data, (tuple, list)) and len(data) >= 2):
            raise ValueError("ConditionalGAN.fit: the data must yield (images, labels) batches, "
                             "e.g. gh.mnist_dataset(batch_size, images=x, labels=y, "
                             "with_labels=True).")
        images, labels = data[0], tf.cast(tf.reshape(data[1], [-1]), tf.int32)
        self._check_batch_shape(images)
        # The same labels for G's and D's view of a fake: D judges "is this a real y?".
        fake_y = labels if self.fake_labels == "real" else self.sample_labels(tf.shape(images)[0])
        return [images, labels], fake_y


def per_class_accuracy(predicted, requested, n_classes=10):
    """Fraction of the samples requested as class k that were predicted as k, for each k
    (the recall of every class); NaN for a class that was never requested."""
    predicted, requested = np.asarray(predicted), np.asarray(requested)
    hits = np.bincount(requested[predicted == requested], minlength=n_classes)
    asked = np.bincount(requested, minlength=n_classes)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(asked > 0, hits / np.maximum(asked, 1), np.nan)


def class_accuracy(generate, n_per_class=100, n_classes=10, batch_size=500):
    """Ask a conditional generator for ``n_per_class`` samples of every class and let the
    workbook's MNIST classifier say which digit each one is.

    ``generate(labels)`` returns images for an int array of labels (e.g.
    ``lambda y: cgan.generate(labels=y)``). Returns ``(per_class, images, labels,
    predicted)``: the per-class accuracy (length ``n_classes``) and what it was computed on.
    """
    labels = np.repeat(np.arange(n_classes, dtype=np.int32), n_per_class)
    images = np.asarray(generate(labels))
    predicted = classifier_logits(images, batch_size=batch_size).argmax(axis=1)
    return per_class_accuracy(predicted, labels, n_classes), images, labels, predicted
