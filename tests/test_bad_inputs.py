"""Bad input across the public API: each raises an error that says what was wrong and
what to do. The table is the list the closing notes refer to; it spans the
package's modules, so it sits beside test_project.py rather than in tests/unit/ (which
mirrors gan_helpers/ module by module). The image rule's own cases, at every entry point,
are in tests/unit/test_images.py."""
import os

import keras
import numpy as np
import pytest

import gan_helpers as gh
import gan_helpers.metrics as M
from gan_helpers import runtime

RNG = np.random.default_rng(0)
IMAGES = RNG.integers(0, 256, size=(8, 28, 28)).astype(np.uint8)
FEATS = RNG.normal(size=(300, 4))


def _gan():
    g = gh.dense_generator(latent_dim=4, widths=(8,), output_shape=(28, 28, 1))
    d = gh.dense_discriminator(input_shape=(28, 28, 1), widths=(8,))
    gan = gh.GAN(g, d)
    gan.compile(d_optimizer=keras.optimizers.Adam(),
                g_optimizer=keras.optimizers.Adam(), jit_compile=False)
    return gan


def _set_profile(value):
    os.environ[runtime.PROFILE_ENV] = value
    try:
        return gh.profile(smoke=dict(n=1), quick=dict(n=2), full=dict(n=3))
    finally:
        os.environ[runtime.PROFILE_ENV] = "smoke"


def _one_optimizer_for_both(tmp):
    opt = keras.optimizers.Adam()
    return _gan().compile(d_optimizer=opt, g_optimizer=opt)


def _corrupt_weights(tmp):
    bad = tmp / "broken.weights.h5"
    bad.write_bytes(b"not an HDF5 file")
    return M.load_classifier(str(bad))


def _incompatible_checkpoint(tmp):
    gan = _gan()
    gh.GANCheckpoint(gan, str(tmp / "c"), verbose=False).save(1)
    g = gh.dense_generator(latent_dim=4, widths=(16,), output_shape=(28, 28, 1))
    other = gh.GAN(g, gh.dense_discriminator(input_shape=(28, 28, 1), widths=(16,)))
    other.compile(d_optimizer=keras.optimizers.Adam(),
                  g_optimizer=keras.optimizers.Adam(), jit_compile=False)
    return gh.GANCheckpoint(other, str(tmp / "c"), verbose=False).restore()


def _unwritable_checkpoint_dir(tmp):
    (tmp / "file").write_text("x")
    return gh.GANCheckpoint(_gan(), str(tmp / "file" / "ckpts"))


CASES = [
    # (what is wrong, call, error type, message fragment that says what to do)
    ("channels-first images into training",
     lambda t: _gan().fit(gh.to_unit_range(IMAGES).transpose(0, 3, 1, 2), epochs=1, verbose=0),
     ValueError, r"move the channel axis last"),
    ("a boolean mask into training",
     lambda t: _gan().fit(IMAGES[..., None] > 127, epochs=1, verbose=0),
     ValueError, r"a mask is not an image"),
    ("[0, 255] floats into training",
     lambda t: _gan().fit(IMAGES[..., None].astype("float32"), epochs=1, verbose=0),
     ValueError, r"scale with \(x - 127.5\)"),
    ("[0, 255] floats into the data pipeline",
     lambda t: gh.mnist_dataset(4, images=IMAGES.astype("float32")),
     ValueError, r"pass them as uint8"),
    ("text instead of images",
     lambda t: gh.to_unit_range(np.full((2, 28, 28), "a")),
     ValueError, r"uint8 in \[0, 255\] or floats in \[-1, 1\]"),
    ("a single image without a batch axis",
     lambda t: gh.to_unit_range(np.zeros(28)),
     ValueError, r"needs a batch axis"),
    ("batch larger than the data",
     lambda t: gh.mnist_dataset(64, images=IMAGES),
     ValueError, r"lower batch_size"),
    ("[0, 255] floats into fid",
     lambda t: M.fid(IMAGES.astype("float32"), IMAGES),
     ValueError, r"127\.5"),
    ("wrong image shape into fid",
     lambda t: M.fid(np.zeros((8, 32, 32), np.uint8), IMAGES),
     ValueError, r"\(N, 28, 28\)"),
    ("fewer than 2 samples",
     lambda t: M.feature_statistics(FEATS[:1]),
     ValueError, r"at least 2 samples"),
    ("feature dimensions differ",
     lambda t: M.frechet_distance(*M.feature_statistics(FEATS),
                                  *M.feature_statistics(FEATS[:, :3])),
     ValueError, r"feature dimensions differ"),
    ("non-finite features",
     lambda t: M.feature_statistics(np.where(FEATS > 2, np.nan, FEATS)),
     ValueError, r"NaN or infinite"),
    ("unknown extractor",
     lambda t: M.fid(IMAGES, IMAGES, extractor="resnet"),
     ValueError, r"use 'mnist', 'inception'"),
    ("latent dimension mismatch",
     lambda t: gh.GAN(gh.dense_generator(latent_dim=4, widths=(8,)),
                      gh.dense_discriminator(widths=(8,)), latent_dim=100),
     ValueError, r"pass latent_dim=4 or omit it"),
    ("latents of the wrong shape",
     lambda t: _gan().generate(z=np.zeros((2, 5))),
     ValueError, r"z must have shape \(n, 4\)"),
    ("unknown profile",
     lambda t: _set_profile("bogus"),
     ValueError, r"use one of: smoke, quick, full"),
    ("unknown data source",
     lambda t: gh.load_mnist(source="kaggle"),
     ValueError, r"auto, keras, bundled"),
    ("unknown generator loss",
     lambda t: _gan().compile(d_optimizer=keras.optimizers.Adam(),
                              g_optimizer=keras.optimizers.Adam(), generator_loss="least_squares"),
     ValueError, r"use one of non_saturating, minimax"),
    ("optimisers passed by position",
     lambda t: _gan().compile(keras.optimizers.Adam(), keras.optimizers.Adam()),
     TypeError, r"takes its optimisers by keyword"),
    ("one optimiser missing",
     lambda t: _gan().compile(d_optimizer=keras.optimizers.Adam()),
     TypeError, r"missing: g_optimizer"),
    ("one optimizer for both players",
     _one_optimizer_for_both,
     ValueError, r"two distinct optimizer"),
    ("label-smoothing target outside [0, 1]",
     lambda t: gh.minimax_discriminator_loss(np.zeros((1, 1)), np.zeros((1, 1)),
                                             real_target=1.1),
     ValueError, r"must lie in \[0, 1\]"),
    ("missing classifier weights",
     lambda t: M.load_classifier(str(t / "missing.weights.h5")),
     FileNotFoundError, r"train_classifier"),
    ("corrupted classifier weights",
     _corrupt_weights,
     RuntimeError, r"train_classifier"),
    ("checkpoint folder not writable",
     _unwritable_checkpoint_dir,
     PermissionError, r"Choose a folder you can write to"),
    ("resuming from an incompatible checkpoint",
     _incompatible_checkpoint,
     ValueError, r"use a new folder for this model"),
    ("overwriting a saved figure",
     lambda t: [gh.save_image_grid(IMAGES, str(t / "g.png")) for _ in range(2)],
     FileExistsError, r"choose a new file name"),
]


@pytest.mark.parametrize("what, call, error, message", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_explained(what, call, error, message, tmp_path):
    with pytest.raises(error, match=message) as err:
        call(tmp_path)
    print(f"{what}: {type(err.value).__name__}: {err.value}")


def test_there_are_at_least_fifteen_distinct_cases():
    assert len({c[0] for c in CASES}) >= 15
