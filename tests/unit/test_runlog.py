"""RunLog (what a training panel shows, recorded as a run goes), training_panel, and the
Dirac-GAN of Mescheder et al. (2018) trained by gh.GAN against its update written by hand."""
import keras
import numpy as np
import pytest
import tensorflow as tf
from matplotlib.figure import Figure

import gan_helpers as gh


def toy_gan(seed=0, **kwargs):
    gh.set_seed(seed)
    g = gh.dense_generator(latent_dim=4, widths=(16,), output_shape=(4, 4, 1))
    d = gh.dense_discriminator(input_shape=(4, 4, 1), widths=(16,))
    return gh.GAN(g, d, seed=seed, **kwargs)


def toy_data(batch=32):
    x = np.random.default_rng(0).uniform(-1, 1, (256, 4, 4, 1)).astype(np.float32)
    return tf.data.Dataset.from_tensor_slices(x).batch(batch, drop_remainder=True).repeat()


def test_runlog_records_every_epoch_with_its_step_and_fixed_latent_samples():
    gan = toy_gan(gradient_norms=True)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.Adam(1e-3),
                jit_compile=False)
    log = gh.RunLog(n=3, sample_every=2)
    hist = gan.fit(toy_data(), epochs=4, steps_per_epoch=5, verbose=0, callbacks=[log]).history
    assert log.steps == [5, 10, 15, 20]
    assert set(log.history) == {"d_loss", "g_loss", "d_real", "d_fake", "d_grad_norm",
                                "g_grad_norm"}
    for k, values in hist.items():  # the same numbers as Keras' History
        np.testing.assert_allclose(log.history[k], values, rtol=1e-6)
    # samples at the start and every second epoch, always of the same latents
    assert [s for s, _ in log.samples] == [0, 10, 20]
    assert all(images.shape == (3, 4, 4, 1) for _, images in log.samples)
    np.testing.assert_allclose(log.samples[-1][1], gan.generate(z=log.z), atol=1e-6)
    assert log.diverged_at is None
    gan.fit(toy_data(), epochs=1, steps_per_epoch=5, verbose=0, callbacks=[log])  # continues
    assert log.steps[-1] == 25 and len(log.history["d_loss"]) == 5


def test_runlog_gets_the_broken_step_from_the_guard_before_it_raises():
    gan = toy_gan()
    gan.compile(d_optimizer=keras.optimizers.SGD(1e6), g_optimizer=keras.optimizers.SGD(1e6),
                jit_compile=False)
    log = gh.RunLog(n=0)
    with pytest.raises(gh.TrainingDiverged) as err:
        gan.fit(toy_data(), epochs=50, steps_per_epoch=2, verbose=0, callbacks=[log])
    step = int(str(err.value).split("at step ")[1].split()[0])
    assert log.diverged_at == step == log.steps[-1]
    last = [log.history[k][-1] for k in ("d_loss", "g_loss")]
    assert not np.isfinite(last).all()


def test_runlog_refuses_bad_sizes():
    with pytest.raises(ValueError, match="sample_every"):
        gh.RunLog(sample_every=0)


def test_training_panel_draws_four_plots_and_marks_a_divergence():
    log = gh.RunLog(n=2)
    log.steps = [10, 20, 30]
    log.history = {"d_loss": [0.7, 0.6, np.nan], "g_loss": [0.8, 0.9, np.inf],
                   "d_real": [0.6, 0.7, 0.8], "d_fake": [0.4, 0.3, 0.2],
                   "d_grad_norm": [1.0, 2.0, 3.0], "g_grad_norm": [1.0, 0.1, 0.01]}
    log.samples = [(s, np.zeros((2, 4, 4, 1), np.float32)) for s in (0, 10, 20, 30, 40, 50)]
    log.diverged_at = 30
    axes = Figure().subplots(1, 4)
    gh.plots.training_panel(log, title="test", axes=axes)
    assert [len(ax.get_lines()) for ax in axes[:3]] == [3, 3, 3]  # two curves + the red line
    assert axes[2].get_yscale() == "log"
    assert len(axes[3].get_yticklabels()) == 4  # at most four snapshots
    assert axes[3].get_yticklabels()[0].get_text() == "step 0"
    assert axes[3].get_yticklabels()[-1].get_text() == "step 50"
    with pytest.raises(ValueError, match="no points"):
        gh.plots.training_panel(gh.RunLog(), axes=axes)


def _dirac_run(updates, theta, psi, lr, steps):
    g, d = gh.models.dirac_gan(theta, psi)
    gan = gh.GAN(g, d, seed=0, updates=updates)
    gan.compile(d_optimizer=keras.optimizers.SGD(lr), g_optimizer=keras.optimizers.SGD(lr),
                generator_loss="minimax", jit_compile=False)
    ds = tf.data.Dataset.from_tensors(np.zeros((8, 1), np.float32)).repeat()
    gan.fit(ds, epochs=1, steps_per_epoch=steps, verbose=0)
    return float(g.get_layer("theta").bias[0]), float(d.get_layer("psi").kernel[0, 0])


def _dirac_by_hand(updates, theta, psi, lr, steps):
    """The same game written out: D ascends log σ(ψ·0) + log(1 − σ(ψθ)) (the real term has no
    gradient), G descends log(1 − σ(ψθ)); their gradients wrt ψ and θ are −σ(ψθ)·θ and
    −σ(ψθ)·ψ."""
    sig = lambda t: 1 / (1 + np.exp(-t))  # noqa: E731
    for _ in range(steps):
        psi_new = psi - lr * sig(psi * theta) * theta      # D: gradient ascent
        if updates == "alternating":
            theta = theta + lr * sig(psi_new * theta) * psi_new   # G against the updated D
        else:
            theta = theta + lr * sig(psi * theta) * psi
        psi = psi_new
    return theta, psi


@pytest.mark.parametrize("updates", ["simultaneous", "alternating"])
def test_dirac_gan_trained_by_gan_fit_matches_the_update_by_hand(updates):
    got = _dirac_run(updates, 0.5, 0.2, 0.3, 40)
    want = _dirac_by_hand(updates, 0.5, 0.2, 0.3, 40)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
    # Mescheder et al. (2018), section 2.2: simultaneous steps spiral out, alternating ones
    # circle the equilibrium without reaching it.
    far = _dirac_by_hand(updates, 0.5, 0.0, 0.3, 400)
    radius = np.hypot(*far)
    assert (radius > 2.0) if updates == "simultaneous" else (0.4 < radius < 0.6)
