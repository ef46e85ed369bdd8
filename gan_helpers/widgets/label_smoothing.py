"""Notebook 03's explorer: move D's real target α and fake target β (label smoothing) and
watch D's loss, its gradient and the optimal discriminator respond."""
import ipywidgets as W
import matplotlib.pyplot as plt

from .. import theory
from .base import _Explorer


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
        self._start()

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
        s = self.state
        fig, axes = plt.subplots(1, 3, figsize=(13, 3.4))
        logits = s["logits"]
        axes[0].plot(logits, s["loss_real"], label=f"real: BCE(α={s['alpha']:.2f}, l)")
        axes[0].plot(logits, s["loss_fake"], label=f"fake: BCE(β={s['beta']:.2f}, l)")
        axes[0].set(xlabel="D's logit l", ylabel="D's loss per sample", ylim=(0, 8.5),
                    title="D's loss")
        axes[1].plot(logits, s["grad_real"], label="real: σ(l) − α")
        axes[1].plot(logits, s["grad_fake"], label="fake: σ(l) − β")
        axes[1].axhline(0, color="grey", lw=0.5)
        axes[1].set(xlabel="D's logit l", ylabel="d loss / d l", ylim=(-1.05, 1.05),
                    title="...its gradient (zero at D = target)")
        for ax in axes[:2]:
            for v, c in ((s["best_logit_real"], "C0"), (s["best_logit_fake"], "C1")):
                if abs(v) <= logits[-1]:
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
