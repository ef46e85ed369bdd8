"""Figures: image grids (as arrays, PNG files, matplotlib axes) and loss curves."""
import math
import os

import matplotlib.pyplot as plt
import numpy as np
from PIL import Image


def to_uint8(images):
    """Images in [-1, 1] (float) or [0, 255] (uint8) -> uint8 (N, H, W) or (N, H, W, C)."""
    images = np.asarray(images)
    if images.dtype != np.uint8:
        images = np.clip(np.round((images.astype(np.float32) + 1.0) * 127.5),
                         0, 255).astype(np.uint8)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    return images


def image_grid(images, nrow=None, pad=1):
    """Tile N images into one uint8 array (rows of ``nrow`` images; default: square-ish)."""
    images = to_uint8(images)
    if images.ndim not in (3, 4) or len(images) == 0:
        raise ValueError("image_grid: expected a non-empty batch (N, H, W[, C]), "
                         f"got {images.shape}")
    n, h, w = images.shape[:3]
    nrow = nrow or int(math.ceil(math.sqrt(n)))
    ncol_rows = int(math.ceil(n / nrow))
    shape = (ncol_rows * (h + pad) + pad, nrow * (w + pad) + pad) + images.shape[3:]
    grid = np.zeros(shape, dtype=np.uint8)
    for i, img in enumerate(images):
        r, c = divmod(i, nrow)
        grid[pad + r * (h + pad): pad + r * (h + pad) + h,
             pad + c * (w + pad): pad + c * (w + pad) + w] = img
    return grid


def save_image_grid(images, path, nrow=None, scale=4):
    """Write a PNG grid (nearest-neighbour upscaled ``scale`` times). Refuses to overwrite."""
    if os.path.exists(path):
        raise FileExistsError(f"save_image_grid: {path!r} exists already; choose a new file name "
                              "or folder (gan_helpers never overwrites your figures).")
    grid = image_grid(images, nrow=nrow)
    img = Image.fromarray(grid)
    img = img.resize((img.width * scale, img.height * scale), Image.NEAREST)
    img.save(path)
    return path


def show_images(images, nrow=None, title=None, ax=None, size=4):
    """Show a grid of images on a matplotlib axis (created if not given); returns the axis."""
    if ax is None:
        _, ax = plt.subplots(figsize=(size, size))
    ax.imshow(image_grid(images, nrow=nrow), cmap="gray", vmin=0, vmax=255)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def plot_losses(history, keys=("d_loss", "g_loss"), ax=None, title="Losses"):
    """Plot loss curves from a Keras ``History`` (or its ``.history`` dict)."""
    hist = getattr(history, "history", history)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    for k in keys:
        if k in hist:
            ax.plot(np.arange(1, len(hist[k]) + 1), hist[k], marker="o", ms=3, label=k)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_title(title)
    ax.legend()
    return ax


def save_gif(frames, path, duration_ms=200, hold_last_ms=None, loop=0):
    """Write an animated GIF of ``frames`` with Pillow. Refuses to overwrite ``path``.

    ``frames``: a sequence of image files (e.g. the PNGs of :class:`ImageGridCallback`)
    and/or arrays, uint8 (or float in [-1, 1], as :func:`to_uint8` reads them) of shape
    (H, W), (H, W, 1) or (H, W, 3); all of one size. Each frame is shown ``duration_ms``,
    the last one ``hold_last_ms`` (default: 5 × duration_ms, so the final result can be
    seen before the loop restarts). ``loop=0`` repeats forever. Returns ``path``.
    """
    if os.path.exists(path):
        raise FileExistsError(f"save_gif: {path!r} exists already; choose a new file name "
                              "or folder (gan_helpers never overwrites your figures).")
    frames = list(frames)
    if not frames:
        raise ValueError("save_gif: no frames given.")
    if duration_ms <= 0:
        raise ValueError(f"save_gif: duration_ms must be > 0, got {duration_ms}.")
    images = []
    for frame in frames:
        if isinstance(frame, (str, os.PathLike)):
            with Image.open(frame) as img:
                img = img.convert("RGB" if img.mode in ("RGB", "RGBA", "P") else "L")
        else:
            arr = np.asarray(frame)
            arr = arr[..., 0] if arr.ndim == 3 and arr.shape[-1] == 1 else arr
            if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[-1] != 3):
                raise ValueError(f"save_gif: an array frame must be (H, W), (H, W, 1) or "
                                 f"(H, W, 3), got {np.shape(frame)}.")
            img = Image.fromarray(to_uint8(arr))
        images.append(img)
    sizes = {img.size for img in images}
    if len(sizes) > 1:
        raise ValueError(f"save_gif: frames differ in size ({sorted(sizes)}); a GIF needs one "
                         "size for all frames.")
    hold = 5 * duration_ms if hold_last_ms is None else hold_last_ms
    durations = [int(duration_ms)] * (len(images) - 1) + [int(hold)]
    images[0].save(path, format="GIF", save_all=True, append_images=images[1:],
                   duration=durations, loop=loop)
    return path


def training_panel(log, title=None, axes=None, max_snapshots=4):
    """One row of four plots that tell training behaviours apart, from a
    :class:`gan_helpers.RunLog`: (1) D's and G's losses, (2) mean D(x) and D(G(z)),
    (3) the gradient norms of D and G (log scale; a vanishing G gradient is a D that wins),
    (4) the same fixed latents' samples at up to ``max_snapshots`` times, one row per time,
    oldest on top. A diverged run gets a red line at the step where a loss became NaN/Inf.
    Pass ``axes`` (four axes) to draw into a bigger figure; returns the axes."""
    if not getattr(log, "steps", None):
        raise ValueError("training_panel: the RunLog has no points yet; train with it first "
                         "(gan.fit(..., callbacks=[log])).")
    if axes is None:
        _, axes = plt.subplots(1, 4, figsize=(16, 3.2))
    if len(axes) != 4:
        raise ValueError(f"training_panel: needs 4 axes, got {len(axes)}.")
    steps, hist = np.asarray(log.steps), log.history
    groups = [(("d_loss", "g_loss"), "loss", False), (("d_real", "d_fake"), "mean D(·)", False),
              (("d_grad_norm", "g_grad_norm"), "gradient norm", True)]
    labels = {"d_real": "D(x)", "d_fake": "D(G(z))"}
    for ax, (keys, ylabel, log_y) in zip(axes[:3], groups):
        for k in keys:
            if k in hist:
                values = np.asarray(hist[k], dtype=np.float64)
                ax.plot(steps, np.where(np.isfinite(values), values, np.nan), marker="o", ms=2,
                        label=labels.get(k, k))
        if log_y and any(k in hist for k in keys):
            ax.set_yscale("log")
        if ylabel == "mean D(·)":
            ax.set_ylim(-0.02, 1.02)
        if log.diverged_at is not None:
            ax.axvline(log.diverged_at, color="red", ls="--", label="NaN/Inf")
        ax.set_xlabel("generator step")
        ax.set_ylabel(ylabel)
        ax.legend(fontsize=7)
    snaps = list(log.samples)
    if len(snaps) > max_snapshots:  # evenly spaced, always the first and the last
        keep = np.unique(np.linspace(0, len(snaps) - 1, max_snapshots).round().astype(int))
        snaps = [snaps[i] for i in keep]
    if snaps:
        n = len(snaps[0][1])
        strip = np.concatenate([image_grid(images, nrow=n) for _, images in snaps])
        axes[3].imshow(strip, cmap="gray", vmin=0, vmax=255)
        axes[3].set_yticks([(i + 0.5) * strip.shape[0] / len(snaps) for i in range(len(snaps))])
        axes[3].set_yticklabels([f"step {s}" for s, _ in snaps], fontsize=7)
        axes[3].set_xticks([])
        axes[3].set_title("samples (fixed z)", fontsize=9)
    else:
        axes[3].set_axis_off()
    if title:
        axes[0].set_title(title, loc="left", fontsize=10)
    return axes
