"""The animation of a kernel sliding over an image, for chapter 5.

- :func:`animate_convolution` returns a Matplotlib animation of a kernel
  sliding over an input, filling in the output one number at a time;
- :func:`animate_multichannel_convolution` does the same for an input with
  several channels, a filter as deep as the input, a bias, a stride and zero
  padding: every frame shows the window on every channel, each channel's sum
  of products, and those sums plus the bias making one output value;
- :func:`animation_html` turns that animation into a self-contained HTML
  player (``animation.to_jshtml()``) that works offline, in Jupyter and in the
  built book.

The panels are drawn with :func:`utils.conv_figures.plot_array`.
"""

from __future__ import annotations

import html
import re
from typing import Any

import numpy as np

from utils.conv import conv2d, padding_amounts
from utils.conv_figures import MAX_CELLS, _number_text, _outline, plot_array
from utils.validation import as_float_array, describe, require_int, require_number

__all__ = ["animate_convolution", "animate_multichannel_convolution", "animation_html"]


def animate_convolution(
    image: Any,
    kernel: Any,
    *,
    stride: int = 1,
    padding: str | int = "valid",
    interval: int = 800,
    max_frames: int = 25,
):
    """An animation of a kernel sliding over an image, one output value per frame.

    Each frame shows three panels: the (padded) input with the current window
    outlined, the kernel, and the output filled in up to the current position,
    which is titled with its value. Like ``tf.nn.conv2d`` and
    :func:`utils.conv.conv2d`, the kernel is not flipped (cross-correlation).

    Parameters
    ----------
    image:
        A small 2-D array (height, width).
    kernel:
        A 2-D array no larger than the padded image.
    stride:
        The step between two positions (the same along both axes).
    padding:
        ``"valid"``, ``"same"`` or a number of zeros on every side.
    interval:
        Milliseconds between frames when the animation plays.
    max_frames:
        The most frames allowed (one per output value). Every frame is stored
        as a picture in the page, so keep animations short.

    Returns
    -------
    matplotlib.animation.FuncAnimation
        The animation. Its figure is still open: show it with
        :func:`animation_html`, which also closes the figure so that the
        notebook does not draw the first frame a second time.

    Raises
    ------
    TypeError, ValueError
        If the arrays are not 2-D arrays of numbers, the kernel does not fit,
        or the animation would need more than ``max_frames`` frames.

    Chapter 5, section "Two dimensions".
    """
    import matplotlib as mpl
    from matplotlib.animation import FuncAnimation

    image = as_float_array(image, "image", ndim=2)
    kernel = as_float_array(kernel, "kernel", ndim=2)
    stride = require_int(stride, "stride", minimum=1)
    interval = require_int(interval, "interval", minimum=10)
    max_frames = require_int(max_frames, "max_frames", minimum=1)
    if max(image.shape) > MAX_CELLS:
        raise ValueError(
            f"an image of shape {image.shape} is too large to animate with its "
            f"numbers; use at most {MAX_CELLS} cells a side."
        )
    top, bottom = padding_amounts(image.shape[0], kernel.shape[0], stride, padding)
    left, right = padding_amounts(image.shape[1], kernel.shape[1], stride, padding)
    output = conv2d(
        image[None, :, :, None],
        kernel[:, :, None, None],
        stride=stride,
        padding=padding,
    )[0, :, :, 0]
    out_rows, out_columns = output.shape
    if out_rows * out_columns > max_frames:
        raise ValueError(
            f"this animation would need {out_rows * out_columns} frames (a "
            f"{out_rows}x{out_columns} output), more than max_frames={max_frames}; "
            "use a smaller image, a larger stride, or raise max_frames."
        )
    figure, axes = _draw_panels(image, kernel, output, (top, bottom, left, right))
    draw = _frame_drawer(axes, kernel.shape, output, stride)
    draw(0)
    figure.tight_layout()
    # tight_layout leaves a placeholder layout engine behind, which makes
    # savefig draw every frame twice; remove it.
    with mpl.rc_context({"figure.autolayout": False}):
        figure.set_layout_engine(None)
    return FuncAnimation(
        figure, draw, frames=output.size, interval=interval, repeat=True
    )


def _draw_panels(image, kernel, output, sides):
    """The three panels, drawn once: padded input, kernel, output."""
    import matplotlib.pyplot as plt

    top, bottom, left, right = sides
    padded = np.pad(image, ((top, bottom), (left, right)))
    widths = [padded.shape[1], kernel.shape[1], output.shape[1]]
    height = max(padded.shape[0], kernel.shape[0], output.shape[0])
    figure, axes = plt.subplots(
        1,
        3,
        figsize=(0.36 * sum(widths) + 2.4, 0.36 * height + 1.3),
        gridspec_kw={"width_ratios": widths},
        dpi=80,
        layout="none",  # laid out once, not again for every frame
    )
    title = "input" + (" (zero-padded)" if any(sides) else "")
    plot_array(padded, ax=axes[0], padding=sides, title=title)
    plot_array(kernel, ax=axes[1], shade=False, title="kernel")
    plot_array(output, ax=axes[2], title="output")
    return figure, axes


def _frame_drawer(axes, kernel_shape, output, stride):
    """The function that draws frame ``k``: it moves the two outlines and shows
    the output values up to ``k``, much faster than redrawing the panels."""
    cells = list(axes[2].patches)  # one per output value, row by row
    numbers = list(axes[2].texts)
    colours = [cell.get_facecolor() for cell in cells]
    window = _outline(-0.5, -0.5, kernel_shape[1], kernel_shape[0])
    current = _outline(-0.5, -0.5, 1, 1)
    axes[0].add_patch(window)
    axes[2].add_patch(current)

    def draw(frame: int):
        row, column = divmod(frame, output.shape[1])
        window.set_xy((column * stride - 0.5, row * stride - 0.5))
        current.set_xy((column - 0.5, row - 0.5))
        for index, (cell, number) in enumerate(zip(cells, numbers, strict=True)):
            cell.set_facecolor(colours[index] if index <= frame else "white")
            number.set_visible(index <= frame)
        value = _number_text(output[row, column], None, False)
        axes[2].set_title(f"output[{row}, {column}] = {value}")
        return []

    return draw


def animate_multichannel_convolution(
    image: Any,
    kernel: Any,
    bias: float = 0.0,
    *,
    stride: int = 2,
    padding: str | int = 1,
    interval: int = 1200,
    max_frames: int = 25,
):
    """An animation of one filter on a multi-channel input, one output per frame.

    Each channel of the (zero-padded) input gets a row: the channel with the
    current window outlined, the filter's slice for that channel, and the sum
    of their products. The last row is the output, filled in up to the current
    position, and the sum that makes it: the channels' sums plus the bias.
    The numbers are those of :func:`utils.conv.conv2d` (and ``tf.nn.conv2d``).

    Parameters
    ----------
    image:
        A small array of shape (height, width, channels), 2 to 4 channels.
    kernel:
        One filter, of shape (kernel_height, kernel_width, channels).
    bias:
        The filter's bias.
    stride, padding:
        As in :func:`utils.conv.conv2d` (the same stride along both axes).
    interval, max_frames:
        As in :func:`animate_convolution`.

    Returns
    -------
    matplotlib.animation.FuncAnimation
        Show it with :func:`animation_html`. Its ``output`` attribute holds the
        output values the frames write in.

    Raises
    ------
    TypeError, ValueError
        If the arrays do not have these shapes, the channels differ, the filter
        does not fit, or the animation would need more than ``max_frames``.

    Chapter 5, section "Channels, a bias and many filters".
    """
    import matplotlib as mpl
    from matplotlib.animation import FuncAnimation

    image = as_float_array(image, "image", ndim=3)
    kernel = as_float_array(kernel, "kernel", ndim=3)
    bias = require_number(bias, "bias")
    stride = require_int(stride, "stride", minimum=1)
    interval = require_int(interval, "interval", minimum=10)
    max_frames = require_int(max_frames, "max_frames", minimum=1)
    channels = image.shape[2]
    if not 2 <= channels <= 4 or kernel.shape[2] != channels:
        raise ValueError(
            f"image must have 2 to 4 channels and the kernel as many, but the image "
            f"has shape {image.shape} and the kernel {kernel.shape}; a filter is "
            "as deep as its input."
        )
    if max(image.shape[:2]) > 12:
        raise ValueError(
            f"an image of shape {image.shape} is too large to animate with its "
            "numbers; use at most 12 cells a side."
        )
    sides = padding_amounts(image.shape[0], kernel.shape[0], stride, padding)
    sides += padding_amounts(image.shape[1], kernel.shape[1], stride, padding)
    by_channel = [
        conv2d(
            image[None, :, :, c : c + 1],
            kernel[:, :, c : c + 1, None],
            stride=stride,
            padding=padding,
        )[0, :, :, 0]
        for c in range(channels)
    ]
    output = sum(by_channel) + bias
    if output.size > max_frames:
        raise ValueError(
            f"this animation would need {output.size} frames (a {output.shape[0]}x"
            f"{output.shape[1]} output), more than max_frames={max_frames}; use a "
            "smaller image, a larger stride, or raise max_frames."
        )
    figure, axes = _draw_channel_rows(image, kernel, output, sides)
    draw = _channel_frame_drawer(axes, kernel.shape, by_channel, bias, output, stride)
    draw(0)
    figure.tight_layout(h_pad=0.4, w_pad=0.4)
    with mpl.rc_context({"figure.autolayout": False}):
        figure.set_layout_engine(None)
    animation = FuncAnimation(
        figure, draw, frames=output.size, interval=interval, repeat=True
    )
    animation.output = output  # the numbers the frames write, for the page to check
    return animation


def _draw_channel_rows(image, kernel, output, sides):
    """One row per channel (padded input, kernel slice, sum), then the output."""
    import matplotlib.pyplot as plt

    top, bottom, left, right = sides
    channels = image.shape[2]
    padded_width = image.shape[1] + left + right
    padded_height = image.shape[0] + top + bottom
    figure, axes = plt.subplots(
        channels + 1,
        3,
        figsize=(
            0.3 * (padded_width + kernel.shape[1] + 5) + 0.6,
            0.3 * (channels * padded_height + output.shape[0]) + 0.5 * channels + 0.9,
        ),
        gridspec_kw={
            "width_ratios": [padded_width, kernel.shape[1], 5],
            "height_ratios": [padded_height] * channels + [output.shape[0] + 1],
        },
        dpi=90,
        layout="none",
    )
    low, high = float(image.min()), float(image.max())
    for c in range(channels):
        plot_array(
            np.pad(image[:, :, c], ((top, bottom), (left, right))),
            ax=axes[c, 0],
            padding=sides,
            vmin=low,
            vmax=high,
            title=f"input, channel {c}",
            fontsize=11,
        )
        plot_array(
            kernel[:, :, c],
            ax=axes[c, 1],
            shade=False,
            title=f"kernel[:, :, {c}]",
            fontsize=11,
        )
        axes[c, 1].set(xticks=[], yticks=[])
        axes[c, 2].axis("off")
    plot_array(output, ax=axes[channels, 0], title="output", fontsize=11)
    for ax in axes[channels, 1:]:
        ax.axis("off")
    for ax in axes.ravel():
        ax.set_xlabel("")
        ax.set_ylabel("")
    return figure, axes


def _channel_frame_drawer(axes, kernel_shape, by_channel, bias, output, stride):
    """The function that draws frame ``k`` of the multi-channel animation."""
    channels = len(by_channel)
    out_ax = axes[channels, 0]
    cells, numbers = list(out_ax.patches), list(out_ax.texts)
    colours = [cell.get_facecolor() for cell in cells]
    windows = [
        _outline(-0.5, -0.5, kernel_shape[1], kernel_shape[0]) for _ in by_channel
    ]
    for c, window in enumerate(windows):
        axes[c, 0].add_patch(window)
    current = _outline(-0.5, -0.5, 1, 1)
    out_ax.add_patch(current)
    sums = [
        axes[c, 2].text(0.0, 0.5, "", fontsize=11, va="center") for c in range(channels)
    ]
    total = axes[channels, 1].text(0.0, 0.5, "", fontsize=11, va="center")

    def draw(frame: int):
        row, column = divmod(frame, output.shape[1])
        for c, window in enumerate(windows):
            window.set_xy((column * stride - 0.5, row * stride - 0.5))
            value = _number_text(by_channel[c][row, column], None, False)
            sums[c].set_text(
                f"sum of the\n9 products\n= {value}".replace(
                    "9", str(kernel_shape[0] * kernel_shape[1]), 1
                )
            )
        current.set_xy((column - 0.5, row - 0.5))
        for index, (cell, number) in enumerate(zip(cells, numbers, strict=True)):
            cell.set_facecolor(colours[index] if index <= frame else "white")
            number.set_visible(index <= frame)
        parts = " + ".join(
            _number_text(part[row, column], None, False) for part in by_channel
        )
        value = _number_text(output[row, column], None, False)
        bias_text = _number_text(bias, None, False)
        total.set_text(
            f"output[{row}, {column}]\n= {parts}\n   + bias {bias_text}\n= {value}"
        )
        return []

    return draw


#: What replaces the player's Font Awesome icons (a stylesheet matplotlib loads
#: from the internet): plain characters that every font has.
_BUTTON_GLYPHS = {
    "fa fa-minus": "&minus;",
    "fa fa-fast-backward": "|&#9664;&#9664;",
    "fa fa-step-backward": "|&#9664;",
    "fa fa-play fa-flip-horizontal": "&#9664;",
    "fa fa-pause": "||",
    "fa fa-play": "&#9654;",
    "fa fa-step-forward": "&#9654;|",
    "fa fa-fast-forward": "&#9654;&#9654;|",
    "fa fa-plus": "+",
}


def animation_html(animation: Any, *, alt: str, default_mode: str = "once") -> str:
    """An animation as a self-contained HTML player, with alt text, that works offline.

    It calls ``animation.to_jshtml()``, which draws every frame into a PNG and
    bundles them with a small JavaScript player (play, pause, step, a slider),
    then

    - removes the player's link to an icon stylesheet on the internet and
      draws its buttons with plain characters instead, so that the page loads
      nothing from the network;
    - gives the player's picture the alternative text ``alt``;
    - closes the animation's figure, so that a notebook does not also show the
      first frame as a static picture.

    Show the result in a notebook with ``IPython.display.HTML(...)``.

    Parameters
    ----------
    animation:
        A :class:`matplotlib.animation.Animation`, for example from
        :func:`animate_convolution`.
    alt:
        One sentence saying what the animation shows, for readers who cannot
        see it.
    default_mode:
        What happens at the last frame: ``"once"`` (stop), ``"loop"`` or
        ``"reflect"`` (play backwards).

    Returns
    -------
    str
        The HTML of the player.

    Raises
    ------
    TypeError
        If ``animation`` is not a Matplotlib animation or ``alt`` is not text.
    ValueError
        If ``alt`` is empty or ``default_mode`` is not one of the three modes.

    Chapter 5, section "Two dimensions".
    """
    import matplotlib.pyplot as plt
    from matplotlib.animation import Animation

    if not isinstance(animation, Animation):
        raise TypeError(
            "animation must be a Matplotlib animation, such as the one "
            f"animate_convolution returns, but got {describe(animation)}."
        )
    if not isinstance(alt, str):
        raise TypeError(f"alt must be a sentence of text, but got {describe(alt)}.")
    if not alt.strip():
        raise ValueError(
            "alt must describe what the animation shows, for readers who cannot "
            "see it; it is empty."
        )
    if default_mode not in ("once", "loop", "reflect"):
        raise ValueError(
            f"default_mode must be 'once', 'loop' or 'reflect', not {default_mode!r}."
        )
    import matplotlib as mpl

    # Draw the frames at the figure's own resolution (animate_convolution
    # keeps it low), not the book's savefig.dpi, so that the page stays light;
    # without autolayout, savefig keeps the figure's layout instead of laying
    # it out again (and drawing it once more) for every frame.
    # After each frame, FuncAnimation also redraws the figure for a window on
    # screen (canvas.draw_idle); savefig then draws it again for the player.
    # The first drawing is never seen here, so it is skipped for the time.
    figure = getattr(animation, "_fig", None)
    canvas = getattr(figure, "canvas", None)
    if canvas is not None:
        canvas.draw_idle = lambda *args, **kwargs: None
    try:
        with mpl.rc_context({"savefig.dpi": "figure", "figure.autolayout": False}):
            player = animation.to_jshtml(default_mode=default_mode)
    finally:
        if canvas is not None:
            del canvas.draw_idle
    if figure is not None:
        plt.close(figure)
    player = re.sub(r"<link[^>]*font-awesome[^>]*>", "", player)
    for icon, glyph in _BUTTON_GLYPHS.items():
        player = player.replace(
            f'<i class="{icon}"></i>', f'<span aria-hidden="true">{glyph}</span>'
        )
    return player.replace(
        "<img id=", f'<img alt="{html.escape(alt.strip(), quote=True)}" id=', 1
    )
