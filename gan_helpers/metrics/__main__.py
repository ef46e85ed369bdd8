"""``python -m gan_helpers.metrics``: reference values of the metrics on real MNIST.

Prints the classifier's recorded held-out accuracy, FID real-vs-real (two disjoint halves
of a seeded shuffle) and real-vs-noise (uniform noise images) at N = 1000 and N = half the
data, and the classifier score of all real images. These are the numbers to hold a
generator's against: at the same N, a good generator's FID approaches real-vs-real.
"""
import sys

import numpy as np

from .. import load_mnist
from . import classifier_info, classifier_score, fid


def main(seed=0):
    info = classifier_info()
    print(f"MNIST classifier: held-out accuracy {info['heldout_accuracy']:.4f} "
          f"({info['n_heldout']} images, source {info['source']}, seed {info['seed']})")
    x, _ = load_mnist()
    x = x[np.random.default_rng(seed).permutation(len(x))]
    half = len(x) // 2
    a, b = x[:half], x[half:2 * half]
    rng = np.random.default_rng(seed + 1)
    for n in (1000, half):
        noise = rng.uniform(-1, 1, (n, 28, 28, 1)).astype(np.float32)
        print(f"N = {n}: FID real/real {fid(a[:n], b[:n]):.3f}, real/noise {fid(a[:n], noise):.1f}")
    mean, std = classifier_score(x)
    print(f"Classifier score of the {len(x)} real images (10 splits of {len(x) // 10}): "
          f"{mean:.3f} ± {std:.3f} (max 10)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
