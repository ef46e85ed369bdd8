"""Interactive explorers: thin ipywidgets front ends over the pure functions in
:mod:`gan_helpers.theory`, one module per notebook in series order.

* :mod:`.minimax` (01): :class:`MinimaxExplorer`, :func:`minimax_explorer`;
* :mod:`.label_smoothing` (03): :class:`LabelSmoothingExplorer`,
  :func:`label_smoothing_explorer`;
* :mod:`.latent` (04): :class:`LatentExplorer`, :func:`latent_explorer`;
* :mod:`.gan2d` (05): :class:`GAN2DStepper`, :func:`gan2d_stepper`, over a headless model
  (:mod:`.gan2d.model`) and its evaluation (:mod:`.gan2d.evaluation`); :func:`toy_target`,
  :func:`toy_samples`.

Each explorer is a small class over the shared base in :mod:`.base`. ``update(**values)``
sets the sliders, recomputes ``state`` (a dict of numbers, from a pure function) and
redraws; moving a slider does the same through ``observe(..., names="value")``. The logic
never lives in the widget, so tests set ``slider.value`` and check ``state`` without a
kernel or a browser. Only API shared by ipywidgets 7.7 (Colab) and 8 is used.
"""
from .gan2d import TOY_TARGETS, GAN2DStepper, gan2d_stepper, toy_samples, toy_target
from .label_smoothing import LabelSmoothingExplorer, label_smoothing_explorer
from .latent import LatentExplorer, latent_explorer
from .minimax import MinimaxExplorer, minimax_explorer

__all__ = ["MinimaxExplorer", "minimax_explorer", "LatentExplorer", "latent_explorer",
           "LabelSmoothingExplorer", "label_smoothing_explorer", "GAN2DStepper",
           "gan2d_stepper", "toy_target", "toy_samples", "TOY_TARGETS"]
