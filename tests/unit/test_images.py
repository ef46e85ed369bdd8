"""The one image rule (gan_helpers.images), at every entry point that reads images:
the converter itself, the data pipeline, GAN.fit, ConditionalGAN.fit and the metrics."""
import keras
import numpy as np
import pytest

import gan_helpers as gh
import gan_helpers.metrics as M
from gan_helpers import conditional, images

pytestmark = pytest.mark.filterwarnings("ignore:.*covariance is singular")
RNG = np.random.default_rng(0)
PIXELS = RNG.integers(0, 256, size=(32, 28, 28)).astype(np.uint8)
UNIT = (PIXELS.astype(np.float32) - 127.5) / 127.5


def _gan():
    g = gh.dense_generator(latent_dim=4, widths=(8,), output_shape=(28, 28, 1))
    gan = gh.GAN(g, gh.dense_discriminator(input_shape=(28, 28, 1), widths=(8,)), seed=0)
    gan.compile(d_optimizer=keras.optimizers.Adam(), g_optimizer=keras.optimizers.Adam(),
                jit_compile=False)
    return gan


def _cgan():
    g = conditional.conditional_generator(latent_dim=4, width=0.25)
    cgan = conditional.ConditionalGAN(g, conditional.conditional_discriminator(width=0.25),
                                      seed=0)
    cgan.compile(d_optimizer=keras.optimizers.Adam(), g_optimizer=keras.optimizers.Adam(),
                 jit_compile=False)
    return cgan


# Every entry point, as a function of one image batch.
ENTRY_POINTS = {
    "to_unit_range": gh.to_unit_range,
    "mnist_dataset": lambda x: gh.mnist_dataset(8, images=x),
    "GAN.fit": lambda x: _gan().fit(x, batch_size=16, epochs=1, verbose=0),
    "ConditionalGAN.fit": lambda x: _cgan().fit(x, np.arange(len(x)) % 10, batch_size=16,
                                                epochs=1, verbose=0),
    "metrics.as_model_input": M.as_model_input,
    "metrics.fid": lambda x: M.fid(x, PIXELS),
    "metrics.class_histogram": M.class_histogram,
}

with_nan = UNIT.copy()
with_nan[0, 0, 0] = np.nan
with_inf = UNIT.copy()
with_inf[1, 2, 3] = -np.inf
BAD = [
    # (what, images, message fragment)
    ("booleans", PIXELS > 127, r"a mask is not an image"),
    ("NaN", with_nan, r"NaN or infinite"),
    ("Inf", with_inf, r"NaN or infinite"),
    ("[0, 255] pixels stored as floats", PIXELS.astype(np.float64), r"\(x - 127.5\) / 127.5"),
    ("floats far outside [-1, 1]", UNIT * 3, r"must lie in \[-1, 1\]"),
    ("int64 pixels above 255", PIXELS.astype(np.int64) * 2, r"must lie in \[0, 255\]"),
    ("negative integer pixels", PIXELS.astype(np.int16) - 128, r"must lie in \[0, 255\]"),
    ("complex numbers", UNIT.astype(np.complex64), r"real numbers"),
    ("text", np.full((4, 28, 28), "a"), r"uint8 in \[0, 255\] or floats in \[-1, 1\]"),
    ("channels first", UNIT[:, None], r"move the channel axis last"),
    ("an empty batch", UNIT[:0], r"empty batch"),
]


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("what, x, message", BAD, ids=[b[0] for b in BAD])
def test_every_entry_point_refuses_the_same_inputs(entry, what, x, message):
    with pytest.raises(ValueError, match=message):
        ENTRY_POINTS[entry](x)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.int16, np.int32, np.int64])
def test_integer_pixels_mean_the_same_whatever_their_integer_dtype(dtype):
    x = PIXELS.astype(dtype)
    np.testing.assert_array_equal(gh.to_unit_range(x), UNIT[..., None])
    np.testing.assert_array_equal(M.as_model_input(x), UNIT[..., None])
    assert M.fid(x, PIXELS) == pytest.approx(M.fid(PIXELS, PIXELS), abs=1e-6)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_floats_in_unit_range_are_kept_and_a_rounding_overshoot_is_clipped(dtype):
    x = UNIT.astype(dtype)
    np.testing.assert_allclose(gh.to_unit_range(x)[..., 0], UNIT, atol=1e-3)
    over = np.full((2, 28, 28), 1 + images.TOLERANCE / 2, dtype=np.float64)
    assert gh.to_unit_range(over).max() == 1.0
    assert M.as_model_input(over).max() == 1.0


def test_channel_axis_is_added_and_the_result_is_float32():
    out = gh.to_unit_range(PIXELS)
    assert out.shape == (32, 28, 28, 1) and out.dtype == np.float32
    assert gh.to_unit_range(UNIT[..., None]).shape == (32, 28, 28, 1)


def test_gan_fit_trains_on_integer_pixels_exactly_as_on_their_unit_range():
    a, b = _gan(), _gan()
    b.set_weights(a.get_weights())
    a.fit(PIXELS.astype(np.int32), batch_size=16, epochs=1, verbose=0)
    b.fit(UNIT[..., None], batch_size=16, epochs=1, verbose=0)
    for wa, wb in zip(a.generator.get_weights(), b.generator.get_weights()):
        np.testing.assert_array_equal(wa, wb)


def test_as_samples_checks_non_image_samples():
    pts = RNG.normal(size=(10, 2)) * 5  # any range
    assert images.as_samples(pts, shape=(2,)).dtype == np.float32
    with pytest.raises(ValueError, match="NaN or infinite"):
        images.as_samples(np.array([[np.nan, 0.0]]))
    with pytest.raises(ValueError, match="a mask is not an image"):
        images.as_samples(pts > 0)
    with pytest.raises(ValueError, match=r"expected \(3,\)"):
        images.as_samples(pts, shape=(3,))


def test_toy_gan_fit_refuses_nan_samples():
    g = gh.dense_generator(latent_dim=2, widths=(4,), output_shape=(2,), output_activation=None)
    gan = gh.GAN(g, gh.dense_discriminator(input_shape=(2,), widths=(4,)))
    gan.compile(d_optimizer=keras.optimizers.Adam(), g_optimizer=keras.optimizers.Adam(),
                jit_compile=False)
    pts = RNG.normal(size=(16, 2)).astype(np.float32)
    pts[3, 1] = np.nan
    with pytest.raises(ValueError, match=r"GAN.fit: real samples: 1 values are NaN"):
        gan.fit(pts, batch_size=8, epochs=1, verbose=0)


def test_shifted_holds_every_shift_within_the_radius_once():
    from gan_helpers.images import shifted
    x = np.arange(2 * 5 * 5).reshape(2, 5, 5)
    out = shifted(x, radius=1)
    assert out.shape == (18, 5, 5)
    np.testing.assert_array_equal(out[8:10], x)              # (0, 0), the middle of 9 shifts
    np.testing.assert_array_equal(out[0], np.roll(x[0], (-1, -1), axis=(0, 1)))
    assert shifted(x[..., None], radius=0).shape == (2, 5, 5, 1)
    with pytest.raises(ValueError, match="radius"):
        shifted(x, radius=-1)
