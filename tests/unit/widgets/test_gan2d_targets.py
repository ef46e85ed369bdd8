"""gan_helpers.widgets.gan2d.targets: notebook 05's two toy benchmarks, by name."""
import numpy as np
import pytest

import gan_helpers as gh
from gan_helpers.metrics.coverage import mode_coverage
from gan_helpers.widgets.gan2d.targets import TOY_TARGETS, toy_samples, toy_target


@pytest.mark.parametrize("name, centres, std, half_width", [
    ("ring", gh.ring_centres(), 0.01, 1.6),
    ("grid", gh.grid_centres(), 0.05, 5.5),
])
def test_toy_target_is_the_benchmark(name, centres, std, half_width):
    got, got_std, got_half_width = toy_target(name)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, centres, atol=1e-7)
    assert (got_std, got_half_width) == (std, half_width)
    assert np.all(np.abs(got) < half_width)  # every mode is inside the square drawn


@pytest.mark.parametrize("name", list(TOY_TARGETS))
def test_toy_samples_are_seeded_draws_of_every_mode(name):
    centres, std, _ = toy_target(name)
    x = toy_samples(name, 500, seed=3)
    assert x.shape == (500, 2) and x.dtype == np.float32
    np.testing.assert_array_equal(x, toy_samples(name, 500, seed=3))
    assert not np.allclose(x, toy_samples(name, 500, seed=4))
    cov = mode_coverage(x, centres, std)
    assert cov.modes == len(centres) and cov.hq_fraction > 0.95


def test_labels_are_the_dropdowns():
    assert [label for label, *_ in TOY_TARGETS.values()] == ["ring of 8", "grid of 25"]


def test_unknown_names_are_refused():
    with pytest.raises(ValueError, match="unknown toy target 'spiral'; use one of ring, grid"):
        toy_target("spiral")
    with pytest.raises(ValueError, match="unknown toy target"):
        toy_samples("spiral", 10, seed=0)
