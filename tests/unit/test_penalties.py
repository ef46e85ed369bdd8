"""The R1 penalty against independent computations: a linear discriminator's input gradient
is its weight vector; a nonlinear one's, central finite differences in float64."""
import keras
import numpy as np
import tensorflow as tf

from gan_helpers.penalties import r1_penalty


def linear_d(w, b=0.3):
    d = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    d.layers[0].set_weights([np.asarray(w, np.float32).reshape(3, 1), np.array([b], np.float32)])
    return d


def test_a_linear_discriminator_has_r1_equal_to_its_squared_weight_norm():
    w = [0.5, -2.0, 1.5]
    x = np.random.default_rng(0).normal(size=(16, 3)).astype(np.float32)
    assert abs(float(r1_penalty(linear_d(w), x)) - np.sum(np.square(w))) < 1e-5


def test_r1_matches_finite_differences_on_a_nonlinear_discriminator():
    keras.utils.set_random_seed(0)
    d = keras.Sequential([keras.Input((2, 2, 1)), keras.layers.Flatten(),
                          keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(1)])
    x = np.random.default_rng(1).normal(size=(5, 2, 2, 1))
    weights = [w.astype(np.float64) for w in d.get_weights()]

    def logit(sample):  # the same network in float64 NumPy
        h = np.tanh(sample.reshape(-1) @ weights[0] + weights[1])
        return float((h @ weights[2] + weights[3])[0])

    eps, norms = 1e-5, []
    for sample in x:
        grad = np.zeros(sample.size)
        for i in range(sample.size):
            step = np.zeros(sample.size)
            step[i] = eps
            flat = sample.reshape(-1)
            grad[i] = (logit(flat + step) - logit(flat - step)) / (2 * eps)
        norms.append(np.sum(grad ** 2))
    np.testing.assert_allclose(float(r1_penalty(d, x.astype(np.float32))), np.mean(norms),
                               rtol=1e-4)


def test_a_conditional_discriminator_is_differentiated_in_its_images_only():
    x_in, c_in = keras.Input((3,)), keras.Input((2,))
    d = keras.Model([x_in, c_in], keras.layers.Dense(1)(keras.layers.Concatenate()([x_in, c_in])))
    kernel = np.array([[1.0], [2.0], [0.0], [5.0], [7.0]], np.float32)
    d.layers[-1].set_weights([kernel, np.zeros(1, np.float32)])
    x = np.ones((4, 3), np.float32)
    c = np.ones((4, 2), np.float32)
    assert abs(float(r1_penalty(d, [x, c])) - 5.0) < 1e-5  # 1² + 2² + 0², not the label weights


def test_r1_is_differentiable_where_the_input_gradient_vanishes():
    d = linear_d([0.0, 0.0, 0.0])
    x = tf.ones((4, 3))
    with tf.GradientTape() as tape:
        penalty = r1_penalty(d, x)
    grads = tape.gradient(penalty, d.trainable_weights)
    assert float(penalty) == 0.0
    assert all(np.all(np.isfinite(g.numpy())) for g in grads if g is not None)
