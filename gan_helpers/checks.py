"""Exercise checks: compare a reader's function with the reference on fixed inputs.

In the style of CS231n's GAN assignment: each check runs the reader's function and the
reference implementation on the same fixed inputs, prints the relative error
    rel_error = max|x - y| / max(1e-8, |x| + |y|)
and, on failure, a hint naming the likely mistake; then raises ``AssertionError``.
Checks run headless (no widgets, no plots), so they also grade in scripts and CI.
"""
from __future__ import annotations

import numpy as np


def rel_error(x, y):
    """Largest element-wise relative error, max |x - y| / max(1e-8, |x| + |y|)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.shape != y.shape:
        raise AssertionError(f"shape mismatch: your result has shape {x.shape}, "
                             f"the reference {y.shape}")
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


def _to_numpy(value):
    return value.numpy() if hasattr(value, "numpy") else np.asarray(value)


def check_function(name, student_fn, reference_fn, cases, tol=1e-6, wrong_answers=(),
                   hint="compare your formula with the one in the text above."):
    """Run ``student_fn(*case)`` and ``reference_fn(*case)`` on every case and compare.

    ``wrong_answers`` is a list of ``(wrong_fn, hint)``: when the reader's outputs match a
    known mistake, the hint for that mistake is printed instead of the generic one.
    Returns the largest relative error; raises AssertionError when it exceeds ``tol``.
    """
    worst = 0.0
    outputs = []
    for case in cases:
        try:
            got = _to_numpy(student_fn(*case))
        except NotImplementedError:
            raise
        except Exception as err:
            raise AssertionError(f"{name}: your function raised {type(err).__name__}: {err}") from err
        want = _to_numpy(reference_fn(*case))
        try:
            err_ = rel_error(got, want)
        except AssertionError as err:
            raise AssertionError(f"{name}: {err}") from None
        worst = max(worst, err_ if np.isfinite(err_) else np.inf)
        outputs.append(got)
    print(f"{name}: relative error {worst:.2e} (tolerance {tol:.0e})")
    if worst <= tol:
        print(f"{name}: correct!")
        return worst
    for wrong_fn, wrong_hint in wrong_answers:
        try:
            if all(rel_error(o, _to_numpy(wrong_fn(*c))) <= tol for o, c in zip(outputs, cases)):
                hint = wrong_hint
                break
        except Exception:
            continue
    raise AssertionError(f"{name}: not yet right (relative error {worst:.2e}). Hint: {hint}")


# --- 00 · setup ------------------------------------------------------------------------------

def _scale_reference(x):
    return ((np.asarray(x, dtype=np.float32) - 127.5) / 127.5)[..., None]


def check_scale_images(scale_images):
    """00, exercise 1: uint8 (N, 28, 28) -> float32 (N, 28, 28, 1) in [-1, 1]."""
    x = np.random.default_rng(0).integers(0, 256, size=(3, 28, 28)).astype(np.uint8)
    x[0, 0, 0], x[0, 0, 1] = 0, 255
    out = scale_images(x)
    if np.asarray(out).dtype != np.float32:
        raise AssertionError(f"scale_images: return float32 (got {np.asarray(out).dtype}); "
                             "Keras layers compute in float32.")
    return check_function(
        "scale_images", scale_images, _scale_reference, [(x,)],
        wrong_answers=[
            (lambda a: (a.astype(np.float32) / 255.0)[..., None],
             "x / 255 gives [0, 1], but tanh generators produce [-1, 1]: use (x - 127.5) / 127.5."),
            (lambda a: (a.astype(np.float32) / 127.5)[..., None],
             "x / 127.5 gives [0, 2]; subtract 127.5 first."),
        ],
        hint="map 0 -> -1 and 255 -> +1 with (x - 127.5) / 127.5, and add a channel axis "
             "with x[..., None] so the shape is (N, 28, 28, 1).")


def check_steps_per_epoch(steps_per_epoch):
    """00, exercise 2: full batches per epoch when the last short batch is dropped."""
    cases = [(5000, 256), (60000, 256), (100, 32), (64, 64), (10, 32)]
    return check_function(
        "steps_per_epoch", lambda n, b: np.asarray(steps_per_epoch(n, b)),
        lambda n, b: np.asarray(n // b), cases, tol=0,
        wrong_answers=[(lambda n, b: np.asarray(-(-n // b)),
                        "that counts the short last batch too; drop_remainder=True drops it.")],
        hint="use integer division: the remainder (n mod batch_size) is dropped.")


# --- exercise checkers ----------------------------------------------------------------------
# Each checker runs the reader's function on fixed inputs against a reference, and knows
# the usual mistakes (wrong_answers) so that a failure names the likely one. The 01 and 02
# checkers print and return None (so a notebook cell shows no stray number) or raise.

def _check_output(name, student_fn, reference_fn, cases, shape_hint=None, finite_hint=None,
                  part=None, error_hint=None):
    """Before comparing values: the reader's output must have the reference's shape and be
    finite wherever the reference is. ``part`` picks one output of a function returning a
    tuple; ``error_hint`` (default: ``shape_hint``) is shown when the function raises."""
    error_hint = error_hint or shape_hint
    for case in cases:
        try:
            got = student_fn(*case)
        except NotImplementedError:
            raise
        except Exception as err:
            raise AssertionError(f"{name}: your function raised {type(err).__name__}: {err}"
                                 + (f". Hint: {error_hint}" if error_hint else "")) from err
        want = reference_fn(*case)
        if part is not None:
            if not isinstance(got, (tuple, list)) or len(got) != len(want):
                raise AssertionError(f"{name}: return a tuple of {len(want)} arrays.")
            got, want = got[part], want[part]
        got, want = np.asarray(_to_numpy(got), dtype=np.float64), np.asarray(want, np.float64)
        if got.shape != want.shape:
            raise AssertionError(f"{name}: your result has shape {got.shape}, expected "
                                 f"{want.shape}." + (f" Hint: {shape_hint}" if shape_hint else ""))
        if np.any(~np.isfinite(got) & np.isfinite(want)):
            raise AssertionError(f"{name}: your result contains inf or nan where the answer is "
                                 "finite." + (f" Hint: {finite_hint}" if finite_hint else ""))


def _softplus(t):
    return np.logaddexp(0.0, np.asarray(t, dtype=np.float64))


def _sigmoid(t):
    from scipy.special import expit

    return expit(np.asarray(t, dtype=np.float64))


# notebook 01 · the minimax objective ------------------------------------------------------

def _density_cases():
    from .theory import gaussian_pdf

    x = np.linspace(-3.0, 5.0, 17)
    return [(gaussian_pdf(x, 0.0, 1.0), gaussian_pdf(x, 2.0, 0.5)),
            (np.array([0.1, 0.4, 0.25, 0.0]), np.array([0.3, 0.4, 0.05, 0.2]))]


def check_optimal_discriminator(optimal_discriminator):
    """01, exercise 1: D*(x) from the two densities at x."""
    from . import theory

    cases = _density_cases()
    _check_output("optimal_discriminator", optimal_discriminator, theory.optimal_discriminator,
                  cases, shape_hint="work element-wise on the arrays: no sums or means.")
    check_function(
        "optimal_discriminator", optimal_discriminator, theory.optimal_discriminator, cases,
        tol=1e-8,
        wrong_answers=[
            (lambda pd, pg: pg / (pd + pg),
             "you returned p_g/(p_data + p_g), the probability that x is fake; D(x) is the "
             "probability that x is real, so p_data goes in the numerator."),
            (lambda pd, pg: np.divide(pd, pg, out=np.full_like(pd, np.inf), where=pg > 0),
             "p_data/p_g is the likelihood ratio; setting a/y - b/(1-y) = 0 gives y = a/(a + b)."),
            (lambda pd, pg: np.full_like(pd, 0.5),
             "D* = 1/2 everywhere only when p_g = p_data; in general it depends on both."),
        ],
        hint="maximise a·log y + b·log(1 - y) over y with a = p_data(x), b = p_g(x).")


def check_non_saturating_loss(non_saturating_loss):
    """01, exercise 3: the non-saturating generator loss -log σ(l), one value per logit."""
    from . import theory

    cases = [(np.array([-5.0, -1.0, 0.0, 0.5, 3.0]),),
             (np.array([-800.0, -40.0, 40.0, 800.0]),)]
    _check_output("non_saturating_loss", non_saturating_loss, theory.non_saturating_loss, cases,
                  shape_hint="return one loss per logit (no mean): the input's shape.",
                  finite_hint="log(sigmoid(l)) underflows to log(0) for very negative l. Write "
                  "-log σ(l) = log(1 + e^(-l)) = softplus(-l) and use np.logaddexp(0, -l).")
    check_function(
        "non_saturating_loss", non_saturating_loss, theory.non_saturating_loss, cases, tol=1e-8,
        wrong_answers=[
            (theory.saturating_loss,
             "that is the saturating (minimax) loss log(1 - D(G(z))); the non-saturating one "
             "is -log D(G(z)) = softplus(-l)."),
            (lambda l: -_softplus(-l),
             "sign error: you returned log D(G(z)); G *minimises* -log D(G(z)), i.e. it "
             "maximises log D(G(z))."),
            (lambda l: _softplus(l),
             "that is -log(1 - D(G(z))), the cross-entropy with target 0 (what D wants for "
             "fakes); the generator uses target 1: -log σ(l)."),
        ],
        hint="-log σ(l) = log(1 + e^(-l)): use np.logaddexp(0, -logits).")


def _jsd_cases():
    from .theory import gaussian_pdf

    def biweight(x, centre):  # a smooth density that is exactly 0 outside [centre ± 1]
        u = np.clip(x - centre, -1.0, 1.0)
        return 15.0 / 16.0 * (1.0 - u * u) ** 2

    x = np.linspace(-12.0, 14.0, 4001)
    return [(gaussian_pdf(x, 0.0, 1.0), gaussian_pdf(x, 2.0, 0.5), x),
            (gaussian_pdf(x, 0.0, 1.0), gaussian_pdf(x, 0.5, 2.0), x),
            (gaussian_pdf(x, 1.0, 1.0), gaussian_pdf(x, 1.0, 1.0), x),
            (biweight(x, 0.0), biweight(x, 1.0), x)]  # partly disjoint supports: 0·log 0


def check_jsd(jsd):
    """01, exercise 2: the Jensen-Shannon divergence of two densities on a grid, in nats."""
    from . import theory

    cases = _jsd_cases()
    _check_output("jsd", jsd, theory.jsd, cases,
                  shape_hint="return one number: integrate over the grid (gh.theory.trapezoid(y, x)).",
                  finite_hint="JSD is finite (at most log 2) even where one density is 0. "
                  "nan comes from 0·log 0, which must count as 0: use scipy.special.rel_entr(p, m). "
                  "inf comes from comparing p with q directly (KL(p ‖ q) is infinite where "
                  "q = 0 < p): compare each with the mixture m = (p + q)/2, never p with q.")
    check_function(
        "jsd", jsd, theory.jsd, cases, tol=1e-6,
        wrong_answers=[
            (lambda p, q, x: theory.kl_divergence(p, 0.5 * (p + q), x),
             "that is KL(p ‖ m) alone, which is not symmetric in p and q; JSD averages it with "
             "KL(q ‖ m)."),
            (lambda p, q, x: 2.0 * theory.jsd(p, q, x),
             "you dropped the ½ factors: JSD = ½ KL(p ‖ m) + ½ KL(q ‖ m), and it is at most log 2."),
            (lambda p, q, x: theory.jsd(p, q, x) / np.log(2.0),
             "you used log base 2 (bits); the theory's -log 4 + 2·JSD is in nats: use np.log."),
            (lambda p, q, x: np.sqrt(theory.jsd(p, q, x)),
             "you returned the square root (scipy's jensenshannon is that distance); the "
             "divergence is its square."),
        ],
        hint="JSD = ½ ∫ p log(p/m) dx + ½ ∫ q log(q/m) dx with m = (p + q)/2.")


# notebook 02 · a dense GAN by hand -----------------------------------------------------

def _reference_dense_forward(x, W, b):
    return np.asarray(x, np.float64) @ np.asarray(W, np.float64) + np.asarray(b, np.float64)


def _reference_dense_backward(dout, x, W):
    dout, x, W = (np.asarray(a, np.float64) for a in (dout, x, W))
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


def _dense_cases():
    rng = np.random.default_rng(231)
    return [(rng.standard_normal((5, 3)), rng.standard_normal((3, 4)), rng.standard_normal(4)),
            (rng.standard_normal((2, 6)), rng.standard_normal((6, 6)), rng.standard_normal(6))]


def check_dense_forward(dense_forward):
    """02, exercise 1: out = x W + b for a batch x (N, D_in), W (D_in, D_out), b (D_out,)."""
    cases = _dense_cases()
    _check_output("dense_forward", dense_forward, _reference_dense_forward, cases,
                  shape_hint="x (N, D_in) @ W (D_in, D_out) gives (N, D_out); add b to every row.")
    check_function(
        "dense_forward", dense_forward, _reference_dense_forward, cases, tol=1e-10,
        wrong_answers=[(lambda x, W, b: x @ W, "you forgot the bias b."),
                       (lambda x, W, b: x @ W - b, "sign error: the bias is added, x @ W + b.")],
        hint="out = x @ W + b.")


def check_dense_backward(dense_backward):
    """02, exercise 2: (dx, dW, db) of out = x W + b, given the upstream gradient dout."""
    rng = np.random.default_rng(1986)
    cases = [(rng.standard_normal((n, o)), x, W) for (x, W, _), n, o in
             zip(_dense_cases(), (5, 2), (4, 6))]
    hints = {
        "dx": "dx = dout @ W.T: (N, D_out) @ (D_out, D_in) -> (N, D_in), x's shape.",
        "dW": "dW = x.T @ dout: (D_in, N) @ (N, D_out) -> (D_in, D_out), W's shape "
              "(dout.T @ x is its transpose).",
        "db": "db = dout.sum(axis=0): b is added to every row, so its gradient sums over "
              "the batch; shape (D_out,).",
    }
    # Missing transposes change shapes, so the shape hints above catch them; these are
    # the mistakes with the right shapes.
    wrong = {
        "dx": [(lambda dout, x, W: dout @ W.T / len(x),
                "no 1/N here: a mean over the batch is already inside dout; dx = dout @ W.T.")],
        "dW": [(lambda dout, x, W: x.T @ dout / len(x),
                "no 1/N here: a mean over the batch is already inside dout; dW = x.T @ dout.")],
        "db": [(lambda dout, x, W: dout.mean(axis=0),
                "sum over the batch, do not average: db = dout.sum(axis=0).")],
    }
    shapes = ("shapes: dx = dout @ W.T is (N, D_in); dW = x.T @ dout is (D_in, D_out); "
              "db = dout.sum(axis=0) is (D_out,).")
    for i, part in enumerate(("dx", "dW", "db")):
        name = f"dense_backward ({part})"

        def pick(*case, _i=i):
            return dense_backward(*case)[_i]

        def ref(*case, _i=i):
            return _reference_dense_backward(*case)[_i]

        _check_output(name, dense_backward, _reference_dense_backward, cases,
                      shape_hint=hints[part], part=i, error_hint=shapes)
        check_function(name, pick, ref, cases, tol=1e-10, wrong_answers=wrong[part],
                       hint=hints[part])


def _reference_discriminator_loss(real_logits, fake_logits):
    """BCE(1, l_real) + BCE(0, l_fake), batch means, as gan_helpers.losses.discriminator_loss."""
    return float(np.mean(_softplus(-np.asarray(real_logits, np.float64)))
                 + np.mean(_softplus(np.asarray(fake_logits, np.float64))))


def check_discriminator_loss(discriminator_loss):
    """02, exercise 3: D's loss from logits, -[mean log σ(l_real) + mean log(1 - σ(l_fake))]."""
    cases = [(np.array([2.0, -0.5, 1.0, 3.0]), np.array([-1.0, 0.3, -2.0, -4.0])),
             (np.array([0.0, 0.1]), np.array([0.0, -0.1])),
             (np.array([60.0, -300.0, 5.0]), np.array([-60.0, 300.0, -5.0]))]
    _check_output("discriminator_loss", discriminator_loss, _reference_discriminator_loss, cases,
                  shape_hint="return one number: the mean over each batch, real term + fake term.",
                  finite_hint="work on logits: -log σ(l) = softplus(-l) = np.logaddexp(0, -l) and "
                  "-log(1 - σ(l)) = softplus(l). Logits can be negative, so they are not "
                  "probabilities, and log(sigmoid(l)) underflows for very negative l.")
    ref = _reference_discriminator_loss
    check_function(
        "discriminator_loss", discriminator_loss, ref, cases, tol=1e-8,
        wrong_answers=[
            (lambda r, f: ref(_sigmoid(r), _sigmoid(f)),
             "you applied the sigmoid twice: the logit formula softplus(∓l) already contains "
             "σ; pass raw logits, not σ(l)."),
            (lambda r, f: ref(f, r),
             "labels swapped: real samples have target 1 (-log σ(l_real)), fakes target 0 "
             "(-log(1 - σ(l_fake)))."),
            (lambda r, f: -ref(r, f),
             "sign error: you returned V(D, G), which D maximises; its loss is -V."),
            (lambda r, f: 0.5 * ref(r, f),
             "sum the real and the fake terms (as gh.losses.discriminator_loss does), don't "
             "average them."),
        ],
        hint="loss = mean(softplus(-l_real)) + mean(softplus(l_fake)).")


# --- 04 · DCGAN -------------------------------------------------------------------------------
# Exercises of notebooks/04_dcgan_mnist.ipynb: 1, the size after a 'same'-padded (transposed)
# convolution; 2, spherical interpolation of latents. check_g_loss_from_logits is an extra
# checker (the generator loss on logits) that no notebook cell calls; instructors may use it.

def _reference_same_output_size(n, stride, transposed):
    return n * stride if transposed else -(-n // stride)  # ceil(n / stride)


def check_same_output_size(same_output_size):
    """04, exercise 1: spatial size after a 'same'-padded Conv2D or Conv2DTranspose."""
    cases = [(28, 2, False), (14, 2, False), (7, 2, False), (5, 3, False), (28, 1, False),
             (7, 1, True), (7, 2, True), (14, 2, True), (3, 3, True), (1, 2, True)]

    def as_array(fn):
        return lambda n, s, t: np.asarray(fn(n, s, t), dtype=np.float64)

    ref = _reference_same_output_size
    return check_function(
        "same_output_size", as_array(same_output_size), as_array(ref), cases, tol=0,
        wrong_answers=[
            (as_array(lambda n, s, t: n * s if t else n // s),
             "'same' padding rounds *up*: the strided filter visits positions 0, s, 2s, … "
             "while they are inside the image, i.e. ceil(n / s) of them (7 -> 4 at stride 2, "
             "not 7 // 2 = 3). Use -(-n // s) or math.ceil(n / s)."),
            (as_array(lambda n, s, t: -(-n // s)),
             "a transposed convolution is the strided convolution run backwards: it "
             "multiplies the size by the stride (7 -> 14), it does not divide it."),
            (as_array(lambda n, s, t: -(-n // s) if t else n * s),
             "the directions are swapped: a strided Conv2D shrinks (28 -> 14), a "
             "Conv2DTranspose grows (7 -> 14)."),
            (as_array(lambda n, s, t: n),
             "'same' keeps the size only at stride 1; with stride s the size changes by the "
             "factor s."),
        ],
        hint="Conv2D(padding='same', strides=s): ceil(n / s); Conv2DTranspose(padding='same', "
             "strides=s): n * s. The kernel size does not matter with 'same' padding.")


def _reference_g_loss(fake_logits):
    from .losses import generator_loss_non_saturating

    return generator_loss_non_saturating(fake_logits)


def check_g_loss_from_logits(generator_loss):
    """Extra checker (no notebook exercise calls it): the non-saturating generator loss, batch
    mean, from D's *logits*."""
    import keras
    import tensorflow as tf

    from .losses import bce_with_logits

    logits = np.array([[-3.0], [-0.7], [0.0], [0.4], [2.5], [6.0]], np.float32)
    cases = [(tf.constant(logits),), (tf.constant([[1.5], [-1.5]]),),
             (tf.constant([[-200.0], [0.0], [60.0]]),)]  # a confident discriminator
    _check_output("generator_loss", generator_loss, _reference_g_loss, cases,
                  shape_hint="return one number, the mean over the batch (tf.reduce_mean).",
                  finite_hint="log(sigmoid(l)) hits log(0) = -inf when D is confident "
                  "(l = -200; likewise log(1 - sigmoid(l)) at l = 60). Let the loss see "
                  "the logits: tf.nn.sigmoid_cross_entropy_with_logits, or "
                  "keras.losses.BinaryCrossentropy(from_logits=True).")
    return check_function(
        "generator_loss", generator_loss, _reference_g_loss, cases, tol=1e-5,
        wrong_answers=[
            (lambda l: bce_with_logits(1.0, tf.sigmoid(l)),
             "you passed probabilities sigmoid(l) to a from_logits loss, so the sigmoid is "
             "applied twice (and the gradient all but vanishes). The discriminator returns "
             "logits: pass them straight in."),
            (lambda l: keras.losses.BinaryCrossentropy()(tf.ones_like(l), l),
             "keras.losses.BinaryCrossentropy() defaults to from_logits=False: it treats "
             "the logits as probabilities (clipped to [1e-7, 1 - 1e-7]). Pass "
             "from_logits=True."),
            (lambda l: keras.losses.BinaryCrossentropy()(tf.ones_like(l), tf.sigmoid(l)),
             "sigmoid + a probability loss is right on paper, but Keras clips sigmoid(l) to "
             "[1e-7, 1 - 1e-7]: when D rejects a fake confidently (l = -200) your loss is "
             "stuck at 16.1 instead of 200 and its gradient is zero. Keep the logits and "
             "use from_logits=True."),
            (lambda l: -bce_with_logits(0.0, l),
             "that is the saturating minimax loss log(1 - D(G(z))); DCGAN (and the TF "
             "tutorial) use the non-saturating -log D(G(z)) = BCE(1, l)."),
            (lambda l: bce_with_logits(0.0, l),
             "target 0 is what D wants for fakes; the generator wants D to say 'real': "
             "use target 1 (tf.ones_like(fake_logits))."),
            (lambda l: bce_with_logits(0.9, l),
             "no label smoothing in the generator's loss: one-sided smoothing (0.9) belongs "
             "to D's *real* targets only (Salimans et al. 2016). G's target is 1."),
        ],
        hint="mean over the batch of BCE(1, l) = softplus(-l): "
             "tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits("
             "labels=tf.ones_like(l), logits=l)).")


def check_slerp(slerp):
    """04, exercise 2: spherical interpolation between two latent vectors, one t at a time,
    including (anti)parallel vectors, where slerp must fall back to lerp."""
    from . import latent

    rng = np.random.default_rng(2016)
    z0, z1 = rng.standard_normal(100), rng.standard_normal(100)
    cases = [(z0, z1, t) for t in (0.0, 0.3, 0.5, 0.9, 1.0)]
    cases += [(np.array([3.0, 0.0]), np.array([0.0, 1.0]), 0.5),
              (np.array([1.0, 2.0, 2.0]), np.array([-2.0, 1.0, 0.5]), 0.25)]
    # (Anti)parallel pairs: Ω = 0 or π, sin Ω = 0, and the slerp weights are 0/0.
    z = np.array([1.0, 2.0, 2.0])
    parallel = [(z, 3.0 * z, 0.25), (z, z, 0.5), (z, -z, 0.5), (z, -2.0 * z, 0.25),
                (z0, -z0, 0.3)]
    _check_output("slerp", slerp, latent.slerp, cases,
                  shape_hint="return one vector of z0's shape (d,) for a scalar t.",
                  finite_hint="nan comes from arccos of a number outside [-1, 1]: take the "
                  "cosine of the *unit* vectors, z0/‖z0‖ · z1/‖z1‖, and clip it to [-1, 1].")

    def unit_circle(a, b, t):  # slerp of the unit vectors: the right path, wrong radius
        return latent.slerp(a / np.linalg.norm(a), b / np.linalg.norm(b), t)

    worst = check_function(
        "slerp", slerp, latent.slerp, cases, tol=1e-6,
        wrong_answers=[
            (latent.lerp,
             "that is linear interpolation (1 - t) z0 + t z1. Slerp follows the great circle: "
             "weights sin((1 - t)Ω)/sin Ω and sin(tΩ)/sin Ω."),
            (lambda a, b, t: latent.slerp(a, b, 1.0 - t),
             "t runs the wrong way: slerp must return z0 at t = 0 and z1 at t = 1, so z0's "
             "weight is sin((1 - t)Ω)/sin Ω."),
            (unit_circle,
             "you interpolated the unit vectors: the angle Ω comes from them, but the weights "
             "multiply z0 and z1 themselves, so the norm goes from ‖z0‖ to ‖z1‖."),
        ],
        hint="Ω = arccos(clip(z0·z1 / (‖z0‖‖z1‖), -1, 1)); return "
             "sin((1 - t)Ω)/sin Ω · z0 + sin(tΩ)/sin Ω · z1.")
    parallel_hint = ("for parallel or antiparallel vectors (z1 = c·z0) Ω is 0 or π, so sin Ω = 0 "
                     "and both weights are 0/0 (or a huge number over rounding noise): the great "
                     "circle is undefined. Guard it: when sin Ω is (nearly) 0, e.g. < 1e-6, "
                     "return the linear interpolation (1 - t) z0 + t z1.")
    _check_output("slerp, (anti)parallel vectors", slerp, latent.slerp, parallel,
                  shape_hint="return one vector of z0's shape (d,) for a scalar t.",
                  finite_hint=parallel_hint)
    return max(worst, check_function("slerp, (anti)parallel vectors", slerp, latent.slerp,
                                     parallel, tol=1e-6, hint=parallel_hint))


# --- 05 · mode collapse ----------------------------------------------------------------------
# Checks for notebooks/05_mode_collapse.ipynb: the WGAN-GP gradient penalty, PacGAN packing,
# and the VEEGAN/PacGAN "high-quality sample / captured mode" rule.

def _gp_linear_critic(w):
    import keras

    w = np.asarray(w, dtype=np.float32)
    x = keras.Input((len(w),))
    out = keras.layers.Dense(1, use_bias=False,
                             kernel_initializer=keras.initializers.Constant(w[:, None]))(x)
    return keras.Model(x, out, name="linear_critic")


def _gp_function_critic(fn, shape, name):
    import keras

    x = keras.Input(shape)
    return keras.Model(x, keras.layers.Lambda(fn)(x), name=name)


def _gp_variant(critic, real, fake, seed, draw_u="uniform", norm="per_sample", minus_one=True,
                square=True, squared_norm=False):
    """A gradient penalty with one knob turned, for recognising common mistakes."""
    import tensorflow as tf

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


def check_gradient_penalty(gradient_penalty):
    """05, exercise 2: WGAN-GP's penalty mean((‖∇f(x̂)‖₂ − 1)²), x̂ = x + u(x̃ − x), u ~ U[0,1].

    ``gradient_penalty(critic, real, fake, seed_generator)`` is called on critics whose
    gradients are known: linear critics (‖∇f‖ = ‖w‖ everywhere, so the penalty is exactly
    (‖w‖ − 1)²), a sum-of-pixels critic on images (per-sample norm √(H·W·C)), and the
    quadratic critic f(x) = ½‖x‖² with real = 0 and fake at distance 3, where ‖∇f(x̂)‖ = 3u
    and the penalty is the average of (3u − 1)² over 250,000 interpolates: E = 1 for
    u ~ U[0,1] (10 for u ~ N(0,1)). That case is random, hence the tolerance of 1e-2.
    """
    import keras
    import tensorflow as tf

    rng = np.random.default_rng(0)
    real = rng.normal(size=(64, 2)).astype(np.float32)
    fake = rng.normal(2.0, 1.0, size=(64, 2)).astype(np.float32)
    n = 250_000
    zeros = np.zeros((n, 2), np.float32)
    far = np.tile(np.float32(3.0 / np.sqrt(2.0)), (n, 2))
    quadratic = _gp_function_critic(lambda t: 0.5 * tf.reduce_sum(t * t, axis=1, keepdims=True),
                                    (2,), "quadratic_critic")
    pixels = _gp_function_critic(lambda t: tf.reduce_sum(t, axis=[1, 2, 3])[:, None], (2, 2, 4),
                                 "sum_of_pixels_critic")
    images = rng.normal(size=(6, 2, 2, 4)).astype(np.float32)
    # (critic, real, fake, exact value or None (= E over uniform u, computed analytically))
    cases = [(_gp_linear_critic([0.6, 0.8]), real, fake, 0.0),
             (_gp_linear_critic([3.0, 0.0]), real, fake, 4.0),
             (_gp_linear_critic([0.3, 0.4]), real, fake, 0.25),
             (pixels, images, images + 1.0, 9.0),
             (quadratic, zeros, far, 1.0), (quadratic, zeros, far, 1.0),
             (quadratic, far, zeros, 1.0)]  # direction does not matter: u and 1 − u alike

    # NaN first: a critic with zero input gradient (a dead ReLU network, say).
    dead = _gp_linear_critic([0.0, 0.0])
    with tf.GradientTape() as tape:
        gp = gradient_penalty(dead, real, fake, keras.random.SeedGenerator(0))
    grads = tape.gradient(gp, dead.trainable_weights)
    if grads[0] is None:
        raise AssertionError("gradient_penalty: no gradient reaches the critic's weights. Compute "
                             "the input gradient with a tf.GradientTape that watches x̂, and do "
                             "not convert to NumPy on the way.")
    if not np.all(np.isfinite(np.asarray(grads[0]))):
        raise AssertionError(
            "gradient_penalty: NaN gradients for a critic whose input gradient is 0. The "
            "derivative of sqrt (and of tf.norm) is infinite at 0, and ∞·0 = NaN: compute the "
            "norm as sqrt(sum(g²) + 1e-12).")

    counter = iter(range(1000))

    def student(critic, r, f, expected):
        return gradient_penalty(critic, r, f, keras.random.SeedGenerator(next(counter)))

    def variant(**knobs):
        return lambda critic, r, f, expected: _gp_variant(critic, r, f, 7, **knobs)

    return check_function(
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
             "take one norm per sample (reduce over axes 1, 2, ...), not one over the whole batch."),
        ],
        hint="x̂ = real + u·(fake − real) with u = keras.random.uniform((B, 1, ...), "
             "seed=seed_generator); g = ∇ of critic(x̂) w.r.t. x̂ (GradientTape that watches x̂); "
             "return mean((sqrt(sum of g² over each sample + 1e-12) − 1)²).")


def _pack_reference(x, m):
    x = np.asarray(x)
    return x.reshape(len(x) // m, m * x.shape[1])


def check_pack(pack):
    """05, exercise 3: PacGAN packing (B, d) -> (B/m, m·d), pack k = samples k·m … k·m+m−1
    side by side; a batch that is not a multiple of m must raise ValueError."""
    rng = np.random.default_rng(0)
    cases = [(np.arange(12, dtype=np.float32).reshape(6, 2), 3),
             (rng.normal(size=(8, 2)).astype(np.float32), 2),
             (rng.normal(size=(12, 3)).astype(np.float32), 4),
             (rng.normal(size=(5, 2)).astype(np.float32), 1)]
    try:
        pack(np.zeros((10, 2), np.float32), 4)
    except ValueError:
        pass
    except NotImplementedError:
        raise
    except Exception as err:
        raise AssertionError(f"pack: a batch of 10 with m=4 should raise ValueError, not "
                             f"{type(err).__name__} ({err}).") from err
    else:
        raise AssertionError("pack: a batch of 10 cannot be cut into packs of 4; raise a ValueError "
                             "(if len(x) % m: raise ValueError(...)) rather than mixing or "
                             "dropping samples silently.")
    return check_function(
        "pack", pack, _pack_reference, cases, tol=0,
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


def _coverage_reference(samples, centres, std):
    from .metrics import mode_coverage

    mc = mode_coverage(samples, centres, std)
    return np.array([mc.modes, mc.hq_fraction], dtype=np.float64)


def _coverage_variant(samples, centres, std, radius=3.0, squared=False, require_hq=True):
    d2 = ((np.asarray(samples, np.float64)[:, None, :] - np.asarray(centres)[None]) ** 2).sum(-1)
    nearest, dmin2 = d2.argmin(1), d2.min(1)
    hq = (dmin2 < radius * std) if squared else (np.sqrt(dmin2) < radius * std)
    captured = np.unique(nearest[hq] if require_hq else nearest)
    return np.array([len(captured), hq.mean()], dtype=np.float64)


def check_mode_coverage(mode_coverage):
    """05, exercise 1: ``mode_coverage(samples, centres, std) -> (modes, hq_fraction)``:
    a sample is high quality if its distance to the nearest centre is < 3·std; a mode is
    captured if at least one high-quality sample has it as its nearest centre."""
    from .data import grid_centres, ring_centres

    def fake_generator(centres, std, seed):
        rng = np.random.default_rng(seed)
        k = len(centres)
        good = centres[rng.integers(0, k // 2, 1500)] + std * rng.standard_normal((1500, 2))
        blurry = centres[rng.integers(0, k, 600)] + 4 * std * rng.standard_normal((600, 2))
        lost = rng.uniform(centres.min() - 0.5, centres.max() + 0.5, (400, 2))
        return np.concatenate([good, blurry, lost]).astype(np.float32)

    cases = [(fake_generator(ring_centres(), 0.01, 0), ring_centres(), 0.01),
             (fake_generator(grid_centres(), 0.05, 1), grid_centres(), 0.05),
             (np.zeros((1, 2), np.float32) + 0.5, ring_centres(), 0.01)]

    def student(samples, centres, std):
        out = mode_coverage(samples, centres, std)
        try:
            modes, hq = out[0], out[1]
        except (TypeError, IndexError):
            raise AssertionError("return a pair (modes, hq_fraction)") from None
        return np.array([float(modes), float(hq)])

    return check_function(
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


# --- 06 · FID ---------------------------------------------------------------------------------
# Exercises of notebooks/06_fid.ipynb: 1, the Fréchet distance between two Gaussians; 2, the
# feature statistics it is computed from; 3, the extrapolation of FID_N to N -> ∞ (FID∞).

def _frechet_cases():
    """Fixed (mu1, sigma1, mu2, sigma2): a 1-D pair, then full covariances that do not
    commute (so (C1 C2)^½ differs from C1^½ C2^½). Their entries are positive, so that the
    entry-wise np.sqrt(C1 @ C2) mistake gives a finite, recognisable wrong value."""
    rng = np.random.default_rng(2017)
    cases = [(np.array([1.0]), np.array([[4.0]]), np.array([-0.5]), np.array([[0.25]]))]
    for d in (3, 6):
        a, b = rng.uniform(0.0, 1.0, (2, d, d))
        c1, c2 = a @ a.T / d + 0.5 * np.eye(d), b @ b.T / d + 0.5 * np.eye(d)
        cases.append((rng.standard_normal(d), c1, rng.standard_normal(d), c2))
    return cases


def _reference_frechet(mu1, sigma1, mu2, sigma2):
    from .metrics import frechet_distance

    return frechet_distance(mu1, sigma1, mu2, sigma2)


def _frechet_parts(mu1, sigma1, mu2, sigma2):
    from scipy import linalg

    diff = np.asarray(mu1, np.float64) - np.asarray(mu2, np.float64)
    return diff, np.real(linalg.sqrtm(sigma1 @ sigma2))


def _check_real_scalar(name, fn, cases, what):
    for case in cases:
        try:
            got = _to_numpy(fn(*case))
        except NotImplementedError:
            raise
        except Exception as err:
            raise AssertionError(f"{name}: your function raised {type(err).__name__}: {err}. "
                                 f"Hint: {what}") from err
        if np.shape(got) != ():
            raise AssertionError(f"{name}: return one number, got an array of shape "
                                 f"{np.shape(got)}. Hint: {what}")
        if np.iscomplexobj(got) and abs(np.imag(got)) > 1e-8 * max(1.0, abs(np.real(got))):
            raise AssertionError(f"{name}: your result is complex ({complex(got):.4g}). "
                                 "scipy.linalg.sqrtm can return a complex matrix whose imaginary "
                                 "part is rounding noise: keep its real part (covmean.real).")
        if not np.isfinite(np.real(got)):
            raise AssertionError(f"{name}: your result is {np.real(got)}. np.sqrt of a matrix "
                                 "takes square roots entry by entry (nan for negative entries); "
                                 "the matrix square root is scipy.linalg.sqrtm.")


def check_frechet_distance(frechet_distance):
    """06, exercise 1: d² = ‖μ1 − μ2‖² + Tr(C1 + C2 − 2 (C1 C2)^½) from two means and
    covariances."""
    from scipy import linalg

    cases = _frechet_cases()
    what = "d² = ‖μ1 − μ2‖² + Tr(C1 + C2 − 2 sqrtm(C1 @ C2)), one float."
    _check_real_scalar("frechet_distance", frechet_distance, cases, what)

    def real(fn):
        return lambda *case: np.real(_to_numpy(fn(*case)))

    def wrong(tr):  # tr(diff, sqrt_c1c2, c1, c2) -> a wrong d²
        return lambda m1, c1, m2, c2: tr(*_frechet_parts(m1, c1, m2, c2), c1, c2)

    return check_function(
        "frechet_distance", real(frechet_distance), _reference_frechet, cases, tol=1e-6,
        wrong_answers=[
            (wrong(lambda d, s, c1, c2: d @ d + np.trace(c1 + c2 - 2 * c1 @ c2)),
             "you used C1 @ C2 where the formula has its matrix square root (C1 C2)^½: "
             "covmean = scipy.linalg.sqrtm(sigma1 @ sigma2)."),
            (wrong(lambda d, s, c1, c2: d @ d + np.trace(c1 + c2 - 2 * np.sqrt(c1 @ c2))),
             "np.sqrt works entry by entry; the matrix square root (a matrix S with S @ S = "
             "C1 @ C2) is scipy.linalg.sqrtm(sigma1 @ sigma2)."),
            (wrong(lambda d, s, c1, c2: d @ d + np.trace(
                c1 + c2 - 2 * np.real(linalg.sqrtm(c1) @ linalg.sqrtm(c2)))),
             "(C1 C2)^½ is not C1^½ C2^½: the two agree only when C1 and C2 commute (e.g. "
             "both diagonal). Take one sqrtm of the product: sqrtm(sigma1 @ sigma2)."),
            (wrong(lambda d, s, c1, c2: np.trace(c1 + c2 - 2 * s)),
             "you left out the mean term ‖μ1 − μ2‖²: two Gaussians with equal covariances "
             "but different means are not at distance 0."),
            (wrong(lambda d, s, c1, c2: np.linalg.norm(d) + np.trace(c1 + c2 - 2 * s)),
             "the mean term is the *squared* distance ‖μ1 − μ2‖² = diff @ diff, not the norm."),
            (wrong(lambda d, s, c1, c2: np.sqrt(d @ d + np.trace(c1 + c2 - 2 * s))),
             "you returned the distance d; FID is its square d² (no final square root)."),
            (wrong(lambda d, s, c1, c2: d @ d + np.trace(c1 + c2 - s)),
             "the cross term is −2 Tr (C1 C2)^½: you dropped the factor 2 (in 1-D it is the "
             "−2 s1 s2 of (s1 − s2)²)."),
            (wrong(lambda d, s, c1, c2: d @ d + np.sum(c1 + c2 - 2 * s)),
             "Tr is the sum of the *diagonal* (np.trace), not of all entries (np.sum)."),
        ],
        hint=what)


def _reference_feature_statistics(features):
    f = np.asarray(features, dtype=np.float64)
    return f.mean(axis=0), np.cov(f, rowvar=False)


def check_feature_statistics(feature_statistics):
    """06, exercise 2: (mean (d,), unbiased covariance (d, d)) of features (N, d)."""
    rng = np.random.default_rng(2020)
    mix = rng.standard_normal((4, 4))
    cases = [(rng.standard_normal((6, 3)) * [1.0, 2.0, 0.5] + [3.0, -1.0, 0.5],),
             (rng.standard_normal((40, 4)) @ mix + 2.0,),
             (rng.standard_normal((5, 9)) + 1.0,)]  # N < d: singular, but well defined
    ref = _reference_feature_statistics
    shapes = ("mu is the mean over the samples (axis=0), shape (d,); sigma is d × d: "
              "np.cov(features, rowvar=False), as the features are columns.")
    hints = {
        0: "mu = features.mean(axis=0): average over the N samples (rows), one mean per feature.",
        1: "sigma = np.cov(features, rowvar=False): centre the features, then "
           "(f - mu).T @ (f - mu) / (N - 1).",
    }
    wrong = {
        0: [],
        1: [(lambda f: np.cov(f, rowvar=False, bias=True),
             "you divided by N (the biased, maximum-likelihood covariance); FID's reference "
             "code uses the unbiased estimate, dividing by N - 1 (np.cov's default)."),
            (lambda f: f.T @ f / (len(f) - 1),
             "subtract the mean before multiplying: (f - mu).T @ (f - mu) / (N - 1); f.T @ f "
             "is a second moment, not a covariance."),
            (lambda f: np.corrcoef(f, rowvar=False),
             "np.corrcoef gives correlations (covariances divided by the standard deviations); "
             "FID needs the covariances themselves."),
            (lambda f: np.diag(np.var(f, axis=0, ddof=1)),
             "you kept only the variances (the diagonal); FID compares the full covariance, "
             "including how features vary together."),
            ],
    }
    worst = 0.0
    for part, label in ((0, "mu"), (1, "sigma")):
        name = f"feature_statistics ({label})"

        def pick(*case, _p=part):
            return feature_statistics(*case)[_p]

        def want(*case, _p=part):
            return ref(*case)[_p]

        _check_output(name, feature_statistics, ref, cases, shape_hint=shapes, part=part,
                      error_hint=shapes)
        worst = max(worst, check_function(name, pick, want, cases, tol=1e-8,
                                          wrong_answers=wrong[part], hint=hints[part]))
    return worst


def _fid_infinity_cases():
    ns = np.array([250.0, 500.0, 1000.0, 2500.0])
    return [(ns, 1.5 + 900.0 / ns + np.array([0.3, -0.4, 0.5, -0.1])),
            (ns, 40.0 + 3000.0 / ns + np.array([-1.0, 0.8, 0.6, -0.2])),
            (np.array([300.0, 300.0, 600.0, 1200.0, 2400.0]),
             np.array([9.1, 8.3, 5.0, 3.1, 2.4]))]


def check_fid_infinity(fid_infinity):
    """06, exercise 3: least-squares fit FID_N = FID∞ + k / N; returns (FID∞, k)."""
    from .metrics import fid_infinity as reference

    cases = _fid_infinity_cases()

    def as_pair(fn):
        return lambda ns, fids: np.asarray(_to_numpy(fn(ns, fids)), dtype=np.float64).ravel()

    def endpoints(ns, fids):
        k = (fids[-1] - fids[0]) / (1 / ns[-1] - 1 / ns[0])
        return fids[0] - k / ns[0], k

    what = "return the pair (fid_inf, k) of the line FID_N = fid_inf + k / N."
    _check_output("fid_infinity", as_pair(fid_infinity), as_pair(reference), cases,
                  shape_hint=what)
    return check_function(
        "fid_infinity", as_pair(fid_infinity), as_pair(reference), cases, tol=1e-6,
        wrong_answers=[
            (as_pair(lambda ns, fids: tuple(np.polyfit(1 / ns, fids, 1))),
             "np.polyfit returns the highest power first, [slope, intercept]: FID∞ is the "
             "intercept, i.e. k, fid_inf = np.polyfit(1 / ns, fids, 1)."),
            (as_pair(lambda ns, fids: tuple(np.polyfit(ns, fids, 1)[::-1])),
             "you fitted a line in N; the bias is proportional to 1/N, so fit against x = 1/N "
             "and read the intercept at 1/N = 0 (that is N -> ∞, not N = 0)."),
            (as_pair(endpoints),
             "you drew the line through the first and last points only; fit all points by "
             "least squares (np.polyfit or np.linalg.lstsq), so that noise in one FID "
             "matters less."),
        ],
        hint="least squares on x = 1/N: k, fid_inf = np.polyfit(1 / ns, fids, 1).")


# --- 07 · conditional GAN ---------------------------------------------------------------------
# Section owned by notebook 07. Its checkers compare with NumPy references and name the
# usual mistakes: a label fed as one number, a one-hot as wide as the batch's largest
# label, pieces concatenated in the wrong order, repeat-and-reshape mixing up the planes,
# precision computed where the recall of each class was asked for.

def _one_hot(labels, n_classes):
    return np.eye(n_classes, dtype=np.float32)[np.asarray(labels)]


def _reference_join_label(z, labels, n_classes):
    return np.concatenate([np.asarray(z, np.float32), _one_hot(labels, n_classes)], axis=1)


def _reference_join_image_label(images, labels, n_classes):
    images = np.asarray(images, np.float32)
    n, h, w, _ = images.shape
    planes = np.broadcast_to(_one_hot(labels, n_classes)[:, None, None, :], (n, h, w, n_classes))
    return np.concatenate([images, planes], axis=-1)


def _shape_first(name, fn, reference_fn, cases, wrong_shapes, hint):
    """Run ``fn`` on every case; if its output's shape differs from the reference's, fail
    with the hint of the first ``(shape_fn(*case), hint)`` in ``wrong_shapes`` that matches."""
    for case in cases:
        try:
            got = fn(*case)
        except NotImplementedError:
            raise
        except Exception as err:
            raise AssertionError(f"{name}: your function raised {type(err).__name__}: {err}. "
                                 f"Hint: {hint}") from err
        got_shape, want = np.shape(_to_numpy(got)), np.shape(reference_fn(*case))
        if got_shape != want:
            why = next((h for shape_fn, h in wrong_shapes if tuple(shape_fn(*case)) == got_shape),
                       hint)
            raise AssertionError(f"{name}: your result has shape {got_shape}, expected {want}. "
                                 f"Hint: {why}")


def _join_label_cases():
    rng = np.random.default_rng(7)
    return [(rng.standard_normal((5, 4)).astype(np.float32), np.array([3, 0, 9, 3, 1]), 10),
            # no 9 in this batch: a one-hot as wide as labels.max() + 1 comes out too narrow
            (rng.standard_normal((3, 6)).astype(np.float32), np.array([0, 2, 1]), 10),
            (rng.standard_normal((4, 2)).astype(np.float32), np.array([2, 2, 0, 1]), 3)]


def check_join_label(join_label):
    """07, exercise 1: ``join_label(z, labels, n_classes)`` = [z, one_hot(labels)]."""
    cases = _join_label_cases()
    hint = ("np.concatenate([z, np.eye(n_classes)[labels]], axis=1): the noise first, then "
            "n_classes one-hot columns.")
    _shape_first("join_label", join_label, _reference_join_label, cases, [
        (lambda z, y, k: (len(z), z.shape[1] + 1),
         "you appended the label as one number. Labels are categories, not amounts: as a "
         "number, 8 would look 'twice as much' as 4. Append its one-hot vector instead."),
        (lambda z, y, k: (len(z), z.shape[1] + int(y.max()) + 1),
         "the one-hot is as wide as this batch's largest label + 1; use n_classes columns, "
         "or a batch without 9s would change the generator's input size."),
        (lambda z, y, k: z.shape,
         "you added the one-hot to z; concatenate it (a new set of columns) instead."),
    ], hint)
    check_function("join_label", join_label, _reference_join_label, cases, wrong_answers=[
        (lambda z, y, k: np.concatenate([_one_hot(y, k), z], axis=1),
         "right pieces, wrong order: z first, then the one-hot (the generator's first layer "
         "reads its inputs by position)."),
        (lambda z, y, k: np.concatenate([z, 1 - _one_hot(y, k)], axis=1),
         "the one-hot must be 1 at the label's position and 0 elsewhere."),
    ], hint=hint)


def _join_image_cases():
    rng = np.random.default_rng(8)
    # a non-square image catches height and width swapped
    return [(rng.uniform(-1, 1, (4, 6, 5, 1)).astype(np.float32), np.array([1, 0, 3, 1]), 4),
            (rng.uniform(-1, 1, (3, 28, 28, 1)).astype(np.float32), np.array([7, 0, 2]), 10)]


def check_join_image_label(join_image_label):
    """07, exercise 2: ``join_image_label(images, labels, n_classes)`` = the images with
    n_classes constant planes appended (channels last), plane k all ones where label = k."""
    cases = _join_image_cases()
    hint = ("one_hot[:, None, None, :] has shape (N, 1, 1, n_classes); np.broadcast_to it to "
            "(N, H, W, n_classes) and concatenate it after the image channels (axis=-1).")
    _shape_first("join_image_label", join_image_label, _reference_join_image_label, cases, [
        (lambda x, y, k: (len(x), k, x.shape[1], x.shape[2]),
         "that is channels-first; Keras convolutions here expect channels last: "
         "(N, H, W, 1 + n_classes)."),
        (lambda x, y, k: (len(x), x.shape[1], x.shape[2], k),
         "you returned only the label planes: concatenate them to the image."),
        (lambda x, y, k: (len(x), x.shape[2], x.shape[1], x.shape[3] + k),
         "height and width are swapped: keep the image's own (N, H, W) and add channels."),
        (lambda x, y, k: (len(x), x.shape[1], x.shape[2], x.shape[3] + 1),
         "one plane holding the label number is not what D should see; use n_classes "
         "one-hot planes."),
    ], hint)
    check_function("join_image_label", join_image_label, _reference_join_image_label, cases,
                   wrong_answers=[
        (lambda x, y, k: np.concatenate([_reference_join_image_label(x, y, k)[..., 1:],
                                         np.asarray(x, np.float32)], axis=-1),
         "right pieces, wrong order: the image channel first, then the label planes."),
        (lambda x, y, k: np.concatenate([np.asarray(x, np.float32), np.repeat(
            _one_hot(y, k), x.shape[1] * x.shape[2], axis=1).reshape(len(x), x.shape[1],
                                                                      x.shape[2], k)], axis=-1),
         "repeat-then-reshape scrambles the planes (each plane must be constant: all ones "
         "or all zeros). Broadcast one_hot[:, None, None, :] instead of reshaping a repeat."),
    ], hint=hint)


def _reference_per_class_accuracy(predicted, requested, n_classes):
    predicted, requested = np.asarray(predicted), np.asarray(requested)
    return np.array([np.mean(predicted[requested == k] == k) for k in range(n_classes)])


def _per_class_cases():
    rng = np.random.default_rng(9)
    requested = np.repeat(np.arange(10), [30, 5, 12, 40, 8, 20, 15, 9, 25, 6])
    predicted = np.where(rng.random(len(requested)) < 0.6, requested,
                         rng.integers(0, 10, len(requested)))
    predicted[requested == 9] = 3           # class 9 never right: no hits at all
    small_req = np.array([0, 0, 1, 2, 2, 2])
    small_pred = np.array([0, 2, 1, 2, 0, 2])
    return [(predicted, requested, 10), (small_pred, small_req, 3)]


def check_per_class_accuracy(per_class_accuracy):
    """07, exercise 3: for every class k, the fraction of the samples *requested* as k that
    the classifier *predicted* as k (each class's recall)."""
    cases = _per_class_cases()
    hint = ("for each k: among the samples with requested == k, the fraction with "
            "predicted == k, e.g. np.mean(predicted[requested == k] == k).")
    _shape_first("per_class_accuracy", per_class_accuracy, _reference_per_class_accuracy, cases, [
        (lambda p, r, k: (), "return one accuracy per class (an array of n_classes), not one "
                             "number for all."),
        (lambda p, r, k: (int(r[p == r].max()) + 1,),
         "np.bincount drops classes beyond the largest one it sees; pass minlength=n_classes."),
    ], hint)
    check_function("per_class_accuracy", per_class_accuracy, _reference_per_class_accuracy,
                   cases, wrong_answers=[
        (lambda p, r, k: np.array([np.mean(r[p == c] == c) if np.any(p == c) else 0.0
                                   for c in range(k)]),
         "you divided by how many samples were *predicted* as k (that is precision); divide by "
         "how many were *requested* as k: we ask whether G obeys the label it was given."),
        (lambda p, r, k: np.full(k, np.mean(np.asarray(p) == np.asarray(r))),
         "that is the overall accuracy repeated for every class; count each class separately."),
        (lambda p, r, k: np.bincount(np.asarray(r)[np.asarray(p) == np.asarray(r)],
                                     minlength=k) / len(r),
         "you divided each class's hits by all samples; divide by that class's own count."),
    ], hint=hint)


# --- 03 · label smoothing --------------------------------------------------------------------
# Exercises of notebooks/03_label_smoothing.ipynb: the gradient of a soft-target BCE, the
# optimal discriminator under targets (α, β), and D's and G's losses with one-sided smoothing.
# Like the 01/02 checkers, these print and return None, or raise AssertionError.

def _soft_bce(t, l):
    l = np.asarray(l, dtype=np.float64)
    return _softplus(l) - np.asarray(t, dtype=np.float64) * l


def check_bce_grad(bce_grad):
    """03, exercise 1: d BCE(t, l)/dl per sample, for soft targets t and logits l."""
    from . import theory

    l = np.array([-6.0, -2.0, -0.5, 0.0, 0.5, 2.1972, 4.0])
    cases = [(0.9, l), (1.0, l), (0.0, l), (0.1, l),
             (np.array([0.9, 0.9, 0.0, 0.0, 0.75]), np.array([3.0, -1.0, 2.0, -3.0, 1.0])),
             (0.9, np.array([-800.0, -40.0, 40.0, 800.0]))]  # a very confident D

    def sig(z):
        return theory.sigmoid(z)

    _check_output("bce_grad", bce_grad, theory.soft_bce_grad, cases,
                  shape_hint="return one gradient per logit (no sum or mean): the logits' shape.",
                  finite_hint="σ(l) - t is finite for every logit. Compute σ with "
                  "scipy.special.expit (or 1/(1 + exp(-l))), and do not divide by σ(l)(1 - σ(l)), "
                  "which is 0 for |l| = 800.")
    check_function(
        "bce_grad", bce_grad, theory.soft_bce_grad, cases, tol=1e-8,
        wrong_answers=[
            (lambda t, z: t - sig(z),
             "sign error: t - σ(l) is the direction that *lowers* the loss; the gradient is "
             "σ(l) - t (positive when D says more than its target, so descent lowers l)."),
            (lambda t, z: sig(z) - 1.0,
             "that is the gradient for the hard target 1: the soft target t replaces the 1, "
             "σ(l) - t."),
            (lambda t, z: (sig(z) - t) / (sig(z) * (1.0 - sig(z))),
             "that is the gradient with respect to the probability D = σ(l), (D - t)/(D(1 - D)); "
             "the chain rule through σ multiplies it by σ'(l) = D(1 - D), which cancels the "
             "denominator: d/dl = σ(l) - t."),
            (lambda t, z: sig(z) * (1.0 - sig(z)),
             "σ(l)(1 - σ(l)) is the derivative of the sigmoid alone; differentiate the loss "
             "softplus(l) - t·l instead."),
            (lambda t, z: (sig(z) - t) / np.size(z),
             "no 1/N: this is the gradient per sample, not of a batch mean."),
        ],
        hint="BCE(t, l) = softplus(l) - t·l, and softplus'(l) = σ(l): the gradient is σ(l) - t.")


def _smoothed_cases():
    a, b = _density_cases()[0]
    small_a, small_b = _density_cases()[1]
    return [(a, b, 0.9, 0.1), (a, b, 0.8, 0.0), (small_a, small_b, 0.9, 0.0),
            (small_a, small_b, 0.75, 0.2), (a, b, 1.0, 0.0)]


def check_smoothed_optimal_discriminator(smoothed_optimal_discriminator):
    """03, exercise 2: D*(x) for real target α and fake target β, element-wise."""
    from . import theory

    cases = _smoothed_cases()
    _check_output("smoothed_optimal_discriminator", smoothed_optimal_discriminator,
                  theory.smoothed_optimal_discriminator, cases,
                  shape_hint="work element-wise on the arrays: no sums or means.")
    check_function(
        "smoothed_optimal_discriminator", smoothed_optimal_discriminator,
        theory.smoothed_optimal_discriminator, cases, tol=1e-8,
        wrong_answers=[
            (lambda pd, pg, a, b: pd / (pd + pg),
             "that is the unsmoothed D* = p_data/(p_data + p_g): the targets α and β change "
             "the optimum."),
            (lambda pd, pg, a, b: a * pd / (pd + pg),
             "right for one-sided smoothing only: with a fake target β > 0 the fakes also "
             "pull y up, adding β·p_g to the numerator."),
            (lambda pd, pg, a, b: (a * pd + (1 - b) * pg) / (pd + pg),
             "a fake with target β contributes β·log y + (1 - β)·log(1 - y): its weight on "
             "log y is β, not 1 - β."),
            (lambda pd, pg, a, b: (b * pd + a * pg) / (pd + pg),
             "α and β are swapped: α is the target of real samples, so it multiplies p_data."),
            (lambda pd, pg, a, b: (a * pd + b * pg) / ((1 - a) * pd + (1 - b) * pg),
             "you returned A/B, the odds y/(1 - y); from A/y = B/(1 - y) the optimum is "
             "y = A/(A + B), and A + B = p_data + p_g."),
        ],
        hint="collect the log y and log(1 - y) terms: A·log y + B·log(1 - y) with "
             "A = α·p_data + β·p_g and B = (1 - α)·p_data + (1 - β)·p_g; the maximum is "
             "y = A/(A + B).")


def _reference_one_sided_losses(real_logits, fake_logits, alpha):
    r, f = np.asarray(real_logits, np.float64), np.asarray(fake_logits, np.float64)
    d_loss = np.mean(_soft_bce(alpha, r)) + np.mean(_soft_bce(0.0, f))
    return float(d_loss), float(np.mean(_soft_bce(1.0, f)))


def check_one_sided_losses(one_sided_losses):
    """03, exercise 3: (D's loss with one-sided smoothing α, G's non-saturating loss), both
    batch means, from the logits of a real and a fake batch."""
    rng = np.random.default_rng(2016)
    cases = [(np.array([2.0, -0.5, 1.0, 3.0]), np.array([-1.0, 0.3, -2.0, -4.0]), 0.9),
             (rng.normal(1.0, 2.0, (16, 1)), rng.normal(-1.0, 2.0, (16, 1)), 0.8),
             (np.array([60.0, -30.0, 5.0]), np.array([-60.0, 30.0, -5.0]), 0.75),
             (rng.normal(0.0, 1.0, (8, 1)), rng.normal(0.0, 1.0, (8, 1)), 1.0)]
    ref = _reference_one_sided_losses

    def d_only(fn):  # the d_loss of a (d_loss, g_loss)-style formula
        return lambda r, f, a: fn(np.asarray(r, np.float64), np.asarray(f, np.float64), a)

    def bce(t, l):
        return np.mean(_soft_bce(t, l))

    wrong = {
        "d_loss": [
            (d_only(lambda r, f, a: bce(a, r) + bce(1 - a, f)),
             "that is two-sided smoothing (fake target 1 - α). Keep the fake target at 0: with "
             "β > 0 the optimal D is β where only fakes live, and those fakes stop being "
             "pushed toward the data. Smooth the real targets only."),
            (d_only(lambda r, f, a: bce(1.0, r) + bce(1 - a, f)),
             "you smoothed the fake term (target 1 - α) and left the real target at 1; "
             "one-sided smoothing is the other way round: real target α, fake target 0."),
            (d_only(lambda r, f, a: bce(a, r) + bce(a, f)),
             "the fakes got the target α too; their target stays 0."),
            (d_only(lambda r, f, a: bce(1.0, r) + bce(0.0, f)),
             "no smoothing applied: the real target must be alpha, not 1."),
            (d_only(lambda r, f, a: bce(0.9, r) + bce(0.0, f)),
             "the real target is hard-coded to 0.9; use the argument alpha."),
            (d_only(lambda r, f, a: a * bce(1.0, r) + bce(0.0, f)),
             "you computed -α·log σ(l) = α·BCE(1, l): the hard-target loss scaled by α, or "
             "equivalently the soft-target cross-entropy without its second term "
             "-(1 - α)·log(1 - σ(l)). Its minimum is still at D = 1 (only the gradient "
             "shrinks), so nothing stops D's overconfidence; BCE(α, l) keeps both terms and "
             "is smallest at D = α."),
            (d_only(lambda r, f, a: ref(_sigmoid(r), _sigmoid(f), a)[0]),
             "you applied the sigmoid twice: pass the raw logits to a from-logits loss."),
            (d_only(lambda r, f, a: 0.5 * (bce(a, r) + bce(0.0, f))),
             "sum the real and the fake terms (as gh.losses.discriminator_loss does), don't "
             "average them."),
        ],
        "g_loss": [
            (lambda r, f, a: bce(a, np.asarray(f, np.float64)),
             "you smoothed the generator's target too (BCE(α, l)). Then G's loss is smallest "
             "where D(G(z)) = α and rises beyond it: G is pushed back from fooling D fully. "
             "Smoothing is a regulariser for D only; G keeps the target 1."),
            (lambda r, f, a: bce(0.9, np.asarray(f, np.float64)),
             "the generator's target is 1, not 0.9: no smoothing in G's loss."),
            (lambda r, f, a: -bce(0.0, np.asarray(f, np.float64)),
             "that is the saturating minimax loss log(1 - D(G(z))); use the non-saturating "
             "-log D(G(z)) = BCE(1, l)."),
            (lambda r, f, a: bce(0.0, np.asarray(f, np.float64)),
             "target 0 is what D wants for fakes; G wants them called real: target 1."),
        ],
    }
    hints = {"d_loss": "d_loss = mean BCE(α, l_real) + mean BCE(0, l_fake), with "
                       "BCE(t, l) = softplus(l) - t·l.",
             "g_loss": "g_loss = mean BCE(1, l_fake) = mean softplus(-l_fake), on the fake "
                       "logits: the non-saturating loss, unsmoothed."}
    for i, part in enumerate(("d_loss", "g_loss")):
        name = f"one_sided_losses ({part})"

        def pick(*case, _i=i):
            return one_sided_losses(*case)[_i]

        def want(*case, _i=i):
            return ref(*case)[_i]

        _check_output(name, one_sided_losses, ref, cases, part=i,
                      shape_hint="return two numbers, (d_loss, g_loss), each a batch mean.",
                      finite_hint="work on logits: BCE(t, l) = softplus(l) - t·l with "
                      "softplus(l) = np.logaddexp(0, l) (or tf.nn.sigmoid_cross_entropy_with_"
                      "logits); log(sigmoid(l)) is -inf for l = -60.")
        check_function(name, pick, want, cases, tol=1e-6, wrong_answers=wrong[part],
                       hint=hints[part])
