"""Notebook 05's two toy benchmarks, by name: the ring of 8 and the grid of 25 Gaussians."""
import numpy as np

from ... import data

#: The two benchmarks of notebook 05: label, sampler (gan_helpers.data), per-mode σ, and the
#: half-width of the square that is drawn.
TOY_TARGETS = {
    "ring": ("ring of 8", data.ring_of_gaussians, 0.01, 1.6),
    "grid": ("grid of 25", data.grid_of_gaussians, 0.05, 5.5),
}


def toy_target(name):
    """``(centres (K, 2) float32, std, half_width)`` of a toy benchmark: 'ring' or 'grid'."""
    if name not in TOY_TARGETS:
        raise ValueError(f"unknown toy target {name!r}; use one of {', '.join(TOY_TARGETS)}.")
    _, sample, std, half_width = TOY_TARGETS[name]
    return sample(1, std=std, seed=0)[1].astype(np.float32), float(std), float(half_width)


def toy_samples(name, n, seed):
    """``n`` samples (float32 (n, 2)) of a toy benchmark (gan_helpers.ring_of_gaussians or
    grid_of_gaussians), from a NumPy seed."""
    toy_target(name)
    _, sample, std, _ = TOY_TARGETS[name]
    return sample(n, std=std, seed=seed)[0]
