"""Figures drawn by more than one chapter.

Every function draws on a Matplotlib ``Axes`` (a new one if none is given),
labels its axes, and returns the ``Axes`` so that a chapter can add to it.
Colours come from the colour-blind-safe palette set by :func:`utils.setup`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from utils.validation import as_float_array, require_int

__all__ = [
    "plot_confusion_matrix",
    "plot_decision_boundary",
    "plot_image_grid",
    "plot_loss_curves",
]


def _new_axes(ax, figsize=None):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_decision_boundary(
    predict: Callable,
    X,
    y,
    *,
    ax=None,
    title: str = "",
    resolution: int = 200,
    margin: float = 0.5,
    xlabel: str = "$x_1$",
    ylabel: str = "$x_2$",
):
    """Shade where a two-input classifier says 0 or 1, and plot the data on top.

    Parameters
    ----------
    predict:
        A function from an array of shape ``(m, 2)`` to ``m`` scores or
        probabilities; the boundary is drawn where it crosses 0.5.
    X, y:
        The points (shape ``(n, 2)``) and their 0/1 labels.

    Chapters 1 (perceptron and XOR) and 2 (a hidden layer learns).
    """
    if not callable(predict):
        raise TypeError(
            "predict must be a function that maps an (m, 2) array to m scores."
        )
    X = as_float_array(X, "X", ndim=2)
    y = as_float_array(y, "y", ndim=1)
    if X.shape[1] != 2:
        raise ValueError(
            f"X must have two columns (two inputs) to be drawn in a plane, not {X.shape[1]}."
        )
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)} labels.")
    resolution = require_int(resolution, "resolution", minimum=10, maximum=2000)
    ax = _new_axes(ax, figsize=(4.5, 4.0))
    x_min, y_min = X.min(axis=0) - margin
    x_max, y_max = X.max(axis=0) + margin
    grid_x, grid_y = np.meshgrid(
        np.linspace(x_min, x_max, resolution), np.linspace(y_min, y_max, resolution)
    )
    scores = np.asarray(predict(np.c_[grid_x.ravel(), grid_y.ravel()]), dtype=float)
    scores = scores.reshape(grid_x.shape)
    ax.contourf(
        grid_x,
        grid_y,
        scores,
        levels=[-np.inf, 0.5, np.inf],
        colors=["#56B4E9", "#E69F00"],
        alpha=0.3,
    )
    if np.nanmin(scores) < 0.5 < np.nanmax(scores):
        ax.contour(grid_x, grid_y, scores, levels=[0.5], colors="black", linewidths=1.5)
    for label, marker, colour in ((0, "o", "#0072B2"), (1, "^", "#D55E00")):
        points = X[y == label]
        ax.scatter(
            points[:, 0],
            points[:, 1],
            marker=marker,
            s=60,
            c=colour,
            edgecolors="black",
            label=f"class {label}",
            zorder=3,
        )
    ax.set(
        xlim=(x_min, x_max),
        ylim=(y_min, y_max),
        xlabel=xlabel,
        ylabel=ylabel,
        title=title,
    )
    ax.legend(loc="best", fontsize="small")
    return ax


def plot_image_grid(
    images,
    *,
    titles: Sequence[str] | None = None,
    ncols: int = 8,
    cmap: str = "gray",
    size: float = 1.4,
    suptitle: str = "",
    colorbar: bool = False,
):
    """Show a batch of 2-D images (or feature maps) in a grid; returns the figure.

    Parameters
    ----------
    images:
        Shape ``(n, height, width)``, or ``(height, width, n)`` feature maps
        passed with ``np.moveaxis(maps, -1, 0)``.
    titles:
        One short title per image (optional).

    Chapters 4, 7 and 8.
    """
    import matplotlib.pyplot as plt

    images = as_float_array(images, "images", ndim=3)
    ncols = require_int(ncols, "ncols", minimum=1)
    n = len(images)
    if titles is not None and len(titles) != n:
        raise ValueError(
            f"got {n} images but {len(titles)} titles; give one title per image."
        )
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(size * ncols, size * nrows + (0.4 if suptitle else 0)),
        squeeze=False,
    )
    for index, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if index < n:
            shown = ax.imshow(images[index], cmap=cmap)
            if titles is not None:
                ax.set_title(titles[index], fontsize="small")
            if colorbar:
                fig.colorbar(shown, ax=ax, fraction=0.046)
    if suptitle:
        fig.suptitle(suptitle)
    return fig


def plot_loss_curves(
    histories: Mapping[str, Sequence[float]],
    *,
    ax=None,
    title: str = "",
    ylabel: str = "loss",
    logy: bool = False,
):
    """Plot one curve per named history (for example ``{"train": ..., "validation": ...}``).

    Chapters 2, 4 and 8.
    """
    if not isinstance(histories, Mapping) or not histories:
        raise TypeError(
            "histories must be a non-empty dict mapping a name to a list of values per epoch."
        )
    ax = _new_axes(ax)
    for name, values in histories.items():
        values = as_float_array(values, f"histories[{name!r}]", ndim=1)
        ax.plot(np.arange(1, len(values) + 1), values, label=name)
    ax.set(xlabel="epoch", ylabel=ylabel, title=title)
    if logy:
        ax.set_yscale("log")
    ax.legend()
    return ax


def plot_confusion_matrix(
    matrix,
    *,
    class_names: Sequence[str] | None = None,
    ax=None,
    title: str = "Confusion matrix",
):
    """Draw a confusion matrix (rows: true class, columns: predicted) with counts.

    Chapters 4, 8 and 11.
    """
    matrix = as_float_array(matrix, "matrix", ndim=2)
    if matrix.shape[0] != matrix.shape[1]:
        raise ValueError(
            f"a confusion matrix is square, but this one has shape {matrix.shape}."
        )
    n = matrix.shape[0]
    if class_names is None:
        class_names = [str(i) for i in range(n)]
    if len(class_names) != n:
        raise ValueError(
            f"the matrix has {n} classes but {len(class_names)} class names were given."
        )
    ax = _new_axes(ax, figsize=(0.5 * n + 2.5, 0.5 * n + 2))
    ax.imshow(matrix, cmap="Blues")
    ax.grid(False)
    threshold = matrix.max() / 2 if matrix.size else 0
    for i in range(n):
        for j in range(n):
            ax.text(
                j,
                i,
                f"{matrix[i, j]:g}",
                ha="center",
                va="center",
                color="white" if matrix[i, j] > threshold else "black",
                fontsize="small",
            )
    ax.set(
        xticks=range(n),
        yticks=range(n),
        xticklabels=class_names,
        yticklabels=class_names,
        xlabel="predicted",
        ylabel="true",
        title=title,
    )
    return ax
