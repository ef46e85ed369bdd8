"""``python -m gan_helpers.instructor``: student versions of the notebooks.

``make-student SRC_DIR DST_DIR`` copies every notebook, replacing each solution region

    ### BEGIN SOLUTION
    ...reference code...
    ### END SOLUTION

by ``# YOUR CODE HERE`` and ``raise NotImplementedError()`` (at the same indentation) and
clearing all outputs; everything else stays as it is. These are nbgrader's markers and
its replacement, so an instructor can use nbgrader on the same notebooks instead.
``list SRC_DIR`` prints the exercises (the functions the reader writes) per notebook.

Reading and writing notebooks needs ``nbformat``, the ``instructor`` extra
(``pip install -e ".[instructor]"`` in a clone; the ``dev`` extra has it too).
"""
import argparse
import os
import re
import sys

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
EXTRA = ('pip install -e ".[instructor]" in a clone of the workbook (the instructor '
         "extra), or pip install nbformat")


def _nbformat():
    # nbformat is the optional `instructor` extra, not a base dependency: imported on use,
    # so that a missing one gets this message and the text functions here work without it.
    try:
        import nbformat
    except ImportError:
        raise SystemExit(f"error: the instructor tools need nbformat: {EXTRA}") from None
    return nbformat


def strip_solutions(source):
    """Return ``(student_source, regions_replaced)`` for one cell's source."""
    out, count, inside = [], 0, False
    for line in source.splitlines():
        marker = line.strip()
        if marker == BEGIN:
            if inside:
                raise ValueError(f"nested '{BEGIN}' without '{END}' in:\n{source}")
            indent = line[: len(line) - len(line.lstrip())]
            out.extend(indent + s for s in STUB)
            inside, count = True, count + 1
        elif marker == END:
            if not inside:
                raise ValueError(f"'{END}' without '{BEGIN}' in:\n{source}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"'{BEGIN}' is never closed by '{END}' in:\n{source}")
    return "\n".join(out) + ("\n" if source.endswith("\n") else ""), count


def exercise_names(source):
    """Names of the functions whose bodies hold a solution region."""
    names, current = [], None
    for line in source.splitlines():
        m = re.match(r"\s*def (\w+)\(", line)
        if m:
            current = m.group(1)
        elif line.strip() == BEGIN:
            names.append(current or "(top-level code)")
    return names


def notebooks_in(src):
    if not os.path.isdir(src):
        raise SystemExit(f"error: {src!r} is not a folder of notebooks.")
    found = sorted(f for f in os.listdir(src) if f.endswith(".ipynb"))
    if not found:
        raise SystemExit(f"error: no .ipynb files in {src!r}.")
    return found


def make_student(src, dst, force=False):
    """Write student versions of every notebook in ``src`` into ``dst``; returns counts."""
    nbformat = _nbformat()
    src_real, dst_real = os.path.realpath(src), os.path.realpath(dst)
    names = notebooks_in(src)
    if dst_real == src_real or dst_real.startswith(src_real + os.sep):
        raise SystemExit(f"error: refusing to write student versions into the source folder "
                         f"{src!r}; choose another DST_DIR.")
    existing = [n for n in names if os.path.exists(os.path.join(dst, n))]
    if existing and not force:
        raise SystemExit(f"error: {len(existing)} notebook(s) exist in {dst!r} already "
                         f"({', '.join(existing[:3])}{', ...' if len(existing) > 3 else ''}); "
                         "pass --force to overwrite them.")
    os.makedirs(dst, exist_ok=True)
    counts = {}
    for name in names:
        nb = nbformat.read(os.path.join(src, name), as_version=4)
        stripped = 0
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.source, n = strip_solutions(cell.source)
                stripped += n
                cell.outputs, cell.execution_count = [], None
        nbformat.write(nb, os.path.join(dst, name))
        counts[name] = stripped
        print(f"{name}: {stripped} exercise(s) stripped")
    print(f"Wrote {len(names)} student notebook(s) to {dst}.")
    return counts


def list_exercises(src):
    """Print and return the exercise names per notebook in ``src``."""
    nbformat = _nbformat()
    table = {}
    for name in notebooks_in(src):
        nb = nbformat.read(os.path.join(src, name), as_version=4)
        table[name] = [e for c in nb.cells if c.cell_type == "code"
                       for e in exercise_names(c.source)]
        print(f"{name}: {len(table[name])} exercise(s): {', '.join(table[name]) or '-'}")
    return table


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m gan_helpers.instructor",
                                description="Student versions of the notebooks.")
    sub = p.add_subparsers(dest="command", required=True)
    mk = sub.add_parser("make-student", help="write student versions (solutions removed)")
    mk.add_argument("src_dir")
    mk.add_argument("dst_dir")
    mk.add_argument("--force", action="store_true",
                    help="overwrite existing notebooks in DST_DIR")
    ls = sub.add_parser("list", help="list the exercises per notebook")
    ls.add_argument("src_dir")
    bd = sub.add_parser("build", help="(maintainers, in a clone) regenerate the student "
                        "notebooks, the sources' nbgrader metadata and the shipped solutions")
    bd.add_argument("--check", action="store_true",
                    help="write nothing; list the stale generated files (exit 1 if any)")
    ng = sub.add_parser("nbgrader", help="an nbgrader course folder (source/<assignment>/) "
                        "from the source notebooks")
    ng.add_argument("src_dir", help="the source notebooks, with solutions "
                    "(instructor/notebooks/ in a clone)")
    ng.add_argument("course_dir")
    ng.add_argument("--assignment", help="one assignment holding every selected notebook "
                    "(default: one per notebook, named like it)")
    ng.add_argument("--notebooks", metavar="PATTERN", help="comma-separated globs, e.g. '01_*'")
    ng.add_argument("--force", action="store_true", help="overwrite existing files")
    ot = sub.add_parser("otter", help="Otter-Grader master notebooks (one Otter assignment "
                        "per notebook) for `otter assign`")
    ot.add_argument("src_dir", help="the source notebooks, with solutions "
                    "(instructor/notebooks/ in a clone)")
    ot.add_argument("dst_dir", help="where DST_DIR/NN_name/NN_name.ipynb are written")
    ot.add_argument("--notebooks", metavar="PATTERN", help="comma-separated globs, e.g. '01_*'")
    ot.add_argument("--force", action="store_true", help="overwrite existing files")
    ot.add_argument("--colab", action="store_true", help="student versions without Otter code "
                    "(no `import otter`, no grader.check cells), for Colab; Gradescope grades "
                    "them the same")
    args = p.parse_args(argv)
    if args.command == "otter":
        from .otter_export import OtterExportError, export_otter
        try:
            export_otter(args.src_dir, args.dst_dir, force=args.force, patterns=args.notebooks,
                         colab=args.colab)
        except OtterExportError as err:  # BuildError (a broken source) is one too
            raise SystemExit(f"error: {err}") from None
    elif args.command == "nbgrader":
        from .nbgrader_course import make_course
        make_course(args.src_dir, args.course_dir, args.assignment, args.notebooks, args.force)
    elif args.command == "make-student":
        make_student(args.src_dir, args.dst_dir, force=args.force)
    elif args.command == "build":
        from . import build
        return 1 if build.build(build.checkout_root(), check=args.check) and args.check else 0
    else:
        list_exercises(args.src_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
