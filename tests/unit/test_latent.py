"""gan_helpers.latent: slerp's guard for (anti)parallel vectors, orthogonal vectors, endpoints."""
import numpy as np
import pytest

from gan_helpers import latent


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
