"""Checkpoints: save a GAN's whole training state and resume where it stopped.

Colab disconnects and laptops sleep. A checkpoint here holds everything that training
changes: both networks, both optimisers (their moment estimates and step counts), the
noise generator's state and the epoch counter, written with ``tf.train.Checkpoint`` and
``tf.train.CheckpointManager`` (Keras' ``BackupAndRestore`` can silently reset a GAN's
optimiser state). Usage::

    ckpt = gh.GANCheckpoint(gan, "/content/drive/MyDrive/gan-run")   # any folder you choose
    start = ckpt.restore()          # 0 on a fresh folder, else the epoch it resumes from
    gan.fit(ds, epochs=50, initial_epoch=start, callbacks=[ckpt])

Running the same cell again after an interruption resumes, and says so.
"""
import os
import tempfile

import keras
import numpy as np
import tensorflow as tf


def _check_writable(directory):
    try:
        os.makedirs(directory, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as err:
        raise PermissionError(
            f"GANCheckpoint: cannot write checkpoints to {directory!r} ({err.strerror}). "
            "Choose a folder you can write to (on Colab, mount Google Drive first: "
            "from google.colab import drive; drive.mount('/content/drive')).") from None


class GANCheckpoint(keras.callbacks.Callback):
    """Save the full training state every ``every`` epochs into ``directory``; restore it.

    Keeps the newest ``max_to_keep`` checkpoints (older ones are deleted by design: they
    hold nothing the newer ones lack). ``restore()`` returns the epoch to continue from.
    """

    def __init__(self, gan, directory, every=1, max_to_keep=3, verbose=True):
        super().__init__()
        if not getattr(gan, "compiled", False) or not hasattr(gan, "d_optimizer"):
            raise ValueError("GANCheckpoint: compile the GAN first (gan.compile(d_optimizer=..., "
                             "g_optimizer=...)); the checkpoint holds its optimisers.")
        _check_writable(directory)
        self.gan, self.directory, self.every, self.verbose = (gan, directory, max(1, int(every)),
                                                              verbose)
        self.epoch = tf.Variable(0, dtype=tf.int64, trainable=False, name="epoch")
        self.checkpoint = tf.train.Checkpoint(
            generator=gan.generator, discriminator=gan.discriminator,
            d_optimizer=gan.d_optimizer, g_optimizer=gan.g_optimizer,
            noise_state=gan.seed_generator.state, epoch=self.epoch,
            # every variable, seed states of dropout layers included: tracking the models
            # alone misses those, and a resumed run would then draw different dropout masks
            variables=list(gan.generator.variables) + list(gan.discriminator.variables))
        self.manager = tf.train.CheckpointManager(self.checkpoint, directory,
                                                  max_to_keep=max_to_keep)

    def restore(self):
        """Load the newest checkpoint in the folder, if any; return the epoch to resume at."""
        latest = self.manager.latest_checkpoint
        if latest is None:
            if self.verbose:
                print(f"No checkpoint in {self.directory}: starting from epoch 0.")
            return 0
        try:
            self.checkpoint.restore(latest).assert_existing_objects_matched()
        except (AssertionError, ValueError, tf.errors.OpError) as err:
            raise ValueError(
                f"GANCheckpoint: {latest} does not fit this GAN ({type(err).__name__}: "
                f"{str(err).splitlines()[0][:200]}). It was saved by a different model or "
                "optimiser; use a new folder for this model, or rebuild the model that wrote it."
            ) from None
        start = int(self.epoch.numpy())
        if self.verbose:
            print(f"Resumed from {latest}: continuing after epoch {start}.")
        return start

    def save(self, epoch):
        self.epoch.assign(epoch)
        return self.manager.save(checkpoint_number=epoch)

    def on_epoch_end(self, epoch, logs=None):
        done = epoch + 1  # Keras counts epochs from 0; initial_epoch keeps counting on resume
        if any(not np.isfinite(float(v)) for k, v in (logs or {}).items() if k.endswith("loss")):
            print(f"\nNot saving epoch {done}: its losses are not finite; the last good "
                  f"checkpoint ({self.manager.latest_checkpoint}) is kept.")
            return
        if done % self.every == 0:
            path = self.save(done)
            if self.verbose:
                print(f"\nSaved checkpoint {path} (epoch {done}).")
