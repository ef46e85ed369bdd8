"""GAN metrics: FID (Heusel et al. 2017), an MNIST classifier score (Salimans et al. 2016),
a predicted-digit histogram, and mode coverage on the 2-D mixtures (VEEGAN / PacGAN).

All work offline: the default feature extractor is a small MNIST classifier whose weights
ship with the package (retrained, in a checkout, with ``python tools/train_classifier.py``).
Images are uint8 in [0, 255] or float in [-1, 1], shaped (N, 28, 28) or (N, 28, 28, 1).
"""
from .classifier import (
    ClassHistogram,
    as_model_input,
    build_classifier,
    class_histogram,
    classifier_info,
    classifier_logits,
    classifier_score,
    load_classifier,
    mnist_features,
)
from .coverage import ModeCoverage, mode_coverage
from .frechet import (
    feature_statistics,
    fid,
    fid_infinity,
    frechet_distance,
    get_extractor,
    image_statistics,
    inception_extractor,
    inception_preprocess,
)

__all__ = [
    "frechet_distance", "feature_statistics", "fid", "fid_infinity", "image_statistics",
    "get_extractor", "mnist_features", "inception_extractor", "inception_preprocess",
    "load_classifier", "build_classifier", "classifier_info", "classifier_logits",
    "as_model_input", "classifier_score", "class_histogram", "ClassHistogram",
    "mode_coverage", "ModeCoverage",
]
