"""Checkers for notebooks/04_dcgan_mnist.ipynb.

Exercise 1, ``same_output_size``: the spatial size after a 'same'-padded (transposed)
convolution. Exercise 2, ``upsampling_plan`` (design): transposed convolutions that take the
generator's 7x7 seed to 28x28 with even overlap, so no checkerboard is built in (Odena,
Dumoulin & Olah 2016). Exercise 3, ``slerp``: spherical interpolation of latent vectors,
against :func:`gan_helpers.latent.slerp`.
"""
import numpy as np

from .. import latent
from .core import call_reader, compare, exercise, report

# --- exercise 1: same_output_size -------------------------------------------------------------

def _reference_same_output_size(n, stride, transposed):
    return n * stride if transposed else -(-n // stride)  # ceil(n / stride)


def _as_array(fn):
    return lambda n, s, t: np.asarray(fn(n, s, t), dtype=np.float64)


@exercise(reference=_reference_same_output_size)
def check_same_output_size(same_output_size):
    """04, exercise 1: spatial size after a 'same'-padded Conv2D or Conv2DTranspose."""
    cases = [(28, 2, False), (14, 2, False), (7, 2, False), (5, 3, False), (28, 1, False),
             (7, 1, True), (7, 2, True), (14, 2, True), (3, 3, True), (1, 2, True)]
    worst = compare(
        "same_output_size", _as_array(same_output_size), _as_array(_reference_same_output_size),
        cases, tol=0,
        wrong_answers=[
            (_as_array(lambda n, s, t: n * s if t else n // s),
             "'same' padding rounds *up*: the strided filter visits positions 0, s, 2s, … "
             "while they are inside the image, i.e. ceil(n / s) of them (7 -> 4 at stride 2, "
             "not 7 // 2 = 3). Use -(-n // s) or math.ceil(n / s)."),
            (_as_array(lambda n, s, t: -(-n // s)),
             "a transposed convolution is the strided convolution run backwards: it "
             "multiplies the size by the stride (7 -> 14), it does not divide it."),
            (_as_array(lambda n, s, t: -(-n // s) if t else n * s),
             "the directions are swapped: a strided Conv2D shrinks (28 -> 14), a "
             "Conv2DTranspose grows (7 -> 14)."),
            (_as_array(lambda n, s, t: n),
             "'same' keeps the size only at stride 1; with stride s the size changes by the "
             "factor s."),
        ],
        hint="Conv2D(padding='same', strides=s): ceil(n / s); Conv2DTranspose(padding='same', "
             "strides=s): n * s. The kernel size does not matter with 'same' padding.")
    report("same_output_size", worst, 0)


# --- exercise 2: upsampling_plan (design) -----------------------------------------------------

SEED_SIZE, IMAGE_SIZE = 7, 28


def _reference_upsampling_plan():
    # The tutorial's stride-1 5x5 layer kept; the strided layers' kernels 5 -> 4 (= 2 x stride).
    return [(5, 1), (4, 2), (4, 2)]


def _stamp_counts(kernel, stride):
    """How many stamps of a ``Conv2DTranspose(kernel, strides=stride)`` cover each output
    pixel along one axis, far from the borders: one period of ``stride`` pixels. The pixel at
    offset r within its period is covered once for each kernel tap r, r + s, r + 2s, ... < k
    (one tap per overlapping stamp). In 2-D the counts multiply: the overlap map of a constant
    input through a kernel of ones is the outer product of this pattern with itself."""
    return [len(range(r, kernel, stride)) for r in range(stride)]


def _is_plan(plan):
    try:
        return len(plan) >= 1 and all(
            len(layer) == 2 and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                                    and v >= 1 for v in layer) for layer in plan)
    except TypeError:
        return False


def _sizes(plan):
    sizes = [SEED_SIZE]
    for _, stride in plan:
        sizes.append(sizes[-1] * stride)        # 'same'-padded Conv2DTranspose: n -> n * s
    return sizes


def _problem(plan):
    """None for a good plan, else the hint naming its first problem."""
    sizes = _sizes(plan)
    path = " -> ".join(map(str, sizes))
    if sizes[-1] != IMAGE_SIZE:
        swapped = [(s, k) for k, s in plan]
        if _sizes(swapped)[-1] == IMAGE_SIZE and _problem(swapped) is None:
            return ("each pair is (kernel, stride), in that order; your pairs look like "
                    f"(stride, kernel): read as (kernel, stride) they give sizes {path}.")
        if all(s == 1 for _, s in plan):
            return (f"with stride 1 everywhere the plan never upsamples ({path}): a 'same'-"
                    "padded Conv2DTranspose multiplies the side by its stride, so the strides "
                    "must multiply to 28 / 7 = 4.")
        return (f"your plan's sizes are {path}, not 7 -> ... -> 28: a 'same'-padded "
                "Conv2DTranspose multiplies the side by its stride, so the strides must "
                "multiply to 28 / 7 = 4.")
    for i, (k, s) in enumerate(plan, 1):
        counts = _stamp_counts(k, s)
        pattern = ", ".join(map(str, counts * 2)) + ", ..."
        values = sorted({a * b for a in counts for b in counts}, reverse=True)
        if min(counts) == 0:
            return (f"layer {i} (kernel {k}, stride {s}) leaves holes: its stamps, {s} pixels "
                    f"apart and only {k} wide, cover the output pixels {pattern} times along "
                    "each axis, so some pixels get nothing from the layer below. The kernel "
                    "must be at least as large as the stride.")
        if len(set(counts)) > 1:
            return (f"layer {i} (kernel {k}, stride {s}) overlaps unevenly: along each axis its "
                    f"stamps cover the output pixels {pattern} times, so even a constant input "
                    f"comes out as a checkerboard of {', '.join(map(str, values))} in 2-D. "
                    "Every pixel gets the same number of stamps only when the kernel size is "
                    "a multiple of the stride.")
        if s > 1 and k == s:
            return (f"layer {i} (kernel {k}, stride {s}): even, but its stamps tile without "
                    "overlapping, so every output pixel copies one input pixel and neighbours "
                    "never mix (blocky upsampling). Take the kernel a larger multiple of the "
                    "stride, e.g. twice it.")
    return None


@exercise(reference=_reference_upsampling_plan)
def check_upsampling_plan(upsampling_plan):
    """04, exercise 2: a list of (kernel, stride) Conv2DTranspose layers, 'same' padding, from
    the 7x7 seed to 28x28, every layer's stamps overlapping, and evenly."""
    plan = call_reader("upsampling_plan", upsampling_plan, ())
    try:
        layers = [tuple(layer) for layer in plan]
    except TypeError:
        layers = None
    if layers is None or not _is_plan(layers):
        raise AssertionError("upsampling_plan: return a list of (kernel, stride) pairs of "
                             "positive integers, one per Conv2DTranspose: "
                             f"[(k1, s1), (k2, s2), ...]; got {plan!r}.")
    plan = layers
    problem = _problem(plan)
    if problem:
        raise AssertionError(f"upsampling_plan: not yet right. Hint: {problem}")
    report("upsampling_plan", 0.0, 0)


# --- exercise 3: slerp ------------------------------------------------------------------------

def _unit_circle(a, b, t):
    """Slerp of the unit vectors: the right path, the wrong radius."""
    return latent.slerp(a / np.linalg.norm(a), b / np.linalg.norm(b), t)


@exercise(reference=latent.slerp)
def check_slerp(slerp):
    """04, exercise 3: spherical interpolation between two latent vectors, one t at a time,
    including (anti)parallel vectors, where slerp must fall back to lerp."""
    rng = np.random.default_rng(2016)
    z0, z1 = rng.standard_normal(100), rng.standard_normal(100)
    cases = [(z0, z1, t) for t in (0.0, 0.3, 0.5, 0.9, 1.0)]
    cases += [(np.array([3.0, 0.0]), np.array([0.0, 1.0]), 0.5),
              (np.array([1.0, 2.0, 2.0]), np.array([-2.0, 1.0, 0.5]), 0.25)]
    # (Anti)parallel pairs: Ω = 0 or π, sin Ω = 0, and the slerp weights are 0/0.
    z = np.array([1.0, 2.0, 2.0])
    parallel = [(z, 3.0 * z, 0.25), (z, z, 0.5), (z, -z, 0.5), (z, -2.0 * z, 0.25),
                (z0, -z0, 0.3)]
    shape_hint = "return one vector of z0's shape (d,) for a scalar t."
    worst = compare(
        "slerp", slerp, latent.slerp, cases, tol=1e-6, shape_hint=shape_hint,
        finite_hint="nan comes from arccos of a number outside [-1, 1]: take the "
        "cosine of the *unit* vectors, z0/‖z0‖ · z1/‖z1‖, and clip it to [-1, 1].",
        wrong_answers=[
            (latent.lerp,
             "that is linear interpolation (1 - t) z0 + t z1. Slerp follows the great circle: "
             "weights sin((1 - t)Ω)/sin Ω and sin(tΩ)/sin Ω."),
            (lambda a, b, t: latent.slerp(a, b, 1.0 - t),
             "t runs the wrong way: slerp must return z0 at t = 0 and z1 at t = 1, so z0's "
             "weight is sin((1 - t)Ω)/sin Ω."),
            (_unit_circle,
             "you interpolated the unit vectors: the angle Ω comes from them, but the weights "
             "multiply z0 and z1 themselves, so the norm goes from ‖z0‖ to ‖z1‖."),
        ],
        hint="Ω = arccos(clip(z0·z1 / (‖z0‖‖z1‖), -1, 1)); return "
             "sin((1 - t)Ω)/sin Ω · z0 + sin(tΩ)/sin Ω · z1.")
    parallel_hint = ("for parallel or antiparallel vectors (z1 = c·z0) Ω is 0 or π, so sin Ω = 0 "
                     "and both weights are 0/0 (or a huge number over rounding noise): the great "
                     "circle is undefined. Guard it: when sin Ω is (nearly) 0, e.g. < 1e-6, "
                     "return the linear interpolation (1 - t) z0 + t z1.")
    worst = max(worst, compare("slerp, (anti)parallel vectors", slerp, latent.slerp, parallel,
                               tol=1e-6, shape_hint=shape_hint, finite_hint=parallel_hint,
                               hint=parallel_hint))
    report("slerp", worst, 1e-6)
