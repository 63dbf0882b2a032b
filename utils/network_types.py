"""Building blocks for chapter 3, "Types of neural networks".

- :class:`RBFLayer`: a layer of Gaussian radial basis function units, written
  as a custom Keras layer, with :func:`rbf_activations` as its NumPy reference;
- :func:`kmeans_centres` and :func:`widths_from_centres`: where to put the
  RBF units and how wide to make them (Moody and Darken's recipe);
- :func:`make_two_sensor_task`: a synthetic task with the structure a modular
  network assumes (two groups of inputs, two sub-tasks, a selector);
- :func:`make_windows` and :func:`forecast_errors`: one-step-ahead forecasting
  with a recurrent network;
- :func:`draw_block_diagram` and :func:`draw_unrolled_rnn`: the chapter's
  diagrams, drawn with Matplotlib (layered networks are drawn by
  :func:`utils.diagrams.draw_network`).

Importing this module imports Keras (and so TensorFlow): call
:func:`utils.setup` first, as every chapter does in its first cell.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import keras
import numpy as np
from keras import ops

from utils.validation import as_float_array, describe, require_int, require_number

__all__ = [
    "RBFLayer",
    "draw_block_diagram",
    "draw_unrolled_rnn",
    "forecast_errors",
    "kmeans_centres",
    "make_two_sensor_task",
    "make_windows",
    "rbf_activations",
    "widths_from_centres",
]


# --------------------------------------------------------------------------
# Radial basis function networks
# --------------------------------------------------------------------------


def _centres_and_widths(centres, widths):
    """Validate centres ``(k, d)`` and widths (a number or ``k`` numbers)."""
    centres = as_float_array(centres, "centres", ndim=2)
    if len(centres) == 0:
        raise ValueError("centres is empty; give at least one centre (one row).")
    widths = as_float_array(widths, "widths", ndim=(0, 1))
    if widths.ndim == 0:
        widths = np.full(len(centres), float(widths))
    if len(widths) != len(centres):
        raise ValueError(
            f"got {len(centres)} centres but {len(widths)} widths; give one width "
            "per centre, or a single number for all of them."
        )
    if np.any(widths <= 0):
        raise ValueError(
            f"every width must be positive, but the smallest is {widths.min():g}."
        )
    return centres, widths


def rbf_activations(X, centres, widths):
    """Gaussian RBF units' outputs, in NumPy: the formula :class:`RBFLayer` computes.

    Unit ``j`` answers ``exp(-||x - c_j||^2 / (2 * sigma_j^2))``: 1 at its
    centre ``c_j``, falling towards 0 with the distance from it, at a rate set
    by its width ``sigma_j``.

    Parameters
    ----------
    X:
        Inputs, shape ``(n, d)`` (or ``(d,)`` for a single input).
    centres:
        One centre per unit, shape ``(k, d)``.
    widths:
        One positive width per unit, shape ``(k,)``, or one number for all.

    Returns
    -------
    ndarray of shape ``(n, k)`` (or ``(k,)`` for a single input)
        Every unit's output for every input, each in (0, 1].

    Raises
    ------
    TypeError, ValueError
        If the shapes do not fit together or a width is not positive.

    Notes
    -----
    Chapter 3, section "Radial basis function networks".
    """
    centres, widths = _centres_and_widths(centres, widths)
    X = as_float_array(X, "X", ndim=(1, 2))
    single = X.ndim == 1
    X = np.atleast_2d(X)
    if X.shape[1] != centres.shape[1]:
        raise ValueError(
            f"X has {X.shape[1]} feature(s) per row but the centres have "
            f"{centres.shape[1]}; they must live in the same space."
        )
    squared_distances = ((X[:, None, :] - centres[None, :, :]) ** 2).sum(axis=-1)
    activations = np.exp(-squared_distances / (2.0 * widths**2))
    return activations[0] if single else activations


def kmeans_centres(X, num_centres: int, *, seed: int = 0):
    """Place RBF centres where the data are, with k-means.

    Parameters
    ----------
    X:
        Training inputs, shape ``(n, d)``; a 1-D array is read as ``d = 1``.
    num_centres:
        How many centres (RBF units) to find; at most the number of distinct
        inputs.
    seed:
        Seed of k-means' random start, for reproducible centres.

    Returns
    -------
    ndarray of shape ``(num_centres, d)``
        The cluster centres, sorted by their first coordinate so that units
        are numbered from left to right in plots.

    Notes
    -----
    Moody and Darken (1989); chapter 3, section "Radial basis function
    networks".
    """
    from sklearn.cluster import KMeans

    X = as_float_array(X, "X", ndim=(1, 2))
    if X.ndim == 1:
        X = X[:, None]
    num_centres = require_int(num_centres, "num_centres", minimum=1)
    seed = require_int(seed, "seed", minimum=0, maximum=2**32 - 1)
    distinct = len(np.unique(X, axis=0))
    if num_centres > distinct:
        raise ValueError(
            f"cannot find {num_centres} centres among {distinct} distinct inputs; "
            "ask for fewer centres."
        )
    kmeans = KMeans(n_clusters=num_centres, n_init=10, random_state=seed).fit(X)
    centres = kmeans.cluster_centers_
    return centres[np.lexsort(centres.T[::-1])]


def widths_from_centres(centres, *, num_neighbours: int = 2, scale: float = 1.0):
    """One width per RBF unit: the RMS distance to its nearest fellow centres.

    Units in a crowded region get narrow bumps and isolated units wide ones,
    so that neighbouring bumps overlap a little and cover the input space
    without gaps (the "P nearest neighbours" heuristic of Moody and Darken).

    Parameters
    ----------
    centres:
        Shape ``(k, d)`` with ``k >= 2``; a 1-D array is read as ``d = 1``.
    num_neighbours:
        How many nearest other centres to average over (``1 <= p < k``).
    scale:
        Multiply every width by this positive factor (wider or narrower bumps).

    Returns
    -------
    ndarray of shape ``(k,)``
        Positive widths.

    Notes
    -----
    Chapter 3, section "Radial basis function networks".
    """
    centres = as_float_array(centres, "centres", ndim=(1, 2))
    if centres.ndim == 1:
        centres = centres[:, None]
    if len(centres) < 2:
        raise ValueError(
            "widths_from_centres needs at least two centres to measure distances "
            "between them; for a single centre, choose its width yourself."
        )
    num_neighbours = require_int(
        num_neighbours, "num_neighbours", minimum=1, maximum=len(centres) - 1
    )
    scale = require_number(scale, "scale")
    if scale <= 0:
        raise ValueError(f"scale must be positive, but got {scale:g}.")
    distances = np.sqrt(((centres[:, None, :] - centres[None, :, :]) ** 2).sum(-1))
    np.fill_diagonal(distances, np.inf)
    nearest = np.sort(distances, axis=1)[:, :num_neighbours]
    widths = scale * np.sqrt((nearest**2).mean(axis=1))
    if np.any(widths <= 0):
        raise ValueError(
            "two centres coincide, which gives a width of zero; remove duplicate "
            "centres or use more neighbours."
        )
    return widths


@keras.saving.register_keras_serializable(package="nn_book")
class RBFLayer(keras.layers.Layer):
    """A layer of Gaussian radial basis function units, as a Keras layer.

    For an input ``x`` it returns, for every unit ``j``,
    ``exp(-||x - c_j||^2 / (2 * sigma_j^2))``, the same as
    :func:`rbf_activations`. Put a ``Dense`` layer with a linear (or sigmoid)
    activation after it to get an RBF network.

    Parameters
    ----------
    centres:
        Initial centres, shape ``(num_units, num_features)``, for example from
        :func:`kmeans_centres`.
    widths:
        Initial widths, one positive number per unit or one for all, for
        example from :func:`widths_from_centres`.
    trainable_centres, trainable_widths:
        Whether gradient descent may move the centres and change the widths.
        The classic RBF network keeps both fixed and trains only the output
        layer (Broomhead and Lowe, 1988).
    **kwargs:
        Passed on to :class:`keras.layers.Layer` (``name``, ``dtype``, ...).

    Notes
    -----
    Chapter 3, section "Radial basis function networks".
    """

    def __init__(
        self,
        centres,
        widths,
        *,
        trainable_centres: bool = False,
        trainable_widths: bool = False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        centres, widths = _centres_and_widths(centres, widths)
        for flag, name in (
            (trainable_centres, "trainable_centres"),
            (trainable_widths, "trainable_widths"),
        ):
            if not isinstance(flag, bool):
                raise TypeError(f"{name} must be True or False, not {describe(flag)}.")
        self.initial_centres = centres
        self.initial_widths = widths
        self.trainable_centres = trainable_centres
        self.trainable_widths = trainable_widths
        self.num_units, self.num_features = centres.shape

    def build(self, input_shape):
        if input_shape[-1] is not None and input_shape[-1] != self.num_features:
            raise ValueError(
                f"the RBF centres have {self.num_features} feature(s) but the layer's "
                f"input has {input_shape[-1]}; they must live in the same space."
            )
        self.centres = self.add_weight(
            shape=(self.num_units, self.num_features),
            initializer=keras.initializers.Constant(self.initial_centres),
            trainable=self.trainable_centres,
            name="centres",
        )
        self.widths = self.add_weight(
            shape=(self.num_units,),
            initializer=keras.initializers.Constant(self.initial_widths),
            trainable=self.trainable_widths,
            name="widths",
        )

    def call(self, inputs):
        # (batch, 1, features) - (units, features) -> (batch, units, features)
        differences = ops.expand_dims(inputs, axis=-2) - self.centres
        squared_distances = ops.sum(ops.square(differences), axis=-1)
        return ops.exp(-squared_distances / (2.0 * ops.square(self.widths)))

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.num_units)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "centres": self.initial_centres.tolist(),
                "widths": self.initial_widths.tolist(),
                "trainable_centres": self.trainable_centres,
                "trainable_widths": self.trainable_widths,
            }
        )
        return config


# --------------------------------------------------------------------------
# Modular networks
# --------------------------------------------------------------------------


def make_two_sensor_task(num_samples: int, *, seed: int = 0) -> dict[str, np.ndarray]:
    """A classification task built for a modular network.

    Each example has two groups of inputs, two "sensors" of two numbers each,
    drawn uniformly from the square ``[-1, 1] x [-1, 1]``, and a context flag:

    - sub-task A: is sensor A's point inside the disc of area 2 (half the
      square) around the origin?
    - sub-task B: is sensor B's point above the wave ``x2 = 0.5 sin(pi x1)``?
    - the label is sub-task A's answer when ``context == 0`` and sub-task B's
      when ``context == 1``.

    Parameters
    ----------
    num_samples:
        How many examples to draw.
    seed:
        Seed of the random generator (the same seed gives the same data).

    Returns
    -------
    dict of ndarray
        ``"sensor_a"`` and ``"sensor_b"`` of shape ``(num_samples, 2)``,
        ``"context"`` of shape ``(num_samples, 1)``, all float32, and the 0/1
        labels ``"y"`` (the task), ``"y_a"`` and ``"y_b"`` (the two sub-tasks),
        each of shape ``(num_samples,)``.

    Notes
    -----
    Chapter 3, section "Modular networks".
    """
    num_samples = require_int(num_samples, "num_samples", minimum=1)
    seed = require_int(seed, "seed", minimum=0, maximum=2**32 - 1)
    rng = np.random.default_rng(seed)
    sensor_a = rng.uniform(-1.0, 1.0, size=(num_samples, 2))
    sensor_b = rng.uniform(-1.0, 1.0, size=(num_samples, 2))
    context = rng.integers(0, 2, size=(num_samples, 1))
    radius_squared = 2.0 / np.pi  # a disc of area 2, half of the square's 4
    y_a = ((sensor_a**2).sum(axis=1) < radius_squared).astype(np.int64)
    y_b = (sensor_b[:, 1] > 0.5 * np.sin(np.pi * sensor_b[:, 0])).astype(np.int64)
    y = np.where(context[:, 0] == 0, y_a, y_b)
    return {
        "sensor_a": sensor_a.astype(np.float32),
        "sensor_b": sensor_b.astype(np.float32),
        "context": context.astype(np.float32),
        "y": y,
        "y_a": y_a,
        "y_b": y_b,
    }


# --------------------------------------------------------------------------
# Recurrent networks: one-step-ahead forecasting
# --------------------------------------------------------------------------


def make_windows(series, window: int):
    """Cut a series into (past ``window`` values, next value) training pairs.

    Parameters
    ----------
    series:
        A 1-D sequence of numbers, shape ``(n,)``.
    window:
        How many past values the model sees, ``1 <= window < n``.

    Returns
    -------
    X : ndarray of shape ``(n - window, window, 1)``, float32
        ``X[i, :, 0]`` is ``series[i : i + window]``: a sequence of ``window``
        time steps with one feature each, the shape Keras' recurrent layers take.
    y : ndarray of shape ``(n - window,)``, float32
        ``y[i]`` is ``series[i + window]``, the value right after the window.

    Notes
    -----
    Chapter 3, section "Recurrent networks".
    """
    series = as_float_array(series, "series", ndim=1)
    window = require_int(window, "window", minimum=1)
    if window >= len(series):
        raise ValueError(
            f"the window of {window} steps must be shorter than the series "
            f"({len(series)} values) so that at least one value is left to predict."
        )
    starts = np.arange(len(series) - window)
    X = series[starts[:, None] + np.arange(window)[None, :]]
    y = series[starts + window]
    return X[..., None].astype(np.float32), y.astype(np.float32)


def forecast_errors(y_true, y_pred) -> dict[str, float]:
    """Mean absolute error and root mean squared error of a forecast.

    Returns
    -------
    dict
        ``{"MAE": ..., "RMSE": ...}``, in the units of the series. RMSE weighs
        large misses more, so it is never smaller than MAE.

    Notes
    -----
    Chapter 3, section "Recurrent networks".
    """
    y_true = as_float_array(y_true, "y_true").ravel()
    y_pred = as_float_array(y_pred, "y_pred").ravel()
    if len(y_true) != len(y_pred) or len(y_true) == 0:
        raise ValueError(
            f"y_true has {len(y_true)} values and y_pred {len(y_pred)}; give one "
            "prediction per true value (and at least one)."
        )
    errors = y_pred - y_true
    return {
        "MAE": float(np.mean(np.abs(errors))),
        "RMSE": float(np.sqrt(np.mean(errors**2))),
    }


# --------------------------------------------------------------------------
# Diagrams
# --------------------------------------------------------------------------


def _new_axes(ax, figsize):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def draw_block_diagram(
    blocks: Mapping[str, tuple[float, float, str]],
    arrows: Sequence[tuple[str, str]],
    *,
    ax=None,
    title: str = "",
    colours: Mapping[str, str] | None = None,
):
    """Draw boxes joined by arrows, for a network built from blocks.

    Parameters
    ----------
    blocks:
        ``name -> (x, y, text)``: where each box's centre goes and what it says.
    arrows:
        ``(from_name, to_name)`` pairs; each draws an arrow between two boxes.
    colours:
        Optional ``name -> colour`` for the boxes (default: light grey).

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    Chapter 3, section "Modular networks".
    """
    if not isinstance(blocks, Mapping) or not blocks:
        raise TypeError(
            "blocks must be a non-empty dict mapping a name to (x, y, text)."
        )
    for name, block in blocks.items():
        if not (isinstance(block, tuple | list) and len(block) == 3):
            raise ValueError(
                f"block {name!r} must be (x, y, text), but got {describe(block)}."
            )
    for pair in arrows:
        if not (isinstance(pair, tuple | list) and len(pair) == 2):
            raise ValueError(f"each arrow must be (from, to), not {describe(pair)}.")
        for end in pair:
            if end not in blocks:
                raise ValueError(
                    f"the arrow {tuple(pair)} names {end!r}, which is not a block; "
                    f"the blocks are {', '.join(map(repr, blocks))}."
                )
    colours = dict(colours or {})
    xs = [float(block[0]) for block in blocks.values()]
    ys = [float(block[1]) for block in blocks.values()]
    figsize = (1.1 * (max(xs) - min(xs)) + 2.5, 0.9 * (max(ys) - min(ys)) + 1.6)
    ax = _new_axes(ax, figsize=figsize)
    boxes = {}
    for name, (x, y, text) in blocks.items():
        boxes[name] = ax.text(
            x,
            y,
            text,
            ha="center",
            va="center",
            bbox={
                "boxstyle": "round,pad=0.4",
                "facecolor": colours.get(name, "0.92"),
                "edgecolor": "black",
            },
            zorder=3,
        )
    for start, end in arrows:
        x0, y0, _ = blocks[start]
        x1, y1, _ = blocks[end]
        ax.annotate(
            "",
            xy=(x1, y1),
            xytext=(x0, y0),
            arrowprops={
                "arrowstyle": "-|>",
                "lw": 1.3,
                "color": "black",
                "patchA": boxes[start].get_bbox_patch(),
                "patchB": boxes[end].get_bbox_patch(),
                "shrinkA": 2,
                "shrinkB": 2,
            },
            # Above the boxes: drawn after them, so clipped to their outlines.
            zorder=4,
        )
    ax.set(
        xlim=(min(xs) - 1, max(xs) + 1),
        ylim=(min(ys) - 0.8, max(ys) + 0.8),
        title=title,
    )
    ax.axis("off")
    return ax


def draw_unrolled_rnn(num_steps: int = 4, *, ax=None, title: str = ""):
    """Draw a recurrent layer folded (a loop) and unrolled over ``num_steps`` steps.

    On the left, one cell whose state ``h`` feeds back into itself; on the
    right, the same cell copied once per time step, the state passed along
    from step to step. Every copy shares the same weights ``W``, ``U``, ``b``.

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    Chapter 3, section "Recurrent networks".
    """
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    num_steps = require_int(num_steps, "num_steps", minimum=1, maximum=8)
    ax = _new_axes(ax, figsize=(2.0 + 1.6 * num_steps, 3.4))

    def cell(x, label):
        ax.add_patch(
            FancyBboxPatch(
                (x - 0.35, -0.3),
                0.7,
                0.6,
                boxstyle="round,pad=0.05",
                facecolor="#E69F00",
                edgecolor="black",
                zorder=2,
            )
        )
        ax.text(x, 0, label, ha="center", va="center", zorder=3)

    def arrow(start, end, **style):
        ax.add_patch(
            FancyArrowPatch(
                start, end, arrowstyle="-|>", mutation_scale=14, lw=1.3, **style
            )
        )

    # Folded: one cell whose state loops back into it.
    cell(0, "$h$")
    arrow((0, -1.05), (0, -0.38))
    ax.text(0, -1.25, "$x_t$", ha="center", va="center")
    ax.text(0.1, -0.72, "$W$", ha="left", va="center", fontsize="small")
    arrow((0, 0.38), (0, 1.05))
    ax.text(0, 1.25, "$h_t$", ha="center", va="center")
    arrow((0.38, 0.15), (0.38, -0.15), connectionstyle="arc3,rad=-2.2")
    ax.text(0.95, 0, "$U$", ha="left", va="center", fontsize="small")
    ax.text(1.55, 0, "=", ha="center", va="center", fontsize=20)

    # Unrolled: one copy per step, the state passed along.
    first = 3.2
    ax.text(first - 1.1, 0, "$h_0$", ha="center", va="center")
    for step in range(num_steps):
        x = first + 1.6 * step
        cell(x, f"$h_{step + 1}$")
        arrow((x, -1.05), (x, -0.38))
        ax.text(x, -1.25, f"$x_{step + 1}$", ha="center", va="center")
        ax.text(x + 0.1, -0.72, "$W$", ha="left", va="center", fontsize="small")
        arrow((x, 0.38), (x, 1.05))
        ax.text(x, 1.25, f"$h_{step + 1}$", ha="center", va="center")
        arrow((x - (0.9 if step == 0 else 1.22), 0), (x - 0.38, 0))
        ax.text(x - 0.8, 0.12, "$U$", ha="center", va="bottom", fontsize="small")
    ax.text(
        first + 0.8 * (num_steps - 1),
        -1.7,
        "every copy uses the same weights $W$, $U$ and bias $b$",
        ha="center",
        va="center",
    )
    ax.set(xlim=(-0.8, first + 1.6 * (num_steps - 1) + 0.7), ylim=(-2.0, 1.5))
    ax.set_title(title)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax
