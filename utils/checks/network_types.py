"""Self-checking exercises of chapter 3, "Types of neural networks".

Each check prints "✅ Correct", "❌ Not yet" (with a hint) or "✏️ Not attempted
yet", and never shows a traceback for a wrong answer. None of them needs
TensorFlow.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from utils.checks import (
    Feedback,
    close_enough,
    correct,
    exercise_check,
    not_attempted,
    not_yet,
)

__all__ = [
    "DENSE_EXERCISE_LAYER_SIZES",
    "LSTM_EXERCISE",
    "NETWORK_TYPE_TASKS",
    "check_dense_parameter_count",
    "check_lstm_shapes",
    "check_network_types",
    "check_rbf_unit",
]

#: The tasks of the exercise "Which type of network?" and the expected type.
NETWORK_TYPE_TASKS = {
    "tumour_measurements": "feedforward",
    "skin_photos": "convolutional",
    "river_levels": "recurrent",
    "camera_and_microphone": "modular",
}

#: Other names a learner may use for each type.
_TYPE_SYNONYMS = {
    "feedforward": {
        "feedforward",
        "feed-forward",
        "feed forward",
        "mlp",
        "multilayer perceptron",
        "dense",
        "fully connected",
    },
    "convolutional": {"convolutional", "cnn", "convnet", "conv", "convolution"},
    "recurrent": {"recurrent", "rnn", "lstm", "simplernn", "gru"},
    "modular": {"modular", "modules", "mixture of experts"},
    "rbf": {"rbf", "radial basis function", "radial basis", "radial"},
}

_WHY = {
    "tumour_measurements": "a fixed list of numbers with no order in space or time",
    "skin_photos": "images: the same pattern can appear anywhere on the grid",
    "river_levels": "a sequence: each reading depends on the ones before it",
    "camera_and_microphone": (
        "two separate groups of inputs, each with its own sub-task, then combined"
    ),
}

#: Layer sizes (input first) of the network in "Count the parameters".
DENSE_EXERCISE_LAYER_SIZES = (30, 16, 8, 1)

#: The set-up of the exercise "Shapes of an LSTM layer".
LSTM_EXERCISE = {"batch_size": 8, "time_steps": 20, "features": 3, "units": 32}


def _type_name(answer: Any) -> str | None:
    if not isinstance(answer, str):
        return None
    cleaned = answer.strip().lower().replace("_", " ")
    for name, synonyms in _TYPE_SYNONYMS.items():
        if cleaned in synonyms or cleaned.removesuffix(" network") in synonyms:
            return name
    return None


@exercise_check
def check_network_types(answers: Mapping[str, str]) -> Feedback:
    """Exercise "Which type of network?": match each task to a network type.

    ``answers`` maps each key of :data:`NETWORK_TYPE_TASKS` to one of
    ``"feedforward"``, ``"convolutional"``, ``"recurrent"``, ``"modular"`` or
    ``"rbf"``. Chapter 3, section "Which type for which job?".
    """
    if not isinstance(answers, Mapping):
        return not_yet(
            f"answers must be a dict, but it is a {type(answers).__name__}.",
            "keep the dict from the exercise and fill in each value with a string.",
        )
    missing = [task for task in NETWORK_TYPE_TASKS if task not in answers]
    if missing:
        return not_yet(
            f"no answer for {', '.join(map(repr, missing))}.",
            "keep every key of the dict from the exercise.",
        )
    unknown = [task for task in NETWORK_TYPE_TASKS if _type_name(answers[task]) is None]
    if unknown:
        return not_yet(
            f"the answer for {unknown[0]!r} is {answers[unknown[0]]!r}, which is not "
            "a type of network from this chapter.",
            'use one of "feedforward", "convolutional", "recurrent", "modular", "rbf".',
        )
    wrong = [
        task
        for task, expected in NETWORK_TYPE_TASKS.items()
        if _type_name(answers[task]) != expected
    ]
    if wrong:
        task = wrong[0]
        return not_yet(
            f"{len(wrong)} of {len(NETWORK_TYPE_TASKS)} answers are off, for example "
            f"{task!r}.",
            f"look at the shape of that task's input: {_WHY[task]}.",
        )
    return correct(
        "Each type builds in an assumption about its input: no structure "
        "(feedforward), a grid (convolutional), an order in time (recurrent), "
        "separate groups (modular)."
    )


def _dense_counts(sizes):
    weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    biases = sum(sizes[1:])
    return weights, biases


@exercise_check
def check_dense_parameter_count(num_parameters: int) -> Feedback:
    """Exercise "Count the parameters" of a 30-16-8-1 network of dense layers.

    Chapter 3, section "Feedforward networks".
    """
    if isinstance(num_parameters, bool) or not isinstance(
        num_parameters, numbers.Integral
    ):
        return not_yet(
            f"num_parameters must be a whole number, not {num_parameters!r}.",
            "write the count as an integer, or as a sum such as 30 * 16 + 16 + ...",
        )
    weights, biases = _dense_counts(DENSE_EXERCISE_LAYER_SIZES)
    expected = weights + biases
    if num_parameters == expected:
        return correct(
            f"{weights} weights + {biases} biases = {expected} parameters. "
            "Check it with model.count_params()."
        )
    if num_parameters == weights:
        return not_yet(
            f"{num_parameters} counts the weights only.",
            "every unit of a dense layer also has a bias.",
        )
    if num_parameters == weights + sum(DENSE_EXERCISE_LAYER_SIZES):
        return not_yet(
            f"{num_parameters} gives a bias to the input layer too.",
            "the input layer only holds the data: it has no weights and no biases.",
        )
    if num_parameters == sum(DENSE_EXERCISE_LAYER_SIZES) or num_parameters == biases:
        return not_yet(
            f"{num_parameters} counts units, not parameters.",
            "a dense layer from n inputs to m units has n * m weights and m biases.",
        )
    return not_yet(
        f"{num_parameters} is not the number of parameters.",
        "add, for each pair of neighbouring layers (n inputs, m units), "
        "n * m weights and m biases.",
    )


def _reference_rbf_unit(x, centre, width):
    x, centre = np.asarray(x, dtype=float), np.asarray(centre, dtype=float)
    return float(np.exp(-np.sum((x - centre) ** 2) / (2.0 * width**2)))


#: Inputs on which check_rbf_unit tries the learner's function; the first is
#: the worked example of the exercise.
_RBF_CASES = (
    ((1.0, 2.0), (0.0, 0.5), 1.5),
    ((0.3, -0.2, 1.0), (0.3, -0.2, 1.0), 0.7),
    ((2.0,), (-1.0,), 2.0),
    ((-0.5, 0.8), (1.0, 1.0), 0.6),
)

#: Typical slips, each with a function that reproduces it and a hint.
_RBF_SLIPS = (
    (
        lambda x, c, s: np.exp(-np.sum((x - c) ** 2) / s**2),
        "the denominator is 2 * width**2: the 2 is missing.",
    ),
    (
        lambda x, c, s: np.exp(-np.sqrt(np.sum((x - c) ** 2)) / (2 * s**2)),
        "use the squared distance ||x - c||^2, not the distance itself.",
    ),
    (
        lambda x, c, s: np.exp(-np.sum((x - c) ** 2) / (2 * s)),
        "divide by 2 * width**2: the width is squared.",
    ),
    (
        lambda x, c, s: np.exp(np.sum((x - c) ** 2) / (2 * s**2)),
        "mind the minus sign: the unit's output must fall with the distance.",
    ),
    (
        lambda x, c, s: np.exp(-np.sum((x - c) ** 2) * s**2 / 2),
        "divide by the squared width instead of multiplying by it.",
    ),
)


@exercise_check
def check_rbf_unit(rbf_unit: Callable) -> Feedback:
    """Exercise "One RBF unit": a function ``rbf_unit(x, centre, width)``.

    It must return the Gaussian unit's output
    ``exp(-||x - centre||^2 / (2 * width^2))`` as one number. Chapter 3,
    section "Radial basis function networks".
    """
    if not callable(rbf_unit):
        return not_yet(
            f"rbf_unit must be a function, but it is a {type(rbf_unit).__name__}.",
            "define it with def rbf_unit(x, centre, width): ... and pass the name.",
        )
    for x, centre, width in _RBF_CASES:
        result = rbf_unit(np.array(x), np.array(centre), width)
        if result is Ellipsis or result is None:
            if result is None:
                return not_yet(
                    "rbf_unit returned None.", "end the function with return ..."
                )
            return not_attempted("the exercise 'rbf unit'")
        result_array = np.asarray(result, dtype=float)
        if result_array.size != 1:
            return not_yet(
                f"for x = {x} the function returned {result_array.size} numbers "
                "instead of one.",
                "sum the squared differences over the coordinates before exp.",
            )
        expected = _reference_rbf_unit(x, centre, width)
        if not close_enough(result_array.item(), expected):
            for slip, hint in _RBF_SLIPS:
                if close_enough(
                    result_array.item(),
                    slip(np.array(x), np.array(centre), width),
                ):
                    return not_yet(
                        f"for x = {x}, centre = {centre}, width = {width} your "
                        f"function gives {result_array.item():.4f}, not "
                        f"{expected:.4f}.",
                        hint,
                    )
            return not_yet(
                f"for x = {x}, centre = {centre}, width = {width} your function "
                f"gives {result_array.item():.4f}, not {expected:.4f}.",
                "compute exp(-(squared distance) / (2 * width**2)).",
            )
    return correct(
        "At its centre the unit answers exactly 1; one width away, "
        f"exp(-1/2) = {np.exp(-0.5):.3f}."
    )


def _as_shape(value: Any) -> tuple | None:
    if not isinstance(value, tuple | list):
        return None
    if not all(
        item is None
        or (isinstance(item, numbers.Integral) and not isinstance(item, bool))
        for item in value
    ):
        return None
    return tuple(value)


def _same_shape(given: tuple, expected: tuple) -> bool:
    """Equal shapes; ``None`` for the batch size is accepted, as Keras prints it."""
    if len(given) != len(expected):
        return False
    return (given[0] is None or given[0] == expected[0]) and given[1:] == expected[1:]


@exercise_check
def check_lstm_shapes(
    last_output_shape: tuple, all_outputs_shape: tuple, num_parameters: int
) -> Feedback:
    """Exercise "Shapes of an LSTM layer" (see :data:`LSTM_EXERCISE`).

    ``LSTM(32)`` on a batch of 8 sequences of 20 steps with 3 features: the
    output shape without and with ``return_sequences=True``, and the layer's
    number of parameters. Chapter 3, section "Recurrent networks".
    """
    batch, steps, features, units = (
        LSTM_EXERCISE[key] for key in ("batch_size", "time_steps", "features", "units")
    )
    expected_last = (batch, units)
    expected_all = (batch, steps, units)
    expected_count = 4 * (units * (features + units) + units)

    last = _as_shape(last_output_shape)
    every = _as_shape(all_outputs_shape)
    if last is None or every is None:
        return not_yet(
            "write each shape as a tuple of whole numbers, such as (8, 5).",
            "a shape lists the size of each axis, batch first.",
        )
    if _same_shape(last, expected_all) and _same_shape(every, expected_last):
        return not_yet(
            "the two shapes are swapped.",
            "return_sequences=True keeps one output per time step; the default "
            "keeps only the last.",
        )
    if not _same_shape(last, expected_last):
        if last == (units,) or last == (steps, units):
            hint = "keep the batch axis first: Keras handles 8 sequences at once."
        elif len(last) == 3:
            hint = "by default the layer returns only the output of the last step."
        else:
            hint = "one output vector of `units` numbers per sequence in the batch."
        return not_yet(f"the output shape {last} is not right.", hint)
    if not _same_shape(every, expected_all):
        return not_yet(
            f"the shape with return_sequences=True, {every}, is not right.",
            "one output vector per sequence and per time step: "
            "(batch, time steps, units).",
        )
    if isinstance(num_parameters, bool) or not isinstance(
        num_parameters, numbers.Integral
    ):
        return not_yet(
            f"num_parameters must be a whole number, not {num_parameters!r}.",
            "write the count as an integer or an arithmetic expression.",
        )
    one_gate = units * (features + units) + units
    if num_parameters == expected_count:
        return correct(
            f"4 gates x ({units} x ({features} + {units}) weights + {units} biases) "
            f"= {expected_count}. The count does not depend on the 20 time steps: "
            "every step reuses the same weights."
        )
    if num_parameters == one_gate:
        return not_yet(
            f"{num_parameters} is the count of a SimpleRNN, one set of weights.",
            "an LSTM has four sets (input, forget and output gates, candidate).",
        )
    if num_parameters == 4 * units * (features + units):
        return not_yet(
            f"{num_parameters} leaves out the biases.", "each gate has 32 biases."
        )
    if num_parameters == 4 * (units * features + units):
        return not_yet(
            f"{num_parameters} leaves out the recurrent weights.",
            "each gate also sees the previous output, 32 numbers.",
        )
    if num_parameters in (steps * expected_count, steps * one_gate):
        return not_yet(
            f"{num_parameters} counts the weights once per time step.",
            "the same weights are reused at every step.",
        )
    return not_yet(
        f"{num_parameters} is not the number of parameters.",
        "each of the 4 gates is a dense layer from (features + units) inputs to "
        "units outputs.",
    )
