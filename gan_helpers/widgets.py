"""Interactive explorers: thin ipywidgets front ends over the pure functions in
:mod:`gan_helpers.theory`.

Each explorer is a small class. ``update(**values)`` sets the sliders, recomputes
``state`` (a dict of numbers, from a pure function) and redraws; moving a slider does
the same through ``observe(..., names="value")``. The logic never lives in the widget,
so tests set ``slider.value`` and check ``state`` without a kernel or a browser.
Only API shared by ipywidgets 7.7 (Colab) and 8 is used.
"""
from __future__ import annotations

import ipywidgets as W

from . import theory


class _Explorer:
    """What every explorer shares: ``figure()`` draws the current ``state`` (a subclass
    defines it), ``_redraw`` shows it in the ``output`` widget, and displaying the explorer
    displays its ``widget``. ``draws`` counts redraws (the tests read it). Explorers with
    sliders name them in ``SLIDERS``; ``update(**values)`` sets several, then recomputes once.
    """

    SLIDERS = ()
    _setting = False

    def _watch_sliders(self):
        for name in self.SLIDERS:
            getattr(self, name).observe(self._on_change, names="value")

    def _on_change(self, change):
        if not self._setting:  # _set_sliders sets several sliders, then update() runs once
            self.update()

    def _set_sliders(self, values):
        unknown = set(values) - set(self.SLIDERS)
        if unknown:
            raise TypeError(f"{type(self).__name__}.update: unknown slider(s) {sorted(unknown)}; "
                            f"use {' and/or '.join(n + '=' for n in self.SLIDERS)}.")
        self._setting = True
        try:
            for name, value in values.items():
                getattr(self, name).value = value
        finally:
            self._setting = False

    def _redraw(self):
        import matplotlib.pyplot as plt
        from IPython.display import clear_output, display

        fig = self.figure()
        with self.output:
            clear_output(wait=True)
            display(fig)
        plt.close(fig)  # shown via the Output widget only, not again at the cell's end
        self.draws += 1

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


class MinimaxExplorer(_Explorer):
    """Sliders for p_g = N(mean, std²) against a fixed p_data; shows D*, V(D*, G), JSD.

    Attributes: ``mean`` and ``std`` (FloatSliders), ``readout`` (HTML), ``output``
    (Output, holds the figure), ``widget`` (the VBox to display), ``state`` (the
    latest :func:`gan_helpers.theory.minimax_state`), ``draws`` (figures drawn so far).
    """

    SLIDERS = ("mean", "std")

    def __init__(self, g_mean=2.0, g_std=1.0, data_mean=0.0, data_std=1.0, draw=True):
        self.data_mean, self.data_std, self.draw = float(data_mean), float(data_std), draw
        style = {"description_width": "70px"}
        self.mean = W.FloatSlider(value=g_mean, min=-4.0, max=4.0, step=0.1,
                                  description="p_g mean", continuous_update=False, style=style)
        self.std = W.FloatSlider(value=g_std, min=0.2, max=3.0, step=0.1,
                                 description="p_g std", continuous_update=False, style=style)
        self.readout = W.HTML()
        self.output = W.Output()
        self.widget = W.VBox([W.HBox([self.mean, self.std]), self.readout, self.output])
        self.state = None
        self.draws = 0
        self._watch_sliders()
        self.update()

    def update(self, **values):
        """Set sliders by name (``mean=``, ``std=``), recompute ``state``, redraw; returns state.

        Values outside a slider's range are clipped by the slider, as a user would be.
        """
        self._set_sliders(values)
        self.state = theory.minimax_state(self.mean.value, self.std.value,
                                          self.data_mean, self.data_std)
        s = self.state
        self.readout.value = (
            f"V(D*, G) = <b>{s['V']:.4f}</b> &nbsp; JSD(p_data ‖ p_g) = <b>{s['JSD']:.4f}</b>"
            f" &nbsp; −log 4 + 2·JSD = {s['C']:.4f} &nbsp; (minimum −log 4 = {-theory.LOG4:.4f})")
        if self.draw:
            self._redraw()
        return s

    def figure(self):
        """A matplotlib Figure of both densities and D* for the current state."""
        import matplotlib.pyplot as plt

        s = self.state
        fig, ax = plt.subplots(figsize=(7, 3.2))
        ax.plot(s["x"], s["p_data"], label="p_data")
        ax.plot(s["x"], s["p_g"], label="p_g")
        ax.plot(s["x"], s["d_star"], "k--", label="D*(x)")
        ax.axhline(0.5, color="grey", lw=0.5)
        ax.set_xlim(-8, 8)  # fixed, so the picture does not jump as the sliders move
        ax.set_ylim(0, max(1.05, 1.05 * max(s["p_data"].max(), s["p_g"].max())))
        ax.set_xlabel("x")
        ax.set_ylabel("density / D*(x)")
        ax.set_title(f"p_g = N({s['g_mean']:.1f}, {s['g_std']:.1f}²): "
                     f"V = {s['V']:.3f}, JSD = {s['JSD']:.3f}")
        ax.legend(loc="upper left")
        fig.tight_layout()
        return fig


def minimax_explorer(g_mean=2.0, g_std=1.0, data_mean=0.0, data_std=1.0, draw=True):
    """Explore V(D*, G) = -log 4 + 2·JSD: move p_g and watch D*, V and JSD respond."""
    return MinimaxExplorer(g_mean, g_std, data_mean, data_std, draw=draw)


# --- 04 · DCGAN: the latent-space explorer ---------------------------------------------------

import numpy as np  # noqa: E402

from . import latent  # noqa: E402

class LatentExplorer(_Explorer):
    """Sliders over a trained generator's latent space; shows the digit they select.

    Two integer seeds pick latent vectors z_a and z_b (standard normal, seeded); ``t``
    walks the great circle between them (:func:`gan_helpers.latent.slerp`); ``dim`` and
    ``amount`` then add ``amount`` to one coordinate of that z, to see what a single
    latent direction does (usually little, and not one interpretable thing).

    Attributes: the sliders ``seed_a``, ``seed_b`` (IntSlider), ``t`` (FloatSlider),
    ``dim`` (IntSlider), ``amount`` (FloatSlider); ``output`` (Output), ``widget`` (the
    VBox to display); ``state``, a dict of numbers: ``z`` (latent_dim,), ``image``
    (28, 28, 1) in [-1, 1] for the current sliders, ``path`` (steps, 28, 28, 1), the
    whole interpolation from z_a to z_b with the same ``dim``/``amount`` edit; ``draws``.
    """

    SLIDERS = ("seed_a", "seed_b", "t", "dim", "amount")

    def __init__(self, gan, seed_a=0, seed_b=1, t=0.0, dim=0, amount=0.0, steps=8,
                 max_seed=99, draw=True):
        self.gan, self.steps, self.draw = gan, int(steps), draw
        latent_dim = int(gan.latent_dim)
        self.seed_a = W.IntSlider(value=seed_a, min=0, max=max_seed, description="seed a",
                                  continuous_update=False)
        self.seed_b = W.IntSlider(value=seed_b, min=0, max=max_seed, description="seed b",
                                  continuous_update=False)
        self.t = W.FloatSlider(value=t, min=0.0, max=1.0, step=0.05, description="t (a→b)",
                               continuous_update=False)
        self.dim = W.IntSlider(value=dim, min=0, max=latent_dim - 1, description="z dim",
                               continuous_update=False)
        self.amount = W.FloatSlider(value=amount, min=-4.0, max=4.0, step=0.25,
                                    description="+ amount", continuous_update=False)
        self.output = W.Output()
        self.widget = W.VBox([W.HBox([self.seed_a, self.seed_b, self.t]),
                              W.HBox([self.dim, self.amount]), self.output])
        self.state = None
        self.draws = 0
        self._watch_sliders()
        self.update()

    def latent(self, seed):
        """The latent vector of an integer seed (float32, shape (latent_dim,))."""
        return np.random.default_rng(seed).standard_normal(self.gan.latent_dim).astype(np.float32)

    def update(self, **values):
        """Set sliders by name (seed_a=, seed_b=, t=, dim=, amount=), regenerate; returns state."""
        self._set_sliders(values)
        z_a, z_b = self.latent(self.seed_a.value), self.latent(self.seed_b.value)
        ts = np.append(np.linspace(0.0, 1.0, self.steps), self.t.value)
        zs = latent.slerp(z_a, z_b, ts).astype(np.float32)  # the path, then the current z
        zs[:, self.dim.value] += self.amount.value
        images = self.gan.generate(z=zs)
        self.state = {"z": zs[-1], "image": images[-1], "path": images[:-1],
                      "t": float(self.t.value), "dim": int(self.dim.value),
                      "amount": float(self.amount.value)}
        if self.draw:
            self._redraw()
        return self.state

    def figure(self):
        """A matplotlib Figure: the current digit, and the whole path from z_a to z_b."""
        import matplotlib.pyplot as plt

        from .plots import image_grid

        s = self.state
        fig, (big, strip) = plt.subplots(
            1, 2, figsize=(9, 2.4), gridspec_kw={"width_ratios": [1, self.steps / 2]})
        big.imshow(s["image"][..., 0], cmap="gray", vmin=-1, vmax=1)
        big.set_title(f"t = {s['t']:.2f}")
        strip.imshow(image_grid(s["path"], nrow=self.steps), cmap="gray", vmin=0, vmax=255)
        strip.set_title(f"slerp from seed {self.seed_a.value} to seed {self.seed_b.value}"
                        + (f", z[{s['dim']}] + {s['amount']:g}" if s["amount"] else ""))
        for ax in (big, strip):
            ax.set_axis_off()
        fig.tight_layout()
        return fig


def latent_explorer(gan, seed_a=0, seed_b=1, steps=8, draw=True):
    """Explore a trained GAN's latent space with sliders (see :class:`LatentExplorer`)."""
    return LatentExplorer(gan, seed_a=seed_a, seed_b=seed_b, steps=steps, draw=draw)


# --- 03 · label smoothing: the explorer ------------------------------------------------------

class LabelSmoothingExplorer(_Explorer):
    """Sliders for D's real target α and fake target β; shows what they do to D.

    Three panels, all from :func:`gan_helpers.theory.smoothing_state`: D's per-sample loss
    BCE(α, l) on a real sample and BCE(β, l) on a fake against its logit l; their gradients
    σ(l) - α and σ(l) - β (zero where D outputs exactly its target); and the optimal
    D*(x) = (α p_data + β p_g)/(p_data + p_g) for p_data = N(0, 1), p_g = N(4, 1), with the
    push d/dx log D* that a fake at x gets from the non-saturating generator loss.

    Attributes: ``alpha``, ``beta`` (FloatSliders), ``readout`` (HTML), ``output`` (Output),
    ``widget`` (the VBox to display), ``state`` (the latest smoothing_state), ``draws``.
    """

    SLIDERS = ("alpha", "beta")

    def __init__(self, alpha=0.9, beta=0.0, data=(0.0, 1.0), g=(4.0, 1.0), draw=True):
        self.data, self.g, self.draw = tuple(data), tuple(g), draw
        style = {"description_width": "90px"}
        self.alpha = W.FloatSlider(value=alpha, min=0.5, max=1.0, step=0.05, readout_format=".2f",
                                   description="real target α", continuous_update=False,
                                   style=style)
        self.beta = W.FloatSlider(value=beta, min=0.0, max=0.5, step=0.05, readout_format=".2f",
                                  description="fake target β", continuous_update=False,
                                  style=style)
        self.readout = W.HTML()
        self.output = W.Output()
        self.widget = W.VBox([W.HBox([self.alpha, self.beta]), self.readout, self.output])
        self.state = None
        self.draws = 0
        self._watch_sliders()
        self.update()

    def update(self, **values):
        """Set sliders by name (``alpha=``, ``beta=``), recompute ``state``, redraw; returns
        state. Values outside a slider's range are clipped by the slider, as a user would be."""
        self._set_sliders(values)
        self.state = theory.smoothing_state(self.alpha.value, self.beta.value, self.data, self.g)
        s = self.state

        def logit(v):
            return "+∞" if v == float("inf") else "−∞" if v == float("-inf") else f"{v:+.2f}"

        self.readout.value = (
            f"D's best logit: real {logit(s['best_logit_real'])} (D = α = {s['alpha']:.2f}), "
            f"fake {logit(s['best_logit_fake'])} (D = β = {s['beta']:.2f}) &nbsp;|&nbsp; "
            f"max D* = <b>{s['d_max']:.3f}</b> &nbsp; D*(x = {s['tail_x']:g}) = "
            f"<b>{s['d_tail']:.3f}</b> &nbsp; push on a fake at p_g's mean = "
            f"<b>{s['push_at_g_mean']:+.3f}</b>")
        if self.draw:
            self._redraw()
        return s

    def figure(self):
        """A matplotlib Figure of the losses, their gradients, and D* with the push."""
        import matplotlib.pyplot as plt

        s = self.state
        fig, axes = plt.subplots(1, 3, figsize=(13, 3.4))
        l = s["logits"]
        axes[0].plot(l, s["loss_real"], label=f"real: BCE(α={s['alpha']:.2f}, l)")
        axes[0].plot(l, s["loss_fake"], label=f"fake: BCE(β={s['beta']:.2f}, l)")
        axes[0].set(xlabel="D's logit l", ylabel="D's loss per sample", ylim=(0, 8.5),
                    title="D's loss")
        axes[1].plot(l, s["grad_real"], label="real: σ(l) − α")
        axes[1].plot(l, s["grad_fake"], label="fake: σ(l) − β")
        axes[1].axhline(0, color="grey", lw=0.5)
        axes[1].set(xlabel="D's logit l", ylabel="d loss / d l", ylim=(-1.05, 1.05),
                    title="...its gradient (zero at D = target)")
        for ax in axes[:2]:
            for v, c in ((s["best_logit_real"], "C0"), (s["best_logit_fake"], "C1")):
                if abs(v) <= l[-1]:
                    ax.axvline(v, color=c, ls=":", lw=1)
            ax.legend(fontsize=8)
        ax = axes[2]
        ax.plot(s["x"], s["p_data"], label="p_data")
        ax.plot(s["x"], s["p_g"], label="p_g")
        ax.plot(s["x"], s["d_star"], "k--", label="D*(x)")
        ax.axhline(s["alpha"], color="C0", ls=":", lw=1)
        ax.axhline(s["beta"], color="C1", ls=":", lw=1)
        ax.set(xlabel="x", ylabel="density / D*(x)", ylim=(0, 1.05),
               title="Optimal D and the push on fakes")
        twin = ax.twinx()
        twin.plot(s["x"], s["push"], color="C3", lw=1, label="push d/dx log D*")
        twin.set(ylim=(-4.5, 0.5), ylabel="push on a fake")
        lines = ax.get_lines()[:3] + twin.get_lines()
        ax.legend(lines, [h.get_label() for h in lines], fontsize=7, loc="center left")
        fig.tight_layout()
        return fig


def label_smoothing_explorer(alpha=0.9, beta=0.0, draw=True):
    """Explore label smoothing: move D's real target α and fake target β and watch D's
    loss, its gradient and the optimal discriminator respond (see LabelSmoothingExplorer)."""
    return LabelSmoothingExplorer(alpha=alpha, beta=beta, draw=draw)


# --- 05 · mode collapse: a 2-D GAN, trained one click at a time ------------------------------

import time  # noqa: E402

from . import data as _data  # noqa: E402

#: The two benchmarks of notebook 05: label, sampler (gan_helpers.data), per-mode σ, and the
#: half-width of the square that is drawn.
TOY_TARGETS = {
    "ring": ("ring of 8", _data.ring_of_gaussians, 0.01, 1.6),
    "grid": ("grid of 25", _data.grid_of_gaussians, 0.05, 5.5),
}


def toy_target(name):
    """``(centres (K, 2) float32, std, half_width)`` of a toy benchmark: 'ring' or 'grid'."""
    if name not in TOY_TARGETS:
        raise ValueError(f"unknown toy target {name!r}; use one of {', '.join(TOY_TARGETS)}.")
    _, sample, std, half_width = TOY_TARGETS[name]
    return sample(1, std=std, seed=0)[1].astype(np.float32), float(std), float(half_width)


def toy_samples(name, n, seed):
    """``n`` samples (float32 (n, 2)) of a toy benchmark (gan_helpers.ring_of_gaussians or
    grid_of_gaussians), from a NumPy seed."""
    toy_target(name)
    _, sample, std, _ = TOY_TARGETS[name]
    return sample(n, std=std, seed=seed)[0]


class GAN2DStepper(_Explorer):
    """Train a small 2-D GAN on the ring or the grid a click at a time, and watch it learn (or not).

    Each click of **Train** runs ``steps`` generator updates of a :class:`gan_helpers.GAN`
    (its own ``train_step``: one discriminator step on a fresh real batch and a fake batch,
    then one non-saturating generator step), then recomputes ``state`` and redraws: G's
    samples for a fixed set of latent vectors over the real mixture, and D's verdict
    sigmoid(D(x)) as a filled contour. **Reset** (and choosing another target) puts every
    weight, optimiser slot and random-number state back where the seed put it, so the same
    clicks replay the same run exactly.

    The defaults are a GAN with a slow discriminator, as in notebook 05's "GAN, slow D" arm
    but on smaller networks: MLPs with two hidden layers of 64 ReLUs, an 8-dimensional latent,
    batches of 256, Adam(β1 = 0.5) with the generator 10× faster than the discriminator
    (``lr_g=1e-3``, ``lr_d=1e-4``). Notebook 05 passes its own networks and equal rates; pass
    ``lr_g=lr_d`` to compare. The rates stay constant (no decay).

    Attributes: ``target`` (Dropdown: 'ring' or 'grid'), ``steps`` (IntSlider: steps per
    click), ``train_button`` and ``reset_button`` (Buttons), ``readout`` (HTML), ``output``
    (Output, holds the figure), ``widget`` (the VBox to display), ``gan`` (the model),
    ``draws`` (figures drawn so far) and ``state``, a dict of numbers:

    * ``target``, ``step`` (generator updates so far), ``seconds`` (the last ``train`` call);
    * ``modes``, ``n_modes``, ``hq_fraction``, ``counts``: :func:`gan_helpers.metrics.coverage.
      mode_coverage` of ``samples`` (the VEEGAN/PacGAN 3σ protocol);
    * ``shares`` (K,): the fraction of ``samples`` nearest to each mode, high quality or not
      (where G's mass sits; a collapsed G puts most of it on one or two modes);
    * ``d_real``, ``d_fake``: mean sigmoid(D(x)) on ``real`` and on ``samples``;
    * ``samples`` (n_eval, 2): G on fixed latents; ``real`` (n_eval, 2): the target's samples;
    * ``d_grid`` (grid, grid): sigmoid(D) on the square ``[-half_width, half_width]²``,
      ``d_grid[i, j]`` at ``(axis[j], axis[i])``; ``axis`` (grid,);
    * ``history``: since the last reset, one dict per evaluation with ``step``, ``modes``,
      ``hq_fraction``, ``d_real``, ``d_fake`` and ``shares``.
    """

    def __init__(self, target="ring", steps=200, seed=0, lr_g=1e-3, lr_d=1e-4, latent_dim=8,
                 widths=(64, 64), batch=256, n_eval=2500, grid=81, max_steps=1000, draw=True):
        toy_target(target)  # refuse an unknown name before building anything
        if int(batch) < 1 or int(n_eval) < 1 or int(grid) < 2:
            raise ValueError(f"GAN2DStepper: batch, n_eval must be >= 1 and grid >= 2, got "
                             f"batch={batch}, n_eval={n_eval}, grid={grid}.")
        self.seed, self.batch, self.n_eval, self.grid = int(seed), int(batch), int(n_eval), int(grid)
        self.draw = draw
        self.gan = self._build(lr_g, lr_d, int(latent_dim), tuple(widths))
        # Everything that training changes, as built from the seed: restored by reset().
        self._variables = self._training_state()
        self._initial = [v.numpy() for v in self._variables]
        # Fixed latents: the samples change only because G does.
        self._z = np.random.default_rng(self.seed).standard_normal(
            (self.n_eval, self.gan.latent_dim)).astype(np.float32)
        self._train_fn = self._make_train_fn()

        style = {"description_width": "initial"}
        self.target = W.Dropdown(options=[(label, key) for key, (label, *_) in TOY_TARGETS.items()],
                                 value=target, description="target", style=style,
                                 layout=W.Layout(width="170px"))
        self.steps = W.IntSlider(value=int(steps), min=10, max=max(int(max_steps), int(steps)),
                                 step=10, description="steps per click", style=style,
                                 continuous_update=False)
        self.train_button = W.Button(description="Train", button_style="primary",
                                     tooltip="train the GAN for 'steps per click' generator steps")
        self.reset_button = W.Button(description="Reset",
                                     tooltip="G, D and their optimisers as the seed made them: step 0")
        self.readout = W.HTML()
        self.output = W.Output()
        self.widget = W.VBox([W.HBox([self.target, self.steps, self.train_button,
                                      self.reset_button]), self.readout, self.output])
        self.state = None
        self.draws = 0
        self.train_button.on_click(self._on_train)
        self.reset_button.on_click(self._on_reset)
        self.target.observe(self._on_target, names="value")
        self.reset()

    # --- the model (plain Keras / TensorFlow) ---------------------------------------------

    def _build(self, lr_g, lr_d, latent_dim, widths):
        import keras

        from .models import dense_discriminator, dense_generator
        from .training import GAN

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
        gan.compile(keras.optimizers.Adam(lr_d, beta_1=0.5), keras.optimizers.Adam(lr_g, beta_1=0.5),
                    jit_compile=False)  # builds both optimisers' slots now
        self._data_seed = keras.random.SeedGenerator(self.seed + 1)  # real batches
        return gan

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
        import keras
        import tensorflow as tf

        gan, data_seed, batch = self.gan, self._data_seed, self.batch

        def step(i, centres, std):
            idx = keras.random.randint((batch,), 0, tf.shape(centres)[0], seed=data_seed)
            real = tf.gather(centres, idx) + std * keras.random.normal((batch, 2), seed=data_seed)
            gan.train_step(real)  # gh.GAN's own step: one D update, then one G update
            return i + 1, centres, std

        # One trace serves every click, target and reset: n and the target are arguments.
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

    def _evaluate(self, seconds=0.0):
        """Recompute ``state`` from the models (numbers only; drawing is separate)."""
        from .metrics.coverage import mode_coverage
        from .theory import sigmoid

        name = self.target.value
        centres, std, half_width = toy_target(name)
        samples = np.asarray(self.gan.generator(self._z, training=False), dtype=np.float32)
        axis = np.linspace(-half_width, half_width, self.grid, dtype=np.float32)
        gx, gy = np.meshgrid(axis, axis)  # gx[i, j] = axis[j], gy[i, j] = axis[i]
        points = np.stack([gx.ravel(), gy.ravel()], axis=1)
        logits = np.asarray(self.gan.discriminator(
            np.concatenate([self._real, samples, points]), training=False), np.float64)[:, 0]
        d = sigmoid(logits)
        n = len(samples)
        if np.all(np.isfinite(samples)):
            cov = mode_coverage(samples, centres, std)
            modes, hq, counts = cov.modes, cov.hq_fraction, cov.counts
            d2 = ((samples[:, None, :] - centres[None]) ** 2).sum(-1)
            shares = np.bincount(d2.argmin(1), minlength=len(centres)) / n
        else:  # a diverged generator: say so in the numbers rather than fail the click
            modes, hq, counts = 0, 0.0, np.zeros(len(centres), int)
            shares = np.zeros(len(centres))
        step = int(np.asarray(self.gan.g_optimizer.iterations))
        history = [] if self.state is None or step == 0 else list(self.state["history"])
        d_real, d_fake = float(d[:n].mean()), float(d[n:2 * n].mean())
        history.append({"step": step, "modes": modes, "hq_fraction": hq, "d_real": d_real,
                        "d_fake": d_fake, "shares": shares})
        self.state = {"target": name, "step": step, "seconds": float(seconds),
                      "modes": modes, "n_modes": len(centres), "hq_fraction": hq, "counts": counts,
                      "shares": shares, "d_real": d_real, "d_fake": d_fake, "samples": samples,
                      "real": self._real, "d_grid": d[2 * n:].reshape(self.grid, self.grid),
                      "axis": axis, "history": history}
        s = self.state
        busiest = int(np.argmax(shares))
        self.readout.value = (
            f"step <b>{s['step']}</b> &nbsp;|&nbsp; modes captured <b>{s['modes']}/{s['n_modes']}</b>"
            f" &nbsp; high quality <b>{s['hq_fraction']:.1%}</b> &nbsp;|&nbsp; busiest mode: "
            f"#{busiest} holds <b>{shares[busiest]:.0%}</b> of the samples &nbsp;|&nbsp; "
            f"mean D(real) = {s['d_real']:.3f}, mean D(fake) = {s['d_fake']:.3f}"
            + (f" &nbsp;|&nbsp; last click {s['seconds']:.1f} s" if s["seconds"] else ""))
        if self.draw:
            self._redraw()
        return s

    # --- what the buttons do -----------------------------------------------------------------

    def train(self, n=None):
        """Run ``n`` generator steps (default: the slider's value), then re-evaluate and
        redraw; returns ``state``."""
        import tensorflow as tf

        n = self.steps.value if n is None else n
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"GAN2DStepper.train: n must be a whole number of steps >= 0, got {n!r}.")
        centres, std, _ = toy_target(self.target.value)
        start = time.perf_counter()
        self._train_fn(tf.constant(int(n), tf.int32), tf.constant(centres), tf.constant(std))
        return self._evaluate(seconds=time.perf_counter() - start)

    def reset(self):
        """Back to step 0 on the current target: every weight, optimiser slot and random
        state as the seed made it. Returns ``state``."""
        for v, value in zip(self._variables, self._initial):
            v.assign(value)
        self._real = toy_samples(self.target.value, self.n_eval, self.seed)
        self.state = None  # a fresh history
        return self._evaluate()

    def _busy(self, flag, message=None):
        for button in (self.train_button, self.reset_button):
            button.disabled = flag
        self.target.disabled = flag
        if message:
            self.readout.value = message

    def _on_train(self, button=None):
        self._busy(True, f"training {self.steps.value} steps from step {self.state['step']} …")
        try:
            self._report_errors(self.train, self.steps.value)
        finally:
            self._busy(False)

    def _on_reset(self, button=None):
        self._report_errors(self.reset)

    def _on_target(self, change):
        self._report_errors(self.reset)

    def _report_errors(self, action, *args):
        # ipywidgets sends a callback's traceback to the log console, out of the student's
        # sight; put the message where they are looking, then re-raise for the log.
        try:
            return action(*args)
        except Exception as err:
            import html

            self.readout.value = (f"<b style='color:#b00'>{type(err).__name__}</b>: "
                                  f"{html.escape(str(err))}")
            raise

    # --- drawing ------------------------------------------------------------------------------

    def figure(self):
        """A matplotlib Figure of the current ``state``. Left: D's verdict D(x) = P(real) as
        colour (bands finer near 0.5, the black line is D = 0.5) under G's samples and the
        real mixture. Right: where G's mass sat after each click (share of samples nearest
        each mode): a collapsing generator shows as one bright cell hopping between rows."""
        import matplotlib.pyplot as plt
        from matplotlib.colors import BoundaryNorm
        from matplotlib.ticker import MaxNLocator

        s = self.state
        centres, _, half_width = toy_target(s["target"])
        fig, (ax, hist) = plt.subplots(1, 2, figsize=(10.5, 4.3),
                                       gridspec_kw={"width_ratios": [1.2, 1]})
        # A slow D hovers near 0.5: finer bands there, so its small preferences show.
        levels = [0, .1, .2, .3, .4, .45, .48, .49, .5, .51, .52, .55, .6, .7, .8, .9, 1]
        cmap = plt.get_cmap("RdBu")
        filled = ax.contourf(s["axis"], s["axis"], s["d_grid"], levels=levels, cmap=cmap,
                             norm=BoundaryNorm(levels, cmap.N), alpha=0.6)
        if s["d_grid"].min() < 0.5 < s["d_grid"].max():
            ax.contour(s["axis"], s["axis"], s["d_grid"], levels=[0.5], colors="k",
                       linewidths=0.8)
        bar = fig.colorbar(filled, ax=ax, fraction=0.046, pad=0.03, ticks=[0, .3, .45, .5, .55, .7, 1])
        bar.set_label("D(x) = P(real)")
        ax.scatter(*s["real"].T, s=3, color="0.3", alpha=0.35, label="real")
        ax.scatter(*np.clip(s["samples"], -half_width, half_width).T, s=3, color="C1", alpha=0.5,
                   label="G(z)")
        ax.scatter(*centres.T, marker="x", color="k", s=25, lw=1)
        ax.set(xlim=(-half_width, half_width), ylim=(-half_width, half_width), aspect="equal")
        ax.set_title(f"{s['target']}, step {s['step']}: {s['modes']}/{s['n_modes']} modes, "
                     f"HQ {s['hq_fraction']:.0%}", fontsize=10)
        ax.legend(loc="upper right", fontsize=8, markerscale=3)
        shares = np.array([h["shares"] for h in s["history"]])  # (evaluations, K)
        hist.imshow(shares.T, origin="lower", aspect="auto", cmap="Oranges", vmin=0, vmax=1,
                    interpolation="nearest")
        hist.xaxis.set_major_locator(MaxNLocator(8, integer=True))
        hist.set_xticks([t for t in hist.get_xticks() if 0 <= t < len(shares)])
        hist.set_xticklabels([str(s["history"][int(t)]["step"]) for t in hist.get_xticks()])
        hist.yaxis.set_major_locator(MaxNLocator(10, integer=True))
        hist.set(xlabel="generator steps (one column per click)", ylabel="mode #",
                 ylim=(-0.5, s["n_modes"] - 0.5))
        hist.set_title("share of G's samples nearest each mode", fontsize=10)
        fig.tight_layout()
        return fig


def gan2d_stepper(target="ring", steps=200, seed=0, lr_g=1e-3, lr_d=1e-4, latent_dim=8,
                  widths=(64, 64), batch=256, n_eval=2500, draw=True):
    """Train a small 2-D GAN on the ring or grid a click at a time (see :class:`GAN2DStepper`);
    the defaults are a GAN whose D learns 10× slower than G (notebook 05's "slow D" arm)."""
    return GAN2DStepper(target=target, steps=steps, seed=seed, lr_g=lr_g, lr_d=lr_d,
                        latent_dim=latent_dim, widths=widths, batch=batch, n_eval=n_eval,
                        draw=draw)
