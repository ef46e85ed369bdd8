"""Notebook 07's exercise checkers accept right answers (the reference and independent
solutions, NumPy and Keras) and reject the usual mistakes, each with its own hint."""
import keras
import numpy as np
import pytest

from gan_helpers import checks, conditional
from gan_helpers.checks import nb07_conditional as nb07

# --- exercise 1: join_label -------------------------------------------------------------------

def join_label_keras(z, labels, n_classes):
    one_hot = keras.ops.one_hot(np.asarray(labels), n_classes)
    return keras.ops.concatenate([keras.ops.convert_to_tensor(z), one_hot], axis=1)


def test_join_label_accepts_right_answers(passes):
    assert passes(checks.check_join_label, nb07._reference_join_label) == 0
    assert passes(checks.check_join_label, join_label_keras) == 0   # a tensor, not an array
    assert passes(checks.check_join_label,
                  lambda z, y, k: np.hstack([z, (np.arange(k) == y[:, None])])) == 0


def test_join_label_matches_the_generators_own_join():
    """The exercise computes exactly what the one-hot generator's first layer receives."""
    for z, y, k in nb07._join_label_cases():
        g = conditional.conditional_generator(latent_dim=z.shape[1], n_classes=k, join="onehot",
                                              width=0.1)
        first = keras.Model(g.inputs, g.get_layer("z_and_label").output)
        np.testing.assert_allclose(first([z, y]), nb07._reference_join_label(z, y, k))


@pytest.mark.parametrize("wrong, phrase", [
    (lambda z, y, k: np.concatenate([z, y[:, None]], axis=1), "as one number"),
    (lambda z, y, k: np.concatenate([z, np.eye(y.max() + 1)[y]], axis=1), "largest label"),
    (lambda z, y, k: z + np.eye(k)[y][:, :z.shape[1]], "added the one-hot"),
    (lambda z, y, k: np.concatenate([np.eye(k)[y], z], axis=1), "wrong order"),
    (lambda z, y, k: np.concatenate([z, 1 - np.eye(k)[y]], axis=1), "1 at the label"),
    (lambda z, y, k: np.concatenate([z, np.eye(k)[(y + 1) % k]], axis=1), "np.concatenate"),
    (lambda z, y, k: 1 / 0, "ZeroDivisionError"),
])
def test_join_label_rejects_mistakes(wrong, phrase, rejects):
    rejects(checks.check_join_label, wrong, phrase)


# --- exercise 2: join_image_label -------------------------------------------------------------

def join_image_tile(x, y, k):
    n, h, w, _ = x.shape
    return np.concatenate([x, np.tile(np.eye(k)[y][:, None, None, :], (1, h, w, 1))], axis=-1)


def test_join_image_label_accepts_right_answers(passes):
    assert passes(checks.check_join_image_label, nb07._reference_join_image_label) == 0
    assert passes(checks.check_join_image_label, join_image_tile) == 0


def test_join_image_label_matches_the_discriminators_own_join():
    d = conditional.conditional_discriminator(join="onehot", width=0.1)
    first = keras.Model(d.inputs, d.get_layer("image_and_label").output)
    x, y, k = nb07._join_image_cases()[1]
    np.testing.assert_allclose(first([x, y]), nb07._reference_join_image_label(x, y, k))


def _planes(x, y, k):
    return nb07._reference_join_image_label(x, y, k)[..., 1:]


@pytest.mark.parametrize("wrong, phrase", [
    (lambda x, y, k: np.moveaxis(_planes(x, y, k), -1, 1), "channels-first"),
    (_planes, "only the label planes"),
    (lambda x, y, k: np.swapaxes(nb07._reference_join_image_label(x, y, k), 1, 2), "swapped"),
    (lambda x, y, k: np.concatenate([x, np.broadcast_to(y[:, None, None, None], x.shape)], -1),
     "label number"),
    (lambda x, y, k: np.concatenate([_planes(x, y, k), x], axis=-1), "wrong order"),
    (lambda x, y, k: np.concatenate(
        [x, np.repeat(np.eye(k)[y], x.shape[1] * x.shape[2], axis=1).reshape(
            len(x), x.shape[1], x.shape[2], k)], axis=-1), "scrambles the planes"),
    (lambda x, y, k: np.concatenate([x, 0.5 * _planes(x, y, k)], axis=-1), "broadcast_to"),
])
def test_join_image_label_rejects_mistakes(wrong, phrase, rejects):
    rejects(checks.check_join_image_label, wrong, phrase)


# --- exercise 3: per_class_accuracy -----------------------------------------------------------

def per_class_confusion(predicted, requested, n_classes):
    m = np.zeros((n_classes, n_classes))
    np.add.at(m, (requested, predicted), 1)
    return np.diag(m) / m.sum(axis=1)


def _per_class_by_hand(predicted, requested, n_classes):
    return np.array([np.mean(predicted[requested == k] == k) for k in range(n_classes)])


def test_per_class_accuracy_accepts_right_answers(passes):
    assert passes(checks.check_per_class_accuracy, _per_class_by_hand) == 0
    assert passes(checks.check_per_class_accuracy, per_class_confusion) == 0
    assert passes(checks.check_per_class_accuracy, conditional.per_class_accuracy) == 0


def test_per_class_cases_separate_recall_from_precision():
    """Unequal class counts make the mistakes differ from the answer by far more than the
    tolerance; and one class has no hits, so bincount without minlength comes out short."""
    (p, r, k), _ = nb07._per_class_cases()
    recall = _per_class_by_hand(p, r, k)
    precision = np.array([np.mean(r[p == c] == c) for c in range(k)])
    assert np.max(np.abs(recall - precision)) > 0.05 and recall[9] == 0


@pytest.mark.parametrize("wrong, phrase", [
    (lambda p, r, k: np.array([np.mean(r[p == c] == c) if np.any(p == c) else 0.0
                               for c in range(k)]), "precision"),
    (lambda p, r, k: np.full(k, np.mean(p == r)), "overall accuracy"),
    (lambda p, r, k: np.bincount(r[p == r], minlength=k) / len(r), "own count"),
    (lambda p, r, k: np.bincount(r[p == r]) / np.bincount(r)[: r[p == r].max() + 1], "minlength"),
    (lambda p, r, k: np.mean(p == r), "one accuracy per class"),
    (lambda p, r, k: 1 - _per_class_by_hand(p, r, k), "requested == k"),
])
def test_per_class_accuracy_rejects_mistakes(wrong, phrase, rejects):
    rejects(checks.check_per_class_accuracy, wrong, phrase)


# --- exercise 4 (derive): expected_class_accuracy ---------------------------------------------

def expected_by_total_probability(a, k):
    """The derivation written out: condition on the digit the generator draws."""
    ignoring = sum((1 / k) * (a if j == 0 else (1 - a) / (k - 1)) for j in range(k))
    return [ignoring, a]


def test_expected_class_accuracy_accepts_right_answers(passes):
    assert passes(checks.check_expected_class_accuracy,
                  nb07._reference_expected_class_accuracy) == 0
    assert passes(checks.check_expected_class_accuracy, expected_by_total_probability) < 1e-12
    assert passes(checks.check_expected_class_accuracy,
                  lambda a, k: (np.float32(1) / k, np.asarray(a))) < 1e-6


def test_expected_class_accuracy_matches_a_simulated_judge():
    """The answer is what a simulated label-ignoring generator and perfect generator score
    under a judge that is right with probability a and errs evenly (Monte Carlo, 4 sd)."""
    rng = np.random.default_rng(0)
    for a, k in nb07._expected_cases():
        n = 200_000
        requested = rng.integers(0, k, n)
        for drawn, want in ((rng.integers(0, k, n), 1 / k), (requested, a)):
            wrong = rng.random(n) >= a
            judged = np.where(wrong, (drawn + rng.integers(1, k, n)) % k, drawn)
            acc = conditional.per_class_accuracy(judged, requested, k)
            assert np.all(np.abs(acc - want) < 4 * np.sqrt(want * (1 - want) * k / n) + 1e-12)


@pytest.mark.parametrize("wrong, phrase", [
    (lambda a, k: (0.0, a), "by luck"),
    (lambda a, k: (a / k, a), "misreadings"),
    (lambda a, k: (a / k + (1 - a) * (k - 1) / k, a), "1 time in K − 1"),
    (lambda a, k: ((1 - a) / (k - 1), a), "average over every digit"),
    (lambda a, k: (0.1, 0.95), "chance for ten classes"),
    (lambda a, k: (1 / k, 1.0), "the judge is not"),
    (lambda a, k: (1 / k, 0.95), "judge_accuracy you are given"),
    (lambda a, k: (a, 1 / k), "wrong order"),
    (lambda a, k: (1 / k,), "two numbers|tuple of 2"),
    (lambda a, k: (1 / k, a * a), "how often"),
    (lambda a, k: (1 / (k - 1), a), "Σ_j P"),
])
def test_expected_class_accuracy_rejects_mistakes(wrong, phrase, rejects):
    rejects(checks.check_expected_class_accuracy, wrong, phrase)
