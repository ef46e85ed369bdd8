"""Run the whole workbook headless and collect the results in one browsable folder.

    python tools/run_all.py --profile quick --out results/
    python tools/run_all.py --profile smoke --out /tmp/smoke --notebooks "00_*,07_*"

A maintainer's tool, run from a checkout: by default it runs the checkout's source
notebooks, with their solutions (found from this file's own place,
``tools/../instructor/notebooks``; ``--source DIR`` for another folder). Every notebook
there (or those matching ``--notebooks``) runs in file-name order, each in a fresh
``python3`` kernel with ``GAN_WORKBOOK_PROFILE`` set, inside a temporary copy of the
notebook folder: nothing is ever written into the sources. The output folder receives,
per notebook, the executed ``.ipynb`` and an ``.html`` rendering, and an ``index.html``
linking them with status, run time and the notebook's last figures as thumbnails. Files
the notebooks save (``gh.new_run_dir``) go to ``OUT/runs`` unless ``GAN_WORKBOOK_RUNS`` is set.

The output folder must be new or empty (``--force`` writes into a non-empty one, replacing
files of the same names), and never the notebook folder, a folder inside it or one that
holds it.

The first failing cell stops the run with a message naming the notebook, the cell and
the error, and exit status 1; the notebook, executed up to the error, is kept in OUT.
"""
import argparse
import base64
import fnmatch
import html
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from gan_helpers.runtime import PROFILE_ENV, PROFILES
from gan_helpers.training import RUNS_ENV

try:  # the dev extra; a missing one is reported by run_all() before anything runs
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    from nbconvert import HTMLExporter
except ImportError as err:
    MISSING = err.name
else:
    MISSING = None

CHECKOUT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = CHECKOUT / "instructor" / "notebooks"
DEFAULT_TIMEOUT = 1800
THUMBNAILS = 2


class RunAllError(Exception):
    """A problem with the command line or the folders; nothing was executed."""


class NotebookFailed(Exception):
    """A notebook's cell raised (or timed out, or its kernel died)."""

    def __init__(self, notebook, cell_index, ename, evalue, source_line=""):
        self.notebook, self.cell_index = notebook, cell_index
        self.ename, self.evalue, self.source_line = ename, evalue, source_line
        where = f"cell {cell_index}" if cell_index is not None else "before its first cell"
        first = f"\n  the cell begins: {source_line}" if source_line else ""
        super().__init__(f"{notebook} failed at {where} (0-based index among all its cells): "
                         f"{ename}: {evalue}{first}")


@dataclass
class Result:
    name: str                 # file name without .ipynb
    status: str = "not run"   # "passed", "failed" or "not run"
    seconds: float = 0.0
    error: str = ""
    figures: list = field(default_factory=list)   # thumbnail paths, relative to OUT


# --- choosing notebooks and folders ------------------------------------------------------

def select_notebooks(source, patterns=None):
    """The notebooks in ``source`` matching any of the comma-separated glob ``patterns``
    (matched against the file name, ``.ipynb`` optional), sorted by name."""
    source = Path(source)
    if not source.is_dir():
        where = (" (the default, the instructor/notebooks/ beside tools/: run_all runs from a "
                 "checkout of the workbook)" if source == DEFAULT_SOURCE else "")
        raise RunAllError(f"no notebook folder at {source}{where}; pass --source DIR.")
    found = sorted(p for p in source.glob("*.ipynb") if not p.name.startswith("."))
    if patterns:
        pats = [p.strip() for p in patterns.split(",") if p.strip()]
        found = [p for p in found if any(fnmatch.fnmatch(p.name, q) or fnmatch.fnmatch(p.stem, q)
                                         for q in pats)]
    if not found:
        raise RunAllError(f"no notebooks in {source} match {patterns or '*.ipynb'!r}.")
    return found


def prepare_out(out, source, force=False):
    """Check and create the output folder: never the notebook folder, inside it or holding
    it (even with ``force``), and never a non-empty folder unless ``force`` (earlier results
    are not overwritten silently)."""
    out, source = Path(out).resolve(), Path(source).resolve()
    for protected in {source, DEFAULT_SOURCE.resolve()}:
        if out == protected or protected in out.parents:
            raise RunAllError(f"--out {out} is inside the notebook folder {protected}; executed "
                              "copies must not mix with the clean notebooks. Choose another "
                              "folder.")
        if out in protected.parents:
            raise RunAllError(f"--out {out} holds the notebook folder {protected}; executed "
                              "copies must not mix with the clean notebooks. Choose another "
                              "folder.")
    if out.exists() and not out.is_dir():
        raise RunAllError(f"--out {out} exists and is not a folder.")
    if out.exists() and any(out.iterdir()) and not force:
        raise RunAllError(f"--out {out} is not empty; choose a new folder, or pass --force to "
                          "write into it (files of the same names are replaced).")
    out.mkdir(parents=True, exist_ok=True)
    return out


# --- executing --------------------------------------------------------------------------

def _first_line(cell):
    lines = [ln for ln in cell.get("source", "").splitlines() if ln.strip()]
    return lines[0].strip()[:100] if lines else ""


def execute_notebook(path, workdir, profile, timeout=DEFAULT_TIMEOUT, env=None, on_cell=None):
    """Execute one notebook in a fresh python3 kernel with cwd ``workdir``.

    Returns the executed notebook. On a failing cell raises :class:`NotebookFailed`,
    with the partly executed notebook attached as ``.nb``.
    """
    nb = nbformat.read(path, as_version=4)
    current = {"index": None}
    n_cells = len(nb.cells)

    def started(cell, cell_index, **_):
        current["index"] = cell_index
        if on_cell:
            on_cell(cell_index, n_cells)

    client = NotebookClient(nb, timeout=int(timeout), kernel_name="python3",
                            resources={"metadata": {"path": str(workdir)}},
                            on_cell_start=started)
    kernel_env = dict(os.environ if env is None else env)
    kernel_env[PROFILE_ENV] = profile
    # The sources carry their solutions: a checker that rejects one must fail the run, as
    # under grading (learners' kernels only print the verdict).
    kernel_env.setdefault("GAN_WORKBOOK_GRADING", "1")
    # ipykernel shows figures inline (as PNG outputs, which the index needs) only when
    # MPLBACKEND is unset; a CI setting such as MPLBACKEND=Agg would drop every figure.
    kernel_env.pop("MPLBACKEND", None)
    try:
        client.execute(env=kernel_env)
    except CellExecutionError as err:
        failed = _failed(nb, path, current["index"], err.ename, _short(err.evalue))
    except CellTimeoutError:
        failed = _failed(nb, path, current["index"], "CellTimeoutError",
                         f"the cell ran longer than --timeout {timeout} s")
    except DeadKernelError as err:
        failed = _failed(nb, path, current["index"], "DeadKernelError",
                         f"the kernel died (out of memory?): {_short(str(err))}")
    else:
        return nb
    raise failed


def _short(text, limit=500):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit] + " ..."


def _failed(nb, path, index, ename, evalue):
    line = _first_line(nb.cells[index]) if index is not None else ""
    err = NotebookFailed(Path(path).name, index, ename, evalue, line)
    err.nb = nb
    return err


# --- the report -------------------------------------------------------------------------

def last_figures(nb, k=THUMBNAILS):
    """The last ``k`` PNG images among the notebook's outputs, as bytes, in order."""
    pngs = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data:
                pngs.append(base64.b64decode(data["image/png"]))
    return pngs[-k:] if k else []


def to_html(nb):
    body, _ = HTMLExporter().from_notebook_node(nb)
    return body


def write_index(out, results, profile, started, total_seconds):
    rows = []
    for i, r in enumerate(results, 1):
        if r.status == "not run":
            links = html.escape(r.name)
        else:
            links = (f'<a href="{html.escape(r.name)}.html">{html.escape(r.name)}</a> '
                     f'<small>(<a href="{html.escape(r.name)}.ipynb">ipynb</a>)</small>')
        figs = " ".join(f'<a href="{html.escape(r.name)}.html"><img src="{html.escape(f)}" '
                        f'alt="figure from {html.escape(r.name)}"></a>' for f in r.figures)
        err = f'<div class="err">{html.escape(r.error)}</div>' if r.error else ""
        secs = f"{r.seconds:.0f} s" if r.status != "not run" else ""
        rows.append(f'<tr class="{r.status.replace(" ", "-")}"><td>{i}</td><td>{links}{err}</td>'
                    f'<td>{r.status}</td><td>{secs}</td><td class="figs">{figs}</td></tr>')
    passed = sum(r.status == "passed" for r in results)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>GAN Workbook: {profile} run</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; }}
td, th {{ border-bottom: 1px solid #ddd; padding: .5em .8em; text-align: left;
         vertical-align: top; }}
tr.passed td:nth-child(3) {{ color: #176f2c; }}
tr.failed td:nth-child(3) {{ color: #b00020; font-weight: bold; }}
tr.not-run {{ color: #888; }} .err {{ color: #b00020; font-size: .85em; max-width: 40em; }}
.figs img {{ max-height: 160px; max-width: 320px; margin-right: .5em; border: 1px solid #eee; }}
</style></head><body>
<h1>GAN Workbook, profile <code>{html.escape(profile)}</code></h1>
<p>Started {html.escape(started)}; {passed} of {len(results)} notebooks passed
in {total_seconds:.0f} s.
Each link opens the executed notebook; the pictures are its last figures.</p>
<table><tr><th>#</th><th>notebook</th><th>status</th><th>time</th><th>last figures</th></tr>
{chr(10).join(rows)}
</table></body></html>
"""
    (out / "index.html").write_text(page, encoding="utf-8")
    summary = {"profile": profile, "started": started, "seconds": round(total_seconds, 1),
               "notebooks": [r.__dict__ for r in results]}
    (out / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")


def _save_outputs(out, result, nb):
    nbformat.write(nb, str(out / f"{result.name}.ipynb"))
    (out / f"{result.name}.html").write_text(to_html(nb), encoding="utf-8")
    figdir = out / "figures"
    figdir.mkdir(exist_ok=True)
    result.figures = []
    for k, png in enumerate(last_figures(nb), 1):
        rel = f"figures/{result.name}-{k}.png"
        (out / rel).write_bytes(png)
        result.figures.append(rel)


# --- the driver -------------------------------------------------------------------------

def run_all(profile, out, patterns=None, timeout=DEFAULT_TIMEOUT, force=False, source=None,
            log=None):
    """Execute the selected notebooks and write ``out``; returns the list of results.

    Raises :class:`RunAllError` for bad arguments (before running anything) and
    :class:`NotebookFailed` at the first failing cell (after writing the index).
    """
    log = log or sys.stderr
    if profile not in PROFILES:
        raise RunAllError(f"unknown profile {profile!r}; use one of {', '.join(PROFILES)}.")
    if MISSING:
        raise RunAllError(f"run_all needs the {MISSING} package: pip install -e '.[dev]' "
                          "(or pip install nbformat nbclient nbconvert)")
    source = Path(source) if source else DEFAULT_SOURCE
    notebooks = select_notebooks(source, patterns)
    out = prepare_out(out, source, force)
    env = dict(os.environ)
    env.setdefault(RUNS_ENV, str(out / "runs"))
    results = [Result(p.stem) for p in notebooks]
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    t_all = time.perf_counter()
    tty = hasattr(log, "isatty") and log.isatty()
    n = len(notebooks)
    print(f"run_all: {n} notebook(s), profile '{profile}', results in {out}", file=log)
    with tempfile.TemporaryDirectory(prefix="gan-workbook-run-") as tmp:
        # A copy of the whole folder: notebooks run where they would, but write elsewhere.
        work = Path(tmp) / "notebooks"
        shutil.copytree(source, work, ignore=shutil.ignore_patterns(
            ".ipynb_checkpoints", "runs", "checkpoints"))  # not earlier runs' outputs
        for i, (path, result) in enumerate(zip(notebooks, results), 1):
            head = f"[{i}/{n}] {result.name} ..."
            print(head, end="" if tty else "\n", file=log, flush=True)
            t0 = time.perf_counter()

            def progress(cell_index, n_cells, head=head, t0=t0):
                if tty:
                    print(f"\r{head} cell {cell_index + 1}/{n_cells}, "
                          f"{time.perf_counter() - t0:.0f} s", end="", file=log, flush=True)

            try:
                nb = execute_notebook(work / path.name, work, profile, timeout, env, progress)
            except NotebookFailed as err:
                result.status, result.error = "failed", str(err)
                result.seconds = time.perf_counter() - t0
                _save_outputs(out, result, err.nb)
                print(f"\r{head} FAILED after {result.seconds:.0f} s" if tty else
                      f"{head} FAILED after {result.seconds:.0f} s", file=log, flush=True)
                write_index(out, results, profile, started, time.perf_counter() - t_all)
                raise
            result.seconds = time.perf_counter() - t0
            result.status = "passed"
            _save_outputs(out, result, nb)
            print(f"\r{head} {result.seconds:.0f} s" + " " * 20 if tty else
                  f"{head} {result.seconds:.0f} s", file=log, flush=True)
    total = time.perf_counter() - t_all
    write_index(out, results, profile, started, total)
    print(f"run_all: all {n} passed in {total:.0f} s; open {out / 'index.html'}", file=log)
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python tools/run_all.py",
        description="Execute the workbook's notebooks headless and write an HTML index.")
    parser.add_argument("--profile", choices=PROFILES, default="quick",
                        help="smoke = seconds (tests), quick = minutes on a CPU, full = GPU "
                             "(default: quick)")
    parser.add_argument("--out", required=True, help="folder for the executed notebooks, their "
                        "HTML and index.html (new or empty, unless --force)")
    parser.add_argument("--notebooks", metavar="PATTERN", default=None,
                        help="comma-separated glob patterns of notebook names, e.g. '00_*,07_*'")
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT, metavar="S",
                        help=f"seconds one cell may run (default {DEFAULT_TIMEOUT})")
    parser.add_argument("--source", default=None,
                        help=f"notebook folder (default: the checkout's, {DEFAULT_SOURCE})")
    parser.add_argument("--force", action="store_true",
                        help="write into a non-empty --out folder")
    args = parser.parse_args(argv)
    try:
        run_all(args.profile, args.out, args.notebooks, args.timeout, args.force, args.source)
    except RunAllError as err:
        print(f"run_all: error: {err}", file=sys.stderr)
        return 2
    except NotebookFailed as err:
        print(f"run_all: stopped: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
