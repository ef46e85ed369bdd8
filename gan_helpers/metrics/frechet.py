"""Fréchet Inception Distance (FID), computed in float64 like the reference code.

Heusel et al. 2017, "GANs Trained by a Two Time-Scale Update Rule Converge to a Local Nash
Equilibrium" (NeurIPS): fit a Gaussian to the feature activations of real and generated
images and report the Fréchet (2-Wasserstein) distance between the two Gaussians,

    d² = ‖μ₁ − μ₂‖² + Tr(C₁ + C₂ − 2 (C₁C₂)^½).

The computation follows the reference implementations (TTUR, pytorch-fid): float64
throughout, ``scipy.linalg.sqrtm`` for (C₁C₂)^½, an ε·I retry when that is not finite, and
the real part of a result whose imaginary part is numerical noise.

FID computed from N samples is biased upwards. With the unbiased covariance the trace terms
are unbiased, but the mean term is not: E‖μ̂₁ − μ̂₂‖² = ‖μ₁ − μ₂‖² + Tr Σ₁/N₁ + Tr Σ₂/N₂
(independent samples). And Tr(C₁C₂)^½ is jointly concave in (C₁, C₂), so by Jensen's
inequality E Tr(Ĉ₁Ĉ₂)^½ ≤ Tr(Σ₁Σ₂)^½: the −2 Tr(·)^½ term is on average at least its true
value. The total bias is about k/N with k depending on the distributions (the model), so
compare FIDs only at equal N (and the same feature extractor), or extrapolate to N → ∞ with
:func:`fid_infinity` (Chong & Forsyth 2020); the original uses ≥ 10,000 samples.

The default features are the 128-d penultimate layer ("features") of the workbook's own small
MNIST classifier, whose weights ship with the package. TF-GAN's MNIST Fréchet distance reads a
different layer of a different network: the 10 logits of TF-GAN's pretrained MNIST
classifier. Either way the numbers are on their own scale, comparable neither with each other
nor with Inception FIDs in papers.

``python -m gan_helpers.metrics`` prints reference values on real MNIST.
"""
import socket
import warnings

import keras
import numpy as np
import tensorflow as tf
from scipy import linalg

from .classifier import _batched, as_model_input, mnist_features


def _check_features(features, name):
    f = np.asarray(features, dtype=np.float64)
    if f.ndim != 2:
        raise ValueError(f"{name}: features must be a 2-D array (N samples, d features), got "
                         f"shape {np.shape(features)}; flatten with f.reshape(len(f), -1).")
    if len(f) < 2:
        raise ValueError(f"{name}: need at least 2 samples to estimate a covariance, got "
                         f"N = {len(f)}; use thousands of samples for a meaningful FID.")
    if not np.all(np.isfinite(f)):
        raise ValueError(f"{name}: features contain NaN or infinite values; check the images "
                         "(a diverged generator?) and the feature extractor.")
    return f


def feature_statistics(features, name="features"):
    """Mean and unbiased covariance of features (N, d), both float64: ``(mu (d,), sigma (d, d))``.

    Warns (UserWarning) when N ≤ d: the covariance is then singular, and the FID built on
    it unreliable. TTUR recommends N ≥ 10,000 for Inception's 2048-d features.
    """
    f = _check_features(features, name)
    n, d = f.shape
    if n <= d:
        warnings.warn(f"{name}: N = {n} samples for d = {d} features: the covariance is singular "
                      "(rank < d) and the FID unreliable. Use more samples than features.",
                      UserWarning, stacklevel=2)
    return f.mean(axis=0), np.cov(f, rowvar=False)


def _check_stats(mu, sigma, name):
    mu = np.atleast_1d(np.asarray(mu, dtype=np.float64))
    sigma = np.atleast_2d(np.asarray(sigma, dtype=np.float64))
    if mu.ndim != 1 or sigma.shape != (len(mu), len(mu)):
        raise ValueError(f"{name}: expected a mean of shape (d,) and a covariance of shape (d, d), "
                         f"got {mu.shape} and {sigma.shape}.")
    if not (np.all(np.isfinite(mu)) and np.all(np.isfinite(sigma))):
        raise ValueError(f"{name}: mean or covariance contains NaN or infinite values.")
    return mu, sigma


def _sqrtm(a):
    # scipy warns (LinAlgWarning) for a singular C₁C₂; the caller handles the consequence.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", linalg.LinAlgWarning)
        return linalg.sqrtm(a)


def frechet_distance(mu1, sigma1, mu2, sigma2, eps=1e-6):
    """Squared Fréchet distance between N(mu1, sigma1) and N(mu2, sigma2), float64.

    d² = ‖μ₁ − μ₂‖² + Tr(C₁ + C₂ − 2 (C₁C₂)^½)   (Heusel et al. 2017; this d² is what
    papers call "FID"). As in the reference code (TTUR / pytorch-fid): C₁C₂ is not
    symmetric in general, so its square root comes from ``scipy.linalg.sqrtm``; if that is
    not finite (C₁C₂ singular), ``eps``·I is added to both covariances and it is retried
    (with a warning); a complex result whose diagonal has an imaginary part beyond 1e-3 is
    an error, otherwise the imaginary part is rounding noise and dropped.
    """
    mu1, sigma1 = _check_stats(mu1, sigma1, "first distribution")
    mu2, sigma2 = _check_stats(mu2, sigma2, "second distribution")
    if mu1.shape != mu2.shape:
        raise ValueError(f"feature dimensions differ: {len(mu1)} vs {len(mu2)}; both sets must "
                         "come from the same feature extractor.")
    diff = mu1 - mu2
    covmean = _sqrtm(sigma1 @ sigma2)
    if not np.all(np.isfinite(covmean)):
        warnings.warn(f"frechet_distance: sqrtm(C1 C2) is not finite (singular product: too few "
                      f"samples?); adding {eps:g}·I to both covariances.", UserWarning,
                      stacklevel=2)
        offset = np.eye(len(mu1)) * eps
        covmean = _sqrtm((sigma1 + offset) @ (sigma2 + offset))
    if np.iscomplexobj(covmean):
        if not np.allclose(np.diagonal(covmean).imag, 0, atol=1e-3):
            worst = np.max(np.abs(np.diagonal(covmean).imag))
            raise ValueError(f"frechet_distance: sqrtm(C1 C2) has an imaginary component of "
                             f"{worst:.3g} on its diagonal: the covariances are badly conditioned. "
                             "Use more samples (N well above the feature dimension).")
        covmean = covmean.real
    return float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * np.trace(covmean))


# --- feature extractors -----------------------------------------------------------------

_INCEPTION = {}


def inception_preprocess(images):
    """float32 (N, 28, 28, 1) in [-1, 1] -> (N, 299, 299, 3) in [-1, 1] for InceptionV3.

    Grey to RGB by repeating the channel, bilinear resize to 299×299 (``tf.image.resize``;
    resizing choices move FID noticeably, so keep this fixed when comparing, cf. clean-fid).
    ``keras.applications.inception_v3.preprocess_input`` maps [0, 255] to [-1, 1]
    (x / 127.5 − 1); our pixels are already in [-1, 1], so applying it would be wrong.
    """
    x = tf.convert_to_tensor(images, tf.float32)
    x = tf.image.resize(x, (299, 299), method="bilinear")
    # Bilinear interpolation is a convex combination, so [-1, 1] holds up to rounding.
    return tf.clip_by_value(tf.image.grayscale_to_rgb(x), -1.0, 1.0)


def inception_extractor(weights="imagenet", batch_size=32):
    """A feature extractor: Inception-v3 pool_3 (2048-d average-pooled) activations.

    Downloads the ImageNet weights on first use (about 90 MB, cached in ~/.keras/models).
    Raises RuntimeError when they cannot be fetched; ``extractor="mnist"`` works offline.
    ``weights=None`` (random weights) is for tests of the plumbing only. Note that Keras'
    InceptionV3 is not bit-identical to the TF1 graph used by TTUR, so absolute values differ
    slightly from published ones.
    """
    if weights not in _INCEPTION:
        old = socket.getdefaulttimeout()
        socket.setdefaulttimeout(60)  # a blocked network must fail, not hang
        try:
            _INCEPTION[weights] = keras.applications.InceptionV3(
                include_top=False, pooling="avg", weights=weights, input_shape=(299, 299, 3))
        except Exception as err:
            raise RuntimeError(
                f"could not download the InceptionV3 ImageNet weights ({type(err).__name__}: "
                f"{err}). FID with extractor='inception' needs them once (internet access); "
                "extractor='mnist' (the default, the workbook's MNIST classifier) works offline."
            ) from err
        finally:
            socket.setdefaulttimeout(old)
    net = _INCEPTION[weights]
    # 299×299×3 float32 is 1 MB per image: small internal batches keep memory bounded.
    return lambda x: _batched(lambda b: net(inception_preprocess(b), training=False), x,
                              batch_size)


def get_extractor(extractor):
    """'mnist' -> the MNIST classifier's features; 'inception' -> Inception-v3 pool_3;
    a callable (float32 (N, 28, 28, 1) in [-1, 1] -> (N, d)) is used as is."""
    if callable(extractor):
        return extractor
    if extractor == "mnist":
        return mnist_features
    if extractor == "inception":
        return inception_extractor()
    raise ValueError(f"unknown extractor {extractor!r}; use 'mnist', 'inception', or a function "
                     "mapping float32 images (N, 28, 28, 1) in [-1, 1] to features (N, d).")


def image_statistics(images, extractor="mnist", batch_size=500):
    """``(mu, sigma)`` of the extractor's features of ``images`` (see :func:`fid`). Cache the
    result for the real images and pass it to :func:`fid` in place of them."""
    fn = get_extractor(extractor)
    x = as_model_input(images)
    feats = _batched(fn, x, batch_size)
    if feats.ndim != 2 or len(feats) != len(x):
        raise ValueError(f"the feature extractor returned shape {feats.shape} for {len(x)} images; "
                         "it must return (N, d).")
    return feature_statistics(feats, "image features")


def fid(real_images, fake_images, extractor="mnist", batch_size=500):
    """Fréchet distance between the features of real and generated images (Heusel et al. 2017).

    Images: uint8 in [0, 255] or float in [-1, 1] (told apart by dtype), shape (N, 28, 28) or
    (N, 28, 28, 1); anything else is a ValueError saying how to fix it. Either argument may
    instead be precomputed statistics ``(mu, sigma)`` from :func:`image_statistics`.

    ``extractor``: "mnist" (default; the shipped MNIST classifier's 128-d penultimate layer,
    offline), "inception" (Inception-v3 pool_3, 2048-d, needs the ImageNet weights), or a
    callable. Returns d² as a float: lower is better, 0 for identical statistics.

    FID is biased upwards at small N, by an amount that depends on the model: compare
    FIDs only at the same N, and use N well above the feature dimension (a warning says
    when it is not).
    """
    inputs = []
    for images, name in ((real_images, "real_images"), (fake_images, "fake_images")):
        is_stats = isinstance(images, tuple) and len(images) == 2
        # Validate both sets before extracting any features: fail fast, and only once.
        inputs.append((True, images) if is_stats else (False, as_model_input(images, name)))
    fn = get_extractor(extractor)
    stats = [x if is_stats else image_statistics(x, fn, batch_size) for is_stats, x in inputs]
    return frechet_distance(*stats[0], *stats[1])


# --- the bias in N ----------------------------------------------------------------------

def fid_infinity(ns, fids):
    """FID∞ (Chong & Forsyth 2020): fit ``FID_N = FID∞ + k / N`` by least squares.

    FID's bias is, to first order, proportional to 1/N (its mean term's bias is exactly
    (Tr Σ₁ + Tr Σ₂)/N at N₁ = N₂ = N), so the FIDs of one model measured
    at several sample sizes ``ns`` lie near a line in 1/N; its intercept at 1/N = 0
    estimates the FID of infinitely many samples, and its slope ``k`` says how strongly
    this model's FID depends on N. Returns ``(fid_inf, k)`` as floats. Use N spanning a
    wide range (a factor of 4 or more) and, where affordable, several draws per N.
    """
    n = np.asarray(ns, dtype=np.float64).ravel()
    f = np.asarray(fids, dtype=np.float64).ravel()
    if n.shape != f.shape:
        raise ValueError(f"fid_infinity: {n.size} sample sizes but {f.size} FIDs; pass one FID "
                         "per sample size.")
    if not (np.all(np.isfinite(n)) and np.all(n > 0) and np.all(np.isfinite(f))):
        raise ValueError("fid_infinity: sample sizes must be positive and FIDs finite.")
    if np.unique(n).size < 2:
        raise ValueError("fid_infinity: need FIDs at two or more different sample sizes N to "
                         "fit a line in 1/N.")
    design = np.stack([np.ones_like(n), 1.0 / n], axis=1)
    (fid_inf, k), *_ = np.linalg.lstsq(design, f, rcond=None)
    return float(fid_inf), float(k)
