"""``python -m gan_helpers.instructor build``: one tool owns everything generated from the
source notebooks (student notebooks, nbgrader metadata, shipped solutions), and one test keeps
all of it fresh."""
import copy
import json
import pathlib

import nbformat
import pytest

import gan_helpers as gh
from gan_helpers.instructor import build

ROOT = pathlib.Path(__file__).resolve().parents[3]
SOURCES = build.source_notebooks(ROOT)


def test_everything_generated_is_fresh():
    stale = build.stale(ROOT)
    assert not stale, ("generated files are stale; run `python -m gan_helpers.instructor build` "
                       f"and commit: {[str(p.relative_to(ROOT)) for p in stale]}")


def test_the_student_notebooks_are_what_the_readme_links():
    readme = (ROOT / "README.md").read_text()
    for path in SOURCES:
        assert (ROOT / "notebooks" / path.name).exists()
        assert f"(notebooks/{path.name})" in readme
        learners_part = readme.split("## For instructors")[0]
        assert f"instructor/notebooks/{path.name})" not in learners_part, \
            f"the learner's part of the README links the solutions of {path.name}"


def _nb(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) if not c.startswith("#md") else
                nbformat.v4.new_markdown_cell(c[3:]) for c in cells]
    return json.loads(nbformat.writes(nb))


SOLVED = "def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION"


def test_exercises_follow_one_convention():
    nb = _nb("#md text", "import gan_helpers as gh", SOLVED, "gh.checks.check_f(f)", "f(1)")
    assert build.exercises(nb) == [("f", 2, 3)]
    broken = {
        "the checker cell must come next": _nb(SOLVED, "print(1)"),
        "does not follow a solution cell": _nb("gh.checks.check_f(f)"),
        "named like its exercise": _nb(SOLVED, "gh.checks.check_f(g)"),
        "does not define": _nb(SOLVED.replace("def f", "def g"), "gh.checks.check_f(f)"),
        "no checker cell after it": _nb(SOLVED),
        "one exercise per cell": _nb(SOLVED + "\n" + SOLVED, "gh.checks.check_f(f)"),
    }
    for phrase, nb in broken.items():
        with pytest.raises(build.BuildError, match=phrase):
            build.exercises(nb)


def test_student_version_and_nbgrader_metadata():
    nb = _nb("#md text", SOLVED, "gh.checks.check_f(f)", "f(1)")
    nb["cells"][3]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "2"}]
    nb["cells"][3]["execution_count"] = 4
    graded = build.nbgrader_metadata(nb)
    roles = [c["metadata"]["nbgrader"] for c in graded["cells"]]
    assert roles[1] == dict(grade=False, grade_id="f", locked=False, schema_version=3,
                            solution=True, task=False)
    assert roles[2] == dict(grade=True, grade_id="check_f", locked=True, points=1,
                            schema_version=3, solution=False, task=False)
    assert all(r["locked"] and not r["grade"] and not r["solution"] for r in (roles[0], roles[3]))
    assert len({r["grade_id"] for r in roles}) == len(roles)
    student = build.student_version(graded)
    assert all("nbgrader" not in c["metadata"] for c in student["cells"])
    assert "".join(student["cells"][1]["source"]) == ("def f(x):\n    # YOUR CODE HERE\n"
                                                      "    raise NotImplementedError()")
    assert student["cells"][3]["outputs"] == [] and student["cells"][3]["execution_count"] is None
    original = copy.deepcopy(nb)
    for i in (0, 2):
        assert "".join(student["cells"][i]["source"]) == "".join(original["cells"][i]["source"])


def test_every_exercise_has_a_checker_and_a_shipped_solution():
    from gan_helpers.checks._solutions import SOLUTIONS
    in_notebooks = {e for p in SOURCES for e, _, _ in build.exercises(json.loads(p.read_text()),
                                                                     p.name)}
    assert in_notebooks == set(gh.checks.EXERCISES) == set(SOLUTIONS)


def test_build_check_reports_and_build_repairs(tmp_path, capsys):
    (tmp_path / "instructor" / "notebooks").mkdir(parents=True)
    (tmp_path / "gan_helpers" / "checks").mkdir(parents=True)
    nb = _nb("import gan_helpers as gh", SOLVED, "gh.checks.check_f(f)")
    (tmp_path / "instructor" / "notebooks" / "01_x.ipynb").write_text(json.dumps(nb))
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "99_orphan.ipynb").write_text("{}")
    assert len(build.build(tmp_path, check=True)) == 4  # source, student, solutions, orphan
    assert "4 generated file(s) stale" in capsys.readouterr().out
    build.build(tmp_path)
    assert build.stale(tmp_path) == []
    assert not (tmp_path / "notebooks" / "99_orphan.ipynb").exists()
    assert "raise NotImplementedError()" in (tmp_path / "notebooks" / "01_x.ipynb").read_text()
