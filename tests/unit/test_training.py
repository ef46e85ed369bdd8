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
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-2),
                g_optimizer=keras.optimizers.Adam(1e-4), jit_compile=False)
    batch = next(iter(toy_data()))
    fake = gan.generator(gan.sample_latent(64))
    before = float(gh.minimax_discriminator_loss(gan.discriminator(batch), gan.discriminator(fake)))
    hist = gan.fit(toy_data(), epochs=3, verbose=0).history
    assert set(hist) == {"d_loss", "g_loss", "d_real", "d_fake"}
    assert hist["d_loss"][-1] < 0.5 * before
    assert hist["d_real"][-1] - hist["d_fake"][-1] > 0.4  # D tells real from fake


def test_d_steps_and_xla_on_cpu():
    gan = toy_gan(d_steps=3)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-3),
                g_optimizer=keras.optimizers.Adam(1e-3), jit_compile=True)
    hist = gan.fit(toy_data(n=3 * 512, batch=3 * 64), epochs=1, verbose=0).history
    assert gan.jit_compile is True  # Keras silently falls back when a model can't use XLA
    assert np.isfinite(hist["d_loss"][0]) and np.isfinite(hist["g_loss"][0])
    assert int(gan.d_optimizer.iterations) == 3 * int(gan.g_optimizer.iterations) == 3 * 8


def test_each_critic_step_gets_its_own_real_batch():
    # Gulrajani et al. 2017, Algorithm 1: every critic update samples real data afresh.
    seen = []

    class Recording(gh.GAN):
        def compute_d_loss(self, real, fake):
            seen.append(np.asarray(real).copy())
            return super().compute_d_loss(real, fake)

    gh.set_seed(0)
    g = gh.dense_generator(latent_dim=4, widths=(8,), output_shape=2, output_activation=None)
    gan = Recording(g, gh.dense_discriminator(input_shape=2, widths=(8,)), d_steps=3, seed=0)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-3),
                g_optimizer=keras.optimizers.Adam(1e-3), jit_compile=False)
    real = np.arange(24, dtype=np.float32).reshape(12, 2)  # 12 distinct rows
    gan.train_step(tf.constant(real))  # eagerly: the recording sees concrete tensors
    assert len(seen) == 3 and all(s.shape == (4, 2) for s in seen)
    np.testing.assert_array_equal(np.concatenate(seen), real)  # disjoint, and all of them used
    assert int(gan.d_optimizer.iterations) == 3 and int(gan.g_optimizer.iterations) == 1
    with pytest.raises(ValueError, match="batches of d_steps x B"):
        gan.fit(toy_data(n=640, batch=64), epochs=1, verbose=0)  # 64 is not a multiple of 3


def test_generate_does_not_change_the_training_run():
    # Sampling for a picture or a metric mid-training must leave training bit-for-bit alone.
    def run(sample_during_training):
        gan = toy_gan(seed=3)
        gan.compile(d_optimizer=keras.optimizers.Adam(1e-3),
                    g_optimizer=keras.optimizers.Adam(1e-3), jit_compile=False)
        peek = keras.callbacks.LambdaCallback(on_train_batch_end=lambda *_, **__: gan.generate(5))
        gan.fit(toy_data(), epochs=2, verbose=0,
                callbacks=[peek] if sample_during_training else [])
        return gan.generator.get_weights() + gan.discriminator.get_weights()

    for a, b in zip(run(False), run(True)):
        np.testing.assert_array_equal(a, b)


def test_short_last_batch_is_fine():
    x = np.random.default_rng(1).normal(size=(100, 2)).astype(np.float32)
    gan = toy_gan()
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-3),
                g_optimizer=keras.optimizers.Adam(1e-3), jit_compile=False)
    gan.fit(tf.data.Dataset.from_tensor_slices(x).batch(32), epochs=1, verbose=0)  # 32,32,32,4
    assert int(gan.g_optimizer.iterations) == 4


def test_noise_comes_from_the_models_seed_generator():
    a, b = toy_gan(seed=5), toy_gan(seed=5)
    np.testing.assert_array_equal(a.sample_latent(3), b.sample_latent(3))
    assert not np.array_equal(a.sample_latent(3), a.sample_latent(3))
    assert a.generate(6).shape == (6, 2)
    # generate() draws from a seeded stream of its own, apart from the training noise
    c, d = toy_gan(seed=5), toy_gan(seed=5)
    np.testing.assert_array_equal(c.generate_latents(4), d.generate_latents(4))
    before = c.seed_generator.state.numpy().copy()
    c.generate(4)
    np.testing.assert_array_equal(c.seed_generator.state.numpy(), before)
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
        gan.compile(d_optimizer=opt, g_optimizer=opt)
    with pytest.raises(ValueError, match="unknown generator loss"):
        gan.compile(d_optimizer=keras.optimizers.Adam(),
                    g_optimizer=keras.optimizers.Adam(), generator_loss="least_squares")
    with pytest.raises(ValueError, match="unknown discriminator loss"):
        gan.compile(d_optimizer=keras.optimizers.Adam(),
                    g_optimizer=keras.optimizers.Adam(), discriminator_loss="least_squares")
    with pytest.raises(ValueError, match="minimax discriminator loss only"):
        gan.compile(d_optimizer=keras.optimizers.Adam(), g_optimizer=keras.optimizers.Adam(),
                    discriminator_loss="hinge", real_target=0.9)
    with pytest.raises(ValueError, match="r1_gamma must be >= 0"):
        gan.compile(d_optimizer=keras.optimizers.Adam(), g_optimizer=keras.optimizers.Adam(),
                    r1_gamma=-1.0)


def test_image_grid_callback_and_run_dirs_never_overwrite(tmp_path):
    first, second = gh.new_run_dir("demo", root=tmp_path), gh.new_run_dir("demo", root=tmp_path)
    assert first != second and os.path.isdir(first) and os.path.isdir(second)
    gh.set_seed(0)
    gan = gh.GAN(gh.dcgan_generator(latent_dim=8, width=0.125),
                 gh.dcgan_discriminator(width=0.125), seed=0)
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4),
                g_optimizer=keras.optimizers.Adam(2e-4), jit_compile=False)
    x = np.random.default_rng(0).integers(0, 256, size=(32, 28, 28), dtype=np.uint8)
    ds = gh.mnist_dataset(16, images=x)
    cb = gh.ImageGridCallback(run_dir=first, n=4)
    gan.fit(ds, epochs=2, verbose=0, callbacks=[cb])
    gan.fit(ds, epochs=1, verbose=0, callbacks=[cb])  # continues the numbering
    assert [os.path.basename(p) for p in cb.paths] == ["epoch_001.png", "epoch_002.png",
                                                       "epoch_003.png"]
    with pytest.raises(FileExistsError, match="never overwrites"):
        gh.save_image_grid(np.zeros((4, 28, 28)), cb.paths[0])


def _one_step(updates, real):
    gh.set_seed(3)
    g = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3), keras.layers.Dense(2)])
    d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4, activation="tanh"),
                          keras.layers.Dense(1)])
    gan = gh.GAN(g, d, seed=1, updates=updates)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.5),
                g_optimizer=keras.optimizers.SGD(0.5), jit_compile=False)
    before = [w.numpy() for w in g.weights], [w.numpy() for w in d.weights]
    state = gan.seed_generator.state.numpy()
    gan.train_step(tf.constant(real))
    gan.seed_generator.state.assign(state)  # replay the step's noise
    z = gan.sample_latent(len(real))
    return gan, before, z


@pytest.mark.parametrize("updates", ["simultaneous", "alternating"])
def test_update_order_against_a_hand_written_step(updates):
    """'simultaneous' is the TF tutorial's step: both gradients at the old (G, D).
    'alternating' updates D the same way, but judges G by the *updated* D."""
    real = np.random.default_rng(0).normal(2.0, 0.5, size=(16, 2)).astype(np.float32)
    gan, (g0, d0), z = _one_step(updates, real)
    g_new = [w.numpy() for w in gan.generator.weights]
    d_new = [w.numpy() for w in gan.discriminator.weights]
    # The tutorial's step by hand, on copies holding the old weights.
    g, d = keras.models.clone_model(gan.generator), keras.models.clone_model(gan.discriminator)
    g.set_weights(g0), d.set_weights(d0)
    with tf.GradientTape() as gt, tf.GradientTape() as dt:
        fake = g(z)
        real_logits, fake_logits = d(real), d(fake)
        g_loss = gh.non_saturating_generator_loss(fake_logits)
        d_loss = gh.minimax_discriminator_loss(real_logits, fake_logits)
    g_want = [w - 0.5 * gw.numpy() for w, gw in zip(g0, gt.gradient(g_loss, g.weights))]
    d_want = [w - 0.5 * dw.numpy() for w, dw in zip(d0, dt.gradient(d_loss, d.weights))]
    for got, want in zip(d_new, d_want):  # D's update is the same in both orders
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    g_err = max(float(np.max(np.abs(a - b))) for a, b in zip(g_new, g_want))
    if updates == "simultaneous":
        assert g_err < 1e-6
    else:  # G followed the gradient through the new D: a visibly different step
        assert g_err > 1e-3


def test_simultaneous_updates_train_and_unknown_orders_are_refused():
    gan = toy_gan(updates="simultaneous")
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-2),
                g_optimizer=keras.optimizers.Adam(1e-4), jit_compile=False)
    hist = gan.fit(toy_data(), epochs=3, verbose=0).history
    assert hist["d_real"][-1] - hist["d_fake"][-1] > 0.4
    assert int(gan.d_optimizer.iterations) == int(gan.g_optimizer.iterations) == 24
    with pytest.raises(ValueError, match="updates must be one of alternating, simultaneous"):
        toy_gan(updates="together")


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
def test_mixed_precision_trains_with_float32_weights(policy):
    # The speed_settings() policies (GPU, bf16 CPU); float16 also gets loss scaling.
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(policy)
    try:
        gan = toy_gan()
        gan.compile(d_optimizer=keras.optimizers.Adam(1e-3),
                    g_optimizer=keras.optimizers.Adam(1e-3), jit_compile=False)
        hist = gan.fit(toy_data(), epochs=2, verbose=0).history
    finally:
        keras.config.set_dtype_policy(previous)
    scaled = isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer)
    assert scaled == (policy == "mixed_float16")
    assert all(w.dtype == "float32" for w in gan.generator.weights + gan.discriminator.weights)
    assert all(np.isfinite(v).all() for v in hist.values())
    assert int(gan.g_optimizer.iterations) == 2 * 8


def test_divergence_guard_is_keras_terminate_on_nan_watching_the_gan_losses():
    g = gh.dense_generator(latent_dim=2, widths=(4,), output_shape=(2,), output_activation=None)
    gan = gh.GAN(g, gh.dense_discriminator(input_shape=(2,), widths=(4,)))
    gan.compile(d_optimizer=keras.optimizers.Adam(), g_optimizer=keras.optimizers.Adam(),
                jit_compile=False)
    guard = gh.DivergenceGuard()
    guard.set_model(gan)
    assert isinstance(guard, keras.callbacks.TerminateOnNaN)
    guard.on_train_batch_end(0, {"d_loss": 0.7, "g_loss": 0.7, "d_real": 0.5})
    # A GAN logs no "loss": Keras' own callback lets a NaN generator loss through ...
    plain = keras.callbacks.TerminateOnNaN()
    plain.set_model(gan)
    plain.on_train_batch_end(3, {"d_loss": 0.7, "g_loss": float("nan")})
    assert not gan.stop_training
    # ... the guard stops at it, naming the loss and the batch.
    with pytest.raises(gh.TrainingDiverged, match=r"batch 3 of this epoch\): g_loss=nan"):
        guard.on_train_batch_end(3, {"d_loss": 0.7, "g_loss": float("nan")})
    with pytest.raises(gh.TrainingDiverged, match=r"d_loss=inf"):
        guard.on_train_batch_end(4, {"d_loss": float("inf"), "g_loss": 0.7})


# --- reliability: divergence stops cleanly, runs repeat under set_seed ------------------------

def sgd_toy_gan(lr=1e-3):
    """A compiled toy GAN, SGD at ``lr`` for both players, seeded with set_seed(0)."""
    gh.set_seed(0)
    g = gh.dense_generator(latent_dim=4, widths=(16,), output_shape=2, output_activation=None)
    d = gh.dense_discriminator(input_shape=2, widths=(16,))
    gan = gh.GAN(g, d, seed=0)
    gan.compile(d_optimizer=keras.optimizers.SGD(lr),
                g_optimizer=keras.optimizers.SGD(lr), jit_compile=False)
    return gan


def small_toy_data():
    """256 points around (2, 2), in batches of 32."""
    x = np.random.default_rng(0).normal(2.0, 0.5, size=(256, 2)).astype(np.float32)
    return tf.data.Dataset.from_tensor_slices(x).batch(32)


def test_divergence_stops_at_the_step_and_keeps_the_last_good_checkpoint(tmp_path):
    gan = sgd_toy_gan()
    ckpt = gh.GANCheckpoint(gan, str(tmp_path), verbose=False)
    gan.fit(small_toy_data(), epochs=1, verbose=0, callbacks=[ckpt])
    good = ckpt.manager.latest_checkpoint
    gan.d_optimizer.learning_rate.assign(1e30)  # absurd: the weights overflow at once
    gan.g_optimizer.learning_rate.assign(1e30)
    diverged = r"diverged at step \d+.*last good checkpoint is kept"
    with pytest.raises(gh.TrainingDiverged, match=diverged) as err:
        gan.fit(small_toy_data(), epochs=3, initial_epoch=1, verbose=0, callbacks=[ckpt])
    print(err.value)
    assert ckpt.manager.latest_checkpoint == good and good.endswith("ckpt-1")
    fresh = sgd_toy_gan()
    gh.GANCheckpoint(fresh, str(tmp_path), verbose=False).restore()
    assert all(np.all(np.isfinite(w.numpy())) for w in fresh.weights)


@pytest.fixture
def op_determinism_off_afterwards():
    # Op determinism is process-wide and makes Keras refuse XLA: undo it for later tests.
    yield
    from tensorflow.python.framework import config

    config.disable_op_determinism()


@pytest.mark.usefixtures("op_determinism_off_afterwards")
def test_set_seed_makes_two_cpu_runs_identical():
    def run():
        gh.set_seed(7, deterministic=True)
        gan = sgd_toy_gan()
        gh.set_seed(7, deterministic=True)
        return gan.fit(small_toy_data(), epochs=2, verbose=0).history
    first, second = run(), run()
    assert first == second


def test_alternating_step_takes_explicit_noise():
    """``alternating_step(real, None, z=z)`` is the default step with its noise replayed,
    and leaves the model's noise stream where it was."""
    real = tf.constant(np.random.default_rng(0).normal(2.0, 0.5, size=(8, 2)), tf.float32)

    def compiled(seed):
        gan = toy_gan(seed=seed)
        gan.compile(d_optimizer=keras.optimizers.Adam(1e-2),
                    g_optimizer=keras.optimizers.Adam(1e-2), jit_compile=False)
        return gan

    drawn, given = compiled(4), compiled(4)
    state = drawn.seed_generator.state.numpy()
    given.seed_generator.state.assign(state + 1)  # its own stream would give other noise
    want = drawn.alternating_step(real, None)  # the noise comes from the seed generator
    drawn.seed_generator.state.assign(state)
    z = drawn.sample_latent(8)  # ... this noise
    got = given.alternating_step(real, None, z=z)
    for a, b in zip(got, want):
        np.testing.assert_array_equal(a, b)
    def weights(gan):
        return gan.generator.get_weights() + gan.discriminator.get_weights()

    for a, b in zip(weights(given), weights(drawn)):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(given.seed_generator.state.numpy(), state + 1)  # untouched


# --- stabilisers: the hinge game, the R1 penalty, gradient norms -----------------------------

def compiled(gan, **kwargs):
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.Adam(1e-3),
                jit_compile=False, **kwargs)
    return gan


def test_hinge_and_r1_enter_the_discriminator_loss_as_written():
    batch = next(iter(toy_data()))
    fake = np.random.default_rng(1).normal(size=(64, 2)).astype(np.float32)
    for kwargs in (dict(discriminator_loss="hinge", generator_loss="hinge"),
                   dict(r1_gamma=10.0), dict(discriminator_loss="hinge", r1_gamma=0.5)):
        gan = compiled(toy_gan(), **kwargs)
        loss, real_logits, fake_logits = gan.compute_d_loss(batch, fake)
        d = gan.discriminator
        game = (gh.hinge_discriminator_loss if kwargs.get("discriminator_loss") == "hinge"
                else gh.minimax_discriminator_loss)(d(batch), d(fake))
        penalty = 0.5 * kwargs.get("r1_gamma", 0.0) * gh.penalties.r1_penalty(d, batch)
        np.testing.assert_allclose(float(loss), float(game + penalty), rtol=1e-6)
        hist = gan.fit(toy_data(), epochs=2, verbose=0).history
        assert all(np.isfinite(v).all() for v in hist.values()), kwargs


def test_r1_costs_nothing_when_off_and_penalises_a_steep_discriminator():
    batch = next(iter(toy_data()))
    fake = np.zeros((64, 2), np.float32)
    plain = compiled(toy_gan())
    with_r1 = compiled(toy_gan(), r1_gamma=1.0)
    a = float(plain.compute_d_loss(batch, fake)[0])
    b = float(with_r1.compute_d_loss(batch, fake)[0])
    assert b > a  # a random D has a non-zero input gradient on the data


def trace_step(gan):
    fn = tf.function(gan.train_step).get_concrete_function(tf.TensorSpec((64, 2), tf.float32))
    ops = fn.graph.get_operations()
    return [op.type for op in ops], [op.name for op in ops]


def test_gradient_norms_are_reported_when_asked_and_absent_from_the_step_otherwise():
    off = compiled(toy_gan())
    on = compiled(toy_gan(gradient_norms=True))
    types_off, names_off = trace_step(off)
    types_on, names_on = trace_step(on)
    assert [m.name for m in off.metrics] == ["d_loss", "g_loss", "d_real", "d_fake"]
    assert not any("global_norm" in n for n in names_off)          # not computed, not traced
    assert any("global_norm" in n for n in names_on)
    # Off, the step is the step without the feature: on adds ops and removes none.
    for t in set(types_off):
        assert types_on.count(t) >= types_off.count(t), t
    assert len(types_on) > len(types_off)
    hist = on.fit(toy_data(), epochs=1, verbose=0).history
    assert set(hist) == {"d_loss", "g_loss", "d_real", "d_fake", "d_grad_norm", "g_grad_norm"}
    assert hist["d_grad_norm"][0] > 0 and hist["g_grad_norm"][0] > 0


def test_the_discriminator_gradient_norm_is_that_of_its_loss():
    gan = compiled(toy_gan(gradient_norms=True))
    batch = next(iter(toy_data()))
    fake = np.random.default_rng(2).normal(size=(64, 2)).astype(np.float32)
    with tf.GradientTape() as tape:
        loss, _, _ = gan.compute_d_loss(batch, fake)
    want = float(tf.linalg.global_norm(tape.gradient(loss, gan.discriminator.trainable_weights)))
    gan.discriminator_step(batch, fake)
    np.testing.assert_allclose(float(gan.d_norm_tracker.result()), want, rtol=1e-5)


def test_a_winning_discriminator_starves_the_saturating_generator():
    # D far ahead (a huge output bias): D(G(z)) ≈ 0. The minimax generator loss then has a
    # vanishing gradient; the non-saturating one does not (Goodfellow et al. 2014, Sec. 3).
    norms = {}
    for loss in ("minimax", "non_saturating"):
        gan = compiled(toy_gan(gradient_norms=True), generator_loss=loss)
        last = gan.discriminator.layers[-1]
        last.bias.assign([-20.0])
        gan.alternating_step(next(iter(toy_data())), None)
        norms[loss] = float(gan.g_norm_tracker.result())
    assert norms["minimax"] < 1e-6 < 1e-3 < norms["non_saturating"]


def test_gradient_norms_are_unscaled_under_loss_scaling():
    # mixed_float16 multiplies D's loss by the loss scale before differentiating; the
    # reported norm is that of the loss itself (64 times smaller than the scaled one here).
    batch = next(iter(toy_data()))
    fake = np.random.default_rng(3).normal(size=(64, 2)).astype(np.float32)
    norms = {}
    previous = keras.config.dtype_policy()
    for policy in ("float32", "mixed_float16"):
        keras.config.set_dtype_policy(policy)
        try:
            gan = compiled(toy_gan(gradient_norms=True))
            if policy == "mixed_float16":  # a scale at which float16 does not overflow here
                gan.d_optimizer.dynamic_scale.assign(64.0)
            gan.discriminator_step(batch, fake)
        finally:
            keras.config.set_dtype_policy(previous)
        norms[policy] = float(gan.d_norm_tracker.result())
    assert isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer)
    np.testing.assert_allclose(norms["mixed_float16"], norms["float32"], rtol=2e-2)

    # A step that overflows is skipped by loss scaling, and left out of the mean.
    keras.config.set_dtype_policy("mixed_float16")
    try:
        gan = compiled(toy_gan(gradient_norms=True))
        gan.d_optimizer.dynamic_scale.assign(1e38)   # every scaled gradient overflows
        gan.discriminator_step(batch, fake)
    finally:
        keras.config.set_dtype_policy(previous)
    assert float(gan.d_norm_tracker.count) == 0.0 and int(gan.d_optimizer.iterations) == 0
