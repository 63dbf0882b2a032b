"""The one set-up call at the top of every notebook (see every chapter's first cell)."""

from __future__ import annotations

import importlib.util
import os
import random
import sys
import warnings
from typing import Any

import numpy as np

from utils.validation import require_int

#: The MIME-type prefix under which myst-nb finds glued values (myst_nb.ext.glue).
GLUE_PREFIX = "application/papermill.record/"

#: Environment variables that must be set *before* TensorFlow is imported:
#: no C++ log lines in the output cells, and no oneDNN kernels (their results
#: differ between one and two CPU cores, which breaks reproducibility).
TENSORFLOW_ENVIRONMENT = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "TF_ENABLE_ONEDNN_OPTS": "0",
}

#: The book's Matplotlib defaults: readable on a laptop and in the web page.
BOOK_STYLE = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.autolayout": True,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": "medium",
    "image.cmap": "magma",
    "font.size": 11,
}


def setup(seed: int = 0, *, tensorflow: bool = True) -> None:
    """Make a notebook quiet, reproducible and consistent in style.

    Call it once, in the first code cell of every chapter. It

    1. sets ``TF_CPP_MIN_LOG_LEVEL=3`` and ``TF_ENABLE_ONEDNN_OPTS=0`` before
       TensorFlow is imported (no log noise; the same numbers on any core count);
    2. seeds Python's :mod:`random`, NumPy and TensorFlow with ``seed``
       (``keras.utils.set_random_seed``) and turns on
       ``tf.config.experimental.enable_op_determinism``;
    3. applies the book's Matplotlib style (colour-blind-safe colours, magma
       for images) and NumPy's print options.

    Parameters
    ----------
    seed:
        The seed for every random number generator. Use the same seed to get
        the same results as the book.
    tensorflow:
        Set to ``False`` to skip importing TensorFlow (useful in tests). The
        environment variables are set either way.

    Returns
    -------
    None
        Nothing, so that the first cell of a notebook shows no output.

    Raises
    ------
    TypeError
        If ``seed`` is not a whole number.
    ValueError
        If ``seed`` is negative or does not fit in 32 bits.

    Notes
    -----
    Introduced in chapter 1, "Biological and artificial neurons".
    """
    require_int(seed, "seed", minimum=0, maximum=2**32 - 1)
    configured_before = all(
        os.environ.get(name) == value for name, value in TENSORFLOW_ENVIRONMENT.items()
    )
    if "tensorflow" in sys.modules and not configured_before:
        warnings.warn(
            "TensorFlow was imported before utils.setup(), so its log level and "
            "oneDNN setting could not be changed. Restart the kernel and call "
            "utils.setup() before importing TensorFlow.",
            stacklevel=2,
        )
    os.environ.update(TENSORFLOW_ENVIRONMENT)
    os.environ["PYTHONHASHSEED"] = str(seed)

    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - seeds the legacy global generator on purpose
    np.set_printoptions(precision=4, suppress=True, linewidth=88)
    # The book's arrays are small: NumPy's BLAS on one thread is as fast for
    # them, many times faster on a busy machine or beside a second notebook,
    # and its sums don't depend on how many cores the machine has.
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")

    import matplotlib as mpl
    from cycler import cycler

    mpl.rcParams.update(BOOK_STYLE)
    mpl.rcParams["axes.prop_cycle"] = cycler(color=COLOURS)
    _sharp_inline_figures()

    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", message=".*input_shape.*input_dim.*")

    if tensorflow:
        import keras
        import tensorflow as tf

        tf.get_logger().setLevel("ERROR")
        keras.utils.set_random_seed(seed)
        tf.config.experimental.enable_op_determinism()


def _sharp_inline_figures() -> None:
    """In a notebook, draw figures at twice the pixels for the same size on the
    page ("retina"), so they stay sharp on high-density screens and phones."""
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:
        return
    if get_ipython() is not None:
        set_matplotlib_formats("retina")


def glue(name: str, value: Any) -> Any:
    """Make ``value`` available to the page's prose as ``{glue:text}`name```.

    A number in a sentence is computed by a cell, never typed: the cell calls
    ``utils.glue("test_accuracy", accuracy)`` and the Markdown says
    ``{glue:text}`test_accuracy:.3f```. The built book shows the number; in
    Jupyter or Colab it shows nothing, and where myst-nb is not installed it
    does nothing. Glue
    numbers (``int``, ``float``, NumPy scalars), not strings: a glued string
    would show with its quotes. Returns ``value``, so a cell can glue and use it.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(
            f"glue needs a name made of letters, digits and underscores, got {name!r}."
        )
    if isinstance(value, np.generic):
        value = value.item()
    # What myst-nb's own glue(name, value, display=False) writes: the value's
    # display bundle under a prefix no notebook front end renders, tagged with
    # the name. Written here because importing myst_nb costs a second or two
    # per chapter; it is only looked up, so where it is missing this is a no-op.
    if importlib.util.find_spec("myst_nb") is None:
        return value
    from IPython import get_ipython
    from IPython.core.formatters import format_display_data
    from IPython.display import display

    if get_ipython() is None:
        return value
    bundle, metadata = format_display_data(value)
    metadata["scrapbook"] = {"name": name, "mime_prefix": GLUE_PREFIX}
    display(
        {GLUE_PREFIX + key: data for key, data in bundle.items()},
        raw=True,
        metadata=metadata,
    )
    return value


#: Okabe and Ito's colour-blind-safe palette, used for lines and points.
COLOURS = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
]
