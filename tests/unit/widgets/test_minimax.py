"""gan_helpers.widgets.minimax (notebook 01) without a kernel: setting ``slider.value`` fires
the observers synchronously, so we assert on the recomputed numbers (never on pixels)."""
import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
import pytest

from gan_helpers import theory, widgets


@pytest.fixture
def explorer():
    return widgets.minimax_explorer(g_mean=2.0, g_std=1.0, draw=False)


def test_initial_state_is_the_pure_function(explorer):
    want = theory.minimax_state(2.0, 1.0)
    assert explorer.state["V"] == pytest.approx(want["V"])
    assert explorer.state["JSD"] == pytest.approx(want["JSD"])
    assert f"{want['V']:.4f}" in explorer.readout.value


def test_moving_a_slider_recomputes(explorer):
    before = explorer.state
    explorer.mean.value = 0.0
    explorer.std.value = 1.0  # p_g = p_data
    s = explorer.state
    assert s is not before
    assert s["JSD"] == pytest.approx(0.0, abs=1e-12)
    assert s["V"] == pytest.approx(-np.log(4), abs=1e-10)
    assert np.allclose(s["d_star"], 0.5)
    assert f"{-np.log(4):.4f}" in explorer.readout.value


def test_v_and_jsd_grow_as_p_g_moves_away(explorer):
    values = []
    for m in (0.0, 0.5, 1.0, 2.0, 4.0):
        explorer.mean.value = m
        values.append((explorer.state["V"], explorer.state["JSD"]))
    v, js = np.array(values).T
    assert np.all(np.diff(v) > 0) and np.all(np.diff(js) > 0)
    assert np.allclose(v, -np.log(4) + 2 * js, atol=1e-10)


def test_update_sets_several_sliders_and_recomputes_once(explorer, monkeypatch):
    calls = []
    real = theory.minimax_state
    monkeypatch.setattr(theory, "minimax_state",
                        lambda *a, **k: calls.append(a) or real(*a, **k))
    s = explorer.update(mean=-1.0, std=0.5)
    assert calls == [(-1.0, 0.5, 0.0, 1.0)]
    assert (explorer.mean.value, explorer.std.value) == (-1.0, 0.5)
    assert s["g_mean"] == -1.0 and s["g_std"] == 0.5


def test_update_clips_to_the_slider_range_and_rejects_unknown_names(explorer):
    s = explorer.update(mean=10.0)
    assert explorer.mean.value == explorer.mean.max == s["g_mean"]
    with pytest.raises(TypeError, match="unknown slider"):
        explorer.update(sigma=1.0)


def test_drawing_redraws_on_every_change():
    ex = widgets.minimax_explorer(draw=True)
    assert ex.draws == 1
    ex.std.value = 2.0
    assert ex.draws == 2
    fig = ex.figure()
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.get_lines()][:3] == ["p_data", "p_g", "D*(x)"]
    np.testing.assert_allclose(ax.get_lines()[2].get_ydata(), ex.state["d_star"])
    assert "V = " in ax.get_title() and ax.get_xlabel() == "x"
    plt.close(fig)


def test_widget_tree_uses_shared_ipywidgets_api():
    ex = widgets.minimax_explorer(draw=False)
    assert isinstance(ex.widget, W.VBox)
    assert isinstance(ex.mean, W.FloatSlider) and isinstance(ex.output, W.Output)
