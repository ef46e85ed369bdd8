"""Notebook 05's 2-D GAN stepper, in three layers: :mod:`.model` (the GAN, trained ``n``
steps at a time and reset exactly; no widgets), :mod:`.evaluation` (what a state of it
scores: numbers only) and :mod:`.view` (the :class:`GAN2DStepper` widget over both).
:mod:`.targets` names the two toy benchmarks they share."""
from .evaluation import coverage_numbers, evaluate, fixed_latents
from .model import GAN2DModel
from .targets import TOY_TARGETS, toy_samples, toy_target
from .view import GAN2DStepper, gan2d_stepper

__all__ = ["GAN2DStepper", "gan2d_stepper", "GAN2DModel", "evaluate", "coverage_numbers",
           "fixed_latents", "TOY_TARGETS", "toy_target", "toy_samples"]
