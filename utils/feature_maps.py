"""Figures of kernels and the feature maps they produce.

Chapter 6, "Worked example: one photo through convolution, activation and
pooling", draws the stages of one image side by side and a gallery of
hand-made kernels; chapter 7 can put learned kernels next to them with the
same functions. Every function returns the Matplotlib figure it drew.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from utils.validation import as_float_array, describe, require_number

__all__ = [
    "as_feature_map",
    "plot_feature_maps",
    "plot_kernel",
    "plot_kernels_and_maps",
]


def as_feature_map(array, name: str = "feature map"):
    """One 2-D map from an image, a feature map or a TensorFlow-shaped batch.

    Drops the axes of length one that TensorFlow's layout adds: an array of
    shape ``(1, height, width, 1)`` (one image, one channel) or
    ``(height, width, 1)`` becomes ``(height, width)``.

    Parameters
    ----------
    array:
        A NumPy array, a TensorFlow tensor or nested lists.
    name:
        What to call the array in an error message.

    Returns
    -------
    ndarray of shape (height, width)
        The map as floats.

    Raises
    ------
    TypeError
        If ``array`` cannot be turned into numbers.
    ValueError
        If it holds more than one image or channel, so that there is no single
        map to return, or if it has NaN or infinite values.

    Notes
    -----
    Chapter 6, section "The three stages side by side".
    """
    if hasattr(array, "numpy") and callable(array.numpy):
        array = array.numpy()
    array = as_float_array(array, name)
    if array.ndim == 4 and array.shape[0] == 1 and array.shape[3] == 1:
        return array[0, :, :, 0]
    if array.ndim == 3 and array.shape[2] == 1:
        return array[:, :, 0]
    if array.ndim == 2:
        return array
    raise ValueError(
        f"{name} must be one 2-D map: shape (height, width), (height, width, 1) or "
        f"(1, height, width, 1), but it has shape {array.shape}. Pick one image "
        "and one channel first, for example maps[0, :, :, channel]."
    )


def _named_maps(maps, titles, name):
    if isinstance(maps, Mapping):
        if titles is not None:
            raise TypeError(
                f"{name} is a dict, whose keys are already the titles; do not also "
                "pass titles."
            )
        titles = [str(key) for key in maps]
        maps = list(maps.values())
    elif isinstance(maps, np.ndarray) or hasattr(maps, "numpy"):
        raise TypeError(
            f"{name} must be a list (or a dict) of 2-D maps, not one array; "
            "to show a single map, wrap it in a list: [feature_map]."
        )
    elif isinstance(maps, Sequence) and not isinstance(maps, str):
        maps = list(maps)
        if titles is None:
            titles = [""] * len(maps)
        elif isinstance(titles, str) or len(titles) != len(maps):
            count = 1 if isinstance(titles, str) else len(titles)
            raise ValueError(
                f"got {len(maps)} maps but {count} titles; give one title per map."
            )
    else:
        raise TypeError(
            f"{name} must be a list or a dict of 2-D maps, but got {describe(maps)}."
        )
    if not maps:
        raise ValueError(f"{name} is empty; give at least one map to draw.")
    arrays = [as_feature_map(m, f"{name}[{i}]") for i, m in enumerate(maps)]
    return arrays, [str(title) for title in titles]


#: The percentiles that ``robust=True`` stretches the colour scale between.
ROBUST_PERCENTILES = (1.0, 99.0)


def _require_flag(value, name: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, not {describe(value)}.")
    return bool(value)


def _colour_limits(array: np.ndarray, robust: bool) -> dict:
    """``vmin``/``vmax`` for ``imshow`` and the matching colour-bar ``extend``."""
    if not robust:
        return {"limits": {}, "extend": "neither"}
    low, high = np.percentile(array, ROBUST_PERCENTILES)
    if low == high:
        return {"limits": {}, "extend": "neither"}
    below, above = bool(array.min() < low), bool(array.max() > high)
    extend = {
        (False, False): "neither",
        (True, False): "min",
        (False, True): "max",
        (True, True): "both",
    }
    return {"limits": {"vmin": low, "vmax": high}, "extend": extend[below, above]}


def plot_feature_maps(
    maps,
    *,
    titles: Sequence[str] | None = None,
    cmap: str = "magma",
    colorbar: bool = True,
    show_shape: bool = True,
    robust: bool = False,
    size: float = 3.6,
    suptitle: str = "",
):
    """Draw 2-D maps side by side, each with its colour bar and its shape.

    Parameters
    ----------
    maps:
        A list of maps, or a dict from title to map. Each map is 2-D, or a
        TensorFlow-shaped ``(1, height, width, 1)`` batch (see
        :func:`as_feature_map`).
    titles:
        One title per map, when ``maps`` is a list.
    cmap:
        The Matplotlib colour map; the book uses ``"magma"`` (perceptually
        uniform) for feature maps and ``"gray"`` for photos.
    colorbar:
        Give every map its own colour bar, since their ranges differ.
    show_shape:
        Add the map's shape, such as ``300 x 300``, to its title.
    robust:
        Stretch each map's colours between its 1st and 99th percentiles, so
        that a few extreme values (a bright border, say) do not leave the rest
        in one flat colour. The colour bar marks clipped values with arrows.
    size:
        Width in inches of each panel.
    suptitle:
        A title over the whole figure.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError, ValueError
        If ``maps`` is not a list or dict of 2-D maps, or the titles do not
        match the maps one for one.

    Notes
    -----
    Chapter 6, section "The three stages side by side".
    """
    import matplotlib.pyplot as plt

    arrays, titles = _named_maps(maps, titles, "maps")
    robust = _require_flag(robust, "robust")
    size = require_number(size, "size")
    if size <= 0:
        raise ValueError(f"size is a width in inches and must be positive, not {size}.")
    fig, axes = plt.subplots(
        1,
        len(arrays),
        figsize=(size * len(arrays), size * 0.95 + (0.3 if suptitle else 0)),
        squeeze=False,
    )
    for ax, array, title in zip(axes[0], arrays, titles, strict=True):
        colours = _colour_limits(array, robust)
        shown = ax.imshow(array, cmap=cmap, **colours["limits"])
        ax.grid(False)
        ax.set_xticks([])
        ax.set_yticks([])
        if show_shape:
            shape = f"{array.shape[0]} x {array.shape[1]}"
            title = f"{title}\n{shape}" if title else shape
        ax.set_title(title)
        if colorbar:
            fig.colorbar(
                shown, ax=ax, fraction=0.046, pad=0.04, extend=colours["extend"]
            )
    if suptitle:
        fig.suptitle(suptitle)
    return fig


def plot_kernel(kernel, *, ax=None, title: str = "", cmap: str = "magma"):
    """Draw a small 2-D kernel as coloured squares with its weights written in.

    Parameters
    ----------
    kernel:
        Shape ``(height, width)``, or ``(height, width, 1, 1)`` as TensorFlow
        stores one filter of one channel. At most 15 x 15, so that the numbers
        stay readable.
    ax:
        The Matplotlib ``Axes`` to draw on (a new figure if ``None``).
    title:
        The title of the panel.
    cmap:
        The colour map for the weights.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError, ValueError
        If ``kernel`` is not a 2-D array of finite numbers or is too large to
        label.

    Notes
    -----
    Chapter 6, section "A gallery of hand-made kernels"; chapter 7 draws the
    learned kernels with it.
    """
    import matplotlib.pyplot as plt

    kernel = as_float_array(kernel, "kernel")
    if kernel.ndim == 4 and kernel.shape[2:] == (1, 1):
        kernel = kernel[:, :, 0, 0]
    if kernel.ndim != 2:
        raise ValueError(
            f"kernel must be 2-D (height, width) or (height, width, 1, 1), but it has "
            f"shape {kernel.shape}; pick one filter of one channel, for example "
            "kernels[:, :, 0, 0]."
        )
    if max(kernel.shape) > 15:
        raise ValueError(
            f"kernel {kernel.shape[0]}x{kernel.shape[1]} is too large to write its "
            "weights in; draw it with plt.imshow instead."
        )
    if ax is None:
        _, ax = plt.subplots(
            figsize=(0.5 * kernel.shape[1] + 1, 0.5 * kernel.shape[0] + 1)
        )
    low, high = float(kernel.min()), float(kernel.max())
    if low == high:
        low, high = low - 1.0, high + 1.0
    ax.imshow(kernel, cmap=cmap, vmin=low, vmax=high)
    ax.grid(False)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    fontsize = "medium" if max(kernel.shape) <= 5 else "x-small"
    for (row, column), weight in np.ndenumerate(kernel):
        # Dark text on the bright end of the colour map, light text elsewhere.
        bright = (weight - low) / (high - low) > 0.6
        ax.text(
            column,
            row,
            _short_number(weight),
            ha="center",
            va="center",
            fontsize=fontsize,
            color="black" if bright else "white",
        )
    ax.set_title(title)
    return ax


def _short_number(value: float) -> str:
    """A weight with at most two decimals and no trailing zeros: 8, -1, 0.11."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def plot_kernels_and_maps(
    kernels: Mapping[str, object],
    maps: Sequence[object],
    *,
    cmap: str = "magma",
    robust: bool = False,
    size: float = 2.6,
    suptitle: str = "",
):
    """A gallery: each kernel on the top row, the map it produces below it.

    Parameters
    ----------
    kernels:
        A dict from name to 2-D kernel (see :func:`plot_kernel`).
    maps:
        One feature map per kernel, in the same order (see
        :func:`as_feature_map`).
    cmap:
        The colour map of kernels and maps.
    robust:
        Stretch each map's colours between its 1st and 99th percentiles (see
        :func:`plot_feature_maps`).
    size:
        Width in inches of each column.
    suptitle:
        A title over the whole figure.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError, ValueError
        If ``kernels`` is not a dict, or there is not exactly one map per
        kernel.

    Notes
    -----
    Chapter 6, section "A gallery of hand-made kernels".
    """
    import matplotlib.pyplot as plt

    if not isinstance(kernels, Mapping) or not kernels:
        raise TypeError(
            "kernels must be a non-empty dict from a name to a 2-D kernel, "
            f"but got {describe(kernels)}."
        )
    arrays, _ = _named_maps(maps, None, "maps")
    if len(arrays) != len(kernels):
        raise ValueError(
            f"got {len(kernels)} kernels but {len(arrays)} maps; give one map per "
            "kernel, in the same order."
        )
    robust = _require_flag(robust, "robust")
    size = require_number(size, "size")
    if size <= 0:
        raise ValueError(f"size is a width in inches and must be positive, not {size}.")
    columns = len(kernels)
    fig, axes = plt.subplots(
        2,
        columns,
        figsize=(size * columns, 2.1 * size + (0.3 if suptitle else 0)),
        squeeze=False,
        height_ratios=[1, 1.15],
    )
    for column, ((name, kernel), array) in enumerate(
        zip(kernels.items(), arrays, strict=True)
    ):
        plot_kernel(kernel, ax=axes[0, column], title=str(name), cmap=cmap)
        colours = _colour_limits(array, robust)
        shown = axes[1, column].imshow(array, cmap=cmap, **colours["limits"])
        axes[1, column].grid(False)
        axes[1, column].set_xticks([])
        axes[1, column].set_yticks([])
        fig.colorbar(
            shown,
            ax=axes[1, column],
            fraction=0.046,
            pad=0.04,
            location="bottom",
            extend=colours["extend"],
        )
    axes[0, 0].set_ylabel("kernel")
    axes[1, 0].set_ylabel("feature map")
    if suptitle:
        fig.suptitle(suptitle)
    return fig
