"""gan_helpers: the small library behind the GAN Workbook notebooks.

Layers, bottom up: data and images, models and losses -> training and metrics -> plots ->
widgets. Exercise checks (``checks``) sit beside them, one module per notebook.

One import style, the notebooks' own: ``import gan_helpers as gh``, then every module
through it (``gh.metrics.fid``, ``gh.theory.jsd``, ``gh.checks.check_jsd``); the most used
names are also at the top (``gh.GAN``, ``gh.load_mnist``). ``gh.widgets`` loads on first
use (it needs ipywidgets). The instructor's tool (``gan_helpers.instructor``) is not
imported here: learners never load it.
"""
import importlib as _importlib
import importlib.metadata as _metadata
import os as _os

# Hide TensorFlow's C++ start-up chatter (CUDA probing, CPU flags) unless asked for. TensorFlow
# reads this when it loads, so the imports below (which load it) come after it: noqa E402.
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

_BACKEND_HELP = (
    "gan_helpers needs Keras' TensorFlow backend, but Keras is set to use {backend!r} ({where}). "
    "Keras picks its backend once, when it is first imported, so: in a notebook, run "
    "`%env KERAS_BACKEND=tensorflow` as its first cell and restart the kernel (Colab: "
    "Runtime -> Restart session), then run it from the top; in a shell, "
    "`export KERAS_BACKEND=tensorflow` before starting Python or Jupyter.")


def _require_tensorflow_backend():
    # Keras 3 can run on JAX, PyTorch or NumPy too; the workbook's training steps
    # (tf.GradientTape, tf.data, tf.function) need TensorFlow. Fail here, with the fix,
    # rather than deep inside a training step.
    chosen = _os.environ.get("KERAS_BACKEND", "").strip()
    where = (f"the environment variable KERAS_BACKEND={chosen}" if chosen else
             "the \"backend\" entry of keras.json in ~/.keras or $KERAS_HOME")
    try:
        import keras
    except (ImportError, ValueError) as err:  # jax without JAX installed; an unknown name
        if chosen and chosen != "tensorflow":
            raise ImportError(_BACKEND_HELP.format(backend=chosen, where=where)) from err
        raise
    if keras.config.backend() != "tensorflow":
        raise ImportError(_BACKEND_HELP.format(backend=keras.config.backend(), where=where))


_require_tensorflow_backend()

from . import (  # noqa: E402,F401
    checkpoints,
    checks,
    conditional,
    data,
    images,
    latent,
    losses,
    metrics,
    models,
    penalties,
    plots,
    runtime,
    stats,
    theory,
    training,
    variants,
)
from .checkpoints import GANCheckpoint  # noqa: E402
from .data import (  # noqa: E402
    gaussian_mixture_1d,
    grid_centres,
    grid_of_gaussians,
    load_mnist,
    mnist_dataset,
    ring_centres,
    ring_of_gaussians,
)
from .images import to_unit_range  # noqa: E402
from .losses import (  # noqa: E402
    bce_with_logits,
    hinge_discriminator_loss,
    hinge_generator_loss,
    minimax_discriminator_loss,
    minimax_generator_loss,
    non_saturating_generator_loss,
)
from .models import dcgan_discriminator, dcgan_generator, dense_discriminator, dense_generator  # noqa: E402
from .plots import image_grid, plot_losses, save_image_grid, show_images  # noqa: E402
from .runtime import (  # noqa: E402
    device_report,
    in_colab,
    mix_seed,
    profile,
    profile_name,
    rng,
    set_seed,
    small_model_threads,
    speed_settings,
)
from .training import (  # noqa: E402
    GAN,
    DivergenceGuard,
    GeneratorEMA,
    ImageGridCallback,
    RunLog,
    TensorBoardImages,
    TrainingDiverged,
    ema_generator,
    new_run_dir,
    use_google_drive,
)

try:  # the version is defined once, in pyproject.toml; pip records it on installing
    __version__ = _metadata.version("gan-workbook")
except _metadata.PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"


def __getattr__(name):
    # Widgets sit on top of everything and need ipywidgets: load them only when asked for.
    if name == "widgets":
        return _importlib.import_module(".widgets", __name__)
    raise AttributeError(f"module 'gan_helpers' has no attribute {name!r}")

__all__ = [
    "load_mnist", "mnist_dataset", "to_unit_range", "ring_of_gaussians", "grid_of_gaussians",
    "ring_centres", "grid_centres", "gaussian_mixture_1d",
    "dense_generator", "dense_discriminator", "dcgan_generator", "dcgan_discriminator",
    "bce_with_logits", "minimax_discriminator_loss", "minimax_generator_loss",
    "non_saturating_generator_loss", "hinge_discriminator_loss", "hinge_generator_loss",
    "GAN", "ImageGridCallback", "RunLog", "TensorBoardImages", "new_run_dir", "use_google_drive",
    "GANCheckpoint", "GeneratorEMA", "ema_generator",
    "DivergenceGuard",
    "TrainingDiverged",
    "image_grid", "save_image_grid", "show_images", "plot_losses",
    "device_report", "profile", "profile_name", "set_seed", "mix_seed", "rng", "in_colab",
    "small_model_threads",
    "speed_settings",
]
