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


class MinimaxExplorer:
    """Sliders for p_g = N(mean, std²) against a fixed p_data; shows D*, V(D*, G), JSD.

    Attributes: ``mean`` and ``std`` (FloatSliders), ``readout`` (HTML), ``output``
    (Output, holds the figure), ``widget`` (the VBox to display), ``state`` (the
    latest :func:`gan_helpers.theory.minimax_state`), ``draws`` (figures drawn so far).
    """

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
        self._setting = False
        for slider in (self.mean, self.std):
            slider.observe(self._on_change, names="value")
        self.update()

    def _on_change(self, change):
        if not self._setting:  # update() sets several sliders, then recomputes once
            self.update()

    def update(self, **values):
        """Set sliders by name (``mean=``, ``std=``), recompute ``state``, redraw; returns state.

        Values outside a slider's range are clipped by the slider, as a user would be.
        """
        unknown = set(values) - {"mean", "std"}
        if unknown:
            raise TypeError(f"MinimaxExplorer.update: unknown slider(s) {sorted(unknown)}; "
                            "use mean= and/or std=.")
        self._setting = True
        try:
            for name, value in values.items():
                getattr(self, name).value = value
        finally:
            self._setting = False
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


def minimax_explorer(g_mean=2.0, g_std=1.0, data_mean=0.0, data_std=1.0, draw=True):
    """Explore V(D*, G) = -log 4 + 2·JSD: move p_g and watch D*, V and JSD respond."""
    return MinimaxExplorer(g_mean, g_std, data_mean, data_std, draw=draw)


# --- 04 · DCGAN: the latent-space explorer ---------------------------------------------------

import numpy as np  # noqa: E402

from . import latent  # noqa: E402

class LatentExplorer:
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
        self._setting = False
        for name in self.SLIDERS:
            getattr(self, name).observe(self._on_change, names="value")
        self.update()

    def latent(self, seed):
        """The latent vector of an integer seed (float32, shape (latent_dim,))."""
        return np.random.default_rng(seed).standard_normal(self.gan.latent_dim).astype(np.float32)

    def _on_change(self, change):
        if not self._setting:  # update() sets several sliders, then recomputes once
            self.update()

    def update(self, **values):
        """Set sliders by name (seed_a=, seed_b=, t=, dim=, amount=), regenerate; returns state."""
        unknown = set(values) - set(self.SLIDERS)
        if unknown:
            raise TypeError(f"LatentExplorer.update: unknown slider(s) {sorted(unknown)}; "
                            f"use {', '.join(self.SLIDERS)}.")
        self._setting = True
        try:
            for name, value in values.items():
                getattr(self, name).value = value
        finally:
            self._setting = False
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

    def _redraw(self):
        import matplotlib.pyplot as plt
        from IPython.display import clear_output, display

        fig = self.figure()
        with self.output:
            clear_output(wait=True)
            display(fig)
        plt.close(fig)
        self.draws += 1

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def latent_explorer(gan, seed_a=0, seed_b=1, steps=8, draw=True):
    """Explore a trained GAN's latent space with sliders (see :class:`LatentExplorer`)."""
    return LatentExplorer(gan, seed_a=seed_a, seed_b=seed_b, steps=steps, draw=draw)


# --- 03 · label smoothing: the explorer ------------------------------------------------------

class LabelSmoothingExplorer:
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
        self._setting = False
        for name in self.SLIDERS:
            getattr(self, name).observe(self._on_change, names="value")
        self.update()

    def _on_change(self, change):
        if not self._setting:  # update() sets several sliders, then recomputes once
            self.update()

    def update(self, **values):
        """Set sliders by name (``alpha=``, ``beta=``), recompute ``state``, redraw; returns
        state. Values outside a slider's range are clipped by the slider, as a user would be."""
        unknown = set(values) - set(self.SLIDERS)
        if unknown:
            raise TypeError(f"LabelSmoothingExplorer.update: unknown slider(s) {sorted(unknown)}; "
                            "use alpha= and/or beta=.")
        self._setting = True
        try:
            for name, value in values.items():
                getattr(self, name).value = value
        finally:
            self._setting = False
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


def label_smoothing_explorer(alpha=0.9, beta=0.0, draw=True):
    """Explore label smoothing: move D's real target α and fake target β and watch D's
    loss, its gradient and the optimal discriminator respond (see LabelSmoothingExplorer)."""
    return LabelSmoothingExplorer(alpha=alpha, beta=beta, draw=draw)
