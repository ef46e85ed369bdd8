"""The base every explorer shares: slider watching, redrawing into an Output, display."""
import matplotlib.pyplot as plt
from IPython.display import clear_output, display


class _Explorer:
    """What every explorer shares: ``figure()`` draws the current ``state`` (a subclass
    defines it), ``_redraw`` shows it in the ``output`` widget, and displaying the explorer
    displays its ``widget``. ``draws`` counts redraws (the tests read it). Explorers with
    sliders name them in ``SLIDERS``; ``update(**values)`` sets several, then recomputes once.
    """

    SLIDERS = ()
    _setting = False

    def _start(self):
        """The end of a slider explorer's ``__init__``: nothing computed or drawn yet, then
        watch the sliders and compute (and draw) the first ``state``."""
        self.state = None
        self.draws = 0
        self._watch_sliders()
        self.update()

    def _watch_sliders(self):
        for name in self.SLIDERS:
            getattr(self, name).observe(self._on_change, names="value")

    def _on_change(self, change):
        if not self._setting:  # _set_sliders sets several sliders, then update() runs once
            self.update()

    def _set_sliders(self, values):
        unknown = set(values) - set(self.SLIDERS)
        if unknown:
            raise TypeError(f"{type(self).__name__}.update: unknown slider(s) {sorted(unknown)}; "
                            f"use {' and/or '.join(n + '=' for n in self.SLIDERS)}.")
        self._setting = True
        try:
            for name, value in values.items():
                getattr(self, name).value = value
        finally:
            self._setting = False

    def _redraw(self):
        fig = self.figure()
        with self.output:
            clear_output(wait=True)
            display(fig)
        plt.close(fig)  # shown via the Output widget only, not again at the cell's end
        self.draws += 1

    def _ipython_display_(self):
        display(self.widget)
