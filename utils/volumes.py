"""Volume diagrams of a ConvNet: each layer's output drawn as a 3-D block.

:func:`draw_volumes` draws a sequence of volumes (height x width x channels
blocks in perspective, vectors as thin columns), each labelled with its
shape, and between two volumes the step that turns one into the next: its
name, and for a convolution or a pooling layer its window, drawn as a small
block on the input with lines to the one value it computes in the output.

Give it a built Keras model (the shapes are read from
``model.layers[i].output.shape``, so the figure cannot disagree with the
code) or a list of shapes. Chapter 6 draws its walkthrough network with it,
chapter 8 the network it trains.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from utils.validation import describe

__all__ = ["draw_volumes", "volume_steps"]

#: Face colours (front, top, side) by what made the volume; Okabe-Ito hues.
_COLOURS = {
    "input": ("#E0E0E0", "#C8C8C8", "#B0B0B0"),
    "conv": ("#9CC9E8", "#6AAAD6", "#0072B2"),
    "pool": ("#8FD3BF", "#4FB99A", "#009E73"),
    "vector": ("#E6BCD6", "#D89BC0", "#CC79A7"),
}
_WINDOW_COLOUR = "#D55E00"  # vermillion, as the windows of chapter 5's figures
_DEPTH_SLANT = (0.55, 0.4)  # how one unit of depth is drawn: right and up


def volume_steps(model_or_shapes: Any, labels: Any = None) -> list[dict]:
    """The volumes to draw, as dictionaries: ``shape``, ``kind``, and for every
    volume but the first the ``label`` of the step that made it and its
    ``window`` (kernel or pool size, or None) and ``window_depth``.

    A Keras model gives one volume for its input and one per layer that changes
    the shape; a layer that keeps the shape (an activation, dropout) is named
    in the label of the step before it. A list gives one volume per shape,
    and ``labels`` (one per step, so one fewer than the shapes) names the steps.
    """
    if hasattr(model_or_shapes, "layers"):
        if labels is not None:
            raise ValueError("labels are read from the model; leave labels out.")
        return _steps_of_model(model_or_shapes)
    if isinstance(model_or_shapes, (str, bytes)) or not hasattr(
        model_or_shapes, "__len__"
    ):
        raise TypeError(
            "draw_volumes needs a built Keras model or a list of shapes such as "
            f"[(32, 32, 3), (32, 32, 12)], but got {describe(model_or_shapes)}."
        )
    shapes = [
        _check_shape(shape, f"shape {i}") for i, shape in enumerate(model_or_shapes)
    ]
    if len(shapes) < 1:
        raise ValueError("draw_volumes needs at least one shape to draw.")
    if labels is None:
        labels = [""] * (len(shapes) - 1)
    if isinstance(labels, str) or len(labels) != len(shapes) - 1:
        raise ValueError(
            f"labels must name the {len(shapes) - 1} step(s) between the "
            f"{len(shapes)} shapes, one string each, but got {describe(labels)}."
        )
    steps = [{"shape": shapes[0], "kind": "input"}]
    for shape, label in zip(shapes[1:], labels, strict=True):
        kind = "vector" if len(shape) == 1 else "conv"
        steps.append({"shape": shape, "kind": kind, "label": str(label)})
    return steps


def _check_shape(shape: Any, name: str) -> tuple[int, ...]:
    try:
        values = tuple(shape)
    except TypeError:
        values = ()
    whole = all(
        isinstance(v, numbers.Integral) and not isinstance(v, bool) and v > 0
        for v in values
    )
    if len(values) not in (1, 3) or not whole:
        raise ValueError(
            f"{name} must be (height, width, channels) or (length,), made of "
            f"positive whole numbers, but got {describe(shape)}."
        )
    return tuple(int(v) for v in values)


def _steps_of_model(model: Any) -> list[dict]:
    """Read shapes, names and windows from a built Keras model's layers."""
    try:
        first = model.layers[0].input.shape
    except (AttributeError, IndexError, ValueError) as error:
        raise ValueError(
            "the model has no input shape yet: build it, for example with "
            f"keras.Input(shape=(32, 32, 3)) as its first entry ({error})."
        ) from None
    steps = [
        {"shape": _check_shape(first[1:], "the model's input shape"), "kind": "input"}
    ]
    for layer in model.layers:
        shape = _check_shape(
            layer.output.shape[1:], f"the output of layer {layer.name!r}"
        )
        label, kind, window = _describe_layer(layer)
        if shape == steps[-1]["shape"] and len(steps) > 1:
            steps[-1]["label"] += f" + {label}"
            continue
        depth = steps[-1]["shape"][-1] if kind == "conv" else 1
        steps.append(
            {
                "shape": shape,
                "kind": kind,
                "label": label,
                "window": window,
                "window_depth": depth,
            }
        )
    return steps


def _describe_layer(layer: Any) -> tuple[str, str, tuple[int, int] | None]:
    """A short label, the kind of volume it makes, and its window."""
    name = type(layer).__name__
    config = layer.get_config()
    if "Conv2D" in name:
        size = "×".join(str(k) for k in config["kernel_size"])
        label = f"conv {size}, {config['filters']}"
        if tuple(config["strides"]) != (1, 1):
            label += f", stride {config['strides'][0]}"
        label += f"\n'{config['padding']}'"
        if config.get("activation") not in (None, "linear"):
            label += f" + {config['activation']}"
        return label, "conv", tuple(config["kernel_size"])
    if "Pooling2D" in name and "Global" not in name:
        size = "×".join(str(k) for k in config["pool_size"])
        kind = "max" if name.startswith("Max") else "average"
        return f"{kind} pool\n{size}", "pool", tuple(config["pool_size"])
    if name == "Dense":
        label = f"dense {config['units']}"
        if config.get("activation") not in (None, "linear"):
            label += f" + {config['activation']}"
        return label, "vector", None
    short = {"GlobalAveragePooling2D": "global\naverage"}.get(name, name.lower())
    return short, "vector", None


def _drawn(n: int) -> float:
    """Lengths are drawn on a square-root scale, so that 3 and 32 both fit."""
    return math.sqrt(n)


def _box(ax, x: float, y: float, w: float, h: float, d: float, colours, **style):
    """A block with its front face's lower-left corner at (x, y)."""
    from matplotlib.patches import Polygon

    dx, dy = d * _DEPTH_SLANT[0], d * _DEPTH_SLANT[1]
    faces = [
        [(x, y), (x + w, y), (x + w, y + h), (x, y + h)],
        [(x, y + h), (x + w, y + h), (x + w + dx, y + h + dy), (x + dx, y + h + dy)],
        [(x + w, y), (x + w + dx, y + dy), (x + w + dx, y + h + dy), (x + w, y + h)],
    ]
    for corners, colour in zip(faces, colours, strict=True):
        ax.add_patch(Polygon(corners, closed=True, facecolor=colour, **style))


def _size(step: dict, cap: float) -> tuple[float, float, float]:
    """Drawn width, height and depth of one volume (vectors are thin columns)."""
    shape = step["shape"]
    if len(shape) == 1:
        return 0.6, min(_drawn(shape[0]), cap), 0.6
    return _drawn(shape[1]), _drawn(shape[0]), _drawn(shape[2])


def _shape_text(shape: tuple[int, ...]) -> str:
    return "×".join(str(n) for n in shape)


def draw_volumes(
    model_or_shapes: Any,
    *,
    labels: Any = None,
    per_row: int = 4,
    width: float = 6.0,
    title: str | None = None,
):
    """Draw a ConvNet as a sequence of volumes, and return the figure.

    Parameters
    ----------
    model_or_shapes:
        A built Keras model (``keras.Sequential`` starting with ``keras.Input``),
        or a list of shapes, ``(height, width, channels)`` or ``(length,)``.
    labels:
        Only with a list of shapes: one label per step between two shapes.
    per_row:
        How many volumes in a row before the figure wraps to the next row
        (fewer makes a narrower, taller drawing, easier to read on a phone).
    width:
        The figure's width in inches (the book's text column is about 7).
    title:
        The figure's title; by default it says how the sizes are drawn.

    Heights, widths and depths are drawn on a square-root scale, and a vector
    longer than the tallest volume is cut (its label gives its length).

    Raises
    ------
    TypeError, ValueError
        If the input is neither a model nor a list of shapes, a shape is not
        (height, width, channels) or (length,), the labels do not match the
        steps, or the model has not been built.

    Chapter 6, section "The whole network and its summary".
    """
    import matplotlib.pyplot as plt

    steps = volume_steps(model_or_shapes, labels)
    if (
        isinstance(per_row, bool)
        or not isinstance(per_row, numbers.Integral)
        or per_row < 1
    ):
        raise ValueError(
            f"per_row must be a whole number of at least 1, not {per_row!r}."
        )
    volumes = [s for s in steps if len(s["shape"]) == 3]
    tallest = max((_size(s, 0)[1] for s in volumes), default=_drawn(64))
    sizes = [_size(step, 1.5 * tallest) for step in steps]
    cell = max(w + d * _DEPTH_SLANT[0] for w, h, d in sizes) + 3.2
    row_height = max(h + d * _DEPTH_SLANT[1] for w, h, d in sizes) + 4.6
    rows = math.ceil(len(steps) / per_row)
    columns = min(per_row, len(steps))
    figure, ax = plt.subplots(
        figsize=(width, width * (rows * row_height + 1.0) / (columns * cell) + 0.4),
        layout="constrained",
    )
    anchors = []  # per volume: (x, y of the front face's lower-left, w, h, d)
    for index, (step, (w, h, d)) in enumerate(zip(steps, sizes, strict=True)):
        row, column = divmod(index, per_row)
        x = column * cell + 2.6
        y = -row * row_height - h / 2
        _box(ax, x, y, w, h, d, _COLOURS[step["kind"]], edgecolor="#404040", lw=0.8)
        if len(step["shape"]) == 1 and _drawn(step["shape"][0]) > 1.5 * tallest:
            ax.plot(
                [x - 0.2, x + 0.8], [y + h * 0.55, y + h * 0.6], color="white", lw=3
            )
        ax.text(
            x + w / 2,
            y - 0.5,
            _shape_text(step["shape"]),
            ha="center",
            va="top",
            fontsize=12,
            fontweight="bold",
        )
        anchors.append((x, y, w, h, d))
    for index, step in enumerate(steps[1:], start=1):
        _draw_step(
            ax, anchors[index - 1], anchors[index], step, wraps=index % per_row == 0
        )
    top = max(h / 2 + d * _DEPTH_SLANT[1] for w, h, d in sizes) + 2.6
    bottom = -(rows - 1) * row_height - max(h / 2 for w, h, d in sizes) - 1.8
    ax.set(xlim=(0, columns * cell + 0.5), ylim=(bottom, top), aspect="equal")
    ax.axis("off")
    ax.set_title(
        title or "Each layer's output volume (sides on a square-root scale)",
        fontsize=11,
    )
    return figure


def _draw_step(ax, before, after, step, *, wraps: bool) -> None:
    """The label of a step, its window on the input, lines to the output."""
    x0, y0, w0, h0, d0 = before
    x1, y1, w1, h1, d1 = after
    line = {"color": _WINDOW_COLOUR, "lw": 1.0}
    target = (x1 + w1 * 0.35, y1 + h1 * 0.65)
    window = step.get("window")
    if window:
        kh, kw = window
        wh, ww = _drawn(kh), _drawn(kw)
        depth = _drawn(step["window_depth"])
        wx, wy = x0 + w0 - ww - 0.15 * w0, y0 + h0 - wh - 0.15 * h0
        _box(
            ax,
            wx,
            wy,
            ww,
            wh,
            min(depth, d0),
            (_WINDOW_COLOUR,) * 3,
            edgecolor="black",
            lw=0.6,
            alpha=0.75,
        )
        start = [(wx + ww, wy + wh), (wx + ww, wy)]
    else:
        start = [(x0 + w0 + d0 * _DEPTH_SLANT[0], y0 + h0 / 2)]
    if wraps:  # down to the next row, then left and down to the volume
        middle = (y0 - 1.6 + y1 + h1 + d1 * _DEPTH_SLANT[1] + 1.8) / 2
        sx, sy = start[0]
        xs = [sx, sx + 0.8, sx + 0.8, target[0] - 1.6, target[0] - 1.6, target[0]]
        ys = [sy, sy, middle, middle, target[1], target[1]]
        ax.plot(xs, ys, **line)
        ax.text(
            (xs[1] + xs[3]) / 2,
            middle,
            step["label"].replace("\n", " "),
            ha="center",
            va="center",
            fontsize=11,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
        )
        return
    for sx, sy in start:
        ax.plot([sx, target[0]], [sy, target[1]], **line)
    ax.plot(*target, "o", color=_WINDOW_COLOUR, ms=3)
    label_x = (x0 + w0 + d0 * _DEPTH_SLANT[0] + x1) / 2
    top = max(y0 + h0 + d0 * _DEPTH_SLANT[1], y1 + h1 + d1 * _DEPTH_SLANT[1])
    ax.text(label_x, top + 0.3, step["label"], ha="center", va="bottom", fontsize=11)
