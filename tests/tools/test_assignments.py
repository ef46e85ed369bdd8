"""Student versions: solutions stripped nbgrader-style, and a student notebook fails only
where the student has work to do (each checker cell, with NotImplementedError)."""
import pathlib

import nbformat
import pytest

from gan_helpers import assignments

ROOT = pathlib.Path(__file__).resolve().parents[2]
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


@pytest.mark.integration
@pytest.mark.parametrize("name", NAMES)
def test_student_notebook_fails_only_at_its_checkers(student_dir, name):
    """Run the student version top to bottom (up to its last checker): every checker cell
    stops at the student's NotImplementedError; the first failure is a checker; and no
    cell fails for any other reason (a cell that *uses* an unfinished exercise function
    after its checker may raise the same NotImplementedError, nothing else)."""
    from nbclient import NotebookClient

    dst, _ = student_dir
    nb = nbformat.read(dst / name, as_version=4)
    checkers = _checker_cells(nb)
    nb.cells = nb.cells[: checkers[-1] + 1]  # what follows the last exercise is not at stake
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(dst)}}).execute()
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


def test_readme_instructor_table_lists_every_exercise():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## For instructors"):]
    for name, exercises in assignments.list_exercises(str(NOTEBOOKS)).items():
        row = next((line for line in section.splitlines() if line.startswith(f"| {name[:2]} ")), None)
        assert row, f"README's instructor table has no row for {name}"
        for ex in exercises:
            assert f"`{ex}`" in row, f"README's row for {name} lacks `{ex}`"
