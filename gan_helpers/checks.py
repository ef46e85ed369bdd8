"""Exercise checks: compare a reader's function with the reference on fixed inputs.

In the style of CS231n's GAN assignment: each check runs the reader's function and the
reference implementation on the same fixed inputs, prints the relative error
    rel_error = max|x - y| / max(1e-8, |x| + |y|)
and, on failure, a hint naming the likely mistake; then raises ``AssertionError``.
Checks run headless (no widgets, no plots), so they also grade in scripts and CI.
"""
from __future__ import annotations

import numpy as np


def rel_error(x, y):
    """Largest element-wise relative error, max |x - y| / max(1e-8, |x| + |y|)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.shape != y.shape:
        raise AssertionError(f"shape mismatch: your result has shape {x.shape}, "
                             f"the reference {y.shape}")
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


def _to_numpy(value):
    return value.numpy() if hasattr(value, "numpy") else np.asarray(value)


def check_function(name, student_fn, reference_fn, cases, tol=1e-6, wrong_answers=(),
                   hint="compare your formula with the one in the text above."):
    """Run ``student_fn(*case)`` and ``reference_fn(*case)`` on every case and compare.

    ``wrong_answers`` is a list of ``(wrong_fn, hint)``: when the reader's outputs match a
    known mistake, the hint for that mistake is printed instead of the generic one.
    Returns the largest relative error; raises AssertionError when it exceeds ``tol``.
    """
    worst = 0.0
    outputs = []
    for case in cases:
        try:
            got = _to_numpy(student_fn(*case))
        except NotImplementedError:
            raise
        except Exception as err:
            raise AssertionError(f"{name}: your function raised {type(err).__name__}: {err}") from err
        want = _to_numpy(reference_fn(*case))
        try:
            err_ = rel_error(got, want)
        except AssertionError as err:
            raise AssertionError(f"{name}: {err}") from None
        worst = max(worst, err_ if np.isfinite(err_) else np.inf)
        outputs.append(got)
    print(f"{name}: relative error {worst:.2e} (tolerance {tol:.0e})")
    if worst <= tol:
        print(f"{name}: correct!")
        return worst
    for wrong_fn, wrong_hint in wrong_answers:
        try:
            if all(rel_error(o, _to_numpy(wrong_fn(*c))) <= tol for o, c in zip(outputs, cases)):
                hint = wrong_hint
                break
        except Exception:
            continue
    raise AssertionError(f"{name}: not yet right (relative error {worst:.2e}). Hint: {hint}")
