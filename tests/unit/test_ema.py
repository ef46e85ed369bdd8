"""The moving average of G's weights: Keras' optimizer EMA with GeneratorEMA's warm-up
follows the recursion written by hand, ema_generator leaves the live model alone and gives
batch norm statistics of its own, and a checkpoint keeps the average."""
import keras
import numpy as np
import pytest
import tensorflow as tf

import gan_helpers as gh


def toy(use_ema=True, beta=0.9, seed=0):
    gh.set_seed(seed)
    g = gh.dense_generator(latent_dim=4, widths=(8,), output_shape=2, output_activation=None)
    d = gh.dense_discriminator(input_shape=2, widths=(8,))
    gan = gh.GAN(g, d, seed=seed)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-2),
                g_optimizer=keras.optimizers.Adam(1e-2, use_ema=use_ema, ema_momentum=beta),
                jit_compile=False)
    return gan


def data(n=30 * 16):
    x = np.random.default_rng(0).normal([2.0, -1.0], 0.3, size=(n, 2)).astype(np.float32)
    return tf.data.Dataset.from_tensor_slices(x).batch(16, drop_remainder=True)


class Recorder(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.weights = []

    def on_train_batch_end(self, batch, logs=None):
        self.weights.append([v.numpy().copy() for v in self.model.generator.trainable_variables])


def test_the_average_follows_the_warm_up_recursion_written_by_hand():
    beta, warmup = 0.9, 3
    gan, rec = toy(beta=beta), Recorder()
    gan.fit(data(), epochs=1, verbose=0, callbacks=[gh.GeneratorEMA(warmup=warmup), rec])
    avg = None
    for t, w in enumerate(rec.weights):          # t: the step's 0-based index
        m = min(beta, (1 + t) / (warmup + t))
        avg = [x.copy() for x in w] if avg is None else [m * a + (1 - m) * x
                                                        for a, x in zip(avg, w)]
    got = gh.ema_generator(gan).trainable_variables
    for a, b in zip(got, avg):
        np.testing.assert_allclose(a.numpy(), b, rtol=1e-5, atol=1e-6)
    # ...and not the one with a fixed momentum (the warm-up did something)
    fixed = rec.weights[0]
    for w in rec.weights[1:]:
        fixed = [beta * a + (1 - beta) * x for a, x in zip(fixed, w)]
    assert not all(np.allclose(a.numpy(), b, atol=1e-4) for a, b in zip(got, fixed))


def test_ema_generator_leaves_the_live_generator_and_its_training_alone():
    gan = toy()
    gan.fit(data(), epochs=1, verbose=0, callbacks=[gh.GeneratorEMA()])
    before = [v.numpy().copy() for v in gan.generator.weights]
    averaged = gh.ema_generator(gan)
    assert averaged is not gan.generator
    for a, b in zip(before, gan.generator.weights):
        np.testing.assert_array_equal(a, b.numpy())
    assert not all(np.array_equal(a, b.numpy()) for a, b in zip(before, averaged.weights))
    gan.fit(data(), epochs=1, verbose=0, callbacks=[gh.GeneratorEMA()])  # trains on


def test_averaged_batch_norm_gets_standing_statistics_of_its_own():
    gh.set_seed(0)
    gan = gh.GAN(gh.dcgan_generator(latent_dim=8, width=0.125),
                 gh.dcgan_discriminator(width=0.125), seed=0)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-3),
                g_optimizer=keras.optimizers.Adam(1e-3, use_ema=True, ema_momentum=0.9),
                jit_compile=False)
    x = np.random.default_rng(0).uniform(-1, 1, (64, 28, 28, 1)).astype(np.float32)
    gan.fit(tf.data.Dataset.from_tensor_slices(x).batch(16), epochs=1, verbose=0,
            callbacks=[gh.GeneratorEMA()])
    z = np.random.default_rng(5).standard_normal((256, 8)).astype(np.float32)
    averaged = gh.ema_generator(gan, z=z)
    # Inference now normalises with the statistics of this very batch: as in training mode.
    np.testing.assert_allclose(averaged(z, training=False).numpy(),
                               averaged(z, training=True).numpy(), atol=1e-3)
    live_bn = [lyr.moving_mean.numpy() for lyr in gan.generator.layers
               if isinstance(lyr, keras.layers.BatchNormalization)]
    ema_bn = [lyr.moving_mean.numpy() for lyr in averaged.layers
              if isinstance(lyr, keras.layers.BatchNormalization)]
    assert not all(np.allclose(a, b) for a, b in zip(live_bn, ema_bn))
    assert all(lyr.momentum == 0.99 for lyr in averaged.layers
               if isinstance(lyr, keras.layers.BatchNormalization))


def test_a_checkpoint_keeps_the_average(tmp_path):
    gan = toy()
    gan.fit(data(), epochs=2, verbose=0,
            callbacks=[gh.GeneratorEMA(), gh.GANCheckpoint(gan, str(tmp_path))])
    fresh = toy(seed=7)
    assert gh.GANCheckpoint(fresh, str(tmp_path)).restore() == 2
    for a, b in zip(gh.ema_generator(gan).weights, gh.ema_generator(fresh).weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_without_use_ema_the_error_says_how_to_build_the_optimizer():
    gan = toy(use_ema=False)
    with pytest.raises(ValueError, match="use_ema=True"):
        gh.ema_generator(gan)
    with pytest.raises(ValueError, match="use_ema=True"):
        gan.fit(data(), epochs=1, verbose=0, callbacks=[gh.GeneratorEMA()])
    for bad in (0, 1):
        with pytest.raises(ValueError, match="warmup must be > 1"):
            gh.GeneratorEMA(warmup=bad)


def test_a_later_fit_with_a_new_callback_keeps_the_target_momentum():
    gan = toy(beta=0.9)
    gan.fit(data(), epochs=1, verbose=0, callbacks=[gh.GeneratorEMA()])   # 30 steps: m < 0.9
    later = gh.GeneratorEMA()
    gan.fit(data(n=200 * 16), epochs=1, verbose=0, callbacks=[later])
    assert later.beta == 0.9 and float(later.momentum.numpy()) == pytest.approx(0.9)
