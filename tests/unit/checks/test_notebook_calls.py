"""The notebooks' calls of gh.checks: every one exists, lives in its notebook's module, and
numbers its exercise as the notebook does."""
import json
import pathlib
import re

import pytest

from gan_helpers import checks

NOTEBOOKS = sorted((pathlib.Path(__file__).resolve().parents[3] / "instructor" / "notebooks")
                   .glob("[0-9][0-9]_*.ipynb"))


def _cells(notebook):
    return ["".join(c["source"]) for c in json.loads(notebook.read_text())["cells"]]


def _calls(notebook):
    return set(re.findall(r"gh\.checks\.(\w+)", "\n".join(_cells(notebook))))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_every_call_is_exported_from_the_notebooks_module(notebook):
    """``gh.checks.X`` is re-exported by the package, and a checker lives in the module
    ``nbNN_…`` of the notebook NN that calls it."""
    for name in _calls(notebook):
        assert name in checks.__all__, name
        if name.startswith("check_"):
            module = getattr(checks, name).__module__
            assert module.startswith(f"gan_helpers.checks.nb{notebook.name[:2]}_"), (name, module)


def test_every_exported_checker_is_called_by_a_notebook():
    called = set().union(*map(_calls, NOTEBOOKS))
    exported = {n for n in checks.__all__ if n.startswith("check_")}
    assert exported - {"check_function", "check_parts"} == \
        called - {"rel_error", "yours_or_reference", "solution", "mystery_runs"}
    assert not hasattr(checks, "check_g_loss_from_logits")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_checker_docstrings_number_exercises_as_the_notebook_does(notebook):
    """After each 'Exercise k' heading, the next checker called is the one whose docstring
    begins 'NN, exercise k:', so a hint never sends a learner to the wrong exercise."""
    found, number = {}, None
    for text in _cells(notebook):
        kind = r"(?: \((?:derive|predict|diagnose|design|implement)\))?"
        heading = re.search(rf"^(?:### Exercise (\d+){kind}:|\*\*Exercise (\d+){kind}\.\*\*)",
                            text, re.M)
        if heading:
            number = int(heading.group(1) or heading.group(2))
        call = re.search(r"gh\.checks\.(check_\w+)\(", text)
        if call and number is not None:
            found[call.group(1)] = number
            number = None
    assert sorted(found.values()) == list(range(1, len(found) + 1)) and len(found) >= 2
    for name, k in found.items():
        assert getattr(checks, name).__doc__.startswith(f"{notebook.name[:2]}, exercise {k}:"), name


@pytest.mark.parametrize("name", [n for n in checks.__all__ if n.startswith("check_")
                                  and n not in ("check_function", "check_parts")])
def test_unattempted_exercise_raises_not_implemented(name):
    """A student version's stub (``raise NotImplementedError``) reaches the reader as it is,
    not as a failed check."""
    def todo(*args):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        getattr(checks, name)(todo)
