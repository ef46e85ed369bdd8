"""Checkers for notebooks/09_evaluation.ipynb.

Exercise 1, ``precision_recall`` (implement): the k-NN precision and recall of Kynkäänniemi et
al. (2019), against :func:`gan_helpers.metrics.precision_recall`. Exercise 2,
``memoriser_flags`` (predict): which metrics flag a generator that returns shifted, noised
training digits, answered before the notebook measures it. Exercise 3, ``typical_subset``
(design): pick samples that score high precision but low recall while every digit is present.
"""
import functools

import numpy as np

from .. import data, metrics
from .core import call_reader, compare, exercise, report

# --- exercise 1: precision_recall -------------------------------------------------------------


def _reference_precision_recall(real, fake, k):
    return np.array(metrics.precision_recall(real, fake, k), dtype=np.float64)


def _pr_variant(real, fake, k, self_included=False, same_radii=False, swapped=False):
    """Precision/recall with one knob turned, for recognising common mistakes."""
    real, fake = np.asarray(real, np.float64), np.asarray(fake, np.float64)
    d = lambda a, b: np.sqrt(((a[:, None] - b[None]) ** 2).sum(-1))  # noqa: E731
    kk = k - 1 if self_included else k
    r_real = np.sort(d(real, real), 1)[:, kk]
    r_fake = r_real if same_radii else np.sort(d(fake, fake), 1)[:, kk]
    precision = (d(fake, real) < r_real[None]).any(1).mean()
    recall = ((d(real, fake) < r_fake[None]).any(1).mean() if not same_radii else
              (d(real, fake) < r_real[:, None]).any(1).mean())
    return np.array([recall, precision] if swapped else [precision, recall])


def _pr_cases():
    rng = np.random.default_rng(9)
    return [(rng.normal(size=(60, 3)), rng.normal(0.5, 1.5, size=(50, 3)), 3),
            (rng.normal(size=(40, 2)), rng.normal(size=(40, 2)) * [0.2, 1.0], 3),
            (rng.normal(size=(30, 4)), rng.normal(1.0, 0.5, size=(45, 4)), 5)]


@exercise(reference=lambda real, fake, k=3: metrics.precision_recall(real, fake, k))
def check_precision_recall(precision_recall):
    """09, exercise 1: ``precision_recall(real, fake, k) -> (precision, recall)``: the
    fraction of fakes inside some real sample's k-NN ball, and of reals inside some fake's."""
    def student(real, fake, k):
        out = precision_recall(real, fake, k)
        try:
            return np.array([float(out[0]), float(out[1])])
        except (TypeError, IndexError, ValueError):
            raise AssertionError("return a pair (precision, recall) of numbers") from None

    worst = compare(
        "precision_recall", student, _reference_precision_recall, _pr_cases(), tol=1e-9,
        wrong_answers=[
            (lambda r, f, k: _pr_variant(r, f, k, self_included=True),
             "the k-th nearest neighbour of a sample must exclude the sample itself: in its "
             "sorted row of distances, index 0 is the sample (distance 0), so take index k."),
            (lambda r, f, k: _pr_variant(r, f, k, swapped=True),
             "precision and recall are swapped: precision asks whether each *fake* lies on the "
             "real manifold (fidelity); recall whether each *real* lies on the fake one."),
            (lambda r, f, k: _pr_variant(r, f, k, same_radii=True),
             "recall needs balls around the *fake* samples, with the fakes' own k-NN radii; you "
             "reused the real samples' balls."),
        ],
        hint="r_real = distance of each real sample to its k-th nearest other real sample; "
             "precision = mean over fakes of [min over reals j of (dist(fake, real_j) - "
             "r_real_j) < 0]; recall: the same with the roles of real and fake exchanged.")
    report("precision_recall", worst, 1e-9)


# --- exercise 2: memoriser_flags (predict) ----------------------------------------------------

METRICS = ("FID", "KID", "precision", "recall", "density", "coverage", "memorisation (pixels)",
           "memorisation (shift-tolerant)")
_FLAGS = {"memorisation (shift-tolerant)"}  # what flags the shifted, noised copies

_WHY = {
    "FID": "the copies are real digits: their features have nearly the data's mean and "
           "covariance, so FID rates the memoriser better than any other constructed generator.",
    "KID": "like FID, KID compares feature distributions, and the copies' distribution is the "
           "data's.",
    "precision": "every copy is a realistic digit, mostly inside the real manifold: noise and "
                 "the DCGAN's samples score far lower precision.",
    "recall": "copies of many different training digits cover the data's variety: recall is "
              "high.",
    "density": "the copies sit where real digits are (the added noise lowers density a little), "
               "far above noise's or the DCGAN's.",
    "coverage": "copies of many training digits reach most real neighbourhoods: coverage is "
                "high.",
    "memorisation (pixels)": "a one-pixel shift moves a digit far in pixel space (strokes no "
                             "longer overlap), farther than honest digits are from their "
                             "nearest training image: the plain nearest-neighbour test misses "
                             "it.",
}


@exercise()
def check_memoriser_flags(memoriser_flags):
    """09, exercise 2: ``memoriser_flags() -> set`` of the names in ``METRICS`` that will rate
    the memoriser the worst of the notebook's seven generators."""
    got = memoriser_flags()
    if isinstance(got, str):
        got = {got}
    try:
        got = set(got)
    except TypeError:
        raise AssertionError("return a set of metric names, e.g. {'FID'}") from None
    unknown = got - set(METRICS)
    if unknown:
        raise AssertionError(f"unknown metric name(s) {sorted(unknown)}; use the names in "
                             f"the exercise: {', '.join(METRICS)}.")
    for name in sorted(got - _FLAGS):
        raise AssertionError(f"'{name}' will not flag it: {_WHY[name]}")
    if not got:
        raise AssertionError("one test does flag it: think about what changes when the "
                             "nearest-neighbour search may also shift the training digits.")
    report("memoriser_flags", 0.0, 0)


# --- exercise 3: typical_subset (design) ------------------------------------------------------

N_PICK = 100


@functools.lru_cache(maxsize=1)
def _pool():
    """The checker's pool: the reference split's odd images (features, labels) and, to score
    against, its even ones."""
    x, y = data.load_mnist(split="reference", verbose=False)
    feats = metrics.mnist_features(x)
    return feats[1::2], y[1::2], feats[::2]


@exercise()
def check_typical_subset(typical_subset):
    """09, exercise 3: ``typical_subset(features, labels, n) -> indices``: n distinct samples of
    the pool with every digit at least n/20 times, precision >= 0.9 against held-out digits,
    and recall at least 0.2 below a random subset's of the same size."""
    feats, labels, reference = _pool()
    idx = call_reader("typical_subset", typical_subset, (feats.copy(), labels.copy(), N_PICK),
                      "return an array of n indices into the pool")
    idx = np.asarray(idx).ravel()
    if idx.dtype.kind not in "iu":
        raise AssertionError(f"return integer indices into the pool, got dtype {idx.dtype}.")
    if len(idx) != N_PICK or len(np.unique(idx)) != N_PICK:
        raise AssertionError(f"return {N_PICK} *distinct* indices (got {len(idx)}, "
                             f"{len(np.unique(idx))} distinct): repeating a sample is the "
                             "repeater the notebook already showed.")
    if idx.min() < 0 or idx.max() >= len(feats):
        raise AssertionError(f"indices must lie in [0, {len(feats)}).")
    counts = np.bincount(labels[idx], minlength=10)
    if counts.min() < N_PICK // 20:
        raise AssertionError(f"every digit must appear at least {N_PICK // 20} times, got "
                             f"counts {counts.tolist()}: a generator missing digits is the "
                             "collapse the class histogram already catches.")
    mine = metrics.precision_recall(reference, feats[idx])
    rng = np.random.default_rng(0)
    randoms = [metrics.precision_recall(reference, feats[rng.choice(len(feats), N_PICK,
                                                                     replace=False)])
               for _ in range(5)]
    random_recall = float(np.mean([r.recall for r in randoms]))
    if mine.precision < 0.9:
        raise AssertionError(f"precision {mine.precision:.2f} < 0.9: some picks are atypical "
                             "digits, outside the real manifold's balls; pick the most typical "
                             "samples of each digit (e.g. nearest to the digit's mean feature).")
    if mine.recall > random_recall - 0.2:
        raise AssertionError(f"recall {mine.recall:.2f} is not at least 0.2 below a random "
                             f"subset's ({random_recall:.2f}): your picks still spread over "
                             "the data's variety; concentrate each digit on its most typical "
                             "samples.")
    report("typical_subset", 0.0, 0)
