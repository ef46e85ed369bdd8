"""``python -m gan_helpers.instructor otter``: Otter-Grader master notebooks from the sources,
and ``gh.runtime.grading()`` recognising Otter's grading. The real ``otter assign`` / ``otter
run`` on these masters: tests/integration/test_otter.py."""
import json
import pathlib
import sys
import types

import nbformat
import pytest

from gan_helpers import runtime
from gan_helpers.instructor import assignments, build, otter_export
from gan_helpers.instructor.otter_export import OtterExportError

ROOT = pathlib.Path(__file__).resolve().parents[3]
SOURCES = build.source_notebooks(ROOT)

SOLVED = ('def f(x):\n    """Twice x."""\n    ### BEGIN SOLUTION\n    y = 2 * x\n    return y\n'
          "    ### END SOLUTION")


def _nb(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) if not c.startswith("#md") else
                nbformat.v4.new_markdown_cell(c[3:]) for c in cells]
    return json.loads(nbformat.writes(nb))


def _text(cell):
    return build._source(cell)


def _write(folder, name, nb):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps(nb))


TINY = _nb("#md intro", "import gan_helpers as gh", SOLVED, "gh.checks.check_f(f)", "f(1)")


# --- the conversion -----------------------------------------------------------------------------

def test_solution_markers_become_otters_and_the_stub_is_kept_as_its_prompt():
    assert otter_export.otter_solution(SOLVED) == (
        'def f(x):\n    """Twice x."""\n'
        "    # BEGIN SOLUTION NO PROMPT\n    y = 2 * x\n    return y\n    # END SOLUTION\n"
        '    """ # BEGIN PROMPT\n    # YOUR CODE HERE\n    raise NotImplementedError()\n'
        '    """ # END PROMPT')
    nested = "def g(x):\n    if x:\n        ### BEGIN SOLUTION\n        return 1\n" \
             "        ### END SOLUTION\n    return 0"
    out = otter_export.otter_solution(nested)
    assert "        # BEGIN SOLUTION NO PROMPT\n" in out
    assert '        # END SOLUTION\n        """ # BEGIN PROMPT\n        # YOUR CODE HERE\n' \
           '        raise NotImplementedError()\n        """ # END PROMPT\n    return 0' in out
    assert "###" not in out


def test_the_master_still_runs_the_solution():
    namespace = {}
    exec(otter_export.otter_solution(SOLVED), namespace)  # the prompt is a dead string literal
    assert namespace["f"](3) == 6


def test_what_otter_leaves_students_is_the_workbooks_stub():
    # Otter Assign's rule (otter/assign/solutions.py): drop the solution region and the lines
    # that end with '# BEGIN PROMPT' / '# END PROMPT'. Applied here by hand, without Otter.
    kept, inside = [], False
    for line in otter_export.otter_solution(SOLVED).splitlines():
        if line.strip().startswith("# BEGIN SOLUTION"):
            inside = True
        elif line.rstrip().endswith("# END SOLUTION"):
            inside = False
        elif not inside and not line.rstrip().endswith(("# BEGIN PROMPT", "# END PROMPT")):
            kept.append(line)
    assert "\n".join(kept) == assignments.strip_solutions(SOLVED)[0]  # = the nbgrader stub


@pytest.mark.parametrize("source, phrase", [
    (SOLVED.replace("    ### END SOLUTION", ""), "never closed"),
    (SOLVED.replace("    ### BEGIN SOLUTION\n", ""), "without"),
    ("def f(x):\n    return x", "expected one solution region"),
    (SOLVED.replace('"""Twice x."""', "z = 1  # SOLUTION"), "would be rewritten by Otter"),
])
def test_bad_solution_cells_are_refused(source, phrase):
    with pytest.raises(OtterExportError, match=phrase):
        otter_export.otter_solution(source)


def test_master_layout_question_tests_and_config():
    master = otter_export.master_notebook(TINY, "01_tiny.ipynb")
    kinds = [(c["cell_type"], _text(c).splitlines()[0]) for c in master["cells"]]
    assert kinds == [
        ("raw", "# ASSIGNMENT CONFIG"), ("markdown", " intro"),
        ("code", "import gan_helpers as gh"),
        ("raw", "# BEGIN QUESTION"), ("raw", "# BEGIN SOLUTION"), ("code", "def f(x):"),
        ("raw", "# END SOLUTION"), ("code", "gh.checks.check_f(f)"),
        ("raw", "# BEGIN TESTS"), ("code", "def test_f(gh, f):"), ("raw", "# END TESTS"),
        ("raw", "# END QUESTION"), ("code", "f(1)")]
    config = _text(master["cells"][0])
    for line in ("name: gan_01", "init_cell: true", "check_all_cell: false",
                 "export_cell: false", "run_tests: true", "requirements: requirements.txt",
                 "tests:\n  files: false\n  ok_format: false",
                 "generate:\n  pdf: false\n  show_stdout: true\n  show_hidden: true"):
        assert line in config
    assert _text(master["cells"][3]) == "# BEGIN QUESTION\nname: f\npoints: 1"
    assert "# BEGIN SOLUTION NO PROMPT" in _text(master["cells"][5])
    assert _text(master["cells"][9]) == (
        "def test_f(gh, f):\n    gh.checks.check_f(f, grading=True)\n\ntest_f(gh, f)")
    nbformat.validate(nbformat.from_dict(master))
    # every other cell is kept as it is
    for i, j in ((0, 1), (1, 2), (3, 7), (4, 12)):
        assert master["cells"][j]["source"] == TINY["cells"][i]["source"]
    assert len({c["id"] for c in master["cells"]}) == len(master["cells"])


def test_the_colab_variant_leaves_otter_out_of_the_student_version():
    master = otter_export.master_notebook(TINY, "01_tiny.ipynb", colab=True)
    assert "init_cell: false" in _text(master["cells"][0])
    assert _text(master["cells"][3]) == "# BEGIN QUESTION\nname: f\npoints: 1\ncheck_cell: false"
    assert "init_cell: true" in _text(otter_export.master_notebook(TINY, "01_x.ipynb")["cells"][0])


def test_the_graded_test_raises_exactly_when_the_checker_does():
    calls = []
    fake = types.SimpleNamespace(checks=types.SimpleNamespace(
        check_f=lambda answer, grading=None: calls.append((answer, grading))))
    exec(otter_export.otter_test_source("f"), {"gh": fake, "f": "answer"})
    assert calls == [("answer", True)]


def test_every_source_notebook_converts():
    for path in SOURCES:
        nb = json.loads(path.read_text())
        master = otter_export.master_notebook(nb, path.name)
        exercises = [e for e, _, _ in build.exercises(nb, path.name)]
        questions = [_text(c).split("name: ")[1].split("\n")[0] for c in master["cells"]
                     if c["cell_type"] == "raw" and _text(c).startswith("# BEGIN QUESTION")]
        assert questions == exercises, path.name
        assert not any("### BEGIN SOLUTION" in _text(c) for c in master["cells"])
        assert not any("nbgrader" in c["metadata"] for c in master["cells"])
        non_raw = [c for c in master["cells"] if c["cell_type"] != "raw"]
        assert len(non_raw) == len(nb["cells"]) + len(exercises)  # + one test cell each


def test_cells_otter_would_misread_are_refused():
    for bad in ("# ignore this cell\nx = 1", "x = 1  # IGNORE", "x = 1  # SEED"):
        with pytest.raises(OtterExportError, match="Otter Assign would misread"):
            otter_export.master_notebook(_nb(SOLVED, "gh.checks.check_f(f)", bad), "01_x.ipynb")


def test_a_broken_convention_is_an_export_error():
    with pytest.raises(OtterExportError, match="no checker cell"):
        otter_export.master_notebook(_nb(SOLVED), "01_x.ipynb")
    with pytest.raises(OtterExportError, match="no exercises"):
        otter_export.master_notebook(_nb("x = 1"), "01_x.ipynb")
    with pytest.raises(OtterExportError, match="two-digit number"):
        otter_export.master_notebook(TINY, "tiny.ipynb")


def test_requirements_name_the_workbook_and_otter(tmp_path):
    assert otter_export.package_requirement(tmp_path / "missing.toml") == \
        otter_export.DEFAULT_PACKAGE
    toml = tmp_path / "pyproject.toml"
    toml.write_text('[project]\nname = "gan-workbook"\n')
    assert otter_export.package_requirement(toml) == otter_export.DEFAULT_PACKAGE
    toml.write_text('[project]\nname = "gan-workbook"\nversion = "0.2.0"\n[project.urls]\n'
                    'Homepage = "https://example.org"\n'
                    'Repository = "https://github.com/someone/gan-workbook.git"\n')
    assert otter_export.package_requirement(toml) == \
        "gan-workbook @ git+https://github.com/someone/gan-workbook@v0.2.0"
    text = otter_export.requirements_text("pkg @ git+https://github.com/a/b")
    assert text == "pkg @ git+https://github.com/a/b\notter-grader[grading]>=7.0,<8\n"
    assert "#" not in text.replace("git+https", "")


# --- the export and its refusals ----------------------------------------------------------------

def test_export_writes_one_master_folder_per_notebook(tmp_path, capsys):
    src = tmp_path / "src"
    _write(src, "01_tiny.ipynb", TINY)
    _write(src, "02_other.ipynb", TINY)
    (src / "notes.ipynb").write_text("{}")  # not NN_name: not a source
    masters = otter_export.export_otter(src, tmp_path / "out", patterns="01_*")
    assert masters == [tmp_path / "out" / "01_tiny" / "01_tiny.ipynb"]
    master = nbformat.read(masters[0], as_version=4)
    assert master.cells[0].source.startswith("# ASSIGNMENT CONFIG\nname: gan_01")
    req = (tmp_path / "out" / "01_tiny" / "requirements.txt").read_text()
    assert "gan-workbook @ git+" in req and "otter-grader" in req
    assert "assignment gan_01, 1 question(s)" in capsys.readouterr().out
    assert not (tmp_path / "out" / "02_other").exists()


def test_export_refuses_to_overwrite_without_force(tmp_path):
    src = tmp_path / "src"
    _write(src, "01_tiny.ipynb", TINY)
    otter_export.export_otter(src, tmp_path / "out")
    with pytest.raises(OtterExportError, match="exist already.*--force"):
        otter_export.export_otter(src, tmp_path / "out")
    otter_export.export_otter(src, tmp_path / "out", force=True)


def test_export_refuses_the_source_folder_and_bad_selections(tmp_path):
    src = tmp_path / "src"
    _write(src, "01_tiny.ipynb", TINY)
    for dst in (src, src / "otter"):
        with pytest.raises(OtterExportError, match="inside the source folder"):
            otter_export.export_otter(src, dst)
    with pytest.raises(OtterExportError, match="matches no notebook.*01_tiny.ipynb"):
        otter_export.export_otter(src, tmp_path / "out", patterns=["07_*"])
    with pytest.raises(OtterExportError, match="is not a folder"):
        otter_export.export_otter(tmp_path / "nowhere", tmp_path / "out")
    (tmp_path / "empty").mkdir()
    with pytest.raises(OtterExportError, match="no source notebooks"):
        otter_export.export_otter(tmp_path / "empty", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_cli_subcommand(tmp_path, capsys):
    src = tmp_path / "src"
    _write(src, "01_tiny.ipynb", TINY)
    assert assignments.main(["otter", str(src), str(tmp_path / "out"), "--notebooks",
                             "01_*"]) == 0
    assert (tmp_path / "out" / "01_tiny" / "01_tiny.ipynb").exists()
    with pytest.raises(SystemExit, match="^error: .*--force"):
        assignments.main(["otter", str(src), str(tmp_path / "out")])
    assert assignments.main(["otter", str(src), str(tmp_path / "out"), "--force", "--colab"]) == 0
    assert "init_cell: false" in (tmp_path / "out" / "01_tiny" / "01_tiny.ipynb").read_text()


# --- gh.runtime.grading() under Otter ------------------------------------------------------------

@pytest.fixture
def learner(monkeypatch):
    """No grading switch in the environment."""
    for var in ("GAN_WORKBOOK_GRADING", "NBGRADER_EXECUTION", runtime.PROFILE_ENV):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(runtime, "has_gpu", lambda: False)
    return monkeypatch


def _fake_otter(monkeypatch, **attrs):
    module = types.ModuleType("otter")
    module.Notebook = type("Notebook", (), attrs)
    monkeypatch.setitem(sys.modules, "otter", module)
    return module


def test_otters_grading_mode_is_grading(learner, capsys):
    _fake_otter(learner, _grading_mode=True)   # what otter.Notebook.init_grading_mode() sets
    assert runtime.grading()
    cfg = runtime.profile(smoke=dict(n=1), quick=dict(n=2), full=dict(n=3))
    assert cfg.profile == "smoke"
    assert "default while grading" in capsys.readouterr().out


@pytest.mark.parametrize("attrs", [dict(_grading_mode=False), {}, dict(_grading_mode="yes")])
def test_otter_loaded_but_not_grading_is_not_grading(learner, attrs):
    _fake_otter(learner, **attrs)  # a learner's `import otter; grader = otter.Notebook()`
    assert not runtime.grading()
    assert runtime.profile_name() == "quick"


def test_no_otter_module_or_a_foreign_one_is_not_grading(learner):
    learner.delitem(sys.modules, "otter", raising=False)
    assert not runtime.grading()
    learner.setitem(sys.modules, "otter", types.ModuleType("otter"))  # no Notebook at all
    assert not runtime.grading()
    learner.setenv("GAN_WORKBOOK_GRADING", "1")                        # the variable still works
    assert runtime.grading()
