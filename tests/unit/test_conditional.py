"""The conditional GAN: builders, the labelled training step, the generate(labels=...) API,
and a toy on which the generator must learn to obey the label."""
import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers

import gan_helpers as gh
from gan_helpers import conditional as C


def tiny_cgan(join="onehot", seed=0, **kwargs):
    gh.set_seed(seed)
    g = C.conditional_generator(latent_dim=8, join=join, width=0.1)
    d = C.conditional_discriminator(join=join, width=0.1)
    cgan = C.ConditionalGAN(g, d, seed=seed, **kwargs)
    cgan.compile(d_optimizer=keras.optimizers.Adam(1e-3),
                 g_optimizer=keras.optimizers.Adam(1e-3), jit_compile=False)
    return cgan


def labelled_images(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (n, 28, 28, 1)).astype(np.float32)
    return x, (np.arange(n) % 10).astype(np.int32)


# --- builders -------------------------------------------------------------------------------

@pytest.mark.parametrize("join, extra_channels", [("onehot", 10), ("embedding", 1)])
def test_builders_shapes_and_joins(join, extra_channels):
    g = C.conditional_generator(latent_dim=16, join=join, embed_dim=5, width=0.25)
    d = C.conditional_discriminator(join=join, width=0.25)
    z, y = np.zeros((3, 16), np.float32), np.array([0, 4, 9])
    assert g([z, y]).shape == (3, 28, 28, 1)
    assert d([g([z, y]).numpy(), y]).shape == (3, 1)
    code = 10 if join == "onehot" else 5
    assert g.get_layer("z_and_label").output.shape == (None, 16 + code)
    assert d.get_layer("image_and_label").output.shape == (None, 28, 28, 1 + extra_channels)


@pytest.mark.parametrize("join, code", [("onehot", 10), ("embedding", 5)])
def test_dense_bodies_append_the_label_to_z_and_to_the_flattened_image(join, code):
    g = C.conditional_generator(latent_dim=16, join=join, embed_dim=5, body="dense")
    d = C.conditional_discriminator(join=join, embed_dim=5, body="dense")
    z, y = np.zeros((3, 16), np.float32), np.array([0, 4, 9])
    assert g([z, y]).shape == (3, 28, 28, 1)
    assert d([g([z, y]).numpy(), y]).shape == (3, 1)
    assert g.get_layer("z_and_label").output.shape == (None, 16 + code)
    assert d.get_layer("image_and_label").output.shape == (None, 784 + code)  # no planes
    # notebook 02's trained MLPs behind the join
    g_body, d_body = g.get_layer("dense_body"), d.get_layer("dense_body")
    assert [g_body.get_layer(f"dense_{i}").units for i in range(3)] == [256, 512, 1024]
    assert len([lay for lay in g_body.layers if isinstance(lay, layers.BatchNormalization)]) == 3
    assert [d_body.get_layer(f"dense_{i}").units for i in range(2)] == [512, 256]
    if join == "onehot":  # the appended code is exactly one_hot(y)
        x = np.zeros((3, 28, 28, 1), np.float32)
        joined = keras.Model(d.inputs, d.get_layer("image_and_label").output)([x, y]).numpy()
        assert np.array_equal(joined[:, 784:], np.eye(10)[y])


def test_a_dense_cgan_trains_on_labelled_batches():
    gh.set_seed(0)
    cgan = C.ConditionalGAN(C.conditional_generator(latent_dim=8, join="onehot", body="dense"),
                            C.conditional_discriminator(join="onehot", body="dense"), seed=0)
    cgan.compile(d_optimizer=keras.optimizers.Adam(1e-3),
                 g_optimizer=keras.optimizers.Adam(1e-3), jit_compile=False)
    x, y = labelled_images()
    logs = cgan.fit(tf.data.Dataset.from_tensor_slices((x, y)).batch(16), epochs=1, verbose=0)
    assert all(np.isfinite(v[-1]) for v in logs.history.values())
    assert cgan.generate(labels=np.arange(10)).shape == (10, 28, 28, 1)


def test_the_label_changes_what_both_players_compute():
    g = C.conditional_generator(latent_dim=8, width=0.1)
    d = C.conditional_discriminator(width=0.1)
    # a trained-looking embedding: the default initialiser's values are tiny
    for model in (g, d):
        emb = model.get_layer("label_embedding")
        emb.embeddings.assign(np.random.default_rng(0).normal(size=emb.embeddings.shape))
    z = np.random.default_rng(1).normal(size=(2, 8)).astype(np.float32)
    same_z = np.repeat(z[:1], 2, axis=0)
    a = g([same_z, np.array([3, 5])]).numpy()
    assert np.abs(a[0] - a[1]).max() > 1e-3
    x = np.repeat(a[:1], 2, axis=0)
    out = d([x, np.array([3, 5])]).numpy()
    assert abs(out[0, 0] - out[1, 0]) > 1e-6


def test_unknown_join_is_refused():
    with pytest.raises(ValueError, match="unknown join 'concat'"):
        C.conditional_generator(join="concat")
    with pytest.raises(ValueError, match="unknown join"):
        C.conditional_discriminator(join="sum")
    with pytest.raises(ValueError, match="unknown body 'resnet'; use one of dcgan, dense"):
        C.conditional_generator(body="resnet")
    with pytest.raises(ValueError, match="unknown body"):
        C.conditional_discriminator(body="mlp")


def test_constructor_refuses_unconditional_models_and_bad_options():
    g, d = C.conditional_generator(latent_dim=8, width=0.1), C.conditional_discriminator(width=0.1)
    with pytest.raises(ValueError, match="two inputs each"):
        C.ConditionalGAN(gh.dcgan_generator(latent_dim=8, width=0.1), d)
    with pytest.raises(ValueError, match="latent_dim=9 but the generator expects 8"):
        C.ConditionalGAN(g, d, latent_dim=9)
    with pytest.raises(ValueError, match="fake_labels"):
        C.ConditionalGAN(g, d, fake_labels="random")
    cgan = C.ConditionalGAN(g, d)
    assert cgan.latent_dim == 8 and cgan.image_shape == (28, 28, 1)
    assert cgan.generator is g      # the real generator, tracked for weights and checkpoints
    assert len(cgan.trainable_weights) == len(g.trainable_weights) + len(d.trainable_weights)


# --- training ---------------------------------------------------------------------------------

@pytest.mark.parametrize("fake_labels, d_steps", [("uniform", 1), ("real", 2)])
def test_fit_on_labelled_batches(fake_labels, d_steps):
    cgan = tiny_cgan(fake_labels=fake_labels, d_steps=d_steps)
    x, y = labelled_images()
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(16, drop_remainder=True)
    hist = cgan.fit(ds, epochs=1, verbose=0).history
    assert set(hist) == {"d_loss", "g_loss", "d_real", "d_fake"}
    assert all(np.isfinite(v[0]) for v in hist.values())
    assert int(cgan.g_optimizer.iterations) == 4
    assert int(cgan.d_optimizer.iterations) == 4 * d_steps


def test_fit_with_numpy_arrays_and_the_mnist_pipeline():
    cgan = tiny_cgan()
    x, y = labelled_images()
    cgan.fit(x, y, batch_size=32, epochs=1, verbose=0)
    assert int(cgan.g_optimizer.iterations) == 2
    # The one image rule (gh.images): integer pixels are scaled, [0, 255] floats refused.
    pixels = np.round((x + 1) * 127.5)
    cgan.fit(pixels.astype(np.int64), y, batch_size=32, epochs=1, verbose=0)
    assert int(cgan.g_optimizer.iterations) == 4
    with pytest.raises(ValueError, match=r"ConditionalGAN.fit: .*\(x - 127.5\) / 127.5"):
        cgan.fit(pixels.astype(np.float32), y, batch_size=32, epochs=1, verbose=0)
    xm, ym = gh.load_mnist(source="bundled", verbose=False)
    ds = gh.mnist_dataset(32, images=xm[:64], labels=ym[:64], with_labels=True)
    cgan.fit(ds, epochs=1, verbose=0)
    assert int(cgan.g_optimizer.iterations) == 6


def test_unlabelled_data_gets_a_clear_error():
    cgan = tiny_cgan()
    x, _ = labelled_images()
    with pytest.raises(ValueError, match=r"\(images, labels\) batches"):
        cgan.fit(tf.data.Dataset.from_tensor_slices(x).batch(16), epochs=1, verbose=0)


def test_compute_d_loss_hook_sees_images_with_labels():
    """Subclasses change the game through GAN.compute_d_loss; here it gets [x, y] pairs."""
    seen = []

    class Spy(C.ConditionalGAN):
        def compute_d_loss(self, real, fake):
            seen.append((len(real), tuple(real[0].shape[1:]), real[1].dtype,
                         len(fake), tuple(fake[0].shape[1:]), fake[1].dtype))
            return super().compute_d_loss(real, fake)

    gh.set_seed(0)
    spy = Spy(C.conditional_generator(latent_dim=8, width=0.1),
              C.conditional_discriminator(width=0.1))
    spy.compile(d_optimizer=keras.optimizers.Adam(1e-3),
                g_optimizer=keras.optimizers.Adam(1e-3), jit_compile=False)
    x, y = labelled_images(32)
    spy.fit(tf.data.Dataset.from_tensor_slices((x, y)).batch(16), epochs=1, verbose=0)
    assert seen and set(seen) == {(2, (28, 28, 1), tf.int32, 2, (28, 28, 1), tf.int32)}


# --- sampling ---------------------------------------------------------------------------------

def test_sample_labels_are_uniform_seeded_and_in_range():
    a, b = tiny_cgan(seed=3), tiny_cgan(seed=3)
    la, lb = a.sample_labels(5000).numpy(), b.sample_labels(5000).numpy()
    np.testing.assert_array_equal(la, lb)
    assert la.dtype == np.int32 and la.min() == 0 and la.max() == 9
    counts = np.bincount(la, minlength=10)
    assert counts.min() > 400 and counts.max() < 600          # 500 expected each
    assert not np.array_equal(la, a.sample_labels(5000).numpy())


def test_generate_api():
    cgan = tiny_cgan()
    z = np.random.default_rng(0).normal(size=(4, 8)).astype(np.float32)
    assert cgan.generate(n=3, labels=7).shape == (3, 28, 28, 1)
    assert cgan.generate(labels=np.array([1, 2])).shape == (2, 28, 28, 1)
    assert cgan.generate(z=z).shape == (4, 28, 28, 1)
    # labels=None cycles through the classes; explicit labels give the same images
    np.testing.assert_allclose(cgan.generate(z=z), cgan.generate(z=z, labels=[0, 1, 2, 3]),
                               atol=1e-6)
    with pytest.raises(ValueError, match=r"lie in \[0, 10\)"):
        cgan.generate(labels=np.array([3, 10]))
    with pytest.raises(ValueError, match="must be integers"):
        cgan.generate(labels=np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="3 labels for 4 samples"):
        cgan.generate(z=z, labels=np.array([1, 2, 3]))
    with pytest.raises(ValueError, match=r"z must have shape \(4, 8\)"):
        cgan.generate(z=np.zeros((4, 5)))
    with pytest.raises(ValueError, match="pass n"):
        cgan.generate()


def test_image_grid_callback_works_with_a_cgan(tmp_path):
    cgan = tiny_cgan()
    x, y = labelled_images(32)
    grids = gh.ImageGridCallback(str(tmp_path), n=10, nrow=10)
    cgan.fit(tf.data.Dataset.from_tensor_slices((x, y)).batch(16), epochs=1, verbose=0,
             callbacks=[grids])
    assert len(grids.paths) == 1


# --- learning: the generator must obey the label -----------------------------------------------

def toy_cgan(seed=0):
    """Dense players on 2-D points: class k lives at corner k of a square."""
    gh.set_seed(seed)
    z, y = keras.Input((2,)), keras.Input((), dtype="int32")
    h = layers.Concatenate()([z, layers.CategoryEncoding(4, output_mode="one_hot")(y)])
    h = layers.Dense(32, activation="relu")(layers.Dense(32, activation="relu")(h))
    g = keras.Model([z, y], layers.Dense(2)(h))
    x, yd = keras.Input((2,)), keras.Input((), dtype="int32")
    h = layers.Concatenate()([x, layers.CategoryEncoding(4, output_mode="one_hot")(yd)])
    h = layers.Dense(32, activation="relu")(layers.Dense(32, activation="relu")(h))
    d = keras.Model([x, yd], layers.Dense(1)(h))
    cgan = C.ConditionalGAN(g, d, n_classes=4, seed=seed)
    cgan.compile(d_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.5),
                 g_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.5),
                 jit_compile=False)
    return cgan


CORNERS = np.array([[2, 2], [-2, 2], [-2, -2], [2, -2]], np.float32)


def nearest_corner(points):
    return np.argmin(((points[:, None, :] - CORNERS[None]) ** 2).sum(-1), axis=1)


def test_generator_learns_to_obey_the_label():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 4, 4096).astype(np.int32)
    x = (CORNERS[y] + 0.1 * rng.standard_normal((4096, 2))).astype(np.float32)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(4096, seed=0).batch(64)
    cgan = toy_cgan()
    asked = np.repeat(np.arange(4), 250).astype(np.int32)
    before = np.mean(nearest_corner(cgan.generate(labels=asked)) == asked)
    cgan.fit(ds, epochs=12, verbose=0)
    after = nearest_corner(cgan.generate(labels=asked))
    acc = C.per_class_accuracy(after, asked, 4)
    assert before < 0.5                      # untrained: near the origin, labels ignored
    assert acc.min() > 0.9, acc              # every class goes to its own corner


# --- per-class accuracy with the workbook's classifier ----------------------------------------

def test_class_accuracy_with_real_digits_and_mislabelled_ones():
    x, y = gh.load_mnist(source="bundled", verbose=False)
    by_class = [x[y == k] for k in range(10)]

    def honest(labels):      # a "generator" that returns a real image of the asked digit
        seen = np.zeros(10, int)
        out = []
        for k in labels:
            out.append(by_class[k][seen[k]])
            seen[k] += 1
        return np.stack(out)

    acc, images, labels, predicted = C.class_accuracy(honest, n_per_class=20)
    assert acc.shape == (10,) and images.shape == (200, 28, 28) and len(predicted) == 200
    assert acc.mean() > 0.9
    wrong, *_ = C.class_accuracy(lambda labels: honest((labels + 1) % 10), n_per_class=20)
    assert wrong.mean() < 0.1


def test_per_class_accuracy_edge_cases():
    acc = C.per_class_accuracy(np.array([0, 1, 1]), np.array([0, 1, 0]), n_classes=3)
    np.testing.assert_allclose(acc[:2], [0.5, 1.0])
    assert np.isnan(acc[2])                  # never requested
