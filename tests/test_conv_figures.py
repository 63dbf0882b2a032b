"""The figures of chapter 5 draw what they claim: the numbers in the cells, the
window where it should be, the kernel positions and output size that utils.conv
computes, an animation with one frame per output value, and an HTML player that
needs no network and has alt text. Bad input raises a readable error."""

from __future__ import annotations

import gc
import re
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.animation import FuncAnimation
from matplotlib.patches import Rectangle

from utils.conv import conv2d, conv_output_size
from utils.conv_animation import (
    animate_convolution,
    animate_multichannel_convolution,
    animation_html,
)
from utils.conv_figures import (
    HIGHLIGHT_COLOUR,
    MAX_CELLS,
    PADDING_COLOUR,
    plot_array,
    plot_kernel_positions,
)

IMAGE = np.array(
    [
        [1.0, 1.0, 2.0, 6.0],
        [0.0, 2.0, 1.0, 7.0],
        [1.0, 0.0, 2.0, 8.0],
    ]
)
KERNEL = np.array([[1.0, 0.0], [0.0, -1.0]])


@pytest.fixture(autouse=True)
def _collect_animations():
    """Tests that only inspect an animation never render it, and Matplotlib warns
    when such an animation is garbage-collected: collect them quietly here."""
    yield
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Animation was deleted", UserWarning)
        plt.close("all")
        gc.collect()


def texts(ax):
    return [text.get_text() for text in ax.texts]


def outlines(ax):
    """Rectangles drawn with the highlight colour (the outlined windows)."""
    from matplotlib.colors import to_rgba

    return [
        patch
        for patch in ax.patches
        if isinstance(patch, Rectangle)
        and not patch.get_fill()
        and patch.get_edgecolor() == to_rgba(HIGHLIGHT_COLOUR)
    ]


# --- plot_array ----------------------------------------------------------------


def test_plot_array_writes_every_number_in_its_cell():
    ax = plot_array(IMAGE)
    assert texts(ax) == [f"{value:g}" for value in IMAGE.ravel()]
    positions = [text.get_position() for text in ax.texts]
    assert positions[4] == (0, 1)  # row 1, column 0: x is the column
    assert len(ax.patches) == IMAGE.size


def test_plot_array_formats_numbers():
    ax = plot_array(np.array([[0.5, -0.0, 1.25]]))
    assert texts(ax) == ["0.5", "0", "1.25"]  # no "-0", no trailing zeros
    ax = plot_array(np.array([[0.5, 2.0]]), fmt="{:.1f}")
    assert texts(ax) == ["0.5", "2.0"]


def test_plot_array_one_dimensional_is_one_row():
    ax = plot_array([2, 1, 0, 1], highlight=(0, 1, 1, 3))
    assert texts(ax) == ["2", "1", "0", "1"]
    assert ax.get_ylim() == (0.5, -0.5)
    (window,) = outlines(ax)
    assert window.get_xy() == (0.5, -0.5)
    assert (window.get_width(), window.get_height()) == (3, 1)


def test_plot_array_outlines_the_window():
    ax = plot_array(IMAGE, highlight=(1, 2, 2, 2))
    (window,) = outlines(ax)
    assert window.get_xy() == (1.5, 0.5)  # column 2, row 1, cell edges at -0.5
    assert (window.get_width(), window.get_height()) == (2, 2)


def test_plot_array_leaves_nan_blank_and_greys_padding():
    values = np.pad(np.array([[1.0, np.nan]]), 1)
    ax = plot_array(values, padding=1)
    assert texts(ax).count("0") == values.size - 2  # the padding zeros
    assert "1" in texts(ax) and len(texts(ax)) == values.size - 1
    grey = plt.matplotlib.colors.to_rgba(PADDING_COLOUR)
    greys = [p for p in ax.patches if np.allclose(p.get_facecolor(), grey)]
    assert len(greys) == values.size - 2
    # Tick labels count from the first real cell: the padding column is -1.
    assert ax.get_xticklabels()[0].get_text() == "-1"


def test_plot_array_draws_on_given_axes():
    fig, ax = plt.subplots()
    assert plot_array(IMAGE, ax=ax, title="image") is ax
    assert ax.get_title() == "image"


@pytest.mark.parametrize(
    ("array", "kwargs", "error", "phrase"),
    [
        (np.zeros((2, 2, 3)), {}, ValueError, "one channel at a time"),
        (np.zeros((MAX_CELLS + 1, 2)), {}, ValueError, "too many cells"),
        (np.zeros((0,)), {}, ValueError, "empty"),
        ([["a", "b"]], {}, TypeError, "array of numbers"),
        (..., {}, TypeError, "array of numbers"),
        ([[np.inf, 1.0]], {}, ValueError, "infinite"),
        (IMAGE, {"highlight": (2, 3, 2, 2)}, ValueError, "does not fit"),
        (IMAGE, {"highlight": (0, 0, 0, 1)}, ValueError, "at least 1x1"),
        (IMAGE, {"highlight": (0, 0)}, TypeError, "(row, column, height, width)"),
        (IMAGE, {"padding": 2}, ValueError, "more than the whole"),
        (IMAGE, {"padding": -1}, ValueError, "negative"),
        (IMAGE, {"padding": "same"}, TypeError, "(top, bottom, left, right)"),
        (IMAGE, {"padding": True}, TypeError, "whole number"),
    ],
)
def test_plot_array_rejects_bad_input(array, kwargs, error, phrase):
    with pytest.raises(error, match=re.escape(phrase)):
        plot_array(array, **kwargs)


# --- plot_kernel_positions -----------------------------------------------------


@pytest.mark.parametrize(
    ("size", "kernel_size", "stride", "padding"),
    [
        (7, 3, 1, "valid"),
        (7, 3, 1, "same"),
        (8, 3, 2, "same"),
        (8, 4, 1, "same"),
        (8, 3, 3, "valid"),
        (6, 3, 2, 1),
        (1, 1, 1, "valid"),
    ],
)
def test_kernel_positions_match_utils_conv(size, kernel_size, stride, padding):
    ax = plot_kernel_positions(size, kernel_size, stride, padding)
    out = conv_output_size(size, kernel_size, stride, padding)
    assert f"{out}x{out} output" in ax.get_title()
    centres = ax.collections[-1].get_offsets()  # the last scatter: window centres
    assert len(centres) == out * out


def test_kernel_positions_show_the_uneven_same_split():
    ax = plot_kernel_positions(8, 3, 2, "same")
    assert "0 before, 1 after" in ax.get_title()
    grey = plt.matplotlib.colors.to_rgba(PADDING_COLOUR)
    padded = [p for p in ax.patches if np.allclose(p.get_facecolor(), grey)]
    assert len(padded) == 9 * 9 - 8 * 8  # one row and one column only


def test_kernel_positions_cross_out_skipped_cells():
    ax = plot_kernel_positions(8, 3, 3, "valid")  # windows cover cells 0 to 5
    crosses = ax.collections[0].get_offsets()
    assert len(crosses) == 8 * 8 - 6 * 6
    assert "skipped" in [text.get_text() for text in ax.get_legend().get_texts()]
    assert plot_kernel_positions(7, 3, 1, "valid", legend=False).get_legend() is None


@pytest.mark.parametrize(
    ("args", "error", "phrase"),
    [
        ((3, 5, 1, "valid"), ValueError, "larger than the input"),
        ((0, 3, 1, "valid"), ValueError, "at least 1"),
        ((MAX_CELLS + 1, 3, 1, "valid"), ValueError, "at most"),
        ((7, 3, 0, "valid"), ValueError, "at least 1"),
        ((7, 3, 1, "full"), ValueError, "'valid', 'same'"),
        ((7, 3, 1, -1), ValueError, "negative"),
        ((7.5, 3, 1, "valid"), TypeError, "whole number"),
    ],
)
def test_kernel_positions_reject_bad_input(args, error, phrase):
    with pytest.raises(error, match=re.escape(phrase)):
        plot_kernel_positions(*args)


# --- animate_convolution and animation_html -----------------------------------


def test_animation_has_one_frame_per_output_value():
    animation = animate_convolution(IMAGE, KERNEL)
    assert isinstance(animation, FuncAnimation)
    assert len(list(animation.new_frame_seq())) == 2 * 3


def test_animation_last_frame_shows_the_whole_output():
    animation = animate_convolution(IMAGE, KERNEL, stride=1, padding="same")
    expected = conv2d(IMAGE[None, :, :, None], KERNEL[:, :, None, None], padding="same")
    expected = expected[0, :, :, 0]
    frames = list(animation.new_frame_seq())
    assert len(frames) == expected.size
    animation._func(frames[-1])  # draw the last frame
    output_ax = animation._fig.axes[2]
    shown = [text.get_text() for text in output_ax.texts if text.get_visible()]
    assert shown == [f"{value:g}" for value in expected.ravel()]
    last = f"output[{expected.shape[0] - 1}, {expected.shape[1] - 1}]"
    assert output_ax.get_title().startswith(last)
    animation._func(frames[0])  # the first frame shows only the first value
    assert sum(text.get_visible() for text in output_ax.texts) == 1
    (window,) = outlines(animation._fig.axes[0])
    assert window.get_xy() == (-0.5, -0.5)
    plt.close(animation._fig)


def test_animation_html_is_offline_with_alt_text():
    animation = animate_convolution(np.arange(9.0).reshape(3, 3), np.eye(2))
    figure = animation._fig
    player = animation_html(animation, alt='A kernel "slides" over a grid.')
    assert 'alt="A kernel &quot;slides&quot; over a grid."' in player
    assert "http" not in player  # no stylesheet or script from the network
    assert "fa fa-" not in player
    assert player.count("data:image/png;base64") == 4  # a 2x2 output
    assert not plt.fignum_exists(figure.number)  # closed: no duplicate picture


@pytest.mark.parametrize(
    ("image", "kernel", "kwargs", "error", "phrase"),
    [
        (IMAGE, np.ones((4, 4)), {}, ValueError, "larger than"),
        (IMAGE[0], KERNEL, {}, ValueError, "dimension"),
        (IMAGE, KERNEL, {"stride": 0}, ValueError, "at least 1"),
        (IMAGE, KERNEL, {"padding": "full"}, ValueError, "'valid', 'same'"),
        (np.zeros((10, 10)), KERNEL, {}, ValueError, "max_frames=25"),
        (np.zeros((MAX_CELLS + 1, 2)), np.ones((1, 1)), {}, ValueError, "too large"),
        ("image", KERNEL, {}, TypeError, "array of numbers"),
    ],
)
def test_animation_rejects_bad_input(image, kernel, kwargs, error, phrase):
    with pytest.raises(error, match=re.escape(phrase)):
        animate_convolution(image, kernel, **kwargs)


@pytest.mark.parametrize(
    ("animation", "kwargs", "error", "phrase"),
    [
        ("not an animation", {"alt": "x"}, TypeError, "Matplotlib animation"),
        (None, {"alt": "  "}, ValueError, "empty"),
        (None, {"alt": 3}, TypeError, "sentence of text"),
        (None, {"alt": "x", "default_mode": "bounce"}, ValueError, "default_mode"),
    ],
)
def test_animation_html_rejects_bad_input(animation, kwargs, error, phrase):
    if animation is None:
        animation = animate_convolution(np.ones((2, 2)), np.ones((2, 2)))
    with pytest.raises(error, match=re.escape(phrase)):
        animation_html(animation, **kwargs)


RGB = np.arange(75.0).reshape(5, 5, 3) % 7 - 3
FILTER = np.arange(27.0).reshape(3, 3, 3) % 3 - 1


def test_multichannel_animation_writes_the_numbers_of_tensorflow():
    import tensorflow as tf

    animation = animate_multichannel_convolution(RGB, FILTER, 0.5, stride=2, padding=1)
    expected = tf.nn.conv2d(
        RGB[None], FILTER[..., None], 2, [[0, 0], [1, 1], [1, 1], [0, 0]]
    )
    expected = expected.numpy()[0, :, :, 0] + 0.5
    np.testing.assert_allclose(animation.output, expected)
    frames = list(animation.new_frame_seq())
    assert len(frames) == expected.size == 9
    animation._func(frames[-1])
    output_ax = animation._fig.axes[9]  # after three rows of three panels
    shown = [text.get_text() for text in output_ax.texts if text.get_visible()]
    assert shown[: expected.size] == [f"{value:g}" for value in expected.ravel()]
    equation = animation._fig.axes[10].texts[-1].get_text()
    parts = [
        tf.nn.conv2d(
            RGB[None, :, :, c : c + 1],
            FILTER[:, :, c, None, None],
            2,
            [[0, 0], [1, 1], [1, 1], [0, 0]],
        ).numpy()[0, 2, 2, 0]
        for c in range(3)
    ]
    assert equation.startswith("output[2, 2]")
    assert " + ".join(f"{p:g}" for p in parts) in equation
    assert equation.endswith(f"= {expected[2, 2]:g}")
    for c in range(3):  # every channel's window sits at the last position
        (window,) = outlines(animation._fig.axes[3 * c])
        assert window.get_xy() == (4 - 0.5, 4 - 0.5)
    player = animation_html(animation, alt="Three channels, one filter.")
    assert player.count("data:image/png;base64") == 9


@pytest.mark.parametrize(
    ("image", "kernel", "kwargs", "phrase"),
    [
        (RGB[:, :, :1], FILTER[:, :, :1], {}, "2 to 4 channels"),
        (RGB, FILTER[:, :, :2], {}, "as deep as its input"),
        (
            RGB,
            FILTER,
            {"stride": 1, "padding": "valid", "max_frames": 8},
            "max_frames=8",
        ),
        (np.zeros((13, 13, 3)), FILTER, {}, "too large"),
        (RGB[:, :, 0], FILTER, {}, "dimension"),
    ],
)
def test_multichannel_animation_rejects_bad_input(image, kernel, kwargs, phrase):
    with pytest.raises(ValueError, match=re.escape(phrase)):
        animate_multichannel_convolution(image, kernel, **kwargs)
