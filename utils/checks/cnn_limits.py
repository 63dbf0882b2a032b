"""Checks for the exercises of chapter 9, "What a CNN can and cannot do".

Each check prints a verdict and returns a :class:`~utils.checks.Feedback` (see
:mod:`utils.checks`). A wrong answer is compared with the usual mistakes (a
forgotten bias or channel, 'same' read as 'valid', a statement about
equivariance read as one about invariance) and the check names the one it
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
    is_placeholder,
    not_attempted,
    not_yet,
    whole_pair,
)
from utils.checks.training_cnns import (
    accuracy_and_loss,
    chapter_digits,
    network_problem,
)

__all__ = [
    "check_conv_layer_cost",
    "check_invariance_statements",
    "check_vertical_shift_experiment",
]

# The second convolution of the chapter's CNN: Conv2D(32, 3, 'same') on 10 x 10 x 16.
_HEIGHT = _WIDTH = 10
_IN_CHANNELS = 16
_FILTERS = 32
_KERNEL = 3
_PARAMETERS = (_KERNEL * _KERNEL * _IN_CHANNELS + 1) * _FILTERS  # 4,640
_MULTIPLY_ADDS = _HEIGHT * _WIDTH * _FILTERS * _KERNEL * _KERNEL * _IN_CHANNELS

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
    answers = whole_pair(
        (parameters, multiply_adds),
        ("parameters", "multiply_adds"),
        "write them as Python expressions, such as (3 * 3 + 1) * 8.",
    )
    if isinstance(answers, Feedback):
        return answers
    count, macs = answers
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
    if is_placeholder(network):
        return not_attempted("the experiment (choose a network and the shifts)")
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
