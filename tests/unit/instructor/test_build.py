"""``python -m gan_helpers.instructor build``: one tool owns everything generated from the
source notebooks (student notebooks, nbgrader metadata, shipped solutions), and one test keeps
all of it fresh."""
import copy
import json
import os
import pathlib
import subprocess
import sys

import nbformat
import pytest

import gan_helpers as gh
from gan_helpers.instructor import build, release

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


COMMITTED = SOURCES + [ROOT / "notebooks" / p.name for p in SOURCES]


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_committed_notebooks_open_on_a_colab_gpu_and_carry_no_outputs_or_widget_state(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["accelerator"] == "GPU", f"{path.name}: a badge would open a CPU runtime"
    assert nb["metadata"]["colab"]["gpuType"] == "T4"
    assert "widgets" not in nb["metadata"], \
        f"{path.name}: saved widget state (GitHub cannot render it); run the build to strip it"
    for cell in nb["cells"]:
        assert "widgets" not in cell["metadata"]
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, \
                f"{path.name}: outputs committed; run the build to strip them"


def test_the_build_strips_what_jupyter_and_colab_save():
    nb = _nb("import gan_helpers as gh", SOLVED, "gh.checks.check_f(f)")
    nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nb["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "hi"}]
    nb["cells"][0]["execution_count"] = 3
    clean = build.stripped(build.colab_metadata(nb))
    assert "widgets" not in clean["metadata"] and clean["metadata"]["accelerator"] == "GPU"
    assert clean["cells"][0]["outputs"] == [] and clean["cells"][0]["execution_count"] is None
    assert nb["cells"][0]["execution_count"] == 3          # a copy: the input is untouched


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
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "gan-workbook"\nversion = "2.0.0"\n[project.urls]\n'
        'Repository = "https://github.com/someone/gan-workbook"\n')
    badge = "https://colab.research.google.com/github/someone/gan-workbook/blob/{}/notebooks/01_x.ipynb"
    (tmp_path / "README.md").write_text(f"[![Open In Colab](x.svg)]({badge.format('main')})\n")
    install = 'import sys\nif "google.colab" in sys.modules:\n    pass'
    nb = _nb(install, "import gan_helpers as gh", SOLVED, "gh.checks.check_f(f)")
    (tmp_path / "instructor" / "notebooks" / "01_x.ipynb").write_text(json.dumps(nb))
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "99_orphan.ipynb").write_text("{}")
    # source, student, solutions, orphan, README
    assert len(build.build(tmp_path, check=True)) == 5
    assert "5 generated file(s) stale" in capsys.readouterr().out
    build.build(tmp_path)
    assert build.stale(tmp_path) == []
    assert not (tmp_path / "notebooks" / "99_orphan.ipynb").exists()
    student = (tmp_path / "notebooks" / "01_x.ipynb").read_text()
    assert "raise NotImplementedError()" in student
    assert "gan-workbook @ git+https://github.com/someone/gan-workbook@v2.0.0" in student
    assert badge.format("v2.0.0") in (tmp_path / "README.md").read_text()


# --- one source of truth for the install: pyproject.toml -----------------------------------

RELEASE = release.read_release(ROOT / "pyproject.toml")


def test_the_release_comes_from_pyproject_and_matches_the_installed_package():
    assert RELEASE.version == gh.__version__, \
        "pyproject.toml's version differs from the installed one: pip install -e . again"
    assert RELEASE.repository.startswith("https://github.com/")
    assert RELEASE.requirement == f"gan-workbook @ git+{RELEASE.repository}@v{RELEASE.version}"


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_notebook_starts_with_the_release_s_install_cell(path):
    first = json.loads(path.read_text(encoding="utf-8"))["cells"][0]
    assert "".join(first["source"]) == release.install_cell(RELEASE)


def test_readme_badges_open_the_release_s_notebooks():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    badges = build.BADGE.findall(readme)
    assert sorted(set(badges)) == sorted(p.name for p in SOURCES)
    for path in SOURCES:
        assert release.colab_url(RELEASE, path.name) in readme
    assert "/blob/main/" not in readme


def test_the_install_cell_installs_the_tag_shows_failures_and_checks_the_version(tmp_path):
    cell = release.install_cell(RELEASE)
    compile(cell, "install cell", "exec")
    assert f'"{RELEASE.requirement}"' in cell and "-q" not in cell and "check=True" not in cell
    assert "print(pip.stdout" in cell and "raise RuntimeError" in cell
    # Off Colab the cell only checks the version: run it against a stand-in gan_helpers.
    fake = tmp_path / "gan_helpers"
    fake.mkdir()
    (fake / "__init__.py").write_text('__version__ = "0.0.1"\n')
    script = tmp_path / "cell.py"
    script.write_text(cell)
    result = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True,
                            text=True, env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert result.returncode != 0
    assert f"written for gan-workbook {RELEASE.version}, but version 0.0.1" in result.stderr
    assert "restart the kernel" in result.stderr and "tag v0.0.1" in result.stderr
    (fake / "__init__.py").write_text(f'__version__ = "{RELEASE.version}"\n')
    assert subprocess.run([sys.executable, str(script)], cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(tmp_path)}).returncode == 0


def test_pyproject_without_a_release_is_a_clear_build_error(tmp_path):
    toml = tmp_path / "pyproject.toml"
    toml.write_text('[project]\nname = "gan-workbook"\nversion = "0.1.0"\n')
    with pytest.raises(release.ReleaseError, match=r"\[project.urls\] needs a Repository"):
        release.read_release(toml)
    toml.write_text('[project]\nname = "gan-workbook"\nversion = "main"\n[project.urls]\n'
                    'Repository = "https://github.com/a/b.git"\n')
    with pytest.raises(release.ReleaseError, match="must be a release number"):
        release.read_release(toml)
    toml.write_text(toml.read_text().replace('"main"', '"1.2.0"'))
    assert release.read_release(toml) == release.Release("gan-workbook", "1.2.0",
                                                         "https://github.com/a/b")
    # Python 3.10 has no tomllib: the fallback reads the same fields
    assert release._toml_subset(toml.read_text())["project"]["urls"]["Repository"] == \
        "https://github.com/a/b.git"


def test_a_notebook_without_an_install_cell_is_a_build_error():
    with pytest.raises(build.BuildError, match="first cell must be the install cell"):
        build.with_install_cell(_nb("print(1)"), RELEASE, "x.ipynb")
