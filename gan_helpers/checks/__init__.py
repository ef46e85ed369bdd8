"""Exercise checkers: compare a reader's function with a reference on fixed inputs.

In the style of CS231n's GAN assignment, every checker runs the reader's function and the
reference on the same fixed inputs, and follows one convention:

* it passes: it prints one line with the largest relative error,
  ``rel_error = max|x - y| / max(1e-8, |x| + |y|)``, and returns None (so a notebook cell
  that ends with the call shows no stray number);
* it fails: it raises ``AssertionError`` whose message names the likely mistake (each
  checker knows the usual wrong answers and recognises them by their outputs);
* the exercise is not attempted yet: the reader's ``NotImplementedError`` passes through.

Checks run headless (no widgets, no plots), so they also grade in scripts and CI. Where the
library has the function an exercise asks for, it is the reference.

Layout: :mod:`.core` holds the mechanics (``rel_error``, ``check_function``, ``check_parts``,
the shape-first and finite checks, the matching of known mistakes); one module per notebook
holds its checkers, in series order: ``nb00_setup``, ``nb01_minimax``, ``nb02_dense_gan``,
``nb03_label_smoothing``, ``nb04_dcgan``, ``nb05_mode_collapse``, ``nb06_fid``,
``nb07_conditional``. Notebooks call them as ``gh.checks.check_<exercise>(fn)``.
"""
from .core import check_function, check_parts, rel_error
from .nb00_setup import check_scale_images, check_steps_per_epoch
from .nb01_minimax import (
    check_jsd,
    check_non_saturating_generator_loss,
    check_optimal_discriminator,
)
from .nb02_dense_gan import (
    check_dense_backward,
    check_dense_forward,
    check_minimax_discriminator_loss,
)
from .nb03_label_smoothing import (
    check_bce_grad,
    check_one_sided_losses,
    check_smoothed_optimal_discriminator,
)
from .nb04_dcgan import check_same_output_size, check_slerp
from .nb05_mode_collapse import check_gradient_penalty, check_mode_coverage, check_pack
from .nb06_fid import check_feature_statistics, check_fid_infinity, check_frechet_distance
from .nb07_conditional import check_join_image_label, check_join_label, check_per_class_accuracy

__all__ = [
    "rel_error", "check_function", "check_parts",
    "check_scale_images", "check_steps_per_epoch",
    "check_optimal_discriminator", "check_jsd", "check_non_saturating_generator_loss",
    "check_dense_forward", "check_dense_backward", "check_minimax_discriminator_loss",
    "check_bce_grad", "check_smoothed_optimal_discriminator", "check_one_sided_losses",
    "check_same_output_size", "check_slerp",
    "check_mode_coverage", "check_gradient_penalty", "check_pack",
    "check_frechet_distance", "check_feature_statistics", "check_fid_infinity",
    "check_join_label", "check_join_image_label", "check_per_class_accuracy",
]
