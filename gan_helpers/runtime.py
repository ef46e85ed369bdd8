"""The machine and the run profile: what device we are on, and how big to make things."""
import os
import sys

import keras
import numpy as np
import tensorflow as tf

PROFILE_ENV = "GAN_WORKBOOK_PROFILE"
PROFILES = ("smoke", "quick", "full")
SEED_ENV = "GAN_WORKBOOK_SEED"
PRECISION_ENV = "GAN_WORKBOOK_PRECISION"
POLICIES = ("float32", "mixed_float16", "mixed_bfloat16")


def in_colab():
    return "google.colab" in sys.modules


def device_report(verbose=True):
    """Describe the accelerator and enable GPU memory growth; returns a dict.

    Memory growth stops TensorFlow from reserving all GPU memory at start-up, which
    matters on Colab when several notebooks share one GPU. It must be set before the
    GPU is first used; if it is too late, the report says so.
    """
    gpus = tf.config.list_physical_devices("GPU")
    tpus = tf.config.list_logical_devices("TPU")
    growth = []
    for gpu in gpus:
        try:
            tf.config.experimental.set_memory_growth(gpu, True)
        except RuntimeError:  # GPU already initialised
            pass
        growth.append(bool(tf.config.experimental.get_memory_growth(gpu)))
    kind = "TPU" if tpus else "GPU" if gpus else "CPU"
    details = [tf.config.experimental.get_device_details(g).get("device_name", g.name)
               for g in gpus]
    report = {
        "device": kind,
        "gpus": details,
        "n_gpus": len(gpus),
        "n_tpu_cores": len(tpus),
        "memory_growth": bool(growth) and all(growth),
        "colab": in_colab(),
        "cpu_cores": os.cpu_count(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "python": sys.version.split()[0],
    }
    if verbose:
        where = "Google Colab" if report["colab"] else "local machine"
        print(f"Device: {kind} on {where} | TF {report['tensorflow']}, Keras {report['keras']}, "
              f"Python {report['python']}, {report['cpu_cores']} CPU cores")
        for name, g in zip(details, growth):
            print(f"  GPU: {name} (memory growth {'on' if g else 'off: set it before first use'})")
        if kind == "CPU":
            print("  No GPU: notebooks default to the 'quick' profile (minutes on a laptop CPU).")
    return report


def has_gpu():
    return bool(tf.config.list_physical_devices("GPU"))


def _cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            return set(f.read().split())
    except OSError:  # not Linux: no way to tell, assume no native bfloat16
        return set()


def speed_settings(verbose=True):
    """The fastest training settings this device supports, decided by the device alone.

    Returns ``Settings(policy=..., jit_compile=...)`` for ``keras.mixed_precision`` and
    ``GAN.compile``. Measured with ``python tools/bench.py`` (README, Performance):

    * GPU: 'mixed_float16' (tensor cores) + XLA (fuses the step's many small ops);
    * TPU: 'mixed_bfloat16' (TPUs compile with XLA anyway);
    * CPU with native bfloat16 (AVX512-BF16 or AMX): 'mixed_bfloat16', ~1.5x the float32
      step, no XLA (it made the CPU step slower);
    * any other CPU: float32, no XLA (emulated bfloat16 would be slower).

    ``$GAN_WORKBOOK_PRECISION`` (float32, mixed_float16 or mixed_bfloat16) overrides the
    policy, for example to check that a notebook's claims hold in plain float32.
    """
    forced = os.environ.get(PRECISION_ENV, "").strip().lower()
    if forced and forced not in POLICIES:
        raise ValueError(f"{PRECISION_ENV}={forced!r} is not a precision policy; use one of: "
                         f"{', '.join(POLICIES)} (or unset it to let the device decide).")
    if tf.config.list_logical_devices("TPU"):
        s = Settings(policy="mixed_bfloat16", jit_compile=False, why="TPU")
    elif has_gpu():
        s = Settings(policy="mixed_float16", jit_compile=True, why="GPU")
    elif _cpu_flags() & {"avx512_bf16", "amx_bf16"}:
        s = Settings(policy="mixed_bfloat16", jit_compile=False, why="CPU with native bfloat16")
    else:
        s = Settings(policy="float32", jit_compile=False, why="CPU without native bfloat16")
    if forced:  # e.g. float32 on a bf16 CPU, to see whether a result depends on the precision
        s = Settings(policy=forced, jit_compile=s.jit_compile,
                     why=f"{s.why}; {PRECISION_ENV}={forced}")
    if verbose:
        print(f"Speed settings for this device ({s.why}): precision policy {s.policy}, "
              f"XLA {'on' if s.jit_compile else 'off'}")
    return s


def small_model_threads(verbose=True):
    """One thread per TensorFlow op and two ops at a time: faster for tiny networks on a CPU.

    A product of a batch of 256 with a 128×128 weight matrix takes microseconds; splitting it
    across cores costs more in synchronisation than it saves. Measured with ``GAN.fit`` on a
    2-core CPU (fresh processes, alternating): notebook 05's toy GAN (three hidden layers of 128
    units, batch 256) ran 293-294 steps/s with one intra-op and two inter-op threads against
    147-264 with TensorFlow's defaults; the dense MNIST GANs of notebooks 02 and 07 (batch 64)
    46 and 45 steps/s against 29. Convolutions use the cores well: 04's half-width DCGAN ran
    *slower* (7.3 against 10.6 steps/s), so the convolutional notebooks keep the defaults, and
    so does 07: its dense cGAN gained (3,000 steps in 63 s against 83 s), but its section 5
    (one such cGAN and 30 small convolutional classifiers) took 307 s, where the defaults had
    run the same section with 36 classifiers in 274 s.
    Call it before TensorFlow runs its first op: after that
    TensorFlow refuses the change, and this function says so and keeps the threads as they are
    (so re-running a setup cell is harmless). With a GPU it changes nothing. Returns True when
    the setting is in force.
    """
    if has_gpu():
        if verbose:
            print("small-model threads: a GPU trains here; TensorFlow's thread defaults kept")
        return False
    try:
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(2)
    except RuntimeError:
        if verbose:
            print("small-model threads: TensorFlow is already running, so its thread settings "
                  "stay as they are (restart the kernel and run this cell first to apply them)")
        return False
    if verbose:
        print("small-model threads: 1 thread per op, 2 ops at a time (tiny networks on a CPU)")
    return True


def grading():
    """True while a notebook is graded: nbgrader sets ``$NBGRADER_EXECUTION``; the tests (or
    anyone) set ``$GAN_WORKBOOK_GRADING=1``; Otter-Grader sets no variable, so its grading is
    recognised by Otter's own switch: before a submission's first cell, ``otter run``,
    ``otter assign``'s test run and Gradescope's autograder all call
    ``otter.Notebook.init_grading_mode()``, which sets the class attribute
    ``otter.Notebook._grading_mode`` (Otter 7; a private name, hence ``getattr`` with a default:
    an Otter without it reads as "not grading"). A learner's ``otter.Notebook()`` or
    ``grader.check(...)`` leaves it False."""
    if os.environ.get("NBGRADER_EXECUTION") or \
            os.environ.get("GAN_WORKBOOK_GRADING", "").strip().lower() in ("1", "true", "yes"):
        return True
    otter = sys.modules.get("otter")  # never imported here: only an Otter already loaded counts
    return getattr(getattr(otter, "Notebook", None), "_grading_mode", False) is True


def profile_name():
    """The active profile: ``$GAN_WORKBOOK_PROFILE``; else 'smoke' while grading (a verdict
    never depends on a training result, so grading takes seconds); else 'full' with a GPU,
    else 'quick'."""
    name = os.environ.get(PROFILE_ENV, "").strip().lower()
    if not name:
        return "smoke" if grading() else "full" if has_gpu() else "quick"
    if name not in PROFILES:
        raise ValueError(f"{PROFILE_ENV}={name!r} is not a profile; use one of: "
                         f"{', '.join(PROFILES)} (smoke = seconds, for tests; quick = minutes "
                         "on a laptop CPU; full = the real experiment on a GPU).")
    return name


class Settings(dict):
    """The sizes in force: a dict that also allows attribute access (``cfg.epochs``)."""

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(f"this profile has no setting {key!r}; it has: "
                                 f"{', '.join(sorted(self))}") from None


def profile(smoke, quick, full, verbose=True):
    """Pick this notebook's sizes for the active profile and print them.

    Each notebook states its sizes for all three profiles side by side, so only sizes
    differ between profiles, never the code path::

        cfg = profile(smoke=dict(epochs=1, n=512), quick=dict(epochs=5, n=5000),
                      full=dict(epochs=50, n=60000))
    """
    table = {"smoke": smoke, "quick": quick, "full": full}
    keys = set(smoke)
    for name, sizes in table.items():
        if set(sizes) != keys:
            raise ValueError(f"profile: '{name}' names {sorted(sizes)} but 'smoke' names "
                             f"{sorted(keys)}; every profile must set the same sizes.")
    name = profile_name()
    cfg = Settings(table[name])
    cfg["profile"] = name
    if verbose:
        source = f"{PROFILE_ENV}={os.environ[PROFILE_ENV]}" if os.environ.get(PROFILE_ENV) \
            else ("default while grading" if grading() else
                  "default: a GPU is present" if name == "full" else "default: no GPU")
        sizes = ", ".join(f"{k}={v}" for k, v in table[name].items())
        print(f"Profile '{name}' ({source}): {sizes}")
    return cfg


def global_seed():
    """``$GAN_WORKBOOK_SEED`` as an int (default 0): mixed into every seed by :func:`mix_seed`,
    so that a whole notebook can be rerun with other random numbers and its claims rechecked."""
    raw = os.environ.get(SEED_ENV, "").strip()
    if not raw:
        return 0
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{SEED_ENV}={raw!r} is not an integer; set a whole number such as "
                         f"{SEED_ENV}=1, or unset it for the default 0.") from None
    if value < 0:
        raise ValueError(f"{SEED_ENV} must be >= 0, got {value}.")
    return value


def mix_seed(seed):
    """``seed`` with the global seed mixed in: unchanged when ``$GAN_WORKBOOK_SEED`` is 0 (the
    default) or ``seed`` is None; otherwise a new seed in [0, 2**31) that depends on both, so
    seeds that differ stay different (seeds 0, 1, 2 of a notebook stay three distinct runs)."""
    g = global_seed()
    if seed is None or g == 0:
        return seed
    return int(np.random.SeedSequence([int(seed), g]).generate_state(1)[0] % 2**31)


def rng(seed):
    """``numpy.random.default_rng`` of :func:`mix_seed` (seed): the notebooks' NumPy generator."""
    return np.random.default_rng(mix_seed(seed))


def set_seed(seed=0, deterministic=False):
    """Seed Python, NumPy and TensorFlow/Keras with :func:`mix_seed` (seed).
    ``deterministic=True`` also makes TF ops deterministic (bitwise-repeatable CPU runs,
    somewhat slower)."""
    keras.utils.set_random_seed(mix_seed(seed))
    if deterministic:
        tf.config.experimental.enable_op_determinism()
