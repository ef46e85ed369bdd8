"""Checkers for notebooks/07_conditional_gan_augmentation.ipynb.

Exercise 1, ``join_label``: z with the label's one-hot appended, as the one-hot generator's
first layer sees it. Exercise 2, ``join_image_label``: the image with one constant plane per
class, as the one-hot discriminator sees it. Exercise 3, ``per_class_accuracy``: each class's
recall, against :func:`gan_helpers.conditional.per_class_accuracy`. The usual mistakes: a
label fed as one number, a one-hot as wide as the batch's largest label, pieces concatenated
in the wrong order, repeat-and-reshape mixing up the planes, precision where recall is asked.
Exercise 4, ``expected_class_accuracy`` (derive): the per-class accuracy an imperfect judge
gives a label-ignoring generator (1/K, whatever the judge) and a perfect one (the judge's own
accuracy). The usual mistakes: 0 for chance, a/K (the judge's misreadings that land on k
forgotten), 1.0 for a perfect generator, the notebook's 0.1 and 0.95 hard-coded.
"""
import numpy as np

from .. import conditional
from .core import check_function, check_parts, exercise


def _one_hot(labels, n_classes):
    return np.eye(n_classes, dtype=np.float32)[np.asarray(labels)]


# --- exercise 1: join_label -------------------------------------------------------------------

def _reference_join_label(z, labels, n_classes):
    """[z, one_hot(labels)]: the output of the one-hot generator's layer "z_and_label"."""
    return np.concatenate([np.asarray(z, np.float32), _one_hot(labels, n_classes)], axis=1)


def _join_label_cases():
    rng = np.random.default_rng(7)
    return [(rng.standard_normal((5, 4)).astype(np.float32), np.array([3, 0, 9, 3, 1]), 10),
            # no 9 in this batch: a one-hot as wide as labels.max() + 1 comes out too narrow
            (rng.standard_normal((3, 6)).astype(np.float32), np.array([0, 2, 1]), 10),
            (rng.standard_normal((4, 2)).astype(np.float32), np.array([2, 2, 0, 1]), 3)]


@exercise(reference=_reference_join_label)
def check_join_label(join_label):
    """07, exercise 1: ``join_label(z, labels, n_classes)`` = [z, one_hot(labels)]."""
    check_function(
        "join_label", join_label, _reference_join_label, _join_label_cases(),
        wrong_shapes=[
            (lambda z, y, k: (len(z), z.shape[1] + 1),
             "you appended the label as one number. Labels are categories, not amounts: as a "
             "number, 8 would look 'twice as much' as 4. Append its one-hot vector instead."),
            (lambda z, y, k: (len(z), z.shape[1] + int(y.max()) + 1),
             "the one-hot is as wide as this batch's largest label + 1; use n_classes columns, "
             "or a batch without 9s would change the generator's input size."),
            (lambda z, y, k: z.shape,
             "you added the one-hot to z; concatenate it (a new set of columns) instead."),
        ],
        wrong_answers=[
            (lambda z, y, k: np.concatenate([_one_hot(y, k), z], axis=1),
             "right pieces, wrong order: z first, then the one-hot (the generator's first layer "
             "reads its inputs by position)."),
            (lambda z, y, k: np.concatenate([z, 1 - _one_hot(y, k)], axis=1),
             "the one-hot must be 1 at the label's position and 0 elsewhere."),
        ],
        hint="np.concatenate([z, np.eye(n_classes)[labels]], axis=1): the noise first, then "
             "n_classes one-hot columns.")


# --- exercise 2: join_image_label -------------------------------------------------------------

def _reference_join_image_label(images, labels, n_classes):
    """The images with n_classes constant planes appended: the output of the one-hot
    discriminator's layer "image_and_label"."""
    images = np.asarray(images, np.float32)
    n, h, w, _ = images.shape
    planes = np.broadcast_to(_one_hot(labels, n_classes)[:, None, None, :], (n, h, w, n_classes))
    return np.concatenate([images, planes], axis=-1)


def _join_image_cases():
    rng = np.random.default_rng(8)
    # a non-square image catches height and width swapped
    return [(rng.uniform(-1, 1, (4, 6, 5, 1)).astype(np.float32), np.array([1, 0, 3, 1]), 4),
            (rng.uniform(-1, 1, (3, 28, 28, 1)).astype(np.float32), np.array([7, 0, 2]), 10)]


def _repeated_planes(x, y, k):
    """The label planes made by repeat-then-reshape, which scrambles them."""
    n, h, w = x.shape[:3]
    planes = np.repeat(_one_hot(y, k), h * w, axis=1).reshape(n, h, w, k)
    return np.concatenate([np.asarray(x, np.float32), planes], axis=-1)


@exercise(reference=_reference_join_image_label)
def check_join_image_label(join_image_label):
    """07, exercise 2: ``join_image_label(images, labels, n_classes)`` = the images with
    n_classes constant planes appended (channels last), plane k all ones where label = k."""
    check_function(
        "join_image_label", join_image_label, _reference_join_image_label, _join_image_cases(),
        wrong_shapes=[
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
        ],
        wrong_answers=[
            (lambda x, y, k: np.concatenate([_reference_join_image_label(x, y, k)[..., 1:],
                                             np.asarray(x, np.float32)], axis=-1),
             "right pieces, wrong order: the image channel first, then the label planes."),
            (_repeated_planes,
             "repeat-then-reshape scrambles the planes (each plane must be constant: all ones "
             "or all zeros). Broadcast one_hot[:, None, None, :] instead of reshaping a repeat."),
        ],
        hint="one_hot[:, None, None, :] has shape (N, 1, 1, n_classes); np.broadcast_to it to "
             "(N, H, W, n_classes) and concatenate it after the image channels (axis=-1).")


# --- exercise 3: per_class_accuracy -----------------------------------------------------------

def _per_class_cases():
    rng = np.random.default_rng(9)
    requested = np.repeat(np.arange(10), [30, 5, 12, 40, 8, 20, 15, 9, 25, 6])
    predicted = np.where(rng.random(len(requested)) < 0.6, requested,
                         rng.integers(0, 10, len(requested)))
    predicted[requested == 9] = 3           # class 9 never right: no hits at all
    small_req = np.array([0, 0, 1, 2, 2, 2])
    small_pred = np.array([0, 2, 1, 2, 0, 2])
    return [(predicted, requested, 10), (small_pred, small_req, 3)]


def _precision(p, r, k):
    return np.array([np.mean(r[p == c] == c) if np.any(p == c) else 0.0 for c in range(k)])


@exercise(reference=conditional.per_class_accuracy)
def check_per_class_accuracy(per_class_accuracy):
    """07, exercise 3: for every class k, the fraction of the samples *requested* as k that
    the classifier *predicted* as k (each class's recall)."""
    check_function(
        "per_class_accuracy", per_class_accuracy, conditional.per_class_accuracy,
        _per_class_cases(),
        wrong_shapes=[
            (lambda p, r, k: (), "return one accuracy per class (an array of n_classes), not one "
                                 "number for all."),
            (lambda p, r, k: (int(r[p == r].max()) + 1,),
             "np.bincount drops classes beyond the largest one it sees; pass "
             "minlength=n_classes."),
        ],
        wrong_answers=[
            (_precision,
             "you divided by how many samples were *predicted* as k (that is precision); divide "
             "by how many were *requested* as k: we ask whether G obeys the label it was given."),
            (lambda p, r, k: np.full(k, np.mean(np.asarray(p) == np.asarray(r))),
             "that is the overall accuracy repeated for every class; count each class "
             "separately."),
            (lambda p, r, k: np.bincount(np.asarray(r)[np.asarray(p) == np.asarray(r)],
                                         minlength=k) / len(r),
             "you divided each class's hits by all samples; divide by that class's own count."),
        ],
        hint="for each k: among the samples with requested == k, the fraction with "
             "predicted == k, e.g. np.mean(predicted[requested == k] == k).")


# --- exercise 4 (derive): expected_class_accuracy ---------------------------------------------

def _reference_expected_class_accuracy(judge_accuracy, n_classes):
    """(label-ignoring G, perfect cGAN): the expected accuracy of every class under a judge
    right with probability a on every class, its errors spread evenly over the other K - 1.
    Label-ignoring: P(judged k | asked k) = (1/K) a + ((K - 1)/K) (1 - a)/(K - 1) = 1/K."""
    a, k = float(judge_accuracy), int(n_classes)
    return 1.0 / k, a


def _expected_cases():
    # a != 1/K and K != 10 in most cases, so that hard-coded or swapped answers show
    return [(0.95, 10), (0.8, 3), (0.6, 5), (0.99, 4)]


@exercise(reference=None)
def check_expected_class_accuracy(expected_class_accuracy):
    """07, exercise 4: ``expected_class_accuracy(judge_accuracy, n_classes)`` = (1/K, a): the
    expected per-class accuracy of a label-ignoring generator and of a perfect one, judged by
    a classifier right with probability a that spreads its errors evenly."""
    swapped = "you returned the two answers in the wrong order: (label-ignoring, perfect)."
    check_parts(
        "expected_class_accuracy", expected_class_accuracy, _reference_expected_class_accuracy,
        _expected_cases(), parts=("label-ignoring G", "perfect cGAN"), tol=1e-6,
        shape_hint="return two numbers, (label-ignoring, perfect).",
        wrong_answers={
            "label-ignoring G": [
                (lambda a, k: 0.0,
                 "a generator that ignores the label still draws the requested digit by luck, "
                 "1 time in n_classes: count P(draws digit j) · P(judge says k | digit j) over "
                 "every digit j."),
                (lambda a, k: a / k,
                 "a/K counts only the draws that happen to be digit k and are read correctly. "
                 "The judge's misreadings of the other digits land on k too: add "
                 "P(draws j ≠ k) · (1 − a)/(K − 1) for each of them."),
                (lambda a, k: a / k + (1 - a) * (k - 1) / k,
                 "a misread digit is called k only 1 time in K − 1 (the errors are spread over "
                 "the K − 1 other classes): (1 − a)/(K − 1), not (1 − a)."),
                (lambda a, k: (1 - a) / (k - 1),
                 "that is P(judge says k | a digit j ≠ k) alone; average over every digit j the "
                 "generator may draw, k itself included (probability 1/K each)."),
                (lambda a, k: 0.1,
                 "0.1 is chance for ten classes; write it for n_classes classes."),
                (lambda a, k: a, swapped),
            ],
            "perfect cGAN": [
                (lambda a, k: 1.0,
                 "the generator is perfect but the judge is not: a real digit of the requested "
                 "class is still misread with probability 1 − judge_accuracy."),
                (lambda a, k: 0.95,
                 "0.95 is this example's judge; use the judge_accuracy you are given."),
                (lambda a, k: 1.0 / k, swapped),
            ],
        },
        hints={"label-ignoring G":
               "condition on the digit j the generator draws (1/K each): P(judge says k) = "
               "Σ_j P(j) · P(judge says k | j), with P(k | k) = a and P(k | j ≠ k) = "
               "(1 − a)/(K − 1).",
               "perfect cGAN": "a perfect cGAN draws the requested digit every time; how often "
                               "does the judge read it as that digit?"})
