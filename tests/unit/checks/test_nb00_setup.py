"""Notebook 00's checkers accept right answers and name the usual mistakes."""
import numpy as np
import pytest
import tensorflow as tf

from gan_helpers import checks, images

# --- exercise 1: scale_images -----------------------------------------------------------------

@pytest.mark.parametrize("answer", [
    lambda x: ((x.astype(np.float32) - 127.5) / 127.5)[..., None],
    lambda x: (x.astype(np.float32) / 127.5 - 1.0)[:, :, :, np.newaxis],
    lambda x: tf.expand_dims(tf.cast(x, tf.float32) / 127.5 - 1.0, -1),
    images.to_unit_range,
])
def test_scale_images_accepts_right_answers(answer, passes):
    assert passes(checks.check_scale_images, answer) <= 1e-4


@pytest.mark.parametrize("wrong, phrase", [
    (lambda x: (x.astype(np.float32) / 255.0)[..., None], "x / 255 gives \\[0, 1\\]"),
    (lambda x: (x.astype(np.float32) / 127.5)[..., None], "subtract 127.5 first"),
    (lambda x: ((x - 127.5) / 127.5)[..., None], "return float32 \\(got float64\\)"),
    (lambda x: (x.astype(np.float32) - 127.5) / 127.5, "add a channel axis"),
    (lambda x: ((x.astype(np.float32) - 128) / 128)[..., None], "map 0 -> -1 and 255 -> \\+1"),
    (lambda x: x.astype(np.float32).reshape(-1),
     "has shape \\(2352,\\), expected \\(3, 28, 28, 1\\)"),
])
def test_scale_images_names_the_mistake(wrong, phrase, rejects):
    rejects(checks.check_scale_images, wrong, phrase)


def test_scale_images_reports_an_exception_with_the_hint(rejects):
    rejects(checks.check_scale_images, lambda x: x.astype(np.float32) / None,
            "raised TypeError: .*Hint: map 0 -> -1")


def test_scale_images_reference_is_the_library_scaling():
    x = np.arange(256, dtype=np.uint8).reshape(1, 16, 16)
    np.testing.assert_array_equal(images.to_unit_range(x),
                                  ((x.astype(np.float32) - 127.5) / 127.5)[..., None])


# --- exercise 2: steps_per_epoch --------------------------------------------------------------

@pytest.mark.parametrize("answer", [
    lambda n, b: n // b,
    lambda n, b: int(np.floor(n / b)),
    lambda n, b: len(range(0, n - b + 1, b)),
])
def test_steps_per_epoch_accepts_right_answers(answer, passes):
    assert passes(checks.check_steps_per_epoch, answer) == 0


@pytest.mark.parametrize("wrong, phrase", [
    (lambda n, b: -(-n // b), "counts the short last batch too"),
    (lambda n, b: int(np.ceil(n / b)), "drop_remainder=True drops it"),
    (lambda n, b: n / b, "use integer division"),
    (lambda n, b: round(n / b), "use integer division"),
    (lambda n, b: [n // b], "has shape \\(1,\\), expected \\(\\)"),
])
def test_steps_per_epoch_names_the_mistake(wrong, phrase, rejects):
    rejects(checks.check_steps_per_epoch, wrong, phrase)
