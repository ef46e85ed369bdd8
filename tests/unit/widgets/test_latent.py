"""gan_helpers.widgets.latent (notebook 04) without a kernel: the sliders select latents of a
small untrained DCGAN generator, and we assert on the images they produce."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

import gan_helpers as gh
from gan_helpers import widgets


@pytest.fixture(scope="module")
def tiny_gan():
    gh.set_seed(0)
    return gh.GAN(gh.dcgan_generator(latent_dim=16, width=0.125),
                  gh.dcgan_discriminator(width=0.125), seed=0)


def test_latent_explorer_recomputes_images_when_sliders_move(tiny_gan):
    ex = widgets.latent_explorer(tiny_gan, steps=5, draw=False)
    first = ex.state
    assert first["image"].shape == (28, 28, 1) and first["path"].shape == (5, 28, 28, 1)
    np.testing.assert_allclose(first["z"], ex.latent(0))  # t = 0: seed a's latent
    np.testing.assert_allclose(first["image"], first["path"][0], atol=1e-5)

    ex.t.value = 1.0  # moving a slider recomputes through observe(), as in the browser
    np.testing.assert_allclose(ex.state["z"], ex.latent(1), rtol=1e-6)
    np.testing.assert_allclose(ex.state["image"], first["path"][-1], atol=1e-5)
    assert not np.allclose(ex.state["image"], first["image"])
    np.testing.assert_array_equal(ex.state["path"], first["path"])  # same seeds, same path

    ex.seed_b.value = 7
    assert not np.allclose(ex.state["path"][-1], first["path"][-1])
    np.testing.assert_allclose(ex.state["path"][0], first["path"][0], atol=1e-6)

    state = ex.update(dim=3, amount=2.0)
    assert state["z"][3] == pytest.approx(ex.latent(7)[3] + 2.0, rel=1e-6)
    assert not np.allclose(state["image"], ex.update(amount=0.0)["image"])
    with pytest.raises(TypeError, match="unknown slider"):
        ex.update(temperature=1.0)


def test_latent_explorer_draws_once_per_change(tiny_gan):
    ex = widgets.LatentExplorer(tiny_gan, steps=4, draw=True)
    assert ex.draws == 1
    ex.update(seed_a=3, t=0.5, amount=-1.0)  # three sliders, one redraw
    assert ex.draws == 2
    fig = ex.figure()
    assert fig.axes[0].get_title() == "t = 0.50"
    plt.close(fig)
