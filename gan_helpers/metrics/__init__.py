"""GAN metrics: FID (Heusel et al. 2017), KID (Bińkowski et al. 2018), precision and recall
(Kynkäänniemi et al. 2019), density and coverage (Naeem et al. 2020), a nearest-neighbour
memorisation test, an MNIST classifier score (Salimans et al. 2016), a predicted-digit
histogram, and mode coverage on the 2-D mixtures (VEEGAN / PacGAN).

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
from .manifold import (
    CopyDetector,
    DensityCoverage,
    Memorisation,
    PrecisionRecall,
    density_coverage,
    knn_radii,
    memorisation,
    nearest_distances,
    precision_recall,
)
from .mmd import KID, kid, mmd2_unbiased, polynomial_kernel

__all__ = [
    "frechet_distance", "feature_statistics", "fid", "fid_infinity", "image_statistics",
    "get_extractor", "mnist_features", "inception_extractor", "inception_preprocess",
    "load_classifier", "build_classifier", "classifier_info", "classifier_logits",
    "as_model_input", "classifier_score", "class_histogram", "ClassHistogram",
    "mode_coverage", "ModeCoverage", "kid", "KID", "mmd2_unbiased", "polynomial_kernel",
    "precision_recall", "PrecisionRecall", "density_coverage", "DensityCoverage", "knn_radii",
    "nearest_distances", "memorisation", "Memorisation", "CopyDetector",
]
