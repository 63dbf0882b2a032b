"""Checks for the exercises of chapter 5, "The mathematics of convolution".

The learner's functions are called on many cases and compared with
:mod:`utils.conv`; a wrong answer is tested against the usual mistakes (a
flipped kernel, a forgotten floor or bias), named only when it matches one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from utils.checks import (
    Feedback,
    as_number,
    correct,
    exercise_check,
    hidden_inputs,
    not_a_function,
    not_attempted,
    not_yet,
    returned_array,
    whole_number,
    whole_pair,
)
from utils.conv import conv2d, conv_output_size

__all__ = [
    "DENSE_LAYER",
    "CONV_LAYER",
    "check_conv2d",
    "check_dilation",
    "check_output_size",
    "check_parameter_counts",
    "check_receptive_field",
    "receptive_field_size",
]


# --------------------------------------------------------------------------
# Exercise 1: the output-size formula
# --------------------------------------------------------------------------


def _size_cases() -> list[tuple[int, int, int, int]]:
    """(size, kernel_size, stride, padding) cases where the kernel fits."""
    cases = [(34, 5, 2, 0), (34, 3, 1, 1), (32, 5, 3, 2), (7, 7, 1, 0), (5, 3, 2, 1)]
    for size in (1, 4, 9, 16, 28, 34):
        for kernel_size in (1, 2, 3, 5, 7):
            for stride in (1, 2, 3, 4):
                for padding in (0, 1, 2, 3):
                    if kernel_size <= size + 2 * padding:
                        cases.append((size, kernel_size, stride, padding))
    return cases


_SIZE_MISTAKES: list[tuple[Callable[[int, int, int, int], float], str]] = [
    (
        lambda w, f, s, p: (w - f + 2 * p) / s + 1,
        "When the stride does not divide W - F + 2P evenly, your answer has a "
        "fraction: the last window would stick out of the input.",
    ),
    (
        lambda w, f, s, p: math.ceil((w - f + 2 * p) / s) + 1,
        "You rounded up; a window that would stick out of the input is dropped, "
        "so round down (floor division //).",
    ),
    (
        lambda w, f, s, p: (w - f + p) // s + 1,
        "Padding adds P cells on both sides, so the padded input is W + 2P long.",
    ),
    (
        lambda w, f, s, p: (w - f + 2 * p) // s,
        "Count the first position too: (W - F + 2P) // S steps give one more "
        "position than steps.",
    ),
    (
        lambda w, f, s, p: (w - f) // s + 1,
        "Your function ignores the padding.",
    ),
    (
        lambda w, f, s, p: w - f + 2 * p + 1,
        "Your function ignores the stride.",
    ),
]


@exercise_check
def check_output_size(output_size: Callable[[int, int, int, int], Any]) -> Feedback:
    """Check ``output_size(size, kernel_size, stride, padding)`` against the formula.

    The learner's function takes the input's length, the kernel's length, the
    stride and a number of zeros of padding on each side, and returns the
    output's length, ``(size - kernel_size + 2 * padding) // stride + 1``.
    It is compared with :func:`utils.conv.conv_output_size` on about 400 cases.

    Chapter 5, exercise "The output-size formula".
    """
    if (problem := not_a_function(output_size, "output_size")) is not None:
        return problem
    cases = _size_cases()
    if (hidden := hidden_inputs()) is not None:  # a graded run's unseen inputs
        for size in hidden.integers(35, 300, size=40):
            kernel_size, stride, padding = hidden.integers(1, 12, size=3)
            cases.append((int(size), int(kernel_size), int(stride), int(padding)))
    for size, kernel_size, stride, padding in cases:
        expected = conv_output_size(size, kernel_size, stride, padding)
        answer = output_size(size, kernel_size, stride, padding)
        if answer is Ellipsis:
            return not_attempted("the body of output_size")
        call = f"output_size({size}, {kernel_size}, {stride}, {padding})"
        whole = whole_number(answer)
        if whole == expected:
            continue
        number = as_number(answer)
        for mistake, hint in _SIZE_MISTAKES:
            wrong = mistake(size, kernel_size, stride, padding)
            if number is not None and math.isclose(number, wrong):
                return not_yet(
                    f"{call} returned {answer!r}, but the output is {expected} long.",
                    hint,
                )
        if whole is None:
            return not_yet(
                f"{call} returned {answer!r}, which is not a whole number; the "
                f"output is {expected} long.",
                "a length counts positions of the kernel: return an int, "
                "rounding down with // where the stride does not fit evenly.",
            )
        return not_yet(
            f"{call} returned {whole}, but the output is {expected} long.",
            "count the positions: the first window starts at 0, the last may "
            "start at most at size + 2 * padding - kernel_size, one every stride.",
        )
    return correct(
        "Your formula matches the output sizes for every case tried, including "
        "strides that do not fit evenly."
    )


# --------------------------------------------------------------------------
# Exercise 2: a one-channel conv2d with stride
# --------------------------------------------------------------------------


def _reference_conv(image: np.ndarray, kernel: np.ndarray, stride: int) -> np.ndarray:
    return conv2d(image[None, :, :, None], kernel[:, :, None, None], stride=stride)[
        0, :, :, 0
    ]


#: (kernel shape, stride, extra rows, extra columns) of each case: square and
#: not, odd and even kernels, a kernel as large as the image, strides 1 to 3.
_CONV_LAYOUTS = [
    ((3, 3), 1, (0, 4), (0, 4)),
    ((3, 2), 1, (1, 3), (5, 8)),  # clearly wider than high
    ((2, 3), 2, (3, 7), (1, 5)),
    ((3, 3), 3, (3, 8), (3, 8)),
    ((4, 6), 1, (0, 0), (0, 0)),
    ((1, 1), 2, (3, 7), (5, 8)),
    ((4, 3), 2, (3, 7), (1, 5)),
]


def _conv_cases() -> list[tuple[np.ndarray, np.ndarray, int]]:
    """Fresh random cases at every call: the learner cannot tune to them.

    Each layout keeps its kernel shape and stride; the image's size (the
    kernel's plus a random number of extra rows and columns) and every value
    are drawn anew. Values are whole numbers, so a right answer is exact.
    """
    generator = hidden_inputs() or np.random.default_rng()
    cases = []
    for kernel_shape, stride, extra_rows, extra_cols in _CONV_LAYOUTS:
        image_shape = (
            kernel_shape[0] + int(generator.integers(extra_rows[0], extra_rows[1] + 1)),
            kernel_shape[1] + int(generator.integers(extra_cols[0], extra_cols[1] + 1)),
        )
        image = generator.integers(-4, 5, size=image_shape).astype(float)
        kernel = generator.integers(-3, 4, size=kernel_shape).astype(float)
        kernel[0, 0] = 4.0  # no kernel is all zeros or symmetric under a flip
        cases.append((image, kernel, stride))
    return cases


@exercise_check
def check_conv2d(conv2d_function: Callable[[np.ndarray, np.ndarray, int], Any]):
    """Check a learner's one-channel ``conv2d(image, kernel, stride)`` (no padding).

    The function gets a 2-D image, a 2-D kernel and a stride, and must return
    the 2-D cross-correlation with 'valid' padding, as ``tf.nn.conv2d`` computes
    it. It is compared with :func:`utils.conv.conv2d` on square and
    non-square images and kernels, with strides 1 to 3, drawn anew at every
    call (see :func:`_conv_cases`); no expected value is ever printed.

    Chapter 5, exercise "Your own conv2d".
    """
    for image, kernel, stride in _conv_cases():
        expected = _reference_conv(image, kernel, stride)
        case = (
            f"a {image.shape[0]}x{image.shape[1]} image, a "
            f"{kernel.shape[0]}x{kernel.shape[1]} kernel and stride {stride}"
        )
        answer = returned_array(
            conv2d_function,
            image.copy(),
            kernel.copy(),
            stride,
            name="my_conv2d",
            case=case,
            hint="build the output with np.zeros((out_rows, out_cols)) and fill it in.",
        )
        if isinstance(answer, Feedback):
            return answer
        if answer.shape != expected.shape:
            if answer.shape == expected.shape[::-1]:
                hint = "rows and columns are swapped: the output's rows come from the image's rows."
            elif answer.shape == _reference_conv(image, kernel, 1).shape:
                hint = "you seem to ignore the stride: move the window by stride cells."
            else:
                hint = (
                    "use (size - kernel_size) // stride + 1 positions along each "
                    "axis, rows and columns separately."
                )
            return not_yet(
                f"for {case} your output has shape {answer.shape}, but it should "
                f"be {expected.shape}.",
                hint,
            )
        if np.allclose(answer, expected):
            continue
        if answer.shape == expected.T.shape and np.allclose(answer, expected.T):
            return not_yet(
                f"for {case} your output is the right one transposed: rows and "
                "columns are swapped.",
                "output[i, j] must come from image rows i * stride onwards and "
                "columns j * stride onwards.",
            )
        flipped = _reference_conv(image, kernel[::-1, ::-1], stride)
        if np.allclose(answer, flipped):
            return not_yet(
                f"for {case} your output is the true convolution, with the kernel "
                "flipped.",
                "deep-learning 'convolution' does not flip the kernel: multiply "
                "image[i * stride + u, j * stride + v] by kernel[u, v].",
            )
        return not_yet(
            f"for {case} your output has the right shape but the wrong numbers "
            f"(largest difference {np.max(np.abs(answer - expected)):.3g}).",
            "each output[i, j] is np.sum(patch * kernel), where patch is the "
            "window of the image whose top-left corner is at row i * stride and "
            "column j * stride.",
        )
    return correct(
        "Your conv2d matches utils.conv.conv2d (and so tf.nn.conv2d) on square and "
        "non-square inputs, odd and even kernels and strides 1 to 3."
    )


# --------------------------------------------------------------------------
# Exercise 3: parameters of a convolutional and a dense layer
# --------------------------------------------------------------------------

#: The layer of exercise 3: 16 filters of 5 x 5 on a 32 x 32 x 3 image, 'same'.
CONV_LAYER = {"height": 32, "width": 32, "channels": 3, "kernel_size": 5, "filters": 16}

#: A dense layer with as many inputs and outputs as that convolutional layer.
DENSE_LAYER = {"inputs": 32 * 32 * 3, "outputs": 32 * 32 * 16}


@exercise_check
def check_parameter_counts(conv_params: Any, dense_params: Any) -> Feedback:
    """Check the parameter counts of the convolutional and dense layers of exercise 3.

    The convolutional layer has 16 filters of 5 x 5 x 3 and a bias each:
    ``(5 * 5 * 3 + 1) * 16 = 1,216``. A dense layer from the 3,072 inputs to
    the 16,384 outputs of the same shape has ``(3,072 + 1) * 16,384``.

    Chapter 5, exercise "Sharing weights".
    """
    k, c, f = CONV_LAYER["kernel_size"], CONV_LAYER["channels"], CONV_LAYER["filters"]
    n_in, n_out = DENSE_LAYER["inputs"], DENSE_LAYER["outputs"]
    conv_expected = (k * k * c + 1) * f
    dense_expected = (n_in + 1) * n_out
    answers = whole_pair(
        (conv_params, dense_params),
        ("conv_params", "dense_params"),
        "write each count as an expression, such as (a * b + 1) * c.",
    )
    if isinstance(answers, Feedback):
        return answers
    conv_answer, dense_answer = answers
    if conv_answer != conv_expected:
        conv_mistakes = {
            k * k * c * f: "you forgot the biases: one per filter.",
            (k * k + 1) * f: "each filter is as deep as the input: 5 x 5 x 3 weights.",
            k * k * f: "each filter is 5 x 5 x 3 and has a bias.",
            (k * k * c + 1) * f * 32 * 32: "the same filter is used at every "
            "position; its weights are counted once, not once per position.",
            k * k * c + 1: "there are 16 filters, each with its own weights.",
        }
        return not_yet(
            f"the convolutional layer has {conv_expected:,} parameters, not "
            f"{conv_answer:,}.",
            conv_mistakes.get(
                conv_answer, "(kernel height x width x input channels + 1) x filters."
            ),
        )
    if dense_answer != dense_expected:
        dense_mistakes = {
            n_in * n_out: "you forgot the biases: one per output unit.",
            n_in + n_out: "every input connects to every output: multiply.",
            (n_in + 1) * 16: "the dense layer must produce the whole 32 x 32 x 16 "
            "volume, that is 16,384 outputs.",
            n_in * (n_out + 1): "there is one bias per output, not per input.",
        }
        return not_yet(
            f"the dense layer has {dense_expected:,} parameters, not {dense_answer:,}.",
            dense_mistakes.get(dense_answer, "(inputs + 1) x outputs."),
        )
    return correct(
        f"{conv_expected:,} against {dense_expected:,}: the dense layer needs about "
        f"{dense_expected / conv_expected:,.0f} times as many parameters."
    )


# --------------------------------------------------------------------------
# Exercise 4: the receptive field of a stack of layers
# --------------------------------------------------------------------------


def receptive_field_size(kernel_sizes: list[int], strides: list[int]) -> int:
    """Side of the receptive field of one unit after a stack of conv layers.

    ``r = 1 + sum_l (k_l - 1) * (s_1 * ... * s_{l-1})``: each layer widens the
    field by ``k_l - 1`` of its own input's cells, and each of those is as far
    apart, in input pixels, as the product of the strides below it.

    Parameters
    ----------
    kernel_sizes, strides:
        One kernel size and one stride per layer, from the input up.

    Returns
    -------
    int
        The receptive field's side, in input pixels.

    Raises
    ------
    ValueError
        If the lists differ in length or hold a size or stride below 1.

    Examples
    --------
    >>> receptive_field_size([3, 3, 3], [1, 1, 1])
    7
    >>> receptive_field_size([3, 3, 3], [1, 2, 1])
    9

    Chapter 5, section "Receptive field".
    """
    if len(kernel_sizes) != len(strides):
        raise ValueError(
            f"give one stride per layer: {len(kernel_sizes)} kernel sizes but "
            f"{len(strides)} strides."
        )
    if any(int(value) < 1 for value in (*kernel_sizes, *strides)):
        raise ValueError("kernel sizes and strides must be at least 1.")
    size, jump = 1, 1
    for kernel_size, stride in zip(kernel_sizes, strides, strict=True):
        size += (int(kernel_size) - 1) * jump
        jump *= int(stride)
    return size


_FIELD_CASES = [
    ([3], [1]),
    ([3, 3], [1, 1]),
    ([3, 3, 3, 3, 3], [1, 1, 1, 1, 1]),
    ([5, 3], [1, 1]),
    ([3, 3, 3], [1, 2, 1]),
    ([3, 3, 3], [2, 1, 1]),
    ([3, 3, 3], [2, 2, 2]),
    ([7, 3, 3, 3], [2, 1, 2, 1]),
    ([2, 2, 2], [2, 2, 2]),
    ([1, 3], [2, 1]),
    ([5, 5, 3, 3], [1, 3, 1, 2]),
]


def _field_with_own_stride(kernel_sizes, strides):
    size, jump = 1, 1
    for kernel_size, stride in zip(kernel_sizes, strides, strict=True):
        jump *= stride
        size += (kernel_size - 1) * jump
    return size


@exercise_check
def check_receptive_field(
    receptive_field: Callable[[list[int], list[int]], Any],
) -> Feedback:
    """Check ``receptive_field(kernel_sizes, strides)`` on stacks of conv layers.

    The learner's function takes one kernel size and one stride per layer
    (from the input up) and returns the side of the receptive field of one
    unit of the last layer. It is compared with :func:`receptive_field_size`.

    Chapter 5, exercise "Receptive field".
    """
    if (problem := not_a_function(receptive_field, "receptive_field")) is not None:
        return problem
    mistakes = [
        (
            lambda kernel_sizes, strides: 1 + sum(k - 1 for k in kernel_sizes),
            "after a layer with stride 2, neighbouring units are 2 input pixels "
            "apart: multiply each layer's k - 1 by the product of the strides "
            "below it.",
        ),
        (
            _field_with_own_stride,
            "a layer's own stride does not widen its own field; only the strides "
            "of the layers below it count. Update the jump after adding k - 1.",
        ),
        (
            lambda kernel_sizes, strides: sum(kernel_sizes),
            "two 3x3 layers see 5x5, not 6x6: the kernels overlap, so each layer "
            "adds k - 1, not k.",
        ),
    ]
    for kernel_sizes, strides in _FIELD_CASES:
        expected = receptive_field_size(kernel_sizes, strides)
        answer = receptive_field(list(kernel_sizes), list(strides))
        if answer is Ellipsis:
            return not_attempted("the body of receptive_field")
        whole = whole_number(answer)
        if whole == expected:
            continue
        call = f"receptive_field({kernel_sizes}, {strides})"
        for mistake, hint in mistakes:
            if whole is not None and whole == mistake(kernel_sizes, strides):
                return not_yet(f"{call} returned {answer!r}, not {expected}.", hint)
        return not_yet(
            f"{call} returned {answer!r}, but one unit of the last layer sees "
            f"{expected}x{expected} input pixels.",
            "start from 1 pixel and a jump of 1; for each layer add "
            "(k - 1) * jump, then multiply the jump by the layer's stride.",
        )
    return correct(
        "Your formula gives the receptive field of every stack tried, with and "
        "without strides."
    )


def _measure_dilated(layer: Any, side: int = 64) -> dict[str, int]:
    """The learner's layer, rebuilt on a grey image with a kernel of ones, measured."""
    import tensorflow as tf

    clone = type(layer).from_config(layer.get_config())
    clone.build((None, side, side, 1))
    weights = clone.get_weights()
    clone.set_weights([np.ones_like(weights[0])] + weights[1:])
    with tf.GradientTape() as tape:
        image = tf.zeros((1, side, side, 1))
        tape.watch(image)
        maps = clone(image)
        unit = maps[0, maps.shape[1] // 2, maps.shape[2] // 2, 0]
    gradient = tape.gradient(unit, image).numpy()[0, :, :, 0]
    rows = np.flatnonzero(np.abs(gradient).sum(axis=1))
    return dict(
        output_side=int(maps.shape[1]),
        parameters=int(clone.count_params()),
        field=int(rows[-1] - rows[0] + 1),
        pixels_read=int(np.count_nonzero(gradient)),
    )


@exercise_check
def check_dilation(layer, output_side, parameters, field, pixels_read) -> Feedback:
    """A 3x3 ``Conv2D`` whose units see 7x7 pixels, and four numbers measured on
    it. The check rebuilds the learner's layer on a 64 x 64 grey image and
    measures them itself. Chapter 5, exercise "Dilation"."""
    if type(layer).__name__ != "Conv2D" or not hasattr(layer, "get_config"):
        return not_yet(
            f"layer should be a keras.layers.Conv2D, but it is {type(layer).__name__}.",
            "create it with keras.layers.Conv2D(1, 3, dilation_rate=...).",
        )
    config = layer.get_config()
    if tuple(config["kernel_size"]) != (3, 3) or tuple(config["strides"]) != (1, 1):
        return not_yet(
            f"your layer has a {config['kernel_size']} kernel and strides "
            f"{config['strides']}; the experiment keeps a 3x3 kernel and stride 1.",
            "change only dilation_rate.",
        )
    measured = _measure_dilated(layer)
    answers = [output_side, parameters, field, pixels_read]
    for name, answer in zip(measured, answers, strict=True):
        if whole_number(answer) != measured[name]:
            return not_yet(
                f"{name} is {answer!r}, but your layer on the 64 x 64 cat gives "
                f"{measured[name]}.",
                "measure it on your own layer's output and gradient, as the task says.",
            )
    if measured["field"] != 7:
        return not_yet(
            f"your measurements are right, but one unit of your layer sees "
            f"{measured['field']}x{measured['field']} pixels, not 7x7.",
            "change dilation_rate and measure again.",
        )
    return correct(
        f"With dilation {config['dilation_rate'][0]} the 3x3 kernel spans 7x7 "
        f"pixels but reads only {measured['pixels_read']} of them, with "
        f"{measured['parameters']} parameters, the count of an undilated 3x3 "
        "layer: a wider view costs no weights, but it skips the pixels between."
    )
