"""gan_helpers.widgets.base: the slider plumbing, redraw and display every explorer shares,
on a two-slider explorer made up for the test."""
import ipywidgets as W
import matplotlib.pyplot as plt
import pytest
import traitlets

from gan_helpers.widgets import base


class Pair(base._Explorer):
    SLIDERS = ("a", "b")

    def __init__(self, draw=False):
        self.a = W.IntSlider(value=1, min=0, max=10)
        self.b = W.IntSlider(value=2, min=0, max=10)
        self.output = W.Output()
        self.widget = W.VBox([self.a, self.b, self.output])
        self.draw, self.updates = draw, []
        self._start()

    def update(self, **values):
        self._set_sliders(values)
        self.updates.append((self.a.value, self.b.value))
        self.state = {"sum": self.a.value + self.b.value}
        if self.draw:
            self._redraw()

    def figure(self):
        fig, ax = plt.subplots()
        ax.set_title(f"a = {self.a.value}, b = {self.b.value}")
        return fig


def test_start_computes_the_first_state_once():
    p = Pair()
    assert p.updates == [(1, 2)] and p.state == {"sum": 3} and p.draws == 0
    assert Pair(draw=True).draws == 1


def test_moving_a_slider_updates_once():
    p = Pair()
    p.a.value = 5
    assert p.updates == [(1, 2), (5, 2)] and p.state == {"sum": 7}


def test_update_sets_several_sliders_then_recomputes_once():
    p = Pair()
    p.update(a=3, b=4)
    assert p.updates == [(1, 2), (3, 4)]  # never the half-set (3, 2)


def test_unknown_names_are_refused_before_any_slider_moves():
    p = Pair()
    with pytest.raises(TypeError) as err:
        p.update(a=7, c=1)
    assert str(err.value) == "Pair.update: unknown slider(s) ['c']; use a= and/or b=."
    assert (p.a.value, p.updates) == (1, [(1, 2)])


def test_a_failed_set_leaves_the_sliders_watched():
    p = Pair()
    with pytest.raises(traitlets.TraitError):
        p.update(a="not a number")
    p.b.value = 9  # the guard against recomputing mid-update was lifted
    assert p.updates == [(1, 2), (1, 9)]


def test_redraw_counts_and_closes_its_figures():
    plt.close("all")
    p = Pair(draw=True)
    p.update(a=2)
    p.b.value = 3
    assert p.draws == 3 and not plt.get_fignums()


def test_displaying_an_explorer_displays_its_widget(monkeypatch):
    shown = []
    monkeypatch.setattr(base, "display", shown.append)
    p = Pair()
    p._ipython_display_()
    assert shown == [p.widget]
