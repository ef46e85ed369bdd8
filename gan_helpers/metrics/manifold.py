"""Metrics on k-nearest-neighbour balls around feature vectors: precision and recall
(Kynkäänniemi et al. 2019), density and coverage (Naeem et al. 2020), and a nearest-neighbour
memorisation test.

Each real sample x gets a ball B(x, r_k(x)) whose radius r_k(x) is the distance to its k-th
nearest *other* real sample; the union of the balls estimates the real manifold. The same is
done for the generated samples.

* **precision** (Kynkäänniemi et al. 2019, "Improved Precision and Recall Metric for Assessing
  Generative Models", eqs. 1–2; k = 3): the fraction of generated samples inside at least one
  real ball (fidelity);
* **recall** (ibid.): the fraction of real samples inside at least one *generated* ball
  (diversity: what of the data the generator covers);
* **density** (Naeem et al. 2020, "Reliable Fidelity and Diversity Metrics for Generative
  Models", eq. 5; k = 5): (1/(k·M)) Σⱼ Σᵢ 1[yⱼ ∈ B(xᵢ, r_k(xᵢ))], how many real balls a generated
  sample falls in, on average, over k; E[density] = 1 when both sets come from one distribution,
  and it can exceed 1 (samples crowding where the data are dense);
* **coverage** (ibid., eq. 6): the fraction of real balls that contain at least one generated
  sample; for one distribution and equal set sizes E[coverage] ≈ 1 − 2⁻ᵏ (their section 3.2).

Balls are open (distance < radius), as in the authors' reference code (``prdc``,
clovaai/generative-evaluation-prdc). Distances are Euclidean, computed in float64 in blocks of
rows (``‖a‖² + ‖b‖² − 2a·b``, clipped at 0) of at most ``BLOCK`` entries, so 10,000 × 10,000
comparisons never hold more than 160 MB of distances at once.
"""
from typing import NamedTuple

import numpy as np

BLOCK = 2048 * 10_000  # entries per block of the distance matrix: float64, 160 MB


def _features(x, name, who):
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or len(x) < 2:
        raise ValueError(f"{who}: {name} must be at least 2 feature vectors (N, d), got shape "
                         f"{x.shape}.")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{who}: {name} contain NaN or infinite values.")
    return x


def _blocks(a, b):
    """Yield (row slice, distances (rows, len(b))) for consecutive row blocks of ``a``, each
    block at most ``BLOCK`` entries (at least one row)."""
    bb = (b ** 2).sum(1)
    block = max(1, BLOCK // len(b))
    for start in range(0, len(a), block):
        rows = a[start:start + block]
        d2 = (rows ** 2).sum(1)[:, None] + bb[None, :] - 2.0 * rows @ b.T
        yield slice(start, start + len(rows)), np.sqrt(np.maximum(d2, 0.0))


def knn_radii(x, k):
    """Distance from each row of ``x`` to its k-th nearest *other* row (self excluded)."""
    x = _features(x, "the samples", "knn_radii")
    if not 1 <= int(k) < len(x):
        raise ValueError(f"knn_radii: k must be in [1, {len(x) - 1}] for {len(x)} samples, "
                         f"got {k}.")
    out = np.empty(len(x))
    for rows, d in _blocks(x, x):
        # index 0 of the sorted row is the sample itself (distance 0): the k-th neighbour is k
        out[rows] = np.partition(d, int(k), axis=1)[:, int(k)]
    return out


class PrecisionRecall(NamedTuple):
    precision: float
    recall: float


class DensityCoverage(NamedTuple):
    density: float
    coverage: float


def _inside_any(points, centres, radii):
    """For each point: is it inside (strictly) at least one ball (centre, radius)?"""
    out = np.empty(len(points), dtype=bool)
    for rows, d in _blocks(points, centres):
        out[rows] = (d < radii[None, :]).any(axis=1)
    return out


def precision_recall(real, fake, k=3):
    """Precision and recall of ``fake`` against ``real`` feature vectors (Kynkäänniemi et al.
    2019; their k = 3). Returns ``PrecisionRecall(precision, recall)``, each in [0, 1]."""
    real = _features(real, "real features", "precision_recall")
    fake = _features(fake, "fake features", "precision_recall")
    if real.shape[1] != fake.shape[1]:
        raise ValueError(f"precision_recall: real and fake features differ in dimension "
                         f"({real.shape[1]} vs {fake.shape[1]}).")
    precision = _inside_any(fake, real, knn_radii(real, k)).mean()
    recall = _inside_any(real, fake, knn_radii(fake, k)).mean()
    return PrecisionRecall(float(precision), float(recall))


def density_coverage(real, fake, k=5):
    """Density and coverage of ``fake`` against ``real`` feature vectors (Naeem et al. 2020;
    their k = 5). Returns ``DensityCoverage(density, coverage)``: density >= 0 (1 for one
    distribution, in expectation), coverage in [0, 1]."""
    real = _features(real, "real features", "density_coverage")
    fake = _features(fake, "fake features", "density_coverage")
    if real.shape[1] != fake.shape[1]:
        raise ValueError(f"density_coverage: real and fake features differ in dimension "
                         f"({real.shape[1]} vs {fake.shape[1]}).")
    radii = knn_radii(real, k)
    inside = 0          # Σⱼ Σᵢ 1[yⱼ in B(xᵢ)]
    covered = np.empty(len(real), dtype=bool)
    for rows, d in _blocks(real, fake):           # d: (real rows, all fakes)
        hit = d < radii[rows, None]
        inside += int(hit.sum())
        covered[rows] = hit.any(axis=1)
    return DensityCoverage(inside / (int(k) * len(fake)), float(covered.mean()))


def nearest_distances(queries, reference):
    """Distance from each row of ``queries`` to its nearest row of ``reference``."""
    queries = _features(queries, "queries", "nearest_distances")
    reference = _features(reference, "reference", "nearest_distances")
    out = np.empty(len(queries))
    for rows, d in _blocks(queries, reference):
        out[rows] = d.min(axis=1)
    return out


class Memorisation(NamedTuple):
    """``flagged``: fraction of generated samples nearer to a training sample than
    ``threshold``; ``false_positive_rate``: the same fraction for held-out real samples never
    trained on (a test half, not used to set the threshold); ``threshold``: the ``quantile`` of
    the other half's nearest-training distances; ``median_ratio``: the generated samples'
    median distance to the training set over the held-out samples' (well below 1: copying)."""
    flagged: float
    false_positive_rate: float
    threshold: float
    median_ratio: float


class CopyDetector:
    """A nearest-neighbour memorisation test, calibrated once and applied to any number of
    generators.

    Fresh real samples (``heldout``, never trained on) show how close an image that was *not*
    copied comes to the training set. Their nearest-training distances are split at random in
    two halves: the ``quantile`` (default 1%) of the first half is the threshold, and the second
    half measures the test's false-positive rate on honest samples (about ``quantile``). A
    generated sample nearer to a training sample than the threshold is flagged as a likely copy.
    Calling the detector on generated features returns a :class:`Memorisation`.
    """

    def __init__(self, train, heldout, quantile=0.01, seed=0):
        self.train = _features(train, "training features", "memorisation")
        heldout = _features(heldout, "held-out features", "memorisation")
        if len(heldout) < 4:
            raise ValueError("memorisation: need at least 4 held-out samples (two halves).")
        if not 0 < quantile < 1:
            raise ValueError(f"memorisation: quantile must lie in (0, 1), got {quantile}.")
        d_held = nearest_distances(heldout, self.train)
        order = np.random.default_rng(seed).permutation(len(d_held))
        calibrate, test = d_held[order[: len(order) // 2]], d_held[order[len(order) // 2:]]
        self.threshold = float(np.quantile(calibrate, quantile))
        self.false_positive_rate = float((test < self.threshold).mean())
        self.median_heldout = float(np.median(d_held))

    def __call__(self, generated):
        generated = _features(generated, "generated features", "memorisation")
        d_gen = nearest_distances(generated, self.train)
        return Memorisation(float((d_gen < self.threshold).mean()), self.false_positive_rate,
                            self.threshold, float(np.median(d_gen)) / self.median_heldout)


def memorisation(train, generated, heldout, quantile=0.01, seed=0):
    """The memorisation test of :class:`CopyDetector` on one set of ``generated`` features
    (build a ``CopyDetector`` once to test several generators against the same data)."""
    return CopyDetector(train, heldout, quantile, seed)(generated)
