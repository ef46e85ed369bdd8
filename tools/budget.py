"""``python tools/budget.py``: what every notebook trains under each profile, and what that costs.

For each notebook and profile it lists the training runs the notebook makes (read from the
sizes in its ``gh.profile(...)`` call, so the table follows any change to them), and for each
run the steps, the batch, the optimiser updates and the training FLOPs, counted on the very
networks the notebook builds (``bench.forward_flops``: 2 × the multiply-adds of every Dense and
convolution layer). A step of ``gh.GAN`` (alternating, k discriminator updates per generator
update) costs, per image, ``(k-1)·(F_G + 6·F_D) + 3·F_G + 9·F_D``: each extra D update draws
fresh fakes (G forward) and runs D forward and backward on a real and a fake image; the last
one shares its fakes with G's update, which runs D forward and backward on them and G backward
(a backward pass ≈ 2 forward passes). A classifier step costs 3·F.

From those counts it *estimates* the time of each notebook's training on a Colab T4 under
``full``. Two assumptions, printed with the table and overridable, set the estimate, since no
GPU has been measured yet (issue 19 asks to replace them with measured steps per second):

* ``--t4-tflops`` (default 10): the rate at which the T4 does these networks' FLOPs under
  mixed_float16: 15% of its 65 TFLOP/s float16 tensor-core peak (NVIDIA T4 datasheet), since
  batches of 32-256 small images keep its 40 SMs far from busy;
* ``--t4-floor-ms`` (default 1.0): the least time of one optimiser update, whatever its
  FLOPs: launching the step's kernels. Most runs here are this small: their time is
  updates × floor, not FLOPs / rate.

A step takes max(FLOPs / rate, updates × floor); a notebook's estimate adds ``--overhead-s``
(default 60 s: kernel start, imports, evaluation, plots). ``--check`` exits 1 if any notebook's
``full`` estimate exceeds ``--limit-min`` (15): the budget issue 19 sets. ``--markdown``
prints the README's table.

``--verify NN [NN ...]`` checks the accounting against the notebooks themselves: it executes
each under ``smoke`` (offline) with every Keras optimiser update counted as it happens, and
compares the updates the notebook made with those counted here (exit 1 on a mismatch). The
exercise checkers' own few updates count too; a handful is the tolerance (``SLACK``).

A maintainer's tool, run from a checkout (it builds the models, but trains nothing).
"""
import argparse
import ast
import collections
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(ROOT, "instructor", "notebooks")
PROFILES = ("smoke", "quick", "full")
# Train-split sizes: the offline subset (what smoke and quick measure here, and CI uses) and
# MNIST online (what Colab and `full` load).
TRAIN_IMAGES = {"offline": 4000, "online": 60000}
if os.path.join(ROOT, "tools") not in sys.path:  # bench and run_all are this folder's scripts
    sys.path.insert(0, os.path.join(ROOT, "tools"))
Run = collections.namedtuple("Run", "notebook label steps batch updates flops_per_image")


# --- the sizes, read from each notebook's gh.profile(...) call ------------------------------

_SAFE = {"dict": dict, "list": list, "tuple": tuple, "range": range, "set": set}


def _literal(node, env):
    """Evaluate an expression made of literals, dict()/list()/range() and earlier names."""
    return eval(compile(ast.Expression(node), "<profile>", "eval"),  # noqa: S307 (our own source)
                {"__builtins__": _SAFE}, dict(env))


def profile_sizes(path):
    """{profile: {size: value}} from the first cell that calls ``gh.profile(...)``."""
    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        if cell["cell_type"] != "code" or "gh.profile(" not in src:
            continue
        env = {}
        for node in ast.parse(src).body:
            if not isinstance(node, ast.Assign) or len(node.targets) != 1:
                continue
            target, value = node.targets[0], node.value
            if isinstance(value, ast.Call) and ast.unparse(value.func) == "gh.profile":
                kw = {k.arg: k.value for k in value.keywords}
                return {p: _literal(kw[p], env) for p in PROFILES}
            try:
                if isinstance(target, ast.Name):
                    env[target.id] = _literal(value, env)
                elif isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple):
                    for t, v in zip(target.elts, value.elts):
                        env[t.id] = _literal(v, env)
            except Exception:  # not a literal: not a size
                continue
    raise ValueError(f"{path}: no `cfg = gh.profile(...)` cell found")


# --- FLOPs of the notebooks' networks ---------------------------------------------------------

_FLOPS = {}


def _forward(key, build):
    if key not in _FLOPS:
        from bench import forward_flops
        _FLOPS[key] = forward_flops(build())
    return _FLOPS[key]


def _gan(key, build_g, build_d, d_steps=1, penalty=False):
    """Training FLOPs per image of one gh.GAN step (module docstring); the gradient penalty
    adds, per D update, D's forward and a double backward on the interpolates (≈ 6·F_D)."""
    f_g, f_d = _forward(("G",) + key, build_g), _forward(("D",) + key, build_d)
    gp = 6 * f_d if penalty else 0
    return (d_steps - 1) * (f_g + 6 * f_d + gp) + 3 * f_g + 9 * f_d + gp


def dense_gan(latent, g_widths, d_widths, out=784, d_in=784, batchnorm=False, d_steps=1,
              penalty=False):
    import gan_helpers as gh
    shape = (28, 28, 1) if out == 784 else out
    return _gan(("dense", latent, g_widths, d_widths, out, d_in, batchnorm), lambda: (
        gh.dense_generator(latent, g_widths, output_shape=shape, batchnorm=batchnorm)),
        lambda: gh.dense_discriminator(input_shape=(28, 28, 1) if d_in == 784 else d_in,
                                       widths=d_widths), d_steps, penalty)


def dcgan(width, penalty=False):
    import gan_helpers as gh
    return _gan(("dcgan", width), lambda: gh.dcgan_generator(width=width),
                lambda: gh.dcgan_discriminator(width=width), penalty=penalty)


def cgan():
    import gan_helpers as gh
    c = gh.conditional
    return _gan(("cgan",), lambda: c.conditional_generator(latent_dim=64, join="onehot",
                                                           body="dense"),
                lambda: c.conditional_discriminator(join="onehot", body="dense"))


def small_cnn():
    import keras
    from keras import layers

    def build():
        return keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(16, 3),
                                 layers.MaxPooling2D(), layers.Conv2D(32, 3),
                                 layers.MaxPooling2D(), layers.Flatten(), layers.Dense(10)])
    return 3 * _forward(("cnn",), build)


# --- what each notebook trains (its code, read off its cells) ---------------------------------

def runs_01(c, n_train):
    import gan_helpers as gh
    head = 3 * _forward(("D1",), lambda: gh.dense_discriminator(input_shape=1, widths=(16,)))
    return [Run("01", "D's head start, per seed", c["seeds"] * c["head_start_steps"], c["batch"],
                1, head),
            Run("01", "1-D GAN, 2 losses per seed", c["seeds"] * 2 * c["gan_steps"], c["batch"],
                2, dense_gan(4, (16,), (16,), out=1, d_in=1))]


def runs_02(c, n_train):
    steps = c["epochs"] * (min(c["mnist_images"], n_train) // c["batch"])
    mlp = dense_gan(100, tuple(c["g_widths"]), tuple(c["d_widths"]), batchnorm=True)
    return [Run("02", "ring (explicit loop)", c["toy_steps"], c["toy_batch"], 2,
                dense_gan(8, (128, 128), (128, 128), out=2, d_in=2)),
            Run("02", "MNIST MLP, explicit loop", steps, c["batch"], 2, mlp),
            Run("02", "MNIST MLP, GAN.fit", steps, c["batch"], 2, mlp)]


def runs_03(c, n_train):
    import gan_helpers as gh
    w = c["width"]
    # D alone against a frozen G: G's forward, D's forward and backward on a real and a fake
    d_only = (_forward(("G", "dcgan", w), lambda: gh.dcgan_generator(width=w))
              + 6 * _forward(("D", "dcgan", w), lambda: gh.dcgan_discriminator(width=w)))
    f = dcgan(w)
    return [Run("03", "D alone, 3 target pairs", 3 * c["d_only_steps"], c["batch"], 1, d_only),
            Run("03", "4 variants × seeds", 4 * c["seeds"] * c["steps"], c["batch"], 2, f)]


def runs_04(c, n_train):
    n = min(c["n_train"] or n_train, n_train)
    per_recipe = c["compare_seeds"] * c["compare_images"]
    f = dcgan(c["compare_width"])
    return [Run("04", f"DCGAN width {c['width']}", c["epochs"] * (n // c["batch_size"]),
                c["batch_size"], 2, dcgan(c["width"])),
            Run("04", "race: tutorial, batch 256", per_recipe // 256, 256, 2, f),
            Run("04", "race: DCGAN paper, batch 64", per_recipe // c["batch_size"],
                c["batch_size"], 2, f)]


def runs_05(c, n_train):
    arms = {"GAN": (1, False, 2), "GAN, slow D": (1, False, 2), "GAN, 5 D steps": (5, False, 2),
            "PacGAN2": (1, False, 4), "WGAN-GP": (5, True, 2)}
    steps = len(c["seeds"]) * sum(c["toy_steps"].values())
    out = []
    for arm in c["arms"]:
        k, penalty, d_in = arms[arm]
        f = dense_gan(8, (128,) * 3, (128,) * 3, out=2, d_in=d_in, d_steps=k, penalty=penalty)
        # PacGAN2's D sees 128 packs of 2 per batch of 256: half the images, twice the input
        out.append(Run("05", f"toy, {arm}", steps, 256 // (2 if arm == "PacGAN2" else 1), k + 1,
                       f))
    out.append(Run("05", "stepper widget", c["stepper_steps"], 256, 2,
                   dense_gan(8, (128,) * 3, (128,) * 3, out=2, d_in=2)))
    for k in (1, 5):
        out.append(Run("05", f"MNIST dense, {k} D step(s)",
                       len(c["mnist_seeds"]) * c["mnist_steps"], 64, k + 1,
                       dense_gan(64, (256, 512), (512, 256), d_steps=k)))
    return out


def runs_06(c, n_train):
    n = min(c["n_train"] or n_train, n_train)
    return [Run("06", "DCGAN width 0.25", c["epochs"] * (n // 32), 32, 2, dcgan(0.25))]


def runs_07(c, n_train):
    sizes = len(c["labels_per_class"])
    return [Run("07", "cGANs", sizes * c["cgan_steps"], 64, 2, cgan()),
            Run("07", "judge CNN", c["judge_steps"], 64, 1, small_cnn()),
            Run("07", "augmentation CNNs", sizes * c["seeds"] * 3 * c["clf_steps"], 64, 1,
                small_cnn())]


def runs_08(c, n_train):
    import gan_helpers as gh
    w = c["stab_width"]
    dense = dense_gan(64, (256, 512), (512, 256))
    seeds, stab_seeds = len(c["gallery_seeds"]), len(c["stab_seeds"])
    dirac = _gan(("dirac",), lambda: gh.models.dirac_gan()[0],
                 lambda: gh.models.dirac_gan()[1])
    # The gallery's fifth run, SGD at rate 1, reaches NaN within a few steps (asserted there):
    # those few updates per seed are not counted (they stay within SLACK).
    out = [Run("08", "gallery: 4 behaviours × seeds", 4 * seeds * c["gallery_steps"], 64, 2,
               dense),
           Run("08", "4 mystery panels", 4 * c["gallery_steps"], 64, 2, dense),
           Run("08", "Dirac-GAN: 2 orders + the exercise's run", 2 * c["dirac_steps"] + 100, 8,
               2, dirac),
           Run("08", "TensorBoard run", c["tb_epochs"] * c["chunk"], 64, 2, dense)]
    for arm in c["stab_arms"]:
        if arm != "EMA of G":  # sampled from the baseline's runs: no training of its own
            out.append(Run("08", f"stabilisers: {arm}", stab_seeds * c["stab_steps"], 64, 2,
                           dcgan(w, penalty=arm == "R1")))  # R1: D's double backward
    return out


def runs_09(c, n_train):
    return [Run("09", "DCGAN width 0.25", c["gan_steps"], 64, 2, dcgan(0.25))]


WORK = {"01": runs_01, "02": runs_02, "03": runs_03, "04": runs_04, "05": runs_05,
        "06": runs_06, "07": runs_07, "08": runs_08,
        "09": runs_09}


def notebook_paths(source=SOURCE):
    names = sorted(f for f in os.listdir(source) if f.endswith(".ipynb") and f[:2].isdigit())
    return {name[:2]: os.path.join(source, name) for name in names}


def work(profile, data="online", source=SOURCE):
    """{notebook: [Run, ...]} under one profile (00 trains nothing)."""
    out = {}
    for nb, path in notebook_paths(source).items():
        sizes = profile_sizes(path)[profile]
        out[nb] = WORK[nb](sizes, TRAIN_IMAGES[data]) if nb in WORK else []
    return out


# --- checking the accounting against a real execution -----------------------------------------

_RECORD = """\
import keras as _budget_keras
import tensorflow as _budget_tf

_BUDGET = {"optimizers": 0, "updates": None}
_budget_init = _budget_keras.optimizers.Optimizer.__init__
_budget_apply = _budget_keras.optimizers.Optimizer.apply


def _budget_record(self, *args, **kwargs):
    _budget_init(self, *args, **kwargs)
    _BUDGET["optimizers"] += 1


def _budget_count(self, *args, **kwargs):
    # One more update, also inside a compiled step (a counter of our own: optimizer.iterations
    # would count twice the steps a checkpoint restores).
    out = _budget_apply(self, *args, **kwargs)
    if _BUDGET["updates"] is None:
        with _budget_tf.init_scope():
            _BUDGET["updates"] = _budget_tf.Variable(0, dtype="int64", trainable=False)
    _BUDGET["updates"].assign_add(1)
    return out


_budget_keras.optimizers.Optimizer.__init__ = _budget_record
_budget_keras.optimizers.Optimizer.apply = _budget_count
"""
_REPORT = ("print('BUDGET_UPDATES', int(_BUDGET['updates'] if _BUDGET['updates'] is not None "
           "else 0), _BUDGET['optimizers'])")


def executed_updates(nb, source=SOURCE, timeout=1800):
    """(optimiser updates, optimisers) of one execution of notebook ``nb`` under smoke."""
    import shutil
    import tempfile

    import nbformat
    from run_all import execute_notebook
    path = notebook_paths(source)[nb]
    with tempfile.TemporaryDirectory() as tmp:
        work_dir = os.path.join(tmp, "notebooks")
        shutil.copytree(source, work_dir)
        notebook = nbformat.read(path, as_version=4)
        notebook.cells.insert(0, nbformat.v4.new_code_cell(_RECORD))
        notebook.cells.append(nbformat.v4.new_code_cell(_REPORT))
        copy = os.path.join(work_dir, "budget_" + os.path.basename(path))
        nbformat.write(notebook, copy)
        env = dict(os.environ, GAN_WORKBOOK_OFFLINE="1",
                   GAN_WORKBOOK_RUNS=os.path.join(tmp, "runs"))
        done = execute_notebook(copy, work_dir, "smoke", timeout=timeout, env=env)
    text = "".join(o.get("text", "") for o in done.cells[-1].outputs)
    _, updates, optimizers = text.split()
    return int(updates), int(optimizers)


SLACK = 16  # optimiser updates an exercise checker may make on its own (02's: 12)


def counted_updates(runs):
    return sum(r.steps * r.updates for r in runs)


def step_seconds(run, tflops, floor_ms):
    return max(run.batch * run.flops_per_image / (tflops * 1e12), run.updates * floor_ms / 1e3)


def estimate(runs, tflops, floor_ms, overhead_s):
    return overhead_s + sum(r.steps * step_seconds(r, tflops, floor_ms) for r in runs)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python tools/budget.py", description=__doc__.split("\n")[0])
    p.add_argument("--t4-tflops", type=float, default=10.0)
    p.add_argument("--t4-floor-ms", type=float, default=1.0)
    p.add_argument("--overhead-s", type=float, default=60.0)
    p.add_argument("--limit-min", type=float, default=15.0)
    p.add_argument("--runs", action="store_true", help="list every run, not only totals")
    p.add_argument("--markdown", action="store_true", help="the README's table")
    p.add_argument("--verify", nargs="+", metavar="NN",
                   help="execute these notebooks under smoke and compare their optimiser "
                        "updates with this accounting")
    p.add_argument("--check", action="store_true",
                   help="exit 1 if a notebook's full estimate exceeds --limit-min")
    a = p.parse_args(argv)
    if a.t4_tflops <= 0 or a.t4_floor_ms < 0 or a.overhead_s < 0:
        p.error("--t4-tflops must be positive; --t4-floor-ms and --overhead-s not negative")
    if a.verify:
        counted = work("smoke", "offline")
        bad = [nb for nb in a.verify if nb not in counted]
        if bad:
            p.error(f"--verify: no notebook {', '.join(bad)}; there are {', '.join(counted)}")
        wrong = 0
        for nb in a.verify:
            executed, optimizers = executed_updates(nb)
            ok = 0 <= executed - counted_updates(counted[nb]) <= SLACK
            wrong += not ok
            print(f"{nb}: executed {executed:,} optimiser updates ({optimizers} optimisers), "
                  f"counted {counted_updates(counted[nb]):,}: {'agree' if ok else 'DIFFERENT'}")
        return 1 if wrong else 0
    table = {prof: work(prof, "offline" if prof != "full" else "online") for prof in PROFILES}
    over = []
    rows = []
    for nb in notebook_paths():
        steps = {prof: sum(r.steps for r in table[prof][nb]) for prof in PROFILES}
        flops = {prof: sum(r.steps * r.batch * r.flops_per_image for r in table[prof][nb])
                 for prof in PROFILES}
        t4 = estimate(table["full"][nb], a.t4_tflops, a.t4_floor_ms, a.overhead_s)
        rows.append((nb, steps, flops, t4))
        if t4 > 60 * a.limit_min:
            over.append(nb)
        if a.runs:
            for r in table["full"][nb]:
                print(f"  {nb} full: {r.label:<28} {r.steps:>8,} steps × {r.batch:>3}, "
                      f"{r.updates} updates, {r.flops_per_image / 1e6:8.2f} MFLOP/image, "
                      f"{step_seconds(r, a.t4_tflops, a.t4_floor_ms) * 1e3:.2f} ms/step on a T4")
    if a.markdown:
        print("| notebook | steps: smoke / quick / full | training FLOPs: quick / full | "
              "full on a T4 (estimate) |")
        print("|---|---|---|---|")
        for nb, steps, flops, t4 in rows:
            print(f"| {nb} | {steps['smoke']:,} / {steps['quick']:,} / {steps['full']:,} | "
                  f"{flops['quick'] / 1e12:.1f} T / {flops['full'] / 1e12:.1f} T | "
                  f"{t4 / 60:.1f} min |")
    else:
        print(f"T4 estimate: a step takes max(FLOPs / {a.t4_tflops:g} TFLOP/s, updates × "
              f"{a.t4_floor_ms:g} ms), plus {a.overhead_s:g} s per notebook")
        print(f"{'nb':<4}{'steps smoke':>12}{'quick':>10}{'full':>10}"
              f"{'TFLOP quick':>13}{'full':>9}{'T4 full (min)':>15}")
        for nb, steps, flops, t4 in rows:
            print(f"{nb:<4}{steps['smoke']:>12,}{steps['quick']:>10,}{steps['full']:>10,}"
                  f"{flops['quick'] / 1e12:>13.2f}{flops['full'] / 1e12:>9.1f}{t4 / 60:>15.1f}")
    if a.check and over:
        print(f"over {a.limit_min:g} min on a T4 by this estimate: {', '.join(over)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
