"""Tools for instructors: student versions of the notebooks (``python -m gan_helpers.instructor``).

Not loaded by ``import gan_helpers``; needs the ``instructor`` extra, i.e. nbformat
(``pip install -e ".[instructor]"`` in a clone).
"""
from .assignments import exercise_names, list_exercises, make_student, strip_solutions

__all__ = ["strip_solutions", "exercise_names", "make_student", "list_exercises"]
