"""Notebook 05's stepper widget: Train and Reset buttons, a target dropdown and a steps
slider over a :class:`GAN2DModel`, with an HTML readout and a figure of its evaluation."""
import html

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import BoundaryNorm
from matplotlib.ticker import MaxNLocator

from ..base import _Explorer
from .evaluation import evaluate, fixed_latents
from .model import GAN2DModel, whole_steps
from .targets import TOY_TARGETS, toy_samples, toy_target

# A slow D hovers near 0.5: finer bands there, so its small preferences show.
D_LEVELS = [0, .1, .2, .3, .4, .45, .48, .49, .5, .51, .52, .55, .6, .7, .8, .9, 1]
D_TICKS = [0, .3, .45, .5, .55, .7, 1]


def readout_html(s):
    """The one-line HTML summary of a stepper ``state`` ``s`` shown above the figure."""
    busiest = int(np.argmax(s["shares"]))
    return (
        f"step <b>{s['step']}</b> &nbsp;|&nbsp; modes captured <b>{s['modes']}/{s['n_modes']}</b>"
        f" &nbsp; high quality <b>{s['hq_fraction']:.1%}</b> &nbsp;|&nbsp; busiest mode: "
        f"#{busiest} holds <b>{s['shares'][busiest]:.0%}</b> of the samples &nbsp;|&nbsp; "
        f"mean D(real) = {s['d_real']:.3f}, mean D(fake) = {s['d_fake']:.3f}"
        + (f" &nbsp;|&nbsp; last click {s['seconds']:.1f} s" if s["seconds"] else ""))


class GAN2DStepper(_Explorer):
    """Train a small 2-D GAN on the ring or the grid a click at a time, and watch it learn
    (or not).

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
    (Output, holds the figure), ``widget`` (the VBox to display), ``model`` (the
    :class:`GAN2DModel` trained), ``gan`` (its :class:`gan_helpers.GAN`), ``draws`` (figures
    drawn so far) and ``state``, a dict of numbers from
    :func:`gan_helpers.widgets.gan2d.evaluation.evaluate`: ``step``, ``modes`` of ``n_modes``,
    ``hq_fraction``, ``shares`` (where G's mass sits), ``d_real``, ``d_fake``, ``samples``
    (n_eval, 2) on fixed latents, ``real`` (n_eval, 2), ``d_grid``, ``axis``, ``seconds`` (the
    last ``train`` call) and ``history`` (one entry per evaluation since the last reset).
    """

    def __init__(self, target="ring", steps=200, seed=0, lr_g=1e-3, lr_d=1e-4, latent_dim=8,
                 widths=(64, 64), batch=256, n_eval=2500, grid=81, max_steps=1000, draw=True):
        toy_target(target)  # refuse an unknown name before building anything
        if int(batch) < 1 or int(n_eval) < 1 or int(grid) < 2:
            raise ValueError(f"GAN2DStepper: batch, n_eval must be >= 1 and grid >= 2, got "
                             f"batch={batch}, n_eval={n_eval}, grid={grid}.")
        self.seed, self.n_eval, self.grid = int(seed), int(n_eval), int(grid)
        self.draw = draw
        self.model = GAN2DModel(self.seed, lr_g, lr_d, int(latent_dim), tuple(widths), batch)
        # Fixed latents: the samples change only because G does.
        self._z = fixed_latents(self.seed, self.n_eval, self.gan.latent_dim)

        style = {"description_width": "initial"}
        self.target = W.Dropdown(options=[(label, key) for key, (label, *_) in TOY_TARGETS.items()],
                                 value=target, description="target", style=style,
                                 layout=W.Layout(width="170px"))
        self.steps = W.IntSlider(value=int(steps), min=10, max=max(int(max_steps), int(steps)),
                                 step=10, description="steps per click", style=style,
                                 continuous_update=False)
        self.train_button = W.Button(description="Train", button_style="primary",
                                     tooltip="train the GAN for 'steps per click' generator steps")
        self.reset_button = W.Button(
            description="Reset", tooltip="G, D and their optimisers as the seed made them: step 0")
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

    @property
    def gan(self):
        """The :class:`gan_helpers.GAN` being trained (``model.gan``)."""
        return self.model.gan

    @property
    def batch(self):
        """Real and fake samples per discriminator update."""
        return self.model.batch

    # --- what the buttons do -----------------------------------------------------------------

    def train(self, n=None):
        """Run ``n`` generator steps (default: the slider's value), then re-evaluate and
        redraw; returns ``state``."""
        n = whole_steps(self.steps.value if n is None else n, "GAN2DStepper.train")
        return self._evaluate(seconds=self.model.train(n, self.target.value))

    def reset(self):
        """Back to step 0 on the current target: every weight, optimiser slot and random
        state as the seed made it. Returns ``state``."""
        self.model.reset()
        self._real = toy_samples(self.target.value, self.n_eval, self.seed)
        self.state = None  # a fresh history
        return self._evaluate()

    def _evaluate(self, seconds=0.0):
        """Recompute ``state`` from the models, show it in the readout and redraw."""
        self.state = evaluate(self.gan, self.target.value, self._z, self._real, self.grid,
                              seconds=seconds, previous=self.state)
        self.readout.value = readout_html(self.state)
        if self.draw:
            self._redraw()
        return self.state

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
            self.readout.value = (f"<b style='color:#b00'>{type(err).__name__}</b>: "
                                  f"{html.escape(str(err))}")
            raise

    # --- drawing ------------------------------------------------------------------------------

    def figure(self):
        """A matplotlib Figure of the current ``state``. Left: D's verdict D(x) = P(real) as
        colour (bands finer near 0.5, the black line is D = 0.5) under G's samples and the
        real mixture. Right: where G's mass sat after each click (share of samples nearest
        each mode): a collapsing generator shows as one bright cell hopping between rows."""
        s = self.state
        centres, _, half_width = toy_target(s["target"])
        fig, (ax, hist) = plt.subplots(1, 2, figsize=(10.5, 4.3),
                                       gridspec_kw={"width_ratios": [1.2, 1]})
        cmap = plt.get_cmap("RdBu")
        filled = ax.contourf(s["axis"], s["axis"], s["d_grid"], levels=D_LEVELS, cmap=cmap,
                             norm=BoundaryNorm(D_LEVELS, cmap.N), alpha=0.6)
        if s["d_grid"].min() < 0.5 < s["d_grid"].max():
            ax.contour(s["axis"], s["axis"], s["d_grid"], levels=[0.5], colors="k",
                       linewidths=0.8)
        bar = fig.colorbar(filled, ax=ax, fraction=0.046, pad=0.03, ticks=D_TICKS)
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
