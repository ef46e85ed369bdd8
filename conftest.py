"""Test-wide settings. nbval starts each notebook's kernel from this process, so the
environment set here reaches the notebooks: the tiny 'smoke' profile, offline data,
and a throw-away folder for run outputs (figures, checkpoints)."""
import os
import tempfile

os.environ.setdefault("GAN_WORKBOOK_PROFILE", "smoke")
os.environ.setdefault("GAN_WORKBOOK_RUNS", tempfile.mkdtemp(prefix="gan-workbook-runs-"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# Same data everywhere: the bundled 5k subset (auto-detection is unit-tested separately).
os.environ.setdefault("GAN_WORKBOOK_OFFLINE", "1")
# Checkers raise on a wrong answer, as under grading: the sources' reference solutions must
# pass them, and nbval fails a checker cell that does not. (Learners see printed verdicts.)
os.environ.setdefault("GAN_WORKBOOK_GRADING", "1")

# Suite time: each notebook's total (kernel start + all cells), printed after the run.
_NOTEBOOK_SECONDS = {}


# A grader test that is skipped is a failure: CI must have run the real nbgrader and Otter.
GRADER_TESTS = ("tests/integration/test_nbgrader.py", "tests/integration/test_otter.py")
_SKIPPED_GRADERS = []


def pytest_runtest_logreport(report):
    if report.skipped and report.nodeid.startswith(GRADER_TESTS):
        _SKIPPED_GRADERS.append(report.nodeid)
    path = report.nodeid.split("::")[0]
    if path.endswith(".ipynb"):
        _NOTEBOOK_SECONDS[path] = _NOTEBOOK_SECONDS.get(path, 0.0) + report.duration


def pytest_sessionfinish(session, exitstatus):
    if _SKIPPED_GRADERS:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    for nodeid in _SKIPPED_GRADERS:
        terminalreporter.write_line(f"FAILED (a grader test must not be skipped): {nodeid}",
                                    red=True)
    if not _NOTEBOOK_SECONDS:
        return
    profile = os.environ.get("GAN_WORKBOOK_PROFILE")
    terminalreporter.write_sep("=", f"notebook durations (profile {profile})")
    for path, seconds in sorted(_NOTEBOOK_SECONDS.items()):
        terminalreporter.write_line(f"{seconds:7.1f} s  {path}")
    terminalreporter.write_line(f"{sum(_NOTEBOOK_SECONDS.values()):7.1f} s  all notebooks")
