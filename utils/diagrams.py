"""Schematic drawings: a biological neuron beside an artificial one, and layered networks.

Chapter 1 draws both; later chapters draw networks with :func:`draw_network`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from utils.validation import require_int

__all__ = ["draw_network", "draw_neuron_comparison"]


def draw_network(
    layer_sizes: Sequence[int],
    *,
    ax=None,
    layer_names: Sequence[str] | None = None,
    title: str = "",
    column_spacing: float | None = None,
):
    """Draw a fully connected network: one column of circles per layer, every
    unit joined to every unit of the next layer.

    Layers with more than 8 units are drawn with 8 circles and a label giving
    the real size. ``column_spacing`` is the distance between layers in units
    of the circles' spacing; by default it grows with the tallest layer so that
    captions never overlap. Returns the Matplotlib ``Axes``.

    Chapter 1, section "Units, layers and weights".
    """
    import matplotlib.pyplot as plt

    if isinstance(layer_sizes, int | str) or len(layer_sizes) < 2:
        raise ValueError(
            "layer_sizes must list at least two layer sizes, e.g. [3, 4, 2]."
        )
    sizes = [require_int(size, "each layer size", minimum=1) for size in layer_sizes]
    if layer_names is not None and len(layer_names) != len(sizes):
        raise ValueError(f"got {len(sizes)} layers but {len(layer_names)} layer names.")
    if layer_names is None:
        layer_names = ["input"] + ["hidden"] * (len(sizes) - 2) + ["output"]
    shown = [min(size, 8) for size in sizes]
    if column_spacing is None:
        column_spacing = max(1.0, 0.25 * max(shown))
    elif column_spacing <= 0:
        raise ValueError(f"column_spacing must be positive, got {column_spacing}.")
    if ax is None:
        width = 1.3 * column_spacing * (len(sizes) - 1) + 2.1
        _, ax = plt.subplots(figsize=(width, 0.45 * max(shown) + 1.4))
    positions = []
    for column, count in enumerate(shown):
        ys = (
            np.linspace(-(count - 1) / 2, (count - 1) / 2, count)
            if count > 1
            else np.zeros(1)
        )
        positions.append([(column * column_spacing, y) for y in ys])
    for left, right in zip(positions, positions[1:], strict=False):
        for x0, y0 in left:
            for x1, y1 in right:
                ax.plot([x0, x1], [y0, y1], color="#999999", linewidth=0.6, zorder=1)
    colours = ["#56B4E9"] + ["#E69F00"] * (len(sizes) - 2) + ["#009E73"]
    top = max(shown) / 2 + 0.3
    for column, (points, size, name) in enumerate(
        zip(positions, sizes, layer_names, strict=True)
    ):
        for x, y in points:
            ax.add_patch(
                plt.Circle(
                    (x, y), 0.2, facecolor=colours[column], edgecolor="black", zorder=2
                )
            )
        label = f"{name}\n{size} unit{'s' if size > 1 else ''}"
        ax.text(
            column * column_spacing,
            -top + 0.05,
            label,
            ha="center",
            va="top",
            fontsize="small",
        )
    ax.set_xlim(-0.6, column_spacing * (len(sizes) - 1) + 0.6)
    ax.set_ylim(-top - 0.75, top)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)
    return ax


def draw_neuron_comparison():
    """A biological neuron (left) and an artificial neuron (right), parts labelled.

    Returns the Matplotlib figure. Chapter 1, section "Two kinds of neuron".
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle, FancyArrowPatch

    fig, (bio, art) = plt.subplots(1, 2, figsize=(10, 3.8))
    for ax in (bio, art):
        ax.set_aspect("equal")
        ax.axis("off")

    # Biological neuron: dendrites -> soma -> axon -> terminals.
    bio.add_patch(Circle((0, 0), 0.6, facecolor="#E69F00", edgecolor="black", zorder=3))
    rng = np.random.default_rng(3)
    for angle in np.linspace(np.pi * 0.55, np.pi * 1.45, 5):
        end = 1.7 * np.array([np.cos(angle), np.sin(angle)])
        bio.plot([0, end[0]], [0, end[1]], color="#0072B2", linewidth=2.5, zorder=2)
        for twig in (-0.35, 0.35):
            tip = end + 0.5 * np.array([np.cos(angle + twig), np.sin(angle + twig)])
            bio.plot([end[0], tip[0]], [end[1], tip[1]], color="#0072B2", linewidth=1.5)
    bio.plot([0.6, 3.6], [0, 0], color="#009E73", linewidth=3.5, zorder=2)
    for offset in (-0.45, 0.0, 0.45):
        bio.plot(
            [3.6, 4.2], [0, offset + rng.normal(0, 0.03)], color="#009E73", linewidth=2
        )
        bio.add_patch(
            Circle((4.25, offset), 0.09, facecolor="#CC79A7", edgecolor="black")
        )
    bio.annotate(
        "dendrites\n(inputs)",
        (-1.3, 1.0),
        (-2.6, 1.7),
        fontsize="small",
        arrowprops={"arrowstyle": "->"},
    )
    bio.annotate(
        "cell body (soma)\nsums the input",
        (0.3, -0.52),
        (0.4, -1.9),
        fontsize="small",
        arrowprops={"arrowstyle": "->"},
    )
    bio.annotate(
        "axon\n(output)",
        (2.2, 0),
        (1.6, 1.1),
        fontsize="small",
        arrowprops={"arrowstyle": "->"},
    )
    bio.annotate(
        "synapses\n(to the next cells)",
        (4.25, -0.45),
        (3.0, -1.7),
        fontsize="small",
        arrowprops={"arrowstyle": "->"},
    )
    bio.set_xlim(-3.0, 4.8)
    bio.set_ylim(-2.3, 2.3)
    bio.set_title("Biological neuron (schematic)")

    # Artificial neuron: inputs x_i, weights w_i, sum plus bias, activation, output.
    inputs_y = [1.4, 0.0, -1.4]
    for index, y in enumerate(inputs_y, start=1):
        art.text(-2.4, y, f"$x_{index}$", ha="center", va="center", fontsize="large")
        art.add_patch(
            FancyArrowPatch(
                (-2.1, y),
                (-0.55, y * 0.25),
                arrowstyle="->",
                mutation_scale=12,
                color="#0072B2",
                linewidth=1.5,
            )
        )
        art.text(
            -1.4, y * 0.62 + 0.18, f"$w_{index}$", color="#0072B2", fontsize="medium"
        )
    art.add_patch(Circle((0, 0), 0.55, facecolor="#E69F00", edgecolor="black"))
    art.text(0, 0, r"$\Sigma$" + "\n" + "$+b$", ha="center", va="center")
    art.add_patch(
        FancyArrowPatch((0.55, 0), (1.45, 0), arrowstyle="->", mutation_scale=12)
    )
    art.add_patch(
        plt.Rectangle((1.45, -0.45), 0.9, 0.9, facecolor="#56B4E9", edgecolor="black")
    )
    art.text(1.9, 0, r"$\varphi$", ha="center", va="center", fontsize="large")
    art.add_patch(
        FancyArrowPatch(
            (2.35, 0),
            (3.4, 0),
            arrowstyle="->",
            mutation_scale=12,
            color="#009E73",
            linewidth=2,
        )
    )
    art.text(
        3.5, 0, r"$a = \varphi(\sum_i w_i x_i + b)$", va="center", fontsize="medium"
    )
    art.text(0, -0.9, "weighted sum", ha="center", fontsize="small")
    art.text(1.9, -0.9, "activation", ha="center", fontsize="small")
    art.set_xlim(-2.8, 6.3)
    art.set_ylim(-2.3, 2.3)
    art.set_title("Artificial neuron (unit)")
    return fig
