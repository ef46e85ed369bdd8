"""Model shapes: every stage of the tutorial's DCGAN, dense models, logits out."""
import numpy as np

import gan_helpers as gh


def test_dcgan_generator_stages_match_the_tf_tutorial():
    g = gh.dcgan_generator()
    shapes = {layer.name: tuple(layer.output.shape[1:]) for layer in g.layers}
    assert shapes["project"] == (7 * 7 * 256,)
    assert shapes["reshape"] == (7, 7, 256)
    assert shapes["up_1"] == (7, 7, 128)
    assert shapes["up_2"] == (14, 14, 64)
    assert shapes["image"] == (28, 28, 1)
    assert all(not getattr(layer, "use_bias", False) for layer in g.layers)
    # Parameter count of the tutorial's generator (model.summary() in the tutorial):
    assert g.count_params() == 2_330_944
    x = g(np.zeros((2, 100), np.float32)).numpy()
    assert x.shape == (2, 28, 28, 1) and np.all(np.abs(x) <= 1)


def test_dcgan_discriminator_returns_logits():
    d = gh.dcgan_discriminator()
    assert d.count_params() == 212_865  # the tutorial's discriminator
    assert d.layers[-1].activation.__name__ == "linear"
    assert d(np.zeros((3, 28, 28, 1), np.float32)).shape == (3, 1)


def test_width_option_scales_channels():
    g = gh.dcgan_generator(width=0.5, latent_dim=16)
    assert g.get_layer("up_2").output.shape[-1] == 32
    d = gh.dcgan_discriminator(width=0.25)
    assert d.get_layer("conv_2").output.shape[-1] == 32


def test_dense_models_tutorial_shapes_and_toy_shapes():
    g = gh.dense_generator()
    assert [l.units for l in g.layers if hasattr(l, "units")] == [128, 256, 784]
    assert g.output.shape[1:] == (28, 28, 1)
    d = gh.dense_discriminator()
    assert [l.units for l in d.layers if hasattr(l, "units")] == [128, 64, 1]
    g2 = gh.dense_generator(latent_dim=8, widths=(32, 32), output_shape=2, output_activation=None)
    assert g2(np.zeros((5, 8), np.float32)).shape == (5, 2)
    d2 = gh.dense_discriminator(input_shape=2, widths=(32,))
    assert d2(np.zeros((5, 2), np.float32)).shape == (5, 1)


def test_dense_generator_batchnorm_follows_each_hidden_activation():
    g = gh.dense_generator(widths=(256, 512, 1024), activation="leaky_relu", batchnorm=True)
    kinds = [type(l).__name__ for l in g.layers[1:]]
    assert kinds == ["Dense", "BatchNormalization"] * 3 + ["Dense", "Reshape"]
    assert all(g.get_layer(f"bn_{i}").momentum == 0.8 for i in range(3))
    # 4 numbers per unit: gamma and beta (trained), moving mean and variance (not trained)
    dense = sum(m * n + n for m, n in zip((100, 256, 512, 1024), (256, 512, 1024, 784)))
    assert g.count_params() == dense + 4 * (256 + 512 + 1024)
    assert gh.dense_generator().count_params() == 247_440   # no BatchNorm unless asked


def test_spectral_norm_projects_every_kernel_to_unit_spectral_norm():
    import keras
    plain = gh.dcgan_discriminator(width=0.25)
    sn = gh.dcgan_discriminator(width=0.25, spectral_norm=True)
    wrapped = [lyr for lyr in sn.layers if isinstance(lyr, keras.layers.SpectralNormalization)]
    assert [w.layer.name for w in wrapped] == ["conv_1", "conv_2", "logit"]
    assert not any(isinstance(layer, keras.layers.SpectralNormalization) for layer in plain.layers)
    assert plain.count_params() == sn.count_params() - sum(w.vector_u.shape[1] for w in wrapped)

    def sigmas():  # largest singular value of each kernel reshaped to (-1, out), as in the paper
        return [np.linalg.svd(np.reshape(w.layer.kernel.numpy(), (-1, w.layer.kernel.shape[-1])),
                              compute_uv=False)[0] for w in wrapped]

    x = np.random.default_rng(0).uniform(-1, 1, (8, 28, 28, 1)).astype(np.float32)
    before = sigmas()
    sn(x, training=False)
    assert sigmas() == before               # inference never touches the weights
    for _ in range(30):                     # one power iteration per training call
        sn(x, training=True)
    np.testing.assert_allclose(sigmas(), 1.0, atol=0.05)
    assert max(before) > 1.2                # ...which they were far from at initialisation


def test_spectral_norm_keeps_float32_logits_under_mixed_precision():
    import keras
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_bfloat16")
    try:
        d = gh.dcgan_discriminator(width=0.25, spectral_norm=True)
        out = d(np.zeros((2, 28, 28, 1), np.float32), training=True)
    finally:
        keras.config.set_dtype_policy(previous)
    assert out.dtype == "float32" and out.shape == (2, 1)
