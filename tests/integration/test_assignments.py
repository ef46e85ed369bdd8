"""The student notebooks (``notebooks/``, what the badges open) never block a learner: run top
to bottom with no exercise solved, every cell runs, and every checker prints "not done yet";
under grading, exactly the checker cells fail.

One kernel per notebook does both: "Run all" with grading off, then, with
``$GAN_WORKBOOK_GRADING=1`` set in the same kernel, every checker cell once more (the checkers
are the only code that reads the switch; ``gh.profile`` reads it too, but the tests run the
smoke sizes either way)."""
import pathlib

import nbformat
import pytest
from nbclient import NotebookClient

from gan_helpers.instructor import build

ROOT = pathlib.Path(__file__).resolve().parents[2]
STUDENT = ROOT / "notebooks"
NAMES = sorted(p.name for p in STUDENT.glob("[0-9][0-9]_*.ipynb"))


def _errors(cell):
    return [f"{o.ename}: {o.evalue}" for o in cell.get("outputs", []) if o.output_type == "error"]


def _text(cell):
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")


@pytest.mark.integration
@pytest.mark.parametrize("name", NAMES)
def test_student_notebook_runs_to_the_end_unsolved(name, monkeypatch):
    monkeypatch.delenv("GAN_WORKBOOK_GRADING", raising=False)  # a learner's kernel
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    nb = nbformat.read(STUDENT / name, as_version=4)
    checkers = [i for i, c in enumerate(nb.cells)
                if c.cell_type == "code" and build.CHECKER.match(c.source.strip())]
    assert checkers, f"{name} has no exercises"
    client = NotebookClient(nb, timeout=900, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(STUDENT)}})
    with client.setup_kernel():
        for i, cell in enumerate(nb.cells):
            client.execute_cell(cell, i)
        failed = {i: _errors(c) for i, c in enumerate(nb.cells) if _errors(c)}
        assert not failed, f"{name}: cells failed with no exercise solved: {failed}"
        for i in checkers:
            assert "not done yet" in _text(nb.cells[i]), \
                f"{name} cell {i} should report 'not done yet', printed: {_text(nb.cells[i])!r}"
        # Grading on, in the same kernel: each checker cell now fails, with the stub's error.
        switch = nbformat.v4.new_code_cell("import os\nos.environ['GAN_WORKBOOK_GRADING'] = '1'")
        nb.cells.append(switch)
        client.execute_cell(switch, len(nb.cells) - 1)
        for i in checkers:
            again = nbformat.v4.new_code_cell(nb.cells[i].source)
            nb.cells.append(again)
            client.execute_cell(again, len(nb.cells) - 1)
            errors = _errors(again)
            assert errors and errors[0].startswith("NotImplementedError"), \
                f"{name} cell {i}: under grading the checker must fail, got {errors}"
