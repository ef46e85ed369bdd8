"""gan_helpers.metrics.coverage: mode coverage on the 2-D mixtures (VEEGAN / PacGAN) against
the probability mass of exact samples, a single mode, and samples off every mode."""
import numpy as np
import pytest

import gan_helpers
from gan_helpers import metrics

HQ_MASS_2D = 1.0 - np.exp(-4.5)  # P(|z| < 3) for a standard 2-D Gaussian


@pytest.mark.parametrize("make, std, k", [(gan_helpers.ring_of_gaussians, 0.01, 8),
                                          (gan_helpers.grid_of_gaussians, 0.05, 25)])
def test_mode_coverage_exact_samples(make, std, k):
    samples, centres = make(2500, std=std, seed=0)
    cov = metrics.mode_coverage(samples, centres, std)
    assert cov.modes == k and len(cov.counts) == k and cov.counts.sum() <= 2500
    assert abs(cov.hq_fraction - HQ_MASS_2D) < 0.01  # binomial sd ≈ 0.002 at N=2500
    # With 100k samples (sd ≈ 0.0003) a threshold of 2.9 std instead of 3 would show.
    many, _ = make(100_000, std=std, seed=1)
    assert abs(metrics.mode_coverage(many, centres, std).hq_fraction - HQ_MASS_2D) < 0.0015


def test_mode_coverage_single_mode_and_off_modes():
    std = 0.05
    centres = gan_helpers.grid_centres()
    rng = np.random.default_rng(14)
    one = centres[7] + std * rng.standard_normal((2500, 2))
    cov = metrics.mode_coverage(one, centres, std)
    assert cov.modes == 1 and cov.counts[7] == cov.counts.sum()
    angle = rng.uniform(0, 2 * np.pi, 2500)
    unit = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    off = centres[rng.integers(0, 25, 2500)] + 10 * std * unit
    cov = metrics.mode_coverage(off, centres, std)
    assert cov.modes == 0 and cov.hq_fraction == 0.0
    far = rng.uniform(20, 30, (2500, 2))
    assert metrics.mode_coverage(far, centres, std).modes == 0
    with pytest.raises(ValueError, match="same"):
        metrics.mode_coverage(one, np.zeros((3, 3)), std)
