"""Notebook 04's library pieces: latent interpolation and the GIF writer (the latent explorer's
tests are in tests/unit/widgets/test_latent.py)."""
import os

import numpy as np
import pytest
from PIL import Image

import gan_helpers as gh
from gan_helpers import latent, plots


# --- lerp / slerp ----------------------------------------------------------------------------

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


# --- save_gif --------------------------------------------------------------------------------

def _frames_of(path):
    with Image.open(path) as gif:
        frames, durations = [], []
        for i in range(gif.n_frames):
            gif.seek(i)
            frames.append(np.asarray(gif.convert("L")))
            durations.append(gif.info["duration"])
    return frames, durations


def test_save_gif_from_arrays(tmp_path):
    frames = [np.full((6, 9), v, np.uint8) for v in (0, 80, 160, 255)]
    path = plots.save_gif(frames, str(tmp_path / "a.gif"), duration_ms=40, hold_last_ms=400)
    read, durations = _frames_of(path)
    assert len(read) == 4 and read[0].shape == (6, 9)
    assert [int(f[0, 0]) for f in read] == [0, 80, 160, 255]
    assert durations == [40, 40, 40, 400]
    # Floats in [-1, 1] are read as images, like everywhere in gan_helpers.
    path2 = plots.save_gif([np.full((4, 4, 1), -1.0), np.ones((4, 4, 1))], str(tmp_path / "b.gif"))
    read, durations = _frames_of(path2)
    assert [int(f[0, 0]) for f in read] == [0, 255] and durations == [200, 1000]


def test_save_gif_from_image_grid_files_refuses_to_overwrite(tmp_path):
    rng = np.random.default_rng(0)
    pngs = [gh.save_image_grid(rng.uniform(-1, 1, (4, 28, 28, 1)), str(tmp_path / f"{i}.png"))
            for i in range(3)]
    path = str(tmp_path / "progress.gif")
    plots.save_gif(pngs, path)
    read, _ = _frames_of(path)
    assert len(read) == 3
    np.testing.assert_array_equal(read[1], np.asarray(Image.open(pngs[1])))
    before = os.path.getmtime(path)
    with pytest.raises(FileExistsError, match="exists already"):
        plots.save_gif(pngs, path)
    assert os.path.getmtime(path) == before


def test_save_gif_explains_bad_input(tmp_path):
    with pytest.raises(ValueError, match="no frames"):
        plots.save_gif([], str(tmp_path / "x.gif"))
    with pytest.raises(ValueError, match="differ in size"):
        plots.save_gif([np.zeros((4, 4), np.uint8), np.zeros((5, 4), np.uint8)],
                       str(tmp_path / "y.gif"))
    with pytest.raises(ValueError, match=r"\(H, W\)"):
        plots.save_gif([np.zeros((2, 4, 4), np.uint8)], str(tmp_path / "z.gif"))
    assert not os.listdir(tmp_path)
