"""gan_helpers.latent: lerp and slerp (endpoints, norms, constant angular speed, the claim
notebook 04 makes about lerp's midpoint), slerp's guard for (anti)parallel vectors, orthogonal
vectors, and latent_interpolation. The latent explorer's tests are in
tests/unit/widgets/test_latent.py."""
import numpy as np
import pytest

from gan_helpers import latent

# --- lerp, slerp and latent_interpolation (notebook 04) ---------------------------------------

def test_slerp_ends_at_both_vectors_and_keeps_equal_norms():
    rng = np.random.default_rng(0)
    z0, z1 = rng.standard_normal(100), rng.standard_normal(100)
    z1 *= np.linalg.norm(z0) / np.linalg.norm(z1)
    path = latent.slerp(z0, z1, np.linspace(0, 1, 11))
    assert path.shape == (11, 100)
    np.testing.assert_allclose(path[0], z0, atol=1e-12)
    np.testing.assert_allclose(path[-1], z1, atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(path, axis=1), np.linalg.norm(z0), rtol=1e-12)


def test_slerp_moves_at_constant_angular_speed():
    z0, z1 = np.array([2.0, 0.0]), np.array([0.0, 2.0])
    path = latent.slerp(z0, z1, np.linspace(0, 1, 7))
    angles = np.arctan2(path[:, 1], path[:, 0])
    np.testing.assert_allclose(np.diff(angles), np.pi / 2 / 6, rtol=1e-12)
    np.testing.assert_allclose(latent.slerp(z0, z1, 0.5), [np.sqrt(2), np.sqrt(2)])


def test_lerp_midpoint_of_gaussian_latents_is_too_short_and_slerp_is_not():
    # The claim the notebook makes: lerp's midpoint has norm about sqrt(d/2), not sqrt(d).
    rng = np.random.default_rng(1)
    z = rng.standard_normal((200, 2, 100))
    mid_lerp = np.linalg.norm([latent.lerp(a, b, 0.5) for a, b in z], axis=1)
    mid_slerp = np.linalg.norm([latent.slerp(a, b, 0.5) for a, b in z], axis=1)
    assert abs(np.mean(mid_lerp) / 10.0 - np.sqrt(0.5)) < 0.03
    assert abs(np.mean(mid_slerp) / 10.0 - 1.0) < 0.03


def test_parallel_and_zero_vectors_fall_back_to_lerp():
    z = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(latent.slerp(z, 3 * z, 0.5), 2 * z)
    np.testing.assert_allclose(latent.slerp(np.zeros(3), z, 0.25), 0.25 * z)
    assert np.all(np.isfinite(latent.slerp(z, -z, 0.5)))


def test_dtypes_and_shape_errors():
    z0, z1 = np.zeros(4, np.float32), np.ones(4, np.float32)
    assert latent.lerp(z0, z1, 0.5).dtype == np.float32
    assert latent.slerp(z0.astype(np.float64), z1, 0.5).dtype == np.float64
    with pytest.raises(ValueError, match="same shape"):
        latent.slerp(np.zeros(3), np.zeros(4), 0.5)
    with pytest.raises(ValueError, match="same shape"):
        latent.lerp(np.zeros((2, 3)), np.zeros((2, 3)), 0.5)


def test_latent_interpolation():
    rng = np.random.default_rng(2)
    z0, z1 = rng.standard_normal(8), rng.standard_normal(8)
    path = latent.latent_interpolation(z0, z1, steps=5)
    assert path.shape == (5, 8) and path.dtype == np.float32
    np.testing.assert_allclose(path[[0, -1]], np.stack([z0, z1]), rtol=1e-6)
    np.testing.assert_allclose(path[2], latent.slerp(z0, z1, 0.5), rtol=1e-6)
    np.testing.assert_allclose(latent.latent_interpolation(z0, z1, 3, method="lerp")[1],
                               (z0 + z1) / 2, rtol=1e-6)
    with pytest.raises(ValueError, match="unknown method"):
        latent.latent_interpolation(z0, z1, method="cubic")
    with pytest.raises(ValueError, match="steps must be >= 2"):
        latent.latent_interpolation(z0, z1, steps=1)


# --- slerp's guard: (anti)parallel and orthogonal vectors, exact endpoints --------------------

@pytest.mark.parametrize("scale", [1.0, 3.0, 1e-3])
def test_parallel_vectors_fall_back_to_lerp(scale):
    z = np.array([1.0, 2.0, 2.0])
    t = np.linspace(0.0, 1.0, 5)
    with np.errstate(all="raise"):  # no 0/0 on the way
        path = latent.slerp(z, scale * z, t)
    np.testing.assert_allclose(path, latent.lerp(z, scale * z, t), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_antiparallel_vectors_fall_back_to_lerp(scale):
    z = np.random.default_rng(0).standard_normal(100)
    for t in (0.0, 0.25, 0.5, 1.0):
        with np.errstate(all="raise"):
            got = latent.slerp(z, -scale * z, t)
        assert np.all(np.isfinite(got))
        np.testing.assert_allclose(got, latent.lerp(z, -scale * z, t), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(latent.slerp(z, -z, 0.5), np.zeros(100), atol=1e-12)


def test_nearly_parallel_vectors_are_continuous_with_lerp():
    # Just outside the guard the formula is used; it must agree with lerp to rounding.
    z = np.array([1.0, 0.0])
    w = np.array([1.0, 1e-5])  # Ω ≈ 1e-5 > the guard's 1e-6
    np.testing.assert_allclose(latent.slerp(z, w, 0.5), latent.lerp(z, w, 0.5), atol=1e-9)


def test_orthogonal_unit_vectors_follow_the_quarter_circle():
    e0, e1 = np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0])
    t = np.linspace(0.0, 1.0, 9)
    path = latent.slerp(e0, e1, t)
    angle = t * np.pi / 2
    np.testing.assert_allclose(path, np.stack([np.cos(angle), np.sin(angle), 0 * t], axis=1),
                               atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(path, axis=1), 1.0, atol=1e-12)


def test_orthogonal_vectors_of_different_norms():
    a, b = np.array([3.0, 0.0]), np.array([0.0, 1.0])
    mid = latent.slerp(a, b, 0.5)
    np.testing.assert_allclose(mid, np.sqrt(0.5) * (a + b), atol=1e-12)  # weights sin(π/4)/1
    assert 1.0 < np.linalg.norm(mid) < 3.0  # the norm moves between ‖b‖ and ‖a‖


@pytest.mark.parametrize("pair", ["random", "parallel", "antiparallel", "orthogonal"])
def test_endpoints_are_exact(pair):
    rng = np.random.default_rng(1)
    z0 = rng.standard_normal(100)
    z1 = {"random": rng.standard_normal(100), "parallel": 2.0 * z0, "antiparallel": -z0,
          "orthogonal": np.roll(np.eye(100)[0], 1) * 5.0}[pair]
    if pair == "orthogonal":
        z0 = np.eye(100)[0] * 3.0
    np.testing.assert_allclose(latent.slerp(z0, z1, 0.0), z0, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(latent.slerp(z0, z1, 1.0), z1, rtol=1e-12, atol=1e-12)
    path = latent.latent_interpolation(z0, z1, steps=5)
    np.testing.assert_allclose(path[0], z0, rtol=1e-6)
    np.testing.assert_allclose(path[-1], z1, rtol=1e-6)
    assert path.dtype == np.float32 and np.all(np.isfinite(path))
