"""The real nbgrader, end to end, on the workbook's own notebooks: every notebook releases
(``nbgrader generate_assignment``), and a full autograde cycle on two notebooks gives the
untouched release 0 points on every exercise and the reference solutions full points.

Never skipped: a grader that cannot run is a failure (nbgrader is in the ``instructor``
extra, which the README's test command installs)."""
import os
import pathlib
import shutil
import subprocess
import sys

import nbformat
import pytest

from gan_helpers.instructor import build

ROOT = pathlib.Path(__file__).resolve().parents[2]
SOURCES = ROOT / "instructor" / "notebooks"
CYCLE = ("00_setup.ipynb", "01_minimax_objective.ipynb")  # the two fastest


def nbgrader(*args, cwd):
    env = {**os.environ, "PATH": f"{pathlib.Path(sys.executable).parent}{os.pathsep}"
           f"{os.environ['PATH']}"}  # nbgrader runs alembic from the same environment
    for var in ("GAN_WORKBOOK_GRADING", "GAN_WORKBOOK_PROFILE"):
        env.pop(var, None)  # nbgrader's own switch must be enough: grading mode and smoke sizes
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=1500)
    assert proc.returncode == 0, f"nbgrader {' '.join(args)}:\n{proc.stdout[-3000:]}" \
                                 f"\n{proc.stderr[-3000:]}"
    return proc


@pytest.mark.integration
def test_nbgrader_releases_every_notebook_and_autogrades_blank_0_and_reference_full(tmp_path):
    # Imported here, not at the top: collecting tests/ must work without the instructor extra
    # (CI's Colab and floor environments deselect the integration tests); here it must exist.
    from nbgrader.api import Gradebook

    # The README's walkthrough, with every notebook in one assignment (one release for all).
    readme = (ROOT / "README.md").read_text()
    walkthrough = readme[readme.index("**With nbgrader**"):readme.index("**With Otter-Grader**")]
    for command in ("python -m gan_helpers.instructor nbgrader instructor/notebooks/ course/",
                    "nbgrader generate_assignment", "nbgrader autograde", "nbgrader export"):
        assert command in walkthrough, command
    course = tmp_path / "course"
    proc = subprocess.run([sys.executable, "-m", "gan_helpers.instructor", "nbgrader",
                           "instructor/notebooks/", str(course), "--assignment", "workbook"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    nbgrader("generate_assignment", "workbook", cwd=course)
    for source in sorted(SOURCES.glob("[0-9][0-9]_*.ipynb")):
        release = nbformat.read(course / "release" / "workbook" / source.name, as_version=4)
        assert not any("BEGIN SOLUTION" in c.source for c in release.cells), source.name
        stubs = sum("raise NotImplementedError()" in c.source for c in release.cells)
        n = len(build.exercises(nbformat.read(source, as_version=4), source.name))
        assert stubs >= n, f"{source.name}: {stubs} stubs for {n} exercises"

    # Two students: "blank" hands in the release untouched, "ref" the reference solutions.
    for student, origin in (("blank", course / "release" / "workbook"), ("ref", SOURCES)):
        (course / "submitted" / student / "workbook").mkdir(parents=True)
        for name in CYCLE:
            shutil.copyfile(origin / name, course / "submitted" / student / "workbook" / name)
    nbgrader("autograde", "workbook", cwd=course)
    nbgrader("export", cwd=course)
    grades = (course / "grades.csv").read_text().splitlines()
    assert len(grades) == 1 + 2, grades  # a header, then one row per student

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for name in CYCLE:
            expected = {f"check_{e}" for e, _, _ in
                        build.exercises(nbformat.read(SOURCES / name, as_version=4), name)}
            for student, want in (("blank", 0.0), ("ref", 1.0)):
                sub = gb.find_submission_notebook(name[:-len(".ipynb")], "workbook", student)
                scores = {g.name: g.score for g in sub.grades}
                assert set(scores) == expected, (name, student, scores)
                assert all(s == want for s in scores.values()), (name, student, scores)
                assert sub.max_score == len(expected)
