"""The maintainer tools live in tools/, outside the package, and the instructor tools in a
subpackage that ``import gan_helpers`` leaves alone: a learner's import loads neither."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

import gan_helpers

REPO = Path(__file__).resolve().parents[2]
TOOL_NAMES = ("bench", "run_all", "train_classifier", "assignments", "instructor")


def test_import_gan_helpers_loads_no_tool():
    code = ("import json, sys; import gan_helpers, gan_helpers.metrics; "
            "print(json.dumps(sorted(sys.modules)))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-2000:]
    loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    ours = [m for m in loaded if m == "gan_helpers" or m.startswith("gan_helpers.")]
    assert "gan_helpers.metrics" in ours
    offending = [m for m in loaded if any(t in m.split(".") for t in TOOL_NAMES)]
    assert offending == [], f"import gan_helpers loaded {offending}"


def test_tools_are_files_of_the_checkout_not_modules_of_the_package():
    package = Path(gan_helpers.__file__).parent
    for name in ("bench", "run_all", "train_classifier"):
        assert (REPO / "tools" / f"{name}.py").is_file()
        assert not list(package.rglob(f"{name}.py")), f"{name}.py is back in the package"
    assert not (package / "assignments.py").exists()
    assert (package / "instructor" / "assignments.py").is_file()
    assert not (REPO / "tools" / "__init__.py").exists()


def test_pyproject_lists_every_package_and_no_tool():
    """setuptools gets an explicit list: a new subpackage missing from it would be absent
    from the wheel (an editable install would not notice)."""
    tomllib = pytest.importorskip("tomllib")  # Python >= 3.11
    listed = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    package = Path(gan_helpers.__file__).parent
    found = sorted(".".join(("gan_helpers",) + p.parent.relative_to(package).parts)
                   for p in package.rglob("__init__.py"))
    assert sorted(listed) == found
    assert not any(name.startswith("tools") for name in listed)
