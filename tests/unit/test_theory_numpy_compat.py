"""gan_helpers/theory.py under the oldest NumPy that pyproject.toml allows (numpy>=1.26).

NumPy 1.26 has ``np.trapz`` but no ``np.trapezoid`` (NumPy 2 renamed it, 2.4 removed the old
name), so code written against one NumPy fails on the other. theory.py imports only NumPy and
SciPy, so it is loaded *by file path* in a small virtual environment with ``numpy==1.26.*``
(created once and cached in the temp folder; a few seconds to install from a wheel cache, under
a minute from PyPI) and its core quantities are checked there. Skipped, with the reason, when
that environment cannot be built (no network, no pip). Set ``GAN_WORKBOOK_NUMPY_COMPAT=0`` to
skip it.
"""
import os
import subprocess
import sys
import tempfile
import textwrap
import venv
from pathlib import Path

import pytest

THEORY = Path(__file__).resolve().parents[2] / "gan_helpers" / "theory.py"
ENV = Path(tempfile.gettempdir()) / "gan-workbook-numpy126-py{}{}".format(*sys.version_info[:2])
REQUIREMENTS = ["numpy==1.26.*", "scipy>=1.10"]

CHECKS = textwrap.dedent("""
    import importlib.util, sys
    import numpy as np
    assert np.__version__.startswith("1.26."), np.__version__
    assert not hasattr(np, "trapezoid")
    spec = importlib.util.spec_from_file_location("theory", sys.argv[1])
    T = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(T)
    assert T.trapezoid is np.trapz
    s = T.minimax_state(2.0, 1.0)
    assert abs(s["V"] - (-np.log(4) + 2 * s["JSD"])) < 1e-10 and 0 < s["JSD"] < np.log(2)
    assert abs(T.minimax_state(0.0, 1.0)["V"] + np.log(4)) < 1e-12
    x = np.linspace(-16, 16, 16001)
    pd = T.gaussian_mixture_pdf(x, [-2.0, 2.0], [0.5, 0.5])
    o = T.generator_objectives(pd, T.gaussian_pdf(x, 1.0, 1.0), x)
    g = T.gaussian_generator_gradients(x, pd, 1.0, 1.0)
    assert np.isfinite(o["non_saturating"]) and np.all(np.isfinite(g["non_saturating"]))
    assert abs(T.integrate(T.gaussian_pdf(x, 0.0, 1.0), x) - 1.0) < 1e-9
    print("numpy", np.__version__, "ok")
""")


def _python(env):
    return env / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _ready(py):
    if not py.exists():
        return False
    probe = subprocess.run([str(py), "-c", "import numpy, scipy; print(numpy.__version__)"],
                           capture_output=True, text=True)
    return probe.returncode == 0 and probe.stdout.startswith("1.26.")


def _build(env):
    py = _python(env)
    if _ready(py):
        return py
    try:
        venv.EnvBuilder(with_pip=True, clear=True).create(env)
    except Exception as err:  # noqa: BLE001 - any failure means: cannot test here
        pytest.skip(f"cannot create a virtual environment for NumPy 1.26: {err}")
    pip = subprocess.run([str(py), "-m", "pip", "install", "-q", "--only-binary=:all:",
                          "--disable-pip-version-check", *REQUIREMENTS],
                         capture_output=True, text=True, timeout=600)
    if pip.returncode != 0 or not _ready(py):
        pytest.skip("cannot install numpy==1.26.* and scipy into a virtual environment "
                    f"(offline or no wheel for this Python?): {pip.stderr.strip()[-300:]}")
    return py


@pytest.mark.skipif(os.environ.get("GAN_WORKBOOK_NUMPY_COMPAT") == "0",
                    reason="GAN_WORKBOOK_NUMPY_COMPAT=0")
@pytest.mark.skipif(sys.version_info >= (3, 13),
                    reason="NumPy 1.26 has no wheels for Python >= 3.13")
def test_theory_runs_under_numpy_1_26():
    py = _build(ENV)
    run = subprocess.run([str(py), "-c", CHECKS, str(THEORY)], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ok" in run.stdout
