"""Self-checking exercises of chapter 4, "Types of neural networks".

Only :func:`check_rbf_layer` needs Keras (it imports it when called).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
    is_placeholder,
    not_a_function,
    not_attempted,
    not_yet,
    returned_array,
    whole_number,
)

__all__ = [
    "DENSE_EXERCISE_LAYER_SIZES",
    "LSTM_EXERCISE",
    "NETWORK_TYPE_TASKS",
    "check_dense_parameter_count",
    "check_lstm_shapes",
    "check_network_types",
    "check_rbf_experiment",
    "check_rbf_layer",
    "check_rbf_unit",
]

#: The tasks of the exercise "Which type of network?", each with the digests
#: (utils.checks.answer_digest of the label and (task, type)) of the types that
#: fit it: the answer key is not shipped in clear. One task has two.
NETWORK_TYPE_TASKS = {
    "tumour_measurements": frozenset({"d4908b66de637e3f3944b17d"}),
    "skin_photos": frozenset({"2a3658e4fb39a6bba8066b01"}),
    "river_levels": frozenset({"a4cd1663a436f63915a2dabf", "0feab5ec2f0905ab8343a586"}),
    "camera_and_microphone": frozenset({"48b83ea90c46da6963e3ef31"}),
}


def fits(task: str, type_name: str | None) -> bool:
    """True if the network type ``type_name`` fits ``task`` of the exercise."""
    digest = answer_digest("ex-network-types-match", (task, type_name))
    return digest in NETWORK_TYPE_TASKS.get(task, ())


#: Accepted spellings of each type (as_words, a trailing "network" dropped).
_TYPE_NAMES = {
    "feedforward": {
        "feedforward",
        "feed forward",
        "mlp",
        "multilayer perceptron",
        "multi layer perceptron",
        "dense",
        "fully connected",
    },
    "convolutional": {"convolutional", "cnn", "convnet", "conv", "convolution"},
    "recurrent": {"recurrent", "rnn", "lstm", "simplernn", "simple rnn", "gru"},
    "modular": {"modular", "mixture of experts"},
    "rbf": {"rbf", "radial basis function", "radial basis", "radial"},
}


def _type_name(answer: Any) -> str | None:
    words = as_words(answer)
    if words is None:
        return None
    for ending in (" neural networks", " neural network", " networks", " network"):
        words = words.removesuffix(ending)
    words = words.removesuffix(" net") if words != "conv net" else "convnet"
    for name, spellings in _TYPE_NAMES.items():
        if words in spellings:
            return name
    return None


@exercise_check
def check_network_types(answers: Mapping[str, str]) -> Feedback:
    """Exercise "Which type of network?": match each task to a network type.

    ``answers`` maps each key of :data:`NETWORK_TYPE_TASKS` to a type's name,
    spelled as the learner likes ("CNN", "convolutional neural network", ...).
    Chapter 4, section "Which type for which job?".
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
        task for task in NETWORK_TYPE_TASKS if not fits(task, _type_name(answers[task]))
    ]
    if wrong:
        return not_yet(
            f"{len(wrong)} of {len(NETWORK_TYPE_TASKS)} answers do not fit their "
            f"task yet, for example {wrong[0]!r}.",
            "ask what structure that task's input has, and which type of network "
            "builds that structure in.",
        )
    river = _type_name(answers["river_levels"])
    other = "a recurrent network" if river == "feedforward" else "a feedforward one"
    return correct(
        "Each type builds in an assumption about its input: no structure "
        "(feedforward), a grid (convolutional), separate groups (modular). The "
        f"river's fixed 48-hour window fits {river} as you said, and {other} "
        "would be defensible too: a fixed window is a vector of 48 numbers as "
        "well as a sequence. A recurrent network earns its place when the "
        "sequences vary in length or the history that matters is long."
    )


#: Layer sizes (input first) of the network in "Count the parameters".
DENSE_EXERCISE_LAYER_SIZES = (30, 16, 8, 1)

#: The set-up of the exercise "Shapes of an LSTM layer".
LSTM_EXERCISE = {"batch_size": 8, "time_steps": 20, "features": 3, "units": 32}


def _dense_counts(sizes):
    weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    biases = sum(sizes[1:])
    return weights, biases


@exercise_check
def check_dense_parameter_count(num_parameters: int) -> Feedback:
    """Exercise "Count the parameters" of a 30-16-8-1 network of dense layers.

    Chapter 4, section "Feedforward networks".
    """
    count = whole_number(num_parameters)
    if count is None:
        return not_yet(
            f"num_parameters must be a whole number, not {num_parameters!r}.",
            "write the count as a number, or as a sum such as 30 * 16 + 16 + ...",
        )
    weights, biases = _dense_counts(DENSE_EXERCISE_LAYER_SIZES)
    expected = weights + biases
    if count == expected:
        return correct(
            f"{weights} weights + {biases} biases = {expected} parameters. "
            "Check it with model.count_params()."
        )
    if count == weights:
        return not_yet(
            f"{count} counts the weights only.",
            "every unit of a dense layer also has a bias.",
        )
    if count == weights + sum(DENSE_EXERCISE_LAYER_SIZES):
        return not_yet(
            f"{count} gives a bias to the input layer too.",
            "the input layer only holds the data: it has no weights and no biases.",
        )
    if count == sum(DENSE_EXERCISE_LAYER_SIZES) or count == biases:
        return not_yet(
            f"{count} counts units, not parameters.",
            "a dense layer from n inputs to m units has n * m weights and m biases.",
        )
    return not_yet(
        f"{count} is not the number of parameters.",
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


def _squared_distances(X, centres):
    return ((X[:, None, :] - centres[None, :, :]) ** 2).sum(axis=-1)


#: Typical slips in a Gaussian RBF, each reproduced in NumPy for input rows X,
#: centres c (rows) and widths s, with a hint; both RBF checks try them.
_RBF_SLIPS = (
    (
        lambda X, c, s: np.exp(-_squared_distances(X, c) / s**2),
        "the denominator is 2 * width**2: the 2 is missing.",
    ),
    (
        lambda X, c, s: np.exp(-np.sqrt(_squared_distances(X, c)) / (2 * s**2)),
        "use the squared distance ||x - c||^2, not the distance itself.",
    ),
    (
        lambda X, c, s: np.exp(-_squared_distances(X, c) / (2 * s)),
        "divide by 2 * width**2: the width is squared.",
    ),
    (
        lambda X, c, s: np.exp(_squared_distances(X, c) / (2 * s**2)),
        "mind the minus sign: the unit's output must fall with the distance.",
    ),
    (
        lambda X, c, s: np.exp(-_squared_distances(X, c) * s**2 / 2),
        "divide by the squared width instead of multiplying by it.",
    ),
    (
        lambda X, c, s: np.exp(-(X[:, None, :] - c[None]).sum(axis=-1) / (2 * s**2)),
        "the differences x - c are summed without being squared.",
    ),
    (
        lambda X, c, s: -_squared_distances(X, c) / (2 * s**2),
        "the output is -||x - c||^2 / (2 width^2): the exp is missing.",
    ),
)


@exercise_check
def check_rbf_unit(rbf_unit: Callable) -> Feedback:
    """Exercise "One RBF unit": a function ``rbf_unit(x, centre, width)``.

    It must return the Gaussian unit's output
    ``exp(-||x - centre||^2 / (2 * width^2))`` as one number. Chapter 4,
    section "Radial basis function networks".
    """
    if (problem := not_a_function(rbf_unit, "rbf_unit")) is not None:
        return problem
    cases = list(_RBF_CASES)
    if (hidden := hidden_inputs()) is not None:  # a graded run's unseen inputs
        for size in (1, 2, 3, 5):
            x, centre = hidden.normal(size=(2, size)).round(2).tolist()
            cases.append((tuple(x), tuple(centre), round(hidden.uniform(0.5, 2), 2)))
    for x, centre, width in cases:
        values = returned_array(
            rbf_unit, np.array(x), np.array(centre), width, name="rbf_unit"
        )
        if isinstance(values, Feedback):
            return values
        if values.size != 1:
            return not_yet(
                f"for x = {x} the function returned {values.size} numbers instead "
                "of one.",
                "sum the squared differences over the coordinates before exp.",
            )
        value, expected = values.item(), _reference_rbf_unit(x, centre, width)
        if not close_enough(value, expected):
            rows = np.array([x]), np.array([centre]), np.array([width])
            hint = "compute exp(-(squared distance) / (2 * width**2))."
            for slip, slip_hint in _RBF_SLIPS:
                if close_enough(value, slip(*rows).item()):
                    hint = slip_hint
            return not_yet(
                f"for x = {x}, centre = {centre}, width = {width} your function "
                f"gives {value:.4f}, not {expected:.4f}.",
                hint,
            )
    return correct(
        "At its centre the unit answers exactly 1; one width away, "
        f"exp(-1/2) = {np.exp(-0.5):.3f}."
    )


def _as_shape(value: Any) -> tuple | None:
    """A shape as a tuple of ints (``None`` allowed, as Keras prints the batch)."""
    if not isinstance(value, tuple | list | np.ndarray):
        return None
    sizes = tuple(None if item is None else whole_number(item) for item in value)
    pairs = zip(sizes, value, strict=True)
    return None if any(s is None and v is not None for s, v in pairs) else sizes


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
    number of parameters. Chapter 4, section "Recurrent networks".
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
    count = whole_number(num_parameters)
    if count is None:
        return not_yet(
            f"num_parameters must be a whole number, not {num_parameters!r}.",
            "write the count as a number or an arithmetic expression.",
        )
    one_gate = units * (features + units) + units
    if count == expected_count:
        return correct(
            f"4 gates x ({units} x ({features} + {units}) weights + {units} biases) "
            f"= {expected_count}. The count does not depend on the 20 time steps: "
            "every step reuses the same weights."
        )
    if count == one_gate:
        return not_yet(
            f"{count} is the count of a SimpleRNN, one set of weights.",
            "an LSTM has four sets (input, forget and output gates, candidate).",
        )
    if count == 4 * units * (features + units):
        return not_yet(f"{count} leaves out the biases.", "each gate has 32 biases.")
    if count == 4 * (units * features + units):
        return not_yet(
            f"{count} leaves out the recurrent weights.",
            "each gate also sees the previous output, 32 numbers.",
        )
    if count in (steps * expected_count, steps * one_gate):
        return not_yet(
            f"{count} counts the weights once per time step.",
            "the same weights are reused at every step.",
        )
    return not_yet(
        f"{count} is not the number of parameters.",
        "each of the 4 gates is a dense layer from (features + units) inputs to "
        "units outputs.",
    )


def _reference_rbf_layer(X, centres, widths):
    return np.exp(-_squared_distances(X, centres) / (2.0 * widths**2))


#: (units, input features, batch size) on which check_rbf_layer tries the layer.
_RBF_LAYER_CASES = ((5, 3, 7), (2, 1, 4))


def _layer_weight(layer, name: str, shape: tuple[int, ...]):
    """The layer's weight ``name`` and a problem (None if it looks right)."""
    weight = getattr(layer, name, None)
    if weight is None:
        return weight, f"the layer has no self.{name}; create it in build()."
    values = as_array(weight)
    if values is None or values.shape != shape:
        found = "not an array" if values is None else f"shape {values.shape}"
        return weight, f"self.{name} has {found}, but it should have shape {shape}."
    if not getattr(weight, "trainable", False) or not hasattr(weight, "assign"):
        return weight, (
            f"self.{name} is not a trainable weight; create it with "
            "self.add_weight(..., trainable=True)."
        )
    return weight, None


@exercise_check
def check_rbf_layer(layer_class: type) -> Feedback:
    """Exercise "An RBF layer that learns its centres": a custom Keras layer.

    ``layer_class(units)`` must create, in ``build``, trainable weights
    ``self.centres`` of shape ``(units, features)`` and ``self.widths`` of
    shape ``(units,)``, and return ``exp(-||x - c_j||^2 / (2 width_j^2))`` for
    every input row and unit. The check gives the layer its own centres,
    widths and inputs, and compares with NumPy. Chapter 4, section "Radial
    basis function networks".
    """
    import keras

    if not (
        isinstance(layer_class, type) and issubclass(layer_class, keras.layers.Layer)
    ):
        return not_yet(
            f"LearnedRBF must be a class derived from keras.layers.Layer, not "
            f"{type(layer_class).__name__}.",
            "define it with class LearnedRBF(keras.layers.Layer): and pass the "
            "class itself, not a layer made from it.",
        )
    rng = hidden_inputs() or np.random.default_rng(2024)
    for units, features, batch in _RBF_LAYER_CASES:
        layer = layer_class(units)
        layer.build((None, features))
        if is_placeholder(
            [getattr(layer, name, None) for name in ("centres", "widths")]
        ):
            return not_attempted("the exercise 'rbf layer'")
        for name, shape in (("centres", (units, features)), ("widths", (units,))):
            _, problem = _layer_weight(layer, name, shape)
            if problem:
                return not_yet(
                    f"with {units} units and inputs of {features} feature(s), "
                    f"{problem}",
                    "use input_shape[-1] for the number of features.",
                )
        centres = rng.uniform(-1.0, 1.0, size=(units, features))
        widths = rng.uniform(0.5, 1.5, size=units)
        X = rng.normal(size=(batch, features))
        layer.centres.assign(centres.astype("float32"))
        layer.widths.assign(widths.astype("float32"))
        output = returned_array(
            layer.call,
            keras.ops.convert_to_tensor(X.astype("float32")),
            name="call()",
            shape=(batch, units),
            case=f"{batch} inputs and {units} units",
            hint="one number per input row and per unit: sum the squared "
            "differences over the features, the last axis of x - c.",
        )
        if isinstance(output, Feedback):
            return output
        expected = _reference_rbf_layer(X, centres, widths)
        if not close_enough(output, expected, rtol=1e-4, atol=1e-6):
            for slip, hint in _RBF_SLIPS:
                if close_enough(output, slip(X, centres, widths), rtol=1e-4, atol=1e-6):
                    return not_yet(
                        "your layer's output differs from the Gaussian RBF formula.",
                        hint,
                    )
            return not_yet(
                "your layer's output differs from the Gaussian RBF formula, for "
                f"{units} units and inputs of {features} feature(s).",
                "compute exp(-||x - c_j||^2 / (2 * width_j**2)) for every input "
                "row x and unit j.",
            )
    return correct(
        "On inputs and centres it had not seen, your layer gives exactly "
        "exp(-||x - c||^2 / (2 width^2)), and its centres and widths are weights "
        "that fit() can move."
    )


@exercise_check
def check_rbf_experiment(centres, widths, output_weights, error_against_f) -> Feedback:
    """Exercise "How many RBF units?": recompute the error of the learner's model
    against the chapter's true function, on a grid of the check's own."""
    centres, widths = as_array(centres), as_array(widths)
    weights, error = as_array(output_weights), as_number(error_against_f)
    if any(value is None for value in (centres, widths, weights, error)):
        return not_yet("pass three arrays (centres, widths, weights) and a number.")
    n = len(centres)
    if (centres.shape, widths.shape, weights.shape) != ((n, 1), (n,), (n + 1,)):
        return not_yet(
            f"for {n} units, centres should be ({n}, 1), widths ({n},) and "
            f"output_weights ({n + 1},): one weight per unit and a bias.",
            "build them as the chapter does: kmeans_centres, widths_from_centres, lstsq.",
        )
    x = np.linspace(-3.0, 3.0, 601)[:, None]
    bumps = np.exp(-((x - centres[:, 0]) ** 2) / (2 * widths**2))
    truth = np.sin(2 * x[:, 0]) + 0.5 * np.cos(5 * x[:, 0])
    expected = float(np.mean((np.c_[bumps, np.ones(len(x))] @ weights - truth) ** 2))
    if np.isclose(error, expected, rtol=1e-3, atol=1e-7):
        return correct(
            f"That is your {n} units' error against f; the noise variance is 0.0225."
        )
    if np.isclose(error, np.sqrt(expected), rtol=1e-3):
        return not_yet(
            "that is the root of the mean squared error.", "do not take the root."
        )
    return not_yet(
        "that is not the mean squared error of your model against f on x_grid.",
        "compare the prediction on x_grid with f_grid, not with noisy samples.",
    )
