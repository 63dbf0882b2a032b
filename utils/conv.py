"""Convolution and pooling in plain NumPy, giving the same numbers as TensorFlow.

Chapter 5, "Convolution", teaches the mathematics (sliding a kernel, stride,
padding, output size); chapter 6, "The layers of a ConvNet", uses these
functions to recompute every layer of a small Keras model by hand.

Layouts are TensorFlow's (``channels_last``):

- images: ``(batch, height, width, channels)``;
- kernels: ``(kernel_height, kernel_width, in_channels, out_channels)``.

Like ``tf.nn.conv2d`` and every deep-learning library, :func:`conv2d` computes
a *cross-correlation*: the kernel is not flipped. Padding follows TensorFlow's
rules exactly, including ``"same"`` padding's uneven split, which puts the
extra row or column at the bottom or right.

:func:`conv2d` is the vectorised convolution that chapter 5 writes in its
section "All windows at once" (cell tag ``vectorised-conv2d``), with input
checks added; ``tests/test_conv.py`` proves that the two agree. The checks are
strict on purpose: a single 2-D image or kernel is refused, with a message
saying how to reshape it (``image[None, :, :, None]``,
``kernel[:, :, None, None]``).
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from utils.validation import describe

__all__ = [
    "avg_pool2d",
    "conv2d",
    "conv_output_size",
    "max_pool2d",
    "padding_amounts",
]

Padding = str | int
Pair = int | tuple[int, int]

_IMAGE_LAYOUT = "(batch, height, width, channels)"
_KERNEL_LAYOUT = "(kernel_height, kernel_width, in_channels, out_channels)"


# Input checks -------------------------------------------------------------


def _as_array(value: Any, name: str) -> np.ndarray:
    """``value`` as a float array (float32 stays float32), or a clear TypeError."""
    if value is None or value is Ellipsis:
        raise TypeError(f"{name} must be an array of numbers, but got {value!r}.")
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:  # ragged nested lists, for example
        raise TypeError(
            f"{name} must be an array of numbers, but NumPy could not read "
            f"{describe(value)} ({error})."
        ) from None
    if array.dtype == bool or not (
        np.issubdtype(array.dtype, np.integer)
        or np.issubdtype(array.dtype, np.floating)
    ):
        raise TypeError(
            f"{name} must hold real numbers, but it has dtype {array.dtype}; "
            "convert it with np.asarray(..., dtype=float)."
        )
    if not np.issubdtype(array.dtype, np.floating) or array.dtype == np.float16:
        array = array.astype(np.float64 if array.dtype != np.float16 else np.float32)
    if not np.all(np.isfinite(array)):
        raise ValueError(
            f"{name} contains NaN or infinite values; remove or replace them."
        )
    return array


def _check_images(images: Any) -> np.ndarray:
    array = _as_array(images, "images")
    if array.ndim != 4:
        hint = {
            2: "For one grey image of shape (H, W), pass image[None, :, :, None].",
            3: (
                "For one colour image of shape (H, W, C), pass image[None]; for a "
                "batch of grey images of shape (N, H, W), pass images[..., None]."
            ),
        }.get(array.ndim, "Reshape it to four dimensions.")
        raise ValueError(
            f"images must have 4 dimensions {_IMAGE_LAYOUT}, but it has shape "
            f"{array.shape}. {hint}"
        )
    if 0 in array.shape:
        raise ValueError(
            f"images has shape {array.shape}, with an empty dimension; every "
            f"dimension of {_IMAGE_LAYOUT} must be at least 1."
        )
    return array


def _check_kernels(kernels: Any, channels: int) -> np.ndarray:
    array = _as_array(kernels, "kernels")
    if array.ndim != 4:
        hint = (
            "For one 2-D kernel of shape (KH, KW), pass kernel[:, :, None, None]."
            if array.ndim == 2
            else "Reshape it to four dimensions."
        )
        raise ValueError(
            f"kernels must have 4 dimensions {_KERNEL_LAYOUT}, but it has shape "
            f"{array.shape}. {hint}"
        )
    if 0 in array.shape:
        raise ValueError(
            f"kernels has shape {array.shape}, with an empty dimension; every "
            f"dimension of {_KERNEL_LAYOUT} must be at least 1."
        )
    if array.shape[2] != channels:
        raise ValueError(
            f"the images have {channels} channel(s) but the kernels expect "
            f"{array.shape[2]} (kernels.shape[2]); a kernel must be as deep as its "
            f"input, so give the kernels the shape (KH, KW, {channels}, out_channels)."
        )
    return array


def _positive_int(value: Any, name: str, example: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be a positive whole number or a pair of them "
            f"(such as {example}), but got {describe(value)}."
        )
    if value < 1:
        raise ValueError(
            f"{name} must be a positive whole number (1 or more), but got {value}; "
            f"use 1 to move one pixel at a time, or a pair such as {example}."
        )
    return int(value)


def _pair(value: Any, name: str, example: str = "2 or (2, 1)") -> tuple[int, int]:
    """An int or a pair of ints, as a pair of positive ints."""
    if isinstance(value, tuple | list):
        if len(value) != 2:
            raise ValueError(
                f"{name} must be one number or a pair (rows, columns), but got "
                f"{len(value)} values: {value!r}."
            )
        return (
            _positive_int(value[0], name, example),
            _positive_int(value[1], name, example),
        )
    size = _positive_int(value, name, example)
    return size, size


def _check_padding(padding: Any) -> Padding:
    """``"valid"``, ``"same"`` or a non-negative int; anything else is refused."""
    if isinstance(padding, str):
        word = padding.lower()
        if word not in ("valid", "same"):
            raise ValueError(
                f"padding must be 'valid', 'same' or a whole number of zeros, but "
                f"got {padding!r}; use 'valid' for no padding or 'same' to keep "
                "the size (with stride 1)."
            )
        return word
    if isinstance(padding, bool) or not isinstance(padding, numbers.Integral):
        raise TypeError(
            "padding must be 'valid', 'same' or a whole number of zeros per side, "
            f"but got {describe(padding)}."
        )
    if padding < 0:
        raise ValueError(
            f"padding must not be negative, but got {padding}; use 0 (or 'valid') "
            "for no padding, or crop the input if you meant to shrink it."
        )
    return int(padding)


# Sizes --------------------------------------------------------------------


def padding_amounts(
    size: int, kernel_size: int, stride: int = 1, padding: Padding = "valid"
) -> tuple[int, int]:
    """How many cells of padding go before and after one spatial dimension.

    Parameters
    ----------
    size:
        The input's length along this dimension (its height or width).
    kernel_size:
        The kernel's (or pooling window's) length along it.
    stride:
        The step between two windows.
    padding:
        ``"valid"`` (none), ``"same"`` (TensorFlow's rule, below) or an int
        ``p`` (``p`` cells on each side).

    Returns
    -------
    tuple of int
        ``(before, after)``: cells added at the top/left and bottom/right.

    Notes
    -----
    With ``"same"``, TensorFlow aims for ``ceil(size / stride)`` outputs and
    adds ``total = max((out - 1) * stride + kernel_size - size, 0)`` cells:
    ``total // 2`` before and the rest after, so an odd total puts the extra
    cell at the bottom or right. Chapter 5, section "Padding".
    """
    size = _positive_int(size, "size", "32")
    kernel_size = _positive_int(kernel_size, "kernel_size", "3")
    stride = _positive_int(stride, "stride", "2")
    padding = _check_padding(padding)
    if padding == "valid":
        return 0, 0
    if padding == "same":
        out = -(-size // stride)  # ceil(size / stride)
        total = max((out - 1) * stride + kernel_size - size, 0)
        return total // 2, total - total // 2
    return padding, padding


def conv_output_size(
    size: int, kernel_size: int, stride: int = 1, padding: Padding = "valid"
) -> int:
    """The length of a convolution's or pooling's output along one dimension.

    ``(size - kernel_size + 2 * padding) // stride + 1``, where ``"valid"``
    means no padding and ``"same"`` gives ``ceil(size / stride)``. The
    parameters are those of :func:`padding_amounts`.

    Returns
    -------
    int
        The output's height or width.

    Raises
    ------
    ValueError
        If the kernel does not fit in the padded input, or an argument is out
        of range.

    Examples
    --------
    >>> conv_output_size(34, 5)
    30
    >>> conv_output_size(32, 3, padding="same")
    32
    >>> conv_output_size(32, 2, stride=2)
    16

    Chapter 5, section "Output size"; used again in chapter 6.
    """
    before, after = padding_amounts(size, kernel_size, stride, padding)
    padded = size + before + after
    if kernel_size > padded:
        raise ValueError(
            f"kernel size {kernel_size} is larger than the input size {size}"
            + (f" padded to {padded}" if padded != size else "")
            + "; pad it or use a smaller kernel."
        )
    return (padded - kernel_size) // stride + 1


def _check_fits(
    shape: tuple[int, ...],
    window: tuple[int, int],
    stride: tuple[int, int],
    padding: Padding,
    what: str,
) -> tuple[tuple[int, int], tuple[int, int]]:
    """The padding of rows and columns, after checking that ``window`` fits."""
    _, height, width, _ = shape
    rows = padding_amounts(height, window[0], stride[0], padding)
    cols = padding_amounts(width, window[1], stride[1], padding)
    padded_h, padded_w = height + sum(rows), width + sum(cols)
    if window[0] > padded_h or window[1] > padded_w:
        padded = "" if (padded_h, padded_w) == (height, width) else " (after padding)"
        raise ValueError(
            f"{what} {window[0]}x{window[1]} is larger than the "
            f"{padded_h}x{padded_w} input{padded}; pad it or use a smaller {what}."
        )
    return rows, cols


def _check_bias(bias: Any, out_channels: int) -> np.ndarray | None:
    if bias is None:
        return None
    array = _as_array(bias, "bias")
    if array.shape != (out_channels,):
        raise ValueError(
            f"bias must have shape ({out_channels},), one number per filter, but it "
            f"has shape {array.shape}."
        )
    return array


def _check_conv_inputs(images, kernels, stride, padding, bias):
    images = _check_images(images)
    kernels = _check_kernels(kernels, images.shape[3])
    stride = _pair(stride, "stride")
    padding = _check_padding(padding)
    bias = _check_bias(bias, kernels.shape[3])
    _check_fits(images.shape, kernels.shape[:2], stride, padding, "kernel")
    dtype = np.result_type(images.dtype, kernels.dtype)
    bias = None if bias is None else bias.astype(dtype)
    return (
        images.astype(dtype, copy=False),
        kernels.astype(dtype),
        stride,
        padding,
        bias,
    )


# Convolution --------------------------------------------------------------


def conv2d(
    images: Any,
    kernels: Any,
    *,
    stride: Pair = 1,
    padding: Padding = "valid",
    bias: Any = None,
) -> np.ndarray:
    """2-D convolution (cross-correlation) of a batch of images, as ``tf.nn.conv2d``.

    Every output value is the dot product of one kernel with one patch of the
    input, through all its channels, plus the kernel's bias:

    ``out[n, i, j, o] = sum(patch(n, i, j) * kernels[:, :, :, o]) + bias[o]``

    where ``patch(n, i, j)`` is the ``KH x KW x C_in`` window whose top-left
    corner sits at row ``i * stride`` and column ``j * stride`` of the padded
    image. The kernel is not flipped.

    Parameters
    ----------
    images:
        Shape ``(N, H, W, C_in)``. One grey image: ``image[None, :, :, None]``.
    kernels:
        Shape ``(KH, KW, C_in, C_out)``. One 2-D kernel: ``kernel[:, :, None, None]``.
    stride:
        Step between windows: an int, or a pair ``(rows, columns)``.
    padding:
        ``"valid"`` (no padding), ``"same"`` (TensorFlow's rule: the output is
        ``ceil(H / stride)`` high; an odd amount of padding puts the extra row
        and column at the bottom and right) or an int ``p`` (``p`` zeros on
        every side).
    bias:
        Optional, shape ``(C_out,)``: one number added to each output channel.

    Returns
    -------
    ndarray
        Shape ``(N, H_out, W_out, C_out)``, with ``H_out`` and ``W_out`` given
        by :func:`conv_output_size`. float32 if both inputs are float32, else
        float64.

    Raises
    ------
    ValueError
        For a wrong number of dimensions, a channel mismatch, a kernel larger
        than the padded input, a stride below 1 or an unknown padding.
    TypeError
        For inputs that are not numbers.

    Notes
    -----
    All windows are taken at once as a view (``sliding_window_view``), copied
    into a matrix with one row per output position ("im2col"), and multiplied
    by the kernels in one matrix product. The lines after the input checks are
    those of chapter 5's cell; the matrix of windows holds about ``KH * KW``
    times as many numbers as the image.

    Chapter 5, section "All windows at once"; chapter 6, "The layers of a ConvNet".
    """
    images, kernels, (sh, sw), padding, bias = _check_conv_inputs(
        images, kernels, stride, padding, bias
    )
    kh, kw, in_channels, n_filters = kernels.shape
    rows = padding_amounts(images.shape[1], kh, sh, padding)
    cols = padding_amounts(images.shape[2], kw, sw, padding)
    padded = np.pad(images, [(0, 0), rows, cols, (0, 0)])
    # All kh x kw windows, as a view (no copy): (N, rows, columns, C_in, kh, kw).
    windows = sliding_window_view(padded, (kh, kw), axis=(1, 2))
    windows = windows[:, ::sh, ::sw]  # the stride: every sh-th row, sw-th column
    # Copy them into a matrix with one row per output position, its numbers in
    # the (row, column, channel) order of the kernels' weights.
    depth = kh * kw * in_channels
    patches = windows.transpose(0, 1, 2, 4, 5, 3).reshape(-1, depth)
    # One matrix product computes every output value of every filter.
    out = patches @ kernels.reshape(depth, n_filters)
    out = out.reshape(*windows.shape[:3], n_filters)
    if bias is not None:
        out = out + bias
    return out


# Pooling ------------------------------------------------------------------


def _pool_windows(images, pool_size, stride, padding, fill):
    images = _check_images(images)
    window = _pair(pool_size, "pool_size", "2 or (2, 2)")
    stride = window if stride is None else _pair(stride, "stride")
    padding = _check_padding(padding)
    if isinstance(padding, int) and (padding >= window[0] or padding >= window[1]):
        raise ValueError(
            f"padding {padding} is too large for a {window[0]}x{window[1]} pooling "
            "window: some windows would hold only padding. Use a padding smaller "
            "than the window, or 'same'."
        )
    rows, cols = _check_fits(images.shape, window, stride, padding, "pooling window")
    padded = np.pad(images, [(0, 0), rows, cols, (0, 0)], constant_values=fill)
    windows = sliding_window_view(padded, window, axis=(1, 2))
    return windows[:, :: stride[0], :: stride[1]], images, window, stride, padding


def max_pool2d(
    images: Any,
    pool_size: Pair = 2,
    *,
    stride: Pair | None = None,
    padding: Padding = "valid",
) -> np.ndarray:
    """Max pooling, as ``tf.nn.max_pool2d``: the largest value in each window.

    Each channel is pooled on its own, so the number of channels is kept.

    Parameters
    ----------
    images:
        Shape ``(N, H, W, C)``.
    pool_size:
        The window's size: an int, or a pair ``(rows, columns)``.
    stride:
        Step between windows; by default the window's size (windows that touch
        without overlapping).
    padding:
        ``"valid"``, ``"same"`` (TensorFlow's rule, see :func:`padding_amounts`)
        or an int smaller than the window. Padded cells never win: they count
        as minus infinity, as in TensorFlow.

    Returns
    -------
    ndarray
        Shape ``(N, H_out, W_out, C)``.

    Raises
    ------
    ValueError
        As :func:`conv2d`, and for an int padding as large as the window.

    Chapter 6, "The layers of a ConvNet", section "Pooling".
    """
    windows, *_ = _pool_windows(images, pool_size, stride, padding, -np.inf)
    return windows.max(axis=(4, 5))


def avg_pool2d(
    images: Any,
    pool_size: Pair = 2,
    *,
    stride: Pair | None = None,
    padding: Padding = "valid",
) -> np.ndarray:
    """Average pooling, as ``tf.nn.avg_pool2d``: the mean of each window.

    The parameters and errors are those of :func:`max_pool2d`. With padding,
    the mean is taken over the window's real cells only (padded cells are
    neither added nor counted), which is TensorFlow's behaviour for
    ``"same"``; a window in a corner may therefore average fewer cells.

    Returns
    -------
    ndarray
        Shape ``(N, H_out, W_out, C)``.

    Chapter 6, "The layers of a ConvNet", section "Pooling".
    """
    windows, images, window, stride, padding = _pool_windows(
        images, pool_size, stride, padding, 0.0
    )
    sums = windows.sum(axis=(4, 5))
    # How many real cells each window covers: pool a padded mask of ones.
    mask = np.ones((1, *images.shape[1:3], 1), dtype=images.dtype)
    mask_windows, *_ = _pool_windows(mask, window, stride, padding, 0.0)
    counts = mask_windows.sum(axis=(4, 5))
    return sums / counts
