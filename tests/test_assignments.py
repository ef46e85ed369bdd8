"""Student versions: solutions stripped nbgrader-style, and a student notebook fails only
where the student has work to do (each checker cell, with NotImplementedError)."""
import os
import pathlib

import nbformat
import pytest

from gan_helpers import assignments

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
NAMES = sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def test_strip_solutions_keeps_indentation_and_everything_else():
    src = "def f(x):\n    y = 1\n    ### BEGIN SOLUTION\n    return x + y\n    ### END SOLUTION\n\nprint('ok')"
    out, n = assignments.strip_solutions(src)
    assert n == 1
    assert out == "def f(x):\n    y = 1\n    # YOUR CODE HERE\n    raise NotImplementedError()\n\nprint('ok')"
    for broken in ("### BEGIN SOLUTION\nx", "x\n### END SOLUTION", "### BEGIN SOLUTION\n### BEGIN SOLUTION"):
        with pytest.raises(ValueError, match="SOLUTION"):
            assignments.strip_solutions(broken)


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    dst = tmp_path_factory.mktemp("student")
    counts = assignments.make_student(str(NOTEBOOKS), str(dst), force=True)
    return dst, counts


def test_student_versions_for_every_notebook(student_dir, capsys):
    dst, counts = student_dir
    assert sorted(counts) == NAMES
    for name in NAMES:
        teacher = nbformat.read(NOTEBOOKS / name, as_version=4)
        student = nbformat.read(dst / name, as_version=4)
        assert counts[name] >= 2, f"{name}: fewer than 2 exercises"
        assert len(student.cells) == len(teacher.cells)
        for t, s in zip(teacher.cells, student.cells):
            assert "### BEGIN SOLUTION" not in s.source
            if "### BEGIN SOLUTION" in t.source:
                assert s.source.count("raise NotImplementedError()") == t.source.count("### BEGIN SOLUTION")
            else:
                assert s.source == t.source  # everything else unchanged
            if s.cell_type == "code":
                assert s.outputs == [] and s.execution_count is None


def test_refuses_to_write_into_the_source_or_over_existing_files(student_dir, tmp_path):
    dst, _ = student_dir
    with pytest.raises(SystemExit, match="source folder"):
        assignments.make_student(str(NOTEBOOKS), str(NOTEBOOKS / "student"))
    with pytest.raises(SystemExit, match="pass --force"):
        assignments.make_student(str(NOTEBOOKS), str(dst))
    with pytest.raises(SystemExit, match="no .ipynb files"):
        assignments.make_student(str(tmp_path), str(tmp_path / "out"))


def test_list_counts_the_exercises(capsys):
    table = assignments.list_exercises(str(NOTEBOOKS))
    assert all(len(v) >= 2 for v in table.values())
    assert "steps_per_epoch" in table["00_setup.ipynb"]


def _checker_cells(nb):
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "gh.checks.check_" in c.source]


@pytest.mark.parametrize("name", NAMES)
def test_student_notebook_fails_only_at_its_checkers(student_dir, name):
    from nbclient import NotebookClient

    dst, _ = student_dir
    nb = nbformat.read(dst / name, as_version=4)
    checkers = _checker_cells(nb)
    nb.cells = nb.cells[: checkers[-1] + 1]  # what follows the last exercise is not at stake
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(dst)}}).execute()
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if i in checkers:
            assert errors and errors[0].ename == "NotImplementedError", \
                f"{name} cell {i}: the checker should stop at the student's NotImplementedError"
        else:
            assert not errors, f"{name} cell {i} broke before the student's work: " + \
                (f"{errors[0].ename}: {errors[0].evalue}" if errors else "")
