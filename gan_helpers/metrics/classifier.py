"""The offline MNIST classifier behind the workbook's metrics, and the scores built on it.

On MNIST, Inception features say little, so the workbook measures generators with a small
MNIST classifier of its own, as TF-GAN does for MNIST. The feature it reads differs from
TF-GAN's: TF-GAN's MNIST Fréchet distance feeds its pretrained classifier's graph and reads
the 10-d ``logits``; the workbook's Fréchet distance reads this classifier's 128-d
penultimate layer ("features"), a richer description of each digit than its 10 class
scores (and still far fewer dimensions than the 1,000 reference images, so the covariance
is not singular). Its class probabilities feed the classifier score (an Inception Score,
Salimans et al. 2016, with the MNIST classifier in place of Inception). Scores made with
this classifier are on their own scale: compare them with neither Inception-based numbers
from papers nor TF-GAN's logits-based MNIST numbers.

The classifier trains only on the workbook's train split (``gan_helpers.load_mnist()``);
its accuracy is measured on the reference split (``load_mnist(split="reference")``), the
same images FID uses as its real reference, which no network in the workbook trains on.
The weights ship with the package (``mnist_classifier.weights.h5``, made by
``python tools/train_classifier.py`` in a checkout of the workbook) next to
``mnist_classifier.json``, which records how they were made (source, seed, held-out
accuracy, SHA-256 of the weights).
Only weights are stored: the architecture is built here in code, so loading never
unpickles code.

Images everywhere in this package follow the rule of :mod:`gan_helpers.images`: float in
[-1, 1] (the generators' tanh range) or integer pixels in [0, 255], shape (N, 28, 28) or
(N, 28, 28, 1); see :func:`as_model_input`.
"""
import functools
import hashlib
import json
import os
from dataclasses import dataclass

import keras
import numpy as np
from keras import layers

from ..images import to_unit_range

DEFAULT_WEIGHTS = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                               "mnist_classifier.weights.h5")
FEATURES_LAYER = "features"
TRAIN_COMMAND = "python tools/train_classifier.py"


def _retrain(path, force=True):
    """The command that (re)makes the weights at ``path``: a maintainer tool, run from a
    checkout of the workbook; reinstalling the package restores the shipped weights."""
    return (f"`{TRAIN_COMMAND} --out {path}" + (" --force" if force else "")
            + "` (from a checkout of the workbook), or reinstall gan-workbook")


# --- images ------------------------------------------------------------------------------

def as_model_input(images, name="images"):
    """MNIST-shaped images -> float32 (N, 28, 28, 1) in [-1, 1], by the one rule of
    :mod:`gan_helpers.images`: integer pixels in [0, 255] (any integer dtype) or float
    pixels in [-1, 1]; (N, 28, 28) or (N, 28, 28, 1); no booleans, NaN or Inf."""
    return to_unit_range(images, name=name, shape=(28, 28, 1))


# --- the model ---------------------------------------------------------------------------

def build_classifier():
    """The classifier's architecture (weights random): a small CNN returning 10 logits.

    Conv(32, 3) -> MaxPool -> Conv(64, 3) -> MaxPool -> Flatten -> Dense(128, "features")
    -> Dropout(0.3) -> Dense(10) logits; about 225k parameters (0.9 MB of weights).
    """
    # float32 whatever the global policy: a metric must not change with mixed precision.
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy("float32")
    try:
        return _classifier_layers()
    finally:
        keras.config.set_dtype_policy(previous)


def _classifier_layers():
    x = keras.Input((28, 28, 1), name="image")
    h = layers.Conv2D(32, 3, activation="relu", name="conv1")(x)
    h = layers.MaxPooling2D(name="pool1")(h)
    h = layers.Conv2D(64, 3, activation="relu", name="conv2")(h)
    h = layers.MaxPooling2D(name="pool2")(h)
    h = layers.Flatten(name="flatten")(h)
    h = layers.Dense(128, activation="relu", name=FEATURES_LAYER)(h)
    h = layers.Dropout(0.3, name="dropout")(h)
    logits = layers.Dense(10, name="logits")(h)
    return keras.Model(x, logits, name="mnist_classifier")


def info_path(weights_path):
    """The JSON record that sits next to a ``.weights.h5`` file."""
    return weights_path[: -len(".weights.h5")] + ".json"


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def classifier_info(path=None):
    """How the weights were made: the JSON record (source, seed, held-out accuracy ...)."""
    path = os.path.abspath(path or DEFAULT_WEIGHTS)
    record = info_path(path)
    if not os.path.exists(record):
        raise FileNotFoundError(f"no record {record} next to the classifier weights; retrain "
                                f"them with {_retrain(path)}.")
    with open(record) as f:
        return json.load(f)


@functools.lru_cache(maxsize=4)
def _load(path):
    if not path.endswith(".weights.h5"):
        raise ValueError(f"classifier weights must be a Keras '.weights.h5' file, got {path}.")
    if not os.path.exists(path):
        raise FileNotFoundError(f"MNIST classifier weights not found at {path}. Train them "
                                f"(about a minute on a CPU) with {_retrain(path, force=False)}.")
    record = info_path(path)
    if os.path.exists(record):
        with open(record) as f:
            want = json.load(f).get("sha256")
        if want and want != sha256(path):
            raise RuntimeError(f"the classifier weights {path} do not match the checksum in "
                               f"{record} (corrupted, or replaced by hand). Retrain them with "
                               f"{_retrain(path)}.")
    model = build_classifier()
    try:
        model.load_weights(path)
    except Exception as err:  # truncated/corrupt HDF5, or weights of another architecture
        raise RuntimeError(f"could not load the MNIST classifier weights from {path} "
                           f"({type(err).__name__}: {err}). The file is corrupted or was made "
                           f"for another architecture; retrain it with {_retrain(path)}."
                           ) from err
    features = keras.Model(model.input, model.get_layer(FEATURES_LAYER).output,
                           name="mnist_features")
    return model, features


def load_classifier(path=None):
    """The trained MNIST classifier (a Keras model: images in [-1, 1] -> 10 logits).

    Builds the architecture in code and loads weights only from ``path`` (default: the
    weights shipped with the package). Cached per process and per path. A missing file
    raises FileNotFoundError, a corrupted one RuntimeError; both say how to retrain.
    """
    return _load(os.path.abspath(path or DEFAULT_WEIGHTS))[0]


def _batched(fn, images, batch_size):
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}.")
    out = [np.asarray(fn(images[i:i + batch_size]))
           for i in range(0, len(images), batch_size)]
    return np.concatenate(out, axis=0)


def mnist_features(images, batch_size=500, path=None):
    """Penultimate-layer ("features", 128-d) activations of the MNIST classifier, float32
    (N, 128). The default FID feature extractor; ``images`` as in :func:`as_model_input`."""
    x = as_model_input(images)
    net = _load(os.path.abspath(path or DEFAULT_WEIGHTS))[1]
    return _batched(lambda b: net(b, training=False), x, batch_size)


def classifier_logits(images, batch_size=500, path=None):
    """The classifier's logits, float32 (N, 10); ``images`` as in :func:`as_model_input`."""
    x = as_model_input(images)
    net = load_classifier(path)
    return _batched(lambda b: net(b, training=False), x, batch_size)


def _log_softmax(logits):
    z = np.asarray(logits, dtype=np.float64)
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


# --- scores ------------------------------------------------------------------------------

def classifier_score(images, splits=10, batch_size=500, path=None):
    """MNIST classifier score ("Inception Score" with the MNIST classifier), (mean, std).

    Salimans et al. 2016, "Improved Techniques for Training GANs":
        IS = exp( E_x KL( p(y|x) ‖ p(y) ) ),
    computed on each of ``splits`` equal parts of the images (p(y) being that part's mean
    prediction) and reported as mean ± std over the parts, as in the paper (50k samples,
    10 splits). It ranges from 1 to 10 (the number of classes): high when each image is
    classified confidently (sharp p(y|x)) and all digits appear equally (flat p(y)). It
    says nothing about whether samples look like the training set (use FID for that), and
    it depends on N: compare scores at equal N. The parts are consecutive: shuffle images
    that come sorted by class (a conditional generator's, asked digit by digit), or each part
    holds one or two digits and the score falls towards 1 however good the digits are.
    """
    logp = _log_softmax(classifier_logits(images, batch_size, path))
    if splits < 1 or len(logp) < splits:
        raise ValueError(f"classifier_score: need at least `splits` images and splits >= 1; got "
                         f"{len(logp)} images for splits={splits}. Pass more images or fewer "
                         "splits.")
    scores = []
    for part in np.array_split(logp, splits):
        p = np.exp(part)
        log_py = np.log(p.mean(axis=0))
        scores.append(np.exp(np.mean(np.sum(p * (part - log_py), axis=1))))
    return float(np.mean(scores)), float(np.std(scores))


@dataclass(frozen=True)
class ClassHistogram:
    """Predicted digits: ``counts`` per digit 0..9, ``digits_present`` (how many digits
    have at least ``min_count`` samples), ``min_count`` itself, and ``kl_uniform`` =
    KL(histogram ‖ uniform) in nats (0 for perfectly balanced, log 10 ≈ 2.30 when every
    sample is the same digit)."""
    counts: np.ndarray
    digits_present: int
    min_count: int
    kl_uniform: float


def class_histogram(images, min_fraction=0.1, batch_size=500, path=None):
    """Histogram of the classifier's predicted digits, a quick mode-collapse check.

    A digit counts as present when it gets at least ``min_fraction`` of its fair share,
    i.e. ``max(1, ceil(min_fraction · N / 10))`` samples (default: 1% of N). A plain
    "at least one" rule would let a collapsed generator score 10/10 from the classifier's
    own ~1% of mistakes scattered over the other digits.
    """
    pred = np.argmax(classifier_logits(images, batch_size, path), axis=1)
    counts = np.bincount(pred, minlength=10)
    min_count = max(1, int(np.ceil(min_fraction * len(pred) / 10)))
    p = counts / counts.sum()
    nz = p > 0
    kl = float(np.sum(p[nz] * np.log(p[nz] * 10)))
    return ClassHistogram(counts=counts, digits_present=int(np.sum(counts >= min_count)),
                          min_count=min_count, kl_uniform=kl)
