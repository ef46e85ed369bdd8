"""Images: the one rule by which every entry point reads a batch of images or samples.

``to_unit_range`` is used by the data pipeline (:func:`gan_helpers.mnist_dataset`), by
training (:meth:`gan_helpers.GAN.fit` on NumPy images) and by the metrics (FID, the
classifier score, the class histogram), so an array accepted by one is accepted by all,
and means the same thing everywhere. The rule:

* **shape**: a batch ``(N, H, W)`` or ``(N, H, W, C)`` with ``N >= 1``; ``(N, H, W)`` gets a
  channel axis. A channels-first batch ``(N, C, H, W)`` is refused with a hint.
* **dtype decides the scale, never the values**: integer pixels of any integer dtype
  (uint8, int32, int64, ...) must lie in [0, 255] and map to [-1, 1] by
  ``(x - 127.5) / 127.5``; float pixels of any float dtype must already lie in [-1, 1]
  (the generator's tanh range). A float array holding [0, 255] values is an error, not
  silently rescaled.
* **refused**: booleans (a mask is not an image), complex numbers, text and objects, and
  NaN or infinite values (a diverged generator's output, or a broken file).

The result is always float32 ``(N, H, W, C)`` in [-1, 1]. ``as_samples`` applies the
dtype and finiteness part of the rule to non-image samples (the 2-D toy points).
"""
import numpy as np

# Float pixels may overshoot [-1, 1] by this much (rounding after a resize or a cast to
# float16); they are clipped back. Anything further out is a scaling mistake.
TOLERANCE = 1e-3
PIXEL_HINT = "uint8 in [0, 255] or floats in [-1, 1]"


def _numbers(x, name):
    """The dtype and finiteness part of the rule, shared by images and samples."""
    if x.dtype == np.bool_:
        raise ValueError(f"{name}: got a boolean array; a mask is not an image. Pass "
                         f"{PIXEL_HINT}, e.g. mask.astype(np.uint8) * 255.")
    if not (np.issubdtype(x.dtype, np.integer) or np.issubdtype(x.dtype, np.floating)):
        raise ValueError(f"{name}: values must be real numbers ({PIXEL_HINT}), "
                         f"got dtype {x.dtype}.")
    if x.size == 0:
        raise ValueError(f"{name}: got an empty batch (N = 0).")
    if np.issubdtype(x.dtype, np.floating) and not np.all(np.isfinite(x)):
        bad = int(np.size(x) - np.count_nonzero(np.isfinite(x)))
        raise ValueError(f"{name}: {bad} values are NaN or infinite (a diverged generator, or "
                         "a broken file?); only finite values can be scored or trained on.")


def _batch_shape(x, name, shape):
    if x.ndim == 3:
        x = x[..., None]
    want = None if shape is None else tuple(shape)
    if x.ndim != 4:
        where = "" if want is None else f" {_describe(want)}"
        hint = (" Reshape flat images with x.reshape(-1, {}).".format(", ".join(map(str, want)))
                if want is not None and x.ndim == 2 else
                " A single image needs a batch axis: x[None].")
        raise ValueError(f"{name}: expected a batch of images{where} of shape (N, H, W) or "
                         f"(N, H, W, C), got {np.shape(x)}.{hint}")
    if want is not None and x.shape[1:] != want:
        hint = (" This looks channels-first: move the channel axis last with "
                "np.moveaxis(x, 1, -1)." if x.shape[2:] + x.shape[1:2] == want else "")
        raise ValueError(f"{name}: expected {_describe(want)}, got {x.shape[1:]} per image."
                         f"{hint}")
    if want is None and x.shape[1] in (1, 3) and x.shape[-1] not in (1, 3):
        raise ValueError(f"{name}: shape {x.shape} looks channels-first (N, C, H, W); move the "
                         "channel axis last with np.moveaxis(x, 1, -1).")
    return x


def _describe(want):
    h, w, c = want
    batch = f"(N, {h}, {w})" + (f" or (N, {h}, {w}, 1)" if c == 1 else "")
    return f"images of shape {batch}" if c == 1 else f"images of shape (N, {h}, {w}, {c})"


def to_unit_range(images, name="images", shape=None):
    """Images -> float32 ``(N, H, W, C)`` in [-1, 1], by the module's rule (see above).

    Args:
        images: array-like, ``(N, H, W)`` or ``(N, H, W, C)``; integer pixels in [0, 255]
            or float pixels in [-1, 1].
        name: what the caller calls the array, for the error messages.
        shape: the expected ``(H, W, C)`` per image, or None for any.

    Returns:
        float32 ``(N, H, W, C)`` in [-1, 1].

    Raises:
        ValueError: saying what is wrong and what to do, for any array the rule refuses.
    """
    x = np.asarray(images)
    _numbers(x, name)
    x = _batch_shape(x, name, shape)
    if np.issubdtype(x.dtype, np.integer):
        lo, hi = int(x.min()), int(x.max())
        if lo < 0 or hi > 255:
            raise ValueError(f"{name}: integer pixels must lie in [0, 255], these span "
                             f"[{lo}, {hi}].")
        return (x.astype(np.float32) - 127.5) / np.float32(127.5)
    lo, hi = float(x.min()), float(x.max())
    if lo < -1 - TOLERANCE or hi > 1 + TOLERANCE:
        if lo >= 0 and hi <= 255:
            hint = ("these look like [0, 255] pixels stored as floats: pass them as uint8 or "
                    "scale with (x - 127.5) / 127.5")
        else:
            hint = "float images must lie in [-1, 1] (the tanh range); rescale them"
        raise ValueError(f"{name}: float pixel values span [{lo:.4g}, {hi:.4g}]; {hint}.")
    return np.clip(x, -1.0, 1.0).astype(np.float32)


def as_samples(samples, name="samples", shape=None):
    """Non-image samples (e.g. 2-D points) -> float32, checked by the dtype and finiteness
    part of the rule: no booleans, no text, no NaN or infinite values; any range.

    Raises:
        ValueError: for a refused dtype, non-finite values, or a per-sample shape other
            than ``shape`` (when given).
    """
    x = np.asarray(samples)
    _numbers(x, name)
    if shape is not None and tuple(x.shape[1:]) != tuple(shape):
        raise ValueError(f"{name}: samples have shape {x.shape[1:]} each, expected "
                         f"{tuple(shape)}.")
    return x.astype(np.float32)


def shifted(images, radius=1):
    """Every copy of ``images`` (N, H, W[, C]) moved by (dy, dx) with |dy|, |dx| <= ``radius``
    pixels, wrapping around the border (``np.roll``): (2·radius + 1)² · N images, shift by
    shift, the unshifted copy among them. For a nearest-neighbour search that forgives small
    shifts (notebook 09's memorisation test): compare a sample with every shifted training
    image, and a copy moved by a pixel or two is found again."""
    images = np.asarray(images)
    if images.ndim not in (3, 4):
        raise ValueError(f"shifted: expected images (N, H, W) or (N, H, W, C), got shape "
                         f"{images.shape}.")
    if int(radius) < 0:
        raise ValueError(f"shifted: radius must be >= 0, got {radius}.")
    r = int(radius)
    return np.concatenate([np.roll(images, (dy, dx), axis=(1, 2))
                           for dy in range(-r, r + 1) for dx in range(-r, r + 1)])
