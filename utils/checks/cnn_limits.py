"""Checks for the exercises of chapter 9, "What a CNN can and cannot do".

Each check prints a verdict and returns a :class:`~utils.checks.Feedback` (see
:mod:`utils.checks`). A wrong answer is compared with the usual mistakes (a
statement about equivariance read as one about invariance, a shift that is even
for one pooling layer but odd for the next) and the check names the one it
recognises. The experiment's check recomputes the learner's measurement from the
learner's network, on chapter 8's test digits, which it loads itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from utils.checks import (
    Feedback,
    answer_digest,
    as_array,
    as_words,
    close_enough,
    correct,
    exercise_check,
    not_yet,
    whole_number,
)
from utils.checks.training_cnns import (
    accuracy_and_loss,
    chapter_digits,
    network_problem,
)

__all__ = [
    "check_invariance_statements",
    "check_two_block_shift",
    "check_vertical_shift_experiment",
]

#: Digests (utils.checks.answer_digest) of the letters of the true statements.
_TRUE_STATEMENTS = frozenset({"4f568c832e70b0f39a9ae9f3", "de9b3cb4586de99e8dac742c"})
#: Where to look again for each statement. A hint points at the evidence in the
#: chapter (a section, in quotes, and the experiment in it) without saying what
#: it shows: tests/test_checks_cnn_limits.py checks that none gives a verdict.
_STATEMENT_HINTS = {
    "a": (
        'in "Equivariance and invariance: what the architecture guarantees", '
        "read the table of the convolution's error after each shift, and the "
        "sentence on parameter sharing before it."
    ),
    "b": (
        'in "Equivariance and invariance: what the architecture guarantees", '
        "compare the pooled maps' error after even and after odd shifts; then read "
        'the "CNN" curve of the shift panel in "Shifted, rotated and rescaled '
        'digits".'
    ),
    "c": (
        'in "Shifted, rotated and rescaled digits", read the "CNN" curve of the '
        "rotation panel at 45 degrees and at 0 degrees."
    ),
    "d": (
        'in "Shifted, rotated and rescaled digits", compare the "CNN + '
        'augmentation" and "CNN" curves of the rotation panel inside the shaded '
        "augmentation range."
    ),
    "e": (
        'in "Equivariance and invariance: what the architecture guarantees", '
        "follow the one digit moved sideways pixel by pixel: what happens to the "
        "probability of its class, and what do Flatten and Dense read?"
    ),
}


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
        if answer_digest("ex-cnn-limits-invariance", letter) in _TRUE_STATEMENTS
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


# --------------------------------------------------------------------------
# Exercise (experiment): shifts in the other direction
# --------------------------------------------------------------------------


def _accuracies(network: Any, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Accuracy on chapter 8's test digits moved (rows, columns), black fill."""
    from scipy import ndimage

    X_test, y_test = chapter_digits()["test"]
    return np.array(
        [
            accuracy_and_loss(
                network, ndimage.shift(X_test, (0, r, c, 0), order=0), y_test
            )[0]
            for r, c in zip(rows, columns, strict=True)
        ]
    )


@exercise_check
def check_vertical_shift_experiment(
    network: Any, rows: Any, accuracies: Any
) -> Feedback:
    """Exercise "Experiment: shifts in the other direction"."""
    problem = network_problem(network)
    if problem:
        return not_yet(*problem)
    shifts = as_array(rows)
    if (
        shifts is None
        or shifts.ndim != 1
        or not np.all(shifts == np.round(shifts))
        or len(set(shifts)) < 3
        or np.abs(shifts).max() > 8
    ):
        return not_yet(
            "rows must be at least three different whole numbers of pixels, "
            "at most 8 either way.",
            "for example np.arange(-4, 5).",
        )
    shifts = shifts.astype(int)
    zero = np.zeros_like(shifts)
    measured = _accuracies(network, shifts, zero)
    if _accuracies(network, [0], [0])[0] < 0.5:
        return not_yet(
            "your network gets fewer than half of the centred test digits right: "
            "it does not look trained.",
            "use one of the chapter's trained networks, such as model_max.",
        )
    given = as_array(accuracies)
    if given is None or given.shape != shifts.shape:
        return not_yet(
            f"accuracies must hold one number per shift in rows ({len(shifts)}).",
            "one test accuracy for each value of rows, in the same order.",
        )
    if close_enough(given, measured, atol=1e-4):
        return correct(
            "these are your network's accuracies on the test digits moved "
            "vertically. Now compare the even and the odd shifts with the "
            "horizontal curve."
        )
    if close_enough(given, 100 * measured, atol=0.1):
        return not_yet(
            "those look like percentages.",
            "give accuracies as fractions between 0 and 1.",
        )
    if close_enough(given, _accuracies(network, zero, shifts), atol=1e-4):
        return not_yet(
            "those are the accuracies for horizontal shifts (columns).",
            "shift(X, 0, rows) moves the digits down by rows pixels.",
        )
    if close_enough(given, _accuracies(network, -shifts, zero), atol=1e-4):
        return not_yet(
            "those are the accuracies for the opposite shifts (up for down).",
            "positive rows move the digits down.",
        )
    return not_yet(
        "the accuracies do not match your network on the test digits moved by rows.",
        "measure the same network you pass to the check, on X_test moved "
        "vertically, with training=False.",
    )


# --------------------------------------------------------------------------
# Exercise: a whole cell after two blocks
# --------------------------------------------------------------------------


@exercise_check
def check_two_block_shift(pixels: Any) -> Feedback:
    """Exercise "A whole cell after two blocks": 4 pixels."""
    shift = whole_number(pixels)
    if shift is None:
        return not_yet(
            "pixels must be one whole number of pixels.", "for example pixels = 3."
        )
    if shift == 4:
        return correct(
            "4 pixels are 2 cells after the first pooling, an even shift for the "
            "second, which moves its maps by exactly one cell."
        )
    if shift <= 0:
        return not_yet(
            f"pixels = {shift} moves nothing to the right.",
            "give the smallest positive shift.",
        )
    if shift % 4 == 0:
        return not_yet(
            f"a shift of {shift} pixels works too, but it is not the smallest.",
            "try smaller multiples of the pooling size.",
        )
    if shift % 2 == 0:
        return not_yet(
            f"{shift} pixels move the first pooled maps by {shift // 2} cell(s), "
            "an odd shift for the second pooling layer.",
            "the second pooling needs an even shift of its own input.",
        )
    return not_yet(
        f"{shift} pixels is an odd shift: already the first pooling layer changes "
        "which pixels share a window.",
        "each 2 x 2 pooling with stride 2 is equivariant only to even shifts of "
        "its input.",
    )
