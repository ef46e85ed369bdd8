"""The model behind notebook 05's stepper: a small 2-D GAN, trained in place ``n`` generator
steps at a time on a toy target, and put back exactly where its seed made it by ``reset()``.

Plain Keras / TensorFlow: no widgets and no display, so it runs headless (scripts, tests).
"""
import time

import keras
import numpy as np
import tensorflow as tf

from ...models import dense_discriminator, dense_generator
from ...training import GAN
from .targets import toy_target


def whole_steps(n, caller):
    """``n`` as an int if it is a whole number of steps >= 0; else a ValueError naming
    ``caller``."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"{caller}: n must be a whole number of steps >= 0, got {n!r}.")
    return int(n)


class GAN2DModel:
    """A :class:`gan_helpers.GAN` on 2-D points, with seeded players and one compiled loop.

    The generator and discriminator are MLPs (:func:`gan_helpers.dense_generator` and
    ``dense_discriminator``, ReLU hidden layers of ``widths``, a linear 2-D output); their
    Dense layers get seeded Glorot-uniform kernels and zero biases, so the same ``seed`` gives
    the same players whatever ran before (the global random state is left alone). Both
    optimisers are Adam(β1 = 0.5) at constant rates ``lr_g`` and ``lr_d``.

    ``train(n, target)`` runs ``n`` of the GAN's own ``train_step`` (one discriminator update
    on a fresh real batch of ``batch`` points from the target and a fake batch, then one
    non-saturating generator update) inside one traced ``tf.function``; the target and ``n``
    are arguments, so every call, target and reset shares one trace. ``reset()`` restores every
    weight, optimiser slot and random-number state (the GAN's and the real batches'), so the
    same calls replay the same run bit for bit.

    Attributes: ``gan`` (the :class:`gan_helpers.GAN`), ``seed``, ``batch``, ``step``.
    """

    def __init__(self, seed=0, lr_g=1e-3, lr_d=1e-4, latent_dim=8, widths=(64, 64), batch=256):
        if int(batch) < 1:
            raise ValueError(f"GAN2DModel: batch must be >= 1, got batch={batch}.")
        self.seed, self.batch = int(seed), int(batch)
        self.gan, self._data_seed = self._build(lr_g, lr_d, int(latent_dim), tuple(widths))
        # Everything that training changes, as built from the seed: restored by reset().
        self._variables = self._training_state()
        self._initial = [v.numpy() for v in self._variables]
        self._train_fn = self._make_train_fn()

    @property
    def step(self):
        """Generator updates since the last reset."""
        return int(np.asarray(self.gan.g_optimizer.iterations))

    def train(self, n, target):
        """Run ``n`` generator steps on real batches from the toy ``target`` ('ring' or
        'grid'); returns the seconds they took (the first call also traces the loop)."""
        n = whole_steps(n, "GAN2DModel.train")
        centres, std, _ = toy_target(target)
        start = time.perf_counter()
        self._train_fn(tf.constant(n, tf.int32), tf.constant(centres), tf.constant(std))
        return time.perf_counter() - start

    def reset(self):
        """Back to step 0: every weight, optimiser slot and random state as the seed made it."""
        for v, value in zip(self._variables, self._initial):
            v.assign(value)

    def _build(self, lr_g, lr_d, latent_dim, widths):
        g = dense_generator(latent_dim=latent_dim, widths=widths, output_shape=2,
                            output_activation=None, name="toy_generator")
        d = dense_discriminator(input_shape=2, widths=widths, name="toy_discriminator")
        # Seeded initialisers instead of gh.set_seed: the same seed gives the same players
        # whatever ran before, and the notebook's global seed is not reset behind its back.
        for k, model in enumerate((g, d)):
            for i, layer in enumerate(model.layers):
                if isinstance(layer, keras.layers.Dense):
                    init = keras.initializers.GlorotUniform(seed=self.seed * 1000 + 100 * k + i)
                    layer.kernel.assign(init(layer.kernel.shape))
                    layer.bias.assign(np.zeros(layer.bias.shape, np.float32))
        gan = GAN(g, d, seed=self.seed)
        gan.compile(d_optimizer=keras.optimizers.Adam(lr_d, beta_1=0.5),
                    g_optimizer=keras.optimizers.Adam(lr_g, beta_1=0.5),
                    jit_compile=False)  # builds both optimisers' slots now
        data_seed = keras.random.SeedGenerator(self.seed + 1)  # real batches
        return gan, data_seed

    def _training_state(self):
        gan, seen, out = self.gan, set(), []
        for v in (list(gan.generator.weights) + list(gan.discriminator.weights)
                  + list(gan.d_optimizer.variables) + list(gan.g_optimizer.variables)
                  + [gan.seed_generator.state, self._data_seed.state]
                  + [w for m in gan.metrics for w in m.variables]):
            if id(v) not in seen:
                seen.add(id(v))
                out.append(v)
        return out

    def _make_train_fn(self):
        gan, data_seed, batch = self.gan, self._data_seed, self.batch

        def step(i, centres, std):
            idx = keras.random.randint((batch,), 0, tf.shape(centres)[0], seed=data_seed)
            real = tf.gather(centres, idx) + std * keras.random.normal((batch, 2), seed=data_seed)
            gan.train_step(real)  # gh.GAN's own step: one D update, then one G update
            return i + 1, centres, std

        # One trace serves every call, target and reset: n and the target are arguments.
        # autograph=False: the loop is an explicit while_loop, and Keras' code is traced as
        # it is instead of being converted first (seconds saved on the first click).
        @tf.function(autograph=False,
                     input_signature=[tf.TensorSpec([], tf.int32),
                                      tf.TensorSpec([None, 2], tf.float32),
                                      tf.TensorSpec([], tf.float32)])
        def train(n, centres, std):
            tf.while_loop(lambda i, *_: i < n, step, (tf.constant(0), centres, std))
            return gan.g_optimizer.iterations

        return train
