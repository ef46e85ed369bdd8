"""Checkers for notebooks/00_setup.ipynb.

Exercise 1, ``scale_images``: uint8 pixels in [0, 255] -> float32 in [-1, 1] with a channel
axis. Exercise 2, ``steps_per_epoch``: the number of full batches in an epoch.
"""
import numpy as np

from .. import images
from .core import call_reader, check_function, exercise

# --- exercise 1: scale_images -----------------------------------------------------------------

@exercise()
def check_scale_images(scale_images):
    """00, exercise 1: uint8 (N, 28, 28) -> float32 (N, 28, 28, 1) in [-1, 1]."""
    x = np.random.default_rng(0).integers(0, 256, size=(3, 28, 28)).astype(np.uint8)
    x[0, 0, 0], x[0, 0, 1] = 0, 255
    hint = ("map 0 -> -1 and 255 -> +1 with (x - 127.5) / 127.5, and add a channel axis "
            "with x[..., None] so the shape is (N, 28, 28, 1).")
    dtype = np.asarray(call_reader("scale_images", scale_images, (x,), hint)).dtype
    if dtype != np.float32:
        raise AssertionError(f"scale_images: return float32 (got {dtype}); "
                             "Keras layers compute in float32.")
    # tol 1e-4: x / 127.5 - 1 is right too, but in float32 it loses ~1e-5 (relative) to
    # cancellation next to 0 (x = 127, 128); the known mistakes are off by > 1e-3.
    check_function(
        "scale_images", scale_images, images.to_unit_range, [(x,)], tol=1e-4,
        wrong_answers=[
            (lambda a: (a.astype(np.float32) / 255.0)[..., None],
             "x / 255 gives [0, 1], but tanh generators produce [-1, 1]: use (x - 127.5) / 127.5."),
            (lambda a: (a.astype(np.float32) / 127.5)[..., None],
             "x / 127.5 gives [0, 2]; subtract 127.5 first."),
        ],
        hint=hint)


# --- exercise 2: steps_per_epoch --------------------------------------------------------------

def _reference_steps_per_epoch(n_images, batch_size):
    return n_images // batch_size


@exercise(reference=_reference_steps_per_epoch)
def check_steps_per_epoch(steps_per_epoch):
    """00, exercise 2: full batches per epoch when the last short batch is dropped."""
    cases = [(5000, 256), (60000, 256), (100, 32), (64, 64), (10, 32)]
    check_function(
        "steps_per_epoch", lambda n, b: np.asarray(steps_per_epoch(n, b)),
        lambda n, b: np.asarray(_reference_steps_per_epoch(n, b)), cases, tol=0,
        wrong_answers=[(lambda n, b: np.asarray(-(-n // b)),
                        "that counts the short last batch too; drop_remainder=True drops it.")],
        hint="use integer division: the remainder (n mod batch_size) is dropped.")
