"""Tests of gan_helpers.metrics: FID against closed forms and an independent implementation,
the shipped MNIST classifier, classifier score, class histogram and mode coverage."""
import json
import shutil

import numpy as np
import pytest

import gan_helpers
from gan_helpers import metrics
from gan_helpers.metrics import classifier as clf_mod
from gan_helpers.metrics import frechet as frechet_mod

HQ_MASS_2D = 1.0 - np.exp(-4.5)  # P(|z| < 3) for a standard 2-D Gaussian


# --- helpers ------------------------------------------------------------------------------

def psd_sqrt(c):
    w, v = np.linalg.eigh(c)
    return (v * np.sqrt(np.clip(w, 0, None))) @ v.T


def fd_reference(mu1, c1, mu2, c2):
    """Independent float64 route, numpy only: Tr (C1 C2)^½ = Tr (√C1 C2 √C1)^½, and
    √C1 C2 √C1 is symmetric PSD, so its square root's trace is Σ √eigenvalues."""
    r = psd_sqrt(c1)
    m = r @ c2 @ r
    ev = np.linalg.eigvalsh((m + m.T) / 2)
    diff = mu1 - mu2
    return diff @ diff + np.trace(c1) + np.trace(c2) - 2 * np.sum(np.sqrt(np.clip(ev, 0, None)))


def random_spd(rng, d):
    a = rng.standard_normal((d, d))
    return a @ a.T / d + 0.1 * np.eye(d)


def correlated_features(rng, n, d, shift=0.0):
    mix = rng.standard_normal((d, d))
    return rng.standard_normal((n, d)) @ mix + shift


@pytest.fixture(scope="module")
def mnist():
    """The bundled 5k MNIST subset, shuffled with a fixed seed (it is ordered by digit)."""
    x, y = gan_helpers.load_mnist(source="bundled", verbose=False)
    order = np.random.default_rng(0).permutation(len(x))
    return x[order], y[order]


# --- Fréchet distance: closed forms ---------------------------------------------------------

def test_fid_of_a_set_with_itself_is_zero():
    f = correlated_features(np.random.default_rng(0), 2000, 16)
    mu, sigma = metrics.feature_statistics(f)
    assert abs(metrics.frechet_distance(mu, sigma, mu, sigma)) < 1e-8


def test_fid_is_symmetric():
    rng = np.random.default_rng(1)
    a = metrics.feature_statistics(correlated_features(rng, 1000, 8))
    b = metrics.feature_statistics(correlated_features(rng, 1000, 8, shift=0.5))
    assert metrics.frechet_distance(*a, *b) == pytest.approx(metrics.frechet_distance(*b, *a),
                                                             rel=1e-9)


def test_fid_1d_closed_form():
    # d² = (m1 - m2)² + (s1 - s2)² for N(m1, s1²) and N(m2, s2²)
    got = metrics.frechet_distance([1.0], [[4.0]], [-0.5], [[0.25]])
    assert got == pytest.approx(1.5 ** 2 + (2.0 - 0.5) ** 2, rel=1e-12)


def test_fid_diagonal_closed_form():
    rng = np.random.default_rng(2)
    m1, m2 = rng.standard_normal(6), rng.standard_normal(6)
    s1, s2 = rng.uniform(0.1, 3, 6), rng.uniform(0.1, 3, 6)
    want = np.sum((m1 - m2) ** 2) + np.sum((s1 - s2) ** 2)
    got = metrics.frechet_distance(m1, np.diag(s1 ** 2), m2, np.diag(s2 ** 2))
    assert got == pytest.approx(want, rel=1e-10)


def test_fid_commuting_rotated_covariances():
    # C_i = R diag(a_i) Rᵀ share eigenvectors: Tr term = Σ (√a1 − √a2)².
    rng = np.random.default_rng(3)
    q, _ = np.linalg.qr(rng.standard_normal((5, 5)))
    a1, a2 = rng.uniform(0.2, 4, 5), rng.uniform(0.2, 4, 5)
    got = metrics.frechet_distance(np.zeros(5), q @ np.diag(a1) @ q.T,
                                   np.zeros(5), q @ np.diag(a2) @ q.T)
    assert got == pytest.approx(np.sum((np.sqrt(a1) - np.sqrt(a2)) ** 2), rel=1e-8)


def test_fid_full_covariances_non_symmetric_product():
    rng = np.random.default_rng(4)
    d = 12
    c1, c2 = random_spd(rng, d), random_spd(rng, d)
    assert not np.allclose(c1 @ c2, (c1 @ c2).T)  # the case sqrtm of a non-symmetric matrix
    mu1, mu2 = rng.standard_normal(d), rng.standard_normal(d)
    assert metrics.frechet_distance(mu1, c1, mu2, c2) == pytest.approx(
        fd_reference(mu1, c1, mu2, c2), rel=1e-9)


def test_fid_matches_independent_implementation_on_random_features():
    rng = np.random.default_rng(5)
    for shift in (0.0, 0.1, 2.0):
        a = correlated_features(rng, 3000, 32)
        b = correlated_features(rng, 3000, 32, shift=shift)
        sa, sb = metrics.feature_statistics(a), metrics.feature_statistics(b)
        assert np.allclose(sa[1], np.cov(a.T))  # unbiased covariance, rowvar=False
        assert sa[0].dtype == np.float64 and sa[1].dtype == np.float64
        assert metrics.frechet_distance(*sa, *sb) == pytest.approx(fd_reference(*sa, *sb),
                                                                   rel=1e-6)


def test_fid_decreases_as_fake_moves_toward_real():
    rng = np.random.default_rng(6)
    real_a, real_b = correlated_features(rng, 2000, 8), correlated_features(rng, 2000, 8)
    shift = rng.standard_normal(8)
    real = metrics.feature_statistics(real_a)
    fids = [metrics.frechet_distance(*real, *metrics.feature_statistics(real_b + t * shift))
            for t in (4.0, 2.0, 1.0, 0.5, 0.25, 0.0)]
    assert all(x > y for x, y in zip(fids, fids[1:])), fids


def test_fid_eps_retry_when_sqrtm_not_finite(monkeypatch):
    calls = []

    def fake_sqrtm(a):
        calls.append(a)
        return np.full_like(a, np.nan) if len(calls) == 1 else frechet_mod.linalg.sqrtm(a)

    monkeypatch.setattr(frechet_mod, "_sqrtm", fake_sqrtm)
    c = np.diag([1.0, 2.0])
    with pytest.warns(UserWarning, match="not finite"):
        got = metrics.frechet_distance(np.zeros(2), c, np.zeros(2), c, eps=1e-6)
    c_eps = c + 1e-6 * np.eye(2)
    assert len(calls) == 2 and np.allclose(calls[1], c_eps @ c_eps)
    assert abs(got) < 1e-5


def test_fid_large_imaginary_part_raises(monkeypatch):
    monkeypatch.setattr(frechet_mod, "_sqrtm", lambda a: np.eye(len(a)) * (1 + 0.1j))
    with pytest.raises(ValueError, match="imaginary"):
        metrics.frechet_distance(np.zeros(2), np.eye(2), np.zeros(2), np.eye(2))
    monkeypatch.setattr(frechet_mod, "_sqrtm", lambda a: np.eye(len(a)) * (1 + 1e-6j))
    assert metrics.frechet_distance(np.zeros(2), np.eye(2), np.zeros(2), np.eye(2)) == \
        pytest.approx(0.0, abs=1e-12)


# --- bad inputs -------------------------------------------------------------------------------

def test_bad_feature_inputs():
    rng = np.random.default_rng(7)
    a = metrics.feature_statistics(rng.standard_normal((100, 3)))
    b = metrics.feature_statistics(rng.standard_normal((100, 4)))
    with pytest.raises(ValueError, match="dimensions differ"):
        metrics.frechet_distance(*a, *b)
    with pytest.raises(ValueError, match="at least 2 samples"):
        metrics.feature_statistics(np.ones((1, 5)))
    bad = rng.standard_normal((50, 3))
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        metrics.feature_statistics(bad)
    with pytest.raises(ValueError, match="2-D"):
        metrics.feature_statistics(np.ones((10, 2, 2)))
    with pytest.raises(ValueError, match=r"\(d, d\)"):
        metrics.frechet_distance(np.zeros(3), np.eye(2), np.zeros(3), np.eye(3))


def test_too_few_samples_warns_singular_covariance():
    with pytest.warns(UserWarning, match="singular"):
        metrics.feature_statistics(np.random.default_rng(8).standard_normal((10, 20)))


def test_bad_image_inputs(mnist):
    x = mnist[0][:100]
    with pytest.raises(ValueError, match="shape"):
        metrics.fid(x.reshape(100, 784), x)
    with pytest.raises(ValueError, match=r"127\.5"):  # [0, 255] stored as float
        metrics.fid(x.astype(np.float32), x)
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        metrics.fid(x, np.full((100, 28, 28), -3.0, np.float32))
    with pytest.raises(ValueError, match="a mask is not an image"):  # the rule: gh.images
        metrics.fid(x > 127, x)
    with pytest.raises(ValueError, match="NaN"):
        metrics.fid(x, np.full((100, 28, 28, 1), np.nan, np.float32))
    with pytest.raises(ValueError, match="unknown extractor"):
        metrics.fid(x, x, extractor="vgg")


# --- FID on images --------------------------------------------------------------------------

def test_fid_with_shipped_extractor_real_vs_real_and_noise(mnist):
    x = mnist[0]
    a, b = x[:2500], x[2500:]
    noise = np.random.default_rng(9).uniform(-1, 1, (2500, 28, 28, 1)).astype(np.float32)
    real_real = metrics.fid(a, b)
    stats_a = metrics.image_statistics(a)
    real_noise = metrics.fid(stats_a, noise)  # precomputed real statistics
    print(f"\nMNIST-classifier FID, N=2500: real/real {real_real:.3f}, real/noise {real_noise:.1f}")
    assert 0 < real_real < 5
    assert real_noise >= 50 * real_real
    # uint8 and the same images in [-1, 1] are the same input
    as_float = metrics.fid(gan_helpers.to_unit_range(a), b[..., None])
    assert real_real == pytest.approx(as_float, rel=1e-6)


def test_fid_with_a_callable_extractor(mnist):
    x = mnist[0][:1000]

    def pooled(batch):  # 4x4 mean pooling: 49 features
        n = len(batch)
        return np.asarray(batch).reshape(n, 7, 4, 7, 4).mean(axis=(2, 4)).reshape(n, -1)

    noise = np.random.default_rng(10).uniform(-1, 1, (500, 28, 28)).astype(np.float32)
    assert metrics.fid(x[:500], x[500:], extractor=pooled) < metrics.fid(x[:500], noise,
                                                                          extractor=pooled)


def test_inception_preprocessing_and_features_with_random_weights():
    rng = np.random.default_rng(11)
    x = rng.uniform(-1, 1, (2, 28, 28, 1)).astype(np.float32)
    x[0, 0, 0, 0], x[1, 5, 5, 0] = -1.0, 1.0
    pre = np.asarray(metrics.inception_preprocess(x))
    assert pre.shape == (2, 299, 299, 3)
    assert pre.min() >= -1.0 and pre.max() <= 1.0 and pre.min() < -0.5 and pre.max() > 0.5
    assert np.array_equal(pre[..., 0], pre[..., 2])  # grey repeated into RGB
    flat = np.asarray(metrics.inception_preprocess(np.full((1, 28, 28, 1), 0.25, np.float32)))
    assert np.allclose(flat, 0.25)  # no second rescaling of [-1, 1] pixels
    feats = metrics.inception_extractor(weights=None)(x)
    assert feats.shape == (2, 2048) and np.all(np.isfinite(feats))


def test_inception_without_weights_says_use_mnist(monkeypatch):
    import keras

    def offline(**kwargs):
        raise OSError("URL fetch failure: no network")

    monkeypatch.setattr(frechet_mod, "_INCEPTION", {})
    monkeypatch.setattr(keras.applications, "InceptionV3", offline)
    with pytest.raises(RuntimeError, match="extractor='mnist'"):
        metrics.get_extractor("inception")


# --- the shipped classifier -------------------------------------------------------------------

def test_shipped_weights_reach_recorded_heldout_accuracy():
    info = metrics.classifier_info()
    assert {"heldout_accuracy", "seed", "source", "sha256"} <= set(info)
    try:
        x_ho, y_ho = gan_helpers.load_mnist(source=info["source"], split="reference",
                                            verbose=False)
    except RuntimeError:
        pytest.skip(f"the weights were trained on source {info['source']!r}, unavailable here")
    assert len(x_ho) == info["n_heldout"]
    acc = np.mean(np.argmax(metrics.classifier_logits(x_ho), axis=1) == y_ho)
    print(f"\nheld-out accuracy {acc:.4f} (recorded {info['heldout_accuracy']:.4f})")
    assert acc >= info["heldout_accuracy"] - 1.0 / info["n_heldout"] - 1e-9
    assert acc >= 0.97
    assert metrics.load_classifier() is metrics.load_classifier()  # cached per process


def test_features_are_the_penultimate_layer(mnist):
    feats = metrics.mnist_features(mnist[0][:20], batch_size=7)  # batching must not matter
    assert feats.shape == (20, 128) and feats.min() >= 0  # ReLU layer
    assert np.allclose(feats, metrics.mnist_features(mnist[0][:20]), atol=1e-5)


def test_missing_or_corrupt_weights_say_how_to_retrain(tmp_path):
    with pytest.raises(FileNotFoundError, match="train_classifier"):
        metrics.load_classifier(str(tmp_path / "nope.weights.h5"))
    bad = tmp_path / "bad.weights.h5"
    bad.write_bytes(b"not an HDF5 file" * 100)
    with pytest.raises(RuntimeError, match="train_classifier"):
        metrics.load_classifier(str(bad))
    copy = tmp_path / "copy.weights.h5"
    shutil.copy(clf_mod.DEFAULT_WEIGHTS, copy)
    (tmp_path / "copy.json").write_text(json.dumps({"sha256": "0" * 64}))
    with pytest.raises(RuntimeError, match="checksum"):
        metrics.load_classifier(str(copy))


def test_classifier_score_real_vs_noise(mnist):
    real_mean, real_std = metrics.classifier_score(mnist[0])
    noise = np.random.default_rng(13).uniform(-1, 1, (5000, 28, 28)).astype(np.float32)
    noise_mean, _ = metrics.classifier_score(noise)
    print(f"\nclassifier score: real {real_mean:.3f} ± {real_std:.3f}, noise {noise_mean:.3f}")
    assert 9.0 < real_mean <= 10.0 and real_std < 0.3
    assert noise_mean < real_mean - 3
    with pytest.raises(ValueError, match="splits"):
        metrics.classifier_score(mnist[0][:5], splits=10)


def test_class_histogram(mnist):
    x, y = mnist
    h = metrics.class_histogram(x)
    assert h.counts.shape == (10,) and h.counts.sum() == len(x)
    assert h.digits_present == 10 and h.kl_uniform < 0.01
    ones = metrics.class_histogram(x[y == 1])  # a perfectly collapsed "generator"
    assert ones.digits_present == 1 and ones.kl_uniform == pytest.approx(np.log(10), rel=0.02)


# --- mode coverage --------------------------------------------------------------------------

@pytest.mark.parametrize("make, std, k", [(gan_helpers.ring_of_gaussians, 0.01, 8),
                                          (gan_helpers.grid_of_gaussians, 0.05, 25)])
def test_mode_coverage_exact_samples(make, std, k):
    samples, centres = make(2500, std=std, seed=0)
    cov = metrics.mode_coverage(samples, centres, std)
    assert cov.modes == k and len(cov.counts) == k and cov.counts.sum() <= 2500
    assert abs(cov.hq_fraction - HQ_MASS_2D) < 0.01  # binomial sd ≈ 0.002 at N=2500
    # With 100k samples (sd ≈ 0.0003) a threshold of 2.9 std instead of 3 would show.
    many, _ = make(100_000, std=std, seed=1)
    assert abs(metrics.mode_coverage(many, centres, std).hq_fraction - HQ_MASS_2D) < 0.0015


def test_mode_coverage_single_mode_and_off_modes():
    std = 0.05
    centres = gan_helpers.grid_centres()
    rng = np.random.default_rng(14)
    one = centres[7] + std * rng.standard_normal((2500, 2))
    cov = metrics.mode_coverage(one, centres, std)
    assert cov.modes == 1 and cov.counts[7] == cov.counts.sum()
    angle = rng.uniform(0, 2 * np.pi, 2500)
    unit = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    off = centres[rng.integers(0, 25, 2500)] + 10 * std * unit
    cov = metrics.mode_coverage(off, centres, std)
    assert cov.modes == 0 and cov.hq_fraction == 0.0
    far = rng.uniform(20, 30, (2500, 2))
    assert metrics.mode_coverage(far, centres, std).modes == 0
    with pytest.raises(ValueError, match="same"):
        metrics.mode_coverage(one, np.zeros((3, 3)), std)
