"""Checks for the exercises of chapter 8, "Training a CNN".

Each check prints a verdict and returns a :class:`~utils.checks.Feedback` (see
:mod:`utils.checks`). A wrong answer is compared with the usual mistakes
(``np.roll`` instead of a shift, precision instead of recall, a percentage for a
fraction) and the check names the one it recognises.

Answers are read with the shared readers of :mod:`utils.checks` (a number may be
an int, a float, a NumPy scalar or a one-element array or tensor). The checks'
reference data are private and read-only; the learner gets copies. The
experiment's check recomputes the learner's measurement from the learner's
network, on the chapter's digits, which it loads and splits itself.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from utils.checks import (
    Feedback,
    as_array,
    as_number,
    close_enough,
    correct,
    exercise_check,
    hidden_inputs,
    not_attempted,
    not_yet,
    returned_array,
)

__all__ = [
    "check_confusion_metrics",
    "check_dropout_experiment",
    "check_shift_digit",
    "chapter_digits",
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
        result = returned_array(
            shift_digit,
            given,
            rows,
            columns,
            name="shift_digit",
            shape=image.shape,
            case=f"a shift of ({rows}, {columns})",
            hint="the shifted image keeps the frame: same shape as the input.",
        )
        if not np.array_equal(given, image):
            return not_yet(
                "shift_digit changed the image it was given.",
                "start from a new array, such as np.zeros_like(image), and fill it.",
            )
        if isinstance(result, Feedback):
            return result
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
# Exercise (experiment): more dropout on 100 digits
# --------------------------------------------------------------------------


@functools.cache
def chapter_digits() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The split of chapters 8 and 9: {"train", "validation", "test", "small"}.

    Each value is ``(X, y)`` with ``X`` of shape (n, 20, 20, 1): the digits
    upsampled to 16 x 16 and padded to 20 x 20, split as the chapters split them
    (360 test, 180 validation, 1,257 training digits, of which "small" is the
    stratified 100). The arrays are read-only.
    """
    from sklearn.model_selection import train_test_split

    from utils.data import load_digit_images

    digits, y = load_digit_images(upsample=2)
    images = np.pad(digits, ((0, 0), (2, 2), (2, 2)))[..., None]
    train_val, test = train_test_split(
        np.arange(len(y)), test_size=360, stratify=y, random_state=1
    )
    train, validation = train_test_split(
        train_val, test_size=180, stratify=y[train_val], random_state=0
    )
    small, _ = train_test_split(
        np.arange(len(train)), train_size=100, stratify=y[train], random_state=0
    )
    parts = {
        "train": train,
        "validation": validation,
        "test": test,
        "small": train[small],
    }
    split = {}
    for name, indices in parts.items():
        X, labels = images[indices], y[indices]
        X.setflags(write=False)
        labels.setflags(write=False)
        split[name] = (X, labels)
    return split


def network_problem(network: Any) -> tuple[str, str] | None:
    """What stops ``network`` from being scored on the digits, or None."""
    if not (callable(network) and hasattr(network, "layers")):
        return (
            "network must be a Keras model.",
            "build it with compile_classifier(build_cnn(...)).",
        )
    shape = tuple(network.inputs[0].shape[1:]) if network.inputs else None
    if shape != (20, 20, 1):
        return (
            f"the network takes inputs of shape {shape}, not (20, 20, 1).",
            "keep the chapter's input_shape.",
        )
    return None


def accuracy_and_loss(
    network: Any, X: np.ndarray, y: np.ndarray
) -> tuple[float, float]:
    """Accuracy and mean cross-entropy of a network's logits on (X, y)."""
    logits = np.asarray(network(X, training=False), dtype=float)
    logits = logits - logits.max(axis=1, keepdims=True)
    log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    accuracy = float(np.mean(logits.argmax(axis=1) == y))
    return accuracy, float(-log_p[np.arange(len(y)), y].mean())


@exercise_check
def check_dropout_experiment(
    network: Any, validation_loss: Any, validation_accuracy: Any
) -> Feedback:
    """Exercise "Experiment: more dropout on 100 digits"."""
    problem = network_problem(network)
    if problem:
        return not_yet(*problem)
    rates = [
        float(layer.rate)
        for layer in network.layers
        if type(layer).__name__ == "Dropout"
    ]
    if not rates:
        return not_yet(
            "the network has no Dropout layer.",
            "build it with build_cnn(dropout=dropout_rate).",
        )
    if any(np.isclose(rate, 0.3) or rate == 0 for rate in rates):
        return not_yet(
            f"the network's dropout rate is {rates[0]:g}, which the chapter has "
            "measured already.",
            "choose another rate between 0 and 1, such as 0.6.",
        )
    X_val, y_val = chapter_digits()["validation"]
    accuracy, loss = accuracy_and_loss(network, X_val, y_val)
    if accuracy < 0.5:
        return not_yet(
            f"your network gets only {accuracy:.3f} of the validation digits right: "
            "it does not look trained.",
            "train it with network.fit(batches(X_small, y_small, 25), epochs=15, "
            "verbose=0) before you measure it.",
        )
    given_loss, given_accuracy = (
        as_number(validation_loss),
        as_number(validation_accuracy),
    )
    if given_loss is None or given_accuracy is None:
        return not_yet(
            "validation_loss and validation_accuracy must be one number each.",
            "network.evaluate(X_val, y_val, verbose=0) returns the two, in that order.",
        )
    if np.isclose(given_loss, accuracy, atol=1e-4) and np.isclose(
        given_accuracy, loss, rtol=1e-3
    ):
        return not_yet(
            "the loss and the accuracy are swapped.",
            "evaluate returns the loss first, then the accuracy.",
        )
    if np.isclose(given_accuracy, 100 * accuracy, atol=0.1):
        return not_yet(
            "validation_accuracy looks like a percentage.",
            "give it as a fraction between 0 and 1.",
        )
    if not np.isclose(given_accuracy, accuracy, atol=1e-4):
        return not_yet(
            f"validation_accuracy = {given_accuracy:.4g}, but your network scores "
            f"{accuracy:.4g} on the validation digits.",
            "measure the network you trained, on X_val and y_val, after training.",
        )
    if not np.isclose(given_loss, loss, rtol=1e-3, atol=1e-4):
        return not_yet(
            f"validation_loss = {given_loss:.4g}, but your network's cross-entropy "
            f"on the validation digits is {loss:.4g}.",
            "measure the network you trained, on X_val and y_val, after training.",
        )
    return correct(
        "these are your network's validation loss and accuracy. Now compare "
        "them with the chapter's runs, and with the gap between its two "
        "unregularised runs."
    )
