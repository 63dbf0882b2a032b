"""Figures of kernels and the feature maps they produce.

Chapter 7, "Worked example: one photo through convolution, activation and
pooling", draws the stages of one image, zoomed crops of them and a gallery of
hand-made kernels with these functions; they are figure code, not the lesson.
Signed maps and kernels get a diverging colour map centred on 0.
Every function returns the Matplotlib figure (or axes) it drew.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

__all__ = [
    "ROBUST_PERCENTILES",
    "SIGNED_CMAP",
    "as_feature_map",
    "plot_feature_maps",
    "plot_kernel",
    "plot_kernel_row",
    "plot_map_grid",
    "show_map",
    "symmetric_limit",
]

#: The diverging colour map for signed data (colour-blind safe), centred on 0.
SIGNED_CMAP = "RdBu_r"

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


def plot_kernel(kernel, *, ax=None, title: str = "", cmap: str = SIGNED_CMAP):
    """Draw a small 2-D kernel as coloured squares with its weights written in.

    Weights are signed, so the colours come from a diverging map centred on 0
    (white), running to the largest weight in size either way. ``kernel`` is
    ``(height, width)`` or ``(height, width, 1, 1)``, as TensorFlow stores one
    filter of one channel. Returns the ``Axes`` (a new figure's if ``ax`` is
    None).
    """
    import matplotlib.pyplot as plt

    kernel = np.asarray(kernel, dtype=float)
    if kernel.ndim == 4 and kernel.shape[2:] == (1, 1):
        kernel = kernel[:, :, 0, 0]
    if ax is None:
        _, ax = plt.subplots(
            figsize=(0.5 * kernel.shape[1] + 1, 0.5 * kernel.shape[0] + 1)
        )
    largest = float(np.abs(kernel).max()) or 1.0
    ax.imshow(kernel, cmap=cmap, vmin=-largest, vmax=largest)
    ax.grid(False)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    fontsize = "medium" if max(kernel.shape) <= 5 else "x-small"
    for (row, column), weight in np.ndenumerate(kernel):
        # Light text on the strong colours at both ends, dark text near 0.
        colour = "white" if abs(weight) / largest > 0.6 else "black"
        text = _short_number(weight)
        ax.text(
            column, row, text, ha="center", va="center", fontsize=fontsize, color=colour
        )
    ax.set_title(title)
    return ax


def plot_kernel_row(kernels: Mapping[str, object], *, size: float = 1.4, suptitle=""):
    """The kernels of a dict from name to 2-D kernel side by side, weights written in."""
    import matplotlib.pyplot as plt

    with plt.rc_context(_READABLE_ON_A_PHONE):
        fig, axes = plt.subplots(
            1, len(kernels), figsize=(size * len(kernels), size + 0.6), squeeze=False
        )
        for ax, (name, kernel) in zip(axes[0], kernels.items(), strict=True):
            plot_kernel(kernel, ax=ax, title=str(name))
        if suptitle:
            fig.suptitle(suptitle)
    return fig


def symmetric_limit(array, percentile: float = 99.5) -> float:
    """The ``percentile`` of the values' sizes, over one map or several: a
    colour scale from minus this to plus this is centred on 0 and clips only
    the rarest extremes."""
    values = array.numpy() if hasattr(array, "numpy") else np.asarray(array)
    return float(np.percentile(np.abs(values), percentile))


def show_map(ax, array, *, limits=None, cmap=None, label="", title=""):
    """Draw one map on ``ax`` with a colour bar; return the image.

    ``limits`` is ``(low, high)``; by default a map with negative values gets a
    diverging map centred on 0 (``SIGNED_CMAP``, limits from
    :func:`symmetric_limit`) and any other map ``magma`` from 0 to its 99.5th
    percentile. Values beyond the limits show as arrows on the colour bar.
    """
    array = as_feature_map(array)
    signed = bool(array.min() < 0)
    if limits is None:
        limit = symmetric_limit(array) or 1.0
        limits = (-limit, limit) if signed else (0.0, limit)
    if cmap is None:
        cmap = SIGNED_CMAP if limits[0] < 0 < limits[1] else "magma"
    low, high = limits
    below, above = bool(array.min() < low), bool(array.max() > high)
    extend = {(False, False): "neither", (True, False): "min", (False, True): "max"}
    shown = ax.imshow(array, cmap=cmap, vmin=low, vmax=high, interpolation="nearest")
    ax.grid(False)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.figure.colorbar(
        shown,
        ax=ax,
        fraction=0.046,
        pad=0.03,
        extend=extend.get((below, above), "both"),
        label=label,
    )
    ax.set_title(title)
    return shown


def plot_map_grid(
    maps: Mapping[str, object],
    *,
    ncols: int = 2,
    panel_size: float = 3.4,
    limits: Mapping[str, tuple[float, float]] | None = None,
    cmaps: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | str = "",
    boxes: Mapping[str, Sequence[tuple[int, int, int, int]]] | None = None,
    suptitle: str = "",
):
    """Maps in a grid of ``ncols`` columns, each drawn by :func:`show_map`.

    ``maps`` is a dict from title to map. ``limits``, ``cmaps`` and ``labels``
    (colour-bar labels; one string for all) are looked up by title, so several
    panels can share one scale. ``boxes`` outlines regions on a panel, each as
    ``(top, left, height, width)`` in pixels, to show where a crop comes from.
    """
    import matplotlib.pyplot as plt

    limits, cmaps, boxes = dict(limits or {}), dict(cmaps or {}), dict(boxes or {})
    nrows = -(-len(maps) // ncols)
    with plt.rc_context(_READABLE_ON_A_PHONE):
        return _map_grid(
            maps, nrows, ncols, panel_size, limits, cmaps, labels, boxes, suptitle
        )


#: Font sizes (points) for figures 7 inches wide that a phone shows at half size.
_READABLE_ON_A_PHONE = {"font.size": 12, "axes.titlesize": 13, "figure.titlesize": 14}


def _map_grid(maps, nrows, ncols, panel_size, limits, cmaps, labels, boxes, suptitle):
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(panel_size * ncols, panel_size * nrows * 0.93 + 0.35 * bool(suptitle)),
        squeeze=False,
        layout="constrained",
    )
    for ax, (title, array) in zip(axes.flat, maps.items(), strict=False):
        label = labels if isinstance(labels, str) else labels.get(title, "")
        show_map(
            ax,
            array,
            limits=limits.get(title),
            cmap=cmaps.get(title),
            label=label,
            title=title,
        )
        for top, left, height, width in boxes.get(title, ()):
            ax.add_patch(
                Rectangle(
                    (left - 0.5, top - 0.5),
                    width,
                    height,
                    fill=False,
                    lw=2,
                    edgecolor="#56B4E9",
                )
            )
    for ax in axes.flat[len(maps) :]:
        ax.set_visible(False)
    if suptitle:
        fig.suptitle(suptitle)
    return fig
