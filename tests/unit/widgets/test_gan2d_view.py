"""gan_helpers.widgets.gan2d.view (notebook 05's GAN2DStepper) without a kernel:
``button.click()`` runs the same callback a click in the browser does (on ipywidgets 7.7 and
8), so we press the buttons and assert on the recomputed numbers in ``state`` (never on
pixels)."""
import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
import pytest

import gan_helpers as gh
from gan_helpers import widgets
from gan_helpers.metrics.coverage import mode_coverage
from gan_helpers.widgets.gan2d import GAN2DModel, view

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
    # axis is float32: compare with a float32 (NumPy 1.x would promote a Python float)
    assert s["d_grid"].shape == (81, 81)
    assert s["axis"][0] == -np.float32(half_width) == -s["axis"][-1]
    assert np.all((s["d_grid"] > 0) & (s["d_grid"] < 1))
    assert 0 < s["d_real"] < 1 and 0 < s["d_fake"] < 1
    near = np.argmin(np.linalg.norm(s["samples"][:, None] - centres[None], axis=-1), axis=1)
    np.testing.assert_allclose(s["shares"], np.bincount(near, minlength=8) / 400)
    assert len(s["history"]) == 1 and s["history"][0]["step"] == 0
    assert s["history"][0]["modes"] == s["modes"] and s["history"][0]["shares"] is s["shares"]
    assert "step <b>0</b>" in stepper.readout.value
    assert f"<b>{s['modes']}/8</b>" in stepper.readout.value


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
    s = stepper.state
    assert (s["target"], s["n_modes"], s["step"]) == ("ring", 8, 0)


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
    with pytest.raises(ValueError, match="GAN2DStepper.train: n must be a whole number of steps"):
        stepper.train(n)
    assert stepper.state["step"] == 0


def test_train_zero_steps_is_a_no_op_on_the_model(stepper):
    before = stepper.state["samples"].copy()
    assert stepper.train(0)["step"] == 0
    np.testing.assert_array_equal(stepper.state["samples"], before)


def test_same_seed_same_players_whatever_ran_before(shared):
    gh.set_seed(123)  # the notebook's global random state is elsewhere...
    np.random.rand(7)
    again = widgets.gan2d_stepper("ring", seed=0, **SMALL)
    shared.target.value = "ring"
    shared.reset()
    np.testing.assert_array_equal(again.state["samples"], shared.state["samples"])
    other = widgets.gan2d_stepper("ring", seed=1, **SMALL)
    assert not np.allclose(other.state["samples"], shared.state["samples"])


def test_the_stepper_drives_one_model(stepper):
    assert isinstance(stepper.model, GAN2DModel) and stepper.gan is stepper.model.gan
    assert stepper.batch == stepper.model.batch == 64
    stepper.train(10)
    assert stepper.state["step"] == stepper.model.step == 10


def test_readout_text():
    s = {"step": 40, "modes": 3, "n_modes": 8, "hq_fraction": 0.125, "d_real": 0.51234,
         "d_fake": 0.4, "shares": np.array([0.1, 0.6, 0.3, 0, 0, 0, 0, 0]), "seconds": 0.0}
    assert view.readout_html(s) == (
        "step <b>40</b> &nbsp;|&nbsp; modes captured <b>3/8</b> &nbsp; high quality "
        "<b>12.5%</b> &nbsp;|&nbsp; busiest mode: #1 holds <b>60%</b> of the samples "
        "&nbsp;|&nbsp; mean D(real) = 0.512, mean D(fake) = 0.400")
    after_a_click = view.readout_html(dict(s, seconds=2.34))
    assert after_a_click == view.readout_html(s) + " &nbsp;|&nbsp; last click 2.3 s"


def test_unknown_target_is_refused():
    with pytest.raises(ValueError, match="unknown toy target 'spiral'.*ring, grid"):
        widgets.gan2d_stepper("spiral")


def test_figure_shows_the_state(stepper):
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
    assert isinstance(shared.widget, W.VBox)
    assert isinstance(shared.target, W.Dropdown) and isinstance(shared.steps, W.IntSlider)
    assert isinstance(shared.train_button, W.Button) and shared.train_button.description == "Train"
    assert isinstance(shared.reset_button, W.Button) and shared.reset_button.description == "Reset"
    assert isinstance(shared.readout, W.HTML) and isinstance(shared.output, W.Output)
    # notebook 05's collapse-inducing setting: G learns 10x faster than D
    assert float(shared.gan.g_optimizer.learning_rate) == pytest.approx(1e-3)
    assert float(shared.gan.d_optimizer.learning_rate) == pytest.approx(1e-4)
