"""gan_helpers.widgets.label_smoothing (notebook 03) without a kernel: setting ``slider.value``
fires the observers synchronously, so we assert on the recomputed numbers."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from gan_helpers import theory as T
from gan_helpers import widgets


@pytest.fixture
def explorer():
    return widgets.label_smoothing_explorer(alpha=0.9, beta=0.0, draw=False)


def test_initial_state_is_the_pure_function(explorer):
    want = T.smoothing_state(0.9, 0.0)
    assert explorer.state["d_max"] == pytest.approx(want["d_max"])
    np.testing.assert_allclose(explorer.state["grad_real"], want["grad_real"])
    assert "+2.20" in explorer.readout.value and "−∞" in explorer.readout.value


def test_moving_beta_makes_d_star_flat_at_beta_where_only_fakes_live(explorer):
    assert explorer.state["d_tail"] < 1e-6
    explorer.beta.value = 0.2
    s = explorer.state
    assert s["beta"] == pytest.approx(0.2)
    assert s["d_tail"] == pytest.approx(0.2, abs=1e-6)
    assert abs(s["push_at_g_mean"]) < 0.05
    assert s["best_logit_fake"] == pytest.approx(np.log(0.2 / 0.8))
    assert "0.200" in explorer.readout.value


def test_moving_alpha_caps_d_and_moves_the_real_optimum(explorer):
    caps, best = [], []
    for a in (0.6, 0.75, 0.9, 1.0):
        explorer.alpha.value = a
        caps.append(explorer.state["d_max"])
        best.append(explorer.state["best_logit_real"])
    assert np.allclose(caps[:3], [0.6, 0.75, 0.9], atol=1e-6) and caps[3] > 0.999
    assert np.all(np.diff(best) > 0) and best[-1] == np.inf
    assert "+∞" in explorer.readout.value


def test_update_sets_both_sliders_and_recomputes_once(explorer, monkeypatch):
    calls = []
    real = T.smoothing_state
    monkeypatch.setattr(T, "smoothing_state",
                        lambda *a, **k: calls.append(a[:2]) or real(*a, **k))
    s = explorer.update(alpha=0.8, beta=0.1)
    assert calls == [(0.8, 0.1)]
    assert (s["alpha"], s["beta"]) == (0.8, 0.1)


def test_update_clips_and_rejects_unknown_names(explorer):
    s = explorer.update(alpha=2.0, beta=-1.0)
    assert (s["alpha"], s["beta"]) == (explorer.alpha.max, explorer.beta.min) == (1.0, 0.0)
    with pytest.raises(TypeError, match="alpha= and/or beta="):
        explorer.update(gamma=0.5)


def test_drawing_counts_figures_and_closes_them():
    plt.close("all")  # figures other tests left open are not this explorer's
    e = widgets.label_smoothing_explorer(draw=True)
    assert e.draws == 1
    e.beta.value = 0.1
    assert e.draws == 2 and not plt.get_fignums()
    fig = e.figure()
    assert len(fig.axes) == 4  # three panels and the push's twin axis
    plt.close(fig)
