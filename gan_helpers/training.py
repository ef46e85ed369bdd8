"""The GAN trainer: a ``keras.Model`` whose ``train_step`` plays the two-player game.

Training is ``gan.fit(dataset, epochs=...)``, so progress bars, History and callbacks
come from Keras. Style after the keras-io GAN examples (``compile(d_optimizer=...,
g_optimizer=...)``, loss trackers, a ``SeedGenerator`` for the noise, ``train_step`` read
top to bottom with the discriminator's step before the generator's).
"""
import os
import time

import keras
import numpy as np
import tensorflow as tf

from . import images
from . import losses as L
from .penalties import r1_penalty
from .plots import image_grid, save_image_grid
from .runtime import in_colab, mix_seed

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
        gradient_norms: also report ``d_grad_norm`` and ``g_grad_norm``, the global L2 norm
            of each player's gradient (averaged over the step's updates and the epoch, and
            of the unscaled gradient under loss scaling, leaving out the steps that loss
            scaling skips for overflow): a vanishing ``g_grad_norm`` is the
            signature of a discriminator that wins. Off by default; off, the compiled step
            contains no trace of it.
    """

    def __init__(self, generator, discriminator, latent_dim=None, d_steps=1, seed=None,
                 updates="alternating", gradient_norms=False, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.discriminator = discriminator
        g_in = generator.input_shape
        if isinstance(g_in, list):  # several inputs (a conditional G): the noise comes first
            g_in = g_in[0]
        self.latent_dim = int(latent_dim or g_in[-1])
        if g_in[-1] is not None and self.latent_dim != g_in[-1]:
            raise ValueError(f"GAN: latent_dim={self.latent_dim} but the generator expects "
                             f"{g_in[-1]}-dimensional noise; pass latent_dim={g_in[-1]} "
                             "or omit it.")
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
        self.gradient_norms = bool(gradient_norms)
        self.d_norm_tracker = keras.metrics.Mean(name="d_grad_norm") if gradient_norms else None
        self.g_norm_tracker = keras.metrics.Mean(name="g_grad_norm") if gradient_norms else None
        # G and D are built already; without this, Keras would try to build the wrapper
        # by calling it on a batch of *images* (under tf.distribute, for one).
        self.built = True

    def compile(self, *args, d_optimizer=None, g_optimizer=None, generator_loss="non_saturating",
                real_target=1.0, fake_target=0.0, discriminator_loss="minimax", r1_gamma=0.0,
                jit_compile="auto", **kwargs):
        """Choose the optimisers and losses: ``compile(d_optimizer=..., g_optimizer=...)``.

        The optimisers are keyword-only: passed by position, a swap of the two would train
        each player at the other's rate without a word.
        ``generator_loss``: 'non_saturating' (default), 'minimax', 'hinge', or a function of
        the fake logits. ``discriminator_loss``: 'minimax' (default; with the targets below)
        or 'hinge' (:mod:`gan_helpers.losses`), or a function of the real and fake logits.
        ``real_target`` < 1 is one-sided label smoothing (the minimax loss only).
        ``r1_gamma`` > 0 adds the R1 penalty (γ/2)·E‖∇ₓD(x)‖² on the real batch to D's loss
        (Mescheder et al. 2018; :func:`gan_helpers.penalties.r1_penalty`); it costs one more
        D forward pass and a double backward per D update. ``jit_compile``
        ('auto', True, False) is passed to Keras: 'auto' uses XLA only on a GPU.
        Under the 'mixed_float16' policy both optimisers get loss scaling (Keras would
        only wrap the single optimizer it is given).
        """
        _require_keyword_optimizers(type(self).__name__, args, d_optimizer, g_optimizer)
        super().compile(jit_compile=jit_compile, **kwargs)
        if d_optimizer is g_optimizer:
            raise ValueError("GAN.compile: pass two distinct optimizer objects; a shared one "
                             "would mix the two players' moment estimates.")
        self.d_optimizer = _maybe_loss_scale(d_optimizer)
        self.g_optimizer = _maybe_loss_scale(g_optimizer)
        # Create the optimisers' slot variables now, in the caller's strategy scope: built
        # lazily inside a replicated step they break tf.distribute, and a checkpoint
        # restored before they exist would silently drop their saved state.
        for opt, net in ((self.d_optimizer, self.discriminator),
                         (self.g_optimizer, self.generator)):
            if not opt.built:
                opt.build(net.trainable_variables)
        self.generator_loss = L.get_generator_loss(generator_loss)
        self.discriminator_loss = L.get_discriminator_loss(discriminator_loss)
        self.real_target = float(real_target)
        self.fake_target = float(fake_target)
        L.minimax_discriminator_loss(tf.zeros((1, 1)), tf.zeros((1, 1)), self.real_target,
                             self.fake_target)  # validates the targets now, not mid-fit
        if (self.real_target, self.fake_target) != (1.0, 0.0) and \
                self.discriminator_loss is not L.minimax_discriminator_loss:
            raise ValueError("GAN.compile: real_target and fake_target (label smoothing) apply "
                             "to the minimax discriminator loss only, not to "
                             f"{discriminator_loss!r}.")
        if not float(r1_gamma) >= 0:
            raise ValueError(f"GAN.compile: r1_gamma must be >= 0, got {r1_gamma}.")
        self.r1_gamma = float(r1_gamma)

    def fit(self, x=None, *args, shuffle=False, callbacks=None, guard=True, **kwargs):
        """``keras.Model.fit``, plus two safety nets: NumPy real samples are read by the one
        rule of :mod:`gan_helpers.images` (integer pixels are scaled to [-1, 1]; booleans,
        NaN, Inf and out-of-range floats are refused) before training, and with
        ``guard=True`` a :class:`DivergenceGuard` stops training at the first NaN/Inf loss,
        before a checkpoint can save it."""
        if isinstance(x, np.ndarray):
            x = self._real_samples(x)
        callbacks = list(callbacks or [])
        if guard and not any(isinstance(c, DivergenceGuard) for c in callbacks):
            callbacks.insert(0, DivergenceGuard(callbacks))
        # tf.data pipelines shuffle themselves; Keras would only warn about shuffle=True.
        return super().fit(x, *args, shuffle=shuffle, callbacks=callbacks, **kwargs)

    @property
    def sample_shape(self):
        """The shape of one real sample, as the discriminator reads it (its first input)."""
        d_in = self.discriminator.input_shape
        return tuple((d_in[0] if isinstance(d_in, list) else d_in)[1:])

    def _real_samples(self, x):
        name = f"{type(self).__name__}.fit: real samples"
        if len(self.sample_shape) == 3:
            return images.to_unit_range(x, name=name, shape=self.sample_shape)
        return images.as_samples(x, name=name, shape=self.sample_shape)

    @property
    def metrics(self):
        norms = [self.d_norm_tracker, self.g_norm_tracker] if self.gradient_norms else []
        return [self.d_loss_tracker, self.g_loss_tracker, self.d_real_tracker,
                self.d_fake_tracker] + norms

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
        if self.discriminator_loss is L.minimax_discriminator_loss:
            loss = L.minimax_discriminator_loss(real_logits, fake_logits, self.real_target,
                                                self.fake_target)
        else:
            loss = self.discriminator_loss(real_logits, fake_logits)
        if self.r1_gamma > 0:  # decided when the step is traced: no R1, no trace of it
            loss = loss + 0.5 * self.r1_gamma * r1_penalty(self.discriminator, real)
        return loss, real_logits, fake_logits

    def split_batch(self, data):
        """One batch -> (the discriminator's real input, the fakes' condition).

        The plain GAN has no condition (None); a conditional GAN returns ``[images, labels]``
        and the labels its fakes should show. With a condition, G gets ``[z, condition]``
        and D gets ``[images, condition]``.
        """
        real = data[0] if isinstance(data, (tuple, list)) else data
        self._check_batch_shape(real)
        return real, None

    def _check_batch_shape(self, real):
        """A dataset's batch of real samples must fit the discriminator (static shapes:
        checked once, when the step is traced)."""
        if tuple(real.shape[1:]) != self.sample_shape:
            raise ValueError(f"{type(self).__name__}.fit: the data yields batches of shape "
                             f"{tuple(real.shape)} but the discriminator expects (batch,) + "
                             f"{self.sample_shape}; fix the dataset (e.g. gh.mnist_dataset adds "
                             "the channel axis) or the model.")

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
        b = _size(real) // self.d_steps
        part = lambda x, i: tf.nest.map_structure(lambda t: t[i * b:(i + 1) * b], x)  # noqa: E731
        return [(part(real, i), None if cond is None else part(cond, i))
                for i in range(self.d_steps)]

    def train_step(self, data):
        *extra, (real, cond) = self.critic_batches(*self.split_batch(data))
        # 1. Extra critic updates (d_steps > 1): each on real samples of its own, fresh fakes.
        for real_i, cond_i in extra:
            fake_i = self.generator(_joined(self.sample_latent(_size(real_i)), cond_i),
                                    training=True)
            self.discriminator_step(real_i, _joined(fake_i, cond_i))
        # 2. The last discriminator update and the generator update, in the order chosen.
        if self.updates == "simultaneous":
            losses_and_logits = self.simultaneous_step(real, cond)
        else:
            losses_and_logits = self.alternating_step(real, cond)
        return self.track(*losses_and_logits)

    def discriminator_step(self, real, fake):
        """One discriminator update on a real and a fake batch (the fakes held constant).
        Returns ``(d_loss, real_logits, fake_logits)``."""
        with tf.GradientTape() as tape:
            d_loss, real_logits, fake_logits = self.compute_d_loss(real, fake)
            scaled = _scaled(self.d_optimizer, d_loss)
        _apply(self.d_optimizer, tape.gradient(scaled, self.discriminator.trainable_weights),
               self.discriminator, self.d_norm_tracker)
        return d_loss, real_logits, fake_logits

    def alternating_step(self, real, cond, z=None):
        """D, then G judged by the updated D (Goodfellow et al. 2014, Algorithm 1).
        ``z``: the noise for this step's fakes, ``(batch, latent_dim)``; by default drawn
        from :meth:`sample_latent` (pass it to replay a step on noise of your own).
        Returns ``(d_loss, g_loss, real_logits, fake_logits)``."""
        if z is None:
            z = self.sample_latent(_size(real))
        with tf.GradientTape() as tape:
            # The fakes: one generator pass serves both updates (G does not depend on D).
            fake = self.generator(_joined(z, cond), training=True)
            # Discriminator step, on the fakes as constants: not part of G's gradient.
            with tape.stop_recording():
                d_loss, real_logits, _ = self.discriminator_step(
                    real, _joined(tf.stop_gradient(fake), cond))
            # Generator step: its loss on the *updated* discriminator's logits.
            fake_logits = self.discriminator(_joined(fake, cond), training=True)
            g_loss = self.generator_loss(fake_logits)
            scaled = _scaled(self.g_optimizer, g_loss)
        _apply(self.g_optimizer, tape.gradient(scaled, self.generator.trainable_weights),
               self.generator, self.g_norm_tracker)
        return d_loss, g_loss, real_logits, fake_logits

    def simultaneous_step(self, real, cond):
        """Both players' gradients at the same (G, D), then both updates (the TF DCGAN
        tutorial's step). Returns ``(d_loss, g_loss, real_logits, fake_logits)``."""
        with tf.GradientTape() as d_tape, tf.GradientTape() as g_tape:
            fake = self.generator(_joined(self.sample_latent(_size(real)), cond), training=True)
            # D's logits on the fakes serve both losses.
            d_loss, real_logits, fake_logits = self.compute_d_loss(real, _joined(fake, cond))
            g_loss = self.generator_loss(fake_logits)
            d_scaled = _scaled(self.d_optimizer, d_loss)
            g_scaled = _scaled(self.g_optimizer, g_loss)
        # Both gradients first, then both updates.
        d_grads = d_tape.gradient(d_scaled, self.discriminator.trainable_weights)
        g_grads = g_tape.gradient(g_scaled, self.generator.trainable_weights)
        _apply(self.d_optimizer, d_grads, self.discriminator, self.d_norm_tracker)
        _apply(self.g_optimizer, g_grads, self.generator, self.g_norm_tracker)
        return d_loss, g_loss, real_logits, fake_logits

    def track(self, d_loss, g_loss, real_logits, fake_logits):
        """Update the loss trackers and mean D(x), D(G(z)); return the logs of this step."""
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        self.d_real_tracker.update_state(tf.reduce_mean(tf.sigmoid(tf.cast(real_logits,
                                                                           tf.float32))))
        self.d_fake_tracker.update_state(tf.reduce_mean(tf.sigmoid(tf.cast(fake_logits,
                                                                           tf.float32))))
        return {m.name: m.result() for m in self.metrics}


class TrainingDiverged(RuntimeError):
    """A loss became NaN or infinite."""


class DivergenceGuard(keras.callbacks.TerminateOnNaN):
    """Keras' ``TerminateOnNaN`` for a GAN: it watches every loss the GAN logs (``d_loss``,
    ``g_loss``; Keras' own watches only ``loss``, which a GAN does not log) and raises
    :class:`TrainingDiverged` at the first NaN or infinite one, naming the step.

    It raises inside the epoch, so no checkpoint callback gets to save the broken state:
    the last good checkpoint stays the newest one, and the message names it when one of
    ``callbacks`` (e.g. a :class:`gan_helpers.GANCheckpoint`) has a checkpoint manager.
    ``GAN.fit`` adds a guard by default.
    """

    def __init__(self, callbacks=()):
        super().__init__()
        self.others = list(callbacks)

    def on_batch_end(self, batch, logs=None):
        bad = {k: float(v) for k, v in (logs or {}).items()
               if k.endswith("loss") and not np.isfinite(float(v))}
        if not bad:
            return
        step = int(np.asarray(self.model.g_optimizer.iterations))
        for c in self.others:  # e.g. a RunLog records the broken step before the raise
            if hasattr(c, "on_divergence"):
                c.on_divergence(step, logs)
        kept = [getattr(c, "manager", None) for c in self.others]
        latest = next((m.latest_checkpoint for m in kept if m is not None and m.latest_checkpoint),
                      None)
        where = f" The last good checkpoint is kept: {latest}." if latest else ""
        raise TrainingDiverged(
            f"Training diverged at step {step} (batch {batch} of this epoch): "
            + ", ".join(f"{k}={v}" for k, v in bad.items()) + "." + where
            + " Lower the learning rates (e.g. Adam 2e-4, beta_1=0.5), check the input range "
            "([-1, 1]), and restart from the checkpoint.")


def _require_keyword_optimizers(owner, args, d_optimizer, g_optimizer):
    if args:
        raise TypeError(f"{owner}.compile takes its optimisers by keyword, "
                        "compile(d_optimizer=..., g_optimizer=...), not by position: a swapped "
                        "pair would silently train each player at the other's settings.")
    if d_optimizer is None or g_optimizer is None:
        missing = [n for n, o in (("d_optimizer", d_optimizer), ("g_optimizer", g_optimizer))
                   if o is None]
        raise TypeError(f"{owner}.compile needs both optimisers; missing: {', '.join(missing)}.")


def _joined(x, cond):
    """A network's input: ``x`` alone, or ``[x, cond]`` for a conditional GAN."""
    return x if cond is None else [x, cond]


def _size(batch):
    """The number of examples in a (possibly nested) batch."""
    return tf.shape(tf.nest.flatten(batch)[0])[0]


def _scaled(optimizer, loss):
    """The loss to differentiate: a per-replica share of the global mean, loss-scaled.

    * Replica scaling: under ``tf.distribute`` the optimiser *sums* the replicas'
      gradients, so each replica's loss is divided by their number (a global mean).
    * Loss scaling: under 'mixed_float16' a ``LossScaleOptimizer`` multiplies the loss
      (and later divides the gradients) so that float16 gradients do not underflow;
      other optimisers return the loss unchanged.
    """
    loss = loss / tf.distribute.get_strategy().num_replicas_in_sync
    return optimizer.scale_loss(loss) if hasattr(optimizer, "scale_loss") else loss


def _apply(optimizer, grads, network, norm_tracker=None):
    """Apply the gradients; with a tracker, also record their global L2 norm, unscaled: the
    gradient of the player's own loss (times the replicas, for the division in _scaled;
    divided by the loss scale under 'mixed_float16')."""
    if norm_tracker is not None:
        norm = tf.linalg.global_norm([tf.cast(g, tf.float32) for g in grads if g is not None])
        norm *= tf.distribute.get_strategy().num_replicas_in_sync
        if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
            norm /= tf.cast(optimizer.dynamic_scale, tf.float32)
        # A step whose scaled gradient overflowed is skipped by loss scaling: not counted.
        finite = tf.math.is_finite(norm)
        norm_tracker.update_state(tf.where(finite, norm, 0.0),
                                  sample_weight=tf.cast(finite, tf.float32))
    optimizer.apply_gradients(zip(grads, network.trainable_weights))


def _maybe_loss_scale(optimizer):
    if (keras.config.dtype_policy().name == "mixed_float16"
            and not isinstance(optimizer, keras.optimizers.LossScaleOptimizer)):
        return keras.optimizers.LossScaleOptimizer(optimizer)
    return optimizer


# --- run folders and the image-grid callback ----------------------------------------------

RUNS_ENV = "GAN_WORKBOOK_RUNS"


DRIVE_MOUNT = "/content/drive"   # where Colab mounts Google Drive
_drive_hint_shown = False


def use_google_drive(folder="gan-workbook", mount_point=DRIVE_MOUNT):
    """On Colab: mount your Google Drive (Colab asks you to allow it) and put every later run
    folder, figures and checkpoints, under ``MyDrive/<folder>/runs``, so that a disconnect
    loses nothing. Returns that folder. Elsewhere it changes nothing and returns ``None``.
    """
    if not in_colab():
        print(f"Not on Colab: run folders stay under {os.environ.get(RUNS_ENV) or './runs'}.")
        return None
    from google.colab import drive  # only exists on Colab

    drive.mount(mount_point)
    root = os.path.join(mount_point, "MyDrive", folder, "runs")
    os.makedirs(root, exist_ok=True)
    os.environ[RUNS_ENV] = root
    print(f"Run folders now go to your Google Drive: {root}")
    return root


def new_run_dir(name="run", root=None):
    """Create and return a fresh folder ``root/name-YYYYmmdd-HHMMSS[-k]``.

    ``root`` defaults to ``$GAN_WORKBOOK_RUNS`` or ``./runs``. The folder is always new
    (``k`` counts up on a clash), so an earlier run's figures are never overwritten. On Colab,
    where ``./runs`` disappears with the runtime, the first call says how to keep runs on
    Google Drive instead (:func:`use_google_drive`).
    """
    global _drive_hint_shown
    if root is None and not os.environ.get(RUNS_ENV) and in_colab() and not _drive_hint_shown:
        _drive_hint_shown = True
        print("On Colab, ./runs is deleted with the runtime. To keep your figures and "
              "checkpoints, run `gh.use_google_drive()` (it mounts your Drive) before this.")
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


def _fixed_latents(n, latent_dim, seed):
    """The same ``n`` latents for every grid of a run (a callback's film of one set of digits)."""
    return np.random.default_rng(seed).standard_normal((n, latent_dim)).astype(np.float32)


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
            self.z = _fixed_latents(self.n, self.model.latent_dim, self.seed)

    def on_epoch_end(self, epoch, logs=None):
        self.epochs_seen += 1
        if self.epochs_seen % self.every:
            return
        path = os.path.join(self.run_dir, f"epoch_{self.epochs_seen:03d}.png")
        save_image_grid(self.model.generate(z=self.z), path, nrow=self.nrow)
        self.paths.append(path)


class RunLog(keras.callbacks.Callback):
    """What a training panel shows (:func:`gan_helpers.plots.training_panel`), recorded as the
    run goes: every metric the GAN logs (``d_loss``, ``g_loss``, ``d_real`` = mean D(x),
    ``d_fake`` = mean D(G(z)), and ``d_grad_norm``, ``g_grad_norm`` with
    ``GAN(gradient_norms=True)``) at the end of each epoch, with the generator step reached,
    and samples of one fixed latent batch every ``sample_every`` epochs.

    Keras averages a metric over its epoch, so for a curve train in short epochs
    (``fit(ds, epochs=20, steps_per_epoch=50)``: one point per 50 steps). When a loss turns
    NaN or infinite, ``GAN.fit``'s :class:`DivergenceGuard` hands this log the broken step's
    values before it raises: ``diverged_at`` is that step (None while the run is finite), and
    the last point of each curve is the non-finite one. A second ``fit`` continues the log.

    Attributes: ``steps`` (the generator step of each point), ``history`` ({metric: [value,
    ...]}), ``samples`` ([(step, images), ...]), ``diverged_at``.
    """

    def __init__(self, n=8, sample_every=1, seed=0):
        super().__init__()
        if int(n) < 0 or int(sample_every) < 1:
            raise ValueError(f"RunLog: n must be >= 0 and sample_every >= 1, got n={n}, "
                             f"sample_every={sample_every}.")
        self.n, self.sample_every, self.seed = int(n), int(sample_every), seed
        self.z = None
        self.steps, self.history, self.samples = [], {}, []
        self.diverged_at = None
        self._epochs = 0

    def _record(self, step, logs):
        self.steps.append(int(step))
        for k, v in (logs or {}).items():
            self.history.setdefault(k, [np.nan] * (len(self.steps) - 1)).append(float(v))
        for values in self.history.values():  # a metric missing from these logs: a gap
            values.extend([np.nan] * (len(self.steps) - len(values)))

    def on_train_begin(self, logs=None):
        if self.z is None and self.n:
            self.z = _fixed_latents(self.n, self.model.latent_dim, self.seed)
            self.samples.append((self._step(), self.model.generate(z=self.z)))

    def _step(self):
        return int(np.asarray(self.model.g_optimizer.iterations))

    def on_epoch_end(self, epoch, logs=None):
        self._epochs += 1
        self._record(self._step(), logs)
        if self.n and self._epochs % self.sample_every == 0:
            self.samples.append((self.steps[-1], self.model.generate(z=self.z)))

    def on_divergence(self, step, logs):
        """Called by :class:`DivergenceGuard` with the non-finite step's logs."""
        self.diverged_at = int(step)
        self._record(step, logs)


# --- an exponential moving average of G's weights ---------------------------------------------

def _ema_optimizer(gan, who):
    opt = getattr(gan.g_optimizer, "inner_optimizer", gan.g_optimizer)  # under loss scaling
    if not getattr(opt, "use_ema", False):
        raise ValueError(f"{who}: the generator's optimizer keeps no moving average; build it "
                         "with use_ema=True, e.g. g_optimizer=keras.optimizers.Adam(2e-4, "
                         "beta_1=0.5, use_ema=True, ema_momentum=0.999).")
    return opt


class GeneratorEMA(keras.callbacks.Callback):
    """A warm-up for the moving average of G's weights that Keras' optimizer keeps.

    Build G's optimizer with ``use_ema=True, ema_momentum=β`` (Keras then updates, after
    every G step, θ̄ ← m·θ̄ + (1 − m)·θ, starting from θ̄ = θ at the first step) and pass this
    callback to ``fit``. It lets m grow with the step t (0-based) instead of starting at β:

        m_t = min(β, (1 + t) / (warmup + t))

    (TensorFlow's ``ExponentialMovingAverage`` with ``num_updates``): the average spans about
    1/(1 − m_t) ≈ (warmup + t)/(warmup − 1) recent steps, about t/9 with the default, until
    that reaches 1/(1 − β). Without it, β = 0.999 would average over the last ~1,000 steps
    from the start, keeping the barely trained weights of a short run's first thousand steps
    in the average. Samples from θ̄ often score better than from θ (Karras et al. 2018,
    ProGAN; Yazıcı et al. 2019, "The Unusual Effectiveness of Averaging in GAN Training"),
    most clearly late in long runs. :func:`ema_generator` builds a generator from θ̄.

    The momentum lives in a variable the compiled step reads, so this callback must be among
    ``fit``'s callbacks from the first ``fit`` on (a step traced without it keeps β). The
    average itself is an optimizer variable: :class:`GANCheckpoint` saves and restores it.
    """

    def __init__(self, warmup=10):
        super().__init__()
        if not warmup > 1:  # warmup = 1 would give m_t = 1: an average frozen at step 0
            raise ValueError(f"GeneratorEMA: warmup must be > 1, got {warmup}.")
        self.warmup = float(warmup)
        self.momentum = None

    def on_train_begin(self, logs=None):
        opt = _ema_optimizer(self.model, "GeneratorEMA")
        if not isinstance(opt.ema_momentum, tf.Variable):
            # A variable, so the compiled step reads its current value; set without
            # tracking: it is derived from the step count, not state to checkpoint. β itself
            # stays on the optimizer, for this or any later GeneratorEMA to read.
            object.__setattr__(opt, "_ema_target_momentum", float(opt.ema_momentum))
            object.__setattr__(opt, "ema_momentum",
                               tf.Variable(float(opt.ema_momentum), trainable=False,
                                           dtype=tf.float32))
        self.beta = opt._ema_target_momentum
        self.momentum = opt.ema_momentum
        self._optimizer = opt

    def on_train_batch_begin(self, batch, logs=None):
        t = int(self._optimizer.iterations.numpy())
        self.momentum.assign(min(self.beta, (1.0 + t) / (self.warmup + t)))


def ema_generator(gan, z=None, n=2000, seed=0):
    """A copy of ``gan.generator`` with the moving average θ̄ of its weights (see
    :class:`GeneratorEMA`); ``gan`` is left exactly as it was.

    Batch normalisation: the running means and variances were collected for the live
    weights θ, not for θ̄. The copy gets "standing statistics" of its own: each BN layer's
    statistics are set to those of one batch of the latents ``z`` (default: ``n`` standard
    normal latents drawn with ``seed``) passed through the averaged network, so in inference
    mode it normalises as it would in training mode on that batch.
    """
    opt = _ema_optimizer(gan, "ema_generator")
    live = gan.generator
    saved = [v.numpy() for v in live.trainable_variables]
    opt.finalize_variable_values(live.trainable_variables)   # Keras' public way to θ̄ ...
    averaged = keras.models.clone_model(live)
    averaged.set_weights(live.get_weights())
    for v, value in zip(live.trainable_variables, saved):     # ... and back to θ
        v.assign(value)
    norms = [layer for layer in averaged.layers
             if isinstance(layer, keras.layers.BatchNormalization)]
    if norms:
        if z is None:
            z = np.random.default_rng(seed).standard_normal((n, gan.latent_dim))
        momenta = [layer.momentum for layer in norms]
        for layer in norms:
            layer.momentum = 0.0      # the running statistics become this batch's
        averaged(np.asarray(z, np.float32), training=True)
        for layer, m in zip(norms, momenta):
            layer.momentum = m
    return averaged


class TensorBoardImages(keras.callbacks.Callback):
    """Logs a grid of samples from a *fixed* latent batch to TensorBoard every ``every``
    epochs, as the image summary ``name`` at step = epoch (the step Keras' own callback
    gives the epoch's metrics).

    It writes into ``log_dir/train``, where ``keras.callbacks.TensorBoard(log_dir)`` writes
    the training metrics (``epoch_d_loss``, ``epoch_g_loss``, ...), so TensorBoard shows the
    losses and the grids as one run::

        gan.fit(ds, epochs=10, callbacks=[keras.callbacks.TensorBoard(log_dir),
                                          gh.TensorBoardImages(log_dir)])

    then ``%load_ext tensorboard`` and ``%tensorboard --logdir <log_dir>`` in a notebook (or
    ``tensorboard --logdir <log_dir>`` in a terminal). Event files get new, unique names:
    a second ``fit`` adds to the run, it never replaces what an earlier one wrote.
    """

    def __init__(self, log_dir, n=16, every=1, seed=0, nrow=None, name="samples"):
        super().__init__()
        if not hasattr(tf.summary, "image"):  # tf.summary's writers come from tensorboard
            raise ImportError("TensorBoardImages needs the tensorboard package (TensorFlow "
                              ">= 2.21 no longer installs it): pip install tensorboard")
        self.log_dir = os.fspath(log_dir)
        self.n, self.every, self.seed, self.nrow = n, max(1, int(every)), seed, nrow
        self.name = name
        self.z = None
        self._writer = None

    def on_train_begin(self, logs=None):
        if self.z is None:
            self.z = _fixed_latents(self.n, self.model.latent_dim, self.seed)
        if self._writer is None:
            self._writer = tf.summary.create_file_writer(os.path.join(self.log_dir, "train"))

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        grid = image_grid(self.model.generate(z=self.z), nrow=self.nrow)  # uint8
        grid = grid[None, ..., None] if grid.ndim == 2 else grid[None]     # (1, H, W, C)
        with self._writer.as_default():
            tf.summary.image(self.name, grid, step=epoch)
        self._writer.flush()

    def on_train_end(self, logs=None):
        if self._writer is not None:
            self._writer.flush()
