"""Checks for the exercises of chapter 10, "What a CNN costs".

Each check prints a verdict and returns a :class:`~utils.checks.Feedback` (see
:mod:`utils.checks`). A wrong count is compared with the usual mistakes (a
forgotten bias or channel, 'same' read as 'valid', the size after the wrong
pooling layer) and the check names the one it recognises. The experiment's
check recomputes the learner's measurements from the sizes the learner chose.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from utils.checks import (
    Feedback,
    as_array,
    correct,
    exercise_check,
    not_yet,
    whole_pair,
)

__all__ = [
    "check_conv_layer_cost",
    "check_cost_growth",
    "check_read_out_cost",
]

# The second convolution of the chapter's CNN: Conv2D(32, 3, 'same') on 10 x 10 x 16.
_HEIGHT = _WIDTH = 10
_IN_CHANNELS = 16
_FILTERS = 32
_KERNEL = 3
_PARAMETERS = (_KERNEL * _KERNEL * _IN_CHANNELS + 1) * _FILTERS  # 4,640
_MULTIPLY_ADDS = _HEIGHT * _WIDTH * _FILTERS * _KERNEL * _KERNEL * _IN_CHANNELS


# --------------------------------------------------------------------------
# Exercise: the cost of the second convolution
# --------------------------------------------------------------------------


def _parameter_problem(parameters: int) -> tuple[str, str] | None:
    k2 = _KERNEL * _KERNEL
    known = {
        k2 * _IN_CHANNELS * _FILTERS: (
            "that counts the weights but not the biases.",
            "each of the 32 kernels has one bias as well.",
        ),
        (k2 + 1) * _FILTERS: (
            "that treats every kernel as 3 x 3.",
            "a kernel is as deep as its input: 3 x 3 x 16 weights.",
        ),
        k2 * _FILTERS: (
            "that treats every kernel as 3 x 3, without biases.",
            "a kernel is as deep as its input (3 x 3 x 16), plus one bias.",
        ),
        k2 * _IN_CHANNELS + 1: (
            "that is the count of a single kernel.",
            "the layer has 32 kernels.",
        ),
        (k2 * _IN_CHANNELS + 1) * _FILTERS * _HEIGHT * _WIDTH: (
            "that multiplies by the number of positions.",
            "parameters are shared: the same kernels are used at every position.",
        ),
    }
    return known.get(parameters)


def _multiply_add_problem(multiply_adds: int) -> tuple[str, str] | None:
    k2 = _KERNEL * _KERNEL
    known = {
        8 * 8 * _FILTERS * k2 * _IN_CHANNELS: (
            "that uses an 8 x 8 output, as 'valid' padding would give.",
            "with 'same' padding the output stays 10 x 10.",
        ),
        5 * 5 * _FILTERS * k2 * _IN_CHANNELS: (
            "that uses the 5 x 5 size after the next pooling layer.",
            "the convolution's own output is 10 x 10 x 32.",
        ),
        _HEIGHT * _WIDTH * k2 * _IN_CHANNELS: (
            "that is the cost of one kernel.",
            "there are 32 kernels, each applied at every position.",
        ),
        _HEIGHT * _WIDTH * _FILTERS * k2: (
            "that treats every kernel as 3 x 3.",
            "each dot product runs over 3 x 3 x 16 inputs.",
        ),
        _HEIGHT * _WIDTH * _PARAMETERS: (
            "that counts the bias as a multiply-add.",
            "a bias is one addition per output; count the kh x kw x C_in products.",
        ),
        _PARAMETERS: (
            "that is the number of parameters.",
            "each weight is used at every one of the 10 x 10 positions.",
        ),
    }
    return known.get(multiply_adds)


def _wrong_count(
    name: str, given: int, expected: int, problem_of, hint: str
) -> Feedback | None:
    """None if ``given`` is ``expected``; else a "not yet" that names the mistake
    ``problem_of(given)`` recognises (a pair: what is wrong, a hint), or ``hint``."""
    if given == expected:
        return None
    problem = problem_of(given)
    if problem:
        return not_yet(f"{name} = {given:,}: {problem[0]}", problem[1])
    return not_yet(f"{name} = {given:,} is not right.", hint)


@exercise_check
def check_conv_layer_cost(parameters: Any, multiply_adds: Any) -> Feedback:
    """Exercise "The cost of the second convolution": 4,640 and 460,800."""
    answers = whole_pair(
        (parameters, multiply_adds),
        ("parameters", "multiply_adds"),
        "write them as Python expressions, such as (3 * 3 + 1) * 8.",
    )
    if isinstance(answers, Feedback):
        return answers
    count, macs = answers
    wrong = _wrong_count(
        "parameters",
        count,
        _PARAMETERS,
        _parameter_problem,
        "(kernel height x kernel width x input channels + 1) x filters.",
    ) or _wrong_count(
        "multiply_adds",
        macs,
        _MULTIPLY_ADDS,
        _multiply_add_problem,
        "output height x output width x filters x (kernel height x kernel "
        "width x input channels).",
    )
    if wrong:
        return wrong
    return correct(
        f"{_PARAMETERS:,} parameters and {_MULTIPLY_ADDS:,} multiply-adds: "
        "each weight is used 100 times per image, once per position."
    )


# --------------------------------------------------------------------------
# Exercise: the read-out of a big picture
# --------------------------------------------------------------------------

# The CNN on 224 x 224 x 3: two 2 x 2 poolings leave 56 x 56 x 32 for Dense(10).
_BIG_SIDE = 224
_CLASSES = 10
_FLATTEN_PARAMETERS = ((_BIG_SIDE // 4) ** 2 * _FILTERS + 1) * _CLASSES  # 1,003,530
_GLOBAL_MAX_PARAMETERS = (_FILTERS + 1) * _CLASSES  # 330


def _flatten_problem(count: int) -> tuple[str, str] | None:
    side = _BIG_SIDE // 4
    known = {
        side * side * _FILTERS * _CLASSES: (
            "that counts the weights but not the biases.",
            "each of the 10 units has one bias as well.",
        ),
        ((_BIG_SIDE // 2) ** 2 * _FILTERS + 1) * _CLASSES: (
            "that reads the maps after the first pooling only (112 x 112).",
            "there are two pooling layers before Flatten: 224 / 2 / 2 = 56.",
        ),
        (_BIG_SIDE**2 * _FILTERS + 1) * _CLASSES: (
            "that reads full-size maps, as if there were no pooling.",
            "two 2 x 2 poolings leave 56 x 56 cells.",
        ),
        (side * side * 3 + 1) * _CLASSES: (
            "that uses the 3 colour channels of the input.",
            "Flatten reads the last convolution's 32 feature maps.",
        ),
        side * side * _FILTERS: (
            "that is the length of the flattened volume.",
            "the Dense layer has 10 units, one per class.",
        ),
        side * side * _FILTERS + 1: (
            "that is the count for a single unit.",
            "the Dense layer has 10 units, one per class.",
        ),
    }
    return known.get(count)


def _global_max_problem(count: int) -> tuple[str, str] | None:
    known = {
        _FILTERS * _CLASSES: (
            "that counts the weights but not the biases.",
            "each of the 10 units has one bias as well.",
        ),
        _FILTERS + 1: (
            "that is the count for a single unit.",
            "the Dense layer has 10 units, one per class.",
        ),
        _FLATTEN_PARAMETERS: (
            "that is the Flatten read-out's count.",
            "a global max keeps one number per feature map, wherever it is.",
        ),
    }
    return known.get(count)


@exercise_check
def check_read_out_cost(
    flatten_parameters: Any, global_max_parameters: Any
) -> Feedback:
    """Exercise "The read-out of a big picture": 1,003,530 and 330."""
    answers = whole_pair(
        (flatten_parameters, global_max_parameters),
        ("flatten_parameters", "global_max_parameters"),
        "write them as Python expressions, such as (4 * 4 * 8 + 1) * 10.",
    )
    if isinstance(answers, Feedback):
        return answers
    flat, pooled = answers
    wrong = _wrong_count(
        "flatten_parameters",
        flat,
        _FLATTEN_PARAMETERS,
        _flatten_problem,
        "(values Flatten passes on + 1) x 10; find the size of the maps after "
        "the second pooling.",
    ) or _wrong_count(
        "global_max_parameters",
        pooled,
        _GLOBAL_MAX_PARAMETERS,
        _global_max_problem,
        "a global max read-out passes on one number per feature map: 32.",
    )
    if wrong:
        return wrong
    return correct(
        f"{_FLATTEN_PARAMETERS:,} against {_GLOBAL_MAX_PARAMETERS}: the Flatten "
        "read-out's weights grow with the picture, the global read-out's do not."
    )


# --------------------------------------------------------------------------
# Exercise (experiment): the cost of a bigger picture
# --------------------------------------------------------------------------

# The chapter's CNN on a side x side x 1 picture, for one image: the layers'
# parameters, and the multiply-adds of the convolutions and the Dense layer.
# The first convolution: 16 kernels of 3 x 3 x 1, whose maps are the second's input.
_CONV_PARAMETERS = (_KERNEL * _KERNEL * 1 + 1) * _IN_CHANNELS + _PARAMETERS  # 4,800


def _costs(sides: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    pooled = sides // 2  # after the first 2 x 2 pooling (Keras rounds down)
    read = pooled // 2  # after the second
    dense_inputs = read**2 * _FILTERS
    parameters = _CONV_PARAMETERS + (dense_inputs + 1) * _CLASSES
    k2 = _KERNEL * _KERNEL
    convolutions = (
        sides**2 * _IN_CHANNELS * k2 + pooled**2 * _FILTERS * k2 * _IN_CHANNELS
    )
    return parameters, convolutions + dense_inputs * _CLASSES


@exercise_check
def check_cost_growth(sizes: Any, parameters: Any, multiply_adds: Any) -> Feedback:
    """Exercise "Experiment: the cost of a bigger picture"."""
    sides = as_array(sizes)
    if (
        sides is None
        or sides.ndim != 1
        or not np.all(sides == np.round(sides))
        or len(set(sides.tolist())) < 3
        or sides.min() < 4
        or sides.max() > 512
    ):
        return not_yet(
            "sizes must be at least three different whole numbers of pixels, "
            "from 4 to 512.",
            "for example [20, 40, 80, 160].",
        )
    sides = sides.astype(np.int64)
    expected_parameters, expected_work = _costs(sides)
    given = [as_array(value) for value in (parameters, multiply_adds)]
    if any(array is None or array.shape != sides.shape for array in given):
        return not_yet(
            f"parameters and multiply_adds must hold one number per size "
            f"({len(sides)} each).",
            "append cost_summary(network)[0] and [1] for each size, in order.",
        )
    counted, work = given
    if np.array_equal(counted, expected_work) and np.array_equal(
        work, expected_parameters
    ):
        return not_yet(
            "the two lists are swapped.",
            "cost_summary returns parameters first, then multiply-adds.",
        )
    if not np.array_equal(counted, expected_parameters):
        if np.all(counted == counted[0]):
            return not_yet(
                "your parameter counts are the same at every size.",
                "build a new network for each size, with "
                "build_cnn(input_shape=(side, side, 1)).",
            )
        return not_yet(
            "the parameter counts are not those of the chapter's CNN at these sizes.",
            "measure each network with cost_summary(network)[0].",
        )
    if not np.array_equal(work, expected_work):
        dense = (sides // 4) ** 2 * _FILTERS * _CLASSES
        if np.array_equal(work, expected_work - dense):
            return not_yet(
                "those multiply-adds leave out the Dense layer.",
                "measure each network with cost_summary(network)[1].",
            )
        return not_yet(
            "the multiply-adds are not those of the chapter's CNN at these sizes.",
            "measure each network with cost_summary(network)[1].",
        )
    return correct(
        "these are the network's costs. Compare how each grows with the number "
        "of pixels, and find which layer's parameters grow."
    )
