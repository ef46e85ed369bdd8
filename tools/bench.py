"""``python tools/bench.py``: training speed of the DCGAN, measured side by side.

Contenders, alternated A B C A B C ... in one process after a warm-up, so a noisy shared
machine slows them alike:

* ``tutorial``: a faithful re-implementation of the TF DCGAN tutorial's step: one
  ``tf.function``, two tapes, ``BinaryCrossentropy(from_logits=True)``, two Adam(1e-4).
* ``gan_helpers float32``: ``gan_helpers.GAN`` through ``fit``'s own train function, once
  with ``updates="simultaneous"`` (the tutorial's update: the like-for-like ratio) and
  once with the default alternating updates (one more D forward pass per step).
* ``gan_helpers best``: the fastest configuration the workbook supports on this device:
  mixed precision (bfloat16 on a CPU with native bf16, float16 + XLA on a GPU).

Rates are images/s. MFU (model FLOPs utilisation) counts the tutorial step's useful work,
3·F_G + 6·F_D FLOPs per image (forward, plus backward ≈ 2× forward; D sees a real and a
fake image), against a large matmul's rate measured here in the same run.

``--quality`` instead trains the tutorial's configuration and the workbook's default for
a fixed wall-clock budget and reports the time each needs to reach a classifier-FID
threshold (two consecutive evaluations under it), median over seeds.

A maintainer's tool, run from a checkout; the README's *Performance* section quotes it.
"""
import argparse
import statistics
import sys
import time

import keras
import numpy as np
import tensorflow as tf

from gan_helpers.data import load_mnist, mnist_dataset
from gan_helpers.metrics import feature_statistics, frechet_distance, mnist_features
from gan_helpers.models import dcgan_discriminator, dcgan_generator
from gan_helpers.runtime import has_gpu, set_seed, speed_settings
from gan_helpers.training import GAN

TUTORIAL = dict(learning_rate=1e-4, beta_1=0.9, batch_size=256)
# The workbook's default DCGAN recipe (DCGAN paper: Adam 2e-4, beta_1 0.5; batch 64,
# since on a CPU more, smaller steps reach digits sooner in wall-clock time).
WORKBOOK = dict(learning_rate=2e-4, beta_1=0.5, batch_size=64)


# --- FLOPs and the device's matmul peak -----------------------------------------------------

def forward_flops(model):
    """FLOPs of one forward pass per example: 2 × multiply-adds of Dense/Conv layers (of nested
    models too: a conditional GAN's networks wrap a body model)."""
    total = 0
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            total += forward_flops(layer)
        elif isinstance(layer, keras.layers.Dense):
            total += 2 * layer.kernel.shape[0] * layer.kernel.shape[1]
        elif isinstance(layer, (keras.layers.Conv2D, keras.layers.Conv2DTranspose)):
            kh, kw, a, b = layer.kernel.shape  # Conv2DTranspose kernels are (kh, kw, out, in)
            out_hw = np.prod(layer.output.shape[1:3])
            in_hw = np.prod(layer.input.shape[1:3])
            # a transposed conv does its multiply-adds per *input* pixel
            pixels = in_hw if isinstance(layer, keras.layers.Conv2DTranspose) else out_hw
            total += 2 * kh * kw * a * b * int(pixels)
    return int(total)


def step_flops_per_image(generator, discriminator):
    return 3 * forward_flops(generator) + 6 * forward_flops(discriminator)


def matmul_peak(dtype="float32", n=2048, seconds=2.0):
    """FLOP/s of an n×n matmul on the default device (the 'peak' MFU is measured against)."""
    a = tf.random.normal((n, n), dtype=tf.float32)
    a = tf.cast(a, dtype)
    mm = tf.function(lambda x: tf.matmul(x, x))
    mm(a).numpy()
    reps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        mm(a).numpy()
        reps += 1
    return 2 * n ** 3 * reps / (time.perf_counter() - start)


def best_policy():
    """(policy or None, XLA) of the workbook's fastest configuration on this device."""
    s = speed_settings(verbose=False)
    return (None if s.policy == "float32" else s.policy), s.jit_compile


# --- contenders -------------------------------------------------------------------------------

_IMAGES = []


def _data(batch_size, seed=0):
    if not _IMAGES:
        _IMAGES.append(load_mnist(verbose=False)[0])
    return mnist_dataset(batch_size, images=_IMAGES[0], shuffle_seed=seed).repeat()


def tutorial_step_fn(batch_size, noise_dim=100):
    """The TF DCGAN tutorial's training step (tensorflow/docs, tutorials/generative/dcgan)."""
    generator, discriminator = dcgan_generator(noise_dim), dcgan_discriminator()
    cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)
    g_opt, d_opt = keras.optimizers.Adam(1e-4), keras.optimizers.Adam(1e-4)

    def discriminator_loss(real_output, fake_output):
        return (cross_entropy(tf.ones_like(real_output), real_output)
                + cross_entropy(tf.zeros_like(fake_output), fake_output))

    def generator_loss(fake_output):
        return cross_entropy(tf.ones_like(fake_output), fake_output)

    @tf.function
    def train_step(images):
        noise = tf.random.normal([batch_size, noise_dim])
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            generated_images = generator(noise, training=True)
            real_output = discriminator(images, training=True)
            fake_output = discriminator(generated_images, training=True)
            gen_loss = generator_loss(fake_output)
            disc_loss = discriminator_loss(real_output, fake_output)
        g_grads = gen_tape.gradient(gen_loss, generator.trainable_variables)
        d_grads = disc_tape.gradient(disc_loss, discriminator.trainable_variables)
        g_opt.apply_gradients(zip(g_grads, generator.trainable_variables))
        d_opt.apply_gradients(zip(d_grads, discriminator.trainable_variables))
        return gen_loss, disc_loss

    iterator = iter(_data(batch_size))
    return (lambda: train_step(next(iterator))[0].numpy()), (generator, discriminator)


def workbook_gan(batch_size, learning_rate=1e-4, beta_1=0.9, policy=None, jit_compile=False,
                 seed=0, updates="alternating"):
    """A compiled ``gan_helpers.GAN`` with the tutorial's models, under a dtype policy."""
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(policy or "float32")
    try:
        gan = GAN(dcgan_generator(), dcgan_discriminator(), seed=seed, updates=updates)
        gan.compile(d_optimizer=keras.optimizers.Adam(learning_rate, beta_1=beta_1),
                    g_optimizer=keras.optimizers.Adam(learning_rate, beta_1=beta_1),
                    jit_compile=jit_compile)
    finally:
        keras.config.set_dtype_policy(previous)
    return gan


def _logs(outputs):
    # Keras versions differ: the train function returns the logs, or an Optional of them.
    return outputs.get_value() if hasattr(outputs, "get_value") else outputs


def workbook_step_fn(batch_size, policy=None, jit_compile=False, updates="alternating"):
    """One step of ``GAN.fit``'s own compiled train function (the tutorial's optimiser)."""
    gan = workbook_gan(batch_size, policy=policy, jit_compile=jit_compile, updates=updates)
    gan.make_train_function()
    iterator = iter(_data(batch_size))

    def step():
        _logs(gan.train_function(iterator))["d_loss"].numpy()  # wait for the step to finish

    return step, (gan.generator, gan.discriminator)


def time_steps(step, steps):
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return time.perf_counter() - start


def run_speed(batch_size=256, steps=10, repeats=3, xla=False, mixed_precision=None):
    policy, best_xla = best_policy()
    if mixed_precision is False:
        policy = None
    elif isinstance(mixed_precision, str):
        policy = mixed_precision
    device = "GPU" if has_gpu() else "CPU"
    print(f"Device: {device} | TF {tf.__version__} | batch {batch_size}, {steps} steps x "
          f"{repeats} repeats, contenders alternated")
    xla_tag = " + XLA" if xla else ""
    # Like for like: the tutorial's step computes simultaneous updates, so the first
    # gan_helpers contender does too; the default (alternating) costs one more D pass.
    contenders = {
        "tutorial (float32)": tutorial_step_fn(batch_size),
        f"gan_helpers float32{xla_tag}, simultaneous (the tutorial's update)":
            workbook_step_fn(batch_size, jit_compile=xla, updates="simultaneous"),
        f"gan_helpers float32{xla_tag}, alternating (the default)":
            workbook_step_fn(batch_size, jit_compile=xla),
    }
    best_name = None
    if policy or best_xla:
        best_name = (f"gan_helpers best ({policy or 'float32'}{' + XLA' if best_xla or xla else ''}"
                     ", simultaneous)")
        contenders[best_name] = workbook_step_fn(batch_size, policy=policy,
                                                 jit_compile=best_xla or xla,
                                                 updates="simultaneous")
    flops = step_flops_per_image(*contenders["tutorial (float32)"][1])
    for step, _ in contenders.values():  # warm-up: tracing, XLA compilation, caches
        step(), step()
    rates = {name: [] for name in contenders}
    low = ("bfloat16" if policy == "mixed_bfloat16" else "float16") if policy else None
    peaks = {"float32": [], low: []}
    for _ in range(repeats):  # the matmul peak is measured in the same rotation
        for name, (step, _) in contenders.items():
            rates[name].append(steps * batch_size / time_steps(step, steps))
        for dtype in peaks:
            if dtype:
                peaks[dtype].append(matmul_peak(dtype, seconds=1.0))
    peak32 = statistics.median(peaks["float32"])
    peak_low = statistics.median(peaks[low]) if low else None
    median = {name: statistics.median(r) for name, r in rates.items()}
    names = list(contenders)
    for name in names:
        peak = peak_low if (best_name and name == best_name and peak_low) else peak32
        mfu = median[name] * flops / peak
        kind = "low-precision" if peak is peak_low else "float32"
        repeats_shown = ", ".join(f"{r:.0f}" for r in rates[name])
        print(f"{name}: {median[name]:.0f} images/s (MFU {mfu:.0%} of a {kind} "
              f"matmul's {peak / 1e9:.0f} GFLOP/s; repeats: {repeats_shown})")
    print(f"model FLOPs per training image: {flops / 1e6:.0f} MFLOP")
    print(f"ratio (gan_helpers float32 / tutorial): {median[names[1]] / median[names[0]]:.2f}")
    print("ratio (gan_helpers float32 alternating / tutorial): "
          f"{median[names[2]] / median[names[0]]:.2f}")
    best = max(median[n] for n in names[1:])
    print(f"ratio (gan_helpers best / tutorial): {best / median[names[0]]:.2f}")
    return median


# --- time to quality ------------------------------------------------------------------------

def _time_to(curve, threshold):
    """Training seconds at the first of two consecutive evaluations under ``threshold``."""
    return next((curve[i][0] for i in range(len(curve) - 1)
                 if curve[i][1] < threshold and curve[i + 1][1] < threshold), np.inf)


def _fid_at_step(curve, step):
    """Classifier-FID interpolated at a step count (curves hold (seconds, FID, steps))."""
    return float(np.interp(step, [c[2] for c in curve], [c[1] for c in curve]))


def _time_ratio(time, reference, budget_s):
    """'time / reference' as text; a reference that never got there took longer than the budget."""
    if not np.isfinite(time):
        return "n/a (not reached within the budget)"
    if not np.isfinite(reference):
        return (f"< {time / budget_s:.2f} (the tutorial did not reach it within the "
                f"{budget_s:.0f}s budget: {time:.0f}s / {budget_s:.0f}s is an upper bound)")
    return f"{time / reference:.2f}"


def run_quality(budget_s=240.0, eval_every_s=20.0, seeds=(0, 1, 2), threshold=None, n_eval=2000,
                policy=None):
    """Wall-clock seconds (training only) to reach a classifier-FID threshold.

    Trains the tutorial's configuration, the workbook's default in float32 and, if
    ``policy`` names one, the workbook's default under that mixed-precision policy. The
    last two are also compared at equal step counts: mixed precision may only be the
    workbook's "best" configuration if it does not hurt quality per step.
    """
    x, _ = load_mnist(verbose=False)
    rng = np.random.default_rng(1234)
    real_stats = feature_statistics(mnist_features(x[rng.choice(len(x), n_eval, replace=False)]))
    workbook = "workbook (Adam 2e-4 b1 0.5, batch 64"
    configs = {"tutorial (Adam 1e-4, batch 256)": dict(TUTORIAL, policy=None),
               f"{workbook})": dict(WORKBOOK, policy=None)}
    if policy:
        configs[f"{workbook}, {policy})"] = dict(WORKBOOK, policy=policy)
    curves = {name: [] for name in configs}
    for seed in seeds:
        for name, c in configs.items():
            set_seed(seed)
            gan = workbook_gan(c["batch_size"], c["learning_rate"], c["beta_1"], c["policy"],
                               seed=seed)
            gan.make_train_function()
            iterator = iter(mnist_dataset(c["batch_size"], images=x, shuffle_seed=seed).repeat())
            z = np.random.default_rng(seed).standard_normal((n_eval, 100)).astype(np.float32)
            trained, curve, steps = 0.0, [], 0
            while trained < budget_s:
                start = time.perf_counter()
                while time.perf_counter() - start < eval_every_s:
                    _logs(gan.train_function(iterator))["d_loss"].numpy()
                    steps += 1
                trained += time.perf_counter() - start
                fake = feature_statistics(mnist_features(gan.generate(z=z)))
                fid = frechet_distance(*real_stats, *fake)
                curve.append((trained, fid, steps))
            curves[name].append(curve)
            print(f"  seed {seed} {name}: "
                  + ", ".join(f"{t:.0f}s/{n}:{f:.1f}" for t, f, n in curve), flush=True)
    names = list(configs)
    if threshold is None:  # a level the better runs reach: a third of the tutorial's start
        threshold = float(np.median([c[0][1] for c in curves[names[0]]]) / 3)
    print(f"threshold: classifier-FID < {threshold:.1f} at two consecutive evaluations "
          f"(N={n_eval} fixed latents, every {eval_every_s:.0f}s of training, "
          f"budget {budget_s:.0f}s)")
    results = {}
    for name, runs in curves.items():
        times = [_time_to(curve, threshold) for curve in runs]
        results[name] = statistics.median(times)
        shown = ", ".join("not reached" if not np.isfinite(t) else f"{t:.0f}s" for t in times)
        final = statistics.median(curve[-1][1] for curve in runs)
        median = "not reached" if not np.isfinite(results[name]) else f"{results[name]:.0f}s"
        print(f"{name}: median time to threshold {median} (per seed: {shown}); "
              f"median FID at the end {final:.1f}")
    for name in names[1:]:
        print(f"ratio ({name} time / tutorial time): "
              + _time_ratio(results[name], results[names[0]], budget_s))
    if policy:  # quality per step: float32 vs mixed precision, same seeds and step counts
        f32, low = curves[names[1]], curves[names[2]]
        step = min(curve[-1][2] for curve in f32 + low)
        a = [_fid_at_step(c, step) for c in f32]
        b = [_fid_at_step(c, step) for c in low]
        print(f"FID after {step} steps (per seed), float32: " + ", ".join(f"{v:.1f}" for v in a)
              + f"; {policy}: " + ", ".join(f"{v:.1f}" for v in b)
              + f"; medians {statistics.median(a):.1f} vs {statistics.median(b):.1f}")
    return results


def main(argv=None):
    p = argparse.ArgumentParser(prog="python tools/bench.py",
                                description=__doc__.split("\n")[0])
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--steps", type=int, default=10, help="timed steps per repeat and contender")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--xla", action=argparse.BooleanOptionalAction, default=False,
                   help="XLA for the gan_helpers float32 contender")
    p.add_argument("--mixed-precision", choices=["auto", "off", "mixed_bfloat16", "mixed_float16"],
                   default="auto", help="policy of the 'best' contender (auto: per device)")
    p.add_argument("--quality", action="store_true", help="time-to-quality instead of speed")
    p.add_argument("--budget", type=float, default=240.0,
                   help="--quality: seconds of training per run")
    p.add_argument("--eval-every", type=float, default=20.0)
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--threshold", type=float, default=None)
    args = p.parse_args(argv)
    if args.batch_size < 1 or args.steps < 1 or args.repeats < 1:
        p.error("--batch-size, --steps and --repeats must be >= 1")
    mp = {"auto": None, "off": False}.get(args.mixed_precision, args.mixed_precision)
    if args.quality:
        policy = None if mp is False else (mp or best_policy()[0])
        run_quality(args.budget, args.eval_every, tuple(range(args.seeds)), args.threshold,
                    policy=policy)
    else:
        run_speed(args.batch_size, args.steps, args.repeats, args.xla, mp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
