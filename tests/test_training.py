"""The GAN trainer: it learns on an easy toy, honours its options, never overwrites."""
import os

import keras
import numpy as np
import pytest
import tensorflow as tf

import gan_helpers as gh


def toy_gan(seed=0, **kwargs):
    gh.set_seed(seed)
    g = gh.dense_generator(latent_dim=4, widths=(16,), output_shape=2, output_activation=None)
    d = gh.dense_discriminator(input_shape=2, widths=(16,))
    return gh.GAN(g, d, seed=seed, **kwargs)


def toy_data(n=512, batch=64):
    # Real points far from where the untrained generator puts its samples (near 0).
    x = np.random.default_rng(0).normal([3.0, 3.0], 0.1, size=(n, 2)).astype(np.float32)
    return tf.data.Dataset.from_tensor_slices(x).batch(batch, drop_remainder=True)


def test_trainer_lowers_the_discriminator_loss_on_an_easy_toy():
    gan = toy_gan()
    gan.compile(keras.optimizers.Adam(1e-2), keras.optimizers.Adam(1e-4), jit_compile=False)
    batch = next(iter(toy_data()))
    fake = gan.generator(gan.sample_latent(64))
    before = float(gh.discriminator_loss(gan.discriminator(batch), gan.discriminator(fake)))
    hist = gan.fit(toy_data(), epochs=3, verbose=0).history
    assert set(hist) == {"d_loss", "g_loss", "d_real", "d_fake"}
    assert hist["d_loss"][-1] < 0.5 * before
    assert hist["d_real"][-1] - hist["d_fake"][-1] > 0.4  # D tells real from fake


def test_d_steps_and_xla_on_cpu():
    gan = toy_gan(d_steps=3)
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3), jit_compile=True)
    hist = gan.fit(toy_data(), epochs=1, verbose=0).history
    assert gan.jit_compile is True  # Keras silently falls back when a model can't use XLA
    assert np.isfinite(hist["d_loss"][0]) and np.isfinite(hist["g_loss"][0])
    assert int(gan.d_optimizer.iterations) == 3 * int(gan.g_optimizer.iterations) == 3 * 8


def test_short_last_batch_is_fine():
    x = np.random.default_rng(1).normal(size=(100, 2)).astype(np.float32)
    gan = toy_gan()
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3), jit_compile=False)
    gan.fit(tf.data.Dataset.from_tensor_slices(x).batch(32), epochs=1, verbose=0)  # 32,32,32,4
    assert int(gan.g_optimizer.iterations) == 4


def test_noise_comes_from_the_models_seed_generator():
    a, b = toy_gan(seed=5), toy_gan(seed=5)
    np.testing.assert_array_equal(a.sample_latent(3), b.sample_latent(3))
    assert not np.array_equal(a.sample_latent(3), a.sample_latent(3))
    assert a.generate(6).shape == (6, 2)
    with pytest.raises(ValueError, match=r"z must have shape \(n, 4\)"):
        a.generate(z=np.zeros((2, 5)))


def test_configuration_mistakes_are_explained():
    g = gh.dense_generator(latent_dim=4, widths=(8,), output_shape=2, output_activation=None)
    d = gh.dense_discriminator(input_shape=2, widths=(8,))
    with pytest.raises(ValueError, match="expects 4-dimensional noise"):
        gh.GAN(g, d, latent_dim=100)
    with pytest.raises(ValueError, match="d_steps must be >= 1"):
        gh.GAN(g, d, d_steps=0)
    gan = gh.GAN(g, d)
    opt = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="two distinct optimizer"):
        gan.compile(opt, opt)
    with pytest.raises(ValueError, match="unknown generator loss"):
        gan.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), generator_loss="hinge")


def test_image_grid_callback_and_run_dirs_never_overwrite(tmp_path):
    first, second = gh.new_run_dir("demo", root=tmp_path), gh.new_run_dir("demo", root=tmp_path)
    assert first != second and os.path.isdir(first) and os.path.isdir(second)
    gh.set_seed(0)
    gan = gh.GAN(gh.dcgan_generator(latent_dim=8, width=0.125),
                 gh.dcgan_discriminator(width=0.125), seed=0)
    gan.compile(keras.optimizers.Adam(2e-4), keras.optimizers.Adam(2e-4), jit_compile=False)
    x = np.random.default_rng(0).integers(0, 256, size=(32, 28, 28), dtype=np.uint8)
    ds = gh.mnist_dataset(16, images=x)
    cb = gh.ImageGridCallback(run_dir=first, n=4)
    gan.fit(ds, epochs=2, verbose=0, callbacks=[cb])
    gan.fit(ds, epochs=1, verbose=0, callbacks=[cb])  # continues the numbering
    assert [os.path.basename(p) for p in cb.paths] == ["epoch_001.png", "epoch_002.png",
                                                       "epoch_003.png"]
    with pytest.raises(FileExistsError, match="never overwrites"):
        gh.save_image_grid(np.zeros((4, 28, 28)), cb.paths[0])
