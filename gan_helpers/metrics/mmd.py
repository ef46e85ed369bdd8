"""Kernel Inception Distance (KID): Bińkowski, Sutherland, Arbel & Gretton 2018, "Demystifying
MMD GANs" (ICLR), section 4 / appendix.

The squared maximum mean discrepancy between the real and generated feature distributions with
the cubic polynomial kernel k(x, y) = (xᵀy / d + 1)³ (d = the feature dimension), estimated
without bias (the U-statistic of Gretton et al. 2012, Lemma 6) on m real and m generated
features:

    MMD²ᵤ = 1/(m(m−1)) Σ_{i≠j} k(xᵢ, xⱼ) + 1/(m(m−1)) Σ_{i≠j} k(yᵢ, yⱼ) − 2/m² Σ_{i,j} k(xᵢ, yⱼ).

Unbiased means E[MMD²ᵤ] equals the true MMD² at *every* m: for two samples of one distribution
its mean is 0 (single estimates are negative about half the time), where FID's estimate is
biased upwards by about k/N (see :mod:`.frechet`). As in the authors' code, KID averages the
estimate over random subsets (default 100 subsets of 1,000 per side, drawn without
replacement within a subset) and reports the mean and the standard deviation over subsets.
"""
from typing import NamedTuple

import numpy as np


class KID(NamedTuple):
    mean: float   # the average of the subset estimates
    std: float    # their standard deviation (a spread over subsets, not a standard error)
    n_subsets: int
    subset_size: int


def polynomial_kernel(x, y):
    """k(x, y) = (xᵀy / d + 1)³ for every pair of rows: (len(x), len(y))."""
    return (x @ y.T / x.shape[1] + 1.0) ** 3


def mmd2_unbiased(x, y):
    """The unbiased MMD² estimate between feature sets ``x`` and ``y`` of equal size m >= 2,
    with the cubic polynomial kernel (module docstring)."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    m = len(x)
    if len(y) != m or m < 2:
        raise ValueError(f"mmd2_unbiased: need two sets of equal size >= 2, got {len(x)} and "
                         f"{len(y)}.")
    kxx, kyy, kxy = polynomial_kernel(x, x), polynomial_kernel(y, y), polynomial_kernel(x, y)
    off = lambda k: (k.sum() - np.trace(k)) / (m * (m - 1))  # noqa: E731  (i != j terms)
    return float(off(kxx) + off(kyy) - 2.0 * kxy.mean())


def kid(real, fake, n_subsets=100, subset_size=1000, seed=0):
    """KID between ``real`` and ``fake`` feature vectors (N, d): the unbiased MMD² averaged over
    ``n_subsets`` random subsets of ``subset_size`` per side (capped at the smaller set's
    size). Returns ``KID(mean, std, n_subsets, subset_size)``. Multiply by 1,000 to compare with
    papers' "KID × 10³" only on the same features (here: the workbook's MNIST classifier)."""
    real = np.asarray(real, np.float64)
    fake = np.asarray(fake, np.float64)
    if real.ndim != 2 or fake.ndim != 2 or real.shape[1] != fake.shape[1]:
        raise ValueError(f"kid: expected features (N, d) and (M, d) of one dimension d, got "
                         f"{real.shape} and {fake.shape}.")
    if not (np.all(np.isfinite(real)) and np.all(np.isfinite(fake))):
        raise ValueError("kid: the features contain NaN or infinite values.")
    m = min(int(subset_size), len(real), len(fake))
    if m < 2 or int(n_subsets) < 1:
        raise ValueError(f"kid: need subsets of at least 2 samples and n_subsets >= 1, got "
                         f"subset size {m} and n_subsets {n_subsets}.")
    rng = np.random.default_rng(seed)
    est = [mmd2_unbiased(real[rng.choice(len(real), m, replace=False)],
                         fake[rng.choice(len(fake), m, replace=False)])
           for _ in range(int(n_subsets))]
    return KID(float(np.mean(est)), float(np.std(est)), int(n_subsets), m)
