"""Checks for the exercises of chapter 7, "Training a CNN, and its strengths and
weaknesses measured".

Each check prints a verdict and returns a :class:`~utils.checks.Feedback` (see
:mod:`utils.checks`). A wrong answer is compared with the usual mistakes (a
forgotten bias or channel, 'same' read as 'valid', ``np.roll`` instead of a shift,
precision instead of recall) and the check names the one it recognises.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from utils.checks import (
    Feedback,
    close_enough,
    correct,
    exercise_check,
    not_attempted,
    not_yet,
    whole_number,
)

__all__ = [
    "EXERCISE_CONFUSION_MATRIX",
    "check_confusion_metrics",
    "check_conv_layer_cost",
    "check_invariance_statements",
    "check_shift_digit",
]

#: The confusion matrix of the exercise "Reading a confusion matrix"
#: (rows: true class, columns: predicted class).
EXERCISE_CONFUSION_MATRIX = np.array(
    [
        [48, 5, 2],
        [7, 36, 7],
        [1, 10, 24],
    ]
)

# The second convolution of the chapter's CNN: Conv2D(32, 3, 'same') on 10 x 10 x 16.
_HEIGHT = _WIDTH = 10
_IN_CHANNELS = 16
_FILTERS = 32
_KERNEL = 3
_PARAMETERS = (_KERNEL * _KERNEL * _IN_CHANNELS + 1) * _FILTERS  # 4,640
_MULTIPLY_ADDS = _HEIGHT * _WIDTH * _FILTERS * _KERNEL * _KERNEL * _IN_CHANNELS

_TRUE_STATEMENTS = frozenset({"a", "d"})
_STATEMENT_HINTS = {
    "a": (
        "a convolution applies the same kernel at every position, so a shifted "
        "input gives the same responses, shifted: it is equivariant."
    ),
    "b": (
        "pooling keeps exact equivariance only for shifts by whole windows and "
        "adds a little invariance to shifts of a pixel or so, not to any shift; "
        "look at the shift curve of the plain CNN."
    ),
    "c": (
        "nothing in convolution or pooling knows about rotation; look at the "
        "rotation curve of the plain CNN at 45 degrees."
    ),
    "d": (
        "augmentation shows the network rotated copies, so it learns that they "
        "keep their label, within the range of angles it was shown."
    ),
    "e": (
        "every weight of a dense layer belongs to one position of the flattened "
        "maps, so moving a feature changes which weights it meets."
    ),
}


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, np.generic | np.ndarray) and np.ndim(value) == 0:
        value = value.item()
    if isinstance(value, numbers.Real) and np.isfinite(value):
        return float(value)
    return None


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


@exercise_check
def check_conv_layer_cost(parameters: Any, multiply_adds: Any) -> Feedback:
    """Exercise "The cost of the second convolution": 4,640 and 460,800."""
    count = whole_number(parameters)
    macs = whole_number(multiply_adds)
    if count is None or macs is None:
        return not_yet(
            "both answers must be whole numbers.",
            "write them as Python expressions, such as (3 * 3 + 1) * 8.",
        )
    if count != _PARAMETERS:
        problem = _parameter_problem(count)
        if problem:
            return not_yet(f"parameters = {count:,}: {problem[0]}", problem[1])
        return not_yet(
            f"parameters = {count:,} is not right.",
            "(kernel height x kernel width x input channels + 1) x filters.",
        )
    if macs != _MULTIPLY_ADDS:
        problem = _multiply_add_problem(macs)
        if problem:
            return not_yet(f"multiply_adds = {macs:,}: {problem[0]}", problem[1])
        return not_yet(
            f"multiply_adds = {macs:,} is not right.",
            "output height x output width x filters x (kernel height x kernel "
            "width x input channels).",
        )
    return correct(
        f"{_PARAMETERS:,} parameters and {_MULTIPLY_ADDS:,} multiply-adds: "
        "each weight is used 100 times per image, once per position."
    )


# --------------------------------------------------------------------------
# Exercise: shift a digit
# --------------------------------------------------------------------------


def _reference_shift(image: np.ndarray, rows: int, columns: int) -> np.ndarray:
    # Whole-pixel shifts are exact copies of pixels with zero fill (tested in
    # tests/test_cnn_experiments.py against a slicing reference).
    from utils.cnn_experiments import shift_images

    return shift_images(image, rows, columns, order=0)


#: (rows, columns) shifts the check tries, chosen so that each typical mistake
#: shows up (wrong sign, swapped axes, wrapping, a shift past the frame).
_SHIFT_CASES = [
    (0, 0),
    (1, 0),
    (0, 2),
    (-2, 0),
    (0, -1),
    (2, -3),
    (-1, 2),
    (5, 0),
    (0, -7),
]


@exercise_check
def check_shift_digit(shift_digit: Callable) -> Feedback:
    """Exercise "Shift a digit, without wrapping"."""
    if not callable(shift_digit):
        return not_yet(
            "shift_digit must be a function (define it with def).",
            "def shift_digit(image, rows, columns): ...",
        )
    image = np.arange(1.0, 31.0).reshape(5, 6)
    original = image.copy()
    outputs = {}
    for rows, columns in _SHIFT_CASES:
        result = shift_digit(image, rows, columns)
        if not np.array_equal(image, original):
            return not_yet(
                "shift_digit changed the image it was given.",
                "start from a new array, such as np.zeros_like(image), and fill it.",
            )
        if result is None:
            return not_yet(
                "shift_digit returned None.",
                "end the function with return shifted.",
            )
        result = np.asarray(result, dtype=float)
        if result.shape != image.shape:
            return not_yet(
                f"for a {image.shape} image, shift_digit returned shape {result.shape}.",
                "the shifted image keeps the frame: same shape as the input.",
            )
        outputs[rows, columns] = result
    if all(not result.any() for result in outputs.values()):
        return not_attempted("the exercise 'shift digit' (it returns only zeros)")
    for (rows, columns), result in outputs.items():
        expected = _reference_shift(image, rows, columns)
        if np.array_equal(result, expected):
            continue
        what = f"shift_digit(image, {rows}, {columns})"
        if np.array_equal(result, np.roll(image, (rows, columns), axis=(0, 1))):
            return not_yet(
                f"{what} wraps the pixels that leave one side around to the other, "
                "as np.roll does.",
                "uncovered pixels must be 0: copy only the part that stays in the frame.",
            )
        if np.array_equal(result, _reference_shift(image, -rows, -columns)):
            return not_yet(
                f"{what} moves the picture the wrong way.",
                "positive rows move it down (to larger row indices), positive "
                "columns to the right.",
            )
        if np.array_equal(result, _reference_shift(image, columns, rows)):
            return not_yet(
                f"{what} swaps rows and columns.",
                "rows is along axis 0 (down), columns along axis 1 (right).",
            )
        if (rows, columns) == (0, 0):
            return not_yet(
                "shift_digit(image, 0, 0) should return a copy of the image.",
                "a shift by nothing changes nothing.",
            )
        return not_yet(
            f"{what} does not give the expected image.",
            "try it on np.arange(1, 31).reshape(5, 6) and compare by eye.",
        )
    return correct(
        "the picture moves, the frame stays, and nothing wraps around. Random "
        "shifts like these, every epoch, are shift augmentation."
    )


# --------------------------------------------------------------------------
# Exercise: reading a confusion matrix
# --------------------------------------------------------------------------


@exercise_check
def check_confusion_metrics(accuracy: Any, recalls: Any) -> Feedback:
    """Exercise "Reading a confusion matrix"."""
    matrix = EXERCISE_CONFUSION_MATRIX.astype(float)
    expected_accuracy = np.trace(matrix) / matrix.sum()
    expected_recalls = np.diag(matrix) / matrix.sum(axis=1)
    value = _as_number(accuracy)
    if value is None:
        return not_yet(
            "accuracy must be one number.",
            "np.trace(matrix) / matrix.sum() gives one number.",
        )
    if not np.isclose(value, expected_accuracy, atol=1e-3):
        if np.isclose(value, np.trace(matrix)):
            return not_yet(
                "that is the number of correct answers.",
                "divide it by the number of examples, matrix.sum().",
            )
        if np.isclose(value, 100 * expected_accuracy, atol=0.1):
            return not_yet(
                "that looks like a percentage.",
                "give the accuracy as a fraction between 0 and 1.",
            )
        if np.isclose(value, expected_recalls.mean(), atol=1e-3):
            return not_yet(
                "that is the average of the three recalls (the balanced accuracy).",
                "accuracy counts every example once: all correct answers over all "
                "examples.",
            )
        return not_yet(
            f"accuracy = {value:.4g} is not right.",
            "the correct answers are on the diagonal.",
        )
    try:
        recall_array = np.asarray(recalls, dtype=float)
    except (TypeError, ValueError):
        return not_yet("recalls must be three numbers.", "one per class, in order.")
    if recall_array.shape != (3,):
        return not_yet(
            f"recalls must hold three numbers, one per class, not shape "
            f"{recall_array.shape}.",
            "np.diag(matrix) / matrix.sum(axis=1) gives one per row.",
        )
    if close_enough(recall_array, expected_recalls, atol=1e-3):
        return correct(
            f"accuracy {expected_accuracy:.3f}; recalls "
            + ", ".join(f"{r:.3f}" for r in expected_recalls)
            + ". Class 2 is found least often."
        )
    if close_enough(recall_array, np.diag(matrix) / matrix.sum(axis=0), atol=1e-3):
        return not_yet(
            "those are the precisions: you divided by the column sums.",
            "recall divides by the number of examples of the true class, the row sum.",
        )
    if close_enough(recall_array, np.diag(matrix), atol=1e-3):
        return not_yet(
            "those are counts of correct answers.",
            "divide each by the number of examples of its class.",
        )
    return not_yet(
        "the recalls are not right.",
        "for class k: matrix[k, k] / (sum of row k).",
    )


# --------------------------------------------------------------------------
# Exercise: equivariant, invariant, or neither?
# --------------------------------------------------------------------------


def _as_letters(answer: Any) -> set[str] | None:
    if isinstance(answer, str):
        items = [part for part in answer.replace(",", " ").split() if part]
        if len(items) == 1 and len(items[0]) > 1:
            items = list(items[0])
    elif isinstance(answer, set | frozenset | list | tuple):
        items = list(answer)
    else:
        return None
    letters = set()
    for item in items:
        if not isinstance(item, str):
            return None
        letters.add(item.strip().strip(".").lower())
    return letters


@exercise_check
def check_invariance_statements(true_statements: Any) -> Feedback:
    """Exercise "Equivariant, invariant, or neither?": statements a and d."""
    letters = _as_letters(true_statements)
    if letters is None:
        return not_yet(
            "give the letters of the true statements as a set of strings.",
            'for example {"a", "b"}.',
        )
    unknown = sorted(letters - set(_STATEMENT_HINTS))
    if unknown:
        return not_yet(
            f"there is no statement {', '.join(unknown)}.",
            "choose among a, b, c, d and e.",
        )
    wrongly_included = sorted(letters - _TRUE_STATEMENTS)
    if wrongly_included:
        letter = wrongly_included[0]
        return not_yet(
            f"statement {letter} is false.",
            _STATEMENT_HINTS[letter],
        )
    missing = sorted(_TRUE_STATEMENTS - letters)
    if missing:
        letter = missing[0]
        return not_yet(
            f"statement {letter} is true as well.",
            _STATEMENT_HINTS[letter],
        )
    return correct(
        "convolutions are equivariant, and robustness beyond that comes from the "
        "data the network is shown."
    )
