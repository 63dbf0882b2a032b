"""Checks for the exercises of chapter 8, "Training a CNN, and its strengths and
weaknesses measured".

Each check prints a verdict and returns a :class:`~utils.checks.Feedback` (see
:mod:`utils.checks`). A wrong answer is compared with the usual mistakes (a
forgotten bias or channel, 'same' read as 'valid', ``np.roll`` instead of a shift,
precision instead of recall) and the check names the one it recognises.

Answers are read with the shared readers of :mod:`utils.checks` (a number may be
an int, a float, a NumPy scalar or a one-element array or tensor). The checks'
reference data are private and read-only; the learner gets copies.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from utils.checks import (
    Feedback,
    answer_digest,
    as_array,
    as_number,
    as_words,
    close_enough,
    correct,
    exercise_check,
    hidden_inputs,
    not_attempted,
    not_yet,
    whole_number,
)

__all__ = [
    "check_confusion_metrics",
    "check_conv_layer_cost",
    "check_invariance_statements",
    "check_shift_digit",
    "exercise_confusion_matrix",
]

# The confusion matrix of the exercise "Reading a confusion matrix" (rows: true
# class, columns: predicted class). Read-only: the check computes its reference
# from it, and the learner works on a copy (exercise_confusion_matrix()).
_CONFUSION_MATRIX = np.array(
    [
        [48, 5, 2],
        [7, 36, 7],
        [1, 10, 24],
    ]
)
_CONFUSION_MATRIX.setflags(write=False)


def exercise_confusion_matrix() -> np.ndarray:
    """A fresh copy of the exercise's confusion matrix, the learner's to change."""
    return _CONFUSION_MATRIX.copy()


# The second convolution of the chapter's CNN: Conv2D(32, 3, 'same') on 10 x 10 x 16.
_HEIGHT = _WIDTH = 10
_IN_CHANNELS = 16
_FILTERS = 32
_KERNEL = 3
_PARAMETERS = (_KERNEL * _KERNEL * _IN_CHANNELS + 1) * _FILTERS  # 4,640
_MULTIPLY_ADDS = _HEIGHT * _WIDTH * _FILTERS * _KERNEL * _KERNEL * _IN_CHANNELS

#: Digests (utils.checks.answer_digest) of the letters of the true statements.
_TRUE_STATEMENTS = frozenset({"bd4a48e5d86093d32b441a15", "98480eb7948c48f952c7d640"})
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
    """``image`` moved ``rows`` down and ``columns`` right, zero fill, no wrap."""
    height, width = image.shape
    shifted = np.zeros_like(image)
    if abs(rows) < height and abs(columns) < width:
        shifted[
            max(rows, 0) : height + min(rows, 0),
            max(columns, 0) : width + min(columns, 0),
        ] = image[
            max(-rows, 0) : height + min(-rows, 0),
            max(-columns, 0) : width + min(-columns, 0),
        ]
    return shifted


#: The test image of the shift check (read-only: each call gets a copy).
_SHIFT_IMAGE = np.arange(1.0, 31.0).reshape(5, 6)
_SHIFT_IMAGE.setflags(write=False)


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
    image, cases = _SHIFT_IMAGE, list(_SHIFT_CASES)
    if (hidden := hidden_inputs()) is not None:  # a graded run's unseen inputs
        image = hidden.integers(1, 10, size=hidden.integers(4, 9, size=2)) * 1.0
        image.setflags(write=False)
        cases += [
            tuple(int(n) for n in hidden.integers(-6, 7, size=2)) for _ in "abcdef"
        ]
    outputs = {}
    for rows, columns in cases:
        given = image.copy()
        result = shift_digit(given, rows, columns)
        if not np.array_equal(given, image):
            return not_yet(
                "shift_digit changed the image it was given.",
                "start from a new array, such as np.zeros_like(image), and fill it.",
            )
        if result is None:
            return not_yet(
                "shift_digit returned None.",
                "end the function with return shifted.",
            )
        result = as_array(result)
        if result is None:
            return not_yet(
                "shift_digit must return an image (an array of numbers).",
                "end the function with return shifted.",
            )
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
    matrix = _CONFUSION_MATRIX.astype(
        float
    )  # the check's own data, never the learner's
    expected_accuracy = np.trace(matrix) / matrix.sum()
    expected_recalls = np.diag(matrix) / matrix.sum(axis=1)
    value = as_number(accuracy)
    if value is None:
        return not_yet(
            "accuracy must be one number.",
            "the fraction of all examples that were classified correctly.",
        )
    if not np.isclose(value, expected_accuracy, atol=1e-3):
        if np.isclose(value, np.trace(matrix)):
            return not_yet(
                "that is the number of correct answers.",
                "accuracy is a fraction of all the examples.",
            )
        if np.isclose(value, 100 * expected_accuracy, atol=0.1):
            return not_yet(
                "that looks like a percentage.",
                "give the accuracy as a fraction between 0 and 1.",
            )
        if np.isclose(value, expected_recalls.mean(), atol=1e-3):
            return not_yet(
                "that is the average of the three recalls (the balanced accuracy).",
                "accuracy counts every example once.",
            )
        return not_yet(
            f"accuracy = {value:.4g} is not right.",
            "the correct answers are on the diagonal of the matrix.",
        )
    recall_array = as_array(recalls)
    if recall_array is None or recall_array.shape != (3,):
        shape = "" if recall_array is None else f", not shape {recall_array.shape}"
        return not_yet(
            f"recalls must hold three numbers, one per class{shape}.",
            "one recall per true class (row), in order.",
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
            "recall divides by the number of examples of the true class.",
        )
    if close_enough(recall_array, np.diag(matrix), atol=1e-3):
        return not_yet(
            "those are counts of correct answers.",
            "a recall is a fraction of the examples of one class.",
        )
    return not_yet(
        "the recalls are not right.",
        "each recall is about one true class: one row of the matrix.",
    )


# --------------------------------------------------------------------------
# Exercise: equivariant, invariant, or neither?
# --------------------------------------------------------------------------


def _as_letters(answer: Any) -> set[str] | None:
    """The letters named in a set, list or tuple of strings, or in one string."""
    if isinstance(answer, str):
        words = (as_words(answer) or "").split()
        words = [word for word in words if word != "and"]
        if len(words) == 1 and len(words[0]) > 1:
            words = list(words[0])  # "ad"
        return set(words)
    if not isinstance(answer, set | frozenset | list | tuple):
        return None
    letters = [as_words(item) for item in answer]
    if any(letter is None for letter in letters):
        return None
    return set(letters)


@exercise_check
def check_invariance_statements(true_statements: Any) -> Feedback:
    """Exercise "Equivariant, invariant, or neither?": the true statements."""
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
    true = {
        letter
        for letter in _STATEMENT_HINTS
        if answer_digest("ex-training-cnns-invariance", letter) in _TRUE_STATEMENTS
    }
    wrongly_included = sorted(letters - true)
    if wrongly_included:
        letter = wrongly_included[0]
        return not_yet(
            f"statement {letter} is false.",
            _STATEMENT_HINTS[letter],
        )
    missing = sorted(true - letters)
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
