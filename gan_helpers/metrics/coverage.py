"""Mode coverage on the 2-D mixture benchmarks (ring of 8, grid of 25 Gaussians).

Protocol of VEEGAN (Srivastava et al. 2017, "VEEGAN: Reducing Mode Collapse in GANs using
Implicit Variational Learning", Table 1) and PacGAN (Lin et al. 2018, "PacGAN: The power of
two samples in generative adversarial networks", Table 1): a sample is *high quality* if
its distance to the nearest mode centre is below 3 standard deviations; a mode is
*captured* if at least one high-quality sample lies nearest to it. Papers use 2,500
samples per evaluation. For exact samples of a 2-D isotropic Gaussian the high-quality
fraction is P(‖z‖ < 3) = 1 − e^(−9/2) ≈ 0.989, the ceiling a perfect generator reaches.
"""
from typing import NamedTuple

import numpy as np


class ModeCoverage(NamedTuple):
    """``modes``: number of captured modes; ``hq_fraction``: fraction of high-quality
    samples; ``counts``: high-quality samples per mode, (K,) int, in the order of the centres."""
    modes: int
    hq_fraction: float
    counts: np.ndarray


def mode_coverage(samples, centres, std, threshold=3.0):
    """Modes captured and high-quality fraction of ``samples`` (N, d) for a mixture with mode
    ``centres`` (K, d) and per-mode standard deviation ``std`` (VEEGAN / PacGAN protocol;
    ``threshold`` = 3 std). Ring: std 0.01; grid: std 0.05 (see gan_helpers.ring_of_gaussians
    and grid_of_gaussians, which return the centres)."""
    x = np.asarray(samples, dtype=np.float64)
    c = np.asarray(centres, dtype=np.float64)
    if x.ndim != 2 or c.ndim != 2 or x.shape[1] != c.shape[1]:
        raise ValueError(f"mode_coverage: expected samples (N, d) and centres (K, d) with the same "
                         f"d, got {x.shape} and {c.shape}.")
    if len(x) == 0 or len(c) == 0:
        raise ValueError("mode_coverage: need at least one sample and one centre.")
    if not np.all(np.isfinite(x)):
        raise ValueError("mode_coverage: samples contain NaN or infinite values (a diverged "
                         "generator?).")
    if not std > 0:
        raise ValueError(f"mode_coverage: std must be > 0, got {std}.")
    # Squared distances via |x|² − 2x·c + |c|², so memory stays N×K rather than N×K×d.
    d2 = (x * x).sum(1)[:, None] - 2.0 * x @ c.T + (c * c).sum(1)[None, :]
    nearest = np.argmin(d2, axis=1)
    dist = np.sqrt(np.maximum(d2[np.arange(len(x)), nearest], 0.0))
    hq = dist < threshold * std
    counts = np.bincount(nearest[hq], minlength=len(c))
    return ModeCoverage(modes=int(np.sum(counts > 0)), hq_fraction=float(hq.mean()), counts=counts)
