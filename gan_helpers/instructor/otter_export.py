"""Otter-Grader master notebooks from the source notebooks (``python -m gan_helpers.instructor
otter SRC_DIR DST_DIR``).

For each source notebook ``NN_name.ipynb`` (with its solutions) this writes an `Otter Assign
<https://otter-grader.readthedocs.io>`_ master notebook, one Otter assignment per notebook
(named ``gan_NN``), and the ``requirements.txt`` its Gradescope image installs::

    DST_DIR/NN_name/NN_name.ipynb      # the master: run `otter assign NN_name.ipynb dist`
    DST_DIR/NN_name/requirements.txt   # the workbook package (+ Otter) for the grading image

The conversion is mechanical; every cell keeps its source and outputs (only the sources'
nbgrader metadata is dropped). Added or changed:

* a raw ``# ASSIGNMENT CONFIG`` first cell (:func:`assignment_config`);
* each exercise (``build.exercises``) becomes a question of 1 point: its solution cell's
  ``### BEGIN SOLUTION`` region becomes ``# BEGIN SOLUTION NO PROMPT`` ... ``# END SOLUTION``
  followed by a prompt block, so that the student version keeps the workbook's stub
  ``# YOUR CODE HERE`` / ``raise NotImplementedError()`` (Otter rejects ``###`` markers, and
  its default stub ``...`` would make the checker say "wrong" instead of "not done yet");
* the checker cell ``gh.checks.check_<name>(<name>)`` stays (read-only in the student
  version) and prints the learner's verdict; a tests block adds the graded, exception-based
  test ``gh.checks.check_<name>(<name>, grading=True)``, which fails exactly when the
  checker's verdict is not "correct".

Under Otter's grading the notebook runs at the smoke sizes with no environment variable:
``gh.runtime.grading()`` recognises Otter's grading mode (see its docstring), and
``gh.profile`` defaults to 'smoke' while grading. The in-notebook checker cells then raise on
a wrong answer; Otter executes with ``allow_errors``, so the notebook goes on and the tests
give the score.

``--colab`` (``colab=True``) writes student versions with no Otter code in them (no ``import
otter`` cell, no ``grader.check`` cells), for Colab, where ``otter.Notebook`` can neither read
the notebook's file nor fetch test files (Otter 7 fetches them by URL on JupyterLite only):
learners get the workbook's own verdicts, and Gradescope grades the uploaded ``.ipynb`` with
the same tests.

Needs nbformat (the ``instructor`` extra) to write; Otter itself is needed only to run
``otter assign`` on the result.
"""
import fnmatch
import hashlib
import json
import os
import re
from pathlib import Path

from . import build, release
from .assignments import BEGIN, END, _nbformat

ASSIGNMENT_PREFIX = "gan_"
DEFAULT_PACKAGE = "gan-workbook @ git+https://github.com/gan-workbook/gan-workbook"
OTTER_REQUIREMENT = "otter-grader[grading]>=7.0,<8"
PYTHON_VERSION = "3.11"  # the grading image's Python (Otter's default, 3.13, is newer than CI's)
OTTER_BEGIN, OTTER_END = "# BEGIN SOLUTION NO PROMPT", "# END SOLUTION"
PROMPT = ('""" # BEGIN PROMPT', "# YOUR CODE HERE", "raise NotImplementedError()",
          '""" # END PROMPT')


class OtterExportError(ValueError):
    """The export cannot be done as asked (the message says what to do instead)."""


# --- what goes into the master notebook ---------------------------------------------------------

def package_requirement(pyproject=None):
    """The pip requirement that installs the workbook on the grading image: the release that
    ``pyproject`` (default: the checkout's) names, ``gan-workbook @ git+<repository>@v<version>``
    (``release.py``, as in the notebooks' install cell), else :data:`DEFAULT_PACKAGE`."""
    path = Path(pyproject) if pyproject else Path(__file__).resolve().parents[2] / "pyproject.toml"
    try:
        return release.read_release(path).requirement
    except release.ReleaseError:
        return DEFAULT_PACKAGE


def requirements_text(package=None):
    """``requirements.txt`` for the grading image, one requirement a line and no comments
    (Otter copies the lines into the image's environment.yml; it adds its own pinned
    ``otter-grader`` too, which this range agrees with)."""
    return f"{package or package_requirement()}\n{OTTER_REQUIREMENT}\n"


def assignment_name(notebook_name):
    """``gan_NN`` for ``NN_name.ipynb``."""
    match = re.match(r"(\d\d)_", notebook_name)
    if not match:
        raise OtterExportError(f"{notebook_name}: a source notebook's name must start with its "
                               "two-digit number (NN_name.ipynb).")
    return ASSIGNMENT_PREFIX + match.group(1)


def assignment_config(name, colab=False):
    """The raw first cell of a master: Otter Assign's configuration (YAML). With ``colab`` the
    student version holds no Otter code at all (no ``import otter`` cell, no
    ``grader.check`` cells): it runs on Colab as the workbook's own notebook does, its checker
    cells giving the verdicts, and Gradescope's autograder still runs every test."""
    return f"""\
# ASSIGNMENT CONFIG
name: {name}
init_cell: {'false' if colab else 'true'}
check_all_cell: false
export_cell: false
run_tests: true
solutions_pdf: false
template_pdf: false
python_version: "{PYTHON_VERSION}"
requirements: requirements.txt
tests:
  files: false
  ok_format: false
generate:
  pdf: false
  show_stdout: true
  show_hidden: true"""


def otter_solution(source, name="cell"):
    """One solution cell's source with Otter's markers: the ``### BEGIN SOLUTION`` region
    becomes ``# BEGIN SOLUTION NO PROMPT`` ... ``# END SOLUTION`` and a prompt block (kept for
    students only) holds the stub, all at the region's indentation."""
    out, inside, regions = [], False, 0
    for line in source.splitlines():
        marker, indent = line.strip(), line[: len(line) - len(line.lstrip())]
        if marker == BEGIN:
            if inside:
                raise OtterExportError(f"{name}: nested '{BEGIN}'.")
            inside, regions, region_indent = True, regions + 1, indent
            out.append(indent + OTTER_BEGIN)
        elif marker == END:
            if not inside:
                raise OtterExportError(f"{name}: '{END}' without '{BEGIN}'.")
            inside = False
            out.append(region_indent + OTTER_END)
            out.extend(region_indent + p for p in PROMPT)
        else:
            if not inside and _otter_solution_syntax(line):
                raise OtterExportError(
                    f"{name}: the line {line.strip()!r} outside the solution region would be "
                    "rewritten by Otter Assign (it treats '# SOLUTION', '# PROMPT', '# SEED' "
                    "and '# IGNORE' comments as markers); reword that comment.")
            out.append(line)
    if inside:
        raise OtterExportError(f"{name}: '{BEGIN}' is never closed by '{END}'.")
    if regions != 1:
        raise OtterExportError(f"{name}: expected one solution region, found {regions}.")
    return "\n".join(out)


def _otter_solution_syntax(line):
    return bool(re.search(r"# ?SOLUTION|# (BEGIN|END) PROMPT", line))


def otter_test_source(exercise):
    """The graded test of one exercise: Otter fills the parameters from the notebook's names,
    and the test passes iff the checker does not raise (``grading=True`` makes it raise)."""
    return (f"def test_{exercise}(gh, {exercise}):\n"
            f"    gh.checks.check_{exercise}({exercise}, grading=True)\n\n"
            f"test_{exercise}(gh, {exercise})")


def _hazards(nb, name):
    """Lines or cells of ``nb`` that Otter Assign would treat as its own syntax."""
    found = []
    for i, cell in enumerate(nb["cells"]):
        lines = build._source(cell).splitlines()
        if not lines:
            continue
        if re.match(r"(##\s*ignore\s*##\s*|#\s*ignore\s*)", lines[0], flags=re.IGNORECASE):
            found.append(f"cell {i} starts with {lines[0]!r} (Otter drops such cells)")
        if cell["cell_type"] == "raw" and re.match(r"#\s+(begin|end|assignment)\s", lines[0],
                                                   flags=re.IGNORECASE):
            found.append(f"raw cell {i} starts with {lines[0]!r} (an Otter block boundary)")
        for line in lines:
            stripped = line.rstrip()
            if stripped.strip() == "```otter" or stripped.endswith(("# IGNORE", "# SEED")) or \
                    re.match(r"\s*#\s*BEGIN\s*IGNORE", line, flags=re.IGNORECASE):
                found.append(f"cell {i} has the line {line.strip()!r} (Otter syntax)")
    if found:
        raise OtterExportError(f"{name}: Otter Assign would misread this notebook: "
                               + "; ".join(found) + ". Reword these lines in the source.")


def _cell_id(*parts):
    return "otter-" + hashlib.sha1("/".join(parts).encode()).hexdigest()[:12]


def _raw(text, *id_parts):
    return {"cell_type": "raw", "id": _cell_id(*id_parts), "metadata": {}, "source": text}


def _code(text, *id_parts):
    return {"cell_type": "code", "id": _cell_id(*id_parts), "metadata": {},
            "execution_count": None, "outputs": [], "source": text}


def master_notebook(nb, notebook_name="notebook.ipynb", colab=False):
    """The Otter v1 master notebook (a dict) of one source notebook (a dict); ``colab``: see
    :func:`assignment_config`."""
    nb = json.loads(json.dumps(nb))
    try:
        found = build.exercises(nb, notebook_name)
    except build.BuildError as err:  # the exercise convention is broken: say so as ours
        raise OtterExportError(str(err)) from None
    if not found:
        raise OtterExportError(f"{notebook_name}: no exercises (a solution cell followed by "
                               "its checker cell gh.checks.check_<name>(<name>)); nothing to "
                               "grade.")
    _hazards(nb, notebook_name)
    assignment = assignment_name(notebook_name)
    starts = {sol: (ex, chk) for ex, sol, chk in found}
    ends = {chk: ex for ex, _, chk in found}
    cells = [_raw(assignment_config(assignment, colab), assignment, "config")]
    no_check = "\ncheck_cell: false" if colab else ""
    for i, cell in enumerate(nb["cells"]):
        cell["metadata"].pop("nbgrader", None)  # nbgrader's scheme: not Otter's business
        if i in starts:
            exercise, _ = starts[i]
            cells += [_raw(f"# BEGIN QUESTION\nname: {exercise}\npoints: 1{no_check}", exercise,
                           "bq"),
                      _raw("# BEGIN SOLUTION", exercise, "bs")]
            source = otter_solution(build._source(cell), f"{notebook_name} cell {i}")
            cell["source"] = source.splitlines(keepends=True)
            cells += [cell, _raw("# END SOLUTION", exercise, "es")]
        elif i in ends:
            exercise = ends[i]
            cells += [cell,  # the learner's verdict (read-only in the student version)
                      _raw("# BEGIN TESTS", exercise, "bt"),
                      _code(otter_test_source(exercise), exercise, "test"),
                      _raw("# END TESTS", exercise, "et"),
                      _raw("# END QUESTION", exercise, "eq")]
        else:
            cells.append(cell)
    nb["cells"] = cells
    nb["nbformat"], nb["nbformat_minor"] = 4, max(5, nb.get("nbformat_minor", 5))
    return nb


# --- the export ---------------------------------------------------------------------------------

def _selected(src, patterns):
    if not os.path.isdir(src):
        raise OtterExportError(f"{src!r} is not a folder; give the folder of source notebooks "
                               "(instructor/notebooks in a clone).")
    names = sorted(p.name for p in Path(src).glob("[0-9][0-9]_*.ipynb"))
    if not names:
        raise OtterExportError(f"no source notebooks (NN_name.ipynb) in {src!r}.")
    if isinstance(patterns, str):
        patterns = [p.strip() for p in patterns.split(",") if p.strip()]
    if not patterns:
        return names
    chosen = [n for n in names
              if any(fnmatch.fnmatch(n, p) or fnmatch.fnmatch(n[:-6], p) for p in patterns)]
    unmatched = [p for p in patterns
                 if not any(fnmatch.fnmatch(n, p) or fnmatch.fnmatch(n[:-6], p) for n in names)]
    if unmatched:
        raise OtterExportError(f"--notebooks {', '.join(unmatched)} matches no notebook in "
                               f"{src!r}; the notebooks are: {', '.join(names)}.")
    return chosen


def export_otter(src_dir, dst_dir, force=False, patterns=None, package=None, colab=False):
    """Write ``DST/NN_name/NN_name.ipynb`` (an Otter master) and its ``requirements.txt`` for
    each source notebook in ``src_dir`` (those matching one of the globs ``patterns``, a list
    or a comma-separated string, if given); returns the masters' paths. Refuses to write
    inside ``src_dir`` and to overwrite without ``force``. ``package`` overrides the
    workbook's pip requirement; ``colab``: student versions without Otter code (see
    :func:`assignment_config`)."""
    nbformat = _nbformat()
    src, dst = Path(src_dir), Path(dst_dir)
    names = _selected(src, patterns)
    src_real, dst_real = os.path.realpath(src), os.path.realpath(dst)
    if dst_real == src_real or dst_real.startswith(src_real + os.sep):
        raise OtterExportError(f"refusing to write the Otter masters inside the source folder "
                               f"{str(src)!r}; choose a DST_DIR outside it.")
    plan = {name: dst / name[:-6] for name in names}
    existing = [str(folder / f) for folder in plan.values()
                for f in (folder.name + ".ipynb", "requirements.txt") if (folder / f).exists()]
    if existing and not force:
        raise OtterExportError(f"{len(existing)} file(s) exist already ({', '.join(existing[:3])}"
                               f"{', ...' if len(existing) > 3 else ''}); pass --force to "
                               "overwrite them.")
    masters = []
    requirements = requirements_text(package)
    for name, folder in plan.items():
        nb = json.loads((src / name).read_text(encoding="utf-8"))
        master = nbformat.from_dict(master_notebook(nb, name, colab))
        nbformat.validate(master)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        nbformat.write(master, str(path))
        (folder / "requirements.txt").write_text(requirements, encoding="utf-8")
        n = sum(1 for c in master.cells if c.cell_type == "raw"
                and c.source.startswith("# BEGIN QUESTION"))
        print(f"wrote {path} (assignment {assignment_name(name)}, {n} question(s))")
        masters.append(path)
    print(f"Wrote {len(masters)} Otter master notebook(s) to {dst}. Next, per notebook: "
          "otter assign NN_name.ipynb dist   (in its folder)")
    return masters
