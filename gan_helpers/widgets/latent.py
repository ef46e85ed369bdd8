"""Notebook 04's explorer: walk a trained generator's latent space with sliders (a slerp
between two seeded latents, plus a push along one coordinate) and watch the digit change."""
import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np

from ..latent import slerp
from ..plots import image_grid
from .base import _Explorer


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
        self._start()

    def latent(self, seed):
        """The latent vector of an integer seed (float32, shape (latent_dim,))."""
        return np.random.default_rng(seed).standard_normal(self.gan.latent_dim).astype(np.float32)

    def update(self, **values):
        """Set sliders by name (seed_a=, seed_b=, t=, dim=, amount=), regenerate; returns state."""
        self._set_sliders(values)
        z_a, z_b = self.latent(self.seed_a.value), self.latent(self.seed_b.value)
        ts = np.append(np.linspace(0.0, 1.0, self.steps), self.t.value)
        zs = slerp(z_a, z_b, ts).astype(np.float32)  # the path, then the current z
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
