"""Chapter 10's checks accept the solutions and reject typical wrong answers."""

from __future__ import annotations

import numpy as np
import pytest

from utils.checks.cnn_costs import (
    check_conv_layer_cost,
    check_cost_growth,
    check_read_out_cost,
)

# ---------------------------------------------------------------- layer cost


def test_cost_accepts_the_solution_in_several_spellings(capsys):
    assert check_conv_layer_cost((3 * 3 * 16 + 1) * 32, 10 * 10 * 32 * 144).passed
    assert check_conv_layer_cost(4640.0, np.int64(460_800)).passed
    assert "✅" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("parameters", "multiply_adds"),
    [
        (np.float64(4640.0), 460_800.0),
        (np.array(4640), np.array([460_800.0])),
        (np.array([4640.0]), np.int32(460_800)),
    ],
)
def test_cost_reads_floats_and_arrays_as_numbers(parameters, multiply_adds):
    assert check_conv_layer_cost(parameters, multiply_adds).passed


def test_cost_rejects_wrong_floats_and_arrays():
    assert check_conv_layer_cost(4608.0, 460_800.0).passed is False
    assert (
        check_conv_layer_cost(np.array([4640.0]), np.array(294_912.0)).passed is False
    )
    assert check_conv_layer_cost(np.array([4640, 4640]), 460_800).passed is False


@pytest.mark.parametrize(
    ("parameters", "multiply_adds", "phrase"),
    [
        (4608, 460_800, "not the biases"),
        (320, 460_800, "3 x 3 x 16"),
        (288, 460_800, "as deep as its input"),
        (145, 460_800, "32 kernels"),
        (464_000, 460_800, "shared"),
        (1234, 460_800, "not right"),
        (4640, 294_912, "'valid' padding"),
        (4640, 115_200, "5 x 5"),
        (4640, 14_400, "one kernel"),
        (4640, 28_800, "3 x 3 x 16"),
        (4640, 464_000, "bias"),
        (4640, 4640, "number of parameters"),
        (4640, 1, "not right"),
        ("4640", 460_800, "whole numbers"),
        ([4640], 460_800, "whole numbers"),
        (4640, 460_800.5, "whole numbers"),
        (True, 460_800, "whole numbers"),
    ],
)
def test_cost_rejects_typical_mistakes(parameters, multiply_adds, phrase, capsys):
    feedback = check_conv_layer_cost(parameters, multiply_adds)
    assert feedback.passed is False
    assert phrase in feedback.message
    assert "❌" in capsys.readouterr().out


def test_cost_reports_a_placeholder_as_not_attempted():
    assert check_conv_layer_cost(..., ...).passed is None
    assert check_conv_layer_cost(4640, ...).passed is None


# ---------------------------------------------------------------- read-out


def test_read_out_accepts_the_solution(capsys):
    assert check_read_out_cost((56 * 56 * 32 + 1) * 10, (32 + 1) * 10).passed
    assert check_read_out_cost(1_003_530.0, np.int64(330)).passed
    assert "✅" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("flatten", "global_max", "phrase"),
    [
        (1_003_520, 330, "not the biases"),
        ((112 * 112 * 32 + 1) * 10, 330, "first pooling only"),
        ((224 * 224 * 32 + 1) * 10, 330, "no pooling"),
        ((56 * 56 * 3 + 1) * 10, 330, "3 colour channels"),
        (56 * 56 * 32, 330, "length of the flattened volume"),
        (56 * 56 * 32 + 1, 330, "single unit"),
        (12345, 330, "not right"),
        (1_003_530, 320, "not the biases"),
        (1_003_530, 33, "single unit"),
        (1_003_530, 1_003_530, "Flatten read-out's count"),
        (1_003_530, 31, "not right"),
        ("1003530", 330, "whole numbers"),
    ],
)
def test_read_out_rejects_typical_mistakes(flatten, global_max, phrase):
    feedback = check_read_out_cost(flatten, global_max)
    assert feedback.passed is False
    assert phrase in feedback.message


def test_read_out_reports_a_placeholder_as_not_attempted():
    assert check_read_out_cost(..., ...).passed is None


# ---------------------------------------------------------------- experiment


def _measured(sides):
    """The costs measured as the chapter measures them: from Keras models."""
    import keras

    parameters, work = [], []
    for side in sides:
        network = keras.Sequential(
            [
                keras.Input(shape=(side, side, 1)),
                keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
                keras.layers.MaxPooling2D(2),
                keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
                keras.layers.MaxPooling2D(2),
                keras.layers.Flatten(),
                keras.layers.Dropout(0.3),
                keras.layers.Dense(10),
            ]
        )
        parameters.append(network.count_params())
        macs = 0
        for layer in network.layers:
            if isinstance(layer, keras.layers.Conv2D):
                h, w, _ = layer.output.shape[1:]
                macs += h * w * int(np.prod(layer.kernel.shape))
            elif isinstance(layer, keras.layers.Dense):
                macs += int(np.prod(layer.kernel.shape))
        work.append(macs)
    return parameters, work


@pytest.mark.parametrize("sides", [[20, 40, 80, 160], [8, 12, 30], (64, 32, 16, 9)])
def test_growth_accepts_what_keras_measures(sides, capsys):
    parameters, work = _measured(sides)
    assert check_cost_growth(sides, parameters, work).passed
    assert check_cost_growth(np.array(sides), np.array(parameters), work).passed
    assert "✅" in capsys.readouterr().out


def test_growth_rejects_wrong_measurements():
    sides = [20, 40, 80]
    parameters, work = _measured(sides)
    dense = [(side // 4) ** 2 * 320 for side in sides]
    cases = [
        ((sides, work, parameters), "swapped"),
        ((sides, [parameters[0]] * 3, work), "same at every size"),
        ((sides, [p + 1 for p in parameters], work), "parameter counts are not"),
        ((sides, parameters, list(np.subtract(work, dense))), "Dense layer"),
        ((sides, parameters, [w + 1 for w in work]), "multiply-adds are not"),
        ((sides, parameters[:2], work), "one number per size"),
        (([20, 20, 40], parameters, work), "three different"),
        (([20, 40, 1000], parameters, work), "from 4 to 512"),
        (([20.5, 40, 80], parameters, work), "whole numbers"),
        (("20, 40, 80", parameters, work), "three different"),
    ]
    for arguments, phrase in cases:
        feedback = check_cost_growth(*arguments)
        assert feedback.passed is False, arguments
        assert phrase in feedback.message, (phrase, feedback.message)


def test_growth_reports_placeholders_as_not_attempted():
    assert check_cost_growth(..., ..., ...).passed is None
    assert check_cost_growth([20, 40, 80], ..., ...).passed is None
