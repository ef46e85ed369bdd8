"""Importing gan_helpers with a Keras backend other than TensorFlow fails at once, clearly."""
import os
import subprocess
import sys

import pytest


def _import_with(backend):
    env = dict(os.environ, KERAS_BACKEND=backend)
    return subprocess.run([sys.executable, "-c", "import gan_helpers"], env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("backend", ["numpy", "jax", "a-backend-that-does-not-exist"])
def test_a_non_tensorflow_backend_is_refused_with_the_fix(backend):
    # numpy: a backend Keras always ships, so Keras imports and the check after it refuses;
    # jax: the same where JAX is installed (Colab), else Keras' own import fails; an unknown
    # name: Keras refuses it. Each time the one message, with the fix.
    result = _import_with(backend)
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: gan_helpers needs Keras' TensorFlow backend"), last
    assert f"KERAS_BACKEND={backend}" in last and "export KERAS_BACKEND=tensorflow" in last
    assert "%env KERAS_BACKEND=tensorflow" in last and "restart the kernel" in last


def test_the_tensorflow_backend_imports():
    result = _import_with("tensorflow")
    assert result.returncode == 0, result.stderr[-2000:]
