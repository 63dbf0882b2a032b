"""utils.conv against TensorFlow, on random shapes, strides and paddings, and
against the vectorised and loop convolutions that chapter 5 writes in its cells."""

from __future__ import annotations

import ast
import functools
import inspect
import os
from pathlib import Path

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"

import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from numpy.lib.stride_tricks import sliding_window_view  # noqa: E402

import utils.conv  # noqa: E402
from utils.conv import (  # noqa: E402
    avg_pool2d,
    conv2d,
    conv_output_size,
    max_pool2d,
    padding_amounts,
)

# Small shapes keep the whole file well under 30 s; no database is written
# into the working tree.
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
ATOL = 1e-4  # float32 sums of a few dozen products


@st.composite
def conv_cases(draw, *, max_channels: int = 3):
    """A batch of images, kernels, a stride and a padding that fit together."""
    padding = draw(st.sampled_from(["valid", "same", 0, 1, 2]))
    kernel = (draw(st.integers(1, 5)), draw(st.integers(1, 5)))
    extra = 0 if padding in ("valid", "same") else 2 * padding
    # 'valid' needs the kernel to fit; 'same' and int padding may go smaller.
    min_h = max(1, kernel[0] - extra) if padding != "same" else 1
    min_w = max(1, kernel[1] - extra) if padding != "same" else 1
    height = draw(st.integers(min_h, 9))
    width = draw(st.integers(min_w, 9))
    stride = draw(
        st.one_of(st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 3)))
    )
    batch = draw(st.integers(1, 2))
    in_channels = draw(st.integers(1, max_channels))
    out_channels = draw(st.integers(1, 4))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    images = rng.normal(size=(batch, height, width, in_channels)).astype(np.float32)
    kernels = rng.normal(size=(*kernel, in_channels, out_channels)).astype(np.float32)
    bias = rng.normal(size=out_channels).astype(np.float32)
    return images, kernels, stride, padding, bias


def _strides(stride):
    return [stride, stride] if isinstance(stride, int) else list(stride)


def _tf_conv(images, kernels, stride, padding):
    """TensorFlow's answer; an int padding is tf.pad with zeros then 'VALID'."""
    if isinstance(padding, int):
        pads = [[0, 0], [padding, padding], [padding, padding], [0, 0]]
        images = tf.pad(images, pads)
        padding = "valid"
    return tf.nn.conv2d(
        images, kernels, strides=_strides(stride), padding=padding.upper()
    )


@SETTINGS
@given(conv_cases())
def test_conv2d_matches_tensorflow(case):
    images, kernels, stride, padding, bias = case
    ours = conv2d(images, kernels, stride=stride, padding=padding, bias=bias)
    expected = _tf_conv(images, kernels, stride, padding).numpy() + bias
    assert ours.shape == expected.shape
    np.testing.assert_allclose(ours, expected, atol=ATOL, rtol=1e-4)


CHAPTER = Path(__file__).resolve().parent.parent / "chapters" / "05_convolution.ipynb"


def chapter_cell(tag: str) -> str:
    """The source of the one code cell of chapter 5 tagged ``tag``."""
    notebook = nbformat.read(CHAPTER, as_version=4)
    cells = [
        cell.source
        for cell in notebook.cells
        if cell.cell_type == "code" and tag in cell.metadata.get("tags", [])
    ]
    assert len(cells) == 1, f"expected one cell tagged {tag!r}, found {len(cells)}"
    return cells[0]


@functools.cache
def chapter_function(tag: str, name: str):
    """Run the chapter's cell tagged ``tag`` and return the function ``name``."""
    namespace = {
        "np": np,
        "padding_amounts": padding_amounts,
        "sliding_window_view": sliding_window_view,
    }
    exec(compile(chapter_cell(tag), str(CHAPTER), "exec"), namespace)  # noqa: S102
    return namespace[name]


def body_lines(source: str, name: str) -> list[str]:
    """The statements of function ``name`` after its docstring, as text lines."""
    function = next(
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef) and node.name == name
    )
    lines = source.splitlines()
    first = function.body[1].lineno  # body[0] is the docstring
    return [line.strip() for line in lines[first - 1 : function.end_lineno]]


def test_chapter_cell_is_the_text_of_utils_conv2d():
    """After the input checks, utils.conv.conv2d is chapter 5's code, line for line."""
    chapter = body_lines(chapter_cell("vectorised-conv2d"), "conv2d_windows")
    package = body_lines(inspect.getsource(utils.conv), "conv2d")
    # The first statement differs: the chapter reads the stride, the package
    # checks every input. Every line after it is the same.
    shared = chapter[1:]
    assert len(shared) > 8
    assert package[-len(shared) :] == shared


@SETTINGS
@given(conv_cases())
def test_chapter_cells_equal_utils_conv2d(case):
    images, kernels, stride, padding, bias = case
    windows = chapter_function("vectorised-conv2d", "conv2d_windows")
    loops = chapter_function("conv2d-loops", "conv2d_loops")
    ours = conv2d(images, kernels, stride=stride, padding=padding, bias=bias)
    for function in (windows, loops):
        theirs = function(images, kernels, stride=stride, padding=padding, bias=bias)
        assert theirs.shape == ours.shape
        np.testing.assert_allclose(theirs, ours, atol=ATOL, rtol=1e-5)


@SETTINGS
@given(conv_cases())
def test_output_size_matches_actual_shape(case):
    images, kernels, stride, padding, _ = case
    out = conv2d(images, kernels, stride=stride, padding=padding)
    rows, cols = _strides(stride)
    assert out.shape[1] == conv_output_size(
        images.shape[1], kernels.shape[0], rows, padding
    )
    assert out.shape[2] == conv_output_size(
        images.shape[2], kernels.shape[1], cols, padding
    )


@st.composite
def pool_cases(draw):
    padding = draw(st.sampled_from(["valid", "same"]))
    window = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    min_h, min_w = window if padding == "valid" else (1, 1)
    height = draw(st.integers(min_h, 9))
    width = draw(st.integers(min_w, 9))
    stride = draw(
        st.one_of(
            st.none(),
            st.integers(1, 3),
            st.tuples(st.integers(1, 3), st.integers(1, 3)),
        )
    )
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    images = rng.normal(size=(draw(st.integers(1, 2)), height, width, 2)).astype(
        np.float32
    )
    return images, window, stride, padding


@SETTINGS
@given(pool_cases())
def test_max_pool_matches_tensorflow(case):
    images, window, stride, padding = case
    ours = max_pool2d(images, window, stride=stride, padding=padding)
    tf_stride = window if stride is None else stride
    expected = tf.nn.max_pool2d(images, window, _strides(tf_stride), padding.upper())
    assert ours.shape == tuple(expected.shape)
    np.testing.assert_array_equal(ours, expected.numpy())


@SETTINGS
@given(pool_cases())
def test_avg_pool_matches_tensorflow(case):
    images, window, stride, padding = case
    ours = avg_pool2d(images, window, stride=stride, padding=padding)
    tf_stride = window if stride is None else stride
    expected = tf.nn.avg_pool2d(images, window, _strides(tf_stride), padding.upper())
    assert ours.shape == tuple(expected.shape)
    np.testing.assert_allclose(ours, expected.numpy(), atol=1e-5)


@SETTINGS
@given(pool_cases())
def test_pool_output_size(case):
    images, window, stride, padding = case
    tf_stride = window if stride is None else stride
    rows, cols = _strides(tf_stride)
    out = max_pool2d(images, window, stride=stride, padding=padding)
    assert out.shape[1] == conv_output_size(images.shape[1], window[0], rows, padding)
    assert out.shape[2] == conv_output_size(images.shape[2], window[1], cols, padding)


# ---------------------------------------------------------------- fixed cases


def test_cross_correlation_does_not_flip_the_kernel():
    image = np.zeros((1, 3, 3, 1))
    image[0, 0, 0, 0] = 1.0  # a single 1 in the top-left corner
    kernel = np.arange(1.0, 10.0).reshape(3, 3)[:, :, None, None]
    out = conv2d(image, kernel, padding="same")
    # The window centred on (1, 1) sees the 1 at its top-left: weight kernel[0, 0].
    assert out[0, 1, 1, 0] == 1.0
    flipped = conv2d(image, kernel[::-1, ::-1], padding="same")
    assert flipped[0, 1, 1, 0] == 9.0


def test_same_padding_puts_the_extra_cell_at_the_bottom_right():
    # 4 wide, kernel 2, stride 1: one cell of padding in total, after the input.
    assert padding_amounts(4, 2, 1, "same") == (0, 1)
    assert padding_amounts(5, 4, 1, "same") == (1, 2)
    assert padding_amounts(7, 3, 2, "same") == (1, 1)
    assert padding_amounts(6, 3, 2, "same") == (0, 1)
    assert padding_amounts(6, 1, 3, "same") == (0, 0)
    assert padding_amounts(6, 3, 1, 2) == (2, 2)
    assert padding_amounts(6, 3, 1, "valid") == (0, 0)


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "padding", "expected"),
    [
        (34, 3, 1, "valid", 32),
        (34, 5, 1, "valid", 30),
        (34, 7, 1, "valid", 28),
        (32, 3, 1, "same", 32),
        (32, 2, 2, "valid", 16),
        (300, 2, 2, "same", 150),
        (7, 3, 2, "same", 4),
        (5, 3, 2, 1, 3),
        (1, 3, 1, 1, 1),
    ],
)
def test_conv_output_size_known_values(size, kernel, stride, padding, expected):
    assert conv_output_size(size, kernel, stride, padding) == expected


def test_float32_stays_float32_and_integers_become_float64():
    image = np.ones((1, 4, 4, 1), dtype=np.float32)
    kernel = np.ones((2, 2, 1, 1), dtype=np.float32)
    assert conv2d(image, kernel).dtype == np.float32
    assert conv2d(image.astype(int), kernel.astype(int)).dtype == np.float64
    np.testing.assert_array_equal(conv2d(image, kernel), 4.0)


def test_max_pool_ignores_padding_and_avg_pool_counts_real_cells():
    # All-negative input: a padded zero would win a max pool, and would drag an
    # average towards zero; TensorFlow does neither.
    images = -np.arange(1.0, 10.0).reshape(1, 3, 3, 1)
    maxed = max_pool2d(images, 2, padding="same")
    assert maxed[0, :, :, 0].tolist() == [[-1.0, -3.0], [-7.0, -9.0]]
    averaged = avg_pool2d(images, 2, padding="same")
    assert averaged[0, :, :, 0].tolist() == [[-3.0, -4.5], [-7.5, -9.0]]


def test_int_padding_in_pooling():
    images = -np.arange(1.0, 10.0).reshape(1, 3, 3, 1)
    maxed = max_pool2d(images, 2, stride=2, padding=1)
    expected = tf.nn.max_pool2d(
        tf.pad(images, [[0, 0], [1, 1], [1, 1], [0, 0]], constant_values=-np.inf),
        2,
        2,
        "VALID",
    )
    np.testing.assert_array_equal(maxed, expected.numpy())
    averaged = avg_pool2d(images, 2, stride=2, padding=1)
    assert averaged[0, :, :, 0].tolist() == [[-1.0, -2.5], [-5.5, -7.0]]


# ---------------------------------------------------------------- bad inputs

IMAGE = np.zeros((1, 3, 3, 1))
KERNEL = np.zeros((3, 3, 1, 1))


@pytest.mark.parametrize(
    ("call", "phrase"),
    [
        (lambda: conv2d(np.zeros((3, 3)), KERNEL), r"image\[None, :, :, None\]"),
        (lambda: conv2d(np.zeros((3, 3, 3)), KERNEL), r"image\[None\]"),
        (lambda: conv2d(np.zeros((1, 1, 3, 3, 1)), KERNEL), "must have 4 dimensions"),
        (lambda: conv2d(IMAGE, np.zeros((3, 3))), r"kernel\[:, :, None, None\]"),
        (lambda: conv2d(IMAGE, np.zeros((3, 3, 1))), "must have 4 dimensions"),
        (
            lambda: conv2d(np.zeros((1, 3, 3, 3)), KERNEL),
            r"\(KH, KW, 3, out_channels\)",
        ),
        (
            lambda: conv2d(IMAGE, np.zeros((5, 5, 1, 1))),
            "kernel 5x5 is larger than the 3x3 input; pad it or use a smaller kernel",
        ),
        (
            lambda: conv2d(IMAGE, np.zeros((6, 1, 1, 1)), padding=1),
            r"6x1 is larger than the 5x5 input \(after padding\)",
        ),
        (lambda: conv2d(IMAGE, KERNEL, stride=0), "positive whole number"),
        (lambda: conv2d(IMAGE, KERNEL, stride=(1, -2)), "positive whole number"),
        (lambda: conv2d(IMAGE, KERNEL, stride=(1, 2, 3)), "pair"),
        (lambda: conv2d(IMAGE, KERNEL, padding="full"), "'valid', 'same'"),
        (lambda: conv2d(IMAGE, KERNEL, padding=-1), "must not be negative"),
        (lambda: conv2d(IMAGE, KERNEL, bias=np.zeros(2)), r"shape \(1,\)"),
        (lambda: conv2d(np.zeros((1, 0, 3, 1)), KERNEL), "empty dimension"),
        (lambda: conv2d(np.full((1, 3, 3, 1), np.nan), KERNEL), "NaN"),
        (lambda: max_pool2d(np.zeros((3, 3))), r"image\[None, :, :, None\]"),
        (lambda: max_pool2d(IMAGE, 4), "pooling window 4x4 is larger than the 3x3"),
        (lambda: avg_pool2d(IMAGE, 0), "positive whole number"),
        (lambda: avg_pool2d(IMAGE, 2, stride=0), "positive whole number"),
        (lambda: max_pool2d(IMAGE, 2, padding="full"), "'valid', 'same'"),
        (lambda: max_pool2d(IMAGE, 2, padding=-1), "must not be negative"),
        (lambda: max_pool2d(IMAGE, 2, padding=2), "only padding"),
        (lambda: conv_output_size(3, 5), "pad it or use a smaller kernel"),
        (lambda: conv_output_size(3, 3, 0), "positive whole number"),
        (lambda: conv_output_size(3, 3, 1, "full"), "'valid', 'same'"),
        (lambda: conv_output_size(3, 3, 1, -1), "must not be negative"),
        (lambda: conv_output_size(0, 3), "positive whole number"),
    ],
)
def test_bad_input_raises_a_helpful_value_error(call, phrase):
    with pytest.raises(ValueError, match=phrase):
        call()


@pytest.mark.parametrize(
    "call",
    [
        lambda: conv2d("not an image", KERNEL),
        lambda: conv2d(IMAGE.astype(bool), KERNEL),
        lambda: conv2d(None, KERNEL),
        lambda: conv2d(IMAGE, KERNEL, stride=1.5),
        lambda: conv2d(IMAGE, KERNEL, stride=True),
        lambda: conv2d(IMAGE, KERNEL, padding=1.0),
        lambda: max_pool2d(IMAGE, "2"),
        lambda: conv_output_size(3.0, 3),
    ],
)
def test_wrong_types_raise_type_error(call):
    with pytest.raises(TypeError, match="must"):
        call()
