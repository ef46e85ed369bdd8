"""gan_helpers.metrics.classifier: the shipped MNIST classifier (held-out accuracy, features,
missing or corrupt weights), the classifier score and the predicted-digit histogram. The
``mnist`` fixture is in conftest.py."""
import json
import shutil

import numpy as np
import pytest

import gan_helpers
from gan_helpers import metrics
from gan_helpers.metrics import classifier as clf_mod


def test_shipped_weights_reach_recorded_heldout_accuracy():
    info = metrics.classifier_info()
    assert {"heldout_accuracy", "seed", "source", "sha256"} <= set(info)
    try:
        x_ho, y_ho = gan_helpers.load_mnist(source=info["source"], split="reference",
                                            verbose=False)
    except RuntimeError:
        pytest.skip(f"the weights were trained on source {info['source']!r}, unavailable here")
    assert len(x_ho) == info["n_heldout"]
    acc = np.mean(np.argmax(metrics.classifier_logits(x_ho), axis=1) == y_ho)
    print(f"\nheld-out accuracy {acc:.4f} (recorded {info['heldout_accuracy']:.4f})")
    assert acc >= info["heldout_accuracy"] - 1.0 / info["n_heldout"] - 1e-9
    assert acc >= 0.97
    assert metrics.load_classifier() is metrics.load_classifier()  # cached per process


def test_features_are_the_penultimate_layer(mnist):
    feats = metrics.mnist_features(mnist[0][:20], batch_size=7)  # batching must not matter
    assert feats.shape == (20, 128) and feats.min() >= 0  # ReLU layer
    assert np.allclose(feats, metrics.mnist_features(mnist[0][:20]), atol=1e-5)


def test_missing_or_corrupt_weights_say_how_to_retrain(tmp_path):
    with pytest.raises(FileNotFoundError, match="train_classifier"):
        metrics.load_classifier(str(tmp_path / "nope.weights.h5"))
    bad = tmp_path / "bad.weights.h5"
    bad.write_bytes(b"not an HDF5 file" * 100)
    with pytest.raises(RuntimeError, match="train_classifier"):
        metrics.load_classifier(str(bad))
    copy = tmp_path / "copy.weights.h5"
    shutil.copy(clf_mod.DEFAULT_WEIGHTS, copy)
    (tmp_path / "copy.json").write_text(json.dumps({"sha256": "0" * 64}))
    with pytest.raises(RuntimeError, match="checksum"):
        metrics.load_classifier(str(copy))


def test_classifier_score_real_vs_noise(mnist):
    real_mean, real_std = metrics.classifier_score(mnist[0])
    noise = np.random.default_rng(13).uniform(-1, 1, (5000, 28, 28)).astype(np.float32)
    noise_mean, _ = metrics.classifier_score(noise)
    print(f"\nclassifier score: real {real_mean:.3f} ± {real_std:.3f}, noise {noise_mean:.3f}")
    assert 9.0 < real_mean <= 10.0 and real_std < 0.3
    assert noise_mean < real_mean - 3
    with pytest.raises(ValueError, match="splits"):
        metrics.classifier_score(mnist[0][:5], splits=10)


def test_class_histogram(mnist):
    x, y = mnist
    h = metrics.class_histogram(x)
    assert h.counts.shape == (10,) and h.counts.sum() == len(x)
    assert h.digits_present == 10 and h.kl_uniform < 0.01
    ones = metrics.class_histogram(x[y == 1])  # a perfectly collapsed "generator"
    assert ones.digits_present == 1 and ones.kl_uniform == pytest.approx(np.log(10), rel=0.02)
