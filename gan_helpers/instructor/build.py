"""Everything generated from the source notebooks, owned by one tool and checked by one test.

The sources, with their solutions, are ``instructor/notebooks/*.ipynb`` in a checkout. From
them, ``python -m gan_helpers.instructor build`` writes

* **the nbgrader metadata of every cell of the sources** (in place): a solution cell per
  exercise, its checker cell autograded (1 point, read-only), every other cell read-only,
  so that ``nbgrader generate_assignment`` and ``nbgrader autograde`` take them unchanged;
* **Colab's notebook metadata**, in the sources and the student notebooks: a GPU accelerator
  (``COLAB_METADATA``), so that a badge opens a GPU runtime instead of a CPU one;
* **the install cell and the Colab badges** (``release.py``): every notebook's first cell, and
  the README's badge links, from ``pyproject.toml``'s version and repository;
* **clean sources**: outputs, execution counts and saved widget state (which GitHub cannot
  render) stripped from the sources in place, so that a notebook saved from Jupyter or Colab
  is committed clean after one ``build``;
* **the student notebooks**, ``notebooks/*.ipynb`` (what the README's links and badges
  open): solutions replaced by ``raise NotImplementedError()``, outputs and nbgrader
  metadata removed, everything else identical;
* **the reference answers**, ``gan_helpers/checks/_solutions.py``, which
  ``gh.checks.solution(name)`` shows a learner after an attempt.

``build --check`` writes nothing and lists what is stale (the test suite runs it).

An exercise is a code cell holding one ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` region,
followed by a checker cell that is exactly ``gh.checks.check_<name>(<name>)``; ``<name>``
names the exercise everywhere (the grade id, the solution, the README's table).
"""
import json
import os
import pprint
import re
from pathlib import Path

from . import release as _release
from .assignments import BEGIN, END, strip_solutions

CHECKER = re.compile(r"^gh\.checks\.check_(\w+)\((\w+)\)$")
NBGRADER_SCHEMA = 3
# What Colab itself writes into a notebook saved with Runtime -> Change runtime type -> T4 GPU;
# a notebook opened from a badge then starts on that runtime.
COLAB_METADATA = {"accelerator": "GPU", "colab": {"gpuType": "T4", "provenance": []}}


class BuildError(ValueError):
    """A source notebook breaks the exercise convention."""


def checkout_root():
    """The checkout this package lives in (the sources are not installed with it)."""
    root = Path(__file__).resolve().parents[2]
    if not (root / "instructor" / "notebooks").is_dir():
        raise SystemExit(f"error: no instructor/notebooks/ in {root}: `build` works on a clone "
                         "of the workbook (git clone, then pip install -e .).")
    return root


def source_notebooks(root):
    return sorted((Path(root) / "instructor" / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _source(cell):
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def exercises(nb, name="notebook"):
    """``[(exercise, solution_cell_index, checker_cell_index)]`` of one notebook (a dict), in
    order; raises BuildError where the convention is broken."""
    found, pending = [], None
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        src = _source(cell)
        match = CHECKER.match(src.strip())
        if BEGIN in src:
            if pending is not None:
                raise BuildError(f"{name}: the solution cell {pending} has no checker cell "
                                 "right after it (gh.checks.check_<name>(<name>)).")
            if src.count(BEGIN) != 1:
                raise BuildError(f"{name}: cell {i} holds {src.count(BEGIN)} solution regions; "
                                 "one exercise per cell.")
            pending = i
        elif match:
            if pending is None:
                raise BuildError(f"{name}: the checker cell {i} ({src.strip()}) does not follow "
                                 "a solution cell.")
            exercise, argument = match.groups()
            if exercise != argument:
                raise BuildError(f"{name}: cell {i} checks {argument!r} with check_{exercise}; "
                                 "the function must be named like its exercise.")
            if not re.search(rf"^def {exercise}\(", _source(nb["cells"][pending]), re.M):
                raise BuildError(f"{name}: the solution cell {pending} does not define "
                                 f"{exercise}() at top level.")
            found.append((exercise, pending, i))
            pending = None
        elif pending is not None:
            raise BuildError(f"{name}: cell {i} comes between the solution cell {pending} and "
                             "its checker; the checker cell must come next.")
    if pending is not None:
        raise BuildError(f"{name}: the solution cell {pending} has no checker cell after it.")
    return found


def colab_metadata(nb):
    """Return a copy of ``nb`` whose notebook metadata asks Colab for a GPU runtime."""
    nb = json.loads(json.dumps(nb))
    nb["metadata"].update(json.loads(json.dumps(COLAB_METADATA)))
    return nb


def with_install_cell(nb, release, name="notebook"):
    """Return a copy of ``nb`` whose first cell is the install cell of ``release``."""
    nb = json.loads(json.dumps(nb))
    first = nb["cells"][0] if nb["cells"] else None
    if first is None or first["cell_type"] != "code" or \
            _release.INSTALL_MARK not in _source(first):
        raise BuildError(f"{name}: the first cell must be the install cell (a code cell with "
                         f"`{_release.INSTALL_MARK}`); the build rewrites it from pyproject.toml.")
    first["source"] = _release.install_cell(release).splitlines(keepends=True)
    return nb


BADGE = re.compile(r"https://colab\.research\.google\.com/github/[^)\s]*?/notebooks/"
                   r"(\d\d_[\w-]+\.ipynb)")


def readme_with_badges(text, release):
    """The README with every Colab badge pointing at ``release``'s notebooks."""
    return BADGE.sub(lambda m: _release.colab_url(release, m.group(1)), text)


def stripped(nb):
    """Return a copy of ``nb`` without outputs, execution counts or saved widget state
    (JupyterLab and Colab save it under ``metadata.widgets``)."""
    nb = json.loads(json.dumps(nb))
    nb["metadata"].pop("widgets", None)
    for cell in nb["cells"]:
        cell.get("metadata", {}).pop("widgets", None)
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return nb


def nbgrader_metadata(nb, name="notebook"):
    """Return a copy of ``nb`` with nbgrader's cell metadata: solution cells, autograded
    checker cells (1 point each) and read-only cells for everything else."""
    nb = json.loads(json.dumps(nb))
    roles = {}
    for exercise, sol, chk in exercises(nb, name):
        roles[sol] = dict(solution=True, grade=False, locked=False, grade_id=exercise)
        roles[chk] = dict(solution=False, grade=True, locked=True, points=1,
                          grade_id=f"check_{exercise}")
    for i, cell in enumerate(nb["cells"]):
        meta = roles.get(i) or dict(solution=False, grade=False, locked=True,
                                    grade_id=f"cell-{cell.get('id') or i}")
        meta.update(schema_version=NBGRADER_SCHEMA, task=False)
        cell["metadata"]["nbgrader"] = dict(sorted(meta.items()))
    return nb


def student_version(nb, name="notebook"):
    """A copy of ``nb`` for learners: solutions stubbed, outputs and nbgrader metadata
    removed."""
    nb = json.loads(json.dumps(nb))
    exercises(nb, name)  # the convention holds
    for cell in nb["cells"]:
        cell["metadata"].pop("nbgrader", None)
        if cell["cell_type"] == "code":
            source, _ = strip_solutions(_source(cell))
            cell["source"] = source.splitlines(keepends=True)  # as Jupyter writes it
            cell["outputs"], cell["execution_count"] = [], None
    return nb


def solutions(notebooks):
    """``{exercise: its solution cell's code without the markers}`` over ``notebooks``, a
    list of ``(name, nb)``."""
    table = {}
    for name, nb in notebooks:
        for exercise, sol, _ in exercises(nb, name):
            lines = [line for line in _source(nb["cells"][sol]).splitlines()
                     if line.strip() not in (BEGIN, END)]
            if exercise in table:
                raise BuildError(f"{name}: exercise {exercise!r} exists in two notebooks.")
            table[exercise] = f"# {name}\n" + "\n".join(lines)
    return table


def _dumps(nb):
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"  # as Jupyter


def _solutions_module(table):
    return ('"""Reference answers of the exercises, for ``gh.checks.solution(name)``.\n\n'
            "Generated from the source notebooks by ``python -m gan_helpers.instructor build``;"
            "\ndo not edit.\n\"\"\"\n"
            f"SOLUTIONS = {pprint.pformat(table, width=100, sort_dicts=True)}\n")


def generated(root):
    """``{path: text}`` of everything the build writes, computed from the sources."""
    root = Path(root)
    out, loaded = {}, []
    sources = source_notebooks(root)
    if not sources:
        raise BuildError(f"no source notebooks in {root / 'instructor' / 'notebooks'}")
    try:
        release = _release.read_release(root / "pyproject.toml")
    except _release.ReleaseError as err:
        raise BuildError(str(err)) from None
    readme = root / "README.md"
    if readme.exists():
        out[readme] = readme_with_badges(readme.read_text(encoding="utf-8"), release)
    for path in sources:
        nb = json.loads(path.read_text(encoding="utf-8"))
        nb = stripped(colab_metadata(with_install_cell(nb, release, path.name)))
        loaded.append((path.name, nb))
        out[path] = _dumps(nbgrader_metadata(nb, path.name))
        out[root / "notebooks" / path.name] = _dumps(student_version(nb, path.name))
    out[root / "gan_helpers" / "checks" / "_solutions.py"] = _solutions_module(solutions(loaded))
    return out


def stale(root):
    """The generated files that differ from what the sources give (or are missing), and the
    student notebooks that have no source."""
    root = Path(root)
    wanted = generated(root)
    differ = [p for p, text in wanted.items()
              if not p.exists() or p.read_text(encoding="utf-8") != text]
    orphans = [p for p in (root / "notebooks").glob("*.ipynb") if p not in wanted]
    return sorted(differ + orphans)


def build(root, check=False):
    """Write everything generated (or, with ``check``, only report it); returns the stale
    paths before writing."""
    root = Path(root)
    todo = stale(root)
    if check:
        for p in todo:
            print(f"stale: {os.path.relpath(p, root)}")
        print(f"{len(todo)} generated file(s) stale." if todo else "All generated files are "
              "up to date.")
        return todo
    wanted = generated(root)
    for p in todo:
        if p in wanted:
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(wanted[p], encoding="utf-8")
            print(f"wrote {os.path.relpath(p, root)}")
        else:
            p.unlink()
            print(f"removed {os.path.relpath(p, root)} (no source notebook)")
    print(f"{len(todo)} file(s) updated." if todo else "All generated files were up to date.")
    return todo
