"""Checkers for notebooks/05_mode_collapse.ipynb.

Exercise 1, ``mode_coverage``: the VEEGAN/PacGAN rule for high-quality samples and captured
modes, against :func:`gan_helpers.metrics.mode_coverage`. Exercise 2, ``diagnose``: healthy,
mode collapse or low quality, read from those two numbers, on synthetic sample sets whose
label is known by construction. Exercise 3, ``gradient_penalty``: WGAN-GP's penalty, on critics
whose gradients are known. Exercise 4, ``pack``: PacGAN packing, against
:func:`gan_helpers.variants.pack`.
"""
import keras
import numpy as np
import tensorflow as tf

from .. import data, metrics, variants
from .core import call_reader, check_function, exercise, report

# --- exercise 1: mode_coverage ----------------------------------------------------------------

def _coverage_reference(samples, centres, std):
    coverage = metrics.mode_coverage(samples, centres, std)
    return np.array([coverage.modes, coverage.hq_fraction], dtype=np.float64)


def _coverage_variant(samples, centres, std, radius=3.0, squared=False, require_hq=True):
    """Mode coverage with one knob turned, for recognising common mistakes."""
    d2 = ((np.asarray(samples, np.float64)[:, None, :] - np.asarray(centres)[None]) ** 2).sum(-1)
    nearest, dmin2 = d2.argmin(1), d2.min(1)
    hq = (dmin2 < radius * std) if squared else (np.sqrt(dmin2) < radius * std)
    captured = np.unique(nearest[hq] if require_hq else nearest)
    return np.array([len(captured), hq.mean()], dtype=np.float64)


def _fake_generator(centres, std, seed):
    """Samples of a generator that found half the modes, blurred some and lost others."""
    rng = np.random.default_rng(seed)
    k = len(centres)
    good = centres[rng.integers(0, k // 2, 1500)] + std * rng.standard_normal((1500, 2))
    blurry = centres[rng.integers(0, k, 600)] + 4 * std * rng.standard_normal((600, 2))
    lost = rng.uniform(centres.min() - 0.5, centres.max() + 0.5, (400, 2))
    return np.concatenate([good, blurry, lost]).astype(np.float32)


@exercise()
def check_mode_coverage(mode_coverage):
    """05, exercise 1: ``mode_coverage(samples, centres, std) -> (modes, hq_fraction)``:
    a sample is high quality if its distance to the nearest centre is < 3·std; a mode is
    captured if at least one high-quality sample has it as its nearest centre."""
    ring, grid = data.ring_centres(), data.grid_centres()
    cases = [(_fake_generator(ring, 0.01, 0), ring, 0.01),
             (_fake_generator(grid, 0.05, 1), grid, 0.05),
             (np.zeros((1, 2), np.float32) + 0.5, ring, 0.01)]

    def student(samples, centres, std):
        out = mode_coverage(samples, centres, std)
        try:
            modes, hq = out[0], out[1]
        except (TypeError, IndexError):
            raise AssertionError("return a pair (modes, hq_fraction)") from None
        return np.array([float(modes), float(hq)])

    check_function(
        "mode_coverage", student, _coverage_reference, cases, tol=1e-6,
        wrong_answers=[
            (lambda s, c, sd: _coverage_variant(s, c, sd, require_hq=False),
             "a mode is captured only by a *high-quality* sample (within 3 std); you counted "
             "every mode that is nearest to any sample."),
            (lambda s, c, sd: _coverage_variant(s, c, sd, radius=1.0),
             "the radius is 3 standard deviations (3 * std), not 1."),
            (lambda s, c, sd: _coverage_variant(s, c, sd, squared=True),
             "compare the distance, not the squared distance, with 3 * std."),
        ],
        hint="distances (N, K) to every centre; per sample the nearest centre and its distance; "
             "hq = distance < 3 * std; modes = number of distinct nearest centres among the hq "
             "samples; hq_fraction = hq.mean().")


# --- exercise 2: diagnose ---------------------------------------------------------------------

LABELS = ("healthy", "mode collapse", "low quality")
SHARP = 0.6  # the notebook's bar for "converged": more than 60% of the samples high quality


def _diagnose_rule(cov, k, sharp=SHARP):
    """The reference rule on a coverage: not sharp -> low quality; else all k modes -> healthy;
    else mode collapse."""
    if not cov.hq_fraction > sharp:
        return "low quality"
    return "healthy" if cov.modes == k else "mode collapse"


def _diagnose_reference(samples, centres, std):
    return _diagnose_rule(metrics.mode_coverage(samples, centres, std), len(centres))


def _mixture(rng, centres, std, n=2500, stray=0.0, box=None):
    """n samples around ``centres`` with standard deviation ``std``; the first ``stray``
    fraction replaced by uniform draws over the square ``box`` = (low, high)."""
    x = centres[rng.integers(0, len(centres), n)] + std * rng.standard_normal((n, 2))
    if stray:
        x[: int(stray * n)] = rng.uniform(*box, (int(stray * n), 2))
    return x.astype(np.float32)


def diagnosis_cases():
    """(name, samples, centres, std, label) of the sample sets the checker diagnoses; each
    label holds by construction (seeded NumPy draws, no training)."""
    rng = np.random.default_rng(2024)
    ring, grid = data.ring_centres(), data.grid_centres()
    angle = rng.uniform(0.0, 2.0 * np.pi, 2500)
    radius = 1.0 + 0.01 * rng.standard_normal(2500)
    midpoints = np.array([[x + 1.0, y] for x in (-4, -2, 0, 2) for y in (-4, -2, 0, 2, 4)])
    return [
        ("a healthy ring (all 8 modes, 10% stray samples)",
         _mixture(rng, ring, 0.01, stray=0.1, box=(-1.3, 1.3)), ring, 0.01, "healthy"),
        ("a collapsed ring (2 of 8 modes, sharp)", _mixture(rng, ring[[1, 5]], 0.01), ring,
         0.01, "mode collapse"),
        ("a ring collapsed onto one mode (VEEGAN's GAN)", _mixture(rng, ring[[3]], 0.008), ring,
         0.01, "mode collapse"),
        ("a blurred ring (all 8 modes, 6 std wide)", _mixture(rng, ring, 0.06), ring, 0.01,
         "low quality"),
        ("a blurred ring around 3 of the modes (10 std wide)", _mixture(rng, ring[[0, 2, 5]], 0.1),
         ring, 0.01, "low quality"),
        ("a ring smeared along the circle",
         np.stack([radius * np.cos(angle), radius * np.sin(angle)], 1).astype(np.float32), ring,
         0.01, "low quality"),
        ("an untrained generator's cloud at the ring's centre",
         (0.3 * rng.standard_normal((2500, 2))).astype(np.float32), ring, 0.01, "low quality"),
        ("a healthy grid (all 25 modes, 15% stray samples)",
         _mixture(rng, grid, 0.05, stray=0.15, box=(-5.0, 5.0)), grid, 0.05, "healthy"),
        ("a partly collapsed grid (18 of 25 modes, sharp)",
         _mixture(rng, grid[rng.permutation(25)[:18]], 0.05), grid, 0.05, "mode collapse"),
        ("a blurred grid (all 25 modes, 4 std wide)", _mixture(rng, grid, 0.2), grid, 0.05,
         "low quality"),
        ("a grid smeared between the modes", _mixture(rng, midpoints, 0.05), grid, 0.05,
         "low quality"),
    ]


def _diagnose_variant(hq_radius=3.0, raw=False, sharp=SHARP, modes_first=False, ignore_hq=False,
                      most_modes=None):
    """A diagnosis with one knob turned, for recognising common mistakes."""
    def diagnose(samples, centres, std):
        threshold = hq_radius / std if raw else hq_radius
        cov = metrics.mode_coverage(samples, centres, std, threshold=threshold)
        k = len(centres)
        all_modes = cov.modes > k * most_modes if most_modes else cov.modes == k
        if ignore_hq:
            return "healthy" if all_modes else "mode collapse"
        if modes_first and not all_modes:
            return "mode collapse"
        if not cov.hq_fraction > sharp:
            return "low quality"
        return "healthy" if all_modes else "mode collapse"
    return diagnose


_DIAGNOSE_MISTAKES = [
    (_diagnose_variant(ignore_hq=True),
     "you read the modes column alone. Look at HQ first: when most samples are not within 3 std "
     "of any centre the generator has not converged, and its mode count counts stray samples "
     "(a blurred grid 'captures' all 25 modes, an untrained cloud none of the ring's). Low HQ "
     "means low quality, whatever the mode count."),
    (_diagnose_variant(modes_first=True),
     "you tested the mode count before HQ, so a generator that never learned (few or no modes, "
     "HQ near 0) came out as mode collapse. Collapse means sharp samples of too few modes: "
     "check HQ first, and only for sharp samples read the mode count."),
    (_diagnose_variant(hq_radius=3.0, raw=True),
     "high quality means within 3 standard deviations (3 * std) of the nearest centre, not "
     "within a distance of 3: on the ring every sample is within 3 of some centre."),
    (_diagnose_variant(hq_radius=0.03, raw=True),
     "use the std you are given (3 * std: 0.03 on the ring, 0.15 on the grid), not the ring's "
     "0.03 for every benchmark."),
    (_diagnose_variant(sharp=0.98),
     "the bar for sharp samples is the notebook's 60% high quality, not the data's own 98.9%: a "
     "generator with 10-15% stray samples has still converged."),
    (_diagnose_variant(most_modes=0.5),
     "healthy means every mode captured: missing 7 of 25 grid modes with sharp samples is "
     "(partial) mode collapse, as for the converged GAN above, not a healthy generator."),
]

_DIAGNOSE_CASE_HINTS = {
    ("low quality", "healthy"):
        "its HQ is low, so its mode count counts stray samples: low HQ means low quality, "
        "whatever the mode count.",
    ("low quality", "mode collapse"):
        "its samples are not sharp (low HQ), so the modes it misses say nothing about collapse: "
        "a generator that never learned misses modes too. Check HQ first.",
    ("mode collapse", "healthy"):
        "its samples are sharp but some modes have no high-quality sample: that is (partial) "
        "mode collapse. Healthy needs all K modes.",
    ("mode collapse", "low quality"):
        "more than 60% of its samples are within 3 std of a centre: they are sharp, so its "
        "missing modes are collapse.",
    ("healthy", "low quality"):
        "more than 60% of its samples are within 3 std (3 * std, with the std given) of a "
        "centre: sharp enough by the notebook's bar.",
    ("healthy", "mode collapse"):
        "every mode has a high-quality sample (use modes == len(centres), with the centres "
        "given).",
}


@exercise()
def check_diagnose(diagnose):
    """05, exercise 2: ``diagnose(samples, centres, std)`` returns "healthy", "mode collapse"
    or "low quality": low quality when at most 60% of the samples lie within 3 std of their
    nearest centre (HQ first: the mode count of a diffuse generator counts stray samples),
    else healthy when every mode is captured, else mode collapse. The sample sets are synthetic
    (seeded NumPy), each label known by construction."""
    cases = diagnosis_cases()
    got = []
    for name, samples, centres, std, _ in cases:
        label = call_reader("diagnose", diagnose, (samples.copy(), centres.copy(), std),
                            "use gh.metrics.mode_coverage(samples, centres, std).")
        if not isinstance(label, str) or label not in LABELS:
            raise AssertionError(f"diagnose: return one of the strings "
                                 f"{', '.join(map(repr, LABELS))}, exactly; for {name} you "
                                 f"returned {label!r}.")
        got.append(label)
    wrong = [(case, label) for case, label in zip(cases, got) if label != case[-1]]
    if not wrong:
        report("diagnose", 0.0, 0)
        return
    (name, samples, centres, std, want), label = wrong[0]
    cov = metrics.mode_coverage(samples, centres, std)
    hint = next((hint for mistake, hint in _DIAGNOSE_MISTAKES
                 if [mistake(s, c, sd) for _, s, c, sd, _ in cases] == got),
                _DIAGNOSE_CASE_HINTS[want, label])
    raise AssertionError(
        f"diagnose: {len(wrong)} of {len(cases)} sample sets misread; first, {name}: "
        f"{cov.modes}/{len(centres)} modes, HQ {cov.hq_fraction:.0%}: you said {label!r}, it is "
        f"{want!r}. Hint: {hint}")


# --- exercise 2: gradient_penalty -------------------------------------------------------------

def _linear_critic(w):
    w = np.asarray(w, dtype=np.float32)
    x = keras.Input((len(w),))
    out = keras.layers.Dense(1, use_bias=False,
                             kernel_initializer=keras.initializers.Constant(w[:, None]))(x)
    return keras.Model(x, out, name="linear_critic")


def _function_critic(fn, shape, name):
    x = keras.Input(shape)
    return keras.Model(x, keras.layers.Lambda(fn)(x), name=name)


def _gp_variant(critic, real, fake, seed, draw_u="uniform", norm="per_sample", minus_one=True,
                square=True, squared_norm=False):
    """A gradient penalty with one knob turned, for recognising common mistakes."""
    real = tf.convert_to_tensor(real, tf.float32)
    fake = tf.convert_to_tensor(fake, tf.float32)
    shape = [real.shape[0]] + [1] * (len(real.shape) - 1)
    if draw_u == "uniform":
        u = tf.random.stateless_uniform(shape, [seed, 0])
    elif draw_u == "normal":
        u = tf.random.stateless_normal(shape, [seed, 0])
    elif draw_u == "per_element":
        u = tf.random.stateless_uniform(real.shape, [seed, 0])
    else:  # "half": the midpoint, no randomness
        u = tf.fill(shape, 0.5)
    x_hat = real + u * (fake - real)
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat, training=True)
    g = tape.gradient(scores, x_hat)
    if norm == "per_sample":
        s = tf.reduce_sum(tf.square(g), axis=list(range(1, len(g.shape))))
    elif norm == "last_axis":
        s = tf.reduce_sum(tf.square(g), axis=-1)
    else:  # "batch": one norm for the whole batch
        s = tf.reduce_sum(tf.square(g))
    n = s if squared_norm else tf.sqrt(s + 1e-12)
    d = n - 1.0 if minus_one else n
    return tf.reduce_mean(tf.square(d) if square else d)


def _check_gradient_reaches_weights(gradient_penalty, real, fake):
    """NaN first: a critic with zero input gradient (a dead ReLU network, say)."""
    dead = _linear_critic([0.0, 0.0])
    with tf.GradientTape() as tape:
        gp = call_reader("gradient_penalty", gradient_penalty,
                         (dead, real, fake, keras.random.SeedGenerator(0)))
    # a NumPy number (a .numpy() on the way) has no gradient at all
    grads = tape.gradient(gp, dead.trainable_weights) if tf.is_tensor(gp) else [None]
    if grads[0] is None:
        raise AssertionError("gradient_penalty: no gradient reaches the critic's weights. Compute "
                             "the input gradient with a tf.GradientTape that watches x̂, and do "
                             "not convert to NumPy on the way.")
    if not np.all(np.isfinite(np.asarray(grads[0]))):
        raise AssertionError(
            "gradient_penalty: NaN gradients for a critic whose input gradient is 0. The "
            "derivative of sqrt (and of tf.norm) is infinite at 0, and ∞·0 = NaN: compute the "
            "norm as sqrt(sum(g²) + 1e-12).")


@exercise()
def check_gradient_penalty(gradient_penalty):
    """05, exercise 3: WGAN-GP's penalty mean((‖∇f(x̂)‖₂ − 1)²), x̂ = x + u(x̃ − x), u ~ U[0,1].

    ``gradient_penalty(critic, real, fake, seed_generator)`` is called on critics whose
    gradients are known: linear critics (‖∇f‖ = ‖w‖ everywhere, so the penalty is exactly
    (‖w‖ − 1)²), a sum-of-pixels critic on images (per-sample norm √(H·W·C)), and the
    quadratic critic f(x) = ½‖x‖² with real = 0 and fake at distance 3, where ‖∇f(x̂)‖ = 3u
    and the penalty is the average of (3u − 1)² over 250,000 interpolates: E = 1 for
    u ~ U[0,1] (10 for u ~ N(0,1)). That case is random, hence the tolerance of 1e-2.
    """
    rng = np.random.default_rng(0)
    real = rng.normal(size=(64, 2)).astype(np.float32)
    fake = rng.normal(2.0, 1.0, size=(64, 2)).astype(np.float32)
    n = 250_000
    zeros = np.zeros((n, 2), np.float32)
    far = np.tile(np.float32(3.0 / np.sqrt(2.0)), (n, 2))
    quadratic = _function_critic(lambda t: 0.5 * tf.reduce_sum(t * t, axis=1, keepdims=True),
                                 (2,), "quadratic_critic")
    pixels = _function_critic(lambda t: tf.reduce_sum(t, axis=[1, 2, 3])[:, None], (2, 2, 4),
                              "sum_of_pixels_critic")
    images = rng.normal(size=(6, 2, 2, 4)).astype(np.float32)
    # (critic, real, fake, the exact penalty, or its expectation over uniform u)
    cases = [(_linear_critic([0.6, 0.8]), real, fake, 0.0),
             (_linear_critic([3.0, 0.0]), real, fake, 4.0),
             (_linear_critic([0.3, 0.4]), real, fake, 0.25),
             (pixels, images, images + 1.0, 9.0),
             (quadratic, zeros, far, 1.0), (quadratic, zeros, far, 1.0),
             (quadratic, far, zeros, 1.0)]  # direction does not matter: u and 1 − u alike
    _check_gradient_reaches_weights(gradient_penalty, real, fake)
    seeds = iter(range(1000))

    def student(critic, r, f, expected):
        return gradient_penalty(critic, r, f, keras.random.SeedGenerator(next(seeds)))

    def variant(**knobs):
        return lambda critic, r, f, expected: _gp_variant(critic, r, f, 7, **knobs)

    check_function(
        "gradient_penalty", student, lambda critic, r, f, expected: np.float64(expected), cases,
        tol=1e-2,
        wrong_answers=[
            (variant(draw_u="normal"),
             "u must be uniform on [0, 1] (keras.random.uniform), not normal: a normal u puts "
             "x̂ outside the segment between x and x̃ two thirds of the time "
             "(P(u < 0) + P(u > 1) = 0.5 + 0.159 ≈ 0.66)."),
            (variant(draw_u="half"),
             "u must be random (a new U[0, 1] draw per sample), not the midpoint 0.5."),
            (variant(draw_u="per_element"),
             "draw one u per sample, shape (B, 1, ...), not one per coordinate: x̂ must lie on "
             "the straight segment between x and x̃."),
            (variant(minus_one=False),
             "the penalty is (‖∇f(x̂)‖ − 1)²: it pulls the norm towards 1, not towards 0."),
            (variant(square=False),
             "square (‖∇f(x̂)‖ − 1) before averaging, or norms above and below 1 cancel."),
            (variant(squared_norm=True),
             "use the norm ‖g‖ = sqrt(sum(g²)), not the squared norm sum(g²)."),
            (variant(norm="last_axis"),
             "take one norm per sample over all its axes (axis=[1, 2, 3] for images), not over "
             "the last axis only."),
            (variant(norm="batch"),
             "take one norm per sample (reduce over axes 1, 2, ...), not one over the whole "
             "batch."),
        ],
        hint="x̂ = real + u·(fake − real) with u = keras.random.uniform((B, 1, ...), "
             "seed=seed_generator); g = ∇ of critic(x̂) w.r.t. x̂ (GradientTape that watches x̂); "
             "return mean((sqrt(sum of g² over each sample + 1e-12) − 1)²).")


# --- exercise 3: pack -------------------------------------------------------------------------

def _check_pack_refuses_a_partial_pack(pack):
    try:
        pack(np.zeros((10, 2), np.float32), 4)
    except ValueError:
        return
    except NotImplementedError:
        raise
    except Exception as err:
        raise AssertionError(f"pack: a batch of 10 with m=4 should raise ValueError, not "
                             f"{type(err).__name__} ({err}).") from err
    raise AssertionError("pack: a batch of 10 cannot be cut into packs of 4; raise a ValueError "
                         "(if len(x) % m: raise ValueError(...)) rather than mixing or "
                         "dropping samples silently.")


@exercise(reference=variants.pack)
def check_pack(pack):
    """05, exercise 4: PacGAN packing (B, d) -> (B/m, m·d), pack k = samples k·m … k·m+m−1
    side by side; a batch that is not a multiple of m must raise ValueError."""
    rng = np.random.default_rng(0)
    cases = [(np.arange(12, dtype=np.float32).reshape(6, 2), 3),
             (rng.normal(size=(8, 2)).astype(np.float32), 2),
             (rng.normal(size=(12, 3)).astype(np.float32), 4),
             (rng.normal(size=(5, 2)).astype(np.float32), 1)]
    _check_pack_refuses_a_partial_pack(pack)
    check_function(
        "pack", pack, variants.pack, cases, tol=0,
        wrong_answers=[
            (lambda x, m: np.asarray(x).reshape(len(x) // m, m, -1).transpose(0, 2, 1).reshape(
                len(x) // m, -1),
             "you interleaved the coordinates (x₁, x₂, …, y₁, y₂, …); put whole samples side "
             "by side: [x₁, y₁, x₂, y₂, …]."),
            (lambda x, m: np.asarray(x).reshape(m, len(x) // m, -1).transpose(1, 0, 2).reshape(
                len(x) // m, -1),
             "you packed samples k, k + B/m, k + 2B/m, …; that is a valid pack of i.i.d. samples, "
             "but the convention here (and gan_helpers.variants.pack) is consecutive rows: pack k "
             "holds x[k·m : (k+1)·m]. A plain reshape does it."),
        ],
        hint="pack k is x[k*m:(k+1)*m] flattened: x.reshape(B // m, m * d) does exactly that.")
