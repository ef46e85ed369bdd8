"""What notebook 05's stepper reports about a 2-D GAN, as numbers only: mode coverage, where
G's mass sits, D's verdict on real and fake samples and on a grid, and the run's history."""
import numpy as np

from ...metrics.coverage import mode_coverage
from ...theory import sigmoid
from .targets import toy_target


def fixed_latents(seed, n, latent_dim):
    """``n`` latent vectors (float32 (n, latent_dim)) from a NumPy seed: evaluating G on the
    same latents every time, its samples change only because G does."""
    return np.random.default_rng(seed).standard_normal((n, latent_dim)).astype(np.float32)


def coverage_numbers(samples, centres, std):
    """``(modes, hq_fraction, counts, shares)`` of ``samples`` (N, 2) for a toy target.

    ``modes``, ``hq_fraction``, ``counts``: :func:`gan_helpers.metrics.coverage.mode_coverage`
    (the VEEGAN/PacGAN 3σ protocol); ``shares`` (K,): the fraction of the samples nearest to
    each centre, high quality or not. Samples with NaN or inf (a diverged generator) give
    zeros throughout rather than an error.
    """
    if not np.all(np.isfinite(samples)):
        return 0, 0.0, np.zeros(len(centres), int), np.zeros(len(centres))
    cov = mode_coverage(samples, centres, std)
    d2 = ((samples[:, None, :] - centres[None]) ** 2).sum(-1)
    shares = np.bincount(d2.argmin(1), minlength=len(centres)) / len(samples)
    return cov.modes, cov.hq_fraction, cov.counts, shares


def evaluate(gan, target, z, real, grid=81, seconds=0.0, previous=None):
    """The numbers of a 2-D ``gan`` (a :class:`gan_helpers.GAN`) on the toy ``target``, as a
    dict (the stepper's ``state``):

    * ``target``, ``step`` (generator updates so far), ``seconds`` (passed in: the last
      training call's duration);
    * ``modes``, ``n_modes``, ``hq_fraction``, ``counts``: :func:`gan_helpers.metrics.coverage.
      mode_coverage` of ``samples`` (the VEEGAN/PacGAN 3σ protocol);
    * ``shares`` (K,): the fraction of ``samples`` nearest to each mode, high quality or not
      (where G's mass sits; a collapsed G puts most of it on one or two modes);
    * ``d_real``, ``d_fake``: mean sigmoid(D(x)) on ``real`` and on ``samples``;
    * ``samples`` (len(z), 2): G on the latents ``z``; ``real`` (the target's samples, as
      passed in);
    * ``d_grid`` (grid, grid): sigmoid(D) on the square ``[-half_width, half_width]²``,
      ``d_grid[i, j]`` at ``(axis[j], axis[i])``; ``axis`` (grid,);
    * ``history``: ``previous["history"]`` (none if ``previous`` is None or the step is 0)
      and this evaluation: one dict per evaluation with ``step``, ``modes``, ``hq_fraction``,
      ``d_real``, ``d_fake`` and ``shares``.
    """
    centres, std, half_width = toy_target(target)
    samples = np.asarray(gan.generator(z, training=False), dtype=np.float32)
    axis = np.linspace(-half_width, half_width, grid, dtype=np.float32)
    gx, gy = np.meshgrid(axis, axis)  # gx[i, j] = axis[j], gy[i, j] = axis[i]
    points = np.stack([gx.ravel(), gy.ravel()], axis=1)
    # One call of D for the real samples, G's samples and the grid points.
    logits = np.asarray(gan.discriminator(
        np.concatenate([real, samples, points]), training=False), np.float64)[:, 0]
    d = sigmoid(logits)
    n_real, n = len(real), len(samples)
    modes, hq, counts, shares = coverage_numbers(samples, centres, std)
    step = int(np.asarray(gan.g_optimizer.iterations))
    history = [] if previous is None or step == 0 else list(previous["history"])
    d_real, d_fake = float(d[:n_real].mean()), float(d[n_real:n_real + n].mean())
    history.append({"step": step, "modes": modes, "hq_fraction": hq, "d_real": d_real,
                    "d_fake": d_fake, "shares": shares})
    return {"target": target, "step": step, "seconds": float(seconds),
            "modes": modes, "n_modes": len(centres), "hq_fraction": hq, "counts": counts,
            "shares": shares, "d_real": d_real, "d_fake": d_fake, "samples": samples,
            "real": real, "d_grid": d[n_real + n:].reshape(grid, grid), "axis": axis,
            "history": history}
