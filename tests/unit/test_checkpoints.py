"""Checkpoints hold the whole training state, and resuming says so."""
import os

import keras
import numpy as np
import pytest
import tensorflow as tf

import gan_helpers as gh


def make_gan(seed=0, widths=(16,)):
    gh.set_seed(seed)
    g = gh.dense_generator(latent_dim=4, widths=widths, output_shape=2, output_activation=None)
    d = gh.dense_discriminator(input_shape=2, widths=widths)
    gan = gh.GAN(g, d, seed=seed)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5), g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
                jit_compile=False)
    return gan


def data():
    x = np.random.default_rng(0).normal(2.0, 0.5, size=(256, 2)).astype(np.float32)
    return tf.data.Dataset.from_tensor_slices(x).batch(64, drop_remainder=True)


def test_restore_brings_back_weights_optimisers_noise_and_epoch(tmp_path, capsys):
    gan = make_gan()
    ckpt = gh.GANCheckpoint(gan, str(tmp_path))
    assert ckpt.restore() == 0
    assert "starting from epoch 0" in capsys.readouterr().out
    gan.fit(data(), epochs=2, verbose=0, callbacks=[ckpt])
    assert "ckpt-2.index" in os.listdir(tmp_path)

    fresh = make_gan(seed=123)  # different initial weights and noise seed
    again = gh.GANCheckpoint(fresh, str(tmp_path))
    assert again.restore() == 2
    assert "Resumed from" in capsys.readouterr().out
    for a, b in zip(gan.generator.weights + gan.discriminator.weights,
                    fresh.generator.weights + fresh.discriminator.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert int(fresh.d_optimizer.iterations) == int(gan.d_optimizer.iterations) == 8
    for a, b in zip(gan.d_optimizer.variables, fresh.d_optimizer.variables):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    np.testing.assert_array_equal(gan.sample_latent(3), fresh.sample_latent(3))
    hist = fresh.fit(data(), epochs=3, initial_epoch=2, verbose=0, callbacks=[again])
    assert len(hist.history["d_loss"]) == 1 and int(fresh.g_optimizer.iterations) == 12


def test_incompatible_checkpoint_and_unwritable_folder_are_explained(tmp_path):
    gan = make_gan()
    ckpt = gh.GANCheckpoint(gan, str(tmp_path / "a"))
    ckpt.save(1)
    other = make_gan(widths=(8,))
    with pytest.raises(ValueError, match="does not fit this GAN"):
        gh.GANCheckpoint(other, str(tmp_path / "a")).restore()
    # A folder that cannot be created (its parent is a file): fails even for root.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(PermissionError, match="Choose a folder you can write to"):
        gh.GANCheckpoint(gan, str(blocker / "ckpts"))
    uncompiled = gh.GAN(gh.dense_generator(latent_dim=4, widths=(8,), output_shape=2),
                        gh.dense_discriminator(input_shape=2, widths=(8,)))
    with pytest.raises(ValueError, match="compile the GAN first"):
        gh.GANCheckpoint(uncompiled, str(tmp_path / "b"))
