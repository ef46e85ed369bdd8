"""Reliability: kill -9 and resume loses nothing, divergence stops cleanly, runs repeat."""
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

@pytest.fixture(autouse=True)
def _op_determinism_off_afterwards():
    # Op determinism is process-wide and makes Keras refuse XLA: undo it for later tests.
    yield
    from tensorflow.python.framework import config

    config.disable_op_determinism()


# Trains a tiny DCGAN (batch norm in G, dropout in D: both carry random/running state)
# deterministically, checkpointing every epoch; optionally SIGKILLs itself right after
# the checkpoint of epoch KILL_AT, as a Colab disconnect would.
TRAIN = textwrap.dedent("""
    import os, signal, sys
    import keras, numpy as np, tensorflow as tf
    import gan_helpers as gh
    ckpt_dir, epochs, kill_at, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    gh.set_seed(0, deterministic=True)
    gan = gh.GAN(gh.dcgan_generator(latent_dim=8, width=0.125), gh.dcgan_discriminator(width=0.125), seed=0)
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

    gan.fit(ds, epochs=epochs, initial_epoch=start, verbose=0, callbacks=[ckpt, KillAfterCheckpoint()])
    np.savez(out, *[v.numpy() for v in gan.generator.weights + gan.discriminator.weights])
""")


def _train(tmp_path, name, kill_at=-1, ckpt="ckpt"):
    out = tmp_path / f"{name}.npz"
    proc = subprocess.run([sys.executable, "-c", TRAIN, str(tmp_path / ckpt), "4", str(kill_at), str(out)],
                          capture_output=True, text=True, timeout=300)
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


def _toy_gan(lr=1e-3):
    gh.set_seed(0)
    g = gh.dense_generator(latent_dim=4, widths=(16,), output_shape=2, output_activation=None)
    d = gh.dense_discriminator(input_shape=2, widths=(16,))
    gan = gh.GAN(g, d, seed=0)
    gan.compile(d_optimizer=keras.optimizers.SGD(lr), g_optimizer=keras.optimizers.SGD(lr), jit_compile=False)
    return gan


def _toy_data():
    x = np.random.default_rng(0).normal(2.0, 0.5, size=(256, 2)).astype(np.float32)
    return tf.data.Dataset.from_tensor_slices(x).batch(32)


def test_divergence_stops_at_the_step_and_keeps_the_last_good_checkpoint(tmp_path):
    gan = _toy_gan()
    ckpt = gh.GANCheckpoint(gan, str(tmp_path), verbose=False)
    gan.fit(_toy_data(), epochs=1, verbose=0, callbacks=[ckpt])
    good = ckpt.manager.latest_checkpoint
    gan.d_optimizer.learning_rate.assign(1e30)  # absurd: the weights overflow at once
    gan.g_optimizer.learning_rate.assign(1e30)
    with pytest.raises(gh.TrainingDiverged, match=r"diverged at step \d+.*last good checkpoint is kept") as err:
        gan.fit(_toy_data(), epochs=3, initial_epoch=1, verbose=0, callbacks=[ckpt])
    print(err.value)
    assert ckpt.manager.latest_checkpoint == good and good.endswith("ckpt-1")
    fresh = _toy_gan()
    gh.GANCheckpoint(fresh, str(tmp_path), verbose=False).restore()
    assert all(np.all(np.isfinite(w.numpy())) for w in fresh.weights)


def test_set_seed_makes_two_cpu_runs_identical():
    def run():
        gh.set_seed(7, deterministic=True)
        gan = _toy_gan()
        gh.set_seed(7, deterministic=True)
        return gan.fit(_toy_data(), epochs=2, verbose=0).history
    first, second = run(), run()
    assert first == second
