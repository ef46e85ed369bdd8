"""gan_helpers.widgets.gan2d.model headless: the 2-D GAN trains ``n`` steps at a time and
resets bit for bit, with no widget, figure or display anywhere."""
import ast
import pathlib

import numpy as np
import pytest

import gan_helpers as gh
from gan_helpers.widgets.gan2d import evaluation, model, targets
from gan_helpers.widgets.gan2d.model import GAN2DModel, whole_steps

SMALL = dict(latent_dim=4, widths=(16, 16), batch=32)  # small: each call takes milliseconds
Z = np.random.default_rng(5).standard_normal((64, 4)).astype(np.float32)


@pytest.fixture(scope="module")
def shared():
    return GAN2DModel(seed=0, **SMALL)  # one model, so its loop is traced once


@pytest.fixture
def toy(shared):
    shared.reset()
    return shared


def samples(m):
    return np.asarray(m.gan.generator(Z, training=False))


def weights(m):
    return [w.numpy() for w in m.gan.generator.weights + m.gan.discriminator.weights]


def test_train_runs_n_steps_of_each_player(toy):
    before = samples(toy)
    seconds = toy.train(25, "ring")
    assert seconds > 0 and toy.step == 25 == int(toy.gan.d_optimizer.iterations)
    assert not np.allclose(samples(toy), before)
    toy.train(5, "grid")
    assert toy.step == 30


def test_one_trace_serves_every_call_and_target(toy):
    for n, target in ((1, "ring"), (2, "grid"), (0, "ring")):
        toy.train(n, target)
    assert toy._train_fn.experimental_get_tracing_count() == 1


def test_reset_restores_step_0_and_replays_bit_for_bit(toy):
    initial, initial_weights = samples(toy), weights(toy)
    toy.train(20, "ring")
    after, after_weights = samples(toy), weights(toy)
    toy.train(7, "grid")
    toy.reset()
    assert toy.step == 0 == int(toy.gan.d_optimizer.iterations)
    np.testing.assert_array_equal(samples(toy), initial)
    for w, w0 in zip(weights(toy), initial_weights):
        np.testing.assert_array_equal(w, w0)
    # Optimiser slots and both random streams are restored too: the same run again.
    toy.train(20, "ring")
    np.testing.assert_array_equal(samples(toy), after)
    for w, w1 in zip(weights(toy), after_weights):
        np.testing.assert_array_equal(w, w1)


def test_zero_steps_change_nothing(toy):
    before = weights(toy)
    toy.train(0, "ring")
    assert toy.step == 0
    for w, w0 in zip(weights(toy), before):
        np.testing.assert_array_equal(w, w0)


def test_same_seed_same_players_whatever_ran_before(shared):
    shared.reset()
    gh.set_seed(321)  # the global random state is somewhere else...
    np.random.rand(3)
    again = GAN2DModel(seed=0, **SMALL)
    for w, w0 in zip(weights(again), weights(shared)):
        np.testing.assert_array_equal(w, w0)
    biases = [layer.bias.numpy() for layer in again.gan.generator.layers
              if getattr(layer, "bias", None) is not None]
    assert biases and not any(np.any(b) for b in biases)
    other = GAN2DModel(seed=1, **SMALL)
    assert not np.allclose(samples(other), samples(shared))


def test_rates_and_sizes(shared):
    m = GAN2DModel(seed=2, lr_g=3e-3, lr_d=2e-4, latent_dim=3, widths=(8,), batch=5)
    assert float(m.gan.g_optimizer.learning_rate) == pytest.approx(3e-3)
    assert float(m.gan.d_optimizer.learning_rate) == pytest.approx(2e-4)
    assert float(m.gan.g_optimizer.beta_1) == float(m.gan.d_optimizer.beta_1) == 0.5
    assert (m.gan.latent_dim, m.batch, m.seed) == (3, 5, 2)
    assert m.gan.generator.output_shape == (None, 2)


@pytest.mark.parametrize("n", [-1, 2.5, "10", True, None])
def test_train_refuses_bad_step_counts(toy, n):
    with pytest.raises(ValueError, match=r"GAN2DModel.train: n must be a whole number of steps"):
        toy.train(n, "ring")
    assert toy.step == 0


def test_whole_steps():
    assert whole_steps(np.int64(7), "f") == 7 and type(whole_steps(np.int64(7), "f")) is int
    with pytest.raises(ValueError, match=r"^f: n must be a whole number of steps >= 0, got -2\.$"):
        whole_steps(-2, "f")


def test_bad_target_and_batch_are_refused(toy):
    with pytest.raises(ValueError, match="unknown toy target 'spiral'"):
        toy.train(1, "spiral")
    with pytest.raises(ValueError, match="batch must be >= 1"):
        GAN2DModel(batch=0)


def _imported_roots(path):
    roots = set()
    for node in ast.walk(ast.parse(pathlib.Path(path).read_text())):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("module", [model, evaluation, targets], ids=lambda m: m.__name__)
def test_the_headless_layers_import_no_widget_or_display_code(module):
    assert not _imported_roots(module.__file__) & {"ipywidgets", "IPython", "matplotlib", "html"}
