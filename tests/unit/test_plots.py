"""gan_helpers.plots: image grids (as arrays, PNG files, matplotlib axes), loss curves and
the GIF writer of notebook 04. Figures are drawn on a bare matplotlib Figure, so no backend
or display is involved."""
import os

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

import gan_helpers as gh
from gan_helpers import plots

# --- image_grid, save_image_grid, show_images ----------------------------------------------

# Five 2x3 images, each of one value in [-1, 1] (or beyond it: clipped), and the uint8 value
# each becomes: (v + 1) * 127.5, rounded and clipped to [0, 255].
VALUES = [-1.0, 0.0, 0.5, 1.0, 2.0]
PIXELS = [0, 128, 191, 255, 255]


def _five_images(channel_axis=False):
    x = np.stack([np.full((2, 3), v, np.float32) for v in VALUES])
    return x[..., None] if channel_axis else x


def test_to_uint8_maps_the_unit_range_and_keeps_uint8():
    np.testing.assert_array_equal(plots.to_uint8(np.array(VALUES + [-3.0])),
                                  PIXELS + [0])
    raw = np.arange(0, 256, 51, dtype=np.uint8).reshape(1, 2, 3)
    assert plots.to_uint8(raw) is raw  # uint8 is taken as [0, 255], unchanged
    assert plots.to_uint8(np.zeros((4, 5, 6, 1))).shape == (4, 5, 6)  # grey channel dropped


@pytest.mark.parametrize("channel_axis", [False, True])
def test_image_grid_places_each_image_on_a_black_frame(channel_axis):
    grid = plots.image_grid(_five_images(channel_axis))
    # ceil(sqrt(5)) = 3 images a row, 2 rows; 1 pixel of padding around and between them
    assert grid.shape == (2 * (2 + 1) + 1, 3 * (3 + 1) + 1) and grid.dtype == np.uint8
    for i, want in enumerate(PIXELS):
        r, c = divmod(i, 3)
        tile = grid[1 + 3 * r: 1 + 3 * r + 2, 1 + 4 * c: 1 + 4 * c + 3]
        assert np.all(tile == want), (i, tile)
    frame = np.ones(grid.shape, bool)
    for i in range(len(PIXELS)):
        r, c = divmod(i, 3)
        frame[1 + 3 * r: 1 + 3 * r + 2, 1 + 4 * c: 1 + 4 * c + 3] = False
    assert np.all(grid[frame] == 0)  # padding and the empty sixth slot
    assert grid.min() == 0 and grid.max() == 255


def test_image_grid_rows_padding_colour_and_bad_input():
    x = _five_images()
    assert plots.image_grid(x, nrow=5).shape == (1 * 3 + 1, 5 * 4 + 1)
    assert plots.image_grid(x, nrow=2, pad=0).shape == (3 * 2, 2 * 3)
    rgb = np.zeros((2, 4, 4, 3), np.uint8)
    rgb[1] = [10, 20, 30]
    grid = plots.image_grid(rgb, nrow=2)
    assert grid.shape == (6, 11, 3) and grid[1, 6].tolist() == [10, 20, 30]
    with pytest.raises(ValueError, match="non-empty batch"):
        plots.image_grid(np.zeros((0, 2, 3)))
    with pytest.raises(ValueError, match="non-empty batch"):
        plots.image_grid(np.zeros((2, 3)))  # one image without a batch axis


def test_save_image_grid_writes_the_upscaled_grid_and_refuses_to_overwrite(tmp_path):
    x = _five_images()
    path = str(tmp_path / "grid.png")
    assert plots.save_image_grid(x, path, scale=3) == path
    with Image.open(path) as img:
        saved = np.asarray(img)
    np.testing.assert_array_equal(saved, np.kron(plots.image_grid(x), np.ones((3, 3), np.uint8)))
    before = (os.path.getmtime(path), (tmp_path / "grid.png").read_bytes())
    with pytest.raises(FileExistsError, match="exists already; choose a new file name"):
        plots.save_image_grid(np.zeros_like(x), path)
    assert (os.path.getmtime(path), (tmp_path / "grid.png").read_bytes()) == before
    assert os.listdir(tmp_path) == ["grid.png"]


def test_show_images_draws_the_grid_on_the_given_axis():
    ax = Figure().subplots()
    x = _five_images()
    assert plots.show_images(x, nrow=2, title="samples", ax=ax) is ax
    (shown,) = ax.get_images()
    np.testing.assert_array_equal(shown.get_array(), plots.image_grid(x, nrow=2))
    assert shown.get_clim() == (0, 255) and not ax.axison and ax.get_title() == "samples"


# --- plot_losses -----------------------------------------------------------------------------

class _History:  # what keras' fit returns: the per-epoch logs in .history
    def __init__(self, history):
        self.history = history


@pytest.mark.parametrize("wrap", [dict, _History], ids=["dict", "History"])
def test_plot_losses_draws_one_line_per_loss_key(wrap):
    logs = {"d_loss": [1.4, 1.2, 1.1], "g_loss": [0.7, 0.9, 1.0], "d_real": [0.5, 0.6, 0.7]}
    ax = plots.plot_losses(wrap(logs), ax=Figure().subplots())
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["d_loss", "g_loss"]  # the default keys
    for line in lines:
        np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3])  # epochs count from 1
        np.testing.assert_array_equal(line.get_ydata(), logs[line.get_label()])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["d_loss", "g_loss"] and ax.get_xlabel() == "epoch"


def test_plot_losses_skips_keys_the_history_lacks():
    logs = {"d_loss": [1.0, 0.8], "critic_loss": [3.0, 2.0]}
    ax = plots.plot_losses(logs, keys=("d_loss", "g_loss", "critic_loss"),
                           ax=Figure().subplots(), title="WGAN")
    assert [line.get_label() for line in ax.get_lines()] == ["d_loss", "critic_loss"]
    assert ax.get_title() == "WGAN"


# --- save_gif --------------------------------------------------------------------------------

def _frames_of(path):
    with Image.open(path) as gif:
        frames, durations = [], []
        for i in range(gif.n_frames):
            gif.seek(i)
            frames.append(np.asarray(gif.convert("L")))
            durations.append(gif.info["duration"])
    return frames, durations


def test_save_gif_from_arrays(tmp_path):
    frames = [np.full((6, 9), v, np.uint8) for v in (0, 80, 160, 255)]
    path = plots.save_gif(frames, str(tmp_path / "a.gif"), duration_ms=40, hold_last_ms=400)
    read, durations = _frames_of(path)
    assert len(read) == 4 and read[0].shape == (6, 9)
    assert [int(f[0, 0]) for f in read] == [0, 80, 160, 255]
    assert durations == [40, 40, 40, 400]
    # Floats in [-1, 1] are read as images, like everywhere in gan_helpers.
    path2 = plots.save_gif([np.full((4, 4, 1), -1.0), np.ones((4, 4, 1))], str(tmp_path / "b.gif"))
    read, durations = _frames_of(path2)
    assert [int(f[0, 0]) for f in read] == [0, 255] and durations == [200, 1000]


def test_save_gif_from_image_grid_files_refuses_to_overwrite(tmp_path):
    rng = np.random.default_rng(0)
    pngs = [gh.save_image_grid(rng.uniform(-1, 1, (4, 28, 28, 1)), str(tmp_path / f"{i}.png"))
            for i in range(3)]
    path = str(tmp_path / "progress.gif")
    plots.save_gif(pngs, path)
    read, _ = _frames_of(path)
    assert len(read) == 3
    np.testing.assert_array_equal(read[1], np.asarray(Image.open(pngs[1])))
    before = os.path.getmtime(path)
    with pytest.raises(FileExistsError, match="exists already"):
        plots.save_gif(pngs, path)
    assert os.path.getmtime(path) == before


def test_save_gif_explains_bad_input(tmp_path):
    with pytest.raises(ValueError, match="no frames"):
        plots.save_gif([], str(tmp_path / "x.gif"))
    with pytest.raises(ValueError, match="differ in size"):
        plots.save_gif([np.zeros((4, 4), np.uint8), np.zeros((5, 4), np.uint8)],
                       str(tmp_path / "y.gif"))
    with pytest.raises(ValueError, match=r"\(H, W\)"):
        plots.save_gif([np.zeros((2, 4, 4), np.uint8)], str(tmp_path / "z.gif"))
    assert not os.listdir(tmp_path)
