"""Loss values against hand-computed numbers on fixed logits."""
import math

import numpy as np
import pytest
import tensorflow as tf

from gan_helpers import losses as L

LOGITS_REAL = np.array([[2.0], [-1.0], [0.5]], dtype=np.float32)
LOGITS_FAKE = np.array([[-3.0], [0.0], [1.5]], dtype=np.float32)


def sig(x):
    return 1.0 / (1.0 + math.exp(-x))


def by_hand_bce(target, logits):
    return np.mean([-(target * math.log(sig(l)) + (1 - target) * math.log(1 - sig(l)))
                    for l in logits.ravel()])


def test_discriminator_loss_matches_hand_computation():
    want = by_hand_bce(1.0, LOGITS_REAL) + by_hand_bce(0.0, LOGITS_FAKE)
    got = float(L.minimax_discriminator_loss(LOGITS_REAL, LOGITS_FAKE))
    assert abs(got - want) <= 1e-6


def test_generator_losses_match_hand_computation():
    minimax = np.mean([math.log(1 - sig(l)) for l in LOGITS_FAKE.ravel()])
    non_sat = np.mean([-math.log(sig(l)) for l in LOGITS_FAKE.ravel()])
    assert abs(float(L.minimax_generator_loss(LOGITS_FAKE)) - minimax) <= 1e-6
    assert abs(float(L.non_saturating_generator_loss(LOGITS_FAKE)) - non_sat) <= 1e-6


def test_one_sided_smoothing_changes_only_the_real_targets():
    smooth = float(L.minimax_discriminator_loss(LOGITS_REAL, LOGITS_FAKE, real_target=0.9))
    want = by_hand_bce(0.9, LOGITS_REAL) + by_hand_bce(0.0, LOGITS_FAKE)
    assert abs(smooth - want) <= 1e-6
    # The fake half of the loss is untouched: with no real samples' influence removed,
    # the difference is entirely the real term's.
    fake_only = float(L.bce_with_logits(0.0, LOGITS_FAKE))
    assert abs((smooth - float(L.bce_with_logits(0.9, LOGITS_REAL))) - fake_only) <= 1e-6
    # ...and the gradient w.r.t. fake logits is the same with or without smoothing.
    real, fake = tf.constant(LOGITS_REAL), tf.constant(LOGITS_FAKE)
    grads = []
    for target in (1.0, 0.9):
        with tf.GradientTape() as tape:
            tape.watch(fake)
            loss = L.minimax_discriminator_loss(real, fake, real_target=target)
        grads.append(tape.gradient(loss, fake).numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=0, atol=1e-7)


def test_losses_are_stable_for_huge_logits():
    big = np.array([[80.0], [-80.0]], dtype=np.float32)
    for value in (L.minimax_discriminator_loss(big, big), L.minimax_generator_loss(big),
                  L.non_saturating_generator_loss(big)):
        assert np.isfinite(float(value))
    # -log σ(-80) = 80 exactly to float32 precision (a naive log(sigmoid) gives inf).
    assert abs(float(L.non_saturating_generator_loss(np.array([[-80.0]]))) - 80.0) < 1e-4


def test_saturating_gradient_vanishes_when_d_rejects_fakes():
    logit = tf.constant([[-10.0]])
    grads = {}
    for name, fn in L.GENERATOR_LOSSES.items():
        with tf.GradientTape() as tape:
            tape.watch(logit)
            loss = fn(logit)
        grads[name] = float(tape.gradient(loss, logit)[0, 0])
    assert abs(grads["minimax"]) < 1e-4          # -σ(-10) ≈ -4.5e-5
    assert abs(grads["non_saturating"] + 1) < 1e-4  # σ(-10) - 1 ≈ -1


def test_bad_targets_and_unknown_loss_are_explained():
    with pytest.raises(ValueError, match=r"targets must lie in \[0, 1\]"):
        L.minimax_discriminator_loss(LOGITS_REAL, LOGITS_FAKE, real_target=1.5)
    with pytest.raises(ValueError, match="non_saturating, minimax"):
        L.get_generator_loss("wasserstein?")


def test_hinge_losses_match_hand_computation():
    want_d = (np.mean([max(0.0, 1 - l) for l in LOGITS_REAL.ravel()])
              + np.mean([max(0.0, 1 + l) for l in LOGITS_FAKE.ravel()]))
    assert abs(float(L.hinge_discriminator_loss(LOGITS_REAL, LOGITS_FAKE)) - want_d) <= 1e-6
    assert abs(float(L.hinge_generator_loss(LOGITS_FAKE)) + LOGITS_FAKE.mean()) <= 1e-6


def test_hinge_ignores_samples_beyond_the_margin():
    # A real logit above +1 and a fake one below -1 no longer move D; the others do.
    real = tf.constant([[2.0], [0.5]])
    fake = tf.constant([[-3.0], [0.0]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([real, fake])
        loss = L.hinge_discriminator_loss(real, fake)
    np.testing.assert_allclose(tape.gradient(loss, real).numpy().ravel(), [0.0, -0.5])
    np.testing.assert_allclose(tape.gradient(loss, fake).numpy().ravel(), [0.0, 0.5])


def test_unknown_discriminator_loss_is_explained():
    assert L.get_discriminator_loss("hinge") is L.hinge_discriminator_loss
    with pytest.raises(ValueError, match="minimax, hinge"):
        L.get_discriminator_loss("least_squares")
