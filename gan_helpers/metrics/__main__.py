"""``python -m gan_helpers.metrics``: reference values of the metrics on real MNIST.

Prints the classifier's recorded accuracy on the reference split, FID real-vs-real (train-split
images against the reference split, the images no network trains on) and real-vs-noise
(uniform noise images against the reference) at N = 500 and N = the reference's size, and
the classifier score of the reference images. These are the numbers to hold a generator's
against: at the same N, a good generator's FID approaches real-vs-real.
"""
import sys

import numpy as np

from .. import load_mnist
from . import classifier_info, classifier_score, fid


def main(seed=0):
    info = classifier_info()
    print(f"MNIST classifier: accuracy {info['heldout_accuracy']:.4f} on the reference split "
          f"({info['n_heldout']} images, source {info['source']}, seed {info['seed']})")
    x, _ = load_mnist()
    ref, _ = load_mnist(split="reference", verbose=False)
    x = x[np.random.default_rng(seed).permutation(len(x))]
    rng = np.random.default_rng(seed + 1)
    for n in (500, len(ref)):
        noise = rng.uniform(-1, 1, (n, 28, 28, 1)).astype(np.float32)
        print(f"N = {n}: FID real/real {fid(x[:n], ref[:n]):.3f}, "
              f"real/noise {fid(noise, ref[:n]):.1f}")
    mean, std = classifier_score(ref)
    print(f"Classifier score of the {len(ref)} reference images (10 splits of {len(ref) // 10}): "
          f"{mean:.3f} ± {std:.3f} (max 10)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
