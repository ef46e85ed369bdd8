"""``python tools/calibrate.py RECIPE``: what a notebook's training recipe reaches, per seed.

Before a notebook asserts a training outcome, a maintainer measures it here over several
seeds, then sets the notebook's threshold with a margin that every seed clears. It trains one
recipe on the workbook's train split and, at each checkpoint (in generator steps), scores
N = 1,000 samples of fixed latents against the held-out reference split (images neither the
GAN nor the metrics' classifier trained on):

* classifier-FID (``gh.metrics.fid``, the shipped MNIST classifier's features);
* the classifier score (``gh.metrics.classifier_score``);
* the smallest share of any digit among the samples (``gh.metrics.class_histogram``);

plus "real-vs-real": 1,000 train-split images against the same reference, the floor.
One JSON line per (seed, checkpoint), with the training seconds so far on this machine.

Recipes (the notebooks' own, by name; ``--lr``, ``--batch`` and ``--width`` override them;
``--decay-steps N`` cosine-decays both learning rates to 0 over N steps):

* ``dense-classic``: notebook 02's classic tutorial MLP (ReLU, G 128-256, D 128-64);
* ``dense``: notebook 02's trained MLP (LeakyReLU 0.2, G 256-512-1024 with BatchNorm,
  D 512-256), Adam(5e-4, beta_1 0.5), batch 64;
* ``dcgan``: notebook 04's DCGAN (the TF tutorial's networks at a quarter of their channels,
  as 04 trains them under ``quick``; ``--width 0.5`` for ``full``'s, ``--width 1.0`` for the
  tutorial's own), Adam(2e-4, 0.5), batch 64;
* ``cgan``: notebook 07's conditional GAN (notebook 02's dense networks, the one-hot label
  appended to z and to the flattened image, latent 64), Adam(5e-4, 0.5), batch 64, trained
  on notebook 07's labelled subset of ``--labels-per-class`` images per digit (default 200);
  ``--body dcgan`` for the conditional DCGAN at ``--width`` instead. Its lines add the mean
  and the lowest per-class accuracy (100 samples asked for per digit, read by the
  workbook's classifier); its FID, score and digit shares are over the same 1,000 samples.

Stabilisers (notebook 08's arms; each changes one thing of the recipe, and the JSON header
records which): ``--spectral-norm`` (dcgan: D's layers spectrally normalised), ``--loss hinge``
(both players), ``--r1 GAMMA`` (the R1 penalty on real data), ``--d-lr LR`` (TTUR: D's own
learning rate), ``--real-target 0.9`` (one-sided label smoothing), ``--ema BETA`` (an
exponential moving average of G's weights with gh.GeneratorEMA's warm-up: each line adds
``fid_ema``, ``score_ema`` and ``min_digit_share_ema`` for gh.ema_generator's samples of the
same latents).

    python tools/calibrate.py dense --seeds 0,1,2 --steps 1000,2000,3000
    python tools/calibrate.py dcgan --spectral-norm --seeds 0,1,2 --steps 1000,2000
"""
import argparse
import json
import time

import keras
import numpy as np

import gan_helpers as gh

RECIPES = {
    "dense-classic": dict(kind="dense", g=(128, 256), d=(128, 64), activation="relu",
                          batchnorm=False, lr=2e-4, batch=64),
    "dense": dict(kind="dense", g=(256, 512, 1024), d=(512, 256), activation="leaky_relu",
                  batchnorm=True, lr=5e-4, batch=64),
    "dcgan": dict(kind="dcgan", width=0.25, lr=2e-4, batch=64),
    "cgan": dict(kind="cgan", body="dense", width=0.5, lr=5e-4, batch=64),
}
N_EVAL = 1000


def learning_rate(recipe):
    """A constant rate, or, with ``decay_steps``, a cosine decay from it to 0 over that many
    steps (Loshchilov & Hutter 2017, SGDR, without restarts)."""
    if recipe.get("decay_steps"):
        return keras.optimizers.schedules.CosineDecay(recipe["lr"], recipe["decay_steps"])
    return recipe["lr"]


def build(recipe, seed):
    gh.set_seed(seed)
    if recipe["kind"] == "dense":
        g = gh.dense_generator(100, recipe["g"], activation=recipe["activation"],
                               batchnorm=recipe["batchnorm"])
        d = gh.dense_discriminator(widths=recipe["d"], activation=recipe["activation"])
    elif recipe["kind"] == "cgan":
        g = gh.conditional.conditional_generator(latent_dim=64, join="onehot",
                                                 width=recipe["width"], body=recipe["body"])
        d = gh.conditional.conditional_discriminator(join="onehot", width=recipe["width"],
                                                     body=recipe["body"])
    else:
        g = gh.dcgan_generator(width=recipe["width"])
        d = gh.dcgan_discriminator(width=recipe["width"],
                                   spectral_norm=recipe.get("spectral_norm", False))
    model = gh.conditional.ConditionalGAN if recipe["kind"] == "cgan" else gh.GAN
    gan = model(g, d, seed=seed)
    ema = dict(use_ema=True, ema_momentum=recipe["ema"]) if recipe.get("ema") else {}
    d_recipe = dict(recipe, lr=recipe.get("d_lr") or recipe["lr"])
    loss = recipe.get("loss", "standard")
    games = dict(discriminator_loss="hinge", generator_loss="hinge") if loss == "hinge" else {}
    gan.compile(d_optimizer=keras.optimizers.Adam(learning_rate(d_recipe), beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(learning_rate(recipe), beta_1=0.5, **ema),
                r1_gamma=recipe.get("r1", 0.0), real_target=recipe.get("real_target", 1.0),
                **games)
    return gan


def main(argv=None):
    p = argparse.ArgumentParser(prog="python tools/calibrate.py",
                                description=__doc__.split("\n")[0])
    p.add_argument("recipe", choices=sorted(RECIPES))
    p.add_argument("--seeds", default="0,1,2", help="comma-separated seeds (default 0,1,2)")
    p.add_argument("--steps", default="1000,2000,3000",
                   help="comma-separated checkpoints, in generator steps")
    p.add_argument("--lr", type=float, default=None)
    p.add_argument("--decay-steps", type=int, default=None,
                   help="cosine-decay both learning rates from --lr to 0 over this many steps")
    p.add_argument("--batch", type=int, default=None)
    p.add_argument("--width", type=float, default=None,
                   help="dcgan, cgan: channel width multiplier")
    p.add_argument("--body", choices=("dense", "dcgan"), default=None,
                   help="cgan: the networks behind the label join (default dense)")
    p.add_argument("--spectral-norm", action="store_true",
                   help="dcgan: spectrally normalise D's layers")
    p.add_argument("--loss", choices=("standard", "hinge"), default=None,
                   help="the game: standard (minimax D, non-saturating G; default) or hinge")
    p.add_argument("--r1", type=float, default=None, help="R1 penalty weight gamma on real data")
    p.add_argument("--d-lr", type=float, default=None,
                   help="D's learning rate, if not --lr's (TTUR)")
    p.add_argument("--real-target", type=float, default=None,
                   help="D's target for real images (0.9: one-sided label smoothing)")
    p.add_argument("--ema", type=float, default=None,
                   help="also score G's exponential moving average with this momentum")
    p.add_argument("--labels-per-class", type=int, default=200,
                   help="cgan: labelled training images per digit (notebook 07's subset)")
    args = p.parse_args(argv)
    try:
        seeds = [int(s) for s in args.seeds.split(",")]
        steps = [int(s) for s in args.steps.split(",")]
    except ValueError:
        p.error("--seeds and --steps take comma-separated whole numbers, e.g. --steps 1000,2000")
    if not steps or steps != sorted(set(steps)) or steps[0] < 1:
        p.error("--steps must be increasing positive step counts")
    recipe = dict(RECIPES[args.recipe])
    overrides = (("lr", args.lr), ("batch", args.batch), ("width", args.width),
                 ("body", args.body), ("decay_steps", args.decay_steps),
                 ("spectral_norm", args.spectral_norm or None), ("loss", args.loss),
                 ("r1", args.r1), ("d_lr", args.d_lr), ("real_target", args.real_target),
                 ("ema", args.ema))
    if args.width is not None and recipe["kind"] == "dense":
        p.error("--width applies to the dcgan and cgan recipes only")
    if args.body is not None and recipe["kind"] != "cgan":
        p.error("--body applies to the cgan recipe only")
    if args.spectral_norm and recipe["kind"] != "dcgan":
        p.error("--spectral-norm applies to the dcgan recipe only")
    if args.r1 is not None and not args.r1 >= 0:
        p.error("--r1 must be >= 0")
    if args.ema is not None and recipe["kind"] == "cgan":
        p.error("--ema applies to the dense and dcgan recipes")
    if args.ema is not None and not 0 < args.ema < 1:
        p.error("--ema must lie strictly between 0 and 1 (e.g. 0.999)")
    if args.real_target is not None and not 0.5 < args.real_target <= 1:
        p.error("--real-target must lie in (0.5, 1] (0.9: one-sided label smoothing)")
    if args.real_target is not None and args.loss == "hinge":
        p.error("--real-target applies to the standard loss only, not hinge")
    if args.decay_steps is not None and args.decay_steps < 1:
        p.error("--decay-steps must be a positive number of steps")
    if args.labels_per_class < 1:
        p.error("--labels-per-class must be a positive number of images per digit")
    recipe.update({k: v for k, v in overrides if v is not None})

    x, y = gh.load_mnist(verbose=False)
    real = x[:N_EVAL]  # real-vs-real: the first N_EVAL train-split images, every recipe
    if recipe["kind"] == "cgan":
        # Notebook 07's labelled subset: the first n of a seeded permutation of each digit.
        order = gh.rng(0)
        pool = [order.permutation(np.flatnonzero(y == k)) for k in range(10)]
        if min(len(q) for q in pool) < args.labels_per_class:
            p.error(f"--labels-per-class {args.labels_per_class}: the train split has only "
                    f"{min(len(q) for q in pool)} images of its rarest digit")
        idx = np.concatenate([q[:args.labels_per_class] for q in pool])
        x, y = x[idx], y[idx]
        recipe["labels_per_class"] = args.labels_per_class
    reference, _ = gh.load_mnist(split="reference", verbose=False)
    ref_stats = gh.metrics.image_statistics(reference[:N_EVAL])
    print(json.dumps(dict(recipe=args.recipe, **{k: v for k, v in recipe.items() if k != "kind"},
                          real_vs_real=round(gh.metrics.fid(ref_stats, real), 2),
                          n_eval=N_EVAL)), flush=True)
    for seed in seeds:
        gan = build(recipe, seed)
        conditional = recipe["kind"] == "cgan"
        data = gh.mnist_dataset(recipe["batch"], images=x, labels=y if conditional else None,
                                with_labels=conditional, shuffle_seed=seed).repeat()
        z = gh.rng(1).standard_normal((N_EVAL, gan.latent_dim)).astype(np.float32)
        # Digits interleaved (0, 1, ..., 9, 0, 1, ...): the classifier score's ten parts are
        # consecutive, and sorted digits would put one class in each part.
        asked = np.tile(np.arange(10, dtype=np.int32), N_EVAL // 10)
        done, seconds = 0, 0.0
        for target in steps:
            start = time.perf_counter()
            gan.fit(data, epochs=1, steps_per_epoch=target - done, verbose=0,
                    callbacks=[gh.GeneratorEMA()] if recipe.get("ema") else None)
            seconds += time.perf_counter() - start
            done = target
            fake = gan.generate(z=z, labels=asked) if conditional else gan.generate(z=z)
            hist = gh.metrics.class_histogram(fake)
            extra = {}
            if conditional:
                read = gh.metrics.classifier_logits(fake).argmax(axis=1)
                acc = gh.conditional.per_class_accuracy(read, asked, 10)
                extra = dict(class_acc_mean=round(float(acc.mean()), 3),
                             class_acc_min=round(float(acc.min()), 3),
                             class_acc=np.round(acc, 2).tolist())
            if recipe.get("ema") and not conditional:
                averaged = gh.ema_generator(gan).predict(z, batch_size=500, verbose=0)
                extra.update(
                    fid_ema=round(gh.metrics.fid(ref_stats, averaged), 1),
                    score_ema=round(gh.metrics.classifier_score(averaged)[0], 2),
                    min_digit_share_ema=round(
                        float(gh.metrics.class_histogram(averaged).counts.min()) / N_EVAL, 3))
            print(json.dumps(dict(
                recipe=args.recipe, seed=seed, steps=target, train_s=round(seconds, 1), **extra,
                fid=round(gh.metrics.fid(ref_stats, fake), 1),
                score=round(gh.metrics.classifier_score(fake)[0], 2),
                min_digit_share=round(float(hist.counts.min()) / len(fake), 3),
                counts=hist.counts.tolist())), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
