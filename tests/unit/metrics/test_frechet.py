"""gan_helpers.metrics.frechet: the Fréchet distance against closed forms and an independent
implementation, FID on images (the shipped extractor, a callable, Inception's preprocessing)
and FID∞, the least-squares extrapolation of FID_N to N -> ∞ (Chong & Forsyth 2020). The
``mnist`` fixture is in conftest.py."""
import numpy as np
import pytest

import gan_helpers
from gan_helpers import metrics
from gan_helpers.metrics import frechet as frechet_mod

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


# --- FID∞ (Chong & Forsyth 2020) -------------------------------------------------------------

def test_fid_infinity_recovers_an_exact_line_in_one_over_n():
    ns = np.array([500, 1000, 2000, 5000])
    fid_inf, k = metrics.fid_infinity(ns, 3.0 + 1200.0 / ns)
    assert fid_inf == pytest.approx(3.0, abs=1e-9)
    assert k == pytest.approx(1200.0, rel=1e-9)


def test_fid_infinity_is_the_least_squares_fit_not_an_endpoint_line():
    ns = np.array([250.0, 500, 1000, 2500])
    noise = np.array([0.0, 0.0, 1.0, 0.0])  # one noisy middle point
    fids = 2.0 + 900.0 / ns + noise
    want = np.polyfit(1.0 / ns, fids, 1)[::-1]  # independent: numpy's polyfit (slope first)
    assert metrics.fid_infinity(ns, fids) == pytest.approx(tuple(want), rel=1e-9)
    # ...which differs from the line through the first and last points.
    slope = (fids[-1] - fids[0]) / (1 / ns[-1] - 1 / ns[0])
    assert abs(metrics.fid_infinity(ns, fids)[0] - (fids[0] - slope / ns[0])) > 0.1


def test_fid_infinity_averages_repeated_sizes():
    ns = [100, 100, 400, 400]
    fid_inf, k = metrics.fid_infinity(ns, [11.0, 13.0, 4.0, 6.0])  # means 12 at 1/100, 5 at 1/400
    assert k == pytest.approx(7.0 / (1 / 100 - 1 / 400))
    assert fid_inf == pytest.approx(12.0 - k / 100)


def test_fid_infinity_returns_python_floats():
    out = metrics.fid_infinity([100, 200], [2.0, 1.0])
    assert all(type(v) is float for v in out) and len(out) == 2


@pytest.mark.parametrize("ns, fids, phrase", [
    ([100, 200], [1.0], "one FID per sample size"),
    ([100, 100, 100], [1.0, 2.0, 3.0], "two or more different"),
    ([0, 100], [1.0, 2.0], "positive"),
    ([100, 200], [np.nan, 2.0], "finite"),
])
def test_fid_infinity_rejects_bad_input(ns, fids, phrase):
    with pytest.raises(ValueError, match=phrase):
        metrics.fid_infinity(ns, fids)
