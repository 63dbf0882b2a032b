"""Figures of kernels and the feature maps they produce.

Chapter 7, "Worked example: one photo through convolution, activation and
pooling", draws the stages of one image side by side and a gallery of
hand-made kernels with these functions; they are figure code, not the lesson.
Every function returns the Matplotlib figure (or axes) it drew.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

__all__ = [
    "ROBUST_PERCENTILES",
    "as_feature_map",
    "plot_feature_maps",
    "plot_kernel",
    "plot_kernels_and_maps",
]

#: The percentiles that ``robust=True`` stretches the colour scale between.
ROBUST_PERCENTILES = (1.0, 99.0)


def as_feature_map(array) -> np.ndarray:
    """One 2-D map of floats from an image, a feature map or a TensorFlow batch.

    Drops the axes of length one that TensorFlow's layout adds: shape
    ``(1, height, width, 1)`` or ``(height, width, 1)`` becomes
    ``(height, width)``. Raises ValueError if there is more than one map.
    """
    if hasattr(array, "numpy"):
        array = array.numpy()
    array = np.asarray(array, dtype=float)
    if array.ndim == 4 and array.shape[0] == 1 and array.shape[3] == 1:
        return array[0, :, :, 0]
    if array.ndim == 3 and array.shape[2] == 1:
        return array[:, :, 0]
    if array.ndim == 2:
        return array
    raise ValueError(
        f"a feature map must be one 2-D map: shape (height, width), (height, width, "
        f"1) or (1, height, width, 1), but it has shape {array.shape}. Pick one "
        "image and one channel first, for example maps[0, :, :, channel]."
    )


def _colour_limits(array: np.ndarray, robust: bool) -> tuple[dict, str]:
    """``vmin``/``vmax`` for ``imshow`` and the matching colour-bar ``extend``."""
    if not robust:
        return {}, "neither"
    low, high = np.percentile(array, ROBUST_PERCENTILES)
    if low == high:
        return {}, "neither"
    below, above = bool(array.min() < low), bool(array.max() > high)
    extend = {(False, False): "neither", (True, False): "min", (False, True): "max"}
    return {"vmin": low, "vmax": high}, extend.get((below, above), "both")


def _show_map(ax, array, cmap, robust, colorbar=True, **colorbar_options):
    """Draw one map on ``ax`` without ticks, with an optional colour bar."""
    limits, extend = _colour_limits(array, robust)
    shown = ax.imshow(array, cmap=cmap, **limits)
    ax.grid(False)
    ax.set_xticks([])
    ax.set_yticks([])
    if colorbar:
        ax.figure.colorbar(
            shown, ax=ax, fraction=0.046, pad=0.04, extend=extend, **colorbar_options
        )
    return shown


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
        A list of maps, or a dict from title to map; each map as read by
        :func:`as_feature_map`.
    titles:
        One title per map, when ``maps`` is a list.
    cmap:
        The Matplotlib colour map (the book uses ``"magma"`` for feature maps).
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
    """
    import matplotlib.pyplot as plt

    if isinstance(maps, Mapping):
        titles, maps = list(maps), list(maps.values())
    arrays = [as_feature_map(feature_map) for feature_map in maps]
    titles = [""] * len(arrays) if titles is None else [str(t) for t in titles]
    fig, axes = plt.subplots(
        1,
        len(arrays),
        figsize=(size * len(arrays), size * 0.95 + (0.3 if suptitle else 0)),
        squeeze=False,
    )
    for ax, array, title in zip(axes[0], arrays, titles, strict=True):
        _show_map(ax, array, cmap, robust, colorbar)
        if show_shape:
            shape = f"{array.shape[0]} x {array.shape[1]}"
            title = f"{title}\n{shape}" if title else shape
        ax.set_title(title)
    if suptitle:
        fig.suptitle(suptitle)
    return fig


def _short_number(value: float) -> str:
    """A weight with at most two decimals and no trailing zeros: 8, -1, 0.11."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def plot_kernel(kernel, *, ax=None, title: str = "", cmap: str = "magma"):
    """Draw a small 2-D kernel as coloured squares with its weights written in.

    ``kernel`` is ``(height, width)`` or ``(height, width, 1, 1)``, as
    TensorFlow stores one filter of one channel. Returns the ``Axes`` (a new
    figure's if ``ax`` is None).
    """
    import matplotlib.pyplot as plt

    kernel = np.asarray(kernel, dtype=float)
    if kernel.ndim == 4 and kernel.shape[2:] == (1, 1):
        kernel = kernel[:, :, 0, 0]
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
        colour = "black" if bright else "white"
        text = _short_number(weight)
        ax.text(
            column, row, text, ha="center", va="center", fontsize=fontsize, color=colour
        )
    ax.set_title(title)
    return ax


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

    ``kernels`` is a dict from name to 2-D kernel (see :func:`plot_kernel`),
    ``maps`` one feature map per kernel, in the same order; ``robust`` and
    ``size`` are as in :func:`plot_feature_maps`.
    """
    import matplotlib.pyplot as plt

    arrays = [as_feature_map(feature_map) for feature_map in maps]
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
        _show_map(axes[1, column], array, cmap, robust, location="bottom")
    axes[0, 0].set_ylabel("kernel")
    axes[1, 0].set_ylabel("feature map")
    if suptitle:
        fig.suptitle(suptitle)
    return fig
