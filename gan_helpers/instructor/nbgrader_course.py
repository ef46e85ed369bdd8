"""An nbgrader course folder from the workbook's source notebooks.

The sources (``instructor/notebooks/*.ipynb`` in a clone) carry nbgrader's cell metadata,
written by ``python -m gan_helpers.instructor build``: per exercise a solution cell and an
autograded checker cell worth 1 point, every other cell read-only. nbgrader wants them in
``source/<assignment>/``; ``python -m gan_helpers.instructor nbgrader SRC COURSE`` puts them
there, with an ``nbgrader_config.py``::

    COURSE/nbgrader_config.py
    COURSE/source/<assignment>/NN_name.ipynb

By default every notebook is its own assignment (named like the notebook, e.g.
``01_minimax_objective``); ``--assignment NAME`` puts the selected notebooks into one. Then,
in ``COURSE``, nbgrader's own commands: ``nbgrader generate_assignment 01_minimax_objective``,
collect submissions into ``submitted/<student>/<assignment>/``, ``nbgrader autograde
01_minimax_objective``, ``nbgrader export``. Under autograde nbgrader sets
``$NBGRADER_EXECUTION``: the workbook's checkers then fail their cell on a wrong or missing
answer (0 points), and the notebooks run at the ``smoke`` sizes (no verdict depends on a
training result), so a submission grades in about a minute.
"""
import fnmatch
import json
import os
import shutil
from pathlib import Path

from .build import exercises

CONFIG = '''# nbgrader configuration for the GAN Workbook, written by
# python -m gan_helpers.instructor nbgrader. See https://nbgrader.readthedocs.io
c = get_config()  # noqa: F821 (nbgrader provides it)
c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = "gan-workbook"
# A cell may import TensorFlow or train for seconds; nbgrader's default per-cell limit is 30 s.
c.Execute.timeout = 600
'''


def select(src_dir, patterns=None):
    """The source notebooks in ``src_dir`` matching any comma-separated glob in ``patterns``."""
    src = Path(src_dir)
    if not src.is_dir():
        raise SystemExit(f"error: {src_dir!r} is not a folder of notebooks.")
    found = sorted(src.glob("[0-9][0-9]_*.ipynb"))
    if patterns:
        pats = [p.strip() for p in patterns.split(",") if p.strip()]
        found = [p for p in found if any(fnmatch.fnmatch(p.name, pat) for pat in pats)]
    if not found:
        raise SystemExit(f"error: no notebooks in {src_dir!r} match {patterns or '*.ipynb'!r}.")
    return found


def make_course(src_dir, course_dir, assignment=None, patterns=None, force=False):
    """Write an nbgrader course folder; returns ``{assignment: [notebook names]}``."""
    notebooks = select(src_dir, patterns)
    course = Path(course_dir)
    src_real, course_real = Path(src_dir).resolve(), course.resolve()
    if course_real == src_real or src_real in course_real.parents:
        raise SystemExit(f"error: refusing to write the course into the source folder "
                         f"{src_dir!r}; choose another COURSE_DIR.")
    plan = {}
    for path in notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        missing = [c.get("id", i) for i, c in enumerate(nb["cells"])
                   if "nbgrader" not in c.get("metadata", {})]
        if missing:
            raise SystemExit(f"error: {path.name} has cells without nbgrader metadata "
                             f"({missing[:3]}); run `python -m gan_helpers.instructor build` in "
                             "the clone first.")
        if not exercises(nb, path.name):
            raise SystemExit(f"error: {path.name} has no exercises.")
        plan.setdefault(assignment or path.stem, []).append(path)
    targets = [course / "source" / a / p.name for a, paths in plan.items() for p in paths]
    existing = [t for t in targets + [course / "nbgrader_config.py"] if t.exists()]
    if existing and not force:
        shown = ", ".join(str(e) for e in existing[:2]) + (", ..." if len(existing) > 2 else "")
        raise SystemExit(f"error: {len(existing)} file(s) exist in {course_dir!r} already "
                         f"({shown}); pass --force to overwrite them.")
    for a, paths in plan.items():
        (course / "source" / a).mkdir(parents=True, exist_ok=True)
        for p in paths:
            shutil.copyfile(p, course / "source" / a / p.name)
    (course / "nbgrader_config.py").write_text(CONFIG.format(root=os.fspath(course_real)))
    for a, paths in plan.items():
        print(f"source/{a}/: {', '.join(p.name for p in paths)}")
    print(f"Wrote an nbgrader course to {course}. Next, there: nbgrader generate_assignment "
          f"{next(iter(plan))}")
    return {a: [p.name for p in paths] for a, paths in plan.items()}
