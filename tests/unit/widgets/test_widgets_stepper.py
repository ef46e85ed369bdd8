"""gan_helpers.widgets.GAN2DStepper without a kernel: ``button.click()`` runs the same
callback a click in the browser does (on ipywidgets 7.7 and 8), so we press the buttons
and assert on the recomputed numbers in ``state`` (never on pixels)."""
import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gan_helpers import widgets  # noqa: E402
from gan_helpers.metrics.coverage import mode_coverage  # noqa: E402

SMALL = dict(batch=64, n_eval=400, draw=False)  # small, so each test takes well under a second


@pytest.fixture(scope="module")
def shared():
    # One stepper for the module: its train function is traced once (the slow part).
    return widgets.gan2d_stepper("ring", steps=30, seed=0, **SMALL)


@pytest.fixture
def stepper(shared):
    shared.target.value = "ring"  # a no-op if it already is...
    shared.steps.value = 30
    shared.reset()  # ...so reset explicitly: every test starts at step 0 on the ring
    return shared


def test_initial_state_is_numbers_from_the_protocol(stepper):
    s = stepper.state
    centres, std, half_width = widgets.toy_target("ring")
    assert (s["target"], s["step"], s["n_modes"]) == ("ring", 0, 8)
    assert s["samples"].shape == (400, 2) and s["real"].shape == (400, 2)
    cov = mode_coverage(s["samples"], centres, std)
    assert (s["modes"], s["hq_fraction"]) == (cov.modes, cov.hq_fraction)
    np.testing.assert_array_equal(s["counts"], cov.counts)
    assert mode_coverage(s["real"], centres, std).modes == 8  # the real samples are the ring
    assert s["d_grid"].shape == (81, 81) and s["axis"][0] == -half_width == -s["axis"][-1]
    assert np.all((s["d_grid"] > 0) & (s["d_grid"] < 1))
    assert 0 < s["d_real"] < 1 and 0 < s["d_fake"] < 1
    near = np.argmin(np.linalg.norm(s["samples"][:, None] - centres[None], axis=-1), axis=1)
    np.testing.assert_allclose(s["shares"], np.bincount(near, minlength=8) / 400)
    assert len(s["history"]) == 1 and s["history"][0]["step"] == 0
    assert s["history"][0]["modes"] == s["modes"] and s["history"][0]["shares"] is s["shares"]
    assert "step <b>0</b>" in stepper.readout.value
    assert f"<b>{s['modes']}/8</b>" in stepper.readout.value


def test_d_grid_is_the_discriminator_on_the_grid(stepper):
    s = stepper.state
    i, j = 10, 70  # d_grid[i, j] is D at (x, y) = (axis[j], axis[i])
    point = np.array([[s["axis"][j], s["axis"][i]]], np.float32)
    logit = float(np.asarray(stepper.gan.discriminator(point))[0, 0])
    assert s["d_grid"][i, j] == pytest.approx(1 / (1 + np.exp(-logit)), abs=1e-6)


def test_clicking_train_advances_the_step_and_moves_the_samples(stepper):
    before = stepper.state["samples"].copy()
    stepper.train_button.click()
    s = stepper.state
    assert s["step"] == 30 == int(stepper.gan.g_optimizer.iterations)
    assert int(stepper.gan.d_optimizer.iterations) == 30  # one D update per G update
    assert not np.allclose(s["samples"], before)
    assert s["seconds"] > 0 and "step <b>30</b>" in stepper.readout.value
    stepper.steps.value = 50  # the slider sets the number of steps per click
    stepper.train_button.click()
    assert stepper.state["step"] == 80
    assert [h["step"] for h in stepper.state["history"]] == [0, 30, 80]
    assert not stepper.train_button.disabled and not stepper.reset_button.disabled


def test_reset_restores_step_0_and_the_initial_samples_and_replays_exactly(stepper):
    initial = {k: np.copy(stepper.state[k]) for k in ("samples", "d_grid", "real")}
    stepper.train_button.click()
    after_one_click = stepper.state["samples"].copy()
    stepper.train_button.click()
    stepper.reset_button.click()
    s = stepper.state
    assert s["step"] == 0 and len(s["history"]) == 1 and "step <b>0</b>" in stepper.readout.value
    for k, v in initial.items():
        np.testing.assert_array_equal(s[k], v, err_msg=k)
    # Weights, optimiser slots and both random streams are restored: the run replays bitwise.
    stepper.train_button.click()
    np.testing.assert_array_equal(stepper.state["samples"], after_one_click)


def test_the_dropdown_switches_the_target(stepper):
    stepper.train(30)
    stepper.target.value = "grid"
    s = stepper.state
    centres, std, half_width = widgets.toy_target("grid")
    assert (s["target"], s["n_modes"], s["step"]) == ("grid", 25, 0)  # a new target, from step 0
    assert mode_coverage(s["real"], centres, std).modes == 25
    assert s["axis"][-1] == half_width == 5.5
    stepper.train(30)
    cov = mode_coverage(stepper.state["samples"], centres, std)
    assert (stepper.state["modes"], stepper.state["hq_fraction"]) == (cov.modes, cov.hq_fraction)
    stepper.target.value = "ring"
    assert (stepper.state["target"], stepper.state["n_modes"], stepper.state["step"]) == ("ring", 8, 0)


def test_buttons_are_disabled_while_training_and_come_back_after_an_error(stepper, monkeypatch):
    seen = []
    monkeypatch.setattr(stepper, "train", lambda n: seen.append(
        (n, stepper.train_button.disabled, stepper.reset_button.disabled, stepper.target.disabled)))
    stepper.train_button.click()
    assert seen == [(30, True, True, True)]
    assert "training 30 steps from step 0" in stepper.readout.value

    def boom(n):
        raise RuntimeError("boom")

    monkeypatch.setattr(stepper, "train", boom)
    stepper.train_button.click()  # ipywidgets logs a callback's exception and carries on
    assert "RuntimeError</b>: boom" in stepper.readout.value  # ...so the readout says it
    assert not (stepper.train_button.disabled or stepper.reset_button.disabled
                or stepper.target.disabled)


@pytest.mark.parametrize("n", [-1, 2.5, "10", True])
def test_train_refuses_bad_step_counts(stepper, n):
    with pytest.raises(ValueError, match="whole number of steps"):
        stepper.train(n)
    assert stepper.state["step"] == 0


def test_train_zero_steps_is_a_no_op_on_the_model(stepper):
    before = stepper.state["samples"].copy()
    assert stepper.train(0)["step"] == 0
    np.testing.assert_array_equal(stepper.state["samples"], before)


def test_same_seed_same_players_whatever_ran_before(shared):
    import gan_helpers as gh

    gh.set_seed(123)  # the notebook's global random state is elsewhere...
    np.random.rand(7)
    again = widgets.gan2d_stepper("ring", seed=0, **SMALL)
    shared.target.value = "ring"
    shared.reset()
    np.testing.assert_array_equal(again.state["samples"], shared.state["samples"])
    other = widgets.gan2d_stepper("ring", seed=1, **SMALL)
    assert not np.allclose(other.state["samples"], shared.state["samples"])


def test_unknown_target_is_refused():
    with pytest.raises(ValueError, match="unknown toy target 'spiral'.*ring, grid"):
        widgets.gan2d_stepper("spiral")


def test_figure_shows_the_state(stepper):
    import matplotlib.pyplot as plt

    stepper.train(30)
    fig = stepper.figure()
    ax, hist = fig.axes[:2]
    assert "step 30" in ax.get_title() and "/8 modes" in ax.get_title()
    fake = [c for c in ax.collections if c.get_label() == "G(z)"]
    assert len(fake) == 1
    np.testing.assert_allclose(fake[0].get_offsets(), np.clip(stepper.state["samples"], -1.6, 1.6))
    shares = hist.images[0].get_array()  # (modes, evaluations): one column per click
    np.testing.assert_allclose(shares, np.array([h["shares"] for h in stepper.state["history"]]).T)
    assert shares.shape == (8, 2)
    assert [t.get_text() for t in hist.get_xticklabels()] == ["0", "30"]
    plt.close(fig)


def test_drawing_redraws_after_every_click():
    st = widgets.gan2d_stepper("ring", steps=10, seed=0, batch=32, n_eval=100, draw=True)
    assert st.draws == 1
    st.train_button.click()
    st.reset_button.click()
    assert st.draws == 3


def test_widget_tree_uses_shared_ipywidgets_api(shared):
    import ipywidgets as W

    assert isinstance(shared.widget, W.VBox)
    assert isinstance(shared.target, W.Dropdown) and isinstance(shared.steps, W.IntSlider)
    assert isinstance(shared.train_button, W.Button) and shared.train_button.description == "Train"
    assert isinstance(shared.reset_button, W.Button) and shared.reset_button.description == "Reset"
    assert isinstance(shared.readout, W.HTML) and isinstance(shared.output, W.Output)
    # notebook 05's collapse-inducing setting: G learns 10x faster than D
    assert float(shared.gan.g_optimizer.learning_rate) == pytest.approx(1e-3)
    assert float(shared.gan.d_optimizer.learning_rate) == pytest.approx(1e-4)
