"""Fixtures for the checkers' tests, which follow the checkers' one convention: a pass
prints one line with the largest relative error and returns None; a failure raises
AssertionError naming the mistake (the verdict under grading, set for every test here)."""
import re

import pytest


@pytest.fixture
def passes(capsys):
    """``passes(checker, fn)``: assert that ``checker(fn)`` returns None after printing one
    line that says correct; return the largest relative error that line reports."""
    def run(checker, fn):
        capsys.readouterr()
        assert checker(fn) is None
        lines = capsys.readouterr().out.strip().splitlines()
        assert len(lines) == 1 and ": correct! max relative error " in lines[0], lines
        return float(re.search(r"max relative error (\S+) ", lines[0]).group(1))
    return run


@pytest.fixture
def rejects():
    """``rejects(checker, fn, phrase)``: assert that ``checker(fn)`` raises AssertionError
    whose message matches the regular expression ``phrase``."""
    def run(checker, fn, phrase):
        with pytest.raises(AssertionError, match=phrase):
            checker(fn)
    return run


@pytest.fixture(autouse=True)
def grading(monkeypatch):
    """The checkers' raw verdicts: as under grading, a failing check raises. (The learner's
    printed verdicts, with grading off, are tested in test_core.py.)"""
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setenv("GAN_WORKBOOK_GRADING", "1")
