"""Notebook 01's explorer: move p_g = N(mean, std²) against a fixed p_data and watch the
optimal discriminator D*, the value V(D*, G) and the Jensen-Shannon divergence respond."""
import ipywidgets as W
import matplotlib.pyplot as plt

from .. import theory
from .base import _Explorer


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
        self._start()

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
