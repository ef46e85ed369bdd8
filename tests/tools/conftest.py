"""tools/ is not a package (and not installed): its scripts are loaded from their files, once
per test session, and handed to the tests as fixtures."""
import importlib.util
import sys
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[2] / "tools"


def load_tool(name):
    """Load ``tools/<name>.py`` from its file, as the module ``tools_<name>``."""
    spec = importlib.util.spec_from_file_location(f"tools_{name}", TOOLS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # as an import would (dataclasses look it up)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def bench():
    """``tools/bench.py``."""
    return load_tool("bench")


@pytest.fixture(scope="session")
def calibrate():
    """``tools/calibrate.py``."""
    return load_tool("calibrate")


@pytest.fixture(scope="session")
def run_all():
    """``tools/run_all.py``."""
    return load_tool("run_all")


@pytest.fixture(scope="session")
def train_classifier():
    """``tools/train_classifier.py``."""
    return load_tool("train_classifier")


@pytest.fixture(scope="session")
def budget():
    """``tools/budget.py``."""
    return load_tool("budget")
