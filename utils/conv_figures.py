"""Figures and animations that show how a convolution works, number by number.

Chapter 5, "The mathematics of convolution", teaches from these:

- :func:`plot_array` draws a small 1-D or 2-D array with its numbers in the
  cells, optionally with a window outlined and padding cells greyed out;
- :func:`plot_kernel_positions` draws where a kernel lands on an input for a
  given kernel size, stride and padding, and the output size that results;
- the animation of a kernel sliding over an input is in
  :mod:`utils.conv_animation`.

Like :mod:`utils.plotting`, every plotting function draws on a Matplotlib
``Axes`` (a new one if none is given) and returns it.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from utils.conv import conv_output_size, padding_amounts
from utils.validation import describe, require_int

__all__ = [
    "plot_array",
    "plot_kernel_positions",
]

#: Okabe and Ito colours (see :data:`utils.environment.COLOURS`).
HIGHLIGHT_COLOUR = "#D55E00"  # vermillion: the current window
CENTRE_COLOUR = "#0072B2"  # blue: where each window is centred
PADDING_COLOUR = "#D9D9D9"  # light grey: zeros added around the input
EDGE_COLOUR = "#7F7F7F"

#: Beyond this many cells a side, the numbers in the cells become unreadable.
MAX_CELLS = 30


# --------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------


def _padding_sides(padding: Any, shape: tuple[int, int]) -> tuple[int, int, int, int]:
    """``padding`` as ``(top, bottom, left, right)`` cells, checked against ``shape``."""
    if isinstance(padding, bool):
        raise TypeError(f"padding must be a whole number, not {describe(padding)}.")
    if isinstance(padding, numbers.Integral):
        sides = (int(padding),) * 4
    elif isinstance(padding, tuple | list) and len(padding) == 4:
        sides = tuple(require_int(value, "each entry of padding") for value in padding)
    else:
        raise TypeError(
            "padding must be a whole number of cells on every side, or a tuple "
            f"(top, bottom, left, right), but got {describe(padding)}."
        )
    if min(sides) < 0:
        raise ValueError(f"padding must not be negative, but got {padding}.")
    top, bottom, left, right = sides
    if top + bottom > shape[0] or left + right > shape[1]:
        raise ValueError(
            f"padding {sides} covers more than the whole {shape[0]}x{shape[1]} "
            "array; give the padded array and how many of its outer cells are "
            "padding."
        )
    return top, bottom, left, right


def _highlight_box(highlight: Any, shape: tuple[int, int]) -> tuple[int, int, int, int]:
    """``highlight`` as ``(row, column, height, width)``, inside ``shape``."""
    if not isinstance(highlight, tuple | list) or len(highlight) != 4:
        raise TypeError(
            "highlight must be a tuple (row, column, height, width) giving the "
            f"window's top-left cell and size, but got {describe(highlight)}."
        )
    row, column, height, width = (
        require_int(value, "each entry of highlight") for value in highlight
    )
    if height < 1 or width < 1:
        raise ValueError(
            f"the highlighted window must be at least 1x1, but it is {height}x{width}."
        )
    if row < 0 or column < 0 or row + height > shape[0] or column + width > shape[1]:
        raise ValueError(
            f"the highlighted window (rows {row} to {row + height - 1}, columns "
            f"{column} to {column + width - 1}) does not fit in the "
            f"{shape[0]}x{shape[1]} array."
        )
    return row, column, height, width


def _number_text(value: float, fmt: str | None, whole: bool) -> str:
    if fmt is not None:
        return fmt.format(value)
    value = float(value) + 0.0  # turns -0.0 into 0.0
    if whole:
        return f"{value:.0f}"
    return (
        f"{value:.2f}".rstrip("0").rstrip(".") if abs(value) < 100 else f"{value:.3g}"
    )


# --------------------------------------------------------------------------
# Drawing arrays
# --------------------------------------------------------------------------


def plot_array(
    array: Any,
    *,
    ax=None,
    title: str = "",
    highlight: tuple[int, int, int, int] | None = None,
    padding: int | tuple[int, int, int, int] = 0,
    shade: bool = True,
    cmap: str = "cividis",
    vmin: float | None = None,
    vmax: float | None = None,
    fmt: str | None = None,
    fontsize: float | str | None = None,
):
    """Draw a small 1-D or 2-D array as a grid of cells with its numbers written in.

    Parameters
    ----------
    array:
        A 1-D array (drawn as one row) or a 2-D array, at most
        :data:`MAX_CELLS` cells a side. NaN cells are left blank (useful to
        fill in an output one number at a time).
    ax:
        The Axes to draw on; a new figure of a fitting size if ``None``.
    title:
        The Axes' title.
    highlight:
        ``(row, column, height, width)``: a window to outline, for example the
        patch a kernel currently covers. For a 1-D array, ``row`` is 0 and
        ``height`` 1.
    padding:
        How many of the outer rows and columns are padding zeros, drawn in grey:
        one number for every side, or ``(top, bottom, left, right)``. The tick
        labels then count from the first real cell, so padding cells get
        negative indices.
    shade:
        Tint the cells by value with a pale version of ``cmap`` (the numbers
        stay readable on every cell). ``False`` draws every cell white.
    cmap, vmin, vmax:
        The colour map and the values at its two ends (default: the array's
        smallest and largest values). Fix ``vmin`` and ``vmax`` to keep colours
        steady across the frames of an animation.
    fmt:
        A format string such as ``"{:.1f}"``; by default whole numbers print
        without decimals and others with up to two.
    fontsize:
        Size of the numbers; by default it shrinks as the array grows.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Raises
    ------
    TypeError, ValueError
        If ``array`` is not a 1-D or 2-D array of numbers, is too large to
        draw, or ``highlight`` or ``padding`` do not fit in it.

    Examples
    --------
    >>> import numpy as np
    >>> ax = plot_array(np.arange(12).reshape(3, 4), highlight=(0, 1, 2, 2))

    Chapter 5, sections "Convolution in one dimension" and "Two dimensions".
    """
    import matplotlib.pyplot as plt

    values, one_dimensional = _read_array(array)
    rows, columns = values.shape
    top, bottom, left, right = _padding_sides(padding, values.shape)
    if highlight is not None:
        highlight = _highlight_box(highlight, values.shape)
    if ax is None:
        _, ax = plt.subplots(figsize=(0.45 * columns + 0.9, 0.45 * rows + 0.9))
    colour = _cell_colours(values, shade, cmap, vmin, vmax)
    finite = values[np.isfinite(values)]
    whole = bool(finite.size) and bool(np.all(finite == np.round(finite)))
    if fontsize is None:
        fontsize = (
            11 if max(rows, columns) <= 6 else 9 if max(rows, columns) <= 10 else 7
        )
    for i in range(rows):
        for j in range(columns):
            value = values[i, j]
            if i < top or i >= rows - bottom or j < left or j >= columns - right:
                face, text_colour = PADDING_COLOUR, "#555555"
            else:
                face, text_colour = colour(value), "black"
            _cell(ax, i, j, face, linewidth=0.8)
            if np.isfinite(value):
                text = _number_text(value, fmt, whole)
                ax.text(
                    j,
                    i,
                    text,
                    ha="center",
                    va="center",
                    color=text_colour,
                    fontsize=fontsize,
                )
    if highlight is not None:
        row, column, height, width = highlight
        ax.add_patch(_outline(column - 0.5, row - 0.5, width, height))
    _bare_grid(ax, rows, columns)
    _label_cells(
        ax,
        rows,
        columns,
        first_row=top,
        first_column=left,
        one_dimensional=one_dimensional,
    )
    if title:
        ax.set_title(title)
    return ax


def _read_array(array: Any) -> tuple[np.ndarray, bool]:
    """``array`` as a 2-D float array, and whether it was 1-D, or a clear error."""
    if array is None or array is Ellipsis:
        raise TypeError(f"array must be an array of numbers, but got {array!r}.")
    try:
        values = np.asarray(array, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"array must be an array of numbers, but got {describe(array)}."
        ) from None
    if values.ndim not in (1, 2):
        raise ValueError(
            f"plot_array draws 1-D or 2-D arrays, but this one has shape "
            f"{values.shape}; draw one channel at a time, e.g. array[:, :, 0]."
        )
    one_dimensional = values.ndim == 1
    values = np.atleast_2d(values)
    if values.size == 0:
        raise ValueError("array is empty; there is nothing to draw.")
    if max(values.shape) > MAX_CELLS:
        raise ValueError(
            f"an array of shape {values.shape} has too many cells to write the "
            f"numbers in; draw at most {MAX_CELLS} cells a side, or use imshow."
        )
    if np.any(np.isinf(values)):
        raise ValueError("array contains infinite values; replace them first.")
    return values, one_dimensional


def _cell_colours(values, shade, cmap, vmin, vmax):
    """A function from a cell's value to its face colour."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import Normalize

    finite = values[np.isfinite(values)]
    low = vmin if vmin is not None else (finite.min() if finite.size else 0.0)
    high = vmax if vmax is not None else (finite.max() if finite.size else 1.0)
    norm = Normalize(vmin=low, vmax=high if high > low else low + 1.0)
    colour_map = plt.get_cmap(cmap)

    def colour(value):
        if not shade or not np.isfinite(value):
            return "white"
        # Half-way between the colour map and white: the shade shows the value
        # and black numbers stay readable on every cell.
        return 0.5 * np.asarray(colour_map(norm(value))) + 0.5

    return colour


def _cell(ax, i: int, j: int, face: Any, linewidth: float) -> None:
    """Draw the square cell of row ``i``, column ``j``."""
    from matplotlib.patches import Rectangle

    ax.add_patch(
        Rectangle(
            (j - 0.5, i - 0.5),
            1,
            1,
            facecolor=face,
            edgecolor=EDGE_COLOUR,
            linewidth=linewidth,
        )
    )


def _outline(x: float, y: float, width: float, height: float, **style: Any):
    """A window's outline, thick and vermillion unless ``style`` says otherwise."""
    from matplotlib.patches import Rectangle

    style = {"edgecolor": HIGHLIGHT_COLOUR, "linewidth": 3, "zorder": 3, **style}
    return Rectangle((x, y), width, height, fill=False, **style)


def _bare_grid(ax, rows: int, columns: int) -> None:
    """Square cells, row 0 at the top, no frame and no grid lines."""
    ax.set_xlim(-0.5, columns - 0.5)
    ax.set_ylim(rows - 0.5, -0.5)
    ax.set_aspect("equal")
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)


def _label_cells(ax, rows, columns, *, first_row, first_column, one_dimensional):
    """Index the cells along the axes, counting from the first real cell."""
    step = 1 if columns <= 12 else 2
    ax.set_xticks(range(0, columns, step))
    ax.set_xticklabels([str(j - first_column) for j in range(0, columns, step)])
    ax.tick_params(length=0, labelsize="small")
    if one_dimensional:
        ax.set_yticks([])
        ax.set_xlabel("index $i$", fontsize="small")
        return
    step = 1 if rows <= 12 else 2
    ax.set_yticks(range(0, rows, step))
    ax.set_yticklabels([str(i - first_row) for i in range(0, rows, step)])
    ax.set_xlabel("column $j$", fontsize="small")
    ax.set_ylabel("row $i$", fontsize="small")


def plot_kernel_positions(
    input_size: int,
    kernel_size: int,
    stride: int = 1,
    padding: str | int = "valid",
    *,
    ax=None,
    legend: bool = True,
):
    """Draw where a kernel lands on a square input, and the output size that results.

    The (padded) input is drawn as a grid: real cells white, padding cells grey.
    A dot marks the centre of every position of the kernel (one dot per output
    value), the first position is outlined in a thick line and the next one
    along the row in a dashed line. Input cells that no position covers (when
    the stride does not fit the input evenly) are crossed out.

    Parameters
    ----------
    input_size:
        The input's height and width, from 1 to :data:`MAX_CELLS`.
    kernel_size:
        The kernel's height and width.
    stride:
        The step between two positions.
    padding:
        ``"valid"``, ``"same"`` (TensorFlow's rule: the extra cell of an odd
        total goes at the bottom and right) or a number of zeros on every side,
        as in :func:`utils.conv.conv2d`.
    ax:
        The Axes to draw on; a new one if ``None``.
    legend:
        Explain the symbols in a legend under the grid (turn it off for all
        but one panel of a grid of such drawings).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on; its title states the output size.

    Raises
    ------
    TypeError, ValueError
        If a size or the stride is not a positive whole number, the padding is
        not understood, or the kernel does not fit in the padded input.

    Chapter 5, section "Stride, padding and the size of the output".
    """
    import matplotlib.pyplot as plt

    input_size = require_int(input_size, "input_size", minimum=1, maximum=MAX_CELLS)
    kernel_size = require_int(kernel_size, "kernel_size", minimum=1)
    stride = require_int(stride, "stride", minimum=1)
    before, after = padding_amounts(input_size, kernel_size, stride, padding)
    output_size = conv_output_size(input_size, kernel_size, stride, padding)
    total = before + input_size + after

    if ax is None:
        _, ax = plt.subplots(figsize=(0.32 * total + 1.6, 0.32 * total + 1.4))
    starts = np.arange(output_size) * stride
    covered = np.zeros(total, dtype=bool)
    for start in starts:
        covered[start : start + kernel_size] = True
    real = np.zeros(total, dtype=bool)
    real[before : before + input_size] = True
    for i in range(total):
        for j in range(total):
            face = "white" if real[i] and real[j] else PADDING_COLOUR
            _cell(ax, i, j, face, linewidth=0.6)
    skipped_rows, skipped_columns = np.nonzero(
        np.outer(real, real) & ~np.outer(covered, covered)
    )
    if skipped_rows.size:
        ax.scatter(skipped_columns, skipped_rows, marker="x", color="#555555", s=40)
    centres = starts + (kernel_size - 1) / 2
    grid_x, grid_y = np.meshgrid(centres, centres)
    ax.scatter(grid_x.ravel(), grid_y.ravel(), s=22, color=CENTRE_COLOUR, zorder=4)
    ax.add_patch(_outline(starts[0] - 0.5, -0.5, kernel_size, kernel_size, zorder=5))
    if len(starts) > 1:
        ax.add_patch(
            _outline(
                starts[1] - 0.5,
                -0.5,
                kernel_size,
                kernel_size,
                zorder=5,
                linewidth=2,
                linestyle="--",
            )
        )
    ax.set_title(
        f"{input_size}x{input_size} input, {kernel_size}x{kernel_size} kernel\n"
        f"stride {stride}, padding {_padding_label(padding, before, after)}\n"
        f"\N{RIGHTWARDS ARROW} {output_size}x{output_size} output",
        fontsize="small",
    )
    _bare_grid(ax, total, total)
    ax.set_xticks([])
    ax.set_yticks([])
    if legend:
        _positions_legend(ax, skipped=bool(skipped_rows.size))
    return ax


def _padding_label(padding: Any, before: int, after: int) -> str:
    if isinstance(padding, str) and padding.lower() == "same":
        return f"'same' ({before} before, {after} after)"
    return "'valid'" if isinstance(padding, str) else str(padding)


def _positions_legend(ax, *, skipped: bool) -> None:
    """Explain the dot, the grey cell and (if any) the cross, under the grid."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    def marker(symbol, label):
        return Line2D(
            [],
            [],
            marker=symbol,
            color=CENTRE_COLOUR if symbol == "o" else "#555555",
            linestyle="",
            label=label,
        )

    handles = [
        marker("o", "centre"),
        Rectangle((0, 0), 1, 1, facecolor=PADDING_COLOUR, label="padding"),
    ]
    if skipped:
        handles.append(marker("x", "skipped"))
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=len(handles),
        fontsize="x-small",
        frameon=False,
        handlelength=1.0,
    )
