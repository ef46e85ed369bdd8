"""WGAN-GP and PacGAN: the penalty measures what it claims, interpolation is uniform,
no NaN at a zero gradient, packs hold m consecutive samples, and both variants train."""
import keras
import numpy as np
import pytest
import tensorflow as tf

import gan_helpers as gh
from gan_helpers import variants as V


def linear_critic(w):
    """f(x) = x·w: its input gradient is w everywhere, so ‖∇f‖ = ‖w‖ exactly."""
    w = np.asarray(w, dtype=np.float32)
    x = keras.Input((len(w),))
    dense = keras.layers.Dense(1, use_bias=False, kernel_initializer=keras.initializers.Constant(
        w[:, None]))
    return keras.Model(x, dense(x))


def batch(n=64, d=2, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(n, d)).astype(np.float32),
            rng.normal(2.0, 1.0, size=(n, d)).astype(np.float32))


def test_penalty_is_zero_for_a_unit_gradient_critic_and_positive_otherwise():
    real, fake = batch()
    unit = linear_critic([0.6, 0.8])
    assert float(V.gradient_penalty(unit, real, fake, keras.random.SeedGenerator(0))) < 1e-10
    for w, want in [([3.0, 0.0], 4.0), ([0.3, 0.4], 0.25)]:  # (‖w‖ − 1)²
        gp = float(V.gradient_penalty(linear_critic(w), real, fake, keras.random.SeedGenerator(0)))
        assert gp == pytest.approx(want, rel=1e-5)


def test_penalty_uses_the_per_sample_norm_on_images():
    # f(x) = sum of pixels: gradient 1 everywhere, per-sample norm sqrt(H·W·C) = sqrt(16).
    x = keras.Input((2, 2, 4))
    pixel_sum = keras.layers.Lambda(lambda t: tf.reduce_sum(t, axis=[1, 2, 3])[:, None])
    critic = keras.Model(x, pixel_sum(x))
    real = np.zeros((5, 2, 2, 4), np.float32)
    assert float(V.gradient_penalty(critic, real, real + 1.0)) == pytest.approx(9.0, rel=1e-5)


def test_interpolation_is_uniform_per_sample_not_normal():
    n = 20_000
    real = np.zeros((n, 3), np.float32)
    fake = np.ones((n, 3), np.float32)
    x_hat = V.interpolate(real, fake, keras.random.SeedGenerator(1)).numpy()
    u = x_hat[:, 0]
    np.testing.assert_array_equal(x_hat, np.repeat(u[:, None], 3, axis=1))  # one u per sample
    assert u.min() >= 0.0 and u.max() <= 1.0  # a normal u would leave [0, 1] ≈ 66% of the time
    assert u.mean() == pytest.approx(0.5, abs=0.01)
    assert u.var() == pytest.approx(1 / 12, abs=0.005)  # U[0,1]; N(0,1) would give 1
    assert np.histogram(u, bins=10, range=(0, 1))[0].min() > 0.9 * n / 10  # flat
    # and the points lie on the segments between the pairs: x̂ = x + u (x̃ − x)
    real2, fake2 = batch(n=1000)
    x2 = V.interpolate(real2, fake2, 3).numpy()
    u2 = ((x2 - real2) / (fake2 - real2))
    np.testing.assert_allclose(u2[:, 0], u2[:, 1], atol=1e-4)


def test_penalty_gradients_are_finite_where_the_norm_is_zero():
    real, fake = batch(n=16)
    for critic in (linear_critic([0.0, 0.0]), linear_critic([0.6, 0.8])):
        for f in (fake, real.copy()):  # a critic with zero input gradient; real == fake
            with tf.GradientTape() as tape:
                gp = V.gradient_penalty(critic, real, f, keras.random.SeedGenerator(0))
            grads = tape.gradient(gp, critic.trainable_weights)
            assert all(np.all(np.isfinite(g.numpy())) for g in grads)
    # ... which is exactly what the epsilon buys: the textbook tf.norm gives NaN there.
    critic = linear_critic([0.0, 0.0])
    with tf.GradientTape() as tape:
        x_hat = tf.constant(real)
        with tf.GradientTape() as inner:
            inner.watch(x_hat)
            s = critic(x_hat)
        g = inner.gradient(s, x_hat)
        naive = tf.reduce_mean(tf.square(tf.norm(g, axis=1) - 1.0))
    assert np.isnan(tape.gradient(naive, critic.trainable_weights)[0].numpy()).all()


def test_pack_puts_m_consecutive_samples_side_by_side():
    x = np.arange(12, dtype=np.float32).reshape(6, 2)
    p = V.pack(x, 3).numpy()
    np.testing.assert_array_equal(p, [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]])
    assert V.pack(x, 1).numpy().tolist() == x.tolist()
    imgs = np.random.default_rng(0).normal(size=(4, 5, 5, 3)).astype(np.float32)
    pi = V.pack(imgs, 2).numpy()
    assert pi.shape == (2, 5, 5, 6)
    np.testing.assert_array_equal(pi[1, ..., :3], imgs[2])  # pack 1 = images 2 and 3,
    np.testing.assert_array_equal(pi[1, ..., 3:], imgs[3])  # stacked along the channels
    with pytest.raises(ValueError, match="multiple of m=4"):
        V.pack(np.zeros((6, 2), np.float32), 4)


def test_packed_discriminator_gives_one_logit_per_m_samples():
    m = 4
    inner = gh.dense_discriminator(input_shape=2 * m, widths=(8,))
    d = V.packed_discriminator(inner, m)
    assert d.input_shape == (None, 2) and d.output_shape == (None, 1)
    x = np.random.default_rng(0).normal(size=(32, 2)).astype(np.float32)
    out = d(x).numpy()
    assert out.shape == (32 // m, 1)
    # logit k depends on samples 4k..4k+3 only, and on all of them
    with tf.GradientTape() as tape:
        xt = tf.constant(x)
        tape.watch(xt)
        logit1 = d(xt)[1, 0]
    touched = np.flatnonzero(np.abs(tape.gradient(logit1, xt).numpy()).sum(axis=1) > 0)
    assert touched.tolist() == [4, 5, 6, 7]
    np.testing.assert_allclose(out, inner(V.pack(x, m)).numpy(), rtol=1e-6)
    conv = V.packed_discriminator(gh.dcgan_discriminator(width=0.125, input_shape=(28, 28, 2)), 2)
    assert conv.input_shape == (None, 28, 28, 1)
    assert conv(np.zeros((6, 28, 28, 1), np.float32)).shape == (3, 1)
    with pytest.raises(ValueError, match="divisible by m=3"):
        V.packed_discriminator(gh.dense_discriminator(input_shape=4), 3)


def toy_data(n=512, batch=64):
    x = np.random.default_rng(0).normal([1.0, 1.0], 0.1, size=(n, 2)).astype(np.float32)
    return tf.data.Dataset.from_tensor_slices(x).batch(batch, drop_remainder=True)


def toy_generator(seed=0):
    gh.set_seed(seed)
    return gh.dense_generator(latent_dim=4, widths=(16,), output_shape=2, output_activation=None)


def test_wgangp_fit_runs_with_finite_losses_and_five_critic_steps():
    gan = V.WGANGP(toy_generator(), gh.dense_discriminator(input_shape=2, widths=(16,)), seed=0)
    assert gan.d_steps == 5 and gan.gp_weight == 10.0
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5, beta_2=0.9),
                g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5, beta_2=0.9), jit_compile=False)
    # Algorithm 1: each of the 5 critic steps gets its own 64 reals, so batches hold 5 x 64.
    hist = gan.fit(toy_data(n=5 * 512, batch=5 * 64), epochs=2, verbose=0).history
    assert {"d_loss", "g_loss", "w_distance", "gp"} <= set(hist)
    assert all(np.all(np.isfinite(v)) for v in hist.values())
    assert int(gan.d_optimizer.iterations) == 5 * int(gan.g_optimizer.iterations) == 5 * 16
    assert hist["gp"][-1] > 0
    with pytest.raises(ValueError, match="does not apply"):
        gan.compile(d_optimizer=keras.optimizers.Adam(), g_optimizer=keras.optimizers.Adam(),
                    generator_loss="minimax")
    with pytest.raises(TypeError, match=r"WGANGP.compile takes its optimisers by keyword"):
        gan.compile(keras.optimizers.Adam(), keras.optimizers.Adam())


def test_wgangp_critic_loss_is_fake_minus_real_plus_penalty():
    gan = V.WGANGP(toy_generator(), linear_critic([3.0, 0.0]), seed=0, gp_weight=10.0)
    real = np.array([[1.0, 0.0], [2.0, 0.0]], np.float32)
    fake = np.array([[0.0, 5.0], [0.0, 1.0]], np.float32)
    loss, real_s, fake_s = gan.compute_d_loss(real, fake)
    # mean f(fake) − mean f(real) = 0 − 4.5; GP = (3 − 1)² = 4
    assert float(loss) == pytest.approx(-4.5 + 10 * 4.0, rel=1e-5)
    assert float(V.wasserstein_generator_loss(fake_s)) == pytest.approx(0.0, abs=1e-6)
    assert float(V.wasserstein_generator_loss(real_s)) == pytest.approx(-4.5, rel=1e-6)


def test_packed_gan_trains():
    m = 2
    d = V.packed_discriminator(gh.dense_discriminator(input_shape=2 * m, widths=(16,)), m)
    gan = gh.GAN(toy_generator(), d, seed=0)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-3),
                g_optimizer=keras.optimizers.Adam(1e-3), jit_compile=False)
    hist = gan.fit(toy_data(), epochs=2, verbose=0).history
    assert all(np.all(np.isfinite(v)) for v in hist.values())
    assert gan.generate(10).shape == (10, 2)
