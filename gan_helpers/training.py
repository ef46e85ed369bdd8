"""The GAN trainer: a ``keras.Model`` whose ``train_step`` plays the two-player game.

Training is ``gan.fit(dataset, epochs=...)``, so progress bars, History and callbacks
come from Keras. Style after the keras-io GAN examples (``compile(d_optimizer,
g_optimizer, ...)``, loss trackers, a ``SeedGenerator`` for the noise).
"""
from __future__ import annotations

import os
import time

import keras
import numpy as np
import tensorflow as tf

from . import losses as L
from .plots import save_image_grid
from .runtime import mix_seed


UPDATES = ("alternating", "simultaneous")


class GAN(keras.Model):
    """Generator + discriminator trained with alternating gradient steps.

    Each ``train_step`` does ``d_steps`` discriminator updates (a real batch vs. a fresh
    fake batch), then one generator update judged by the updated discriminator. The batch
    size is read from the data, so a short last batch cannot break the noise shape.

    With ``d_steps = k > 1`` every discriminator (critic) update gets real samples of its
    own, as in Algorithm 1 of Gulrajani et al. (2017): the dataset yields batches of k·B
    real samples, ``train_step`` splits each into k batches of B, one per critic update,
    and the generator update draws B latents. So ``fit``'s steps still count generator
    updates, and a dataset batched for ``d_steps=1`` must be batched k times larger.

    ``updates="simultaneous"`` instead computes both players' gradients at the same point
    and then applies both, as the TF DCGAN tutorial's step does: D's logits on the fakes
    serve both losses, which saves one discriminator pass per step. Alternating steps
    are the default (Goodfellow et al. 2014, Algorithm 1; the DCGAN and keras-io code);
    on the bilinear game min_x max_y x·y, simultaneous gradient steps spiral outwards
    while alternating ones stay bounded (Mescheder et al. 2017, "The Numerics of GANs").

    Args:
        generator: maps latent vectors (batch, latent_dim) to samples.
        discriminator: maps samples to logits (batch, 1).
        latent_dim: defaults to the generator's input size.
        d_steps: discriminator updates per generator update (each on its own real batch).
        seed: seeds the noise ``SeedGenerator`` (a model variable, so it is checkpointed),
            and, separately, the stream :meth:`generate` draws from (see there).
        updates: ``"alternating"`` (default) or ``"simultaneous"`` (see above).
    """

    def __init__(self, generator, discriminator, latent_dim=None, d_steps=1, seed=None,
                 updates="alternating", **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.discriminator = discriminator
        g_in = generator.input_shape
        if isinstance(g_in, list):  # several inputs (a conditional G): the noise comes first
            g_in = g_in[0]
        self.latent_dim = int(latent_dim or g_in[-1])
        if g_in[-1] is not None and self.latent_dim != g_in[-1]:
            raise ValueError(f"GAN: latent_dim={self.latent_dim} but the generator expects "
                             f"{g_in[-1]}-dimensional noise; pass latent_dim={g_in[-1]} or omit it.")
        if int(d_steps) < 1:
            raise ValueError(f"GAN: d_steps must be >= 1, got {d_steps}.")
        self.d_steps = int(d_steps)
        if updates not in UPDATES:
            raise ValueError(f"GAN: updates must be one of {', '.join(UPDATES)}, got {updates!r}.")
        self.updates = updates
        self.seed_generator = keras.random.SeedGenerator(mix_seed(seed))
        # generate() draws from a stream of its own: sampling for a picture or a metric
        # during training must not move the training noise (and so the training run).
        self._generate_rng = np.random.default_rng(
            None if seed is None else np.random.SeedSequence([mix_seed(seed), 1]))
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.d_real_tracker = keras.metrics.Mean(name="d_real")  # mean D(x) on real data
        self.d_fake_tracker = keras.metrics.Mean(name="d_fake")  # mean D(G(z))
        # G and D are built already; without this, Keras would try to build the wrapper
        # by calling it on a batch of *images* (under tf.distribute, for one).
        self.built = True

    def compile(self, d_optimizer, g_optimizer, generator_loss="non_saturating",
                real_target=1.0, fake_target=0.0, jit_compile="auto", **kwargs):
        """Choose the optimisers and losses.

        ``generator_loss``: 'non_saturating' (default), 'minimax', or a function of the
        fake logits. ``real_target`` < 1 is one-sided label smoothing. ``jit_compile``
        ('auto', True, False) is passed to Keras: 'auto' uses XLA only on a GPU.
        Under the 'mixed_float16' policy both optimisers get loss scaling (Keras would
        only wrap the single optimizer it is given).
        """
        super().compile(jit_compile=jit_compile, **kwargs)
        if d_optimizer is g_optimizer:
            raise ValueError("GAN.compile: pass two distinct optimizer objects; a shared one "
                             "would mix the two players' moment estimates.")
        self.d_optimizer = _maybe_loss_scale(d_optimizer)
        self.g_optimizer = _maybe_loss_scale(g_optimizer)
        # Create the optimisers' slot variables now, in the caller's strategy scope: built
        # lazily inside a replicated step they break tf.distribute, and a checkpoint
        # restored before they exist would silently drop their saved state.
        for opt, net in ((self.d_optimizer, self.discriminator), (self.g_optimizer, self.generator)):
            if not opt.built:
                opt.build(net.trainable_variables)
        self.generator_loss = L.get_generator_loss(generator_loss)
        self.real_target = float(real_target)
        self.fake_target = float(fake_target)
        L.discriminator_loss(tf.zeros((1, 1)), tf.zeros((1, 1)), self.real_target,
                             self.fake_target)  # validates the targets now, not mid-fit

    def fit(self, x=None, *args, shuffle=False, callbacks=None, guard=True, **kwargs):
        """``keras.Model.fit``, plus two safety nets: NumPy images are checked (shape,
        dtype, range) before training, and with ``guard=True`` a :class:`DivergenceGuard`
        stops training at the first NaN/Inf loss, before a checkpoint can save it."""
        if isinstance(x, np.ndarray):
            self._check_real(x)
        callbacks = list(callbacks or [])
        if guard and not any(isinstance(c, DivergenceGuard) for c in callbacks):
            callbacks.insert(0, DivergenceGuard(callbacks))
        # tf.data pipelines shuffle themselves; Keras would only warn about shuffle=True.
        return super().fit(x, *args, shuffle=shuffle, callbacks=callbacks, **kwargs)

    def _check_real(self, x):
        want = tuple(self.discriminator.input_shape[1:])
        if tuple(x.shape[1:]) != want:
            hint = " (add a channel axis: x[..., None])" if tuple(x.shape[1:]) + (1,) == want else ""
            raise ValueError(f"GAN.fit: real samples have shape {x.shape[1:]} per example but the "
                             f"discriminator expects {want}{hint}.")
        if not np.issubdtype(x.dtype, np.floating):
            raise ValueError(f"GAN.fit: real samples are {x.dtype}; convert images to float32 in "
                             "[-1, 1] with (x - 127.5) / 127.5 (gh.to_unit_range does it).")
        if x.size and (x.min() < -1.001 or x.max() > 1.001) and len(want) == 3:
            raise ValueError(f"GAN.fit: image values span [{x.min():.3g}, {x.max():.3g}] but the "
                             "generator's tanh makes [-1, 1]; scale with (x - 127.5) / 127.5.")

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker, self.d_real_tracker, self.d_fake_tracker]

    def call(self, z, training=False):
        return self.generator(z, training=training)

    def sample_latent(self, n):
        """``n`` standard-normal latent vectors from the model's own seeded generator."""
        seed = self.seed_generator.next()
        ctx = tf.distribute.get_replica_context()
        if ctx is not None and ctx.num_replicas_in_sync > 1:
            # Every replica reads the same seed state: fold in the replica's id, or all
            # replicas would draw the same noise and the global batch would repeat itself.
            seed = tf.random.experimental.stateless_fold_in(seed, ctx.replica_id_in_sync_group)
        return tf.random.stateless_normal((n, self.latent_dim), seed=seed)

    def generate_latents(self, n):
        """``n`` standard-normal latents for :meth:`generate`, from a NumPy stream seeded
        apart from the training noise: calling ``generate`` between ``fit`` calls (or in a
        callback) leaves the training run bit-for-bit what it would have been."""
        return self._generate_rng.standard_normal((int(n), self.latent_dim)).astype(np.float32)

    def generate(self, n=None, z=None, batch_size=500):
        """Samples from the generator (inference mode) as a NumPy array: ``n`` of them from
        :meth:`generate_latents`, or one per row of the latents ``z``."""
        if z is None:
            if n is None:
                raise ValueError("GAN.generate: pass n (a number of samples) or z (latents).")
            z = self.generate_latents(n)
        z = np.asarray(z, dtype=np.float32)
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"GAN.generate: z must have shape (n, {self.latent_dim}), "
                             f"got {z.shape}.")
        return self.generator.predict(z, batch_size=batch_size, verbose=0)

    def compute_d_loss(self, real, fake):
        """The discriminator's loss on a real and a fake batch, with both logits.

        A subclass changes the game by overriding this (and ``generator_loss``): e.g.
        WGAN-GP adds a gradient penalty on interpolates of ``real`` and ``fake``.
        """
        real_logits = self.discriminator(real, training=True)
        fake_logits = self.discriminator(fake, training=True)
        loss = L.discriminator_loss(real_logits, fake_logits, self.real_target, self.fake_target)
        return loss, real_logits, fake_logits

    def _d_update(self, real, fake, replicas):
        with tf.GradientTape() as tape:
            d_loss, real_logits, fake_logits = self.compute_d_loss(real, fake)
            scaled = _scale_loss(self.d_optimizer, d_loss / replicas)
        _apply(self.d_optimizer, scaled, tape, self.discriminator.trainable_weights)
        return d_loss, real_logits, fake_logits

    def split_batch(self, data):
        """One batch -> (the discriminator's real input, the fakes' condition).

        The plain GAN has no condition (None); a conditional GAN returns ``[images, labels]``
        and the labels its fakes should show. With a condition, G gets ``[z, condition]``
        and D gets ``[images, condition]``.
        """
        real = data[0] if isinstance(data, (tuple, list)) else data
        want = tuple(self.discriminator.input_shape[1:])
        if tuple(real.shape[1:]) != want:  # static shapes: checked once, when traced
            raise ValueError(f"GAN.fit: the data yields batches of shape {tuple(real.shape)} but "
                             f"the discriminator expects (batch,) + {want}; fix the dataset "
                             "(e.g. gh.mnist_dataset adds the channel axis) or the model.")
        return real, None

    def critic_batches(self, real, cond):
        """Split one dataset batch into ``d_steps`` batches, one per discriminator update
        (Gulrajani et al. 2017, Algorithm 1: each critic step samples real data afresh).
        Returns a list of ``(real, cond)`` pairs; with ``d_steps=1``, the batch itself."""
        if self.d_steps == 1:
            return [(real, cond)]
        static = tf.nest.flatten(real)[0].shape[0]
        if static is not None and static % self.d_steps:
            raise ValueError(f"GAN.fit: d_steps={self.d_steps} needs batches of d_steps x B real "
                             f"samples (one batch of B per critic update), got {static}; batch "
                             f"the dataset with a multiple of {self.d_steps} "
                             "(and drop_remainder=True).")
        b = tf.shape(tf.nest.flatten(real)[0])[0] // self.d_steps
        part = lambda x, i: tf.nest.map_structure(lambda t: t[i * b:(i + 1) * b], x)  # noqa: E731
        return [(part(real, i), None if cond is None else part(cond, i))
                for i in range(self.d_steps)]

    def train_step(self, data):
        *extra, (real, cond) = self.critic_batches(*self.split_batch(data))
        # Under tf.distribute the optimiser sums replica gradients: scale to a global mean.
        replicas = tf.distribute.get_strategy().num_replicas_in_sync

        def with_cond(x, c):
            return x if c is None else [x, c]

        for real_i, cond_i in extra:  # extra critic steps (WGAN-style): own reals, fresh fakes
            n = tf.shape(tf.nest.flatten(real_i)[0])[0]
            fake = self.generator(with_cond(self.sample_latent(n), cond_i), training=True)
            self._d_update(real_i, with_cond(fake, cond_i), replicas)
        batch = tf.shape(tf.nest.flatten(real)[0])[0]
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            # One generator forward pass serves both updates (as in the TF tutorial): G's
            # output does not depend on D, so reusing it is the same as recomputing it.
            fake = self.generator(with_cond(self.sample_latent(batch), cond), training=True)
            if self.updates == "simultaneous":
                # Both gradients at the current (G, D): D's logits on the fakes serve both.
                d_loss, real_logits, fake_logits = self.compute_d_loss(real, with_cond(fake, cond))
                d_scaled = _scale_loss(self.d_optimizer, d_loss / replicas)
            else:
                with g_tape.stop_recording(), d_tape.stop_recording():  # not part of G's gradient
                    d_loss, real_logits, _ = self._d_update(
                        real, with_cond(tf.stop_gradient(fake), cond), replicas)
                # ...and G is judged by the *updated* D: alternating steps.
                fake_logits = self.discriminator(with_cond(fake, cond), training=True)
            g_loss = self.generator_loss(fake_logits)
            scaled = _scale_loss(self.g_optimizer, g_loss / replicas)
        if self.updates == "simultaneous":  # both gradients first, then both updates
            d_grads = d_tape.gradient(d_scaled, self.discriminator.trainable_weights)
            g_grads = g_tape.gradient(scaled, self.generator.trainable_weights)
            self.d_optimizer.apply_gradients(zip(d_grads, self.discriminator.trainable_weights))
            self.g_optimizer.apply_gradients(zip(g_grads, self.generator.trainable_weights))
        else:
            _apply(self.g_optimizer, scaled, g_tape, self.generator.trainable_weights)

        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        self.d_real_tracker.update_state(tf.reduce_mean(tf.sigmoid(tf.cast(real_logits, tf.float32))))
        self.d_fake_tracker.update_state(tf.reduce_mean(tf.sigmoid(tf.cast(fake_logits, tf.float32))))
        return {m.name: m.result() for m in self.metrics}


class TrainingDiverged(RuntimeError):
    """A loss became NaN or infinite."""


class DivergenceGuard(keras.callbacks.Callback):
    """Stops training at the first non-finite loss with a message naming the step.

    It raises inside the epoch, so no checkpoint callback gets to save the broken state:
    the last good checkpoint stays the newest one. ``GAN.fit`` adds a guard by default.
    """

    def __init__(self, callbacks=()):
        super().__init__()
        self.others = list(callbacks)

    def on_train_batch_end(self, batch, logs=None):
        logs = logs or {}
        bad = {k: float(v) for k, v in logs.items()
               if k.endswith("loss") and not np.isfinite(float(v))}
        if not bad:
            return
        step = int(np.asarray(self.model.g_optimizer.iterations))
        kept = [getattr(c, "manager", None) for c in self.others]
        latest = next((m.latest_checkpoint for m in kept if m is not None and m.latest_checkpoint), None)
        where = f" The last good checkpoint is kept: {latest}." if latest else ""
        raise TrainingDiverged(
            f"Training diverged at step {step} (batch {batch} of this epoch): "
            + ", ".join(f"{k}={v}" for k, v in bad.items()) + "." + where
            + " Lower the learning rates (e.g. Adam 2e-4, beta_1=0.5), check the input range "
            "([-1, 1]), and restart from the checkpoint.")


def _apply(optimizer, loss, tape, variables):
    grads = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(grads, variables))


def _maybe_loss_scale(optimizer):
    if (keras.config.dtype_policy().name == "mixed_float16"
            and not isinstance(optimizer, keras.optimizers.LossScaleOptimizer)):
        return keras.optimizers.LossScaleOptimizer(optimizer)
    return optimizer


def _scale_loss(optimizer, loss):
    # LossScaleOptimizer multiplies the loss (and later divides the gradients) so that
    # float16 gradients do not underflow; other optimisers return the loss unchanged.
    return optimizer.scale_loss(loss) if hasattr(optimizer, "scale_loss") else loss


# --- run folders and the image-grid callback ----------------------------------------------

RUNS_ENV = "GAN_WORKBOOK_RUNS"


def new_run_dir(name="run", root=None):
    """Create and return a fresh folder ``root/name-YYYYmmdd-HHMMSS[-k]``.

    ``root`` defaults to ``$GAN_WORKBOOK_RUNS`` or ``./runs``. The folder is always new
    (``k`` counts up on a clash), so an earlier run's figures are never overwritten.
    """
    root = root or os.environ.get(RUNS_ENV) or "runs"
    os.makedirs(root, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for k in range(1000):
        path = os.path.join(root, f"{name}-{stamp}" + (f"-{k}" if k else ""))
        try:
            os.makedirs(path)
            return path
        except FileExistsError:
            continue
    raise FileExistsError(f"new_run_dir: could not create a fresh folder under {root!r}.")


class ImageGridCallback(keras.callbacks.Callback):
    """Saves a grid of samples from a *fixed* latent batch after every ``every`` epochs.

    The same latents every time make the grids a film of one set of digits learning to
    be digits. Files go to ``run_dir/epoch_001.png``, ... ; an existing file is never
    overwritten (a second ``fit`` continues the numbering). ``paths`` lists what was saved.
    """

    def __init__(self, run_dir=None, n=16, every=1, seed=0, nrow=None):
        super().__init__()
        self.run_dir = run_dir or new_run_dir("grids")
        os.makedirs(self.run_dir, exist_ok=True)
        self.n, self.every, self.seed, self.nrow = n, max(1, int(every)), seed, nrow
        self.z = None
        self.epochs_seen = 0
        self.paths = []

    def on_train_begin(self, logs=None):
        if self.z is None:
            self.z = np.random.default_rng(self.seed).standard_normal(
                (self.n, self.model.latent_dim)).astype(np.float32)

    def on_epoch_end(self, epoch, logs=None):
        self.epochs_seen += 1
        if self.epochs_seen % self.every:
            return
        path = os.path.join(self.run_dir, f"epoch_{self.epochs_seen:03d}.png")
        save_image_grid(self.model.generate(z=self.z), path, nrow=self.nrow)
        self.paths.append(path)
