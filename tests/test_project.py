"""Project-level promises: dependencies agree, the README's commands are what CI runs,
and every notebook follows the series' conventions (stripped outputs, Colab cell,
objectives, a profile, auto-checked exercises)."""
import pathlib
import re
import subprocess
import sys

import nbformat
import pytest

tomllib = pytest.importorskip("tomllib")  # Python >= 3.11

ROOT = pathlib.Path(__file__).resolve().parents[1]
# The sources, with solutions; notebooks/ holds the student copies generated from them (their
# freshness is tests/unit/instructor/test_build.py's).
NOTEBOOKS = sorted((ROOT / "instructor" / "notebooks").glob("[0-9][0-9]_*.ipynb"))
KINDS = ("derive", "predict", "diagnose", "design", "implement")


def test_environment_yml_installs_the_project_instead_of_repeating_its_list():
    lines = (ROOT / "environment.yml").read_text().splitlines()
    start = lines.index("  - pip:")
    pip_reqs = [line.strip() for line in lines[start + 1:] if line.strip().startswith("- ")]
    assert pip_reqs == ["- -e .[dev]"], "the dependency list lives in pyproject.toml only"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    cmd = subprocess.run(
        ["awk", '/<!-- test-command -->/{getline; while ($0 ~ /^```/) getline; print; exit}',
         str(ROOT / "README.md")], capture_output=True, text=True, check=True).stdout.strip()
    assert cmd == 'python -m pip install -e ".[dev,instructor]" && python -m pytest'
    assert 'python -m pip install -e ".[dev]" && jupyter lab notebooks/' in readme
    assert "<!-- test-command -->" in (ROOT / ".ci" / "run").read_text()


def test_readme_table_lists_every_notebook():
    readme = (ROOT / "README.md").read_text()
    assert NOTEBOOKS, "no notebooks found"
    for nb in NOTEBOOKS:
        assert f"(notebooks/{nb.name})" in readme, f"README's table lacks {nb.name}"
        assert re.search(rf"colab\.research\.google\.com/github/[^)]*/blob/v[^/)]+/notebooks/"
                         rf"{re.escape(nb.name)}\)", readme), \
            f"README lacks a Colab badge for {nb.name} (opening a release's notebook)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_conventions(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    for cell in code:
        assert not cell.outputs and cell.execution_count is None, \
            f"{path.name}: commit notebooks with outputs stripped"
    assert 'if "google.colab" in sys.modules:' in code[0].source, "first cell installs on Colab"
    intro = nb.cells[1].source
    assert intro.startswith("# ") and "What you will learn" in intro
    assert "gh.profile(" in "".join(c.source for c in code), "sizes must come from gh.profile"
    exercises = [i for i, c in enumerate(nb.cells) if "### BEGIN SOLUTION" in c.source]
    minimum = 2
    assert len(exercises) >= minimum, f"{path.name}: needs >= {minimum} exercises"
    for i in exercises:
        assert "### END SOLUTION" in nb.cells[i].source
        following = next(c for c in nb.cells[i + 1:] if c.cell_type == "code")
        assert "gh.checks.check_" in following.source, \
            f"{path.name}: the cell after an exercise must call a checker"


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.name[:2] != "00"],
                         ids=lambda p: p.stem)
def test_every_notebook_has_an_exercise_that_is_not_transcription(path):
    """01-07 each ask the learner to derive, predict, diagnose or design something, not only
    to type in a formula shown above; the heading names the kind."""
    text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells
                     if c.cell_type == "markdown")
    kinds = re.findall(rf"Exercise \d+ \(({'|'.join(KINDS)})\)", text)
    assert kinds, f"{path.name}: no exercise of the kinds {KINDS}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_share_one_import_style(path):
    """``import gan_helpers as gh`` once, then every module through ``gh``."""
    nb = nbformat.read(path, as_version=4)
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    imports = re.findall(r"^[ \t]*(?:from|import) gan_helpers\b.*$", source, flags=re.M)
    # (the generated first cell imports it to check its version; the setup cell imports it again)
    imports = [line.split("#")[0].strip() for line in imports]  # without trailing comments
    assert imports and set(imports) == {"import gan_helpers as gh"}, f"{path.name}: {imports}"


def test_ruff_is_clean():
    """The package, tests, tools and notebooks pass the linter configured in pyproject.toml."""
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", str(ROOT)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-1000:]
