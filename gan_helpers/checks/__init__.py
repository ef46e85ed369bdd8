"""Exercise checkers: compare a reader's function with a reference on fixed inputs.

In the style of CS231n's GAN assignment, every checker runs the reader's function and the
reference on the same fixed inputs, and follows one convention:

* it passes: it prints one line with the largest relative error,
  ``rel_error = max|x - y| / max(1e-8, |x| + |y|)``, and returns None (so a notebook cell
  that ends with the call shows no stray number);
* it fails: it raises ``AssertionError`` whose message names the likely mistake (each
  checker knows the usual wrong answers and recognises them by their outputs);
* the exercise is not attempted yet: the reader's ``NotImplementedError`` passes through.

That is the raw check. What a notebook calls, ``check_<exercise>(answer)``, wraps it for the
learner (:func:`.core.exercise`): it prints the verdict (correct / not done yet / wrong, with
the hint) and never stops the notebook, except under grading (``$NBGRADER_EXECUTION``, or
``$GAN_WORKBOOK_GRADING=1``, or ``grading=True``), where a failing check fails its cell.
``yours_or_reference(fn)`` gives later cells the reader's function once it passes and the
library's reference until then; ``solution(name)`` shows a reference answer after an attempt.

Checks run headless (no widgets, no plots), so they also grade in scripts and CI. Where the
library has the function an exercise asks for, it is the reference.

Layout: :mod:`.core` holds the mechanics (``rel_error``, ``check_function``, ``check_parts``,
the shape-first and finite checks, the matching of known mistakes); one module per notebook
holds its checkers, in series order: ``nb00_setup``, ``nb01_minimax``, ``nb02_dense_gan``,
``nb03_label_smoothing``, ``nb04_dcgan``, ``nb05_mode_collapse``, ``nb06_fid``,
``nb07_conditional``, ``nb08_diagnosing``, ``nb09_evaluation``. Notebooks call them as
``gh.checks.check_<exercise>(fn)`` (and 08 trains its mystery panels with ``mystery_runs``).
"""
from . import (
    nb00_setup,
    nb01_minimax,
    nb02_dense_gan,
    nb03_label_smoothing,
    nb04_dcgan,
    nb05_mode_collapse,
    nb06_fid,
    nb07_conditional,
    nb08_diagnosing,
    nb09_evaluation,
)
from .core import (
    EXERCISES,
    check_function,
    check_parts,
    grading_mode,
    rel_error,
    solution,
    yours_or_reference,
)
from .nb08_diagnosing import mystery_runs

MODULES = (nb00_setup, nb01_minimax, nb02_dense_gan, nb03_label_smoothing, nb04_dcgan,
           nb05_mode_collapse, nb06_fid, nb07_conditional, nb08_diagnosing,
           nb09_evaluation)

# Every exercise's checker, as gh.checks.check_<exercise>, in series order.
CHECKERS = {f"check_{name}": getattr(module, f"check_{name}")
            for module in MODULES for name, ex in EXERCISES.items()
            if ex.check.__module__ == module.__name__}
globals().update(CHECKERS)

__all__ = ["rel_error", "check_function", "check_parts", "grading_mode", "yours_or_reference",
           "solution", "EXERCISES", "mystery_runs", *CHECKERS]
