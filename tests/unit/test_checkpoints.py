"""Checkpoints hold the whole training state, and resuming says so; a run killed with
SIGKILL right after a checkpoint resumes to the same weights as an uninterrupted run."""
import os
import signal
import subprocess
import sys
import textwrap

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
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5), jit_compile=False)
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


# --- kill -9 and resume (a Colab disconnect) --------------------------------------------------

# Trains a tiny DCGAN (batch norm in G, dropout in D: both carry random/running state)
# deterministically, checkpointing every epoch; optionally SIGKILLs itself right after
# the checkpoint of epoch KILL_AT, as a Colab disconnect would.
TRAIN = textwrap.dedent("""
    import os, signal, sys
    import keras, numpy as np, tensorflow as tf
    import gan_helpers as gh
    ckpt_dir, epochs, kill_at, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    gh.set_seed(0, deterministic=True)
    gan = gh.GAN(gh.dcgan_generator(latent_dim=8, width=0.125),
                 gh.dcgan_discriminator(width=0.125), seed=0)
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                jit_compile=False)
    x = np.random.default_rng(0).integers(0, 256, size=(64, 28, 28)).astype(np.uint8)
    # A fixed batch order: an uninterrupted and a resumed run then see the same batches.
    ds = tf.data.Dataset.from_tensor_slices(gh.to_unit_range(x)).batch(16)
    ckpt = gh.GANCheckpoint(gan, ckpt_dir, verbose=True)
    start = ckpt.restore()

    class KillAfterCheckpoint(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch + 1 == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)

    gan.fit(ds, epochs=epochs, initial_epoch=start, verbose=0,
            callbacks=[ckpt, KillAfterCheckpoint()])
    np.savez(out, *[v.numpy() for v in gan.generator.weights + gan.discriminator.weights])
""")


def _train(tmp_path, name, kill_at=-1, ckpt="ckpt"):
    out = tmp_path / f"{name}.npz"
    args = [str(tmp_path / ckpt), "4", str(kill_at), str(out)]
    proc = subprocess.run([sys.executable, "-c", TRAIN, *args], capture_output=True, text=True,
                          timeout=300)
    return proc, out


def test_kill_minus_nine_after_a_checkpoint_then_resume_matches_an_uninterrupted_run(tmp_path):
    ref, ref_out = _train(tmp_path, "uninterrupted", ckpt="ref")
    assert ref.returncode == 0, ref.stderr[-2000:]
    killed, _ = _train(tmp_path, "killed", kill_at=2)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert "ckpt-2.index" in os.listdir(tmp_path / "ckpt")
    resumed, res_out = _train(tmp_path, "resumed")
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "Resumed from" in resumed.stdout and "continuing after epoch 2" in resumed.stdout
    a, b = np.load(ref_out), np.load(res_out)
    diff = max(float(np.max(np.abs(a[k] - b[k]))) for k in a.files)
    print(f"max |weight difference| resumed vs uninterrupted: {diff}")
    assert diff == 0.0  # bitwise: CPU with op determinism


def test_a_spectrally_normalised_discriminator_resumes_with_its_power_iteration_state(tmp_path):
    # SpectralNormalization keeps a non-trainable vector u between steps: a resumed run must
    # continue its power iteration, not restart it from a random u.
    def sn_gan(seed):
        gh.set_seed(seed)
        gan = gh.GAN(gh.dcgan_generator(width=0.125),
                     gh.dcgan_discriminator(width=0.125, spectral_norm=True), seed=seed)
        gan.compile(d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
                    g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5), jit_compile=False)
        return gan

    x = np.random.default_rng(0).uniform(-1, 1, (64, 28, 28, 1)).astype(np.float32)
    ds = tf.data.Dataset.from_tensor_slices(x).batch(32, drop_remainder=True)
    gan = sn_gan(0)
    gan.fit(ds, epochs=1, verbose=0, callbacks=[gh.GANCheckpoint(gan, str(tmp_path))])
    fresh = sn_gan(1)
    assert gh.GANCheckpoint(fresh, str(tmp_path)).restore() == 1
    for a, b in zip(gan.discriminator.weights, fresh.discriminator.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=a.path)
    assert any("vector_u" in w.path for w in fresh.discriminator.non_trainable_weights)
