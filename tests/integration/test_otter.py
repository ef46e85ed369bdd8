"""Otter-Grader on the workbook, with the real tools: the masters that ``python -m
gan_helpers.instructor otter`` writes go through ``otter assign`` (all 8 notebooks), and two
notebooks through the whole cycle, ``otter assign`` -> ``otter run`` on the untouched student
notebook (0 points, every zero from a test) and on the reference (full points): 00 in the
``--colab`` variant (no Otter code for students) with ``otter assign``'s own test run, 01 in the
default one.

The grading subprocesses run without the grading variables that the test-wide conftest.py
sets: like Gradescope's autograder, ``otter run`` sets none, so these tests show that the
notebooks see Otter's grading on their own (smoke sizes, raising checkers). Otter is required:
without it these tests fail, never skip (a grader nobody runs is a grader that breaks)."""
import importlib.util
import json
import os
import pathlib
import pickle
import subprocess
import sys
import time

import nbformat
import pytest

from gan_helpers.instructor import build, otter_export

ROOT = pathlib.Path(__file__).resolve().parents[2]
SOURCES = ROOT / "instructor" / "notebooks"
CYCLE = ("00_setup", "01_minimax_objective")  # the fastest notebooks
SMOKE = "Profile 'smoke' (default while grading)"
TIMEOUT = 600

pytestmark = pytest.mark.integration

# `otter assign --no-run-tests` on every master in one interpreter (the CLI itself, through
# click; one start instead of eight, each ~6 s on a busy machine).
ASSIGN_ALL = """\
import sys, time
from otter.cli import cli
for master in sys.argv[1:]:
    start = time.time()
    dist = master.rsplit("/", 1)[0] + "/dist"
    cli.main(["assign", "--no-run-tests", master, dist], prog_name="otter",
             standalone_mode=False)
    print(f"TIME {master.rsplit('/', 1)[1]} {time.time() - start:.1f}", flush=True)
"""


def _require_otter():
    assert importlib.util.find_spec("otter") is not None, (
        "otter-grader is not installed: pip install 'otter-grader[grading]>=7,<8' "
        "(the Otter tests must run, not skip)")


def _env():
    """A grader's environment: offline data, but no grading switch and no profile."""
    env = dict(os.environ)
    for var in ("GAN_WORKBOOK_GRADING", "GAN_WORKBOOK_PROFILE", "NBGRADER_EXECUTION"):
        env.pop(var, None)
    env["GAN_WORKBOOK_OFFLINE"] = "1"
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    return env


def _run(args, cwd, timeout=TIMEOUT):
    start = time.time()
    done = subprocess.run(args, cwd=cwd, env=_env(), capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, f"{args} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done, time.time() - start


def _exercises(name):
    nb = json.loads((SOURCES / f"{name}.ipynb").read_text())
    return [e for e, _, _ in build.exercises(nb, name)]


@pytest.fixture(scope="module")
def assigned(tmp_path_factory):
    """Every master written and put through `otter assign --no-run-tests`: {name: its folder}."""
    _require_otter()
    out = tmp_path_factory.mktemp("otter")
    masters = otter_export.export_otter(SOURCES, out)
    done, seconds = _run([sys.executable, "-c", ASSIGN_ALL, *map(str, masters)], cwd=out)
    each = [line.split(" ", 1)[1] for line in done.stdout.splitlines() if line.startswith("TIME ")]
    print(f"\notter assign --no-run-tests, 8 notebooks: {seconds:.0f} s ({', '.join(each)})")
    return {m.stem: m.parent for m in masters}


def test_otter_assign_takes_every_master(assigned):
    assert sorted(assigned) == sorted(p.stem for p in SOURCES.glob("[0-9][0-9]_*.ipynb"))
    for name, folder in assigned.items():
        zips = list((folder / "dist" / "autograder").glob(f"{name}-autograder_*.zip"))
        assert len(zips) == 1, f"{name}: no autograder zip"
        student = nbformat.read(folder / "dist" / "student" / f"{name}.ipynb", as_version=4)
        text = "\n".join(c.source for c in student.cells)
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN PROMPT", "BEGIN QUESTION",
                       "ASSIGNMENT CONFIG"):
            assert marker not in text, f"{name}: the student version still has {marker!r}"
        assert f'grader = otter.Notebook("{name}.ipynb")' in student.cells[0].source
        exercises = _exercises(name)
        for exercise in exercises:
            answer = next(c for c in student.cells if c.cell_type == "code"
                          and c.source.startswith(f"def {exercise}("))
            assert answer.source.rstrip().endswith("# YOUR CODE HERE\n"
                                                   "    raise NotImplementedError()"), \
                f"{name}: the stub of {exercise} is\n{answer.source}"
            namespace = {}
            exec(answer.source, namespace)  # the stub raises NotImplementedError, whatever args
            fn = namespace[exercise]
            with pytest.raises(NotImplementedError):
                fn(*[None] * fn.__code__.co_argcount)
            sources = [c.source.strip() for c in student.cells]
            # the learner's verdict, then Otter's check of the same exercise
            at = sources.index(f"gh.checks.check_{exercise}({exercise})")
            assert sources[at + 1] == f'grader.check("{exercise}")'
        tests = student.metadata["otter"]["tests"]
        assert sorted(tests) == sorted(exercises)


def _grade(zip_path, submission, out):
    out.mkdir()
    return subprocess.Popen([sys.executable, "-m", "otter", "run", "--no-logo", "-p",
                             "-a", str(zip_path), "-o", ".", str(submission)],
                            cwd=out, env=_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def _scores(out):
    tests = json.loads((out / "results.json").read_text())["tests"]
    return {t["name"]: (t["score"], t["max_score"], t["output"]) for t in tests
            if t.get("score") is not None}


def _executed(out):
    import otter  # noqa: F401  (the pickle holds Otter's GradingResults)
    with open(out / "results.pkl", "rb") as f:
        return pickle.load(f).notebook


def _errors(cell):
    return [f"{o.ename}: {o.evalue}" for o in cell.get("outputs", []) if o.output_type == "error"]


def _stdout(cell):
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")


@pytest.mark.parametrize("name", CYCLE)
def test_otter_cycle_blank_scores_zero_and_reference_scores_full(name, assigned, tmp_path):
    folder = assigned[name]
    exercises = _exercises(name)
    dist = folder / "dist"
    if name == CYCLE[0]:
        # The --colab variant (student version without Otter code), through `otter assign`
        # with its test run (the solutions graded, as Gradescope will).
        colab = tmp_path / "colab"
        folder = otter_export.export_otter(SOURCES, colab, patterns=name, colab=True)[0].parent
        done, seconds = _run([sys.executable, "-m", "otter", "assign", "-v", f"{name}.ipynb",
                              "dist"], cwd=folder)
        assert "All autograder tests passed." in done.stdout + done.stderr
        print(f"\n{name} (--colab): otter assign (tests run) {seconds:.0f} s")
        dist = folder / "dist"
        student = nbformat.read(dist / "student" / f"{name}.ipynb", as_version=4)
        assert not any("otter" in c.source or "grader." in c.source for c in student.cells)
    zip_path = next((dist / "autograder").glob("*.zip"))
    subs = {"blank": dist / "student" / f"{name}.ipynb",          # untouched student notebook
            "ref": dist / "autograder" / f"{name}.ipynb"}         # the solutions
    start = time.time()
    runs = {who: _grade(zip_path, sub, tmp_path / who) for who, sub in subs.items()}  # 2 cores
    logs = {who: p.communicate(timeout=TIMEOUT)[0] for who, p in runs.items()}
    print(f"{name}: otter run blank + ref (in parallel) {time.time() - start:.0f} s")
    for who, p in runs.items():
        assert p.returncode == 0, f"otter run ({who}) failed:\n{logs[who][-3000:]}"

    blank, ref = _scores(tmp_path / "blank"), _scores(tmp_path / "ref")
    assert sorted(blank) == sorted(ref) == sorted(exercises)
    for exercise, (score, max_score, output) in blank.items():
        assert (score, max_score) == (0, 1), f"blank {exercise}: {score}/{max_score}"
        assert "NotImplementedError" in output, \
            f"blank {exercise}: the zero must come from the test failing on the stub:\n{output}"
    for exercise, (score, max_score, output) in ref.items():
        assert (score, max_score) == (1, 1), f"reference {exercise}: {score}/{max_score}\n{output}"
    print(f"{name}: blank {sum(s for s, _, _ in blank.values())}/{len(blank)}, "
          f"reference {sum(s for s, _, _ in ref.values())}/{len(ref)}")

    # What the notebooks saw: grading (smoke sizes) with no variable set; the blank's only
    # errors are its checker cells raising on the stubs, after which the notebook went on.
    checkers = {f"gh.checks.check_{e}({e})" for e in exercises}
    for who in ("blank", "ref"):
        cells = _executed(tmp_path / who).cells
        assert any(SMOKE in _stdout(c) for c in cells), f"{who}: not graded at smoke sizes"
        failed = {c.source.strip(): _errors(c) for c in cells if _errors(c)}
        if who == "ref":
            assert not failed, f"reference: cells failed: {failed}"
        else:
            assert set(failed) == checkers, f"blank: unexpected failures {failed}"
            assert all(e[0].startswith("NotImplementedError") for e in failed.values())
            last = [c for c in cells if c.cell_type == "code"][-1]
            assert not _errors(last), "the notebook must run to its end"


def test_the_readme_walkthrough_names_what_these_tests_run():
    """The README's Otter walkthrough: the export command, then Otter's own commands."""
    readme = (ROOT / "README.md").read_text()
    walkthrough = readme[readme.index("**With Otter-Grader**"):]
    walkthrough = walkthrough[:walkthrough.index("**Student copies without a grader.**")]
    for command in ("python -m gan_helpers.instructor otter instructor/notebooks/ otter/ --colab",
                    "otter assign 01_minimax_objective.ipynb dist",
                    "otter run -a dist/autograder/*.zip -o out"):
        assert command in walkthrough, command
    proc = subprocess.run([sys.executable, "-m", "gan_helpers.instructor", "otter", "--help"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and "--colab" in proc.stdout
