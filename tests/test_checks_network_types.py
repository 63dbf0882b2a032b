"""The exercise checks of chapter 4 accept the solutions, reject typical wrong
answers with a hint, and report the untouched placeholders as not attempted."""

import os

from utils.environment import TENSORFLOW_ENVIRONMENT

# Quiet, deterministic TensorFlow, as utils.setup() sets it in the notebooks.
os.environ.update(TENSORFLOW_ENVIRONMENT)

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from utils.checks.network_types import (  # noqa: E402
    check_dense_parameter_count,
    check_lstm_shapes,
    check_network_types,
    check_rbf_experiment,
    check_rbf_layer,
    check_rbf_unit,
    fits,
)

# ---------------------------------------------------------------- network types

SOLUTION_TYPES = {
    "tumour_measurements": "feedforward",
    "skin_photos": "convolutional",
    "river_levels": "recurrent",
    "camera_and_microphone": "modular",
}


def test_network_types_accepts_the_solution_and_synonyms(capsys):
    assert check_network_types(SOLUTION_TYPES).passed is True
    assert "Correct" in capsys.readouterr().out
    synonyms = {
        "tumour_measurements": "MLP",
        "skin_photos": "CNN",
        "river_levels": "LSTM",
        "camera_and_microphone": "Modular network",
    }
    assert check_network_types(synonyms).passed is True
    spelled_out = {
        "tumour_measurements": "Multilayer perceptron",
        "skin_photos": "convolutional neural network",
        "river_levels": "Recurrent Neural Network",
        "camera_and_microphone": "a modular network"[2:],
    }
    assert check_network_types(spelled_out).passed is True
    for name in ("ConvNet", "conv net", "CNN", "Convolutional Network"):
        answers = {**SOLUTION_TYPES, "skin_photos": name}
        assert check_network_types(answers).passed is True, name


def test_network_types_accepts_a_feedforward_network_over_the_fixed_window():
    answers = {**SOLUTION_TYPES, "river_levels": "feed-forward network"}
    feedback = check_network_types(answers)
    assert feedback.passed is True
    assert "recurrent network would be defensible" in feedback.message


def test_network_types_solution_is_among_the_accepted_answers():
    for task, answer in SOLUTION_TYPES.items():
        assert fits(task, answer)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"skin_photos": "feedforward"}, "skin_photos"),
        ({"river_levels": "convolutional"}, "river_levels"),
        ({"camera_and_microphone": "recurrent"}, "camera_and_microphone"),
        ({"tumour_measurements": "transformer"}, "not a type"),
        ({"tumour_measurements": 3}, "not a type"),
        ({"river_levels": "rbf"}, "river_levels"),
        ({"tumour_measurements": "convolutional neural network"}, "tumour"),
    ],
)
def test_network_types_rejects_wrong_answers(change, words, capsys):
    feedback = check_network_types({**SOLUTION_TYPES, **change})
    assert feedback.passed is False
    assert words in feedback.message
    assert "Not yet" in capsys.readouterr().out


def test_network_types_feedback_does_not_give_the_answers_away():
    answers = dict.fromkeys(SOLUTION_TYPES, "rbf")
    message = check_network_types(answers).message
    assert "4 of 4" in message
    for name in ("feedforward", "convolutional", "recurrent", "modular"):
        assert name not in message


def test_network_types_rejects_a_missing_key_and_a_non_dict():
    partial = dict(SOLUTION_TYPES)
    del partial["river_levels"]
    assert check_network_types(partial).passed is False
    assert check_network_types(["feedforward"]).passed is False


def test_network_types_placeholders_are_not_attempted(capsys):
    template = dict.fromkeys(SOLUTION_TYPES, ...)
    assert check_network_types(template).passed is None
    assert "Not attempted" in capsys.readouterr().out


# ---------------------------------------------------------------- dense count


def test_dense_count_accepts_the_solution():
    feedback = check_dense_parameter_count(30 * 16 + 16 + 16 * 8 + 8 + 8 * 1 + 1)
    assert feedback.passed is True
    assert "641" in feedback.message


@pytest.mark.parametrize("answer", [641.0, np.int64(641), np.array(641.0), [641][0]])
def test_dense_count_accepts_the_count_as_any_kind_of_number(answer):
    assert check_dense_parameter_count(answer).passed is True


def test_dense_count_agrees_with_keras():
    import os

    from utils.environment import TENSORFLOW_ENVIRONMENT

    os.environ.update(TENSORFLOW_ENVIRONMENT)
    import keras

    model = keras.Sequential(
        [
            keras.Input((30,)),
            keras.layers.Dense(16),
            keras.layers.Dense(8),
            keras.layers.Dense(1),
        ]
    )
    assert check_dense_parameter_count(model.count_params()).passed is True


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (30 * 16 + 16 * 8 + 8, "weights only"),
        (30 * 16 + 16 * 8 + 8 + 30 + 16 + 8 + 1, "input layer"),
        (30 + 16 + 8 + 1, "counts units"),
        (640, "not the number"),
        (641.5, "whole number"),
        ("641", "whole number"),
        (True, "whole number"),
    ],
)
def test_dense_count_rejects_typical_slips(answer, words):
    feedback = check_dense_parameter_count(answer)
    assert feedback.passed is False
    assert words in feedback.message


def test_dense_count_placeholder_is_not_attempted():
    assert check_dense_parameter_count(...).passed is None


# ---------------------------------------------------------------- RBF unit


def solution_rbf_unit(x, centre, width):
    return np.exp(-np.sum((x - centre) ** 2) / (2 * width**2))


def test_rbf_unit_accepts_the_solution_and_a_loop_version():
    assert check_rbf_unit(solution_rbf_unit).passed is True

    def with_a_loop(x, centre, width):
        total = 0.0
        for xi, ci in zip(x, centre, strict=True):
            total += (xi - ci) ** 2
        return float(np.exp(-total / (2 * width * width)))

    assert check_rbf_unit(with_a_loop).passed is True


@pytest.mark.parametrize(
    ("wrong", "words"),
    [
        (lambda x, c, s: np.exp(-np.sum((x - c) ** 2) / s**2), "the 2 is missing"),
        (
            lambda x, c, s: np.exp(-np.linalg.norm(x - c) / (2 * s**2)),
            "squared distance",
        ),
        (lambda x, c, s: np.exp(-np.sum((x - c) ** 2) / (2 * s)), "squared"),
        (lambda x, c, s: np.exp(np.sum((x - c) ** 2) / (2 * s**2)), "minus sign"),
        (lambda x, c, s: np.exp(-((x - c) ** 2) / (2 * s**2)), "instead of one"),
        (lambda x, c, s: np.sum((x - c) ** 2), "not"),
        (lambda x, c, s: None, "None"),
        (lambda x, c, s: 1 / 0, "ZeroDivisionError"),
    ],
)
def test_rbf_unit_rejects_typical_slips(wrong, words):
    feedback = check_rbf_unit(wrong)
    assert feedback.passed is False
    assert words in feedback.message


def test_rbf_unit_rejects_a_number_instead_of_a_function():
    assert check_rbf_unit(0.4857).passed is False


def test_rbf_unit_placeholders_are_not_attempted(capsys):
    def template(x, centre, width):
        return ...

    assert check_rbf_unit(template).passed is None
    assert check_rbf_unit(...).passed is None
    assert "Not attempted" in capsys.readouterr().out


# ---------------------------------------------------------------- LSTM shapes

LSTM_COUNT = 4 * (32 * (3 + 32) + 32)


def test_lstm_accepts_the_solution_with_or_without_a_known_batch():
    assert check_lstm_shapes((8, 32), (8, 20, 32), LSTM_COUNT).passed is True
    assert check_lstm_shapes((None, 32), [None, 20, 32], 4608).passed is True
    as_floats = ((8.0, 32.0), np.array([8, 20, 32]), np.float64(4608.0))
    assert check_lstm_shapes(*as_floats).passed is True


def test_lstm_count_agrees_with_keras():
    import os

    from utils.environment import TENSORFLOW_ENVIRONMENT

    os.environ.update(TENSORFLOW_ENVIRONMENT)
    import keras

    inputs = np.zeros((8, 20, 3), dtype=np.float32)
    layer = keras.layers.LSTM(32)
    last = layer(inputs)
    every = keras.layers.LSTM(32, return_sequences=True)(inputs)
    feedback = check_lstm_shapes(
        tuple(last.shape), tuple(every.shape), layer.count_params()
    )
    assert feedback.passed is True


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (((8, 20, 32), (8, 32), LSTM_COUNT), "swapped"),
        (((32,), (8, 20, 32), LSTM_COUNT), "batch axis"),
        (((8, 20, 32), (8, 20, 32), LSTM_COUNT), "last step"),
        (((8, 32), (20, 32), LSTM_COUNT), "return_sequences=True"),
        (((8, 32), (8, 20, 32), 32 * 35 + 32), "SimpleRNN"),
        (((8, 32), (8, 20, 32), 4 * 32 * 35), "biases"),
        (((8, 32), (8, 20, 32), 4 * (32 * 3 + 32)), "recurrent weights"),
        (((8, 32), (8, 20, 32), 20 * LSTM_COUNT), "per time step"),
        (((8, 32), (8, 20, 32), 4000), "not the number"),
        (((8, 32), (8, 20, 32), 4608.5), "whole number"),
        (("8, 32", (8, 20, 32), LSTM_COUNT), "tuple"),
        (((8.5, 32), (8, 20, 32), LSTM_COUNT), "tuple"),
    ],
)
def test_lstm_rejects_typical_slips(answer, words):
    feedback = check_lstm_shapes(*answer)
    assert feedback.passed is False
    assert words in feedback.message


def test_lstm_placeholders_are_not_attempted():
    assert check_lstm_shapes(..., ..., ...).passed is None
    assert check_lstm_shapes((8, ...), (8, 20, 32), 4608).passed is None


# ---------------------------------------------------------------- RBF layer


class SolutionRBF(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.centres = self.add_weight(
            shape=(self.units, input_shape[-1]),
            initializer=keras.initializers.RandomUniform(-1.0, 1.0),
            trainable=True,
            name="centres",
        )
        self.widths = self.add_weight(
            shape=(self.units,), initializer="ones", trainable=True, name="widths"
        )

    def squared_distances(self, inputs):
        differences = keras.ops.expand_dims(inputs, axis=-2) - self.centres
        return keras.ops.sum(keras.ops.square(differences), axis=-1)

    def call(self, inputs):
        squared = self.squared_distances(inputs)
        return keras.ops.exp(-squared / (2.0 * keras.ops.square(self.widths)))


class WithATransposedLayout(SolutionRBF):
    """Right, computed another way: (batch, features, units), summed on axis 1."""

    def call(self, inputs):
        differences = inputs[:, :, None] - keras.ops.transpose(self.centres)[None]
        squared = keras.ops.sum(differences**2, axis=1)
        return keras.ops.exp(-0.5 * squared / self.widths**2)


class NoSquare(SolutionRBF):
    def call(self, inputs):
        differences = keras.ops.expand_dims(inputs, axis=-2) - self.centres
        return keras.ops.exp(
            -keras.ops.sum(differences, axis=-1) / (2 * self.widths**2)
        )


class WrongAxis(SolutionRBF):
    def call(self, inputs):
        differences = keras.ops.expand_dims(inputs, axis=-2) - self.centres
        squared = keras.ops.sum(keras.ops.square(differences), axis=1)
        return keras.ops.exp(-squared)


class MissingExp(SolutionRBF):
    def call(self, inputs):
        return -self.squared_distances(inputs) / (2.0 * keras.ops.square(self.widths))


class MissingTwo(SolutionRBF):
    def call(self, inputs):
        return keras.ops.exp(-self.squared_distances(inputs) / self.widths**2)


class FixedCentres(SolutionRBF):
    def build(self, input_shape):
        super().build(input_shape)
        self.centres.trainable = False


class HardCodedFeatures(SolutionRBF):
    def build(self, input_shape):
        self.centres = self.add_weight(shape=(self.units, 3), name="centres")
        self.widths = self.add_weight(shape=(self.units,), name="widths")


class Template(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.centres = ...
        self.widths = ...

    def call(self, inputs):
        return ...


def test_rbf_layer_accepts_the_solution_and_another_right_layout(capsys):
    assert check_rbf_layer(SolutionRBF).passed is True
    assert "Correct" in capsys.readouterr().out
    assert check_rbf_layer(WithATransposedLayout).passed is True


@pytest.mark.parametrize(
    ("wrong", "words"),
    [
        (NoSquare, "without being squared"),
        (WrongAxis, "last axis"),
        (MissingExp, "exp is missing"),
        (MissingTwo, "the 2 is missing"),
        (FixedCentres, "not a trainable weight"),
        (HardCodedFeatures, "input_shape[-1]"),
        (SolutionRBF(3), "class"),
        (np.exp, "class"),
    ],
)
def test_rbf_layer_rejects_typical_wrong_layers(wrong, words, capsys):
    feedback = check_rbf_layer(wrong)
    assert feedback.passed is False
    assert words in feedback.message
    assert "Not yet" in capsys.readouterr().out


def test_rbf_layer_template_is_not_attempted():
    assert check_rbf_layer(Template).passed is None
    assert check_rbf_layer(...).passed is None


# --- How many RBF units? (experiment) ------------------------------------


def _rbf_model(num_units):
    """The solution's steps on noisy samples of the chapter's curve."""
    from sklearn.cluster import KMeans

    rng = np.random.default_rng(0)
    x = np.sort(rng.uniform(-3, 3, 200))[:, None]
    y = np.sin(2 * x[:, 0]) + 0.5 * np.cos(5 * x[:, 0]) + rng.normal(0, 0.15, 200)
    centres = KMeans(num_units, n_init=4, random_state=0).fit(x).cluster_centers_
    distances = np.abs(centres - centres.T) + np.diag(np.full(num_units, np.inf))
    widths = distances.min(axis=1)

    def predict(points, weights):
        bumps = np.exp(-((points - centres.T) ** 2) / (2 * widths**2))
        return np.c_[bumps, np.ones(len(points))] @ weights

    weights, *_ = np.linalg.lstsq(predict(x, np.eye(num_units + 1)), y, rcond=None)
    grid = np.linspace(-3, 3, 601)[:, None]
    truth = np.sin(2 * grid[:, 0]) + 0.5 * np.cos(5 * grid[:, 0])
    error = np.mean((predict(grid, weights) - truth) ** 2)
    training_error = np.mean((predict(x, weights) - y) ** 2)
    return centres, widths, weights, error, training_error


def test_rbf_experiment_accepts_the_measurement_for_any_number_of_units():
    for units in (4, 30):
        centres, widths, weights, error, _ = _rbf_model(units)
        assert check_rbf_experiment(centres, widths, weights, error).passed
    as_float32 = [np.float32(a) for a in (centres, widths, weights)]
    assert check_rbf_experiment(*as_float32, np.float32(error)).passed


def test_rbf_experiment_rejects_each_kind_of_wrong_measurement():
    centres, widths, weights, error, training_error = _rbf_model(4)
    noisy = check_rbf_experiment(centres, widths, weights, training_error)
    assert noisy.passed is False and "f_grid" in noisy.message
    assert f"{error:.4f}" not in noisy.message  # the answer is not given away
    root = check_rbf_experiment(centres, widths, weights, np.sqrt(error))
    assert root.passed is False and "root" in root.message
    other_model = _rbf_model(30)[3]  # the error of another model
    assert check_rbf_experiment(centres, widths, weights, other_model).passed is False
    shapes = check_rbf_experiment(centres, widths, weights[:-1], error)  # no bias
    assert shapes.passed is False and "bias" in shapes.message
    assert check_rbf_experiment(centres, widths, weights, "0.2").passed is False


def test_rbf_experiment_placeholders_are_not_attempted():
    centres, widths, weights, error, _ = _rbf_model(4)
    assert check_rbf_experiment(..., ..., ..., ...).passed is None
    assert check_rbf_experiment(centres, widths, weights, ...).passed is None
