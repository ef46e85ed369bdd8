"""A student notebook fails only where the student has work to do: each checker cell, with
NotImplementedError (``python -m gan_helpers.instructor make-student``, then every notebook
run top to bottom)."""
import pathlib

import nbformat
import pytest
from nbclient import NotebookClient

from gan_helpers.instructor import assignments

ROOT = pathlib.Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
NAMES = sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    dst = tmp_path_factory.mktemp("student")
    assignments.make_student(str(NOTEBOOKS), str(dst), force=True)
    return dst


def _checker_cells(nb):
    return [i for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and "gh.checks.check_" in c.source]


@pytest.mark.integration
@pytest.mark.parametrize("name", NAMES)
def test_student_notebook_fails_only_at_its_checkers(student_dir, name):
    """Run the student version top to bottom (up to its last checker): every checker cell
    stops at the student's NotImplementedError; the first failure is a checker; and no
    cell fails for any other reason (a cell that *uses* an unfinished exercise function
    after its checker may raise the same NotImplementedError, nothing else)."""
    nb = nbformat.read(student_dir / name, as_version=4)
    checkers = _checker_cells(nb)
    nb.cells = nb.cells[: checkers[-1] + 1]  # what follows the last exercise is not at stake
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(student_dir)}}).execute()
    failed = {}
    for i, cell in enumerate(nb.cells):
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        if errors:
            failed[i] = f"{errors[0].ename}: {errors[0].evalue}"
    for i in checkers:
        assert i in failed and failed[i].startswith("NotImplementedError"), \
            f"{name} cell {i}: the checker should stop at the student's NotImplementedError"
    assert min(failed) == checkers[0], f"{name} cell {min(failed)} broke before the first exercise"
    other = {i: e for i, e in failed.items() if not e.startswith("NotImplementedError")}
    assert not other, f"{name}: cells broke for another reason than unfinished work: {other}"
