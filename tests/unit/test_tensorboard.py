"""TensorBoard: a short GAN.fit with Keras' TensorBoard callback and gh.TensorBoardImages
writes one run with the losses and a sample grid, read back from the event files."""
import glob
import os

import keras
import numpy as np
import pytest
import tensorflow as tf

import gan_helpers as gh


def events(folder):
    """{tag: [(step, plugin, value tensor), ...]} from every event file in ``folder``."""
    out = {}
    for path in sorted(glob.glob(os.path.join(folder, "events.out.tfevents.*"))):
        for event in tf.compat.v1.train.summary_iterator(path):
            for v in event.summary.value:
                out.setdefault(v.tag, []).append(
                    (event.step, v.metadata.plugin_data.plugin_name, tf.make_ndarray(v.tensor)))
    return out


def tiny_image_gan():
    gh.set_seed(0)
    g = gh.dense_generator(latent_dim=8, widths=(16,))
    d = gh.dense_discriminator(widths=(16,))
    gan = gh.GAN(g, d, seed=0)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.Adam(1e-3),
                jit_compile=False)
    return gan


def test_a_short_fit_logs_losses_and_sample_grids_to_one_run(tmp_path):
    x, _ = gh.load_mnist(verbose=False)
    ds = gh.mnist_dataset(32, images=x[:128])
    log_dir = tmp_path / "tb"
    gan = tiny_image_gan()
    gan.fit(ds, epochs=3, verbose=0,
            callbacks=[keras.callbacks.TensorBoard(str(log_dir)),
                       gh.TensorBoardImages(log_dir, n=9, every=2)])
    logged = events(log_dir / "train")
    for tag in ("epoch_d_loss", "epoch_g_loss", "epoch_d_real", "epoch_d_fake"):
        assert [step for step, *_ in logged[tag]] == [0, 1, 2], tag
    d_loss = [float(value) for *_, value in logged["epoch_d_loss"]]
    assert np.isfinite(d_loss).all()
    (step, plugin, value), = logged["samples"]   # every=2: after the second epoch only
    assert (step, plugin) == (1, "images")
    # an image summary stores [width, height, PNG]: a 3x3 grid of 28x28 images, 1 px apart
    assert value[:2].astype(int).tolist() == [3 * 29 + 1, 3 * 29 + 1]
    assert value[2].startswith(b"\x89PNG")


def test_a_second_fit_adds_to_the_run_and_replaces_nothing(tmp_path):
    x, _ = gh.load_mnist(verbose=False)
    ds = gh.mnist_dataset(32, images=x[:64])
    gan = tiny_image_gan()
    images = gh.TensorBoardImages(tmp_path, n=4)
    gan.fit(ds, epochs=1, verbose=0, callbacks=[images])
    first = {p: os.path.getsize(p) for p in glob.glob(str(tmp_path / "train" / "*"))}
    gan.fit(ds, epochs=2, initial_epoch=1, verbose=0, callbacks=[images])
    steps = [step for step, *_ in events(tmp_path / "train")["samples"]]
    assert steps == [0, 1]
    for path, size in first.items():
        assert os.path.getsize(path) >= size  # appended to, never rewritten smaller


def test_without_tensorboard_the_error_says_what_to_install(monkeypatch):
    monkeypatch.delattr(tf.summary, "image")
    with pytest.raises(ImportError, match="pip install tensorboard"):
        gh.TensorBoardImages("unused")
