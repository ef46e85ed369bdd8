"""Fixtures shared by the metrics tests (test_frechet.py and test_classifier.py)."""
import numpy as np
import pytest

import gan_helpers


@pytest.fixture(scope="module")
def mnist():
    """The bundled 5k MNIST subset, shuffled with a fixed seed (it is ordered by digit)."""
    x, y = gan_helpers.load_mnist(source="bundled", verbose=False)
    order = np.random.default_rng(0).permutation(len(x))
    return x[order], y[order]
