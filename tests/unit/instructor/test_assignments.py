"""``python -m gan_helpers.instructor``: student versions, solutions stripped nbgrader-style,
everything else unchanged; the exercise list; refusals."""
import pathlib
import subprocess
import sys

import nbformat
import pytest

from gan_helpers.instructor import assignments

ROOT = pathlib.Path(__file__).resolve().parents[3]
NOTEBOOKS = ROOT / "instructor" / "notebooks"  # the sources, with solutions
NAMES = sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def test_strip_solutions_keeps_indentation_and_everything_else():
    src = ("def f(x):\n    y = 1\n    ### BEGIN SOLUTION\n    return x + y\n"
           "    ### END SOLUTION\n\nprint('ok')")
    out, n = assignments.strip_solutions(src)
    assert n == 1
    assert out == ("def f(x):\n    y = 1\n    # YOUR CODE HERE\n    raise NotImplementedError()"
                   "\n\nprint('ok')")
    for broken in ("### BEGIN SOLUTION\nx", "x\n### END SOLUTION",
                   "### BEGIN SOLUTION\n### BEGIN SOLUTION"):
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
                assert (s.source.count("raise NotImplementedError()")
                        == t.source.count("### BEGIN SOLUTION"))
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


def test_without_nbformat_it_names_the_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "nbformat", None)  # makes `import nbformat` fail
    with pytest.raises(SystemExit, match=r"\.\[instructor\]"):
        assignments.list_exercises(str(NOTEBOOKS))
    assert assignments.strip_solutions("x = 1")[1] == 0  # the text functions need nothing


def test_the_module_runs_as_a_command(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "gan_helpers.instructor", "list", str(NOTEBOOKS)],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "00_setup.ipynb: 2 exercise(s): scale_images, steps_per_epoch" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "gan_helpers.instructor", "--help"],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0 and "make-student" in proc.stdout


def test_readme_instructor_table_lists_every_exercise():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## For instructors"):]
    for name, exercises in assignments.list_exercises(str(NOTEBOOKS)).items():
        row = next((line for line in section.splitlines()
                    if line.startswith(f"| {name[:2]} ")), None)
        assert row, f"README's instructor table has no row for {name}"
        for ex in exercises:
            assert f"`{ex}`" in row, f"README's row for {name} lacks `{ex}`"
    assert "python -m gan_helpers.instructor make-student instructor/notebooks/ student/" in section
