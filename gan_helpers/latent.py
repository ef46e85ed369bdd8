"""Paths through a generator's latent space: linear (lerp) and spherical (slerp) interpolation.

Latent vectors are drawn from N(0, I_d). In d dimensions their norm concentrates near
√d (d = 100: 10 ± 0.7), so almost every sample lies close to a sphere. The straight
line between two independent samples cuts through the inside of that sphere: its
midpoint has norm ≈ √(d/2) ≈ 0.71·√d, a region the generator almost never saw during
training (‖z‖² follows a chi-squared law with d degrees of freedom; for d = 100,
P(‖z‖ ≤ √50) ≈ 7·10⁻⁶, about one latent in 140,000).
Spherical interpolation (Shoemake 1985; proposed for generative models by White 2016,
"Sampling Generative Networks") follows the great circle between the two vectors instead:

    slerp(z0, z1; t) = sin((1 − t)Ω)/sin Ω · z0 + sin(tΩ)/sin Ω · z1,
    cos Ω = z0·z1 / (‖z0‖ ‖z1‖).

Everything here is plain NumPy (numbers in, numbers out).
"""
import numpy as np

# Guard for (anti)parallel vectors: below this sin Ω the great circle is undefined (Ω = 0
# or π) and slerp's weights sin((1 − t)Ω)/sin Ω, sin(tΩ)/sin Ω are 0/0 or rounding noise
# over rounding noise; slerp then falls back to lerp: the limit of slerp as Ω -> 0, and for
# Ω = π (every great circle from z0 to -z0 is equally short) a defined, if straight, path.
_PARALLEL = 1e-6


def _pair(z0, z1):
    z0, z1 = np.asarray(z0), np.asarray(z1)
    if z0.shape != z1.shape or z0.ndim != 1:
        raise ValueError(f"interpolate between two vectors of the same shape (d,); got "
                         f"{z0.shape} and {z1.shape}.")
    dtype = np.result_type(z0.dtype, z1.dtype, np.float32)
    return z0.astype(np.float64), z1.astype(np.float64), dtype


def lerp(z0, z1, t):
    """Linear interpolation (1 − t)·z0 + t·z1. A scalar ``t`` gives shape (d,); an array
    of shape T gives T + (d,)."""
    z0, z1, dtype = _pair(z0, z1)
    t = np.asarray(t, dtype=np.float64)[..., None]
    return ((1.0 - t) * z0 + t * z1).astype(dtype)


def slerp(z0, z1, t):
    """Spherical interpolation: the great-circle path from z0 (t = 0) to z1 (t = 1).

    The angle Ω between the vectors is split in proportion t; the weights
    sin((1 − t)Ω)/sin Ω and sin(tΩ)/sin Ω multiply the vectors themselves, so the norm
    moves smoothly from ‖z0‖ to ‖z1‖ (it stays constant when they are equal). For
    (anti)parallel vectors the great circle is undefined and this falls back to lerp.
    A scalar ``t`` gives shape (d,); an array of shape T gives T + (d,).
    """
    z0, z1, dtype = _pair(z0, z1)
    n0, n1 = np.linalg.norm(z0), np.linalg.norm(z1)
    if n0 == 0 or n1 == 0:
        return lerp(z0, z1, t).astype(dtype)
    omega = np.arccos(np.clip(np.dot(z0 / n0, z1 / n1), -1.0, 1.0))
    so = np.sin(omega)
    if so < _PARALLEL:  # the (anti)parallel guard: sin Ω ≈ 0, fall back to lerp
        return lerp(z0, z1, t).astype(dtype)
    t = np.asarray(t, dtype=np.float64)[..., None]
    return (np.sin((1.0 - t) * omega) / so * z0 + np.sin(t * omega) / so * z1).astype(dtype)


INTERPOLATIONS = {"lerp": lerp, "slerp": slerp}


def latent_interpolation(z0, z1, steps=8, method="slerp"):
    """``steps`` latent vectors from z0 to z1 (both included), shape (steps, d), float32.

    ``method``: 'slerp' (default, stays where the Gaussian's mass is) or 'lerp'.
    Feed the result to ``gan.generate(z=...)`` to see one digit morph into another.
    """
    if method not in INTERPOLATIONS:
        raise ValueError(f"latent_interpolation: unknown method {method!r}; use 'slerp' or 'lerp'.")
    if int(steps) < 2:
        raise ValueError(f"latent_interpolation: steps must be >= 2 (the two ends), got {steps}.")
    t = np.linspace(0.0, 1.0, int(steps))
    return INTERPOLATIONS[method](z0, z1, t).astype(np.float32)
