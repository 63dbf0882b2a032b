"""Chapter 4's diagrams, drawn with Matplotlib: figure code, not the lesson.

- :func:`draw_block_diagram`: boxes joined by arrows (the gated modular network);
- :func:`draw_unrolled_rnn`: a recurrent layer folded and unrolled over time.

Layered networks are drawn by :func:`utils.diagrams.draw_network`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["draw_block_diagram", "draw_unrolled_rnn"]


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
    Chapter 4, section "Modular networks".
    """
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
    Chapter 4, section "Recurrent networks".
    """
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

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
