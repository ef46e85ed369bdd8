"""FID∞: the least-squares extrapolation of FID_N to N -> ∞ (Chong & Forsyth 2020)."""
import numpy as np
import pytest

import gan_helpers.metrics as M


def test_recovers_an_exact_line_in_one_over_n():
    ns = np.array([500, 1000, 2000, 5000])
    fid_inf, k = M.fid_infinity(ns, 3.0 + 1200.0 / ns)
    assert fid_inf == pytest.approx(3.0, abs=1e-9)
    assert k == pytest.approx(1200.0, rel=1e-9)


def test_is_the_least_squares_fit_not_an_endpoint_line():
    ns = np.array([250.0, 500, 1000, 2500])
    noise = np.array([0.0, 0.0, 1.0, 0.0])  # one noisy middle point
    fids = 2.0 + 900.0 / ns + noise
    want = np.polyfit(1.0 / ns, fids, 1)[::-1]  # independent: numpy's polyfit (slope first)
    assert M.fid_infinity(ns, fids) == pytest.approx(tuple(want), rel=1e-9)
    # ...which differs from the line through the first and last points.
    slope = (fids[-1] - fids[0]) / (1 / ns[-1] - 1 / ns[0])
    assert abs(M.fid_infinity(ns, fids)[0] - (fids[0] - slope / ns[0])) > 0.1


def test_repeated_sizes_are_averaged_by_the_fit():
    ns = [100, 100, 400, 400]
    fid_inf, k = M.fid_infinity(ns, [11.0, 13.0, 4.0, 6.0])  # means 12 at 1/100, 5 at 1/400
    assert k == pytest.approx(7.0 / (1 / 100 - 1 / 400))
    assert fid_inf == pytest.approx(12.0 - k / 100)


def test_returns_python_floats():
    out = M.fid_infinity([100, 200], [2.0, 1.0])
    assert all(type(v) is float for v in out) and len(out) == 2


@pytest.mark.parametrize("ns, fids, phrase", [
    ([100, 200], [1.0], "one FID per sample size"),
    ([100, 100, 100], [1.0, 2.0, 3.0], "two or more different"),
    ([0, 100], [1.0, 2.0], "positive"),
    ([100, 200], [np.nan, 2.0], "finite"),
])
def test_rejects_bad_input(ns, fids, phrase):
    with pytest.raises(ValueError, match=phrase):
        M.fid_infinity(ns, fids)
