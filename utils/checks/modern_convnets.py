"""Checks for the exercises of chapter 11, "Modern ConvNets".

Each check prints a verdict and returns a :class:`~utils.checks.Feedback`
(see :mod:`utils.checks`). Numbers are read with the shared readers, so 133888,
133888.0 and ``np.int64(133888)`` are the same answer. A hint names a mistake
only when the answer equals what that mistake gives.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from utils.checks import (
    Feedback,
    correct,
    exercise_check,
    not_yet,
    returned_array,
    whole_pair,
)

__all__ = [
    "SEPARABLE_LAYER",
    "check_input_gradient",
    "check_separable_cost",
    "check_separable_swap",
]


# --------------------------------------------------------------------------
# Exercise 1: the cost of a depthwise-separable layer
# --------------------------------------------------------------------------

#: The layer of exercise 1: a 3 x 3 SeparableConv2D, 'same', 14 x 14 x 256 -> 512.
SEPARABLE_LAYER = {"size": 14, "kernel_size": 3, "in_channels": 256, "filters": 512}


def _separable_numbers() -> dict[str, int]:
    hw = SEPARABLE_LAYER["size"] ** 2
    k2 = SEPARABLE_LAYER["kernel_size"] ** 2
    c_in, c_out = SEPARABLE_LAYER["in_channels"], SEPARABLE_LAYER["filters"]
    return {
        "parameters": k2 * c_in + c_in * c_out + c_out,
        "multiply_adds": hw * (k2 * c_in + c_in * c_out),
        "standard_parameters": k2 * c_in * c_out + c_out,
        "standard_multiply_adds": hw * k2 * c_in * c_out,
        "no_bias": k2 * c_in + c_in * c_out,
        "two_biases": k2 * c_in + c_in + c_in * c_out + c_out,
        "pointwise_only": c_in * c_out + c_out,
        "pointwise_work_only": hw * c_in * c_out,
        "depthwise_work_only": hw * k2 * c_in,
        "per_position": k2 * c_in + c_in * c_out,
    }


@exercise_check
def check_separable_cost(parameters: Any, multiply_adds: Any) -> Feedback:
    """Check the parameters and multiply-adds of exercise 1's separable layer.

    ``SeparableConv2D(512, 3, padding="same")`` on a 14 x 14 x 256 volume has
    ``3*3*256 + 256*512 + 512`` parameters (Keras gives it one bias per output
    channel) and does ``14*14*(3*3*256 + 256*512)`` multiply-adds per image.

    Chapter 11, exercise "The cost of a separable layer".
    """
    numbers = _separable_numbers()
    answers = whole_pair(
        (parameters, multiply_adds),
        ("parameters", "multiply_adds"),
        "write each as an expression of the layer's sizes, such as 3 * 3 * 256.",
    )
    if isinstance(answers, Feedback):
        return answers
    parameter_answer, work_answer = answers
    if parameter_answer != numbers["parameters"]:
        mistakes = {
            numbers["standard_parameters"]: "that is the count of a standard 3 x 3 "
            "Conv2D; the separable layer has a depthwise and a pointwise part.",
            numbers[
                "no_bias"
            ]: "Keras's SeparableConv2D has a bias per output channel.",
            numbers["two_biases"]: "Keras's SeparableConv2D has biases only after the "
            "pointwise step, one per output channel, none on the depthwise step.",
            numbers[
                "pointwise_only"
            ]: "add the depthwise kernels: one 3 x 3 kernel per input channel.",
        }
        return not_yet(
            f"{parameter_answer:,} is not the separable layer's number of parameters.",
            mistakes.get(
                parameter_answer,
                "add the depthwise weights (k x k per input channel), the pointwise "
                "weights (input channels x filters) and one bias per filter.",
            ),
        )
    if work_answer != numbers["multiply_adds"]:
        mistakes = {
            numbers["standard_multiply_adds"]: "that is the work of a standard 3 x 3 "
            "Conv2D, not of the separable one.",
            numbers["per_position"]: "that is the work at one position; 'same' padding "
            "keeps 14 x 14 positions.",
            numbers["pointwise_work_only"]: "add the depthwise step's work.",
            numbers["depthwise_work_only"]: "add the pointwise step's work.",
        }
        return not_yet(
            f"{work_answer:,} is not the separable layer's number of multiply-adds.",
            mistakes.get(
                work_answer,
                "at each of the 14 x 14 positions: k x k per input channel for the "
                "depthwise step, plus input channels x filters for the pointwise step.",
            ),
        )
    ratio = numbers["multiply_adds"] / numbers["standard_multiply_adds"]
    return correct(
        f"The separable layer does {ratio:.3f} of a standard 3 x 3 layer's work, "
        "1/512 + 1/9."
    )


# --------------------------------------------------------------------------
# Exercise 2: the input gradient of a strided convolution
# --------------------------------------------------------------------------


def _scatter_gradient(upstream, kernel, stride, input_shape):
    """dL/dX by the definition: each output sends its gradient back to its window."""
    gradient = np.zeros(input_shape)
    k_h, k_w = kernel.shape
    for i in range(upstream.shape[0]):
        for j in range(upstream.shape[1]):
            rows = slice(i * stride, i * stride + k_h)
            cols = slice(j * stride, j * stride + k_w)
            gradient[rows, cols] += upstream[i, j] * kernel
    return gradient


def _gradient_cases() -> list[tuple[np.ndarray, np.ndarray, int, tuple[int, int]]]:
    """Fresh random cases: strides 1 to 3, square and not, sizes the stride leaves
    uncovered rows and columns in (their gradient is 0)."""
    generator = np.random.default_rng()
    cases = []
    for (k_h, k_w), stride, (height, width) in [
        ((3, 3), 1, (6, 7)),
        ((3, 2), 2, (7, 9)),
        ((3, 3), 2, (8, 8)),  # the last row and column are never read
        ((2, 3), 3, (9, 10)),
        ((4, 4), 2, (11, 9)),
    ]:
        out_h, out_w = (height - k_h) // stride + 1, (width - k_w) // stride + 1
        kernel = generator.integers(-3, 4, size=(k_h, k_w)).astype(float)
        kernel[0, 0] = 4.0  # never symmetric under a flip
        upstream = generator.integers(-3, 4, size=(out_h, out_w)).astype(float)
        cases.append((upstream, kernel, stride, (height, width)))
    return cases


@exercise_check
def check_input_gradient(input_gradient: Callable[..., Any]) -> Feedback:
    """Check ``input_gradient(upstream, kernel, stride, input_shape)``.

    For a one-channel 'valid' convolution ``Y = conv2d(X, kernel, stride)``, the
    function returns dL/dX, of shape ``input_shape``, from dL/dY = ``upstream``.
    It is compared with the definition (every output adds ``upstream[i, j] *
    kernel`` to the window it read) on random cases with strides 1 to 3.

    Chapter 11, exercise "The input gradient of a strided convolution".
    """
    for upstream, kernel, stride, input_shape in _gradient_cases():
        expected = _scatter_gradient(upstream, kernel, stride, input_shape)
        case = (
            f"a {kernel.shape[0]} x {kernel.shape[1]} kernel, stride {stride} and a "
            f"{input_shape[0]} x {input_shape[1]} input"
        )
        array = returned_array(
            input_gradient,
            upstream.copy(),
            kernel.copy(),
            stride,
            input_shape,
            name="input_gradient",
            case=case,
            hint="return a NumPy array of shape input_shape.",
        )
        if isinstance(array, Feedback):
            return array
        if array.shape != expected.shape:
            return not_yet(
                f"for {case} your gradient has shape {array.shape}; it must have the "
                f"input's shape, {expected.shape}.",
                "rows and columns that no window reads get a gradient of 0: pad the "
                "result at the bottom and right up to input_shape.",
            )
        if np.allclose(array, expected):
            continue
        unflipped = _scatter_gradient(upstream, kernel[::-1, ::-1], stride, input_shape)
        if np.allclose(array, unflipped):
            return not_yet(
                f"for {case} your gradient is what an unflipped kernel gives.",
                "in the full correlation the kernel is flipped: kernel[::-1, ::-1].",
            )
        return not_yet(
            f"for {case} your gradient has the right shape but wrong values "
            f"(largest difference {np.max(np.abs(array - expected)):.3g}).",
            "with stride s, put s - 1 zeros between neighbouring values of upstream "
            "before the full correlation; check a stride-1 case first.",
        )
    return correct(
        "Your gradient matches the definition for strides 1 to 3, including rows "
        "and columns no window reads."
    )


# --------------------------------------------------------------------------
# Exercise 3 (an experiment): swap a Conv2D for a SeparableConv2D
# --------------------------------------------------------------------------


def _layer_cost(layer) -> tuple[int, int]:
    """(parameters, multiply-adds per image) of one Keras layer, from its shapes."""
    import keras

    if isinstance(layer, keras.layers.SeparableConv2D):
        h_out, w_out, c_out = layer.output.shape[1:]
        k_h, k_w = layer.kernel_size
        c_in = layer.input.shape[-1]
        work = h_out * w_out * (k_h * k_w * c_in + c_in * c_out)
    elif isinstance(layer, keras.layers.Conv2D):
        h_out, w_out, c_out = layer.output.shape[1:]
        work = h_out * w_out * int(np.prod(layer.kernel.shape))
    elif isinstance(layer, keras.layers.Dense):
        work = int(np.prod(layer.kernel.shape))
    else:
        work = 0
    return layer.count_params(), int(work)


#: The original network of exercise 3, as (kind, filters or units) per weighted layer.
_ORIGINAL = (("Conv2D", 16), ("Conv2D", 32), ("Dense", 5))
_ORIGINAL_PARAMETERS = (9 * 1 + 1) * 16 + (9 * 16 + 1) * 32 + (128 + 1) * 5
_ORIGINAL_MULTIPLY_ADDS = 8 * 8 * 16 * 9 + 4 * 4 * 32 * 9 * 16 + 128 * 5


@exercise_check
def check_separable_swap(
    separable_model: Any, parameters_saved: Any, multiply_adds_saved: Any
) -> Feedback:
    """Check the experiment of exercise 3, from the learner's own model.

    ``separable_model`` must be the chapter's 8 x 8 digit network with its second
    convolution, ``Conv2D(32, 3, padding="same")``, replaced by
    ``SeparableConv2D(32, 3, padding="same")``. The savings the learner measured
    are recomputed from ``separable_model``'s layers and compared with the
    original network's counts.

    Chapter 11, exercise "Swap a convolution for a separable one".
    """
    import keras

    if not isinstance(separable_model, keras.Model):
        return not_yet(
            f"separable_model should be a Keras model, not "
            f"{type(separable_model).__name__}.",
            "build it like build_digit_convnet, with keras.Sequential([...]).",
        )
    weighted = [layer for layer in separable_model.layers if layer.weights]
    kinds = tuple(type(layer).__name__ for layer in weighted)
    if kinds == ("SeparableConv2D", "Conv2D", "Dense"):
        return not_yet(
            "your model makes the first convolution separable.",
            "the exercise swaps the second one, Conv2D(32, 3): the first sees one "
            "channel, where a separable layer saves almost nothing.",
        )
    if kinds != ("Conv2D", "SeparableConv2D", "Dense"):
        return not_yet(
            f"your model's layers with weights are {', '.join(kinds) or 'none'}; "
            "they should be Conv2D, SeparableConv2D, Dense.",
            "copy build_digit_convnet and change only the second convolution.",
        )
    sizes = (weighted[0].filters, weighted[1].filters, weighted[2].units)
    if (
        sizes != tuple(size for _, size in _ORIGINAL)
        or tuple(weighted[1].kernel_size) != (3, 3)
        or weighted[1].padding != "same"
        or tuple(separable_model.input_shape[1:]) != (8, 8, 1)
    ):
        return not_yet(
            "your model is not the digit network with only its second convolution "
            "changed: check the input shape, the filters, the 3 x 3 kernel and "
            "padding='same'.",
            'use keras.layers.SeparableConv2D(32, 3, padding="same", '
            'activation="relu").',
        )
    costs = [_layer_cost(layer) for layer in separable_model.layers]
    parameters = sum(cost[0] for cost in costs)
    work = sum(cost[1] for cost in costs)
    parameters_expected = _ORIGINAL_PARAMETERS - parameters
    work_expected = _ORIGINAL_MULTIPLY_ADDS - work
    answers = whole_pair(
        (parameters_saved, multiply_adds_saved),
        ("parameters_saved", "multiply_adds_saved"),
        "subtract the separable model's count from the original model's.",
    )
    if isinstance(answers, Feedback):
        return answers
    parameters_answer, work_answer = answers
    if parameters_answer != parameters_expected:
        hint = "original model's count_params() minus separable_model's."
        if parameters_answer == -parameters_expected:
            hint = "you subtracted the wrong way round: original minus separable."
        return not_yet(
            f"{parameters_answer:,} is not what your model saves in parameters.", hint
        )
    separable_skipped = _ORIGINAL_MULTIPLY_ADDS - (work - _layer_cost(weighted[1])[1])
    if work_answer != work_expected:
        hint = (
            "count both models with the same rule, layer by layer, and subtract the "
            "separable model's total from the original's."
        )
        if work_answer == separable_skipped:
            hint = (
                "count_multiply_adds skips layers it does not know, and "
                "SeparableConv2D is not a Conv2D in Keras: add its term, "
                "H_out W_out (k k C_in + C_in C_out)."
            )
        elif work_answer == -work_expected:
            hint = "you subtracted the wrong way round: original minus separable."
        return not_yet(
            f"{work_answer:,} is not what your model saves in multiply-adds.", hint
        )
    return correct(
        f"Swapping one layer saves {parameters_expected:,} of "
        f"{_ORIGINAL_PARAMETERS:,} parameters and {work_expected:,} of "
        f"{_ORIGINAL_MULTIPLY_ADDS:,} multiply-adds, measured on your model."
    )
