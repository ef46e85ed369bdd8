"""The core every checker is built on: run the reader's function and the reference on fixed
cases, check the output's form (shape first, then real and finite values), compare the values
by relative error, name the likely mistake on failure, and report on success.

The convention, for every checker: on success print one line with the largest relative error
and return None; on failure raise ``AssertionError`` whose message names the likely mistake.
A reader's ``NotImplementedError`` (an exercise not attempted yet) passes through unchanged.
"""
import contextlib
import functools
import io

import numpy as np

from .. import runtime

GENERIC_HINT = "compare your formula with the one in the text above."


def rel_error(x, y):
    """Largest element-wise relative error, max |x - y| / max(1e-8, |x| + |y|)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.shape != y.shape:
        raise AssertionError(f"shape mismatch: your result has shape {x.shape}, "
                             f"the reference {y.shape}")
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


def to_numpy(value):
    """A tensor's ``.numpy()``, or ``np.asarray`` of anything else."""
    return value.numpy() if hasattr(value, "numpy") else np.asarray(value)


def _with_hint(message, hint):
    return f"{message} Hint: {hint}" if hint else message


def call_reader(name, fn, case, hint=None):
    """``fn(*case)``; an exception becomes an AssertionError naming it (and ``hint``), except
    NotImplementedError, which reaches the reader as it is."""
    try:
        return fn(*case)
    except NotImplementedError:
        raise
    except Exception as err:
        raise AssertionError(_with_hint(f"{name}: your function raised {type(err).__name__}: "
                                        f"{err}.", hint)) from err


def check_output(name, got, want, case=(), shape_hint=None, wrong_shapes=(), finite_hint=None,
                 complex_hint=None):
    """Check one output's form against the reference's before its values: the same shape
    (hint: the first ``(shape_fn(*case), hint)`` of ``wrong_shapes`` whose shape it has, else
    ``shape_hint``), real (a negligible imaginary part is dropped), and finite wherever the
    reference is. Returns the output and the reference as float64 arrays."""
    got, want = to_numpy(got), np.asarray(to_numpy(want))
    if np.shape(got) != want.shape:
        why = next((h for shape_fn, h in wrong_shapes
                    if tuple(shape_fn(*case)) == np.shape(got)), shape_hint)
        raise AssertionError(_with_hint(f"{name}: your result has shape {np.shape(got)}, "
                                        f"expected {want.shape}.", why))
    if np.iscomplexobj(got) and not np.iscomplexobj(want):
        imag, real = np.max(np.abs(np.imag(got))), np.max(np.abs(np.real(got)), initial=1.0)
        if imag > 1e-8 * real:
            shown = f"{complex(got):.4g}" if np.ndim(got) == 0 else f"imaginary part {imag:.2g}"
            raise AssertionError(_with_hint(f"{name}: your result is complex ({shown}).",
                                            complex_hint))
        got = np.real(got)
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    if np.any(~np.isfinite(got) & np.isfinite(want)):
        raise AssertionError(_with_hint(f"{name}: your result contains inf or nan where the "
                                        "answer is finite.", finite_hint))
    return got, want


def likely_mistake(outputs, cases, wrong_answers, tol, hint):
    """The hint of the first ``(wrong_fn, hint)`` whose outputs match the reader's on every
    case (to ``tol``), else ``hint``."""
    for wrong_fn, wrong_hint in wrong_answers:
        try:
            if all(rel_error(out, to_numpy(wrong_fn(*case))) <= tol
                   for out, case in zip(outputs, cases)):
                return wrong_hint
        except Exception:
            continue
    return hint


def compare_outputs(name, outputs, wants, cases, tol=1e-6, wrong_answers=(), hint=GENERIC_HINT,
                    shape_hint=None, wrong_shapes=(), finite_hint=None, complex_hint=None):
    """Check the form of every output (:func:`check_output`; its hints default to ``hint``),
    then compare the values: returns the largest relative error, or raises AssertionError with
    the hint of the likely mistake when it exceeds ``tol``."""
    pairs = [check_output(name, got, want, case, shape_hint or hint, wrong_shapes,
                          finite_hint or hint, complex_hint or hint)
             for got, want, case in zip(outputs, wants, cases)]
    errors = [rel_error(got, want) for got, want in pairs]
    worst = max((e if np.isfinite(e) else np.inf for e in errors), default=0.0)
    if worst <= tol:
        return worst
    why = likely_mistake([got for got, _ in pairs], cases, wrong_answers, tol, hint)
    raise AssertionError(f"{name}: not yet right (relative error {worst:.2e}). Hint: {why}")


def compare(name, student_fn, reference_fn, cases, tol=1e-6, wrong_answers=(),
            hint=GENERIC_HINT, error_hint=None, **form_hints):
    """Run ``student_fn(*case)`` and ``reference_fn(*case)`` on every case and compare them
    (:func:`compare_outputs`, which takes ``form_hints``); ``error_hint`` (default: the shape
    hint, else ``hint``) is shown when the reader's function raises. Returns the largest
    relative error; prints nothing."""
    error_hint = error_hint or form_hints.get("shape_hint") or hint
    outputs = [call_reader(name, student_fn, case, error_hint) for case in cases]
    wants = [reference_fn(*case) for case in cases]
    return compare_outputs(name, outputs, wants, cases, tol, wrong_answers, hint, **form_hints)


def report(name, worst, tol):
    """The one line a passing checker prints."""
    print(f"{name}: correct! max relative error {worst:.1e} (tolerance {tol:g})")


def check_function(name, student_fn, reference_fn, cases, tol=1e-6, wrong_answers=(),
                   hint=GENERIC_HINT, **hints):
    """Compare ``student_fn`` with ``reference_fn`` on ``cases`` (see :func:`compare`).

    ``wrong_answers`` is a list of ``(wrong_fn, hint)``: when the reader's outputs match a
    known mistake, its hint is given instead of the generic ``hint``. ``hints`` may add
    ``shape_hint``, ``wrong_shapes``, ``finite_hint``, ``complex_hint`` and ``error_hint``.
    Prints one line and returns None when the error is within ``tol``; else raises
    AssertionError naming the likely mistake.
    """
    report(name, compare(name, student_fn, reference_fn, cases, tol, wrong_answers, hint,
                         **hints), tol)


def check_parts(name, student_fn, reference_fn, cases, parts, tol=1e-6, wrong_answers=None,
                hints=None, shape_hint=None, finite_hint=None, error_hint=None):
    """Like :func:`check_function` for a function that returns a tuple, one element per name
    in ``parts``; ``wrong_answers`` and ``hints`` map a part to its known mistakes (functions
    of the case returning that part) and its hint. ``shape_hint`` defaults to the part's hint.
    Each part is checked in turn under the name ``"name (part)"``; one line is printed."""
    wrong_answers, hints = wrong_answers or {}, hints or {}
    error_hint = error_hint or shape_hint
    outputs = [call_reader(name, student_fn, case, error_hint) for case in cases]
    wants = [reference_fn(*case) for case in cases]
    for got, want in zip(outputs, wants):
        if not isinstance(got, (tuple, list)) or len(got) != len(want):
            raise AssertionError(f"{name}: return a tuple of {len(want)} arrays.")
    worst = 0.0
    for i, part in enumerate(parts):
        hint = hints.get(part, GENERIC_HINT)
        worst = max(worst, compare_outputs(
            f"{name} ({part})", [got[i] for got in outputs], [want[i] for want in wants], cases,
            tol, wrong_answers.get(part, ()), hint, shape_hint or hint, finite_hint=finite_hint))
    report(name, worst, tol)


# --- the learner's side: verdicts that never stop a notebook, references, solutions ------------

def grading_mode():
    """True while a notebook is being graded: nbgrader sets ``$NBGRADER_EXECUTION``; Otter's
    tests and the workbook's own tests set ``$GAN_WORKBOOK_GRADING=1`` (or pass
    ``grading=True`` to a checker). Then a failing checker raises, so that its cell fails and
    scores 0; otherwise it prints its verdict and the notebook goes on."""
    return runtime.grading()


class Exercise:
    """One exercise: its name (the function the reader writes), the raw check (which raises),
    and the library's reference (``None`` for answers that have no library counterpart)."""

    def __init__(self, name, check, reference):
        self.name, self.check, self.reference = name, check, reference


EXERCISES = {}     # exercise name -> Exercise, filled by @exercise as the modules load
_ATTEMPTED = set()  # exercises whose checker has seen an attempt in this session


def exercise(reference=None, name=None):
    """Register ``check_<name>`` as the checker of exercise ``<name>`` and give it the
    learner's behaviour: ``check_<name>(answer, grading=None)``.

    * correct: the check's one line (``...: correct! ...``) is printed;
    * not attempted (the stub's ``NotImplementedError``): prints ``<name>: not done yet ...``;
    * wrong (the check's ``AssertionError``): prints ``<name>: ✗ <the hint>`` and how to see a
      solution after trying.

    None of these stops the notebook, except under grading (:func:`grading_mode`, or
    ``grading=True``): then the error is raised, so that the cell fails.
    """
    def register(check):
        ex_name = name or check.__name__.removeprefix("check_")
        if ex_name in EXERCISES:
            raise ValueError(f"two checkers for the exercise {ex_name!r}")
        EXERCISES[ex_name] = Exercise(ex_name, check, reference)

        @functools.wraps(check)
        def checker(answer, grading=None):
            grading = grading_mode() if grading is None else grading
            try:
                check(answer)
            except NotImplementedError:
                if grading:
                    raise
                print(f"{ex_name}: not done yet. Write your answer above, in place of "
                      "`raise NotImplementedError()`, run that cell, then this one.")
                return None
            except AssertionError as err:
                _ATTEMPTED.add(ex_name)
                if grading:
                    raise
                print(f"✗ {err}\n  (The notebook goes on: later cells use the library's reference "
                      f"until yours passes. After trying, gh.checks.solution({ex_name!r}) "
                      "shows a reference answer.)")
                return None
            _ATTEMPTED.add(ex_name)
            return None

        checker.exercise = ex_name
        return checker
    return register


def _exercise_named(name):
    if name not in EXERCISES:
        raise ValueError(f"{name!r} is not an exercise of the workbook; the exercises are: "
                         f"{', '.join(sorted(EXERCISES))}.")
    return EXERCISES[name]


def yours_or_reference(fn, name=None):
    """``fn`` if it passes its exercise's check, else the library's reference, with a one-line
    note: the cells after an exercise use it through this, so that an unsolved exercise
    never stops the rest of the notebook. ``name`` defaults to ``fn.__name__``."""
    ex = _exercise_named(name or getattr(fn, "__name__", ""))
    if ex.reference is None:
        raise ValueError(f"exercise {ex.name!r} has no library reference to fall back on.")
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            ex.check(fn)
    except NotImplementedError:
        why = "is not written yet"
    except AssertionError:
        why = "does not pass its check yet"
    else:
        return fn
    ref = ex.reference
    where = f"{getattr(ref, '__module__', '')}.{getattr(ref, '__qualname__', ex.name)}"
    print(f"note: your {ex.name} {why}, so this cell uses the library's reference "
          f"({where.lstrip('.')}).")
    return ref


def solution(name):
    """Print the reference answer of exercise ``name``, once its checker has seen an attempt
    in this session (so that it is revealed on purpose, never by accident)."""
    ex = _exercise_named(name)
    if ex.name not in _ATTEMPTED:
        print(f"{ex.name}: try it first. Once its checker has seen an attempt of yours "
              f"(right or wrong), gh.checks.solution({ex.name!r}) shows a reference answer.")
        return None
    from ._solutions import SOLUTIONS
    print(SOLUTIONS.get(ex.name, f"(no written solution is shipped for {ex.name!r})"))
    return None
