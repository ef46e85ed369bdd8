"""precision/recall, density/coverage, the memorisation test and KID: against brute-force
implementations written independently (scipy's cdist, explicit loops), against the closed forms
their papers state, and on the 2-D toys where the truth is known by construction."""
import numpy as np
import pytest
from scipy.spatial.distance import cdist

import gan_helpers as gh
from gan_helpers.metrics import manifold
from gan_helpers.metrics import mmd as kid_module

M = gh.metrics


def _brute(real, fake, k_pr=3, k_dc=5):
    """The four metrics from the full distance matrices, written from the papers' equations."""
    rr, ff, rf = cdist(real, real), cdist(fake, fake), cdist(real, fake)
    r_real = np.sort(rr, axis=1)[:, k_pr]      # column 0 is the sample itself
    r_fake = np.sort(ff, axis=1)[:, k_pr]
    precision = np.mean([(rf[:, j] < r_real).any() for j in range(len(fake))])
    recall = np.mean([(rf[i, :] < r_fake).any() for i in range(len(real))])
    r5 = np.sort(rr, axis=1)[:, k_dc]
    density = sum((rf[i, j] < r5[i]) for i in range(len(real))
                  for j in range(len(fake))) / (k_dc * len(fake))
    coverage = np.mean([rf[i].min() < r5[i] for i in range(len(real))])
    return precision, recall, density, coverage


@pytest.mark.parametrize("block", [7 * 120, 1, 2048 * 10_000])
def test_the_four_metrics_match_a_brute_force_implementation(monkeypatch, block):
    monkeypatch.setattr(manifold, "BLOCK", block)
    rng = np.random.default_rng(0)
    real = rng.normal(size=(120, 5))
    fake = rng.normal(0.4, 1.3, size=(90, 5))
    p, r, d, c = _brute(real, fake)
    got_pr = M.precision_recall(real, fake)
    got_dc = M.density_coverage(real, fake)
    np.testing.assert_allclose([got_pr.precision, got_pr.recall, got_dc.density,
                                got_dc.coverage], [p, r, d, c], atol=1e-12)
    np.testing.assert_allclose(M.knn_radii(real, 4), np.sort(cdist(real, real), 1)[:, 4])
    np.testing.assert_allclose(M.nearest_distances(fake, real), cdist(fake, real).min(1))


def test_density_and_coverage_of_one_distribution_match_naeem_et_al():
    """Two samples of one distribution: E[density] = 1 and E[coverage] = 1 - 2^-k for equal set
    sizes (Naeem et al. 2020, section 3.2), here for k = 5 (0.969) and k = 2 (0.75)."""
    rng = np.random.default_rng(1)
    runs = [M.density_coverage(rng.normal(size=(1500, 16)), rng.normal(size=(1500, 16)))
            for _ in range(4)]
    assert abs(np.mean([r.density for r in runs]) - 1) < 0.03
    assert abs(np.mean([r.coverage for r in runs]) - (1 - 2 ** -5)) < 0.01
    k2 = M.density_coverage(rng.normal(size=(3000, 16)), rng.normal(size=(3000, 16)), k=2)
    assert abs(k2.coverage - 0.75) < 0.02


def _ring(rng, modes, n, std=0.05):
    centres = gh.ring_centres()[modes]
    return centres[rng.integers(0, len(centres), n)] + std * rng.standard_normal((n, 2))


def test_toy_generators_score_as_constructed():
    """On the ring of 8: a perfect generator scores precision and recall near 1; one covering
    2 of the 8 modes keeps precision near 1 but recall near 2/8 (and coverage near 2/8); an
    off-manifold one (the ring rotated half-way between modes) scores near 0 on both."""
    rng = np.random.default_rng(2)
    real = _ring(rng, np.arange(8), 2000)
    perfect = M.precision_recall(real, _ring(rng, np.arange(8), 2000))
    collapsed = M.precision_recall(real, _ring(rng, [0, 3], 2000))
    dc = M.density_coverage(real, _ring(rng, [0, 3], 2000))
    angle = np.pi / 8
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    off = M.precision_recall(real, _ring(rng, np.arange(8), 2000) @ rot.T)
    assert perfect.precision > 0.95 and perfect.recall > 0.95
    assert collapsed.precision > 0.95 and abs(collapsed.recall - 2 / 8) < 0.03
    assert abs(dc.coverage - 2 / 8) < 0.03
    assert off.precision < 0.02 and off.recall < 0.02


def test_memorisation_flags_noisy_copies_and_not_fresh_samples():
    rng = np.random.default_rng(3)
    train, heldout = rng.normal(size=(2000, 8)), rng.normal(size=(2000, 8))
    copies = train[rng.integers(0, 2000, 500)] + 0.05 * rng.normal(size=(500, 8))
    honest = rng.normal(size=(500, 8))
    caught = M.memorisation(train, copies, heldout)
    fresh = M.memorisation(train, honest, heldout)
    assert caught.flagged > 0.95 and caught.median_ratio < 0.2
    assert fresh.flagged < 0.04 and 0.5 < fresh.median_ratio < 1.5
    assert caught.false_positive_rate < 0.03   # the test half of the held-out samples


def test_mmd2_unbiased_matches_the_u_statistic_written_as_loops():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(6, 3)), rng.normal(0.5, 1, size=(6, 3))
    k = lambda a, b: (a @ b / 3 + 1) ** 3  # noqa: E731
    m = 6
    xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    yy = sum(k(y[i], y[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    xy = sum(k(x[i], y[j]) for i in range(m) for j in range(m)) / m ** 2
    assert kid_module.mmd2_unbiased(x, y) == pytest.approx(xx + yy - 2 * xy, rel=1e-12)


@pytest.mark.parametrize("n", [10, 50, 200])
def test_kid_is_unbiased_for_one_distribution_at_any_n_unlike_fid(n):
    """Independent pairs of samples of one distribution: KID's estimates average 0 within 3
    standard errors at every n, while FID's are positive on average at every n (its bias)."""
    rng = np.random.default_rng(5)
    kids, fids = [], []
    for _ in range(300):
        a, b = rng.normal(size=(n, 4)), rng.normal(size=(n, 4))
        kids.append(kid_module.mmd2_unbiased(a, b))
        mu1, s1 = gh.metrics.feature_statistics(a)
        mu2, s2 = gh.metrics.feature_statistics(b)
        fids.append(gh.metrics.frechet_distance(mu1, s1, mu2, s2))
    kids, fids = np.array(kids), np.array(fids)
    assert abs(kids.mean()) < 3 * kids.std(ddof=1) / np.sqrt(len(kids))
    assert (kids < 0).mean() > 0.2                  # single estimates go negative
    assert fids.mean() > 10 * fids.std(ddof=1) / np.sqrt(len(fids))


def test_kid_grows_with_the_shift_and_reports_its_subsets():
    rng = np.random.default_rng(6)
    real = rng.normal(size=(600, 8))
    values = [M.kid(real, rng.normal(s, 1, size=(600, 8)), n_subsets=20, subset_size=300).mean
              for s in (0.0, 0.3, 1.0)]
    assert values[0] < values[1] < values[2] and values[1] > 0
    out = M.kid(real, real[:100], n_subsets=5, subset_size=1000)
    assert (out.n_subsets, out.subset_size) == (5, 100)   # capped at the smaller set


@pytest.mark.parametrize("call, match", [
    (lambda: M.precision_recall(np.zeros((5, 2)), np.zeros((5, 3))), "differ in dimension"),
    (lambda: M.density_coverage(np.full((5, 2), np.nan), np.zeros((5, 2))), "NaN"),
    (lambda: M.knn_radii(np.zeros((3, 2)), 3), "k must be in"),
    (lambda: M.kid(np.zeros((5, 2)), np.zeros((5, 3))), "one dimension"),
    (lambda: M.memorisation(np.zeros((5, 2)), np.zeros((5, 2)), np.zeros((5, 2)), quantile=2),
     "quantile"),
])
def test_bad_inputs_get_clear_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_a_copy_detector_calibrated_once_scores_like_memorisation():
    rng = np.random.default_rng(7)
    train, heldout = rng.normal(size=(300, 4)), rng.normal(size=(200, 4))
    detector = M.CopyDetector(train, heldout)
    for generated in (train[:50] + 0.01, rng.normal(size=(50, 4))):
        assert detector(generated) == M.memorisation(train, generated, heldout)
